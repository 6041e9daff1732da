from __future__ import annotations

from django.http import HttpRequest

from amparo.accounts.roles import Perm

from .permissions import is_hotline_staff


def hotline(request: HttpRequest) -> dict[str, bool]:
    """``hotline_staff``: whether to show the Hotline menu entry (a participating call center's staff)."""
    actor = getattr(request, "actor", None)
    if actor is None or not actor.has(Perm.HOTLINE_TAKE):
        return {"hotline_staff": False}
    return {"hotline_staff": is_hotline_staff(actor)}
