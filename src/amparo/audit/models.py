from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One append-only, hash-chained event. Never carries a plaintext identity.

    ``hash`` = SHA-256(prev_hash || canonical JSON of the other fields). Database triggers refuse
    UPDATE and DELETE on this table; ``amparo audit verify`` detects any change made around them.
    """

    seq = models.BigIntegerField(primary_key=True)
    created_at = models.DateTimeField(_("time"))
    actor_id = models.BigIntegerField(_("actor id"), null=True, blank=True)
    actor_username = models.CharField(_("actor"), max_length=150, blank=True)
    organization_id = models.BigIntegerField(_("institution id"), null=True, blank=True)
    role = models.CharField(_("role"), max_length=40, blank=True)
    action = models.CharField(_("action"), max_length=60, db_index=True)
    target_type = models.CharField(_("target type"), max_length=60, blank=True)
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    request_id = models.CharField(_("request id"), max_length=36, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["-seq"]
        indexes = [
            models.Index(fields=["created_at"]),
            models.Index(fields=["actor_id", "created_at"]),
            models.Index(fields=["target_type", "target_id"]),
        ]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"


class AuditHead(models.Model):
    """The chain head (single row): serializes appends and lets `verify` detect tail deletion."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"head {self.seq}"
