"""The statistics table: victim figures pre-aggregated by month, so the dashboard and the report do not scan
and join every case.

Two tables (`amparo.stats.models`): `CaseFact`, one row per case with the codes it is counted under, and
`FactCell`, the cube (month x institution x status x who determined it x sex x age group x nationality x
forms x departments -> number of cases). `refresh_cases` recomputes the facts of some cases and moves their
counts from the old cell to the new one; the case and person services call it in their own transaction
(through `CASE_CHANGED_HOOKS` / `PERSON_CHANGED_HOOKS`), so the figures are current as soon as a change is
committed. A case no figure counts (closed as opened in error or as a duplicate: `aggregates.not_counted`)
has no fact: its count leaves the cube when that closure is approved and comes back if the case is reopened
(both go through the hooks). `rebuild` recomputes everything from the records (after bulk loads;
`amparo stats_rebuild`) and writes the freshness stamp. Until a first rebuild, `in_use()` is false and the
aggregates read the records directly.

A period is answered from the cube for its whole months and from `CaseFact` (by day) for the days at its
edges, so any period gives exactly the figures of the direct path (tests/stats/test_facts.py).
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime
import time
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from amparo.cases.models import Case, TraffickingEvent
from amparo.cases.vocab import EventKind

from .models import FACT_DIMENSIONS, CaseFact, FactBuild, FactCell, FactRollup

Key = tuple[Any, ...]
# The rollups: a name, the SQL of its value over CaseFact's columns, and the dimensions it answers.
ROLLUPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "sex_age": ("sex || ':' || age_group", ("sex", "age_group")),
    "nationality": ("nationality", ("nationality",)),
    "forms": ("forms_index", ("forms_index",)),
    "dept": ("dept_index", ("dept_index",)),
}
ROLLUP_KEYS = ("month", "org_id", "status", "determined_by")


def _rollup_value(grouping: str, fact: CaseFact) -> str:
    dims = ROLLUPS[grouping][1]
    return ":".join(str(getattr(fact, d)) for d in dims)


_direct: contextvars.ContextVar[bool] = contextvars.ContextVar("stats_direct", default=False)


@contextlib.contextmanager
def direct_path() -> Iterator[None]:
    """Compute the figures from the records, not from the statistics table (checks and benchmarks)."""
    token = _direct.set(True)
    try:
        yield
    finally:
        _direct.reset(token)


def in_use() -> bool:
    if _direct.get() or not getattr(settings, "STATS_USE_FACT_TABLE", True):
        return False
    return FactBuild.objects.exists()


def freshness() -> FactBuild | None:
    return FactBuild.objects.order_by("-built_at").first()


# ------------------------------------------------------------------------------------ computing facts


def _sex(gender: str) -> str:
    from .aggregates import sex_of

    return sex_of(gender)


def _fact_row(row: dict[str, Any], departments: Iterable[str]) -> CaseFact:
    opened_on = timezone.localtime(row["opened_at"], timezone.get_default_timezone()).date()
    codes = row["person__nationalities"] or []
    depts = sorted({d for d in departments if d})
    return CaseFact(
        case_id=row["id"],
        opened_on=opened_on,
        month=opened_on.replace(day=1),
        org_id=row["owner_org_id"],
        status=row["trafficking_status"],
        determined_by=row["status_determined_by"] or "",
        sex=_sex(row["person__gender"]),
        age_group=row["age_group"] or "",
        nationality=(codes[0] if codes else "-99")[:3],
        forms_index=row["forms_index"] or "",
        dept_index="|" + "|".join(depts) + "|" if depts else "",
    )


_CASE_COLUMNS = (
    "id",
    "opened_at",
    "owner_org_id",
    "trafficking_status",
    "status_determined_by",
    "age_group",
    "forms_index",
    "person__gender",
    "person__nationalities",
)


def _departments(case_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, set[str]]:
    result: dict[uuid.UUID, set[str]] = {}
    rows = (
        TraffickingEvent.objects.filter(case_id__in=case_ids, kind=EventKind.EXPLOITATION)
        .exclude(department="")
        .values_list("case_id", "department")
    )
    for case_id, department in rows:
        result.setdefault(case_id, set()).add(department)
    return result


def _counted() -> QuerySet[Case]:
    from .aggregates import counted_cases

    return counted_cases()


def compute(case_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, CaseFact]:
    """The facts of these cases; none for a case no figure counts (aggregates.not_counted), so that its
    count leaves the table when its closure is approved and comes back when it is reopened."""
    rows = list(_counted().filter(pk__in=case_ids).values(*_CASE_COLUMNS))
    departments = _departments([r["id"] for r in rows])
    return {r["id"]: _fact_row(r, departments.get(r["id"], ())) for r in rows}


def key_of(fact: CaseFact) -> Key:
    return tuple(getattr(fact, name) for name in FACT_DIMENSIONS)


def _rollup_keys(fact: CaseFact) -> list[Key]:
    common = tuple(getattr(fact, name) for name in ROLLUP_KEYS)
    return [(grouping, *common, _rollup_value(grouping, fact)) for grouping in ROLLUPS]


def _apply(deltas: Counter[Key], model: Any = FactCell, names: Sequence[str] = FACT_DIMENSIONS) -> None:
    for key, delta in deltas.items():
        if not delta:
            continue
        where = dict(zip(names, key, strict=True))
        cells = model.objects.filter(**where)
        if _add(cells, delta):
            if delta < 0:
                cells.filter(n__lte=0).delete()
            continue
        if delta < 0:  # nothing to subtract from (the table was never built with this case)
            continue
        try:
            with transaction.atomic():
                model.objects.create(n=delta, **where)
        except IntegrityError:  # the same cell was created meanwhile by a concurrent transaction
            _add(cells, delta)


def _add(cells: QuerySet[Any], delta: int) -> bool:
    from django.db.models import F

    return bool(cells.update(n=F("n") + delta))


@transaction.atomic
def refresh_cases(case_ids: Iterable[uuid.UUID | str]) -> None:
    """Bring the facts of these cases (and the cube) up to date with the records; deleted cases leave."""
    ids = [uuid.UUID(str(i)) for i in case_ids]
    if not ids:
        return
    old = {f.case_id: f for f in CaseFact.objects.filter(case_id__in=ids)}
    new = compute(ids)
    deltas: Counter[Key] = Counter()
    rollups: Counter[Key] = Counter()
    for case_id in ids:
        before, after = old.get(case_id), new.get(case_id)
        if before is not None and after is not None and key_of(before) == key_of(after):
            if before.opened_on != after.opened_on:
                after.save()
            continue
        if before is not None:
            deltas[key_of(before)] -= 1
            for key in _rollup_keys(before):
                rollups[key] -= 1
        if after is not None:
            deltas[key_of(after)] += 1
            for key in _rollup_keys(after):
                rollups[key] += 1
            after.save()
        elif before is not None:
            before.delete()
    _apply(deltas)
    _apply(rollups, FactRollup, ("grouping", *ROLLUP_KEYS, "value"))


def refresh_person(person_id: uuid.UUID | str) -> None:
    refresh_cases(Case.objects.filter(person_id=person_id).values_list("pk", flat=True))


def on_case_changed(case: Case) -> None:
    refresh_cases([case.pk])


def on_person_changed(person: Any) -> None:
    refresh_person(person.pk)


def rebuild(*, batch: int = 5000) -> FactBuild:
    """Recompute every fact and the cube from the records, and stamp the time."""
    started = time.perf_counter()
    with transaction.atomic():
        CaseFact.objects.all().delete()
        FactCell.objects.all().delete()
        FactRollup.objects.all().delete()
        last: uuid.UUID | None = None
        while True:
            page = _counted().order_by("pk")
            if last is not None:
                page = page.filter(pk__gt=last)
            rows = list(page.values(*_CASE_COLUMNS)[:batch])
            if not rows:
                break
            last = rows[-1]["id"]
            departments = _departments([r["id"] for r in rows])
            CaseFact.objects.bulk_create([_fact_row(r, departments.get(r["id"], ())) for r in rows], batch_size=1000)
        columns = ", ".join(connection.ops.quote_name(c) for c in FACT_DIMENSIONS)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {FactCell._meta.db_table} ({columns}, n) "  # noqa: S608 - names from the model
                f"SELECT {columns}, COUNT(*) FROM {CaseFact._meta.db_table} GROUP BY {columns}"
            )
            keys = ", ".join(connection.ops.quote_name(c) for c in ROLLUP_KEYS)
            for grouping, (value_sql, _dims) in ROLLUPS.items():
                cursor.execute(
                    f"INSERT INTO {FactRollup._meta.db_table} (grouping, {keys}, value, n) "  # noqa: S608
                    f"SELECT %s, {keys}, {value_sql}, SUM(n) FROM {FactCell._meta.db_table} "
                    f"GROUP BY {keys}, {value_sql}",
                    [grouping],
                )
        FactBuild.objects.all().delete()
        return FactBuild.objects.create(
            built_at=timezone.now(),
            cases=CaseFact.objects.count(),
            cells=FactCell.objects.count(),
            seconds=round(time.perf_counter() - started, 2),
        )


# ------------------------------------------------------------------------------------------ reading


def _split(start: datetime.date, end: datetime.date) -> tuple[tuple[datetime.date, datetime.date] | None, list[Q]]:
    """Whole months [first, after) for the cube, and the edge days for the per-case facts."""
    first = start if start.day == 1 else (start.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    after = (end + datetime.timedelta(days=1)).replace(day=1)
    if first >= after:
        return None, [Q(opened_on__range=(start, end))]
    edges = []
    if start < first:
        edges.append(Q(opened_on__gte=start, opened_on__lt=first))
    if end >= after:
        edges.append(Q(opened_on__gte=after, opened_on__lte=end))
    return (first, after), edges


def _rollup_for(dims: Sequence[str]) -> tuple[str, bool] | None:
    """The rollup that answers a breakdown by ``dims`` (and whether its value must be split), if any."""
    own = [d for d in dims if d not in ROLLUP_KEYS]
    if not own:
        return "nationality", False  # any rollup counts every case once
    for grouping, (_sql, answers) in ROLLUPS.items():
        if tuple(own) == answers:
            return grouping, True
    return None


def grouped(
    start: datetime.date,
    end: datetime.date,
    dims: Sequence[str],
    *,
    statuses: Sequence[str] | None = None,
    institution_id: int | None = None,
    department: str = "",
    determined_by: str = "",
) -> Counter[Key]:
    """Number of cases opened between start and end (inclusive) per combination of ``dims``."""
    where = Q()
    if statuses is not None:
        where &= Q(status__in=statuses)
    if institution_id:
        where &= Q(org_id=institution_id)
    if department:
        where &= Q(dept_index__contains=f"|{department}|")
    if determined_by:
        where &= Q(determined_by=determined_by)
    months, edges = _split(start, end)
    result: Counter[Key] = Counter()
    parts: list[tuple[QuerySet[Any], Any]] = []
    rollup = _rollup_for(dims) if not department else None
    if months is not None and rollup is not None:
        grouping, split = rollup
        rows = FactRollup.objects.filter(where, grouping=grouping, month__gte=months[0], month__lt=months[1])
        names = [d for d in dims if d in ROLLUP_KEYS] + (["value"] if split else [])
        for r in rows.values(*names).annotate(c=Sum("n")).order_by():
            if split:
                values = dict(
                    zip(ROLLUPS[grouping][1], r["value"].split(":", len(ROLLUPS[grouping][1]) - 1), strict=True)
                )
                r = {**r, **values}
            result[tuple(r[d] for d in dims)] += r["c"] or 0
        months = None
    if months is not None:
        cube = FactCell.objects.filter(where, month__gte=months[0], month__lt=months[1])
        parts.append((cube, Sum("n")))
    if edges:
        days = Q()
        for q in edges:
            days |= q
        parts.append((CaseFact.objects.filter(where & days), Count("*")))
    for rows, measure in parts:
        if dims:
            for r in rows.values(*dims).annotate(c=measure).order_by():
                result[tuple(r[d] for d in dims)] += r["c"] or 0
        else:
            result[()] += rows.aggregate(c=measure)["c"] or 0
    return +result
