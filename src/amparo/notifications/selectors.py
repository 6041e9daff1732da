"""Reads of notifications: a user only ever reads their own."""

from __future__ import annotations

from typing import Any

from .models import Notification


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
