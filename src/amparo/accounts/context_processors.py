from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .roles import PERMISSION_LABELS, ROLE_TABLE


def membership(request: HttpRequest) -> dict[str, Any]:
    current = getattr(request, "membership", None)
    perms: frozenset[str] = frozenset()
    if current is not None:
        perms = ROLE_TABLE[current.role].permissions if current.role in ROLE_TABLE else frozenset()
    return {
        "current_membership": current,
        "current_perms": perms,
        "permission_labels": PERMISSION_LABELS,
    }
