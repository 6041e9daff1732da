"""Criminal justice figures, when the justice app is installed: complaints (denuncias) by source, and the
criminal justice funnel: complaints received, investigations opened, persons prosecuted (a charge filed),
convicted (a conviction) and sentenced, by sex of the offender and by form of exploitation.

Dates: complaints by the day received, investigations by the day opened, prosecutions by the day a charge
was filed, convictions and sentences by the day of the verdict. Prosecuted, convicted and sentenced persons
are suspects (a person suspected in two investigations counts twice, as a defendant in two proceedings);
offenders by sex are individuals (businesses are counted in the funnel, not by sex). The form of
exploitation of a file comes from the victims' cases linked to it (complaint: its cases; the others: the
investigation's victims): sexual exploitation, labour exploitation (forced labour), both, or other / not
recorded, so each file falls in exactly one column. The department filter does not apply (a file has no
single department)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import publish
from .aggregates import SEXES, Filters, sex_of
from .disclosure import protect_series, protect_table

STAGES = ("complaints", "investigations", "prosecuted", "convicted", "sentenced")
PERSON_STAGES = ("investigated", "prosecuted", "convicted", "sentenced")
FORM_GROUPS = ("sexual", "labour", "both", "other")
SEXUAL, LABOUR = "SexualExploitation", "ForcedLabour"


def complaints_by_source(filters: Filters) -> Counter[str]:
    from amparo.justice.models import Complaint

    rows = Complaint.objects.filter(received_on__range=(filters.period.start, filters.period.end))
    if filters.institution_id:
        rows = rows.filter(receiving_org_id=filters.institution_id)
    return Counter({r["source"]: r["n"] for r in rows.values("source").annotate(n=Count("id"))})


def complaints_chart(filters: Filters, threshold: int) -> publish.Chart:
    """Complaints by source, with their total: the complaints row of the justice by form table, so hidden
    there, hidden here too."""
    from amparo.justice.vocab import ComplaintSource

    counts = complaints_by_source(filters)
    codes = [c for c in ComplaintSource.values if counts.get(c, 0)]
    codes += sorted(c for c in counts if c not in codes and counts[c])
    form_table = funnel_form_chart(filters, threshold).table
    assert form_table is not None
    n_cols = len(form_table.col_labels)
    rows = list(form_table.row_labels)
    hidden_there = "complaints" in rows and form_table.row_totals[rows.index("complaints")] is None
    series = protect_series(
        codes, [counts[c] for c in codes], threshold, force_total=hidden_there, linked=(len(codes),)
    )
    if hidden_there and form_table.is_small(rows.index("complaints"), n_cols) != series.total_small:
        series = publish.Series(series.labels, series.values, series.total, threshold, frozenset())
    label = publish._choices_label(ComplaintSource.choices)
    return publish.Chart(
        "complaints_source",
        _("Complaints received by source"),
        tuple(codes),
        tuple(label(c) for c in codes),
        series=series,
    )


def _investigations(filters: Filters) -> QuerySet[Any]:
    from amparo.justice.models import Investigation

    rows = Investigation.objects.all()
    if filters.institution_id:
        rows = rows.filter(owner_org_id=filters.institution_id)
    return rows


def _in_period(filters: Filters, field: str) -> Q:
    return Q(**{f"{field}__range": (filters.period.start, filters.period.end)})


def _suspects(filters: Filters, stage: str) -> QuerySet[Any]:
    """Suspects at one stage in the period (each once)."""
    from amparo.justice.models import Suspect

    rows = Suspect.objects.filter(investigation__in=_investigations(filters))
    if stage == "investigated":
        return rows.filter(_in_period(filters, "investigation__opened_on"))
    if stage == "prosecuted":
        return rows.filter(_in_period(filters, "charges__filed_on")).distinct()
    if stage == "convicted":
        return rows.filter(
            _in_period(filters, "charges__verdict__date"), charges__verdict__outcome="convicted"
        ).distinct()
    if stage == "sentenced":
        return rows.filter(
            _in_period(filters, "charges__verdict__date"), charges__verdict__sentence__isnull=False
        ).distinct()
    raise KeyError(stage)


def _complaints(filters: Filters) -> QuerySet[Any]:
    from amparo.justice.models import Complaint

    rows = Complaint.objects.filter(_in_period(filters, "received_on"))
    if filters.institution_id:
        rows = rows.filter(receiving_org_id=filters.institution_id)
    return rows


def funnel(filters: Filters) -> Counter[str]:
    counts: Counter[str] = Counter()
    counts["complaints"] = _complaints(filters).count()
    counts["investigations"] = _investigations(filters).filter(_in_period(filters, "opened_on")).count()
    for stage in ("prosecuted", "convicted", "sentenced"):
        counts[stage] = _suspects(filters, stage).count()
    return counts


def funnel_by_sex(filters: Filters) -> dict[str, Counter[str]]:
    """Individual offenders at each stage by sex (F, M, U as for victims)."""
    result: dict[str, Counter[str]] = {}
    for stage in PERSON_STAGES:
        counter: Counter[str] = Counter()
        rows = _suspects(filters, stage).filter(kind="individual").values_list("pk", "person__gender")
        for _pk, gender in set(rows):
            counter[sex_of(gender or "")] += 1
        result[stage] = counter
    return result


def _form_group(indexes: Iterable[str]) -> str:
    joined = "".join(indexes)
    sexual, labour = f"|{SEXUAL}|" in joined, f"|{LABOUR}|" in joined
    return "both" if sexual and labour else "sexual" if sexual else "labour" if labour else "other"


def funnel_by_form(filters: Filters) -> dict[str, Counter[str]]:
    """Files (complaints, investigations) and persons (later stages) by the form of exploitation of the
    victims linked to them."""
    from amparo.justice.models import InvestigationVictim

    result: dict[str, Counter[str]] = {}
    forms_of: dict[Any, list[str]] = {}
    complaints = _complaints(filters)
    # complaints linked to no victim case are counted in the database, the others read one by one
    unlinked = complaints.filter(cases=None).count()
    for pk, index in complaints.exclude(cases=None).values_list("pk", "cases__forms_index"):
        forms_of.setdefault(pk, []).append(index or "")
    result["complaints"] = Counter(_form_group(v) for v in forms_of.values())
    if unlinked:
        result["complaints"]["other"] += unlinked
    by_investigation: dict[Any, list[str]] = {}
    links = InvestigationVictim.objects.filter(investigation__in=_investigations(filters))
    for investigation_id, index in links.values_list("investigation_id", "case__forms_index"):
        by_investigation.setdefault(investigation_id, []).append(index or "")
    opened = _investigations(filters).filter(_in_period(filters, "opened_on")).values_list("pk", flat=True)
    result["investigations"] = Counter(_form_group(by_investigation.get(pk, [])) for pk in opened)
    for stage in ("prosecuted", "convicted", "sentenced"):
        rows = set(_suspects(filters, stage).values_list("pk", "investigation_id"))
        result[stage] = Counter(_form_group(by_investigation.get(inv, [])) for _pk, inv in rows)
    return result


def stage_label(code: str) -> str:
    return {
        "complaints": _("Complaints received"),
        "investigations": _("Investigations opened"),
        "investigated": _("Persons investigated"),
        "prosecuted": _("Persons prosecuted"),
        "convicted": _("Persons convicted"),
        "sentenced": _("Persons sentenced"),
    }[code]


def form_group_label(code: str) -> str:
    return {
        "sexual": _("Sexual exploitation"),
        "labour": _("Labour exploitation"),
        "both": _("Both"),
        "other": _("Other or not recorded"),
    }[code]


def funnel_chart(filters: Filters, threshold: int) -> publish.Chart:
    """The funnel's counts are the row totals of the justice by form table (every file and person falls
    in exactly one column there): taken from it, so that the two agree on what is hidden."""
    by_form = funnel_form_chart(filters, threshold)
    table = by_form.table
    assert table is not None
    n_cols = len(table.col_labels)
    values: list[int | None] = []
    small: set[int] = set()
    for i, stage in enumerate(STAGES):
        if stage in by_form.codes:
            r = by_form.codes.index(stage)
            values.append(table.row_totals[r])
            if table.is_small(r, n_cols):
                small.add(i)
        else:
            values.append(0)  # no file or person at this stage
    return publish.Chart(
        "justice_funnel",
        _("Criminal justice: complaints, investigations, prosecutions, convictions, sentences"),
        STAGES,
        tuple(stage_label(s) for s in STAGES),
        series=publish.Series(STAGES, tuple(values), None, threshold, frozenset(small)),
        additive=False,
        note=_("Each stage is counted in the period on its own date; the stages do not add up."),
    )


def _stage_table(
    key: str, title: str, counts: dict[str, Counter[str]], columns: tuple[str, ...], col_label: Any, threshold: int
) -> publish.Chart:
    rows = [stage for stage in counts if sum(counts[stage].values())]
    cols = [c for c in columns if any(counts[r].get(c) for r in rows)]
    table = protect_table(rows, cols, [[counts[r].get(c, 0) for c in cols] for r in rows], threshold)
    return publish.Chart(
        key,
        title,
        tuple(rows),
        tuple(stage_label(r) for r in rows),
        table=table,
        note=_("Rows are stages, counted separately: the columns are not added up across stages."),
        extra={"col_labels": [col_label(c) for c in cols], "hide_col_totals": True},
    )


def funnel_sex_chart(filters: Filters, threshold: int) -> publish.Chart:
    return _stage_table(
        "justice_sex",
        _("Criminal justice: offenders by sex"),
        funnel_by_sex(filters),
        SEXES,
        publish.sex_label,
        threshold,
    )


def funnel_form_chart(filters: Filters, threshold: int) -> publish.Chart:
    return _stage_table(
        "justice_form",
        _("Criminal justice: sexual and labour exploitation"),
        funnel_by_form(filters),
        FORM_GROUPS,
        form_group_label,
        threshold,
    )


def register() -> None:
    from django.apps import apps

    if not apps.is_installed("amparo.justice"):
        return
    from .report import PROSECUTION_SOURCES

    publish.register_chart("complaints_source", gettext_lazy("Complaints by source"), complaints_chart)
    publish.register_chart("justice_funnel", gettext_lazy("Criminal justice funnel"), funnel_chart)
    publish.register_chart("justice_sex", gettext_lazy("Offenders by sex"), funnel_sex_chart)
    publish.register_chart("justice_form", gettext_lazy("Justice by form of exploitation"), funnel_form_chart)
    if complaints_for_report not in PROSECUTION_SOURCES:
        PROSECUTION_SOURCES.append(complaints_for_report)


def complaints_for_report(filters: Filters, threshold: int) -> list[publish.Chart]:
    return [
        complaints_chart(filters, threshold),
        funnel_chart(filters, threshold),
        funnel_sex_chart(filters, threshold),
        funnel_form_chart(filters, threshold),
    ]
