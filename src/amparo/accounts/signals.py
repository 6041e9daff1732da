"""Audit of sign-in events, wherever authentication happens (forms, admin, tests)."""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from amparo.audit.services import audit_record

from .actor import Actor


def _actor_for(request: Any, user: Any) -> Actor:
    """Sign-in events carry the user's first active membership, so their institution's auditors see them."""
    from .selectors import active_memberships

    membership = active_memberships(user=user).first()
    return Actor(user=user, membership=membership, request_id=getattr(request, "request_id", ""))


@receiver(user_logged_in)
def _on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_record(actor=_actor_for(request, user), action="auth.password_ok", target_type="user", target_id=user.pk)


@receiver(user_logged_out)
def _on_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_record(actor=_actor_for(request, user), action="auth.logout", target_type="user", target_id=user.pk)


@receiver(user_login_failed)
def _on_login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    from .models import User

    username = str(credentials.get("username", ""))
    user = User.objects.filter(username=username).first()
    # An unknown username may be a mistyped password or a person's name: keep only a short hash.
    details = {} if user else {"username_sha256": hashlib.sha256(username.encode()).hexdigest()[:16]}
    # Nobody is signed in: the actor is anonymous, but the targeted account's institution sees the event.
    membership = _actor_for(request, user).membership if user else None
    actor = Actor(user=None, membership=membership, system="anonymous", request_id=getattr(request, "request_id", ""))
    audit_record(
        actor=actor,
        action="auth.login_failed",
        target_type="user" if user else "",
        target_id=user.pk if user else "",
        details=details,
    )
