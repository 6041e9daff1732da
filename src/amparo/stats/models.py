from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from amparo.core.fields import EncryptedTextField


class ReportSection(models.TextChoices):
    """The structure of the yearly report the seed cable follows (US TIP questionnaire)."""

    OVERVIEW = "overview", _("Overview")
    PROSECUTION = "prosecution", _("Investigation and prosecution")
    PROTECTION = "protection", _("Protection and assistance")
    PREVENTION = "prevention", _("Prevention")
    BEST_PRACTICES = "best_practices", _("Best practices")


class ReportNarrative(models.Model):
    """What one institution writes for one section of the report of one period (only it edits it)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)  # bound into the ciphertext
    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    period_start = models.DateField()
    period_end = models.DateField()
    section = models.CharField(max_length=20, choices=ReportSection.choices)
    text = EncryptedTextField(_("narrative"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "period_start", "period_end", "section"], name="unique_report_narrative"
            )
        ]
        verbose_name = _("report narrative")
        verbose_name_plural = _("report narratives")

    def __str__(self) -> str:
        return f"{self.organization_id} {self.section} {self.period_start}"
