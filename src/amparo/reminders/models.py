from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SentReminder(models.Model):
    """A reminder already sent: one per object per threshold, so a rerun of the job sends nothing twice.

    Codes only (what kind of object, its id, which threshold): never identifying data."""

    object_type = models.CharField(_("object"), max_length=30)  # "referral", "placement", "follow_up"
    object_id = models.CharField(max_length=64)
    threshold = models.CharField(_("threshold"), max_length=60)  # e.g. "response_overdue", "expiring:2026-05-01"
    recipients = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["object_type", "object_id", "threshold"], name="unique_reminder")
        ]
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")

    def __str__(self) -> str:
        return f"{self.object_type}:{self.object_id}:{self.threshold}"
