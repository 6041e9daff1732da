"""One active case per person and institution: a double-clicked "Open a case" does not number two cases."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.translation import gettext

from amparo.cases import services
from amparo.cases.models import Case, CaseCounter
from amparo.core.exceptions import ValidationFailed
from tests.conftest import login, make_person

TODAY = timezone.localdate()
ALREADY_OPEN = "This person already has an open case in your institution."


def _close(world, case: Case) -> None:
    services.screening_record(actor=world.actor("caseworker"), case_id=case.pk, answers={})
    services.case_request_closure(actor=world.actor("caseworker"), case_id=case.pk, reason="No es víctima de trata")
    services.case_review_closure(actor=world.actor("supervisor"), case_id=case.pk, approve=True)


@pytest.mark.django_db
def test_a_second_active_case_is_refused_without_its_number(world, english) -> None:
    person = make_person(world.actor("caseworker"), date_of_birth=TODAY.replace(year=TODAY.year - 30))
    first = services.case_open(actor=world.actor("caseworker"), person_id=person.pk)
    # Another member of the institution (who may not be on the first case's team) is refused the same way.
    with pytest.raises(ValidationFailed) as exc:
        services.case_open(actor=world.actor("supervisor"), person_id=person.pk)
    assert exc.value.errors == {"person": [ALREADY_OPEN]}
    assert first.number not in str(exc.value.errors)
    assert Case.objects.filter(person=person).count() == 1
    assert CaseCounter.objects.get(organization=world.home, year=TODAY.year).last == 1  # no number used up


@pytest.mark.django_db
def test_a_closed_case_does_not_block_a_new_one_and_is_not_reopened_beside_it(world, english) -> None:
    actor = world.actor("caseworker")
    person = make_person(actor, date_of_birth=TODAY.replace(year=TODAY.year - 30))
    old = services.case_open(actor=actor, person_id=person.pk)
    _close(world, old)
    new = services.case_open(actor=actor, person_id=person.pk)
    assert new.pk != old.pk and new.number != old.number
    with pytest.raises(ValidationFailed) as exc:
        services.case_transition(actor=actor, case_id=old.pk, to_status="assistance", reason="Nueva denuncia")
    assert exc.value.errors == {"person": [ALREADY_OPEN]}
    old.refresh_from_db()
    assert old.status == "closed"


@pytest.mark.django_db
def test_the_open_button_twice_shows_the_reason_on_the_person_page(world) -> None:
    person = make_person(world.actor("caseworker"), date_of_birth=TODAY.replace(year=TODAY.year - 30))
    client = login(Client(), world.user("caseworker"))
    assert client.post(f"/cases/open/{person.pk}/").status_code == 302
    again = client.post(f"/cases/open/{person.pk}/", follow=True)
    assert again.status_code == 200
    assert again.redirect_chain[-1][0] == f"/persons/{person.pk}/"
    assert gettext(ALREADY_OPEN) in again.content.decode()
    assert Case.objects.filter(person=person).count() == 1


@pytest.mark.django_db
def test_the_api_answers_400_to_a_second_active_case(world) -> None:
    person = make_person(world.actor("caseworker"), date_of_birth=TODAY.replace(year=TODAY.year - 30))
    client = login(Client(), world.user("caseworker"))
    first = client.post("/api/v1/cases/", {"person_id": str(person.pk)}, content_type="application/json")
    assert first.status_code == 201
    again = client.post("/api/v1/cases/", {"person_id": str(person.pk)}, content_type="application/json")
    assert again.status_code == 400
    error = again.json()["error"]
    assert error["code"] == "validation_error" and error["fields"] == {"person": [gettext(ALREADY_OPEN)]}
    assert first.json()["number"] not in again.content.decode()
    assert Case.objects.filter(person=person).count() == 1
