"""Linkage runs, candidate pairs and their review, merges (reversible), partner-country links.

No identity is stored here: pairs point at persons (whose fields stay encrypted in people), the evidence
is agreement levels and weights per field, the model is Splink's parameters (m and u per level).
A merge is a row, not a change to any person: every source record, its documents, cases and referrals
stay as they were, so undoing it loses nothing.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

USER = settings.AUTH_USER_MODEL


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Finished")
    FAILED = "failed", _("Failed")


class LinkageRun(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    status = models.CharField(_("status"), max_length=12, choices=RunStatus.choices, default=RunStatus.QUEUED)
    started_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    trigger = models.CharField(_("started by"), max_length=40, blank=True)  # "web", "cli:linkage-run"
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    stage = models.CharField(_("stage"), max_length=20, blank=True)
    threshold = models.FloatField(_("threshold (match weight)"))
    record_count = models.PositiveIntegerField(default=0)
    blocked_pairs = models.BigIntegerField(default=0)
    pair_count = models.PositiveIntegerField(default=0)
    cluster_count = models.PositiveIntegerField(default=0)
    model = models.JSONField(_("trained model"), default=dict, blank=True)  # Splink settings with m/u
    timings = models.JSONField(default=dict, blank=True)
    error = models.CharField(_("error"), max_length=120, blank=True)  # exception class only, no data
    is_current = models.BooleanField(default=False)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("linkage run")
        constraints = [
            models.UniqueConstraint(fields=["is_current"], condition=Q(is_current=True), name="one_current_run")
        ]

    def __str__(self) -> str:
        return f"{_('Linkage run')} {str(self.pk)[:8]}"

    @property
    def stage_display(self) -> str:
        from .labels import stage_label

        return stage_label(self.stage)


class PairStatus(models.TextChoices):
    PENDING = "pending", _("To review")
    CONFIRMED = "confirmed", _("Confirmed by one side")
    REJECTED = "rejected", _("Not the same person")
    MERGED = "merged", _("Merged")
    UNMERGED = "unmerged", _("Merge undone")


class CandidatePair(models.Model):
    run = models.ForeignKey(LinkageRun, on_delete=models.CASCADE, related_name="pairs")
    left = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    right = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    left_org = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE, related_name="+")
    right_org = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE, related_name="+")
    match_weight = models.FloatField(_("match weight"))
    match_probability = models.FloatField(_("match probability"))
    evidence = models.JSONField(default=dict)  # {comparison: {"level": code, "weight": float}}
    cluster = models.CharField(max_length=64, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=PairStatus.choices, default=PairStatus.PENDING)

    class Meta:
        ordering = ["-match_weight", "pk"]
        constraints = [models.UniqueConstraint(fields=["run", "left", "right"], name="unique_pair_per_run")]
        indexes = [models.Index(fields=["run", "status"]), models.Index(fields=["left_org", "right_org"])]

    def __str__(self) -> str:
        return f"{_('Candidate pair')} {self.pk}"

    @property
    def organizations(self) -> set[int]:
        return {self.left_org_id, self.right_org_id}


class Decision(models.TextChoices):
    CONFIRM = "confirm", _("Same person")
    REJECT = "reject", _("Not the same person")


class PairDecision(models.Model):
    """One institution's answer on a pair. A pair across two institutions needs both to confirm."""

    pair = models.ForeignKey(CandidatePair, on_delete=models.CASCADE, related_name="decisions")
    organization = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE, related_name="+")
    decided_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    decision = models.CharField(max_length=8, choices=Decision.choices)
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["pair", "organization"], name="one_decision_per_side")]

    def __str__(self) -> str:
        return f"{self.decision}"


class PersonMerge(models.Model):
    """``absorbed`` is the same person as ``survivor``: readers resolve it to the survivor while the merge is
    active. Undoing sets ``undone_at``; nothing else changes."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survivor = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    absorbed = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    pair = models.ForeignKey(CandidatePair, null=True, blank=True, on_delete=models.SET_NULL, related_name="merges")
    merged_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    merged_at = models.DateTimeField(auto_now_add=True)
    undone_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["absorbed"], condition=Q(undone_at__isnull=True), name="one_active_merge_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{_('Merge')} {str(self.pk)[:8]}"


class PartnerImport(models.Model):
    """A partner country's encoded file, accepted and matched. Only the links are kept, not the encodings."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    partner = models.CharField(_("partner"), max_length=8)  # ISO country code
    schema_version = models.CharField(max_length=16)
    record_count = models.PositiveIntegerField()
    # unique: the same file imported twice would double every candidate link (two imports racing included)
    file_sha256 = models.CharField(max_length=64, unique=True)
    imported_at = models.DateTimeField(auto_now_add=True)
    trigger = models.CharField(max_length=40, blank=True)
    threshold = models.FloatField(_("Dice threshold"), default=0.78)  # pprl.MATCH_THRESHOLD (a test checks)
    # under the threshold, the lead over any other candidate that kept a link (null: the threshold alone)
    lead = models.FloatField(_("lead over the other candidates"), null=True, blank=True)
    # [[band's lower bound, partner records whose best candidate is in the band], ...] (pprl.dice_bands):
    # counts only, for choosing the threshold of the next import
    dice_bands = models.JSONField(default=list, blank=True)

    def __str__(self) -> str:
        return f"{self.partner} {self.imported_at:%Y-%m-%d}"


class PartnerLink(models.Model):
    partner_import = models.ForeignKey(PartnerImport, on_delete=models.CASCADE, related_name="links")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    owner_org = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE, related_name="+")
    partner_record = models.CharField(max_length=80)  # the partner's opaque record reference
    dice = models.FloatField(_("similarity (Dice)"))
    # how far the Dice leads the best other candidate of either record (null: imported before it was kept)
    lead = models.FloatField(_("lead over the other candidates"), null=True, blank=True)
    status = models.CharField(max_length=10, choices=PairStatus.choices, default=PairStatus.PENDING)
    decided_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-dice", "pk"]

    def __str__(self) -> str:
        return f"{self.partner_record} ~ {str(self.person_id)[:8]}"

    @property
    def next_dice(self) -> float | None:
        """The best other candidate's similarity, for either record (0: there was none; None: not kept)."""
        return None if self.lead is None else round(max(0.0, self.dice - self.lead), 6)
