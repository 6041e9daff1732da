"""Compartment secrecy and witness pseudonymisation through every door: screens, search, counts, API,
export. A non-member's responses are the same (bar CSRF tokens) with or without the operation."""

from __future__ import annotations

import datetime
import re
import uuid

import pytest
from django.test import Client

from amparo.accounts.decorators import REAUTH_SESSION_KEY
from amparo.accounts.roles import Role
from amparo.audit.models import AuditEvent
from amparo.justice import operation_services as ops
from amparo.justice import services
from amparo.justice.models import OperationAccess
from amparo.justice.protection_services import witness_protect
from tests.conftest import login, make_person

from .conftest import LAST_YEAR, TODAY

pytestmark = pytest.mark.django_db
# What differs between any two responses: CSRF tokens and the request id shown on error pages.
CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"|"X-CSRFToken": "[^"]+"|<code>[^<]*</code>')


def _client(world, role, where="home", reauth=False) -> Client:
    client = login(Client(), world.user(role, where))
    if reauth:
        import time

        session = client.session
        session[REAUTH_SESSION_KEY] = time.time()
        session.save()
    return client


def _doors(investigation) -> list[str]:
    return [
        "/justice/",
        "/justice/?status=open",
        f"/justice/{investigation.pk}/",
        f"/justice/{investigation.pk}/?tab=operations",
        f"/justice/{investigation.pk}/?tab=suspects",
        "/justice/export.csv",
        "/api/v1/investigations/",
        f"/api/v1/investigations/{investigation.pk}/",
    ]


def _snapshot(client: Client, urls: list[str]) -> dict[str, tuple[int, bytes]]:
    result = {}
    for url in urls:
        response = client.get(url)
        body = CSRF.sub(b"", response.content)
        result[url] = (response.status_code, body)
    return result


@pytest.mark.parametrize("role,where", [(Role.INVESTIGATOR, "home"), (Role.PROSECUTOR, "other")])
def test_a_non_member_cannot_learn_that_a_planned_operation_exists(world, investigation, role, where):
    if where == "other":  # a colleague of another institution on the investigation's team
        services.investigation_set_team(
            world.actor(Role.PROSECUTOR),
            investigation_id=investigation.pk,
            members=[(world.user(Role.INVESTIGATOR).pk, "investigator"), (world.user(role, where).pk, "prosecutor")],
        )
    client = _client(world, role, where, reauth=True)
    before = _snapshot(client, _doors(investigation))
    operation = ops.operation_plan(
        world.actor(Role.PROSECUTOR),
        investigation_id=investigation.pk,
        codename="Eclipse Total",
        objective="Raid the night club at 23:00",
        planned_for=TODAY + datetime.timedelta(days=2),
    )
    after = _snapshot(client, _doors(investigation))
    for url in before:
        if before[url] != after[url]:
            import difflib

            diff = difflib.unified_diff(
                before[url][1].decode().splitlines(), after[url][1].decode().splitlines(), lineterm=""
            )
            raise AssertionError(url + "\n" + "\n".join(diff))
    assert before == after
    for _status, body in after.values():
        assert b"Eclipse" not in body
    # asking for it directly: exactly the answer for an id that does not exist
    missing = uuid.uuid4()
    for template in ("/justice/operations/{}/", "/justice/operations/{}/access-log/", "/api/v1/operations/{}/"):
        real, fake = client.get(template.format(operation.pk)), client.get(template.format(missing))
        assert real.status_code == fake.status_code == 404
        real_body = CSRF.sub(b"", real.content).replace(str(operation.pk).encode(), b"ID")
        assert real_body == CSRF.sub(b"", fake.content).replace(str(missing).encode(), b"ID")
    for template in ("/justice/operations/{}/execute/", "/justice/operations/{}/cancel/"):
        assert client.post(template.format(operation.pk)).status_code == 404
    operation.refresh_from_db()
    assert operation.status == "planned"
    # every attempt is in the lead's access log, refused
    refused = OperationAccess.objects.filter(operation=operation, granted=False, user=world.user(role, where))
    assert refused.count() == 5
    lead = _client(world, Role.PROSECUTOR)
    log = lead.get(f"/justice/operations/{operation.pk}/access-log/")
    assert log.status_code == 200
    assert world.user(role, where).username.encode() in log.content


def test_members_see_it_and_after_execution_the_team_does(world, investigation):
    operation = ops.operation_plan(
        world.actor(Role.PROSECUTOR),
        investigation_id=investigation.pk,
        codename="Eclipse Total",
        objective="Raid",
        planned_for=TODAY,
        member_ids=[],
    )
    lead = _client(world, Role.PROSECUTOR)
    assert b"Eclipse Total" in lead.get(f"/justice/{investigation.pk}/?tab=operations").content
    assert lead.get(f"/api/v1/operations/{operation.pk}/").json()["codename"] == "Eclipse Total"
    ops.operation_execute(world.actor(Role.PROSECUTOR), operation_id=operation.pk)
    team = _client(world, Role.INVESTIGATOR)
    assert b"Eclipse Total" in team.get(f"/justice/{investigation.pk}/?tab=operations").content
    assert team.get(f"/justice/operations/{operation.pk}/").status_code == 200
    # but the compartment's work stays with its members
    assert team.get(f"/justice/operations/{operation.pk}/screening/").status_code == 404


def test_one_step_screening_screen_creates_the_cases(world, investigation):
    operation = ops.operation_plan(
        world.actor(Role.PROSECUTOR),
        investigation_id=investigation.pk,
        codename="Alba",
        objective="R",
        planned_for=TODAY,
    )
    lead = _client(world, Role.PROSECUTOR)
    response = lead.post(f"/justice/operations/{operation.pk}/execute/", {"outcome": "Two girls found"})
    assert response.status_code == 302 and response["Location"].endswith("/screening/")
    data = {
        "found-TOTAL_FORMS": "2",
        "found-INITIAL_FORMS": "0",
        "found-0-given_names": "Marisol",
        "found-0-gender": "Feminine",
        "found-0-age_min": "14",
        "found-0-age_max": "16",
        "found-0-indicators": ["ilo_ec_sexual_services", "ilo_deception"],
        "found-1-given_names": "Pedro",
        "found-1-gender": "Masculine",
        "found-1-age_min": "35",
        "found-1-age_max": "45",
    }
    response = lead.post(f"/justice/operations/{operation.pk}/screening/", data)
    assert response.status_code == 302
    assert investigation.victims.count() == 1
    page = lead.get(f"/justice/operations/{operation.pk}/").content.decode()
    assert "Marisol" in page and "presumed victim" in page


@pytest.fixture
def protected(world, investigation):
    prosecutor = world.actor(Role.PROSECUTOR)
    person = make_person(prosecutor, "Lucía Fernanda", "Tzul Batz", gender="Feminine", nationalities=["GT"])
    services.witness_add(prosecutor, investigation_id=investigation.pk, person_id=person.pk)
    suspect_person = make_person(prosecutor, "Juan Carlos", "Ixcoy")
    services.suspect_add(
        prosecutor, investigation_id=investigation.pk, person_id=suspect_person.pk, role_in_process="Recruiter"
    )
    protection = witness_protect(prosecutor, person_id=person.pk, started_on=LAST_YEAR, whereabouts="Casa segura 7")
    # the cooperating suspect is protected too
    protect_suspect = witness_protect(prosecutor, person_id=suspect_person.pk, started_on=LAST_YEAR)
    return person, protection, suspect_person, protect_suspect


def test_outside_the_protection_team_everything_shows_the_pseudonym(world, investigation, protected):
    person, protection, suspect_person, protect_suspect = protected
    client = _client(world, Role.INVESTIGATOR, reauth=True)  # on the investigation's team, not the protection's
    pages = [
        f"/justice/{investigation.pk}/?tab=suspects",
        f"/api/v1/investigations/{investigation.pk}/",
        "/justice/export.csv",
    ]
    for url in ("/persons/?name=Tzul Batz", "/api/v1/persons/?name=Tzul Batz"):  # the query itself is echoed
        body = client.get(url).content.decode()
        assert "Lucía" not in body and "Fernanda" not in body and str(person.pk) not in body
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        for secret in ("Lucía", "Tzul", "Juan Carlos", "Ixcoy", "Casa segura", str(person.pk), str(suspect_person.pk)):
            assert secret not in body, (url, secret)
    html = client.get(f"/justice/{investigation.pk}/?tab=suspects").content.decode()
    assert protection.pseudonym in html and protect_suspect.pseudonym in html
    api = client.get(f"/api/v1/investigations/{investigation.pk}/").json()
    assert api["witnesses"][0] == {
        "id": None,
        "name": protection.pseudonym,
        "protected": True,
        "pseudonym": protection.pseudonym,
        "gender": "",
        "nationalities": [],
        "age_low": None,
        "age_high": None,
    }
    assert api["suspects"][0]["person"]["name"] == protect_suspect.pseudonym
    assert protection.pseudonym in client.get("/justice/export.csv").content.decode()
    assert client.get(f"/persons/{person.pk}/").status_code == 404
    assert client.get(f"/api/v1/persons/{person.pk}/").status_code == 404
    assert client.get(f"/justice/protection/{protection.pk}/").status_code == 403  # not witness.protect


def test_the_protection_team_sees_the_identity_and_whereabouts(world, investigation, protected):
    _person, protection, _s, _p = protected
    client = _client(world, Role.PROSECUTOR)
    assert "Lucía Fernanda Tzul Batz" in client.get(f"/justice/{investigation.pk}/?tab=suspects").content.decode()
    page = client.get(f"/justice/protection/{protection.pk}/").content.decode()
    assert "Casa segura 7" in page
    assert "Lucía" in client.get("/justice/witnesses/").content.decode()
    other = _client(world, Role.PROSECUTOR, "other")
    assert other.get(f"/justice/protection/{protection.pk}/").status_code == 404


def test_court_event_before_the_complaint_is_refused_on_the_screen(world, investigation):
    client = _client(world, Role.PROSECUTOR)
    response = client.post(
        f"/justice/{investigation.pk}/court/new/",
        {"kind": "first_statement", "date": (LAST_YEAR - datetime.timedelta(days=5)).isoformat(), "court": "Juzgado"},
    )
    assert response.status_code == 400
    assert "before the complaint" in response.content.decode()
    assert not investigation.court_events.exists()


def test_the_hotline_records_a_complaint_through_the_api(world):
    from amparo.organizations.models import Organization

    mp = Organization.objects.get(code="mp")
    client = _client(world, Role.HOTLINE_OPERATOR)
    response = client.post(
        "/api/v1/complaints/",
        {"received_on": TODAY.isoformat(), "source": "hotline", "summary": "Llamada urgente", "receiving_org": mp.pk},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["number"].startswith("MP-DEN-")
    assert "summary" not in response.json()


def test_the_audit_trail_does_not_reveal_a_planned_operation_to_auditors(world, investigation):
    """Audit events name their target by id: before the raid, the institution's auditors do not see the
    events about it (so the trail cannot tell them it exists); after the raid they see every access,
    including those before it, which is how a leak is traced."""
    lead = world.actor(Role.PROSECUTOR)
    operation = ops.operation_plan(
        lead,
        investigation_id=investigation.pk,
        codename="Eclipse Total",
        objective="Raid the night club at 23:00",
        planned_for=TODAY + datetime.timedelta(days=2),
    )
    ops.operation_set_members(lead, operation_id=operation.pk, member_ids=[world.user(Role.INVESTIGATOR).pk])
    auditor = _client(world, Role.AUDITOR)
    searches = ["/audit/", "/audit/?action=operation", f"/audit/?target_type=operation&target_id={operation.pk}"]
    for url in searches:
        response = auditor.get(url)
        assert response.status_code == 200
        # (the filter form echoes the id typed in, so look at the rows)
        rows = response.content.split(b"<tbody", 1)[-1]
        assert str(operation.pk).encode() not in rows
        assert b"operation.plan" not in rows and b"operation.members" not in rows
    # the events are in the trail all the same, and the investigation's own events still show
    assert AuditEvent.objects.filter(target_type="operation", target_id=str(operation.pk)).count() == 3
    assert b"investigation.open" in auditor.get("/audit/?action=investigation").content
    # after the raid
    ops.operation_execute(lead, operation_id=operation.pk, outcome="Three persons found")
    after = auditor.get(f"/audit/?target_type=operation&target_id={operation.pk}").content
    for action in (b"operation.plan", b"operation.members", b"operation.execute"):
        assert action in after
