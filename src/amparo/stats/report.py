"""The annual report: every figure from the records, after disclosure control, in the structure of the
yearly questionnaire (overview; investigation and prosecution; protection and assistance; prevention;
best practices), with each institution's narrative."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from amparo.accounts.actor import Actor
from amparo.accounts.roles import Perm
from amparo.capacity.models import ActivityKind
from amparo.capacity.selectors import ActionRow, IndicatorRow, plan_overview
from amparo.cases.models import ServiceDelivery
from amparo.cases.vocab import DeterminedBy, ServiceType

from . import aggregates as agg
from . import publish
from .aggregates import Filters, Period
from .disclosure import is_small, protect_series, threshold_from_settings
from .models import ReportNarrative, ReportSection


@dataclass
class Fact:
    label: str
    value: int | None  # None: suppressed
    chart_key: str = ""  # the records behind it, for those who may see them
    code: str = ""  # a stable name for the figure (tests, machine-readable exports)
    small: bool = False  # when suppressed: published as below the threshold (else: hidden for another)

    def shown(self, threshold: int) -> str:
        return publish.shown(self.value, threshold, small=self.small)


@dataclass
class Section:
    key: str
    title: str
    facts: list[Fact] = field(default_factory=list)
    charts: list[publish.Chart] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)  # figures that are not counts of persons (plan, reach)
    narratives: list[ReportNarrative] = field(default_factory=list)


@dataclass
class Report:
    filters: Filters
    threshold: int
    sections: list[Section]

    @property
    def period(self) -> Period:
        return self.filters.period

    @property
    def empty(self) -> bool:
        return not any(f.value for s in self.sections for f in s.facts)


# Other apps (justice) add prosecution figures: a function (filters, threshold) -> list[Fact | Chart].
PROSECUTION_SOURCES: list[Callable[[Filters, int], list[publish.Chart]]] = []


def _fact(code: str, label: str, count: int, threshold: int, chart_key: str = "") -> Fact:
    small = is_small(count, threshold)
    return Fact(label, None if small else count, chart_key, code, small)


def _series_fact(chart: publish.Chart, code: str, label: str, fact_code: str, chart_key: str = "") -> Fact:
    """One bar of a published chart as a fact: the same count, hidden the same way."""
    assert chart.series is not None
    if code not in chart.codes:
        return Fact(label, 0, chart_key, fact_code)
    i = chart.codes.index(code)
    return Fact(label, chart.series.values[i], chart_key, fact_code, chart.series.is_small(i))


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def previous_period(period: Period) -> Period:
    """The period of the same length just before: the year before for a period of whole years (a leap
    day makes one of them 366 days long), else as many days."""
    end = period.start - datetime.timedelta(days=1)
    years = period.end.year - period.start.year + 1
    for n in (years - 1, years):
        if n > 0 and _years_before(period.end + datetime.timedelta(days=1), n) == period.start:
            return Period(_years_before(period.start, n), end)
    return Period(period.start - (period.end - period.start) - datetime.timedelta(days=1), end)


def _overview(f: Filters, t: int) -> Section:
    victims, victims_small = publish.victims_headline(f, t)
    persons, persons_small = publish.persons_headline(f, t)
    previous = Filters(previous_period(f.period), f.institution_id, f.department)
    section = Section(ReportSection.OVERVIEW, str(ReportSection.OVERVIEW.label))
    section.facts = [
        Fact(
            _("Victims identified (presumed or confirmed), counted per case"),
            victims,
            "victims_year",
            "victims",
            victims_small,
        ),
        Fact(_("Distinct persons identified as victims, each counted once"), persons, "", "persons", persons_small),
        _fact("victims_previous", _("Victims identified in the previous period"), agg.victims_total(previous), t),
    ]
    section.lines = [publish.units_text()]
    section.charts = [publish.chart("cases_status", f, t), publish.chart("victims_form", f, t)]
    return section


def _prosecution(f: Filters, t: int, trainings: publish.Chart) -> Section:
    section = Section(ReportSection.PROSECUTION, str(ReportSection.PROSECUTION.label))
    # officials trained: the bars of the trainings chart (same filters, hidden the same way)
    section.facts = [
        _fact(
            "determined_by_justice",
            _("Victims whose status was determined by a court or the prosecution"),
            agg.cases_determined_by(f, DeterminedBy.COURT_OR_PROSECUTION),
            t,
        ),
        _series_fact(trainings, "judges", _("Judges trained"), "judges_trained"),
        _series_fact(trainings, "prosecutors", _("Prosecutors trained"), "prosecutors_trained"),
        _series_fact(trainings, "police", _("Police officers trained"), "police_trained"),
    ]
    for source in PROSECUTION_SOURCES:
        section.charts.extend(source(f, t))
    if not PROSECUTION_SOURCES:
        section.lines.append(
            _(
                "Criminal justice figures (complaints, prosecutions, convictions, sentences) come from the justice "
                "module, which is not installed in this Amparo."
            )
        )
    return section


def _foreign(nationality: publish.Chart) -> Fact:
    """Foreign victims from the published nationality chart: a sum of its bars, or its total minus
    Guatemala and not recorded, published only when its published counts give it."""
    assert nationality.series is not None
    series = nationality.series
    parts: list[tuple[int | None, bool]] = []
    rest: list[tuple[int | None, bool]] = []
    for i, code in enumerate(nationality.codes):
        cell = (series.values[i], series.is_small(i))
        (rest if code in ("GT", "-99") else parts).append(cell)
    value, small = publish.part_sum(parts, rest, series.total) if parts else (0, False)
    return Fact(_("Foreign victims identified"), value, "victims_nationality", "foreign", small)


def _protection(f: Filters, t: int) -> Section:
    section = Section(ReportSection.PROTECTION, str(ReportSection.PROTECTION.label))
    sex_age = publish.chart("victims_sex_age", f, t)
    nationality = publish.chart("victims_nationality", f, t)
    # women, men, girls, boys from the published sex by age table, never from their own counts: a figure
    # protected on its own would give away the cells the table hides
    groups = publish.sex_age_groups(sex_age)
    section.facts = [
        Fact(publish.unodc_label(g), groups[g][0], "victims_sex_age", g, groups[g][1]) for g in publish.UNODC_GROUPS
    ]
    section.facts.append(_foreign(nationality))
    # a join from the period's deliveries to their cases (an IN over all identified cases scans them all)
    deliveries = ServiceDelivery.objects.filter(
        start_date__range=(f.period.start, f.period.end), case__trafficking_status__in=agg.IDENTIFIED
    ).exclude(agg.not_counted("case__"))
    if f.institution_id:
        deliveries = deliveries.filter(case__owner_org_id=f.institution_id)
    by_service = {
        r["service_type"]: r["n"] for r in deliveries.values("service_type").annotate(n=Count("case_id", distinct=True))
    }
    services = protect_series(list(ServiceType.values), [by_service.get(s, 0) for s in ServiceType.values], t)
    labels = dict(ServiceType.choices)
    section.facts += [
        Fact(
            _("Victims who received: %(service)s") % {"service": labels[s]},
            v,
            code=f"service_{s}",
            small=services.is_small(i),
        )
        for i, (s, v) in enumerate(zip(ServiceType.values, services.values, strict=True))
        if v != 0
    ]
    section.charts = [
        sex_age,
        nationality,
        publish.chart("victims_department", f, t),
        publish.chart("referrals_timeliness", f, t),
        publish.chart("shelter_occupancy", f, t),
    ]
    return section


def plan_year(period: Period) -> int:
    """The calendar year of the plan's annual targets and hand-entered values shown with a reporting
    period: the one that holds most of its days."""
    days: Counter[int] = Counter()
    day = period.start
    while day <= period.end:
        following = min(datetime.date(day.year, 12, 31), period.end)
        days[day.year] += (following - day).days + 1
        day = following + datetime.timedelta(days=1)
    return max(days, key=lambda y: (days[y], y))


def _period_indicators(
    f: Filters, facts: dict[str, Fact], trainings: publish.Chart, timeliness: publish.Chart, t: int
) -> dict[str, tuple[str, str]]:
    """The plan's computed indicators for the report's period and filters, as the report publishes them
    (the same counts, hidden the same way): key -> (name, value as published)."""
    assert trainings.series is not None and timeliness.series is not None
    on_time = dict(zip(timeliness.codes, timeliness.series.values, strict=True)).get("on_time", 0)
    sent = timeliness.series.total
    if on_time is not None and sent:
        rate = publish.number((Decimal(on_time) * 100 / sent).quantize(Decimal("0.1")))
    elif sent == 0:
        rate = "—"
    else:
        rate = publish.shown(None, t)  # from a hidden count: hidden too
    reach = agg.prevention_summary(f)["reach"]
    return {
        "victims_identified": (_("Victims identified (presumed or confirmed)"), facts["victims"].shown(t)),
        "judges_trained": (_("Judges trained"), facts["judges_trained"].shown(t)),
        "people_trained": (_("Officials trained (attended)"), trainings.total_text()),
        "prevention_reach": (_("Estimated reach of prevention activities"), publish.number(reach)),
        "referrals_on_time": (_("Referrals answered by the expected date (%)"), rate),
    }


def _plan_line(row: ActionRow, item: IndicatorRow, year: int, period_values: dict[str, tuple[str, str]], t: int) -> str:
    target = "—" if item.target is None else publish.number(item.target)
    if item.indicator.computed in period_values:
        name, value = period_values[item.indicator.computed]
        return _(
            "Plan %(code)s · %(indicator)s, in the reporting period: %(value)s (annual target for %(year)s: "
            "%(target)s; computed from Amparo's records)"
        ) % {"code": row.action.code, "indicator": name, "value": value, "year": year, "target": target}
    if item.suppressed:
        value = publish.shown(None, t, small=item.small)
    else:
        value = "—" if item.value is None else publish.number(item.value)
    return _(
        "Plan %(code)s · %(indicator)s, in %(year)s: %(value)s (annual target: %(target)s; source: %(source)s)"
    ) % {
        "code": row.action.code,
        "indicator": item.indicator.name,
        "year": year,
        "value": value,
        "target": target,
        "source": item.source,
    }


def _prevention(
    f: Filters, t: int, year_rows: list[ActionRow], year: int, trainings: publish.Chart, facts: dict[str, Fact]
) -> Section:
    section = Section(ReportSection.PREVENTION, str(ReportSection.PREVENTION.label))
    summary = agg.prevention_summary(f)
    kinds = dict(ActivityKind.choices)
    events = int(trainings.extra["events"])  # type: ignore[call-overload]
    activities = sum(summary["by_kind"].values())
    section.lines = [
        ngettext(
            "Trainings: %(events)s event, %(trained)s officials trained of %(planned)s planned.",
            "Trainings: %(events)s events, %(trained)s officials trained of %(planned)s planned.",
            events,
        )
        % {
            "events": publish.number(events),
            "trained": trainings.total_text(),
            "planned": publish.number(int(trainings.extra["planned"])),  # type: ignore[call-overload]
        },
        _("Prevention activities: %(n)s, estimated reach %(reach)s, %(participants)s workshop participants.")
        % {
            "n": publish.number(activities),
            "reach": publish.number(summary["reach"]),
            "participants": publish.number(summary["participants"]),
        },
        *(f"{kinds.get(k, k)}: {publish.number(n)}" for k, n in sorted(summary["by_kind"].items())),
    ]
    if year_rows:
        period_values = _period_indicators(f, facts, trainings, publish.chart("referrals_timeliness", f, t), t)
        section.lines += [_plan_line(row, item, year, period_values, t) for row in year_rows for item in row.indicators]
    section.charts = [trainings]
    return section


def build_report(filters: Filters, *, actor: Actor | None = None, threshold: int | None = None) -> Report:
    t = threshold if threshold is not None else threshold_from_settings()
    with_plan = actor is not None and actor.has(Perm.CAPACITY_VIEW)
    # the plan's computed indicators are recomputed for the report's period; its annual targets and
    # hand-entered values are those of the calendar year holding most of the period, and say so
    year = plan_year(filters.period)
    plan_rows = plan_overview(actor=actor, year=year) if with_plan else []  # type: ignore[arg-type]
    trainings = publish.chart("trainings", filters, t)
    overview = _overview(filters, t)
    prosecution = _prosecution(filters, t, trainings)
    facts = {fact.code: fact for section in (overview, prosecution) for fact in section.facts}
    sections = [
        overview,
        prosecution,
        _protection(filters, t),
        _prevention(filters, t, plan_rows, year, trainings, facts),
        Section(ReportSection.BEST_PRACTICES, str(ReportSection.BEST_PRACTICES.label)),
    ]
    narratives = (
        ReportNarrative.objects.filter(period_start=filters.period.start, period_end=filters.period.end)
        .select_related("organization")
        .order_by("organization__name")
    )
    if filters.institution_id:  # the report of one institution: its own narratives only
        narratives = narratives.filter(organization_id=filters.institution_id)
    by_section: dict[str, list[ReportNarrative]] = {}
    for n in narratives:
        by_section.setdefault(n.section, []).append(n)
    for s in sections:
        s.narratives = by_section.get(s.key, [])
    return Report(filters, t, sections)
