from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from amparo.core.fields import EncryptedTextField

from .protocol import PROTOCOLS, Destination, PartyRole, StepDef, Track

USER = settings.AUTH_USER_MODEL


class RepatriationStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed: hand-over confirmed")
    CANCELLED = "cancelled", _("Cancelled")


class Repatriation(models.Model):
    """The return of a victim under the inter-institutional protocol (protocol.py), for one case.

    ``nationality`` and ``minor`` are taken from the case when it starts: the participating institutions
    see them (with the case number and age group) without ever loading the person. ``minor`` then follows
    the person's age while the repatriation is in progress (services.repatriations_follow_person_age).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="repatriations"
    )
    owner_org = models.ForeignKey(
        "organizations.Organization", verbose_name=_("institution"), on_delete=models.PROTECT, related_name="+"
    )
    track = models.CharField(_("track"), max_length=10, choices=Track.choices)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=RepatriationStatus.choices,
        default=RepatriationStatus.IN_PROGRESS,
        db_index=True,
    )
    minor = models.BooleanField(_("minor's protocol"), default=False)
    country = models.CharField(
        _("country"), max_length=2, help_text=_("Where the person returns from (nationals) or to (foreigners).")
    )
    nationality = models.CharField(_("nationality"), max_length=2, blank=True)
    family_involved = models.BooleanField(_("family involved in the exploitation"), null=True, blank=True)
    destination = models.CharField(_("destination"), max_length=20, choices=Destination.choices, blank=True)
    started_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancelled_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    cancel_reason = EncryptedTextField(_("reason for cancelling"), blank=True, null=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("repatriation")
        verbose_name_plural = _("repatriations")
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(status="in_progress"),
                name="one_repatriation_in_progress_per_case",
            )
        ]

    def __str__(self) -> str:
        return f"repatriation {self.pk}"

    @property
    def is_active(self) -> bool:
        return self.status == RepatriationStatus.IN_PROGRESS

    @property
    def protocol_steps(self) -> tuple[StepDef, ...]:
        return PROTOCOLS[self.track].steps_for(minor=self.minor)


class RepatriationParty(models.Model):
    """Which institution plays which role of the protocol in this repatriation."""

    repatriation = models.ForeignKey(Repatriation, on_delete=models.CASCADE, related_name="parties")
    role = models.CharField(_("role"), max_length=12, choices=PartyRole.choices)
    organization = models.ForeignKey(
        "organizations.Organization", verbose_name=_("institution"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["repatriation", "role"], name="unique_repatriation_role")]
        indexes = [models.Index(fields=["organization", "repatriation"], name="repatriation_party_org")]

    def __str__(self) -> str:
        return f"{self.role}: {self.organization_id}"


class StepState(models.TextChoices):
    PENDING = "pending", _("Pending")
    CURRENT = "current", _("Current")
    DONE = "done", _("Done")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


class RepatriationStep(models.Model):
    """One step of the protocol in this repatriation. What the step is (label, evidence, mandatory...) comes
    from protocol.py by its code; the row holds who is responsible, when it is due and what was recorded."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    repatriation = models.ForeignKey(Repatriation, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField()
    code = models.CharField(_("step"), max_length=40)
    organization = models.ForeignKey(
        "organizations.Organization", verbose_name=_("responsible"), on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(
        _("state"), max_length=16, choices=StepState.choices, default=StepState.PENDING, db_index=True
    )
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    due_date = models.DateField(_("due"), null=True, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    done_by_org = models.ForeignKey(
        "organizations.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    evidence = models.JSONField(_("evidence"), default=list, blank=True)  # evidence codes confirmed
    note = EncryptedTextField(_("note"), blank=True, null=True)
    not_applicable_reason = EncryptedTextField(_("why it does not apply"), blank=True, null=True)
    attachment = models.ForeignKey(
        "cases.Attachment", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["repatriation", "position"]
        constraints = [
            models.UniqueConstraint(fields=["repatriation", "position"], name="unique_repatriation_position"),
            models.UniqueConstraint(fields=["repatriation", "code"], name="unique_repatriation_step"),
        ]
        indexes = [models.Index(fields=["state", "due_date"], name="repatriation_step_due")]

    def __str__(self) -> str:
        return f"{self.code} ({self.state})"

    @property
    def definition(self) -> StepDef:
        step = PROTOCOLS[self.repatriation.track].step(self.code)
        assert step is not None, self.code
        return step
