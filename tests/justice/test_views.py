"""The investigation's small forms through the screens: what each saves, where it goes back to, and that an
invalid form or a refusal saves nothing and says why (the views share two helpers)."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.utils import timezone

from amparo.accounts.roles import Role
from amparo.justice import services
from amparo.justice.models import Arrest, Cooperation, CourtEvent, CustodyEntry, Investigation
from tests.conftest import login, make_person

from .conftest import TODAY

pytestmark = pytest.mark.django_db


def _message(response) -> str:
    """The newest message (unread ones of earlier redirects stay in the session)."""
    return [str(m) for m in get_messages(response.wsgi_request)][-1]


@pytest.fixture
def team(world, investigation):
    prosecutor = world.actor(Role.PROSECUTOR)
    suspect = services.suspect_add(
        prosecutor,
        investigation_id=investigation.pk,
        person_id=make_person(prosecutor, "Mario", "Gómez").pk,
        role_in_process="Exploiter",
    )
    evidence = services.evidence_add(
        prosecutor,
        investigation_id=investigation.pk,
        kind="document",
        description="Libro de cuentas",
        collected_on=TODAY,
        holder="Fiscal",
    )
    return {"client": login(Client(), world.user(Role.INVESTIGATOR)), "suspect": suspect, "evidence": evidence}


def test_status_form(investigation, team) -> None:
    client = team["client"]
    url = f"/justice/{investigation.pk}/status/"
    response = client.post(url, {"status": "prosecution"})
    assert response.status_code == 302 and response["Location"].endswith("?tab=overview")
    assert _message(response) == "Status changed."
    response = client.post(url, {"status": "sideways"})
    assert response["Location"].endswith("?tab=overview") and _message(response) == "Choose a valid status."
    assert Investigation.objects.get(pk=investigation.pk).status == "prosecution"


def test_custody_form(investigation, team) -> None:
    client = team["client"]
    url = f"/justice/evidence/{team['evidence'].pk}/custody/"
    before = CustodyEntry.objects.count()
    response = client.post(
        url,
        {"action": "stored", "at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "holder": "Almacén de evidencias"},
    )
    assert response.status_code == 302 and response["Location"].endswith("?tab=evidence")
    assert _message(response) == "Chain of custody updated."
    assert CustodyEntry.objects.count() == before + 1
    response = client.post(url, {"action": "stored", "at": "", "holder": ""})
    assert response["Location"].endswith("?tab=evidence") and _message(response) == "Fill in the custody entry."
    assert CustodyEntry.objects.count() == before + 1


def test_arrest_court_event_and_cooperation_forms(investigation, team) -> None:
    client = team["client"]
    suspect = team["suspect"]
    base = f"/justice/{investigation.pk}/"
    response = client.post(base + "arrests/new/", {"suspect": str(suspect.pk), "arrested_on": TODAY.isoformat()})
    assert response.status_code == 302 and response["Location"].endswith("?tab=suspects")
    arrest = Arrest.objects.get()
    assert arrest.suspect == suspect and arrest.with_warrant is False and arrest.department == ""
    refused = client.post(base + "arrests/new/", {"suspect": "", "arrested_on": TODAY.isoformat()})
    assert refused.status_code == 400 and Arrest.objects.count() == 1

    response = client.post(
        base + "court/new/", {"kind": "first_statement", "date": TODAY.isoformat(), "court": "Juzgado B", "suspect": ""}
    )
    assert response.status_code == 302 and response["Location"].endswith("?tab=court")
    event = CourtEvent.objects.get()
    assert event.suspect is None and event.court == "Juzgado B" and _message(response) == "Court event recorded."
    before_complaint = client.post(
        base + "court/new/",
        {"kind": "indictment", "date": "2000-01-01", "court": "Juzgado B", "suspect": str(suspect.pk)},
    )
    assert before_complaint.status_code == 400 and CourtEvent.objects.count() == 1

    response = client.post(
        base + "cooperation/new/",
        {
            "kind": "extradition",
            "direction": "outgoing",
            "country": "MX",
            "requested_on": TODAY.isoformat(),
            "suspect": str(suspect.pk),
            "notes": "",
        },
    )
    assert response.status_code == 302 and response["Location"].endswith("?tab=court")
    cooperation = Cooperation.objects.get()
    assert cooperation.suspect == suspect and cooperation.status == "requested"

    url = f"/justice/cooperation/{cooperation.pk}/status/"
    response = client.post(url, {"status": "in_progress", "status_on": TODAY.isoformat()})
    assert response["Location"].endswith("?tab=court") and _message(response) == "Status changed."
    response = client.post(url, {"status": "in_progress", "status_on": ""})
    assert _message(response) == "Choose the status and its date."
    tomorrow = (TODAY + datetime.timedelta(days=1)).isoformat()
    client.post(url, {"status": "granted", "status_on": tomorrow})  # a future date: refused by the service
    assert Cooperation.objects.get(pk=cooperation.pk).status == "in_progress"


def test_the_forms_are_for_the_team_only(world, investigation, team) -> None:
    outsider = login(Client(), world.user(Role.INVESTIGATOR, "other"))
    base = f"/justice/{investigation.pk}/"
    assert outsider.post(base + "status/", {"status": "closed"}).status_code == 404
    assert outsider.post(f"/justice/evidence/{team['evidence'].pk}/custody/", {}).status_code == 404
    assert outsider.get(base + "arrests/new/").status_code == 404
    assert Investigation.objects.get(pk=investigation.pk).status == "open"
