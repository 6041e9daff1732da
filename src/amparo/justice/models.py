"""Complaints, investigations, operations, prosecutions and witness protection.

Names, addresses, narratives and whereabouts are encrypted (amparo.core.fields). Operational codes,
dates and statuses stay in clear for statistics (investigations, prosecutions, convictions, sentences).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from amparo.core.fields import EncryptedTextField

from .vocab import (
    ChargeStatus,
    ComplaintSource,
    CooperationDirection,
    CooperationKind,
    CooperationStatus,
    CourtEventKind,
    CustodyAction,
    EvidenceKind,
    InvestigationStatus,
    OperationStatus,
    PlaceType,
    RoleInProcess,
    SuspectKind,
    TeamRole,
    VerdictOutcome,
)

USER = settings.AUTH_USER_MODEL


class JusticeCounter(models.Model):
    """Next number per institution, kind (complaint, investigation) and year (locked row)."""

    organization = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=4)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "kind", "year"], name="unique_justice_counter")]

    def __str__(self) -> str:
        return f"{self.organization_id}/{self.kind}/{self.year}: {self.last}"


class Complaint(models.Model):
    """A complaint (denuncia) received by the Public Ministry or the police."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    number = models.CharField(_("complaint number"), max_length=40)
    received_on = models.DateField(_("received on"), db_index=True)
    source = models.CharField(_("source"), max_length=12, choices=ComplaintSource.choices)
    receiving_org = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("receiving institution"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_by_org = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    mp_file_number = models.CharField(_("Public Ministry file number"), max_length=60, blank=True, db_index=True)
    summary = EncryptedTextField(_("summary"))
    cases = models.ManyToManyField(  # type: ignore[var-annotated]
        "cases.Case", verbose_name=_("victim cases"), blank=True, related_name="complaints"
    )
    investigation = models.ForeignKey(
        "justice.Investigation",
        verbose_name=_("investigation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="complaints",
    )
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["-received_on", "-created_at"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        constraints = [models.UniqueConstraint(fields=["receiving_org", "number"], name="unique_complaint_number")]
        indexes = [models.Index(fields=["receiving_org", "-received_on"], name="complaint_org_received")]

    def __str__(self) -> str:
        return self.number


class Investigation(models.Model):
    """An investigation file. Visible only to its team (lead and named members)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    number = models.CharField(_("investigation number"), max_length=40)
    owner_org = models.ForeignKey(
        "organizations.Organization", verbose_name=_("institution"), on_delete=models.PROTECT, related_name="+"
    )
    mp_file_number = models.CharField(_("Public Ministry file number"), max_length=60, blank=True)
    summary = EncryptedTextField(_("summary"))
    status = models.CharField(
        _("status"), max_length=12, choices=InvestigationStatus.choices, default=InvestigationStatus.OPEN
    )
    opened_on = models.DateField(_("opened on"))
    lead = models.ForeignKey(USER, verbose_name=_("lead"), on_delete=models.PROTECT, related_name="+")
    members = models.ManyToManyField(  # type: ignore[var-annotated]
        USER, through="InvestigationMember", related_name="+", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-opened_on", "-created_at"]
        verbose_name = _("investigation")
        verbose_name_plural = _("investigations")
        constraints = [models.UniqueConstraint(fields=["owner_org", "number"], name="unique_investigation_number")]
        indexes = [
            models.Index(fields=["mp_file_number"], name="investigation_file_number"),
            models.Index(fields=["lead", "-opened_on"], name="investigation_lead"),
            models.Index(fields=["status", "-opened_on"], name="investigation_status"),
        ]

    def __str__(self) -> str:
        return self.number


class InvestigationStatusChange(models.Model):
    """One step of the investigation along the procedure (vocab.INVESTIGATION_TRANSITIONS). The reason,
    required to go back or to reopen, is free text: encrypted, never audited."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    investigation = models.ForeignKey(Investigation, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=12, choices=InvestigationStatus.choices)
    to_status = models.CharField(max_length=12, choices=InvestigationStatus.choices)
    reason = EncryptedTextField(_("reason"), blank=True, null=True)
    actor = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at"]

    def __str__(self) -> str:
        return f"{self.from_status}->{self.to_status}"


class InvestigationMember(models.Model):
    investigation = models.ForeignKey(Investigation, on_delete=models.CASCADE, related_name="team")
    user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    team_role = models.CharField(_("role in the team"), max_length=12, choices=TeamRole.choices)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["investigation", "user"], name="unique_investigation_member")]
        indexes = [models.Index(fields=["user", "investigation"], name="investigation_member_user")]

    def __str__(self) -> str:
        return f"{self.investigation_id} · {self.user_id}"


class Place(models.Model):
    """A place or business involved (bar, night club, brothel, farm, agency). Name and address encrypted;
    ``name_index`` is a blind index of the normalized name (exact search)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    investigation = models.ForeignKey(Investigation, on_delete=models.CASCADE, related_name="places")
    place_type = models.CharField(_("type"), max_length=12, choices=PlaceType.choices)
    name = EncryptedTextField(_("name"))
    address = EncryptedTextField(_("address"), blank=True, null=True)
    department = models.CharField(_("department"), max_length=2, blank=True)
    municipality = models.CharField(_("municipality"), max_length=4, blank=True)
    name_index = models.BigIntegerField(db_index=True)

    class Meta:
        verbose_name = _("place or business")
        verbose_name_plural = _("places and businesses")

    def __str__(self) -> str:
        return self.place_type


class Suspect(models.Model):
    """A suspect: an individual (a Person, identity in amparo.people) or a business (a Place)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    investigation = models.ForeignKey(Investigation, on_delete=models.CASCADE, related_name="suspects")
    kind = models.CharField(_("individual or business"), max_length=12, choices=SuspectKind.choices)
    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    business = models.ForeignKey(
        Place, verbose_name=_("business"), null=True, blank=True, on_delete=models.PROTECT, related_name="suspects"
    )
    role_in_process = models.CharField(_("role in the process"), max_length=20, choices=RoleInProcess.choices)
    public_official = models.BooleanField(_("public official"), default=False)
    official_institution = models.CharField(_("official's institution"), max_length=120, blank=True)
    notes = EncryptedTextField(_("notes"), blank=True, null=True)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at"]
        verbose_name = _("suspect")
        verbose_name_plural = _("suspects")

    def __str__(self) -> str:
        return f"suspect {self.pk}"


class InvestigationVictim(models.Model):
    """A victim of the investigation, through their protection case."""

    investigation = models.ForeignKey(Investigation, on_delete=models.CASCADE, related_name="victims")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="investigation_links")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["investigation", "case"], name="unique_investigation_victim")]

    def __str__(self) -> str:
        return f"{self.investigation_id} · {self.case_id}"


class Witness(models.Model):
    investigation = models.ForeignKey(Investigation, on_delete=models.CASCADE, related_name="witnesses")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["investigation", "person"], name="unique_witness")]

    def __str__(self) -> str:
        return f"witness {self.pk}"


class Evidence(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    investigation = models.ForeignKey(Investigation, on_delete=models.CASCADE, related_name="evidence")
    number = models.PositiveIntegerField(_("item number"))
    kind = models.CharField(_("kind"), max_length=12, choices=EvidenceKind.choices)
    description = EncryptedTextField(_("description"))
    collected_on = models.DateField(_("collected on"))
    collected_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["investigation", "number"], name="unique_evidence_number")]

    def __str__(self) -> str:
        return f"E-{self.number:03d}"


class CustodyEntry(models.Model):
    """One link of an evidence item's chain of custody (append-only)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    evidence = models.ForeignKey(Evidence, on_delete=models.CASCADE, related_name="custody")
    action = models.CharField(_("action"), max_length=12, choices=CustodyAction.choices)
    at = models.DateTimeField(_("when"))
    holder = EncryptedTextField(_("held by"))
    location = EncryptedTextField(_("location"), blank=True, null=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "recorded_at"]

    def __str__(self) -> str:
        return self.action


class Operation(models.Model):
    """A compartmented operation (raid). Before execution only its named members know it exists."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    investigation = models.ForeignKey(Investigation, on_delete=models.PROTECT, related_name="operations")
    codename = EncryptedTextField(_("code name"))
    objective = EncryptedTextField(_("objective and plan"))
    target = models.ForeignKey(
        Place, verbose_name=_("target"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    planned_for = models.DateField(_("planned for"))
    status = models.CharField(
        _("status"), max_length=10, choices=OperationStatus.choices, default=OperationStatus.PLANNED
    )
    lead = models.ForeignKey(USER, verbose_name=_("lead"), on_delete=models.PROTECT, related_name="+")
    members = models.ManyToManyField(USER, related_name="+", blank=True)  # type: ignore[var-annotated]
    executed_at = models.DateTimeField(_("executed"), null=True, blank=True)
    outcome = EncryptedTextField(_("outcome"), blank=True, null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-planned_for"]
        verbose_name = _("operation")
        verbose_name_plural = _("operations")

    def __str__(self) -> str:
        return f"operation {self.pk}"


class OperationAccess(models.Model):
    """Every access to an operation (view, list, edit, denial), shown to its lead."""

    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="accesses")
    user = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    organization = models.ForeignKey(
        "organizations.Organization", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=30)
    granted = models.BooleanField(default=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.operation_id} {self.action}"


class OperationFinding(models.Model):
    """A person found on site, screened there (ILO indicators)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="findings")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    answers = models.JSONField(default=dict)
    proposed_status = models.CharField(max_length=20)
    presumed_victim = models.BooleanField(default=False)
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    screened_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    screened_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["screened_at"]

    def __str__(self) -> str:
        return f"finding {self.pk}"


class Arrest(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    investigation = models.ForeignKey(Investigation, on_delete=models.CASCADE, related_name="arrests")
    suspect = models.ForeignKey(Suspect, on_delete=models.PROTECT, related_name="arrests")
    arrested_on = models.DateField(_("arrested on"))
    with_warrant = models.BooleanField(_("with an arrest warrant"), default=True)
    operation = models.ForeignKey(Operation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    department = models.CharField(_("department"), max_length=2, blank=True)

    class Meta:
        ordering = ["arrested_on"]

    def __str__(self) -> str:
        return f"arrest {self.pk}"


class CourtEvent(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    investigation = models.ForeignKey(Investigation, on_delete=models.CASCADE, related_name="court_events")
    suspect = models.ForeignKey(Suspect, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("event"), max_length=20, choices=CourtEventKind.choices)
    date = models.DateField(_("date"))
    court = models.CharField(_("court"), max_length=200)
    notes = EncryptedTextField(_("notes"), blank=True, null=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return self.kind


class Cooperation(models.Model):
    """International cooperation: extradition, mutual legal assistance, deportation."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    investigation = models.ForeignKey(Investigation, on_delete=models.CASCADE, related_name="cooperation")
    suspect = models.ForeignKey(Suspect, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=12, choices=CooperationKind.choices)
    direction = models.CharField(_("direction"), max_length=10, choices=CooperationDirection.choices)
    country = models.CharField(_("other country"), max_length=2)
    status = models.CharField(
        _("status"), max_length=12, choices=CooperationStatus.choices, default=CooperationStatus.REQUESTED
    )
    requested_on = models.DateField(_("requested on"))
    status_on = models.DateField(_("status since"))
    notes = EncryptedTextField(_("notes"), blank=True, null=True)

    class Meta:
        ordering = ["requested_on"]

    def __str__(self) -> str:
        return self.kind


class ProtectedWitness(models.Model):
    """A person under witness protection. Identity and whereabouts are critical data: everyone outside
    the protection team sees only the pseudonym (protection.py)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.OneToOneField("people.Person", on_delete=models.PROTECT, related_name="protection")
    serial = models.PositiveIntegerField()
    owner_org = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    team = models.ManyToManyField(USER, related_name="+", blank=True)  # type: ignore[var-annotated]
    whereabouts = EncryptedTextField(_("whereabouts"), blank=True, null=True)
    started_on = models.DateField(_("protected since"))
    ended_on = models.DateField(_("protection ended"), null=True, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("protected witness")
        verbose_name_plural = _("protected witnesses")
        constraints = [models.UniqueConstraint(fields=["owner_org", "serial"], name="unique_protection_serial")]

    def __str__(self) -> str:
        return self.pseudonym

    @property
    def pseudonym(self) -> str:
        return str(_("Protected witness T-%(serial)04d") % {"serial": self.serial})


class Charge(models.Model):
    """A charge against a suspect under an article of the legal catalog, in the version in force on the
    offence date (amparo.law), with the circumstances the penalty depends on."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    investigation = models.ForeignKey(Investigation, on_delete=models.CASCADE, related_name="charges")
    suspect = models.ForeignKey(Suspect, on_delete=models.PROTECT, related_name="charges")
    article = models.ForeignKey("law.Article", verbose_name=_("article"), on_delete=models.PROTECT, related_name="+")
    version = models.ForeignKey("law.ArticleVersion", on_delete=models.PROTECT, related_name="+")
    offence_date = models.DateField(_("offence date"))
    victim_age = models.PositiveSmallIntegerField(_("victim's age at the offence"), null=True, blank=True)
    circumstances = models.JSONField(_("circumstances"), default=list, blank=True)
    filed_on = models.DateField(_("filed on"))
    status = models.CharField(_("status"), max_length=10, choices=ChargeStatus.choices, default=ChargeStatus.FILED)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["filed_on", "created_at"]
        verbose_name = _("charge")
        verbose_name_plural = _("charges")

    def __str__(self) -> str:
        return f"charge {self.pk}"


class Verdict(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    charge = models.OneToOneField(Charge, on_delete=models.CASCADE, related_name="verdict")
    outcome = models.CharField(_("outcome"), max_length=10, choices=VerdictOutcome.choices)
    date = models.DateField(_("date"))
    court = models.CharField(_("court"), max_length=200)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("verdict")

    def __str__(self) -> str:
        return self.outcome


class Sentence(models.Model):
    """The sentence of a conviction. ``prison_days_total`` counts a year as 365 days and a month as 30 (the
    calculator's convention); outside the calculator's range a reason is required."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    verdict = models.OneToOneField(Verdict, on_delete=models.CASCADE, related_name="sentence")
    prison_years = models.PositiveSmallIntegerField(_("years"), default=0)
    prison_months = models.PositiveSmallIntegerField(_("months"), default=0)
    prison_days = models.PositiveSmallIntegerField(_("days"), default=0)
    prison_days_total = models.PositiveIntegerField(default=0)
    fine = models.DecimalField(_("fine (Q)"), max_digits=14, decimal_places=2, null=True, blank=True)
    reparation = models.DecimalField(
        _("reparation to the victim (Q)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    reparation_case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("victim (third-party plaintiff)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    within_range = models.BooleanField(null=True)
    outside_range_reason = EncryptedTextField(_("reason for a sentence outside the range"), blank=True, null=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("sentence")

    def __str__(self) -> str:
        return f"sentence {self.pk}"
