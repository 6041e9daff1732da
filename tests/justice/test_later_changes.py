"""What changes after a record is made, through the screens: a later complaint joins an investigation, victim
cases are linked to a complaint, a witness's protection ends. Each saves, says so and audits; bad input or a
user outside saves nothing."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from amparo.accounts.roles import Role
from amparo.audit.models import AuditEvent
from amparo.cases.services import case_open
from amparo.justice import services
from amparo.justice.models import Complaint, ProtectedWitness
from amparo.justice.protection import shown_person
from amparo.justice.protection_services import witness_protect
from tests.conftest import login, make_person

from .conftest import LAST_YEAR, TODAY, open_investigation

pytestmark = pytest.mark.django_db


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_a_later_complaint_joins_the_investigation(world, investigation) -> None:
    prosecutor = world.actor(Role.PROSECUTOR)
    later = services.complaint_create(prosecutor, received_on=TODAY, source="hotline", summary="Same bar again")
    client = login(Client(), world.user(Role.INVESTIGATOR))  # a team member, not the lead
    url = f"/justice/{investigation.pk}/complaints/add/"
    page = client.get(url)
    assert page.status_code == 200 and later.number in page.content.decode()
    assert investigation.complaints.get().number not in page.content.decode()  # already in the file
    response = client.post(url, {"complaint": str(later.pk)})
    assert response.status_code == 302 and response["Location"].endswith("?tab=overview")
    assert "Complaint added to the investigation." in _messages(response)
    assert Complaint.objects.get(pk=later.pk).investigation_id == investigation.pk
    event = AuditEvent.objects.filter(action="investigation.complaint").get()
    assert event.details == {"complaint": str(later.pk)}
    assert later.number in client.get(f"/justice/{investigation.pk}/").content.decode()


def test_a_complaint_of_another_investigation_or_institution_cannot_be_added(world, investigation) -> None:
    other_file = open_investigation(world)  # the lead's second file, with its own complaint
    taken = other_file.complaints.get()
    elsewhere = services.complaint_create(
        world.actor(Role.PROSECUTOR, "other"), received_on=TODAY, source="walk_in", summary="Another institution's"
    )
    client = login(Client(), world.user(Role.PROSECUTOR))
    url = f"/justice/{investigation.pk}/complaints/add/"
    for complaint in (taken, elsewhere):
        response = client.post(url, {"complaint": str(complaint.pk)})
        assert response.status_code == 400  # not among the choices: the form again, with the error
        assert Complaint.objects.get(pk=complaint.pk).investigation_id != investigation.pk
    outsider = login(Client(), world.user(Role.PROSECUTOR, "other"))
    assert outsider.get(url).status_code == 404
    assert not AuditEvent.objects.filter(action="investigation.complaint").exists()


def test_victim_cases_are_linked_to_a_complaint_after_it_was_recorded(world) -> None:
    prosecutor = world.actor(Role.PROSECUTOR)
    complaint = services.complaint_create(prosecutor, received_on=TODAY, source="walk_in", summary="A bar")
    case = case_open(actor=prosecutor, person_id=make_person(prosecutor).pk)
    client = login(Client(), world.user(Role.PROSECUTOR))
    url = f"/justice/complaints/{complaint.pk}/cases/"
    response = client.post(url, {"case_numbers": "NO-SUCH-1"})
    assert response["Location"] == f"/justice/complaints/{complaint.pk}/"
    assert "Link only victim cases of your team." in _messages(response) and not complaint.cases.exists()
    response = client.post(url, {"case_numbers": case.number})
    assert "Victim cases linked to the complaint." in _messages(response)
    assert list(complaint.cases.all()) == [case]
    assert AuditEvent.objects.filter(action="complaint.link_cases", target_id=str(complaint.pk)).exists()
    outsider = login(Client(), world.user(Role.PROSECUTOR, "other"))
    assert outsider.post(url, {"case_numbers": case.number}).status_code == 404


@pytest.fixture
def protection(world, investigation) -> ProtectedWitness:
    prosecutor = world.actor(Role.PROSECUTOR)
    person = make_person(prosecutor, "Lucía Fernanda", "Tzul Batz")
    services.witness_add(prosecutor, investigation_id=investigation.pk, person_id=person.pk)
    return witness_protect(prosecutor, person_id=person.pk, started_on=LAST_YEAR)


def test_the_protection_team_ends_a_protection_and_the_name_is_shown_again(world, protection) -> None:
    investigator = world.actor(Role.INVESTIGATOR)
    assert shown_person(investigator, protection.person).hidden
    client = login(Client(), world.user(Role.PROSECUTOR))
    url = f"/justice/protection/{protection.pk}/end/"
    page = client.get(f"/justice/protection/{protection.pk}/").content.decode()
    assert "End the protection" in page
    for bad in ({}, {"ended_on": (LAST_YEAR.replace(year=LAST_YEAR.year - 1)).isoformat()}):
        response = client.post(url, bad)
        assert response["Location"] == f"/justice/protection/{protection.pk}/"
        assert _messages(response)[-1] in (
            "Give the date the protection ended.",
            "Protection cannot end before it started.",
        )
        assert ProtectedWitness.objects.get(pk=protection.pk).ended_on is None
    response = client.post(url, {"ended_on": TODAY.isoformat()})
    assert "Protection ended: the witness's name is shown again." in _messages(response)
    assert ProtectedWitness.objects.get(pk=protection.pk).ended_on == TODAY
    assert AuditEvent.objects.filter(action="witness.end", target_id=str(protection.pk)).exists()
    assert not shown_person(investigator, protection.person).hidden
    page = client.get(f"/justice/protection/{protection.pk}/").content.decode()
    assert "End the protection" not in page and "Protection ended on" in page


def test_outside_the_protection_team_ending_it_is_not_found_and_changes_nothing(world, protection) -> None:
    for role, where in ((Role.PROSECUTOR, "other"), (Role.INVESTIGATOR, "home")):
        client = login(Client(), world.user(role, where))
        response = client.post(f"/justice/protection/{protection.pk}/end/", {"ended_on": TODAY.isoformat()})
        assert response.status_code == (404 if role == Role.PROSECUTOR else 403)
    assert ProtectedWitness.objects.get(pk=protection.pk).ended_on is None
