from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amparo.cases.vocab import ServiceType
from amparo.core.fields import EncryptedTextField

USER = settings.AUTH_USER_MODEL


class ServiceOffer(models.Model):
    """The service directory: what an institution offers, to whom and where. Public directory data."""

    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("institution"),
        on_delete=models.CASCADE,
        related_name="service_offers",
    )
    service_type = models.CharField(_("service"), max_length=20, choices=ServiceType.choices)
    description = models.CharField(_("description"), max_length=300, blank=True)
    min_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    sexes = models.JSONField(_("for"), default=list, blank=True, help_text=_("Empty: everyone."))
    nationalities = models.JSONField(_("nationalities"), default=list, blank=True, help_text=_("Empty: any."))
    departments = models.JSONField(_("coverage"), default=list, blank=True, help_text=_("Empty: the whole country."))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=120, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["organization__name", "service_type"]
        verbose_name = _("service offered")
        verbose_name_plural = _("services offered")
        constraints = [models.UniqueConstraint(fields=["organization", "service_type"], name="unique_offer")]

    def __str__(self) -> str:
        return f"{self.organization} · {self.service_type}"

    # What the directory shows: labels, not the stored codes.
    def ages_display(self) -> str:
        from django.utils.translation import gettext

        if self.min_age is None and self.max_age is None:
            return gettext("all ages")
        if self.max_age is None:
            return gettext("ages %(low)s and over") % {"low": self.min_age}
        if self.min_age is None:
            return gettext("ages up to %(high)s") % {"high": self.max_age}
        return gettext("ages %(low)s–%(high)s") % {"low": self.min_age, "high": self.max_age}

    def sexes_display(self) -> str:
        from amparo.people.models import Gender

        labels = dict(Gender.choices)
        return ", ".join(str(labels.get(code, code)) for code in self.sexes)

    def departments_display(self) -> str:
        from amparo.core import geo

        return ", ".join(geo.department_name(code) or code for code in self.departments)


class LegalBasis(models.TextChoices):
    CONSENT = "consent", _("The person's consent to this referral")
    COURT_ORDER = "court_order", _("Court protection order (minor)")
    PGN_ORDER = "pgn_order", _("PGN protection measure (minor)")
    SUPERVISOR_OVERRIDE = "override", _("Supervisor's override (written reason)")


class Section(models.TextChoices):
    """Case sections a referral can share (minimum necessary: the sender chooses)."""

    IDENTITY = "identity", _("Identity (name, age, sex, nationality, languages)")
    CONTACT = "contact", _("Contact and residence")
    SCREENING = "screening", _("Identification and trafficking status")
    EVENTS = "events", _("Trafficking events")
    RISK = "risk", _("Risk assessment")
    CARE_PLAN = "care_plan", _("Care plan and services")
    NOTES = "notes", _("Case notes")
    ATTACHMENTS = "attachments", _("Attachments")


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("Sent, awaiting answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled by the sender")
    ENDED = "ended", _("Ended: the consent no longer holds")


# While a referral is in one of these states, the receiver sees the shared sections.
ACTIVE_STATUSES = frozenset({ReferralStatus.SENT, ReferralStatus.ACCEPTED})


class Referral(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="referrals")
    from_org = models.ForeignKey(
        "organizations.Organization", verbose_name=_("from"), on_delete=models.PROTECT, related_name="+"
    )
    to_org = models.ForeignKey(
        "organizations.Organization", verbose_name=_("to"), on_delete=models.PROTECT, related_name="+"
    )
    service_type = models.CharField(_("service"), max_length=20, choices=ServiceType.choices)
    legal_basis = models.CharField(_("legal basis"), max_length=20, choices=LegalBasis.choices)
    consent = models.ForeignKey("cases.Consent", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    order_reference = EncryptedTextField(_("order reference"), blank=True, null=True)
    override_reason = EncryptedTextField(_("reason for the override"), blank=True, null=True)
    shared_sections = models.JSONField(_("shared sections"), default=list)
    reason = EncryptedTextField(_("reason for the referral"), blank=True, null=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ReferralStatus.choices, default=ReferralStatus.SENT, db_index=True
    )
    respond_by = models.DateField(_("answer expected by"))
    sent_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    # a default, not auto_now_add: records loaded with their own dates (the demo, an import) keep them
    sent_at = models.DateTimeField(_("sent"), default=timezone.now, editable=False)
    responded_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True)
    decline_reason = EncryptedTextField(_("reason for declining"), blank=True, null=True)
    outcome = EncryptedTextField(_("outcome"), blank=True, null=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        ordering = ["-sent_at"]
        indexes = [
            models.Index(fields=["to_org", "-sent_at"], name="referral_inbox"),  # newest first, no sort
            models.Index(fields=["from_org", "-sent_at"], name="referral_outbox"),
            models.Index(fields=["to_org", "status", "respond_by"], name="referral_overdue"),
            models.Index(fields=["from_org", "status", "respond_by"], name="referral_overdue_sent"),
        ]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")

    def __str__(self) -> str:
        return f"referral {self.pk}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class ShelterCategory(models.TextChoices):
    GIRLS = "girls", _("Girls")
    BOYS = "boys", _("Boys")
    ADOLESCENT_MOTHERS = "adolescent_mothers", _("Adolescent mothers")
    ADULT_WOMEN = "adult_women", _("Adult women")
    FOREIGN_VICTIMS = "foreign_victims", _("Foreign victims")
    MEN = "men", _("Men")


class Shelter(models.Model):
    """A shelter. Its address is critical data: encrypted, shown only to its staff and to explicit grantees."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        "organizations.Organization", verbose_name=_("institution"), on_delete=models.PROTECT, related_name="shelters"
    )
    unit = models.ForeignKey(
        "organizations.Unit",
        verbose_name=_("unit (its staff)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=120)
    department = models.CharField(_("department"), max_length=2, blank=True)
    address = EncryptedTextField(_("address"), blank=True, null=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("shelter")
        verbose_name_plural = _("shelters")

    def __str__(self) -> str:
        return self.name


class ShelterBeds(models.Model):
    """Capacity of a shelter for one category; its row is locked while admitting (no double booking)."""

    shelter = models.ForeignKey(Shelter, on_delete=models.CASCADE, related_name="beds")
    category = models.CharField(_("category"), max_length=20, choices=ShelterCategory.choices)
    beds = models.PositiveSmallIntegerField(_("beds"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["shelter", "category"], name="unique_shelter_category")]

    def __str__(self) -> str:
        return f"{self.shelter} · {self.category}: {self.beds}"


class ShelterAccess(models.Model):
    """An explicit grant to see a shelter's address (someone who is not its staff)."""

    shelter = models.ForeignKey(Shelter, on_delete=models.CASCADE, related_name="grants")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    granted_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["shelter", "user"], name="unique_shelter_grant")]

    def __str__(self) -> str:
        return f"{self.shelter} · {self.user_id}"


class Destination(models.TextChoices):
    FAMILY = "family", _("Family (assessed safe)")
    NGO = "ngo", _("NGO long-term care")
    OTHER_SHELTER = "other_shelter", _("Another shelter")
    REPATRIATED = "repatriated", _("Repatriated")
    INDEPENDENT = "independent", _("Independent living")
    LEFT = "left", _("Left without notice")
    OTHER = "other", _("Other")


class Placement(models.Model):
    """An admission to a shelter under a court order (court, file, date, judge, length of stay)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    shelter = models.ForeignKey(Shelter, on_delete=models.PROTECT, related_name="placements")
    category = models.CharField(_("category"), max_length=20, choices=ShelterCategory.choices)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    referral = models.ForeignKey(Referral, null=True, blank=True, on_delete=models.PROTECT, related_name="placements")
    court = models.CharField(_("court"), max_length=200)
    file_number = EncryptedTextField(_("file number"))
    judge = EncryptedTextField(_("judge"), blank=True, null=True)
    order_date = models.DateField(_("order date"))
    order_end = models.DateField(_("order ends"), db_index=True)
    admitted_at = models.DateTimeField(_("admitted"), default=timezone.now, editable=False)
    admitted_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    discharged_at = models.DateTimeField(_("discharged"), null=True, blank=True)
    destination = models.CharField(_("destination"), max_length=20, choices=Destination.choices, blank=True)
    discharge_notes = EncryptedTextField(_("discharge notes"), blank=True, null=True)

    class Meta:
        ordering = ["order_end"]
        indexes = [models.Index(fields=["shelter", "category", "discharged_at"], name="placement_occupancy")]

    def __str__(self) -> str:
        return f"placement {self.pk}"


class PlacementRenewal(models.Model):
    """A new court order that extends a shelter stay. The placement carries the order in force (the lists,
    the occupancy and the reminders read it there); each renewal keeps the order it replaced."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="renewals")
    previous_court = models.CharField(_("court"), max_length=200)
    previous_file_number = EncryptedTextField(_("file number"))
    previous_judge = EncryptedTextField(_("judge"), blank=True, null=True)
    previous_order_date = models.DateField(_("order date"))
    previous_order_end = models.DateField(_("order ends"))
    renewed_at = models.DateTimeField(_("renewed"), auto_now_add=True)
    renewed_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["renewed_at"]

    def __str__(self) -> str:
        return f"renewal {self.pk}"
