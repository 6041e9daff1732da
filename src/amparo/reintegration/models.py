"""Reintegration and follow-up of a victim's case: the plan (goals by area), visits, and the schedule of
follow-ups after the case is closed. Free text (goals, visit notes) is encrypted."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from amparo.cases.vocab import ServiceType
from amparo.core.fields import EncryptedTextField

USER = settings.AUTH_USER_MODEL


class GoalArea(models.TextChoices):
    """The reintegration services of the IOM seed (vocational training, income generation, health,
    education, counselling) plus family/community, housing and legal support."""

    VOCATIONAL = "vocational", _("Vocational training")
    INCOME = "income", _("Income generation")
    HEALTH = "health", _("Health")
    EDUCATION = "education", _("Education")
    COUNSELLING = "counselling", _("Counselling")
    FAMILY = "family", _("Family and community")
    HOUSING = "housing", _("Housing")
    LEGAL = "legal", _("Legal support")


# The directory service that delivers each area (to suggest institutions and link referrals).
AREA_SERVICE: dict[str, str] = {
    GoalArea.VOCATIONAL: ServiceType.VOCATIONAL,
    GoalArea.INCOME: ServiceType.INCOME,
    GoalArea.HEALTH: ServiceType.MEDICAL,
    GoalArea.EDUCATION: ServiceType.EDUCATION,
    GoalArea.COUNSELLING: ServiceType.PSYCHOLOGICAL,
    GoalArea.FAMILY: ServiceType.FAMILY_TRACING,
    GoalArea.HOUSING: ServiceType.SHELTER,
    GoalArea.LEGAL: ServiceType.LEGAL,
}


class GoalStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    ACHIEVED = "achieved", _("Achieved")
    NOT_ACHIEVED = "not_achieved", _("Not achieved")
    DROPPED = "dropped", _("Dropped")


OPEN_GOAL_STATUSES = frozenset({GoalStatus.PLANNED, GoalStatus.IN_PROGRESS})


class ReintegrationPlan(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.OneToOneField(
        "cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, related_name="reintegration_plan"
    )
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("reintegration plan")
        verbose_name_plural = _("reintegration plans")

    def __str__(self) -> str:
        return f"reintegration plan {self.pk}"


class Goal(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    plan = models.ForeignKey(ReintegrationPlan, on_delete=models.CASCADE, related_name="goals")
    area = models.CharField(_("area"), max_length=20, choices=GoalArea.choices)
    description = EncryptedTextField(_("goal"))
    institution = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("responsible institution"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    referral = models.ForeignKey(
        "referrals.Referral",
        verbose_name=_("referral"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(_("status"), max_length=20, choices=GoalStatus.choices, default=GoalStatus.PLANNED)
    target_date = models.DateField(_("target date"), null=True, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["area", "target_date", "created_at"]
        verbose_name = _("reintegration goal")
        verbose_name_plural = _("reintegration goals")

    def __str__(self) -> str:
        return f"goal {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_GOAL_STATUSES


class Modality(models.TextChoices):
    HOME = "home", _("Home visit")
    PHONE = "phone", _("Phone call")
    OFFICE = "office", _("At the office")
    SHELTER = "shelter", _("At the shelter")


class VisitOutcome(models.TextChoices):
    STABLE = "stable", _("Stable")
    NEEDS_SUPPORT = "needs_support", _("Needs support")
    AT_RISK = "at_risk", _("At risk")
    LOST_CONTACT = "lost_contact", _("Lost contact")
    REVICTIMIZED = "revictimized", _("Re-victimized")


# Outcomes that call for the supervisor's attention.
ALERT_OUTCOMES = frozenset({VisitOutcome.AT_RISK, VisitOutcome.LOST_CONTACT, VisitOutcome.REVICTIMIZED})


class FollowUpVisit(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="follow_up_visits")
    date = models.DateField(_("date"))
    modality = models.CharField(_("modality"), max_length=10, choices=Modality.choices)
    visited_by = models.ForeignKey(USER, verbose_name=_("who"), on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(_("outcome"), max_length=20, choices=VisitOutcome.choices)
    notes = EncryptedTextField(_("notes"), blank=True, null=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-recorded_at"]
        verbose_name = _("follow-up visit")
        verbose_name_plural = _("follow-up visits")

    def __str__(self) -> str:
        return f"visit {self.pk}"


class ScheduledFollowUp(models.Model):
    """A follow-up due some months after the case was closed; done when a visit is recorded for it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="scheduled_follow_ups")
    months = models.PositiveSmallIntegerField(_("months after closure"))
    due_on = models.DateField(_("due"))
    visit = models.OneToOneField(
        FollowUpVisit, null=True, blank=True, on_delete=models.SET_NULL, related_name="scheduled"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)  # superseded by a later closure

    class Meta:
        ordering = ["due_on"]
        indexes = [models.Index(fields=["due_on"], name="follow_up_pending", condition=models.Q(visit__isnull=True))]
        verbose_name = _("scheduled follow-up")
        verbose_name_plural = _("scheduled follow-ups")

    def __str__(self) -> str:
        return f"follow-up {self.pk}"

    @property
    def is_done(self) -> bool:
        return self.visit_id is not None
