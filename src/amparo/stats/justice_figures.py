"""Criminal justice figures, when the justice app is installed: so far complaints (denuncias) by source.
Investigations, prosecutions, convictions and sentences join here as the justice app records them."""

from __future__ import annotations

from collections import Counter

from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import publish
from .aggregates import Filters


def complaints_by_source(filters: Filters) -> Counter[str]:
    from amparo.justice.models import Complaint

    rows = Complaint.objects.filter(received_on__range=(filters.period.start, filters.period.end))
    if filters.institution_id:
        rows = rows.filter(receiving_org_id=filters.institution_id)
    return Counter({r["source"]: r["n"] for r in rows.values("source").annotate(n=Count("id"))})


def complaints_chart(filters: Filters, threshold: int) -> publish.Chart:
    from amparo.justice.vocab import ComplaintSource

    return publish._series_chart(
        "complaints_source",
        _("Complaints received by source"),
        complaints_by_source(filters),
        ComplaintSource.values,
        publish._choices_label(ComplaintSource.choices),
        threshold,
    )


def register() -> None:
    from django.apps import apps

    if not apps.is_installed("amparo.justice"):
        return
    from .report import PROSECUTION_SOURCES

    publish.register_chart("complaints_source", gettext_lazy("Complaints by source"), complaints_chart)
    if complaints_for_report not in PROSECUTION_SOURCES:
        PROSECUTION_SOURCES.append(complaints_for_report)


def complaints_for_report(filters: Filters, threshold: int) -> list[publish.Chart]:
    return [complaints_chart(filters, threshold)]
