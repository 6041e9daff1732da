"""Writes of the stats app: each institution's narrative in the annual report."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from amparo.accounts.actor import Actor
from amparo.accounts.roles import Perm
from amparo.audit.services import audit_record
from amparo.core.exceptions import PermissionDenied, StaleEdit, ValidationFailed

from .aggregates import Period
from .models import ReportNarrative, ReportSection

MAX_NARRATIVE = 20_000


@transaction.atomic
def narrative_save(
    *, actor: Actor, period: Period, section: str, text: str, version: int | None = None
) -> ReportNarrative:
    """Create or replace the actor's institution's narrative for a section (optimistic locking)."""
    if not actor.has(Perm.PLAN_REPORT):
        raise PermissionDenied()
    errors: dict[str, list[str]] = {}
    if section not in ReportSection.values:
        errors.setdefault("section", []).append(_("Unknown section."))
    if period.end < period.start:
        errors.setdefault("end", []).append(_("The end of the period is before its start."))
    if not text.strip():
        errors.setdefault("text", []).append(_("Write the narrative."))
    if len(text) > MAX_NARRATIVE:
        errors.setdefault("text", []).append(_("At most %(n)s characters.") % {"n": MAX_NARRATIVE})
    if errors:
        raise ValidationFailed(errors)
    narrative = (
        ReportNarrative.objects.select_for_update()
        .filter(organization_id=actor.org_pk, period_start=period.start, period_end=period.end, section=section)
        .first()
    )
    if narrative is None:
        narrative = ReportNarrative.objects.create(
            organization_id=actor.org_pk,
            period_start=period.start,
            period_end=period.end,
            section=section,
            text=text.strip(),
            updated_by_id=actor.user_pk,
        )
    else:
        if version is not None and version != narrative.version:
            raise StaleEdit(narrative.version, ["text"])
        narrative.text = text.strip()
        narrative.updated_by_id = actor.user_pk
        narrative.version += 1
        narrative.save()
    audit_record(
        actor=actor,
        action="report.narrative_saved",
        target_type="report_narrative",
        target_id=narrative.pk,
        details={"section": section, "period_start": period.start.isoformat(), "version": narrative.version},
    )
    return narrative
