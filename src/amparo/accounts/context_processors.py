from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .roles import PERMISSION_LABELS, ROLE_TABLE
from .selectors import user_requires_two_factor


def membership(request: HttpRequest) -> dict[str, Any]:
    current = getattr(request, "membership", None)
    perms: frozenset[str] = frozenset()
    user = getattr(request, "user", None)
    verified_or_exempt = user is not None and (
        not user.is_authenticated
        or getattr(user, "is_verified", lambda: False)()
        or not user_requires_two_factor(user=user)
    )
    if current is not None and verified_or_exempt:
        perms = ROLE_TABLE[current.role].permissions if current.role in ROLE_TABLE else frozenset()
    return {
        "current_membership": current,
        "current_perms": perms,
        "permission_labels": PERMISSION_LABELS,
    }
