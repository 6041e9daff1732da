"""Canonical form and hashing of audit events (one place, used by writing and verifying)."""

from __future__ import annotations

import datetime
import hashlib
import json
from typing import Any

GENESIS = "0" * 64


def canonical(
    *,
    seq: int,
    created_at: datetime.datetime,
    actor_id: int | None,
    actor_username: str,
    organization_id: int | None,
    role: str,
    action: str,
    target_type: str,
    target_id: str,
    request_id: str,
    details: Any,
) -> bytes:
    created = created_at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    body = [
        seq,
        created,
        actor_id,
        actor_username,
        organization_id,
        role,
        action,
        target_type,
        target_id,
        request_id,
        details,
    ]
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def link_hash(prev_hash: str, canonical_bytes: bytes) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + canonical_bytes).hexdigest()
