from __future__ import annotations

from django.http import HttpRequest

from amparo.accounts.selectors import user_requires_two_factor

from .selectors import unread_count


def unread(request: HttpRequest) -> dict[str, int | None]:
    """``unread_notifications``: the signed-in user's unread count for the bell, or None when there is no
    bell to show (anonymous, or the second factor is still to be passed)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": None}
    verified = getattr(user, "is_verified", lambda: False)()
    if not verified and user_requires_two_factor(user=user):  # type: ignore[arg-type]
        return {"unread_notifications": None}
    return {"unread_notifications": unread_count(user=user)}
