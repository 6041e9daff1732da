"""Reads of notifications: a user only ever reads their own."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from amparo.accounts.models import Membership, User

from .models import Notification


def reachable_recipients(users: Iterable[User | None], *, organization_id: int | None = None) -> list[User]:
    """The users among these who still work in Amparo: active accounts with an active role in an active
    institution (in ``organization_id`` when the caller knows which institution the notice concerns). Those
    who left (role removed, account deactivated) are dropped; the order is kept and duplicates removed."""
    candidates: dict[int, User] = {}
    for user in users:
        if user is not None and user.pk is not None and user.is_active and user.pk not in candidates:
            candidates[user.pk] = user
    if not candidates:
        return []
    memberships = Membership.objects.filter(
        user_id__in=list(candidates), is_active=True, user__is_active=True, organization__is_active=True
    )
    if organization_id is not None:
        memberships = memberships.filter(organization_id=organization_id)
    still_here = set(memberships.values_list("user_id", flat=True))
    return [user for pk, user in candidates.items() if pk in still_here]


def unread_count(*, user: Any) -> int:
    """How many unread notifications the user has (0 for anonymous users). One indexed COUNT."""
    if user is None or not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()


def notifications_for(*, user: Any, limit: int = 50) -> list[Notification]:
    """The user's latest notifications, newest first."""
    if user is None or not user.is_authenticated:
        return []
    return list(Notification.objects.filter(recipient_id=user.pk).order_by("-created_at", "-pk")[:limit])
