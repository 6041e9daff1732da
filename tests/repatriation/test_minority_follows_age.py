"""A repatriation in progress follows the person's age: a person found (or presumed) to be a minor gets the
minor's steps; found to be an adult again, the minor's steps not yet done go; what was recorded stays.
A completed or cancelled repatriation does not change."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from amparo.audit.models import AuditEvent
from amparo.core.exceptions import NotFound, ValidationFailed
from amparo.notifications.models import Notification
from amparo.people.forms import PersonForm
from amparo.people.models import Person
from amparo.people.services import person_update
from amparo.people.validation import PersonInput
from amparo.repatriation import selectors, services
from amparo.repatriation.models import Repatriation, RepatriationStatus, StepState
from amparo.repatriation.protocol import PartyRole

from .helpers import case_for, complete, current_code, member, org, start

TODAY = timezone.localdate()
MINOR_STEPS = ["best_interest", "family_assessment"]


def _years_ago(years: int):
    return TODAY.replace(year=TODAY.year - years, day=min(TODAY.day, 28))


def _correct_age(world: Any, person: Person, **age: Any) -> None:
    """The case team corrects the person's age (a birth certificate, a new estimate)."""
    person.refresh_from_db()
    data = PersonForm.initial_from(person)
    person_update(
        actor=world.actor("caseworker"),
        person_id=person.pk,
        expected_version=person.version,
        data=PersonInput(
            given_names=person.given_names,
            surnames=person.surnames,
            documents=[],
            **{k: data[k] for k in ("gender", "people", "nationalities")},
            **age,
        ),
    )


def _codes(repatriation: Repatriation) -> list[str]:
    return list(repatriation.steps.order_by("position").values_list("code", flat=True))


def _states(repatriation: Repatriation) -> dict[str, str]:
    return dict(repatriation.steps.values_list("code", "state"))


def _snapshot(repatriation: Repatriation) -> tuple[Any, ...]:
    steps = list(repatriation.steps.order_by("position").values_list("code", "state", "due_date", "done_at"))
    return steps, sorted(repatriation.parties.values_list("role", "organization_id"))


def _minor_events(repatriation: Repatriation) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="repatriation.minor_changed", target_id=str(repatriation.pk)))


@pytest.mark.django_db
def test_found_to_be_a_minor_midway_adds_the_minor_steps_and_keeps_the_records(world) -> None:
    team = world.actor("caseworker")
    sbs = world.actor("caseworker", "other")  # the children's welfare institution: not a party for an adult
    case = case_for(world, minor=False)
    repatriation = start(world, case)
    adult_codes = _codes(repatriation)
    assert not repatriation.minor and not set(MINOR_STEPS) & set(adult_codes)
    complete(team, repatriation, "consular_interview", note="Entrevista en Tapachula")
    complete(team, repatriation, "travel_document")
    assert current_code(repatriation) == "minex_coordination"
    with pytest.raises(NotFound):
        selectors.repatriation_get_for_view(actor=sbs, repatriation_id=repatriation.pk)

    _correct_age(world, case.person, date_of_birth=_years_ago(15))  # the birth certificate: she is 15

    repatriation.refresh_from_db()
    assert repatriation.minor
    codes = _codes(repatriation)
    assert codes == [
        "consular_interview",
        "travel_document",
        "minex_coordination",
        "best_interest",
        "family_assessment",
        "reception_conditions",
        "pdh_notice",
        "port_reception",
        "health_assessment",
        "handover",
    ]
    assert list(repatriation.steps.order_by("position").values_list("position", flat=True)) == list(
        range(1, len(codes) + 1)
    )
    # What was recorded stays; the step open stays open (the minor's steps come right after it).
    interview = repatriation.steps.get(code="consular_interview")
    assert interview.state == StepState.DONE and interview.note == "Entrevista en Tapachula"
    assert current_code(repatriation) == "minex_coordination"
    states = _states(repatriation)
    assert states["best_interest"] == states["family_assessment"] == StepState.PENDING
    assert repatriation.steps.get(code="best_interest").organization == org("pgn")
    assert repatriation.steps.get(code="family_assessment").organization == org("sbs")
    roles = set(repatriation.parties.values_list("role", flat=True))
    assert {PartyRole.PGN, PartyRole.SBS} <= roles
    # SBS now takes part, and was told.
    assert selectors.repatriation_get_for_view(actor=sbs, repatriation_id=repatriation.pk).repatriation.minor
    assert Notification.objects.filter(recipient=sbs.user, kind="repatriation.notice").exists()
    # Audited, without identifying data.
    (event,) = _minor_events(repatriation)
    assert event.details == {"minor": True, "steps_added": MINOR_STEPS, "steps_removed": []}
    assert "Valeria" not in str(event.details) and str(case.person.date_of_birth) not in str(event.details)
    # The protocol goes on with the minor's steps: PGN's assessment opens next, and a minor is not
    # handed over to independent living.
    complete(member("minex", "consular_officer"), repatriation, "minex_coordination")
    assert current_code(repatriation) == "best_interest"
    # A new estimate that keeps her a minor changes nothing more.
    _correct_age(world, case.person, date_of_birth=_years_ago(16))
    assert len(_minor_events(repatriation)) == 1 and len(_codes(repatriation)) == len(codes)


@pytest.mark.django_db
def test_found_to_be_a_minor_after_the_assessments_place_they_come_first(world) -> None:
    """The minor's assessments precede the rest of the return: when their place has passed, they come next
    and the step that was open waits; the hand-over cannot skip them."""
    team = world.actor("caseworker")
    case = case_for(world, minor=False)
    repatriation = start(world, case, receiving="sbs")
    for code in ("consular_interview", "travel_document", "minex_coordination"):
        complete(team, repatriation, code)
    assert current_code(repatriation) == "reception_conditions"
    pgn = member("pgn", "pgn_attorney")

    _correct_age(world, case.person, age_min=16, age_max=19)  # could be under 18: presumed a minor

    repatriation.refresh_from_db()
    assert repatriation.minor and current_code(repatriation) == "best_interest"
    waiting = repatriation.steps.get(code="reception_conditions")
    assert waiting.state == StepState.PENDING and waiting.opened_at is None
    best_interest = repatriation.steps.get(code="best_interest")
    assert best_interest.due_date is not None and best_interest.opened_at is not None
    assert Notification.objects.filter(recipient=pgn.user, kind="repatriation.step_opened").exists()
    with pytest.raises(ValidationFailed):  # in order: the receiving institution waits for the assessments
        complete(world.actor("shelter_staff", "other"), repatriation, "reception_conditions")
    complete(pgn, repatriation, "best_interest")
    assert current_code(repatriation) == "family_assessment"


@pytest.mark.django_db
def test_an_adult_again_loses_the_minor_steps_not_done_and_keeps_the_records(world, settings, tmp_path) -> None:
    settings.AMPARO_ATTACHMENTS_DIR = tmp_path
    team = world.actor("caseworker")
    sbs = world.actor("caseworker", "other")
    pgn = member("pgn", "pgn_attorney")
    case = case_for(world, minor=True)
    repatriation = start(world, case)
    assert repatriation.minor and set(MINOR_STEPS) <= set(_codes(repatriation))
    for code in ("consular_interview", "travel_document", "minex_coordination"):
        complete(team, repatriation, code)
    done = complete(pgn, repatriation, "best_interest", note="Informe PGN", file_name="informe.txt", file_data=b"x")
    assert current_code(repatriation) == "family_assessment"  # SBS's turn

    _correct_age(world, case.person, date_of_birth=_years_ago(30))  # documents show an adult

    repatriation.refresh_from_db()
    case.refresh_from_db()
    assert not case.minor_protocol and not repatriation.minor
    codes = _codes(repatriation)
    assert "family_assessment" not in codes  # not done: removed
    kept = repatriation.steps.get(code="best_interest")  # done: kept with its record and file
    assert kept.pk == done.pk and kept.state == StepState.DONE and kept.note == "Informe PGN"
    assert kept.attachment_id == done.attachment_id is not None
    assert codes[:4] == ["consular_interview", "travel_document", "minex_coordination", "best_interest"]
    assert current_code(repatriation) == "reception_conditions"  # the next adult step opened
    assert repatriation.steps.get(code="reception_conditions").due_date is not None
    # PGN recorded a step: it stays a party and sees its record. SBS did nothing: it no longer takes part.
    roles = set(repatriation.parties.values_list("role", flat=True))
    assert PartyRole.PGN in roles and PartyRole.SBS not in roles
    view = selectors.repatriation_get_for_view(actor=pgn, repatriation_id=repatriation.pk)
    assert next(r for r in view.steps if r.step.code == "best_interest").step.note == "Informe PGN"
    with pytest.raises(NotFound):
        selectors.repatriation_get_for_view(actor=sbs, repatriation_id=repatriation.pk)
    (event,) = _minor_events(repatriation)
    assert event.details == {"minor": False, "steps_added": [], "steps_removed": ["family_assessment"]}
    # An adult's hand-over no longer waits for a family assessment.
    receiving = member("sobrevivientes")
    for code in ("reception_conditions", "pdh_notice", "port_reception", "health_assessment"):
        complete(team, repatriation, code)
    complete(receiving, repatriation, "handover", destination="independent")
    repatriation.refresh_from_db()
    assert repatriation.status == RepatriationStatus.COMPLETED


@pytest.mark.django_db
def test_a_finished_repatriation_does_not_change(world) -> None:
    team = world.actor("caseworker")
    case = case_for(world, minor=False)
    cancelled = start(world, case)
    services.repatriation_cancel(actor=team, repatriation_id=cancelled.pk, reason="Decidió quedarse")
    completed = start(world, case)
    while current_code(completed) != "handover":
        complete(team, completed, current_code(completed))
    complete(member("sobrevivientes"), completed, "handover", destination="independent")
    before = {r.pk: _snapshot(r) for r in (cancelled, completed)}

    _correct_age(world, case.person, date_of_birth=_years_ago(15))

    case.refresh_from_db()
    assert case.minor_protocol  # the case follows the age...
    for repatriation in (cancelled, completed):  # ...finished repatriations do not
        repatriation.refresh_from_db()
        assert not repatriation.minor
        assert _snapshot(repatriation) == before[repatriation.pk]
        assert _minor_events(repatriation) == []
    assert {r.status for r in Repatriation.objects.filter(case=case)} == {"cancelled", "completed"}
