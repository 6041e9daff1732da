"""Authorization matrix of the justice app.

Objects: a complaint received by the home institution; an investigation led by the home prosecutor with
the home investigator on its team; a PLANNED operation of that investigation whose only member is the home
prosecutor (its lead): everybody else, the investigator of the same team included, gets 404; a witness
under protection whose team is the home prosecutor.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from amparo.accounts.roles import Perm, Role, role_has
from amparo.justice import court_services, operation_services, protection_services, services
from tests.conftest import make_person
from tests.matrix import Case, by_perm, own_object


def investigation_team(perm: str, ok: int = 200) -> Callable[[str, str], int]:
    def expect(role: str, where: str) -> int:
        if not role_has(role, perm):
            return 403
        return ok if where == "home" and role in (Role.PROSECUTOR, Role.INVESTIGATOR) else 404

    return expect


def lead_only(perm: str, ok: int = 200, team_status: int = 403) -> Callable[[str, str], int]:
    """The home prosecutor leads; the rest of the team gets ``team_status``; anybody else 404."""

    def expect(role: str, where: str) -> int:
        if not role_has(role, perm):
            return 403
        if where == "home" and role == Role.PROSECUTOR:
            return ok
        return team_status if where == "home" and role == Role.INVESTIGATOR else 404

    return expect


def compartment(perm: str, ok: int = 200) -> Callable[[str, str], int]:
    """A planned operation: its lead only; everybody else with the permission 404 (no existence leak)."""

    def expect(role: str, where: str) -> int:
        if not role_has(role, perm):
            return 403
        return ok if where == "home" and role == Role.PROSECUTOR else 404

    return expect


def complaint_recorder(role: str, where: str) -> int:
    """Without a receiving institution a complaint goes to the recorder's own, which only those who see its
    complaints may choose (justice.permissions.complaint_receivers): a hotline operator is asked for one."""
    if not role_has(role, Perm.COMPLAINT_CREATE):
        return 403
    return 201 if role_has(role, Perm.JUSTICE_VIEW) else 400


def objects(world: Any, base: dict[str, Any]) -> dict[str, Any]:
    today = timezone.localdate()
    prosecutor = world.actor(Role.PROSECUTOR)
    complaint = services.complaint_create(prosecutor, received_on=today, source="walk_in", summary="Bar")
    investigation = services.investigation_open(
        prosecutor,
        summary="Red de trata",
        opened_on=today,
        complaint_ids=[complaint.pk],
        members=[(world.user(Role.INVESTIGATOR).pk, "investigator")],
    )
    evidence = services.evidence_add(
        prosecutor,
        investigation_id=investigation.pk,
        kind="document",
        description="Libro de cuentas",
        collected_on=today,
        holder="Fiscal",
    )
    suspect = services.suspect_add(
        prosecutor,
        investigation_id=investigation.pk,
        person_id=make_person(prosecutor, "Mario", "Gómez").pk,
        role_in_process="Exploiter",
    )
    cooperation = court_services.cooperation_add(
        prosecutor,
        investigation_id=investigation.pk,
        kind="mla",
        direction="outgoing",
        country="MX",
        requested_on=today,
        suspect_id=suspect.pk,
    )
    operation = operation_services.operation_plan(
        prosecutor,
        investigation_id=investigation.pk,
        codename="Luna",
        objective="Allanamiento",
        planned_for=today + datetime.timedelta(days=2),
    )
    witness = services.witness_add(
        prosecutor, investigation_id=investigation.pk, person_id=make_person(prosecutor, "Lucía", "Tzul").pk
    )
    protected = make_person(prosecutor, "Rosa", "Caal")
    services.witness_add(prosecutor, investigation_id=investigation.pk, person_id=protected.pk)
    protection = protection_services.witness_protect(prosecutor, person_id=protected.pk, started_on=today)
    from amparo.justice import prosecution_services
    from amparo.law.selectors import article_by_ref

    article = article_by_ref("penal-code:202 Ter")
    assert article is not None
    charge = prosecution_services.charge_file(
        prosecutor,
        investigation_id=investigation.pk,
        suspect_id=suspect.pk,
        article_id=article.pk,
        offence_date=today - datetime.timedelta(days=30),
        filed_on=today,
    )
    return {
        "charge": charge,
        "complaint": complaint,
        "investigation": investigation,
        "evidence": evidence,
        "cooperation": cooperation,
        "operation": operation,
        "witness": witness,
        "protection": protection,
    }


def _inv(o: dict[str, Any]) -> str:
    return f"/justice/{o['investigation'].pk}/"


def _op(o: dict[str, Any]) -> str:
    return f"/justice/operations/{o['operation'].pk}/"


CASES = [
    Case("justice:list", "get", lambda o: "/justice/?suspect_name=Mario", by_perm(Perm.JUSTICE_VIEW)),
    Case("justice:export", "get", lambda o: "/justice/export.csv", by_perm(Perm.JUSTICE_VIEW, 302)),
    Case("justice:new", "get", lambda o: "/justice/new/", by_perm(Perm.JUSTICE_EDIT)),
    Case("justice:complaints", "get", lambda o: "/justice/complaints/", by_perm(Perm.JUSTICE_VIEW)),
    Case("justice:complaint_new", "get", lambda o: "/justice/complaints/new/", by_perm(Perm.COMPLAINT_CREATE)),
    Case(
        "justice:complaint",
        "get",
        lambda o: f"/justice/complaints/{o['complaint'].pk}/",
        own_object(Perm.JUSTICE_VIEW),
    ),
    Case(
        "justice:complaint_cases",
        "post",
        lambda o: f"/justice/complaints/{o['complaint'].pk}/cases/",
        own_object(Perm.JUSTICE_EDIT, 302),
    ),
    Case("justice:detail", "get", _inv, investigation_team(Perm.JUSTICE_VIEW)),
    Case(
        "justice:complaint_attach",
        "get",
        lambda o: _inv(o) + "complaints/add/",
        investigation_team(Perm.JUSTICE_EDIT),
    ),
    Case("justice:detail", "get", lambda o: _inv(o) + "?tab=operations", investigation_team(Perm.JUSTICE_VIEW)),
    Case("justice:status", "post", lambda o: _inv(o) + "status/", investigation_team(Perm.JUSTICE_EDIT, 302)),
    Case("justice:team", "get", lambda o: _inv(o) + "team/", lead_only(Perm.JUSTICE_EDIT)),
    Case("justice:place_new", "get", lambda o: _inv(o) + "places/new/", investigation_team(Perm.JUSTICE_EDIT)),
    Case("justice:suspect_new", "get", lambda o: _inv(o) + "suspects/new/", investigation_team(Perm.JUSTICE_EDIT)),
    Case("justice:witness_new", "get", lambda o: _inv(o) + "witnesses/new/", investigation_team(Perm.JUSTICE_EDIT)),
    Case("justice:victim_new", "get", lambda o: _inv(o) + "victims/new/", investigation_team(Perm.JUSTICE_EDIT)),
    Case("justice:evidence_new", "get", lambda o: _inv(o) + "evidence/new/", investigation_team(Perm.JUSTICE_EDIT)),
    Case("justice:arrest_new", "get", lambda o: _inv(o) + "arrests/new/", investigation_team(Perm.JUSTICE_EDIT)),
    Case("justice:court_event_new", "get", lambda o: _inv(o) + "court/new/", investigation_team(Perm.JUSTICE_EDIT)),
    Case(
        "justice:cooperation_new",
        "get",
        lambda o: _inv(o) + "cooperation/new/",
        investigation_team(Perm.JUSTICE_EDIT),
    ),
    Case(
        "justice:operation_new",
        "get",
        lambda o: _inv(o) + "operations/new/",
        investigation_team(Perm.OPERATION_CREATE),
    ),
    Case(
        "justice:custody_new",
        "post",
        lambda o: f"/justice/evidence/{o['evidence'].pk}/custody/",
        investigation_team(Perm.JUSTICE_EDIT, 302),
    ),
    Case(
        "justice:cooperation_status",
        "post",
        lambda o: f"/justice/cooperation/{o['cooperation'].pk}/status/",
        investigation_team(Perm.JUSTICE_EDIT, 302),
    ),
    Case("justice:charge_new", "get", lambda o: _inv(o) + "charges/new/", investigation_team(Perm.JUSTICE_EDIT)),
    Case(
        "justice:charge", "get", lambda o: f"/justice/charges/{o['charge'].pk}/", investigation_team(Perm.JUSTICE_VIEW)
    ),
    Case(
        "justice:verdict",
        "post",
        lambda o: f"/justice/charges/{o['charge'].pk}/verdict/",
        investigation_team(Perm.JUSTICE_EDIT, 400),
    ),
    Case(
        "justice:sentence",
        "post",
        lambda o: f"/justice/charges/{o['charge'].pk}/sentence/",
        investigation_team(Perm.JUSTICE_EDIT, 400),
    ),
    Case("justice:operation", "get", _op, compartment(Perm.JUSTICE_VIEW)),
    Case("justice:operation_access_log", "get", lambda o: _op(o) + "access-log/", compartment(Perm.JUSTICE_VIEW)),
    Case("justice:operation_members", "get", lambda o: _op(o) + "members/", compartment(Perm.JUSTICE_EDIT)),
    Case("justice:operation_execute", "post", lambda o: _op(o) + "execute/", compartment(Perm.JUSTICE_EDIT, 302)),
    Case("justice:operation_cancel", "post", lambda o: _op(o) + "cancel/", compartment(Perm.JUSTICE_EDIT, 302)),
    Case("justice:operation_screening", "get", lambda o: _op(o) + "screening/", compartment(Perm.JUSTICE_EDIT)),
    Case("justice:witnesses", "get", lambda o: "/justice/witnesses/", by_perm(Perm.WITNESS_PROTECT)),
    Case(
        "justice:witness_protect",
        "get",
        lambda o: f"/justice/witnesses/{o['witness'].pk}/protect/",
        lead_only(Perm.WITNESS_PROTECT),
    ),
    Case(
        "justice:protection",
        "get",
        lambda o: f"/justice/protection/{o['protection'].pk}/",
        compartment(Perm.WITNESS_PROTECT),
    ),
    Case(
        "justice:protection_end",
        "post",
        lambda o: f"/justice/protection/{o['protection'].pk}/end/",
        compartment(Perm.WITNESS_PROTECT, 302),
    ),
    Case("api:complaints", "get", lambda o: "/api/v1/complaints/", by_perm(Perm.JUSTICE_VIEW)),
    Case(
        "api:complaints",
        "post",
        lambda o: "/api/v1/complaints/",
        complaint_recorder,
        {"received_on": "2025-01-10", "source": "hotline", "summary": "Llamada"},
    ),
    Case(
        "api:complaint",
        "get",
        lambda o: f"/api/v1/complaints/{o['complaint'].pk}/",
        own_object(Perm.JUSTICE_VIEW),
    ),
    Case("api:investigations", "get", lambda o: "/api/v1/investigations/", by_perm(Perm.JUSTICE_VIEW)),
    Case(
        "api:investigation",
        "get",
        lambda o: f"/api/v1/investigations/{o['investigation'].pk}/",
        investigation_team(Perm.JUSTICE_VIEW),
    ),
    Case("api:operation", "get", lambda o: f"/api/v1/operations/{o['operation'].pk}/", compartment(Perm.JUSTICE_VIEW)),
]
