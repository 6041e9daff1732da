"""Trainings of officials, prevention activities, and the national plan with its indicators.

Participants are officials, not victims; still, their names are optional and encrypted, and statistics
use only their institution, role, sex, attendance and scores.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from amparo.core.fields import EncryptedTextField

USER = settings.AUTH_USER_MODEL


class TargetGroup(models.TextChoices):
    JUDGES = "judges", _("Judges")
    PROSECUTORS = "prosecutors", _("Prosecutors")
    POLICE = "police", _("Police")
    CONSULS = "consuls", _("Consular staff")
    PEACEKEEPING = "peacekeeping", _("Peacekeeping troops")
    IMMIGRATION = "immigration", _("Immigration officers")
    LABOUR_INSPECTORS = "labour_inspectors", _("Labour inspectors")
    SOCIAL_WORKERS = "social_workers", _("Social workers and shelter staff")
    HEALTH = "health", _("Health staff")
    TEACHERS = "teachers", _("Teachers")
    NGO_STAFF = "ngo_staff", _("NGO staff")
    COMMUNITY = "community", _("Community members")
    STUDENTS = "students", _("Students")
    OTHER = "other", _("Other")


class Topic(models.TextChoices):
    LEGAL_FRAMEWORK = (
        "legal_framework",
        _("Legal framework (Law against sexual violence, exploitation and trafficking)"),
    )
    IDENTIFICATION = "identification", _("Identification of victims")
    VICTIM_RIGHTS = "victim_rights", _("Victims' rights and care")
    INVESTIGATION = "investigation", _("Investigation and prosecution")
    MINORS = "minors", _("Protection of children and adolescents")
    REFERRAL = "referral", _("Referral and repatriation protocols")
    LABOUR = "labour", _("Labour trafficking")
    SEXUAL = "sexual", _("Sexual exploitation")
    ONLINE = "online", _("Online exploitation")
    OTHER = "other", _("Other")


class Sex(models.TextChoices):
    FEMALE = "F", _("Female")
    MALE = "M", _("Male")
    UNKNOWN = "U", _("Not specified")


class Training(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organizing institution"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    co_organizers = models.ManyToManyField(  # type: ignore[var-annotated]
        "organizations.Organization", verbose_name=_("co-organizers"), blank=True, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    funders = models.CharField(_("funded by"), max_length=200, blank=True)
    start_date = models.DateField(_("from"), db_index=True)
    end_date = models.DateField(_("to"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    department = models.CharField(_("department"), max_length=2, blank=True)
    topics = models.JSONField(_("topics"), default=list)
    target_groups = models.JSONField(_("target groups"), default=list)
    planned_participants = models.PositiveIntegerField(_("planned participants"), default=0)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_date"]
        verbose_name = _("training")
        verbose_name_plural = _("trainings")

    def __str__(self) -> str:
        return self.title


class Participant(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="participants")
    institution = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("institution"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    institution_other = models.CharField(_("other institution"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=TargetGroup.choices)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    name = EncryptedTextField(_("name (optional)"), blank=True, null=True)
    attended = models.BooleanField(_("attended"), default=True)
    pre_score = models.PositiveSmallIntegerField(_("pre-test score (0-100)"), null=True, blank=True)
    post_score = models.PositiveSmallIntegerField(_("post-test score (0-100)"), null=True, blank=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        indexes = [models.Index(fields=["training", "role"])]

    def __str__(self) -> str:
        return f"participant {self.pk}"


class ActivityKind(models.TextChoices):
    CAMPAIGN = "campaign", _("Awareness campaign")
    WORKSHOP = "workshop", _("Workshop")
    HOTLINE_PROMOTION = "hotline_promotion", _("Hotline promotion")
    DEMAND_REDUCTION = "demand_reduction", _("Demand reduction")
    OTHER = "other", _("Other")


class Medium(models.TextChoices):
    RADIO = "radio", _("Radio")
    TV = "tv", _("Television")
    PRINT = "print", _("Print")
    SOCIAL = "social", _("Social media")
    BILLBOARD = "billboard", _("Billboards")
    COMMUNITY = "community", _("Community events")
    SCHOOLS = "schools", _("Schools")


class PreventionActivity(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        "organizations.Organization", verbose_name=_("institution"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ActivityKind.choices)
    title = models.CharField(_("title"), max_length=200)
    start_date = models.DateField(_("from"), db_index=True)
    end_date = models.DateField(_("to"))
    department = models.CharField(_("department"), max_length=2, blank=True)
    media = models.JSONField(_("media"), default=list, blank=True)
    languages = models.CharField(_("languages"), max_length=200, blank=True)
    target_groups = models.JSONField(_("target groups"), default=list, blank=True)
    estimated_reach = models.PositiveIntegerField(_("estimated reach"), default=0)
    participants = models.PositiveIntegerField(_("participants"), default=0)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_date"]
        verbose_name = _("prevention activity")
        verbose_name_plural = _("prevention activities")

    def __str__(self) -> str:
        return self.title

    def media_labels(self) -> list[str]:
        """The media by name, in the active language (the field holds their codes)."""
        labels = dict(Medium.choices)
        return [str(labels.get(code, code)) for code in self.media]


class Axis(models.TextChoices):
    PREVENTION = "prevention", _("Prevention")
    PROTECTION = "protection", _("Protection and assistance")
    PROSECUTION = "prosecution", _("Investigation and prosecution")
    COORDINATION = "coordination", _("Coordination and monitoring")


class PlanAction(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)
    title = models.CharField(_("strategic action"), max_length=300)
    axis = models.CharField(_("axis"), max_length=20, choices=Axis.choices)
    responsible = models.ManyToManyField(  # type: ignore[var-annotated]
        "organizations.Organization", verbose_name=_("responsible institutions"), related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("plan action")
        verbose_name_plural = _("plan actions")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Indicator(models.Model):
    action = models.ForeignKey(PlanAction, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(_("indicator"), max_length=300)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    # A computed indicator names a function of amparo.capacity.indicators; "" means entered by hand.
    computed = models.CharField(_("computed from Amparo's records"), max_length=40, blank=True)
    baseline = models.DecimalField(_("baseline"), max_digits=12, decimal_places=2, null=True, blank=True)
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), null=True, blank=True)
    source = models.CharField(_("source (manual indicators)"), max_length=200, blank=True)

    class Meta:
        ordering = ["action__code", "pk"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return self.name


class IndicatorTarget(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(_("target"), max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["year"]
        constraints = [models.UniqueConstraint(fields=["indicator", "year"], name="unique_indicator_target")]

    def __str__(self) -> str:
        return f"{self.indicator_id}/{self.year}: {self.value}"


class ProgressEntry(models.Model):
    """What an institution reports on an action for a year: a value (manual indicators) and a note."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="progress")
    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=2, null=True, blank=True)
    note = models.TextField(_("progress"), max_length=4000, blank=True)
    entered_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "-entered_at"]
        verbose_name = _("progress entry")
        verbose_name_plural = _("progress entries")

    def __str__(self) -> str:
        return f"{self.indicator_id}/{self.year}"
