"""Which person a record resolves to after merges. Readers of other apps call these (cases, referrals and
justice records follow the merged person without any change to their tables).

A merge group is the connected component of the active ``PersonMerge`` rows (survivor -- absorbed). Chains
happen (a group's survivor can later be absorbed by an earlier registration), so groups are walked with a
recursive SQL query (``WITH RECURSIVE``, the same text on SQLite and PostgreSQL): one query for any number of
persons, or none at all when it is embedded as a subquery (``members_of``).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from .models import PersonMerge


def _as_uuid(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _merge_table() -> tuple[str, str, str, str]:
    q = connection.ops.quote_name
    opts = PersonMerge._meta
    return (
        q(opts.db_table),
        q(opts.get_field("survivor").column),
        q(opts.get_field("absorbed").column),
        q(opts.get_field("undone_at").column),
    )


def _group_cte(seed_sql: str) -> str:
    """``grp(seed, pid)``: every member ``pid`` of the merge group of each ``seed`` (the seed included).
    ``seed_sql`` selects one column of person ids. UNION (not UNION ALL) stops the walk on cycles."""
    # Only quoted names from the model's metadata and a compiled queryset (with its own params) go in.
    table, survivor, absorbed, undone = _merge_table()
    return (
        f"WITH RECURSIVE seeds(x) AS ({seed_sql}), grp(seed, pid) AS ("  # noqa: S608
        f"SELECT x, x FROM seeds "
        f"UNION "
        f"SELECT g.seed, CASE WHEN m.{survivor} = g.pid THEN m.{absorbed} ELSE m.{survivor} END "
        f"FROM {table} m JOIN grp g ON (m.{survivor} = g.pid OR m.{absorbed} = g.pid) "
        f"WHERE m.{undone} IS NULL)"
    )


def _seed(ids: Iterable[uuid.UUID | str] | QuerySet[Any]) -> tuple[str, tuple[Any, ...]]:
    from amparo.people.models import Person

    if isinstance(ids, QuerySet):
        queryset = ids
    else:
        queryset = Person.objects.filter(pk__in=[_as_uuid(i) for i in ids]).values("pk")
    sql, params = queryset.query.sql_with_params()
    return sql, tuple(params)


def members_of(person_ids: QuerySet[Any]) -> RawSQL:
    """A subquery of every person merged with any person of ``person_ids`` (a ``values()`` queryset of one
    column of person ids), those included: ``Case.objects.filter(person_id__in=members_of(...))`` follows
    merges inside the same SQL statement, with no extra query."""
    seed_sql, params = _seed(person_ids)
    return RawSQL(f"{_group_cte(seed_sql)} SELECT DISTINCT pid FROM grp", params)  # noqa: S608, S611


@dataclass(frozen=True)
class Group:
    canonical: uuid.UUID  # the surviving record: the earliest registration, never absorbed
    members: frozenset[uuid.UUID]


def groups_of(person_ids: Iterable[uuid.UUID | str]) -> dict[uuid.UUID, Group]:
    """The merge group of each person, in one query. A person without merges is a group of one."""
    ids = {_as_uuid(i) for i in person_ids}
    if not ids:
        return {}
    table, _survivor, absorbed, undone = _merge_table()
    seed_sql, params = _seed(ids)
    sql = (
        f"{_group_cte(seed_sql)} SELECT g.seed, g.pid, EXISTS(SELECT 1 FROM {table} a "  # noqa: S608
        f"WHERE a.{absorbed} = g.pid AND a.{undone} IS NULL) FROM grp g"
    )
    members: dict[uuid.UUID, set[uuid.UUID]] = {i: {i} for i in ids}
    canonical: dict[uuid.UUID, uuid.UUID] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for seed, pid, is_absorbed in cursor.fetchall():
            seed_id, member = _as_uuid(seed), _as_uuid(pid)
            members.setdefault(seed_id, {seed_id}).add(member)
            if not is_absorbed:
                canonical[seed_id] = member
    return {i: Group(canonical.get(i, i), frozenset(members[i])) for i in members if i in ids}


def canonical_id(person_id: uuid.UUID | str) -> uuid.UUID:
    """The surviving person of the merges ``person_id`` takes part in (itself if none)."""
    pid = _as_uuid(person_id)
    return groups_of([pid])[pid].canonical


def group_ids(person_id: uuid.UUID | str) -> set[uuid.UUID]:
    """Every record merged into the same person (the person itself included)."""
    pid = _as_uuid(person_id)
    return set(groups_of([pid])[pid].members)
