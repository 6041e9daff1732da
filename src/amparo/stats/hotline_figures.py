"""Hotline volume, when the hotline app is installed: calls received by month, and by channel and category.
Filters: the period (day received, local time), the institution whose call center received the call, and the
department the call concerns."""

from __future__ import annotations

import datetime
from collections import Counter
from typing import Any

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import publish
from .aggregates import Filters
from .disclosure import protect_table


def calls(filters: Filters) -> QuerySet[Any]:
    from amparo.hotline.models import Call

    start, end = filters.period.aware_bounds()
    rows = Call.objects.filter(received_at__gte=start, received_at__lt=end)
    if filters.institution_id:
        rows = rows.filter(organization_id=filters.institution_id)
    if filters.department:
        rows = rows.filter(department=filters.department)
    return rows


def months(filters: Filters) -> list[str]:
    result, month = [], filters.period.start.replace(day=1)
    while month <= filters.period.end:
        result.append(f"{month:%Y-%m}")
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return result


def calls_by_month(filters: Filters) -> Counter[str]:
    rows = calls(filters).annotate(m=TruncMonth("received_at")).values("m").annotate(n=Count("id")).order_by()
    return Counter({f"{r['m']:%Y-%m}": r["n"] for r in rows})


def calls_by_channel_and_category(filters: Filters) -> Counter[tuple[str, str]]:
    rows = calls(filters).values("channel", "category").annotate(n=Count("id")).order_by()
    return Counter({(r["channel"], r["category"]): r["n"] for r in rows})


def _month_label(code: str) -> str:
    year, month = (int(x) for x in code.split("-"))
    return formats.date_format(datetime.date(year, month, 1), "YEAR_MONTH_FORMAT")


def month_chart(filters: Filters, threshold: int) -> publish.Chart:
    return publish._series_chart(
        "hotline_month",
        _("Hotline: calls received by month"),
        calls_by_month(filters),
        months(filters),
        _month_label,
        threshold,
        keep_zero=True,
    )


def channel_category_chart(filters: Filters, threshold: int) -> publish.Chart:
    from amparo.hotline.models import Category, Channel

    counts = calls_by_channel_and_category(filters)
    rows = [c for c in Channel.values if any(counts.get((c, k)) for k in Category.values)]
    cols = [k for k in Category.values if any(counts.get((c, k)) for c in rows)]
    table = protect_table(rows, cols, [[counts.get((c, k), 0) for k in cols] for c in rows], threshold)
    channels, categories = dict(Channel.choices), dict(Category.choices)
    return publish.Chart(
        "hotline_channel",
        _("Hotline: calls by channel and category"),
        tuple(rows),
        tuple(str(channels[c]) for c in rows),
        table=table,
        extra={"col_labels": [str(categories[k]) for k in cols]},
    )


def register() -> None:
    from django.apps import apps

    if not apps.is_installed("amparo.hotline"):
        return
    publish.register_chart("hotline_month", gettext_lazy("Hotline calls by month"), month_chart)
    publish.register_chart(
        "hotline_channel", gettext_lazy("Hotline calls by channel and category"), channel_category_chart
    )
