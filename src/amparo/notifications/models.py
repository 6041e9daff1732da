from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .kinds import KIND_MAX_LENGTH, TARGET_MAX_LENGTH, label_for


class Notification(models.Model):
    """Something a user should look at. Holds a code and a link only: never identifying data."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=KIND_MAX_LENGTH)
    target_url = models.CharField(_("link"), max_length=TARGET_MAX_LENGTH)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at", "-created_at"], name="notification_inbox"),
        ]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"

    @property
    def label(self) -> str:
        return label_for(self.kind)

    @property
    def is_unread(self) -> bool:
        return self.read_at is None
