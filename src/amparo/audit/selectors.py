from __future__ import annotations

import datetime
from typing import Any

from django.db.models import QuerySet

from amparo.accounts.actor import Actor
from amparo.accounts.roles import Perm
from amparo.core.exceptions import PermissionDenied

from .compartments import hidden_events
from .models import AuditEvent


def audit_events_for(*, actor: Actor, filters: dict[str, Any]) -> QuerySet[AuditEvent]:
    """The trail of the auditor's institution (it holds no identities); filters: action prefix, actor,
    target, dates. Events of other institutions stay with their own auditors, and events about
    compartmented records the auditor may not know of (audit/compartments.py) are left out."""
    if not actor.has(Perm.AUDIT_VIEW):
        raise PermissionDenied()
    events = (
        AuditEvent.objects.filter(organization_id=actor.organization_id).exclude(hidden_events(actor)).order_by("-seq")
    )
    if filters.get("action"):
        events = events.filter(action__startswith=filters["action"])
    if filters.get("actor"):
        events = events.filter(actor_username=filters["actor"])
    if filters.get("target_type"):
        events = events.filter(target_type=filters["target_type"])
    if filters.get("target_id"):
        events = events.filter(target_id=filters["target_id"])
    if filters.get("organization_id"):
        events = events.filter(organization_id=filters["organization_id"])
    if isinstance(filters.get("date_from"), datetime.date):
        events = events.filter(created_at__date__gte=filters["date_from"])
    if isinstance(filters.get("date_to"), datetime.date):
        events = events.filter(created_at__date__lte=filters["date_to"])
    return events
