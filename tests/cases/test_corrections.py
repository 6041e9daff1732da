"""Corrections found by the audit of the case screens (each test failed before its fix)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from amparo.audit.models import AuditEvent
from amparo.cases import services
from amparo.cases.models import CarePlan, Case
from amparo.cases.services import PlannedServiceInput
from amparo.core.exceptions import StaleEdit, ValidationFailed
from amparo.people.forms import PersonForm
from amparo.people.services import person_update
from amparo.people.validation import PersonInput
from tests.conftest import login, make_person

TODAY = timezone.localdate()


def _years_ago(years: int):
    return TODAY.replace(year=TODAY.year - years, day=min(TODAY.day, 28))


def _correct_age(world, person, **age) -> None:
    data = PersonForm.initial_from(person)
    person_update(
        actor=world.actor("caseworker"),
        person_id=person.pk,
        expected_version=person.version,
        data=PersonInput(
            given_names=person.given_names,
            surnames=person.surnames,
            documents=[],
            **{k: data[k] for k in ("gender", "people")},
            **age,
        ),
    )
    person.refresh_from_db()


@pytest.mark.django_db
def test_a_corrected_age_moves_the_case_in_and_out_of_the_minors_protocol(world) -> None:
    actor = world.actor("caseworker")
    person = make_person(actor, age_min=19, age_max=22, documents=[])  # she said she was 19
    case = services.case_open(actor=actor, person_id=person.pk)
    assert not case.minor_protocol and case.age_group == "18-20"
    services.consent_record(actor=actor, case_id=case.pk, scopes=["assistance"], given_by="person", given_on=TODAY)
    # The birth certificate arrives: she is 15. Only a guardian, the PGN attorney or a judge may consent now.
    _correct_age(world, person, date_of_birth=_years_ago(15))
    case.refresh_from_db()
    assert case.minor_protocol and case.age_group == "9-17"
    assert not services.has_consent(case, "assistance")
    with pytest.raises(ValidationFailed) as exc:
        services.consent_record(actor=actor, case_id=case.pk, scopes=["assistance"], given_by="person", given_on=TODAY)
    assert "given_by" in exc.value.errors
    event = AuditEvent.objects.get(action="case.age_corrected", target_id=str(case.pk))
    assert event.details["minor_protocol"] is True
    # The other way: documents show an adult, the presumption ends.
    _correct_age(world, person, date_of_birth=_years_ago(30))
    case.refresh_from_db()
    assert not case.minor_protocol and case.age_group == "30-38"
    assert services.has_consent(case, "assistance")


@pytest.mark.django_db
def test_an_edit_of_other_fields_leaves_the_cases_alone(world) -> None:
    actor = world.actor("caseworker")
    person = make_person(actor, age_min=19, age_max=22, documents=[])
    case = services.case_open(actor=actor, person_id=person.pk)
    version = case.version
    _correct_age(world, person, age_min=19, age_max=22)  # same age, only the documents changed
    case.refresh_from_db()
    assert case.version == version and not AuditEvent.objects.filter(action="case.age_corrected").exists()


def _case_in_assistance(world) -> Case:
    actor = world.actor("caseworker")
    case = services.case_open(actor=actor, person_id=make_person(actor, date_of_birth=_years_ago(25)).pk)
    services.screening_record(actor=actor, case_id=case.pk, answers={})
    return case


@pytest.mark.django_db
def test_two_first_care_plans_written_at_once_do_not_overwrite_each_other(world) -> None:
    case = _case_in_assistance(world)
    first, second = world.actor("caseworker"), world.actor("supervisor")
    plan = [PlannedServiceInput("psychological", world.home.pk)]
    services.care_plan_save(actor=first, case_id=case.pk, goals="Plan de Ana", services=plan, expected_version=None)
    # The second person opened the empty form before the first saved: no version in their form either.
    with pytest.raises(StaleEdit):
        services.care_plan_save(
            actor=second, case_id=case.pk, goals="Plan de Beto", services=plan, expected_version=None
        )
    assert CarePlan.objects.get(case=case).goals == "Plan de Ana"
    # Through the screen: the conflict is shown with the other person's goals, and nothing is saved.
    client = login(Client(), world.user("supervisor"))
    response = client.post(
        f"/cases/{case.pk}/care-plan/", {"goals": "Plan de Beto", "services": ["legal"], "version": ""}
    )
    assert response.status_code == 400 and "Plan de Ana" in response.content.decode()
    assert CarePlan.objects.get(case=case).goals == "Plan de Ana"


@pytest.mark.django_db
def test_the_case_page_shows_an_events_place_and_means_by_name(world, english) -> None:
    case = _case_in_assistance(world)
    services.event_add(
        actor=world.actor("caseworker"),
        case_id=case.pk,
        data=services.EventInput(
            kind="recruitment",
            country="GT",
            department="09",
            municipality="0901",
            means_of_control=["DebtBondage", "WithholdsDocuments"],
            recruiter_relation="Family",
            recruitment_method="JobOffer",
        ),
    )
    page = login(Client(), world.user("caseworker")).get(f"/cases/{case.pk}/").content.decode()
    events = page.split('id="events-title"')[1].split("</section>")[0]
    assert "Quetzaltenango" in events and " · 09" not in events and "0901" not in events
    assert "Debt bondage, Withholds documents" in events and "DebtBondage" not in events
    assert "Family member" in events and "False job offer" in events


@pytest.mark.django_db
def test_a_tampered_case_is_recorded_and_names_the_case_not_the_person(world) -> None:
    from amparo.cases.models import CaseNote

    case = _case_in_assistance(world)
    actor = world.actor("caseworker")
    services.note_add(actor=actor, case_id=case.pk, body="Primera nota")
    services.note_add(actor=actor, case_id=case.pk, body="Segunda nota")
    first, second = CaseNote.objects.filter(case=case).order_by("created_at")
    CaseNote.objects.filter(pk=second.pk).update(
        body=CaseNote.objects.filter(pk=first.pk).values_list("body", flat=True).get()
    )
    response = login(Client(), world.user("caseworker")).get(f"/cases/{case.pk}/")
    page = response.content.decode()
    assert response.status_code == 409 and "Primera nota" not in page
    assert str(case.pk) in page and str(case.person_id) not in page
    assert AuditEvent.objects.filter(action="case.integrity_failed", target_id=str(case.pk)).exists()
