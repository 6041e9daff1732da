"""Writing and verifying the audit trail."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.utils import timezone

from .chain import GENESIS, canonical, link_hash
from .middleware import current_request_id
from .models import AuditEvent, AuditHead

if TYPE_CHECKING:
    from amparo.accounts.actor import Actor

# Details may hold codes, counts, ids and field names, never values typed by users.
_ALLOWED_DETAIL_TYPES = (bool, int, float, type(None))


def _check_details(details: Mapping[str, Any]) -> None:
    """Refuse free text in audit details: only short codes, numbers and lists of field names.

    This is the guard that keeps identities out of the trail: a name can only get here as a string,
    and strings are limited to identifier-like codes.
    """
    for key, value in details.items():
        values = value if isinstance(value, list | tuple) else [value]
        for item in values:
            if isinstance(item, _ALLOWED_DETAIL_TYPES):
                continue
            if isinstance(item, str) and len(item) <= 64 and all(c.isalnum() or c in "_-.:" for c in item):
                continue
            raise ValueError(f"Audit detail {key!r} must be a code, number or field name, not free text.")


@transaction.atomic
def audit_record(
    *,
    actor: Actor,
    action: str,
    target_type: str = "",
    target_id: object = "",
    details: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Append one event, in the caller's transaction (so it commits or rolls back with the change)."""
    details = dict(details or {})
    _check_details(details)
    head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
    fields: dict[str, Any] = {
        "seq": head.seq + 1,
        "created_at": timezone.now(),
        "actor_id": actor.user_id,
        "actor_username": actor.username,
        "organization_id": actor.organization_id,
        "role": actor.role,
        "action": action,
        "target_type": target_type,
        "target_id": str(target_id) if target_id is not None else "",
        "request_id": actor.request_id or current_request_id.get(),
        "details": details,
    }
    # Round-trip the details through JSON so the hash is computed on what the database returns.
    fields["details"] = json.loads(json.dumps(details))
    digest = link_hash(head.hash, canonical(**fields))
    event = AuditEvent.objects.create(prev_hash=head.hash, hash=digest, **fields)
    head.seq = fields["seq"]
    head.hash = digest
    head.save(update_fields=["seq", "hash"])
    return event


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    head_seq: int
    head_hash: str
    broken_seq: int | None = None
    reason: str = ""


_COLUMNS = (
    "seq",
    "created_at",
    "actor_id",
    "actor_username",
    "organization_id",
    "role",
    "action",
    "target_type",
    "target_id",
    "request_id",
    "details",
    "prev_hash",
    "hash",
)


def _iter_events(*, until: int, batch: int = 20000) -> Iterator[tuple[Any, ...]]:
    """Stream events up to ``until`` by seq with keyset pagination (constant memory on SQLite and PostgreSQL)."""
    last = -1
    while True:
        rows = list(
            AuditEvent.objects.filter(seq__gt=last, seq__lte=until).order_by("seq").values_list(*_COLUMNS)[:batch]
        )
        if not rows:
            return
        yield from rows
        last = rows[-1][0]


def audit_verify(*, expected_head: Mapping[str, Any] | None = None) -> VerifyResult:
    """Walk the chain and report the first broken link (edit, deletion, insertion or reordering).

    The head is read first and the walk stops there: events appended while verifying (the application
    keeps writing) belong to the next verification, not to a false alarm.
    """
    head = AuditHead.objects.filter(pk=1).first()
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS)
    prev = GENESIS
    expected_seq = 1
    checked = 0
    seen_expected_head = expected_head is None
    for row in _iter_events(until=head_seq):
        seq, created, actor_id, username, org_id, role, action, ttype, tid, rid, details, prev_hash, h = row
        if seq != expected_seq:
            kind = "missing events (deleted)" if seq > expected_seq else "out of order"
            return VerifyResult(False, checked, seq, h, expected_seq, f"sequence gap: {kind}")
        if prev_hash != prev:
            return VerifyResult(
                False, checked, seq, h, seq, "previous-hash link broken (deleted, inserted or reordered)"
            )
        body = canonical(
            seq=seq,
            created_at=created,
            actor_id=actor_id,
            actor_username=username,
            organization_id=org_id,
            role=role,
            action=action,
            target_type=ttype,
            target_id=tid,
            request_id=rid,
            details=details,
        )
        if link_hash(prev, body) != h:
            return VerifyResult(False, checked, seq, h, seq, "content does not match its hash (edited)")
        if expected_head is not None and seq == expected_head.get("seq"):
            if h != expected_head.get("hash"):
                return VerifyResult(False, checked, seq, h, seq, "differs from the exported chain head")
            seen_expected_head = True
        prev = h
        expected_seq += 1
        checked += 1
    if head_seq != checked or head_hash != prev:
        return VerifyResult(False, checked, checked, prev, checked + 1, "events after this one were deleted")
    if not seen_expected_head:
        return VerifyResult(False, checked, checked, prev, checked + 1, "the exported chain head is missing")
    return VerifyResult(True, checked, checked, prev)


def audit_head_export() -> dict[str, Any]:
    head = AuditHead.objects.filter(pk=1).first()
    return {
        "seq": head.seq if head else 0,
        "hash": head.hash if head else GENESIS,
        "exported_at": timezone.now().isoformat(),
        "database_vendor": connection.vendor,
    }


def load_head(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text())
    return data
