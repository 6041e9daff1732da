"""Who works the shared hotline queue: staff of a participating call center with a hotline permission.

The queue is shared by every participating institution (the call centers work together), so a call's
content is visible to all of them, but only to them: everybody else gets 403 on the queue and 404 on a
call. An officer alerted for an urgent rescue sees that one alert (see ``alert_for``).
"""

from __future__ import annotations

import uuid

from django.db.models import QuerySet

from amparo.accounts.actor import Actor
from amparo.accounts.roles import Perm

from .models import Call, CallCenter, RescueAlert


def call_center_of(actor: Actor) -> CallCenter | None:
    """The actor's call center if their institution takes part (and, if the center names a unit, the
    actor belongs to it or to no unit, as an institution-wide supervisor does)."""
    if actor.membership is None:
        return None
    center = CallCenter.objects.filter(organization_id=actor.org_pk, is_active=True).first()
    if center is None:
        return None
    if center.unit_id and actor.membership.unit_id not in (None, center.unit_id):
        return None
    return center


def is_hotline_staff(actor: Actor) -> bool:
    return actor.has(Perm.HOTLINE_TAKE) and call_center_of(actor) is not None


def is_hotline_supervisor(actor: Actor) -> bool:
    return actor.has(Perm.HOTLINE_SUPERVISE) and call_center_of(actor) is not None


def calls_visible_to(actor: Actor) -> QuerySet[Call]:
    if not is_hotline_staff(actor):
        return Call.objects.none()
    return Call.objects.filter(organization__in=CallCenter.objects.values("organization"))


def can_view_call(actor: Actor, call: Call) -> bool:
    return is_hotline_staff(actor) and CallCenter.objects.filter(organization_id=call.organization_id).exists()


def can_work_call(actor: Actor, call: Call) -> bool:
    """The handler (or anyone, while nobody has taken it) and the hotline supervisors."""
    if not can_view_call(actor, call):
        return False
    return actor.has(Perm.HOTLINE_SUPERVISE) or call.handler_id in (None, actor.user_pk)


def can_open_case_from(actor: Actor, call: Call) -> bool:
    """Register the person and open a victim case from the call (screen, API and service alike)."""
    return can_work_call(actor, call) and actor.has(Perm.CASE_CREATE) and actor.has(Perm.PERSON_CREATE)


def can_file_complaint_from(actor: Actor, call: Call) -> bool:
    """Record the call as a complaint (denuncia): operators and hotline supervisors who may work the call."""
    return can_work_call(actor, call) and actor.has(Perm.COMPLAINT_CREATE)


def alert_for(actor: Actor, call_id: uuid.UUID | str) -> RescueAlert | None:
    if not actor.has(Perm.HOTLINE_ALERT):
        return None
    return RescueAlert.objects.filter(call_id=call_id, recipient_id=actor.user_pk).select_related("call").first()
