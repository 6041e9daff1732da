"""The hotline's screens and API in the authorization matrix.

The home institution is made a participating call center; the other institution is not. So the home
operator and supervisor work the shared queue, the other institution's are refused (403 on the queue,
404 on a call: no existence leak), and only the officer alerted for a rescue sees that alert.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from amparo.accounts.roles import Perm, role_has
from amparo.hotline import reference, services
from amparo.hotline.models import Call, CallCenter, DutyShift, RescueAlert
from tests.matrix import Case

FIXED_CODE = "7KQ3M9TZ" + reference.check_character("7KQ3M9TZ")


def staff(perm: str, ok: int = 200) -> Callable[[str, str], int]:
    """A hotline screen: the participating (home) institution's roles with the permission; 403 for others."""
    return lambda role, where: (ok if where == "home" else 403) if role_has(role, perm) else 403


def call_of_queue(perm: str, ok: int = 200) -> Callable[[str, str], int]:
    """A call of the shared queue: home roles with the permission; 404 elsewhere (existence not revealed)."""
    return lambda role, where: (ok if where == "home" else 404) if role_has(role, perm) else 403


def alerted(ok: int = 200) -> Callable[[str, str], int]:
    """The alert goes to the home investigator: other officers who can be alerted get 404."""

    def expect(role: str, where: str) -> int:
        if not role_has(role, Perm.HOTLINE_ALERT):
            return 403
        return ok if (role, where) == ("investigator", "home") else 404

    return expect


def complaint_filer(role: str, where: str) -> int:
    """Filing a complaint: the call's handler (home operator) who may record complaints; other home roles
    of the queue without that right 403; outside the queue 404."""
    if not role_has(role, Perm.HOTLINE_TAKE):
        return 403
    if where != "home":
        return 404
    return 200 if role_has(role, Perm.COMPLAINT_CREATE) else 403


def call_converter(*perms: str) -> Callable[[str, str], int]:
    """The API turning the call into a case or a complaint, sent deliberately bad data so no role converts it
    for the next: 400 (the input refused) means the access checks passed; without the hotline permission 403,
    outside the shared queue 404 (existence not revealed), in the queue without the rights 403."""

    def expect(role: str, where: str) -> int:
        if not role_has(role, Perm.HOTLINE_TAKE):
            return 403
        if where != "home":
            return 404
        return 400 if all(role_has(role, p) for p in perms) else 403

    return expect


CALL_JSON = {
    "channel": "whatsapp",
    "received_at": (datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=1)).isoformat(),
    "language": "kek",
    "caller_type": "relative",
    "category": "information",
    "urgency": "low",
    "summary": "Pregunta por requisitos de denuncia",
}


def objects(world: Any, base: dict[str, Any]) -> dict[str, Any]:
    CallCenter.objects.create(organization=world.home)
    operator = world.actor("hotline_operator")
    call = services.call_record(
        actor=operator,
        data=services.CallInput(
            channel="phone",
            received_at=timezone.now() - datetime.timedelta(minutes=3),
            language="spa",
            caller_type="witness",
            summary="Menores en un bar de la zona 1",
            category="complaint",
            urgency="high",
            department="01",
            municipality="0101",
        ),
    )
    Call.objects.filter(pk=call.pk).update(reference_digest=reference.digest(FIXED_CODE))
    RescueAlert.objects.create(call=call, recipient=world.user("investigator"), duty="police")
    shift = DutyShift.objects.create(
        user=world.user("investigator"),
        organization=world.home,
        duty="police",
        starts_at=timezone.now(),
        ends_at=timezone.now() + datetime.timedelta(hours=8),
        created_by=world.user("supervisor"),
    )
    return {"hotline_call": call, "duty_shift": shift}


CASES: list[Case] = [
    Case("hotline:queue", "get", lambda o: "/hotline/", staff(Perm.HOTLINE_TAKE)),
    Case("hotline:new", "get", lambda o: "/hotline/new/", staff(Perm.HOTLINE_TAKE)),
    Case("hotline:lookup", "get", lambda o: "/hotline/lookup/", staff(Perm.HOTLINE_TAKE)),
    Case("hotline:stats", "get", lambda o: "/hotline/stats/", staff(Perm.HOTLINE_SUPERVISE)),
    Case("hotline:roster", "get", lambda o: "/hotline/roster/", staff(Perm.HOTLINE_TAKE)),
    Case(
        "hotline:roster_remove",
        "post",
        lambda o: f"/hotline/roster/{o['duty_shift'].pk}/remove/",
        call_of_queue(Perm.HOTLINE_SUPERVISE, 302),
    ),
    Case(
        "hotline:detail", "get", lambda o: f"/hotline/calls/{o['hotline_call'].pk}/", call_of_queue(Perm.HOTLINE_TAKE)
    ),
    Case(
        "hotline:take",
        "post",
        lambda o: f"/hotline/calls/{o['hotline_call'].pk}/take/",
        call_of_queue(Perm.HOTLINE_TAKE, 302),
    ),
    Case(
        "hotline:update",
        "post",
        lambda o: f"/hotline/calls/{o['hotline_call'].pk}/update/",
        call_of_queue(Perm.HOTLINE_TAKE, 302),
        {"category": "complaint", "urgency": "medium", "status": "in_progress"},
    ),
    Case(
        "hotline:assign",
        "post",
        lambda o: f"/hotline/calls/{o['hotline_call'].pk}/assign/",
        call_of_queue(Perm.HOTLINE_SUPERVISE, 302),
        {"handler": "0"},
    ),
    Case(
        "hotline:follow_up",
        "get",
        lambda o: f"/hotline/calls/{o['hotline_call'].pk}/follow-up/",
        call_of_queue(Perm.HOTLINE_TAKE),
    ),
    Case(
        "hotline:case",
        "get",
        lambda o: f"/hotline/calls/{o['hotline_call'].pk}/case/",
        call_of_queue(Perm.HOTLINE_TAKE),
    ),
    Case("hotline:complaint", "get", lambda o: f"/hotline/calls/{o['hotline_call'].pk}/complaint/", complaint_filer),
    Case("hotline:alert", "get", lambda o: f"/hotline/alerts/{o['hotline_call'].pk}/", alerted()),
    Case("hotline:alert_ack", "post", lambda o: f"/hotline/alerts/{o['hotline_call'].pk}/ack/", alerted(302)),
    Case("api:hotline_calls", "get", lambda o: "/api/v1/hotline/calls/?tab=urgent", staff(Perm.HOTLINE_TAKE)),
    Case("api:hotline_calls", "post", lambda o: "/api/v1/hotline/calls/", staff(Perm.HOTLINE_TAKE, 201), CALL_JSON),
    Case(
        "api:hotline_call_case",
        "post",
        lambda o: f"/api/v1/hotline/calls/{o['hotline_call'].pk}/case/",
        call_converter(Perm.CASE_CREATE, Perm.PERSON_CREATE),
        {"given_names": "", "age_min": -1},
    ),
    Case(
        "api:hotline_call_complaint",
        "post",
        lambda o: f"/api/v1/hotline/calls/{o['hotline_call'].pk}/complaint/",
        call_converter(Perm.COMPLAINT_CREATE),
        {"receiving_org": "la fiscalía"},
    ),
    Case(
        "api:hotline_lookup",
        "post",
        lambda o: "/api/v1/hotline/lookup/",
        staff(Perm.HOTLINE_TAKE),
        {"code": reference.display(FIXED_CODE)},
    ),
]
