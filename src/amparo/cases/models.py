from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amparo.core.fields import EncryptedJSONField, EncryptedTextField

from .vocab import (
    Answer,
    CaseStatus,
    ClosureCode,
    ConsentGiver,
    DeterminedBy,
    EventKind,
    Priority,
    RecruiterRelation,
    RecruitmentMethod,
    RiskLevel,
    ServiceType,
    TraffickingStatus,
)

USER = settings.AUTH_USER_MODEL


class Case(models.Model):
    """A victim's protection case, owned by one institution (and unit)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    number = models.CharField(_("case number"), max_length=40)
    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="cases"
    )
    owner_org = models.ForeignKey(
        "organizations.Organization", verbose_name=_("institution"), on_delete=models.PROTECT, related_name="+"
    )
    owner_unit = models.ForeignKey(
        "organizations.Unit", verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    owner = models.ForeignKey(USER, verbose_name=_("case owner"), on_delete=models.PROTECT, related_name="+")
    supervisor = models.ForeignKey(
        USER, verbose_name=_("supervisor"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assigned = models.ManyToManyField(  # type: ignore[var-annotated]
        USER, verbose_name=_("assigned caseworkers"), blank=True, related_name="+"
    )
    status = models.CharField(_("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    risk_level = models.CharField(_("risk level"), max_length=10, choices=RiskLevel.choices, default=RiskLevel.UNKNOWN)
    trafficking_status = models.CharField(
        _("trafficking status"), max_length=20, choices=TraffickingStatus.choices, default=TraffickingStatus.POSSIBLE
    )
    status_determined_by = models.CharField(_("determined by"), max_length=30, choices=DeterminedBy.choices, blank=True)
    status_determined_at = models.DateTimeField(_("determined on"), null=True, blank=True)
    status_determined_user = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    minor_protocol = models.BooleanField(
        _("minor's protocol"),
        default=False,
        help_text=_("Presumption of minority: the age is unknown or could be under 18."),
    )
    # Denormalized for list filters and statistics (kept current by the services).
    age_group = models.CharField(_("age group"), max_length=6, blank=True)  # CTDC ageBroad at opening
    forms_index = models.CharField(max_length=300, blank=True)  # "|SexualExploitation|ForcedLabour|"
    opened_at = models.DateTimeField(_("opened"), default=timezone.now, db_index=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closure_requested = models.BooleanField(default=False)
    closure_reason = EncryptedTextField(_("closure reason"), blank=True, null=True)
    # Of the closure last asked for: blank for a closure explained in words (closure_reason) only.
    closure_code = models.CharField(_("kind of closure"), max_length=20, choices=ClosureCode.choices, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [models.UniqueConstraint(fields=["owner_org", "number"], name="unique_case_number")]
        indexes = [
            models.Index(fields=["owner_org", "status", "-opened_at"], name="case_org_status_opened"),
            models.Index(fields=["owner_org", "-opened_at", "-id"], name="case_org_opened_id"),  # keyset pages
            models.Index(fields=["owner", "-opened_at"], name="case_owner_opened"),
        ]

    def __str__(self) -> str:
        return self.number


class CaseCounter(models.Model):
    """Next case number per institution and year (locked row, so numbers never repeat)."""

    organization = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "year"], name="unique_case_counter")]

    def __str__(self) -> str:
        return f"{self.organization_id}/{self.year}: {self.last}"


class CaseStatusChange(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=CaseStatus.choices)
    to_status = models.CharField(max_length=20, choices=CaseStatus.choices)
    reason = EncryptedTextField(_("reason"), blank=True, null=True)
    closure_code = models.CharField(max_length=20, choices=ClosureCode.choices, blank=True)  # to closed only
    actor = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at"]

    def __str__(self) -> str:
        return f"{self.from_status}->{self.to_status}"


class Screening(models.Model):
    """An identification interview with the ILO / ILO-EC indicators."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="screenings")
    answers = models.JSONField(default=dict)  # indicator code -> yes/no/unknown (categories, not identities)
    notes = EncryptedJSONField(default=dict, blank=True)  # indicator code -> free text (encrypted)
    proposed_status = models.CharField(max_length=20, choices=TraffickingStatus.choices)
    screened_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    screened_by_org_type = models.CharField(max_length=40, blank=True)
    screened_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-screened_at"]

    def __str__(self) -> str:
        return f"screening {self.pk}"

    def answer(self, code: str) -> str:
        return str(self.answers.get(code, Answer.UNKNOWN))


class TraffickingEvent(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("stage"), max_length=20, choices=EventKind.choices)
    country = models.CharField(_("country"), max_length=2, blank=True)
    department = models.CharField(_("department"), max_length=2, blank=True)
    municipality = models.CharField(_("municipality"), max_length=4, blank=True)
    start_date = models.DateField(_("from"), null=True, blank=True)
    start_approximate = models.BooleanField(_("approximate start"), default=False)
    end_date = models.DateField(_("to"), null=True, blank=True)
    end_approximate = models.BooleanField(_("approximate end"), default=False)
    forms = models.JSONField(_("forms of exploitation"), default=list, blank=True)
    industry = models.CharField(_("industry (ISIC)"), max_length=10, blank=True)
    means_of_control = models.JSONField(_("means of control"), default=list, blank=True)
    recruiter_relation = models.CharField(
        _("relation to the recruiter"), max_length=20, choices=RecruiterRelation.choices, blank=True
    )
    recruitment_method = models.CharField(
        _("method of recruitment"), max_length=30, choices=RecruitmentMethod.choices, blank=True
    )
    description = EncryptedTextField(_("description"), blank=True, null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["start_date", "created_at"]

    def __str__(self) -> str:
        return self.kind


class Consent(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents")
    scopes = models.JSONField(_("consented to"), default=list)
    referral_services = models.JSONField(_("services the referral may go to"), default=list, blank=True)
    given_by = models.CharField(_("given by"), max_length=20, choices=ConsentGiver.choices)
    giver_name = EncryptedTextField(_("name of who consents"), blank=True, null=True)
    reference = EncryptedTextField(_("document or court order reference"), blank=True, null=True)
    given_on = models.DateField(_("date"))
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawal_reason = EncryptedTextField(_("withdrawal reason"), blank=True, null=True)

    class Meta:
        ordering = ["-recorded_at"]

    def __str__(self) -> str:
        return ",".join(self.scopes)


class RiskAssessment(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="risk_assessments")
    individual = models.CharField(_("individual risk"), max_length=10, choices=RiskLevel.choices)
    family = models.CharField(_("family risk"), max_length=10, choices=RiskLevel.choices)
    community = models.CharField(_("community risk"), max_length=10, choices=RiskLevel.choices)
    retrafficking = models.CharField(_("risk of re-trafficking"), max_length=10, choices=RiskLevel.choices)
    reprisal = models.CharField(_("risk of reprisal"), max_length=10, choices=RiskLevel.choices)
    notes = EncryptedTextField(_("notes"), blank=True, null=True)
    assessed_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    assessed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-assessed_at"]

    def __str__(self) -> str:
        return f"risk {self.pk}"


class CarePlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned with comments")


class CarePlan(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="care_plan")
    goals = EncryptedTextField(_("goals"))
    status = models.CharField(max_length=12, choices=CarePlanStatus.choices, default=CarePlanStatus.DRAFT)
    review_comment = EncryptedTextField(_("supervisor's comment"), blank=True, null=True)
    reviewed_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    def __str__(self) -> str:
        return f"care plan {self.pk}"


class PlannedService(models.Model):
    plan = models.ForeignKey(CarePlan, on_delete=models.CASCADE, related_name="services")
    service_type = models.CharField(_("service"), max_length=20, choices=ServiceType.choices)
    provider = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("provider"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_date = models.DateField(_("planned by"), null=True, blank=True)

    def __str__(self) -> str:
        return self.service_type


class ServiceDelivery(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="deliveries")
    service_type = models.CharField(_("service"), max_length=20, choices=ServiceType.choices)
    provider = models.ForeignKey(
        "organizations.Organization", verbose_name=_("provider"), on_delete=models.PROTECT, related_name="+"
    )
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to"), null=True, blank=True)
    notes = EncryptedTextField(_("notes"), blank=True, null=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_date"]

    def __str__(self) -> str:
        return self.service_type


class Task(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    title = EncryptedTextField(_("task"))
    due_date = models.DateField(_("due"), db_index=True)
    assigned_to = models.ForeignKey(USER, verbose_name=_("assigned to"), on_delete=models.PROTECT, related_name="+")
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["done_at", "due_date"]
        indexes = [models.Index(fields=["assigned_to", "done_at", "due_date"])]

    def __str__(self) -> str:
        return f"task {self.pk}"


class CaseNote(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    body = EncryptedTextField(_("note"))
    author = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"note {self.pk}"


class Attachment(models.Model):
    """An encrypted file (AES-GCM, bound to this row) with metadata stripped; downloads are audited."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    filename = EncryptedTextField(_("file name"))
    description = EncryptedTextField(_("description"), blank=True, null=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    key_id = models.CharField(max_length=16)
    uploaded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return f"attachment {self.pk}"
