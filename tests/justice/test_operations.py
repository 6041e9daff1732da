"""Compartmented operations: before execution only named members know they exist; every access is
logged for the lead; after execution the persons found become cases in one step."""

from __future__ import annotations

import datetime

import pytest

from amparo.accounts.roles import Role
from amparo.audit.models import AuditEvent
from amparo.cases.models import Case, Screening
from amparo.core.exceptions import NotFound, PermissionDenied, ValidationFailed
from amparo.justice import operation_services as ops
from amparo.justice.models import OperationAccess
from amparo.justice.selectors import (
    investigation_get_for_view,
    operation_access_log,
    operation_get_for_view,
)
from amparo.people.models import Person

from .conftest import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def operation(world, investigation):
    # planned by the prosecutor (lead) with nobody else: the investigator of the same team is NOT a member
    return ops.operation_plan(
        world.actor(Role.PROSECUTOR),
        investigation_id=investigation.pk,
        codename="Luna Nueva",
        objective="Enter the bar at 22:00",
        planned_for=TODAY + datetime.timedelta(days=3),
    )


def test_a_planned_operation_is_invisible_to_the_rest_of_the_team(world, investigation, operation):
    investigator = world.actor(Role.INVESTIGATOR)
    view = investigation_get_for_view(actor=investigator, investigation_id=investigation.pk)
    assert view.operations == []
    with pytest.raises(NotFound):
        operation_get_for_view(actor=investigator, operation_id=operation.pk)
    lead_view = investigation_get_for_view(actor=world.actor(Role.PROSECUTOR), investigation_id=investigation.pk)
    assert lead_view.operations == [operation]


def test_accesses_and_attempts_are_logged_for_the_lead(world, operation):
    investigator = world.actor(Role.INVESTIGATOR)
    with pytest.raises(NotFound):
        operation_get_for_view(actor=investigator, operation_id=operation.pk)
    lead = world.actor(Role.PROSECUTOR)
    operation_get_for_view(actor=lead, operation_id=operation.pk)
    _op, log = operation_access_log(actor=lead, operation_id=operation.pk)
    rows = {(a.user.username, a.action, a.granted) for a in log}
    assert ("home-investigator", "view", False) in rows
    assert ("home-prosecutor", "view", True) in rows
    assert AuditEvent.objects.filter(action="operation.denied", target_id=str(operation.pk)).count() == 1


def test_only_the_lead_sees_the_access_log(world, operation):
    ops.operation_set_members(
        world.actor(Role.PROSECUTOR), operation_id=operation.pk, member_ids=[world.user(Role.INVESTIGATOR).pk]
    )
    member = world.actor(Role.INVESTIGATOR)
    assert operation_get_for_view(actor=member, operation_id=operation.pk).is_member
    with pytest.raises(PermissionDenied):
        operation_access_log(actor=member, operation_id=operation.pk)


def test_after_execution_the_team_sees_it_and_found_persons_become_cases_in_one_step(world, investigation, operation):
    lead = world.actor(Role.PROSECUTOR)
    ops.operation_execute(lead, operation_id=operation.pk, outcome="Three persons found")
    investigator = world.actor(Role.INVESTIGATOR)
    assert investigation_get_for_view(actor=investigator, investigation_id=investigation.pk).operations == [operation]
    assert operation_get_for_view(actor=investigator, operation_id=operation.pk).is_member is False
    # still outside the compartment for any write
    with pytest.raises(NotFound):
        ops.operation_screen_found(investigator, operation_id=operation.pk, found=[ops.FoundPerson("X")])
    victim_answers = {"ilo_deception": "yes", "ilo_documents": "yes", "ilo_ec_earnings_taken": "yes"}
    result = ops.operation_screen_found(
        lead,
        operation_id=operation.pk,
        found=[
            ops.FoundPerson("Marisol", "Xol", gender="Feminine", age_min=15, age_max=17, answers=victim_answers),
            ops.FoundPerson("Brenda", "Ical", gender="Feminine", age_min=22, age_max=25, answers=victim_answers),
            ops.FoundPerson("Carlos", "Méndez", gender="Masculine", age_min=30, age_max=40, answers={}),
        ],
    )
    assert len(result.findings) == 3
    assert [f.presumed_victim for f in result.findings] == [True, True, False]
    assert len(result.cases) == 2
    assert Case.objects.count() == 2
    assert Screening.objects.filter(case__in=result.cases).count() == 2
    assert set(investigation.victims.values_list("case_id", flat=True)) == {c.pk for c in result.cases}
    assert all(c.minor_protocol for c in result.cases[:1])


def test_screening_is_all_or_nothing(world, operation):
    lead = world.actor(Role.PROSECUTOR)
    ops.operation_execute(lead, operation_id=operation.pk)
    persons = Person.objects.count()
    with pytest.raises(ValidationFailed):
        ops.operation_screen_found(
            lead,
            operation_id=operation.pk,
            found=[ops.FoundPerson("Ana", answers={"ilo_debt": "yes"}), ops.FoundPerson("", answers={})],
        )
    assert Person.objects.count() == persons
    assert Case.objects.count() == 0


def test_screening_before_execution_is_refused(world, operation):
    with pytest.raises(ValidationFailed) as exc:
        ops.operation_screen_found(
            world.actor(Role.PROSECUTOR), operation_id=operation.pk, found=[ops.FoundPerson("A")]
        )
    assert "status" in exc.value.errors


def test_members_must_be_justice_users(world, investigation):
    with pytest.raises(ValidationFailed):
        ops.operation_plan(
            world.actor(Role.PROSECUTOR),
            investigation_id=investigation.pk,
            codename="X",
            objective="Y",
            planned_for=TODAY,
            member_ids=[world.user(Role.CASEWORKER).pk],
        )
    assert not OperationAccess.objects.exists()
