"""The annual report: every figure from the records, after disclosure control, in the structure of the
yearly questionnaire (overview; investigation and prosecution; protection and assistance; prevention;
best practices), with each institution's narrative."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils.translation import gettext as _

from amparo.accounts.actor import Actor
from amparo.accounts.roles import Perm
from amparo.capacity.models import ActivityKind, Participant
from amparo.capacity.selectors import ActionRow, plan_overview
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

    def shown(self, threshold: int) -> str:
        return publish.shown(self.value, threshold)


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
    return Fact(label, None if is_small(count, threshold) else count, chart_key, code)


def _overview(f: Filters, t: int) -> Section:
    total = agg.victims_total(f)
    previous = Filters(
        Period(f.period.start - datetime.timedelta(days=365), f.period.start - datetime.timedelta(days=1)),
        f.institution_id,
        f.department,
    )
    section = Section(ReportSection.OVERVIEW, str(ReportSection.OVERVIEW.label))
    section.facts = [
        _fact("victims", _("Victims identified (presumed or confirmed)"), total, t, "victims_year"),
        _fact("victims_previous", _("Victims identified in the previous period"), agg.victims_total(previous), t),
    ]
    section.charts = [publish.chart("cases_status", f, t), publish.chart("victims_form", f, t)]
    return section


def _trained(f: Filters, roles: tuple[str, ...]) -> int:
    return Participant.objects.filter(
        training__start_date__range=(f.period.start, f.period.end), attended=True, role__in=roles
    ).count()


def _prosecution(f: Filters, t: int) -> Section:
    section = Section(ReportSection.PROSECUTION, str(ReportSection.PROSECUTION.label))
    section.facts = [
        _fact(
            "determined_by_justice",
            _("Victims whose status was determined by a court or the prosecution"),
            agg.cases_determined_by(f, DeterminedBy.COURT_OR_PROSECUTION),
            t,
        ),
        _fact("judges_trained", _("Judges trained"), _trained(f, ("judges",)), t),
        _fact("prosecutors_trained", _("Prosecutors trained"), _trained(f, ("prosecutors",)), t),
        _fact("police_trained", _("Police officers trained"), _trained(f, ("police",)), t),
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


def _protection(f: Filters, t: int) -> Section:
    section = Section(ReportSection.PROTECTION, str(ReportSection.PROTECTION.label))
    nationality = agg.victims_by_nationality(f)
    foreign = sum(n for code, n in nationality.items() if code not in ("GT", "-99"))
    groups: Counter[str] = Counter()
    for (sex, age), n in agg.victims_by_sex_and_age(f).items():
        groups[agg.unodc_group(sex, age)] += n
    protected = protect_series(list(publish.UNODC_GROUPS), [groups.get(g, 0) for g in publish.UNODC_GROUPS], t)
    section.facts = [
        Fact(publish.unodc_label(g), v, "victims_sex_age", g)
        for g, v in zip(publish.UNODC_GROUPS, protected.values, strict=True)
    ]
    section.facts.append(_fact("foreign", _("Foreign victims identified"), foreign, t, "victims_nationality"))
    # a join from the period's deliveries to their cases (an IN over all identified cases scans them all)
    deliveries = ServiceDelivery.objects.filter(
        start_date__range=(f.period.start, f.period.end), case__trafficking_status__in=agg.IDENTIFIED
    )
    if f.institution_id:
        deliveries = deliveries.filter(case__owner_org_id=f.institution_id)
    by_service = {
        r["service_type"]: r["n"] for r in deliveries.values("service_type").annotate(n=Count("case_id", distinct=True))
    }
    services = protect_series(list(ServiceType.values), [by_service.get(s, 0) for s in ServiceType.values], t)
    labels = dict(ServiceType.choices)
    section.facts += [
        Fact(_("Victims who received: %(service)s") % {"service": labels[s]}, v, code=f"service_{s}")
        for s, v in zip(ServiceType.values, services.values, strict=True)
        if v != 0
    ]
    section.charts = [
        publish.chart("victims_sex_age", f, t),
        publish.chart("victims_nationality", f, t),
        publish.chart("victims_department", f, t),
        publish.chart("referrals_timeliness", f, t),
        publish.chart("shelter_occupancy", f, t),
    ]
    return section


def _prevention(f: Filters, t: int, year_rows: list[ActionRow]) -> Section:
    section = Section(ReportSection.PREVENTION, str(ReportSection.PREVENTION.label))
    summary = agg.prevention_summary(f)
    kinds = dict(ActivityKind.choices)
    trainings = agg.training_summary(f)
    section.lines = [
        _("Trainings: %(events)s events, %(trained)s officials trained of %(planned)s planned.") % trainings,
        _("Prevention activities: %(n)s, estimated reach %(reach)s, %(participants)s workshop participants.")
        % {"n": sum(summary["by_kind"].values()), "reach": summary["reach"], "participants": summary["participants"]},
        *(f"{kinds.get(k, k)}: {n}" for k, n in sorted(summary["by_kind"].items())),
    ]
    for row in year_rows:
        for item in row.indicators:
            value = publish.shown(None, t) if item.suppressed else ("—" if item.value is None else str(item.value))
            target = "—" if item.target is None else str(item.target)
            section.lines.append(
                _("Plan %(code)s · %(indicator)s: %(value)s (target %(target)s; source: %(source)s)")
                % {
                    "code": row.action.code,
                    "indicator": item.indicator.name,
                    "value": value,
                    "target": target,
                    "source": item.source,
                }
            )
    section.charts = [publish.chart("trainings", f, t)]
    return section


def build_report(filters: Filters, *, actor: Actor | None = None, threshold: int | None = None) -> Report:
    t = threshold if threshold is not None else threshold_from_settings()
    with_plan = actor is not None and actor.has(Perm.CAPACITY_VIEW)
    plan_rows = plan_overview(actor=actor, year=filters.period.end.year) if with_plan else []  # type: ignore[arg-type]
    sections = [
        _overview(filters, t),
        _prosecution(filters, t),
        _protection(filters, t),
        _prevention(filters, t, plan_rows),
        Section(ReportSection.BEST_PRACTICES, str(ReportSection.BEST_PRACTICES.label)),
    ]
    narratives = (
        ReportNarrative.objects.filter(period_start=filters.period.start, period_end=filters.period.end)
        .select_related("organization")
        .order_by("organization__name")
    )
    by_section: dict[str, list[ReportNarrative]] = {}
    for n in narratives:
        by_section.setdefault(n.section, []).append(n)
    for s in sections:
        s.narratives = by_section.get(s.key, [])
    return Report(filters, t, sections)
