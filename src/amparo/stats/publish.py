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
from decimal import Decimal

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
from .disclosure import Series, Table, audit_system, is_small, protect_series, protect_table, threshold_from_settings


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


SECONDARY_MARK = "•"  # a count hidden so that another cannot be worked out: it may be any value


def shown(value: int | None, threshold: int, *, small: bool = False) -> str:
    """A published count: the number, "<threshold" for a hidden small count, "•" for a count hidden to
    protect another (which may be any value)."""
    if value is not None:
        return str(value)
    return f"<{threshold}" if small else SECONDARY_MARK


def legend(threshold: int) -> str:
    """What the markers mean: every published statement is true."""
    return _(
        "<%(threshold)s: a count from 1 to %(largest)s, hidden. •: a count hidden so that a small count "
        "cannot be worked out from the totals or from other figures; it may be any value."
    ) % {"threshold": threshold, "largest": threshold - 1}


def part_sum(
    parts: Sequence[tuple[int | None, bool]], rest: Sequence[tuple[int | None, bool]] = (), total: int | None = None
) -> tuple[int | None, bool]:
    """A figure derived from published counts (a sum of ``parts``, whose ``total`` with the ``rest`` is
    known), published only when the published counts give it: so it adds nothing to what they say.
    Each part is (value or None, published as small). Returns (value or None, published as small)."""
    if all(v is not None for v, _small in parts):
        return sum(v for v, _small in parts if v is not None), False
    if total is not None and all(v is not None for v, _small in rest):
        return total - sum(v for v, _small in rest if v is not None), False
    hidden = [small for v, small in parts if v is None]
    if len(hidden) == 1 and hidden[0] and not any(v for v, _small in parts if v is not None):
        return None, True  # the one small count itself
    return None, False


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
        """No count to show (hidden counts are something to show: their markers)."""
        if self.series is not None:
            return all(v == 0 for v in self.series.values)
        if self.table is not None:
            return self.table.total == 0
        return True

    @property
    def threshold(self) -> int:
        return (self.series or self.table).threshold  # type: ignore[union-attr]

    @property
    def show_col_totals(self) -> bool:
        """False for tables whose rows are counted separately (justice stages): no total row."""
        return not self.extra.get("hide_col_totals")

    @property
    def col_labels(self) -> list[str]:
        assert self.table is not None
        return [str(c) for c in self.extra.get("col_labels", self.table.col_labels)]  # type: ignore[attr-defined]

    def table_rows(self) -> list[tuple[str, tuple[int | None, ...], int | None]]:
        assert self.table is not None
        return list(zip(self.labels, self.table.cells, self.table.row_totals, strict=True))

    def rows(self) -> list[tuple[str, str, int | None]]:
        assert self.series is not None
        return list(zip(self.codes, self.labels, self.series.values, strict=True))

    # the published text of each figure, with its marker: screens, CSV, PDF and DOCX all use these

    def row_texts(self) -> list[tuple[str, str, str]]:
        assert self.series is not None
        s = self.series
        return [
            (code, label, shown(v, s.threshold, small=s.is_small(i))) for i, (code, label, v) in enumerate(self.rows())
        ]

    def total_text(self) -> str:
        assert self.series is not None
        return shown(self.series.total, self.series.threshold, small=self.series.total_small)

    def table_texts(self) -> list[tuple[str, list[str], str]]:
        assert self.table is not None
        t = self.table
        m = len(t.col_labels)
        return [
            (
                label,
                [shown(v, t.threshold, small=t.is_small(r, c)) for c, v in enumerate(cells)],
                shown(total, t.threshold, small=t.is_small(r, m)),
            )
            for r, (label, cells, total) in enumerate(self.table_rows())
        ]

    def col_total_texts(self) -> tuple[list[str], str]:
        assert self.table is not None
        t = self.table
        n, m = len(t.row_labels), len(t.col_labels)
        return (
            [shown(v, t.threshold, small=t.is_small(n, c)) for c, v in enumerate(t.col_totals)],
            shown(t.total, t.threshold, small=t.is_small(n, m)),
        )


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
        series = _without_total(series)
    return Chart(key, title, tuple(codes), tuple(label(c) for c in codes), series=series, additive=additive, note=note)


def _without_total(series: Series) -> Series:
    """A multi-valued breakdown: its rows do not add up to a total, none is published."""
    n = len(series.values)
    return Series(series.labels, series.values, None, series.threshold, frozenset(i for i in series.small if i < n))


def _marginal(
    key: str,
    title: str,
    table: Table,
    codes: Sequence[str],
    label: Callable[[str], str],
    *,
    rows: bool,
) -> Chart:
    """A one-way chart that is a margin of a published table: its counts and markers are the table's, so
    the two together say no more than the table."""
    n, m = len(table.row_labels), len(table.col_labels)
    values = table.row_totals if rows else table.col_totals
    small = {i for i in range(len(values)) if (table.is_small(i, m) if rows else table.is_small(n, i))}
    if table.is_small(n, m):
        small.add(len(values))
    series = Series(tuple(codes), tuple(values), table.total, table.threshold, frozenset(small))
    return Chart(key, title, tuple(codes), tuple(label(c) for c in codes), series=series)


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
        "victims_year",
        _("Victims identified by year"),
        agg.victims_by_year(f),
        years,
        str,
        t,
        keep_zero=True,
        note=unit_note(),
    )


def _victims_sex_age(f: Filters, t: int) -> Chart:
    counts = agg.victims_by_sex_and_age(f)
    ages = [a for a in (*AGE_GROUPS, "-99") if any(counts.get((s, a)) for s in agg.SEXES)]
    sexes = [s for s in agg.SEXES if any(counts.get((s, a)) for a in ages)]
    table = protect_table(sexes, ages, [[counts.get((s, a), 0) for a in ages] for s in sexes], t)
    # the codes of the columns, for figures derived from the table (UNODC groups, SDG 16.2.2)
    return Chart(
        "victims_sex_age",
        _("Victims identified by sex and age group"),
        tuple(sexes),
        tuple(sex_label(s) for s in sexes),
        table=table,
        note=unit_note(),
        extra={"col_labels": [_missing(a, str) for a in ages], "col_codes": ages},
    )


def sex_age_groups(sex_age: Chart) -> dict[str, tuple[int | None, bool]]:
    """Victims as women, men, girls, boys (and sex or age unknown), derived from the published sex by
    age table: a group is shown only when the table's published counts give it, so the groups add
    nothing to the table. Each group: (count or None, published as small)."""
    table = sex_age.table
    assert table is not None
    ages: list[str] = list(sex_age.extra.get("col_codes", ()))  # type: ignore[call-overload]
    result: dict[str, tuple[int | None, bool]] = {}
    for group in UNODC_GROUPS:
        parts: list[tuple[int | None, bool]] = []
        rows = set()
        for r, sex in enumerate(sex_age.codes):
            for c, age in enumerate(ages):
                if agg.unodc_group(sex, age) == group:
                    parts.append((table.cells[r][c], table.is_small(r, c)))
                    rows.add(r)
        if not parts:
            result[group] = (0, False)
            continue
        rest: list[tuple[int | None, bool]] = []
        total = None
        if len(rows) == 1:  # within one row: also the row total minus the row's other cells
            (r,) = rows
            sex = sex_age.codes[r]
            rest = [
                (table.cells[r][c], table.is_small(r, c))
                for c, age in enumerate(ages)
                if agg.unodc_group(sex, age) != group
            ]
            total = table.row_totals[r]
        result[group] = part_sum(parts, rest, total)
    return result


def _victims_sex(f: Filters, t: int) -> Chart:
    sex_age = _victims_sex_age(f, t)
    assert sex_age.table is not None
    result = _marginal(
        "victims_sex", _("Victims identified by sex"), sex_age.table, sex_age.codes, sex_label, rows=True
    )
    result.note = sex_age.note
    return result


def _victims_age(f: Filters, t: int) -> Chart:
    sex_age = _victims_sex_age(f, t)
    assert sex_age.table is not None
    result = _marginal(
        "victims_age",
        _("Victims identified by age group (at identification)"),
        sex_age.table,
        list(sex_age.extra["col_codes"]),  # type: ignore[call-overload]
        lambda c: _missing(c, str),
        rows=False,
    )
    result.note = sex_age.note
    return result


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
        note=unit_note(),
    )


def unodc_table(f: Filters, t: int) -> tuple[list[str], list[str], Table]:
    """UNODC: victims by form of exploitation (rows, "-99" not recorded) as women, men, girls, boys and
    unknown (columns). A victim may count in several rows."""
    counts = agg.victims_by_form_and_sex_age(f)
    forms = [c for c in (*agg.FORMS, "-99") if c in counts and counts[c].total()]
    forms += sorted(c for c in counts if c not in forms and counts[c].total())
    groups = list(UNODC_GROUPS)
    table = protect_table(forms, groups, [[counts[c].get(g, 0) for g in groups] for c in forms], t)
    return forms, groups, table


def form_label(code: str) -> str:
    return _missing(code, _choices_label(ExploitationForm.choices))


def _victims_form(f: Filters, t: int) -> Chart:
    # the row totals of the UNODC table (same counts): published together, they must agree on what is hidden
    forms, groups, table = unodc_table(f, t)
    m = len(groups)
    small = frozenset(r for r in range(len(forms)) if table.is_small(r, m))
    return Chart(
        "victims_form",
        _("Victims identified by form of exploitation"),
        tuple(forms),
        tuple(form_label(c) for c in forms),
        series=Series(tuple(forms), tuple(table.row_totals), None, t, small),
        additive=False,
        note=" ".join((_("A victim may suffer several forms of exploitation: rows do not add up."), unit_note())),
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
        note=" ".join(
            (
                _("Exploitation in Guatemala only; a victim exploited in several departments counts in each."),
                unit_note(),
            )
        ),
    )


def _status_protected(f: Filters, t: int) -> tuple[list[str], Series, tuple[int | None, bool] | None]:
    """Cases opened by trafficking status, and the victims identified (presumed + confirmed): the number
    of victims is published everywhere (it is every victim table's total), so the two are protected
    together, as the equations all cases = possible + victims + not a victim and victims = presumed +
    confirmed. Returns the codes, the series, and (victims, published as small) when linked."""
    counts = agg.cases_by_status_determination(f)
    codes = [c for c in TraffickingStatus.values if counts.get(c, 0)]
    codes += sorted(c for c in counts if c not in codes and counts[c])
    if f.department:  # the status chart ignores the department filter: not the same victims
        return codes, protect_series(codes, [counts[c] for c in codes], t), None
    identified = [c for c in codes if c in agg.IDENTIFIED]
    others = [c for c in codes if c not in agg.IDENTIFIED]
    victims = sum(counts[c] for c in identified)
    v = len(others)  # the victims' cell in the first equation
    force_victims = False
    while True:
        outer = protect_series(
            [*others, "identified"],
            [*(counts[c] for c in others), victims],
            t,
            force=(v,) if force_victims else (),
            keep=(v,),
            linked=(v,),
        )
        victims_hidden = outer.values[v] is None
        inner = protect_series(
            identified, [counts[c] for c in identified], t, force_total=victims_hidden, linked=(len(identified),)
        )
        if inner.total is None and not victims_hidden:
            force_victims = True
            continue
        break
    values: dict[str, int | None] = {c: outer.values[i] for i, c in enumerate(others)}
    values.update({c: inner.values[i] for i, c in enumerate(identified)})
    # the markers, checked on the two equations together (the victims' count moves in both)
    true = {**{c: counts[c] for c in codes}, "identified": victims, "all": sum(counts[c] for c in codes)}
    hidden = {c for c in codes if values[c] is None}
    hidden |= {"identified"} if outer.values[v] is None else set()
    hidden |= {"all"} if outer.total is None else set()
    primary = {x for x in hidden if is_small(true[x], t)}
    equations = [
        {**dict.fromkeys(others, 1), "identified": 1, "all": -1},
        {**dict.fromkeys(identified, 1), "identified": -1},
    ]
    if not audit_system(true, hidden, primary, equations, t):
        primary = set()
    small = {i for i, c in enumerate(codes) if c in primary}
    if "all" in primary:
        small.add(len(codes))
    series = Series(tuple(codes), tuple(values[c] for c in codes), outer.total, t, frozenset(small))
    return codes, series, (outer.values[v], "identified" in primary)


def _status(f: Filters, t: int) -> Chart:
    codes, series, _victims = _status_protected(f, t)
    label = _choices_label(TraffickingStatus.choices)
    return Chart(
        "cases_status",
        _("Cases opened by trafficking status"),
        tuple(codes),
        tuple(label(c) for c in codes),
        series=series,
    )


def victims_headline(f: Filters, t: int) -> tuple[int | None, bool]:
    """The number of victims identified as published (value or None, published as small), consistent
    with the status chart."""
    _codes, _series, linked = _status_protected(f, t)
    if linked is not None:
        return linked
    total = protect_series(["all"], [agg.victims_total(f)], t)
    return total.values[0], total.is_small(0)


def persons_headline(f: Filters, t: int) -> tuple[int | None, bool]:
    """The number of distinct persons behind the victims identified (each once, across institutions and
    merged records) as published (value or None, published as small): suppressed as the victims' headline."""
    total = protect_series(["all"], [agg.distinct_persons(f)], t)
    return total.values[0], total.is_small(0)


def unit_note() -> str:
    """What every victim figure counts (on each victim chart, its CSV and its API answer)."""
    return _("Counted per case: a person with cases in two institutions counts in each.")


def units_text() -> str:
    """Under the headline figures (dashboard, report): what each of the two counts."""
    persons = _("Distinct persons count each person once, across institutions and across merged records.")
    return f"{unit_note()} {persons}"


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
        # (category, beds), for the note under the chart: a list of numbers alone says nothing
        "beds_by_category": [
            (label, number(data[c]["beds"])) for c, label in zip(categories, result.labels, strict=True)
        ],
        "admitted": admitted.values,
        "admitted_total": admitted.total,
        "admitted_total_text": shown(admitted.total, t, small=admitted.total_small),
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
    summary = agg.training_summary(f)
    assert result.series is not None
    # officials trained: the chart's total, with its marker (not the raw count)
    result.extra = {
        "events": summary["events"],
        "planned": summary["planned"],
        "trained": result.series.total,
        "trained_text": result.total_text(),
    }
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


BAR_LABEL_CHARS = 38


def short_label(label: str, limit: int = BAR_LABEL_CHARS) -> str:
    """The label cut on a word boundary with an ellipsis when longer than ``limit`` characters."""
    if len(label) <= limit:
        return label
    cut = label[: limit - 1]
    if " " in cut.strip():
        cut = cut[: cut.rstrip().rfind(" ")]
    return cut.rstrip(" ,;:·-(") + "…"


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
        # the full label stays available: as the text's title (tooltip, screen readers) and in the table
        parts.append(
            f'<text x="{label_w - 8}" y="{y + bar_h - 4}" text-anchor="end" font-size="12" fill="#222">'
            f"<title>{escape(label)}</title>{escape(short_label(label))}</text>"
        )
        if value is None:
            parts.append(
                f'<rect x="{label_w}" y="{y}" width="40" height="{bar_h}" fill="none" stroke="#999" '
                f'stroke-dasharray="3 2"/><text x="{label_w + 46}" y="{y + bar_h - 4}" font-size="12" '
                f'fill="#555">{escape(shown(None, threshold, small=chart.series.is_small(i)))}</text>'
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
    if chart.table is not None:
        writer.writerow(["", *chart.col_labels, _("Total")])
        for label, texts, total in chart.table_texts():
            writer.writerow([label, *texts, total])
        if chart.show_col_totals:
            col_totals, grand = chart.col_total_texts()
            writer.writerow([_("Total"), *col_totals, grand])
    else:
        writer.writerow([_("Code"), _("Category"), _("Count")])
        for code, label, text in chart.row_texts():
            writer.writerow([code, label, text])
        if chart.series is not None and chart.additive:
            writer.writerow(["", _("Total"), chart.total_text()])
    writer.writerow([])
    if chart.note:
        writer.writerow([chart.note])
    writer.writerow([legend(chart.threshold)])
    return out.getvalue()


def number(value: int | float | Decimal) -> str:
    """A number for prose, in the active language (500.000 in Spanish, 500,000 in English): no decimals
    for whole numbers."""
    from django.utils.formats import number_format

    if isinstance(value, Decimal) and value == value.to_integral_value():
        value = int(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    decimals = None if isinstance(value, int) else 1
    return number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)
