"""Writes of notifications. The system notifies; a user marks their own notifications read."""

from __future__ import annotations

import functools
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from amparo.accounts.actor import Actor
from amparo.accounts.models import User
from amparo.core.exceptions import NotFound

from .kinds import is_safe_target, is_valid_kind
from .models import Notification
from .selectors import reachable_recipients
from .tasks import send_notification_email


@transaction.atomic
def notify(
    *, recipients: Iterable[User], kind: str, target_url: str, organization_id: int | None = None
) -> list[Notification]:
    """Notify each recipient who still works in Amparo once (an active account with an active role; in
    ``organization_id`` when given: see ``reachable_recipients``); e-mail those with an address after the
    caller's transaction commits (a rolled-back change notifies nobody and sends nothing).

    ``kind`` is a code from ``kinds.py``; ``target_url`` a path inside Amparo (``/referrals/<uuid>/``).
    Both are checked because they end up in e-mails: no names, no free text.
    """
    if not is_valid_kind(kind):
        raise ValueError("A notification kind must be a short code such as 'referral.received'.")
    if not is_safe_target(target_url):
        raise ValueError("A notification target must be a path inside Amparo such as '/referrals/<id>/'.")
    now = timezone.now()
    created: list[Notification] = []
    for user in reachable_recipients(recipients, organization_id=organization_id):
        notification = Notification.objects.create(recipient=user, kind=kind, target_url=target_url, created_at=now)
        created.append(notification)
        if user.email:
            transaction.on_commit(
                functools.partial(send_notification_email.enqueue, notification_id=notification.pk), robust=True
            )
    return created


@transaction.atomic
def notification_mark_read(*, actor: Actor, notification_id: int) -> Notification:
    """Mark one of the actor's own notifications read; anybody else's is NotFound (404)."""
    notification = Notification.objects.filter(pk=notification_id, recipient_id=actor.user_pk).first()
    if notification is None:
        raise NotFound()
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def notifications_mark_all_read(*, actor: Actor) -> int:
    """Mark every unread notification of the actor read; returns how many changed."""
    return Notification.objects.filter(recipient_id=actor.user_pk, read_at__isnull=True).update(read_at=timezone.now())
