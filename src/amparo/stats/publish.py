"""What leaves the identified-data world: every chart and table, after disclosure control.

Views, the annual report and the exports take their figures from here, never from `aggregates` directly.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from amparo.capacity.models import TargetGroup
from amparo.cases.vocab import ExploitationForm, TraffickingStatus
from amparo.core.geo import country_name, department_name
from amparo.referrals.models import ReferralStatus, ShelterCategory

from . import aggregates as agg
from .aggregates import AGE_GROUPS, Filters, Period
from .disclosure import Series, Table, protect_series, protect_table, threshold_from_settings


def reporting_period(today: datetime.date, *, complete: bool) -> Period:
    """The reporting period (1 April to 31 March by default) containing ``today``, or the last one that
    has ended."""
    month, day = (int(x) for x in settings.STATS_PERIOD_START.split("-"))
    start = datetime.date(today.year, month, day)
    if start > today:
        start = start.replace(year=start.year - 1)
    if complete:
        start = start.replace(year=start.year - 1)
    end = start.replace(year=start.year + 1) - datetime.timedelta(days=1)
    return Period(start, end)


def sex_label(code: str) -> str:
    return {"F": _("Female"), "M": _("Male")}.get(code, _("Other or unknown"))


def _missing(code: str, label: Callable[[str], str]) -> str:
    return _("Not recorded") if code in ("-99", "") else label(code)


def _choices_label(choices: Sequence[tuple[str, Promise | str]]) -> Callable[[str], str]:
    labels = dict(choices)
    return lambda code: str(labels.get(code, code))


@dataclass
class Chart:
    key: str
    title: str
    codes: tuple[str, ...]
    labels: tuple[str, ...]
    series: Series | None = None
    table: Table | None = None
    additive: bool = True  # False for multi-valued breakdowns: their rows do not add up to the total
    note: str = ""
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        if self.series is not None:
            return not any(self.series.values) and not self.series.suppressed
        if self.table is not None:
            return self.table.total == 0
        return True

    def table_rows(self) -> list[tuple[str, tuple[int | None, ...], int | None]]:
        assert self.table is not None
        return list(zip(self.labels, self.table.cells, self.table.row_totals, strict=True))

    def rows(self) -> list[tuple[str, str, int | None]]:
        assert self.series is not None
        return list(zip(self.codes, self.labels, self.series.values, strict=True))


def _series_chart(
    key: str,
    title: str,
    counts: Counter[str],
    order: Sequence[str] | None,
    label: Callable[[str], str],
    threshold: int,
    *,
    additive: bool = True,
    note: str = "",
    keep_zero: bool = False,
) -> Chart:
    codes = [c for c in (order if order is not None else sorted(counts)) if keep_zero or counts.get(c, 0)]
    codes += sorted(c for c in counts if c not in codes and counts[c])
    values = [counts.get(c, 0) for c in codes]
    series = protect_series([str(c) for c in codes], values, threshold)
    if not additive:
        series = Series(series.labels, series.values, None, threshold)
    return Chart(key, title, tuple(codes), tuple(label(c) for c in codes), series=series, additive=additive, note=note)


UNODC_GROUPS = ("women", "men", "girls", "boys", "unknown")


def unodc_label(code: str) -> str:
    return {
        "women": _("Women"),
        "men": _("Men"),
        "girls": _("Girls"),
        "boys": _("Boys"),
        "unknown": _("Sex or age unknown"),
    }[code]


def chart(key: str, filters: Filters, threshold: int | None = None) -> Chart:
    threshold = threshold if threshold is not None else threshold_from_settings()
    return CHARTS[key][1](filters, threshold)


def _victims_year(f: Filters, t: int) -> Chart:
    years = [str(y) for y in range(f.period.start.year, f.period.end.year + 1)]
    return _series_chart(
        "victims_year", _("Victims identified by year"), agg.victims_by_year(f), years, str, t, keep_zero=True
    )


def _victims_sex_age(f: Filters, t: int) -> Chart:
    counts = agg.victims_by_sex_and_age(f)
    ages = [a for a in (*AGE_GROUPS, "-99") if any(counts.get((s, a)) for s in agg.SEXES)]
    sexes = [s for s in agg.SEXES if any(counts.get((s, a)) for a in ages)]
    table = protect_table(sexes, ages, [[counts.get((s, a), 0) for a in ages] for s in sexes], t)
    return Chart(
        "victims_sex_age",
        _("Victims identified by sex and age group"),
        tuple(sexes),
        tuple(sex_label(s) for s in sexes),
        table=table,
        extra={"col_labels": [_missing(a, str) for a in ages]},
    )


def _victims_sex(f: Filters, t: int) -> Chart:
    return _series_chart("victims_sex", _("Victims identified by sex"), agg.victims_by_sex(f), agg.SEXES, sex_label, t)


def _victims_age(f: Filters, t: int) -> Chart:
    return _series_chart(
        "victims_age",
        _("Victims identified by age group (at identification)"),
        agg.victims_by_age(f),
        [*AGE_GROUPS, "-99"],
        lambda c: _missing(c, str),
        t,
    )


def _victims_nationality(f: Filters, t: int) -> Chart:
    counts = agg.victims_by_nationality(f)
    order = sorted(counts, key=lambda c: (-counts[c], c))
    return _series_chart(
        "victims_nationality",
        _("Victims identified by nationality"),
        counts,
        order,
        lambda c: _missing(c, country_name),
        t,
    )


def _victims_form(f: Filters, t: int) -> Chart:
    return _series_chart(
        "victims_form",
        _("Victims identified by form of exploitation"),
        agg.victims_by_form(f),
        [*agg.FORMS, "-99"],
        lambda c: _missing(c, _choices_label(ExploitationForm.choices)),
        t,
        additive=False,
        note=_("A victim may suffer several forms of exploitation: rows do not add up."),
    )


def _victims_department(f: Filters, t: int) -> Chart:
    counts = agg.victims_by_department(f)
    return _series_chart(
        "victims_department",
        _("Victims identified by department of exploitation"),
        counts,
        sorted(counts, key=lambda c: (-counts[c], c)),
        department_name,
        t,
        additive=False,
        note=_("Exploitation in Guatemala only; a victim exploited in several departments counts in each."),
    )


def _status(f: Filters, t: int) -> Chart:
    return _series_chart(
        "cases_status",
        _("Cases opened by trafficking status"),
        agg.cases_by_status_determination(f),
        TraffickingStatus.values,
        _choices_label(TraffickingStatus.choices),
        t,
    )


TIMELINESS = ("on_time", "late", "overdue", "waiting", "withdrawn")


def timeliness_label(code: str) -> str:
    return {
        "on_time": _("Answered by the expected date"),
        "late": _("Answered late"),
        "overdue": _("Unanswered, overdue"),
        "waiting": _("Awaiting an answer (not yet due)"),
        "withdrawn": _("Cancelled or ended before an answer"),
    }[code]


def _referrals_status(f: Filters, t: int) -> Chart:
    return _series_chart(
        "referrals_status",
        _("Referrals sent by status"),
        agg.referrals_by_status(f),
        ReferralStatus.values,
        _choices_label(ReferralStatus.choices),
        t,
    )


def _referrals_timeliness(f: Filters, t: int) -> Chart:
    return _series_chart(
        "referrals_timeliness",
        _("Referrals: timeliness of the answer"),
        agg.referral_timeliness(f),
        TIMELINESS,
        timeliness_label,
        t,
    )


def _shelter(f: Filters, t: int) -> Chart:
    data = agg.shelter_occupancy(f)
    categories = [c for c in ShelterCategory.values if c in data]
    occupied = Counter({c: data[c]["occupied"] for c in categories})
    result = _series_chart(
        "shelter_occupancy",
        _("Persons in shelters at the end of the period, by category"),
        occupied,
        categories,
        _choices_label(ShelterCategory.choices),
        t,
        keep_zero=True,
    )
    admitted = protect_series(categories, [data[c]["admitted"] for c in categories], t)
    result.extra = {
        "beds": [data[c]["beds"] for c in categories],
        "admitted": admitted.values,
        "admitted_total": admitted.total,
    }
    return result


def _trainings(f: Filters, t: int) -> Chart:
    result = _series_chart(
        "trainings",
        _("Officials trained by target group"),
        agg.trained_by_group(f),
        TargetGroup.values,
        _choices_label(TargetGroup.choices),
        t,
    )
    result.extra = dict(agg.training_summary(f))
    return result


CHARTS: dict[str, tuple[Promise, Callable[[Filters, int], Chart]]] = {
    "victims_year": (gettext_lazy("Victims by year"), _victims_year),
    "victims_sex_age": (gettext_lazy("Victims by sex and age"), _victims_sex_age),
    "victims_sex": (gettext_lazy("Victims by sex"), _victims_sex),
    "victims_age": (gettext_lazy("Victims by age group"), _victims_age),
    "victims_nationality": (gettext_lazy("Victims by nationality"), _victims_nationality),
    "victims_form": (gettext_lazy("Victims by form of exploitation"), _victims_form),
    "victims_department": (gettext_lazy("Victims by department"), _victims_department),
    "cases_status": (gettext_lazy("Cases by trafficking status"), _status),
    "referrals_status": (gettext_lazy("Referrals by status"), _referrals_status),
    "referrals_timeliness": (gettext_lazy("Referral timeliness"), _referrals_timeliness),
    "shelter_occupancy": (gettext_lazy("Shelter occupancy"), _shelter),
    "trainings": (gettext_lazy("Trainings"), _trainings),
}
DASHBOARD = tuple(k for k in CHARTS if k not in ("victims_sex", "victims_age"))


def register_chart(key: str, label: Promise, build: Callable[[Filters, int], Chart], *, dashboard: bool = True) -> None:
    """Other apps (justice: the criminal justice funnel; hotline: call volume) add their charts here."""
    global DASHBOARD
    CHARTS[key] = (label, build)
    if dashboard and key not in DASHBOARD:
        DASHBOARD = (*DASHBOARD, key)


# ------------------------------------------------------------------------------------- rendering


def shown(value: int | None, threshold: int) -> str:
    return f"<{threshold}" if value is None else str(value)


def bar_svg(chart: Chart) -> SafeString:
    """A horizontal bar chart as inline SVG (no script, no style attribute: CSP-safe)."""
    assert chart.series is not None
    rows = chart.rows()
    threshold = chart.series.threshold
    width, label_w, bar_h, gap = 760, 260, 20, 6
    top = max([v for _c, _l, v in rows if v is not None] or [1]) or 1
    height = max(1, len(rows)) * (bar_h + gap) + gap
    parts = [
        f'<svg class="chart" role="img" aria-label="{escape(chart.title)}" viewBox="0 0 {width} {height}" '
        f'width="100%" xmlns="http://www.w3.org/2000/svg">'
    ]
    for i, (_code, label, value) in enumerate(rows):
        y = gap + i * (bar_h + gap)
        parts.append(
            f'<text x="{label_w - 8}" y="{y + bar_h - 4}" text-anchor="end" font-size="12" fill="#222">'
            f"{escape(label[:38])}</text>"
        )
        if value is None:
            parts.append(
                f'<rect x="{label_w}" y="{y}" width="40" height="{bar_h}" fill="none" stroke="#999" '
                f'stroke-dasharray="3 2"/><text x="{label_w + 46}" y="{y + bar_h - 4}" font-size="12" '
                f'fill="#555">{escape(shown(None, threshold))}</text>'
            )
            continue
        w = 0 if top == 0 else int((width - label_w - 60) * value / top)
        parts.append(
            f'<rect x="{label_w}" y="{y}" width="{max(w, 1)}" height="{bar_h}" fill="#2f6690"/>'
            f'<text x="{label_w + w + 6}" y="{y + bar_h - 4}" font-size="12" fill="#222">{value}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text node above is escaped


def chart_csv(chart: Chart) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    threshold = (chart.series or chart.table).threshold  # type: ignore[union-attr]
    if chart.table is not None:
        table = chart.table
        col_labels = [str(c) for c in chart.extra.get("col_labels", table.col_labels)]  # type: ignore[attr-defined]
        writer.writerow(["", *col_labels, _("Total")])
        for label, row, total in zip(chart.labels, table.cells, table.row_totals, strict=True):
            writer.writerow([label, *(shown(v, threshold) for v in row), shown(total, threshold)])
        if not chart.extra.get("hide_col_totals"):
            writer.writerow(
                [_("Total"), *(shown(v, threshold) for v in table.col_totals), shown(table.total, threshold)]
            )
    else:
        writer.writerow([_("Code"), _("Category"), _("Count")])
        for code, label, value in chart.rows():
            writer.writerow([code, label, shown(value, threshold)])
        if chart.series is not None and chart.additive:
            writer.writerow(["", _("Total"), shown(chart.series.total, threshold)])
    writer.writerow([])
    writer.writerow(
        [
            _("Counts below %(threshold)s are suppressed (with others where needed so they cannot be recovered).")
            % {"threshold": threshold}
        ]
    )
    return out.getvalue()
