"""Complaints, investigations, operations, prosecutions and witness protection.

Names, addresses, narratives and whereabouts are encrypted (amparo.core.fields). Operational codes,
dates and statuses stay in clear for statistics (investigations, prosecutions, convictions, sentences).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from amparo.core.fields import EncryptedTextField

from .vocab import ComplaintSource

USER = settings.AUTH_USER_MODEL


class JusticeCounter(models.Model):
    """Next number per institution, kind (complaint, investigation) and year (locked row)."""

    organization = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=4)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "kind", "year"], name="unique_justice_counter")]

    def __str__(self) -> str:
        return f"{self.organization_id}/{self.kind}/{self.year}: {self.last}"


class Complaint(models.Model):
    """A complaint (denuncia) received by the Public Ministry or the police."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    number = models.CharField(_("complaint number"), max_length=40)
    received_on = models.DateField(_("received on"), db_index=True)
    source = models.CharField(_("source"), max_length=12, choices=ComplaintSource.choices)
    receiving_org = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("receiving institution"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_by_org = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    mp_file_number = models.CharField(_("Public Ministry file number"), max_length=60, blank=True, db_index=True)
    summary = EncryptedTextField(_("summary"))
    cases = models.ManyToManyField(  # type: ignore[var-annotated]
        "cases.Case", verbose_name=_("victim cases"), blank=True, related_name="complaints"
    )
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["-received_on", "-created_at"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        constraints = [models.UniqueConstraint(fields=["receiving_org", "number"], name="unique_complaint_number")]
        indexes = [models.Index(fields=["receiving_org", "-received_on"], name="complaint_org_received")]

    def __str__(self) -> str:
        return self.number
