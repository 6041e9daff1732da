"""Reads of the stats app that reach records: only the records behind a figure, only for users who may
see those cases anyway (the case team; the institution's supervisors)."""

from __future__ import annotations

from django.db.models import QuerySet

from amparo.accounts.actor import Actor
from amparo.accounts.roles import Perm
from amparo.cases.models import Case, TraffickingEvent
from amparo.cases.permissions import cases_visible_to
from amparo.cases.vocab import EventKind
from amparo.core.exceptions import PermissionDenied
from amparo.people.models import Gender

from . import aggregates as agg
from . import facts
from .aggregates import Filters
from .models import FactBuild

SEX_GENDERS = {
    "F": [Gender.FEMININE, Gender.TRANSGENDER_FEMININE],
    "M": [Gender.MASCULINE, Gender.TRANSGENDER_MASCULINE],
    "U": [Gender.NON_CONFORMING, Gender.UNKNOWN],
}


RECORD_KEYS = frozenset(
    {"victims_year", "victims_sex", "victims_age", "victims_nationality", "victims_form", "victims_department"}
)


def fact_table_build() -> FactBuild | None:
    """The freshness stamp of the statistics table, when the figures come from it."""
    return facts.freshness() if facts.in_use() else None


def victims_total(filters: Filters) -> int:
    return agg.victims_total(filters)


def _by_code(rows: QuerySet[Case], key: str, code: str) -> QuerySet[Case]:
    if key == "victims_year":
        return rows.filter(opened_at__year=int(code)) if code.isdigit() else rows.none()
    if key in ("victims_sex", "victims_sex_age"):
        sex, _sep, age = code.partition(":")
        rows = rows.filter(person__gender__in=SEX_GENDERS.get(sex, []))
        return rows.filter(age_group="" if age == "-99" else age) if age else rows
    if key == "victims_age":
        return rows.filter(age_group="" if code == "-99" else code)
    if key == "victims_nationality":
        return rows.filter(person__nationalities=[]) if code == "-99" else rows.filter(person__nationalities__0=code)
    if key == "victims_form":
        return rows.filter(forms_index="") if code == "-99" else rows.filter(forms_index__contains=f"|{code}|")
    if key == "victims_department":
        there = TraffickingEvent.objects.filter(kind=EventKind.EXPLOITATION, department=code)
        return rows.filter(pk__in=there.values("case_id"))
    raise KeyError(key)


def records_behind(*, actor: Actor, key: str, code: str, filters: Filters) -> QuerySet[Case]:
    if not (actor.has(Perm.STATS_RECORDS) and actor.has(Perm.CASE_VIEW)):
        raise PermissionDenied()
    rows = agg.victims(filters).filter(pk__in=cases_visible_to(actor).values("pk"))
    return _by_code(rows, key, code).select_related("owner_org").order_by("-opened_at")
