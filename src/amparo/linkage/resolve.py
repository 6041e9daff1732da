"""Which person a record resolves to after merges. Readers of other apps call these (cases, referrals and
justice records follow the merged person without any change to their tables)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from .models import PersonMerge

_MAX_CHAIN = 100


def _as_uuid(value: uuid.UUID | str) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def canonical_id(person_id: uuid.UUID | str) -> uuid.UUID:
    """The surviving person of the merges ``person_id`` takes part in (itself if none)."""
    current = _as_uuid(person_id)
    for _ in range(_MAX_CHAIN):
        survivor = (
            PersonMerge.objects.filter(absorbed_id=current, undone_at__isnull=True)
            .values_list("survivor_id", flat=True)
            .first()
        )
        if survivor is None:
            return current
        current = survivor
    return current


def group_ids(person_id: uuid.UUID | str) -> set[uuid.UUID]:
    """Every record merged into the same person (the person itself included)."""
    root = canonical_id(person_id)
    group = {root}
    frontier: Iterable[uuid.UUID] = [root]
    for _ in range(_MAX_CHAIN):
        absorbed = set(
            PersonMerge.objects.filter(survivor_id__in=list(frontier), undone_at__isnull=True).values_list(
                "absorbed_id", flat=True
            )
        )
        absorbed -= group
        if not absorbed:
            break
        group |= absorbed
        frontier = absorbed
    return group
