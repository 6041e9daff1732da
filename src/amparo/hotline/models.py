"""The hotline: one intake queue shared by the call centers, their calls, follow-ups, alerts and roster.

A ``Call`` is the report a caller makes (its triage, status and outcome live on it); later contacts
about the same report, found through the caller's reference code, are ``FollowUp`` rows.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from amparo.core.fields import EncryptedTextField

USER = settings.AUTH_USER_MODEL


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    WHATSAPP = "whatsapp", _("WhatsApp")
    SMS = "sms", _("SMS")
    EMAIL = "email", _("E-mail")
    WALK_IN = "walk_in", _("Walk-in")
    WEB_FORM = "web_form", _("Web form")


class CallLanguage(models.TextChoices):
    """The language of the call (ISO 639-3 codes, as in core.geo.LANGUAGES)."""

    SPANISH = "spa", _("Spanish")
    KICHE = "quc", "K'iche'"
    QEQCHI = "kek", "Q'eqchi'"
    KAQCHIKEL = "cak", "Kaqchikel"
    MAM = "mam", "Mam"
    ENGLISH = "eng", _("English")
    OTHER = "other", pgettext_lazy("language", "Other")


class CallerType(models.TextChoices):
    VICTIM = "victim", _("Victim")
    RELATIVE = "relative", _("Relative")
    WITNESS = "witness", _("Witness")
    ANONYMOUS = "anonymous", _("Anonymous")
    OFFICIAL = "official", _("Official")


class Category(models.TextChoices):
    INFORMATION = "information", _("Information request")
    COMPLAINT = "complaint", _("Complaint")
    RESCUE = "rescue", _("Rescue request")
    VICTIM_ASSISTANCE = "assistance", _("Victim assistance")
    OTHER = "other", pgettext_lazy("category", "Other")


class Urgency(models.TextChoices):
    LOW = "low", pgettext_lazy("urgency", "Low")
    MEDIUM = "medium", pgettext_lazy("urgency", "Medium")
    HIGH = "high", pgettext_lazy("urgency", "High")
    URGENT = "urgent", pgettext_lazy("urgency", "Urgent")


URGENCY_RANK = {Urgency.URGENT: 0, Urgency.HIGH: 1, Urgency.MEDIUM: 2, Urgency.LOW: 3}


class CallStatus(models.TextChoices):
    NEW = "new", pgettext_lazy("call", "New")
    IN_PROGRESS = "in_progress", _("In progress")
    REFERRED = "referred", _("Referred")
    CLOSED = "closed", pgettext_lazy("call", "Closed")


OPEN_STATUSES = frozenset({CallStatus.NEW, CallStatus.IN_PROGRESS})


class Outcome(models.TextChoices):
    """What came of a call (computed for statistics, not stored)."""

    OPEN = "open", _("Still open")
    CASE_AND_COMPLAINT = "case_complaint", _("Victim case and complaint")
    COMPLAINT = "complaint", _("Complaint to the Public Ministry or police")
    CASE = "case", _("Victim case opened")
    REFERRED = "referred", _("Referred to an institution")
    CLOSED = "closed", _("Closed at the hotline")


class Duty(models.TextChoices):
    POLICE = "police", _("Police (PNC investigator)")
    PROSECUTOR = "prosecutor", _("Prosecutor (MP)")


class CallCenter(models.Model):
    """An institution whose call center takes part in the shared queue (its unit, if given, is the staff)."""

    organization = models.OneToOneField(
        "organizations.Organization", verbose_name=_("institution"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "organizations.Unit", verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("call center")
        verbose_name_plural = _("call centers")

    def __str__(self) -> str:
        return str(self.organization)


class Call(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference_digest = models.CharField(max_length=64, unique=True)  # keyed HMAC of the caller's code
    reference_code = EncryptedTextField(_("reference code"))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    received_at = models.DateTimeField(_("received"), db_index=True)
    language = models.CharField(_("language"), max_length=5, choices=CallLanguage.choices)
    caller_type = models.CharField(_("caller"), max_length=10, choices=CallerType.choices)
    department = models.CharField(_("department"), max_length=2, blank=True)
    municipality = models.CharField(_("municipality"), max_length=4, blank=True)
    summary = EncryptedTextField(_("summary"))
    caller_contact = EncryptedTextField(_("caller's contact"), blank=True, null=True)
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    urgency = models.CharField(_("urgency"), max_length=8, choices=Urgency.choices)
    status = models.CharField(_("status"), max_length=12, choices=CallStatus.choices, default=CallStatus.NEW)
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("answering institution"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_by = models.ForeignKey(USER, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+")
    handler = models.ForeignKey(
        USER, verbose_name=_("handling operator"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    referred_to = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("referred to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("victim case"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hotline_calls",
    )
    complaint = models.ForeignKey(
        "justice.Complaint",
        verbose_name=_("complaint"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hotline_calls",
    )
    alerted_at = models.DateTimeField(_("rescue alert sent"), null=True, blank=True)
    # Per duty: {"police": {"via": "roster" | "fallback" | "none", "count": 2}, ...} (codes and counts only).
    alert_summary = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["status", "-received_at"], name="hotline_call_status"),
            models.Index(fields=["handler", "status"], name="hotline_call_handler"),
            models.Index(fields=["urgency", "status"], name="hotline_call_urgency"),
        ]
        verbose_name = _("call")
        verbose_name_plural = _("calls")

    def __str__(self) -> str:
        return f"call {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_urgent_rescue(self) -> bool:
        return self.category == Category.RESCUE and self.urgency == Urgency.URGENT


class FollowUp(models.Model):
    """A later contact about the same report (the caller gave the reference code)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="follow_ups")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    received_at = models.DateTimeField(_("received"))
    language = models.CharField(_("language"), max_length=5, choices=CallLanguage.choices)
    caller_type = models.CharField(_("caller"), max_length=10, choices=CallerType.choices)
    summary = EncryptedTextField(_("summary"))
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("answering institution"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_by = models.ForeignKey(USER, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["received_at"]
        verbose_name = _("follow-up call")
        verbose_name_plural = _("follow-up calls")

    def __str__(self) -> str:
        return f"follow-up {self.pk}"


class DutyShift(models.Model):
    """Who is on duty for urgent rescue alerts, from when to when (kept by the hotline supervisors)."""

    user = models.ForeignKey(USER, verbose_name=_("officer"), on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey(
        "organizations.Organization", verbose_name=_("institution"), on_delete=models.PROTECT, related_name="+"
    )
    duty = models.CharField(_("duty"), max_length=12, choices=Duty.choices)
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_at", "duty"]
        indexes = [models.Index(fields=["duty", "ends_at", "starts_at"], name="hotline_duty_window")]
        verbose_name = _("duty shift")
        verbose_name_plural = _("duty shifts")

    def __str__(self) -> str:
        return f"{self.duty} {self.user_id} {self.starts_at:%Y-%m-%d %H:%M}"


class RescueAlert(models.Model):
    """One officer alerted for one urgent rescue request; they open it and acknowledge it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="alerts")
    recipient = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    duty = models.CharField(_("duty"), max_length=12, choices=Duty.choices)
    via_roster = models.BooleanField(_("on the roster"), default=True)
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)

    class Meta:
        ordering = ["duty", "created_at"]
        constraints = [models.UniqueConstraint(fields=["call", "recipient"], name="unique_rescue_alert")]
        verbose_name = _("rescue alert")
        verbose_name_plural = _("rescue alerts")

    def __str__(self) -> str:
        return f"alert {self.pk}"
