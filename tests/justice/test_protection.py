"""Witness protection: outside the protection team a protected person is only a pseudonym."""

from __future__ import annotations

import pytest

from amparo.accounts.roles import Role
from amparo.core.exceptions import NotFound, PermissionDenied, ValidationFailed
from amparo.justice import services
from amparo.justice.models import ProtectedWitness
from amparo.justice.protection import shown_person
from amparo.justice.protection_services import protection_end, protection_update, witness_protect
from amparo.justice.selectors import investigation_get_for_view
from amparo.people.selectors import person_get_for_view, person_search
from tests.conftest import make_person

from .conftest import LAST_YEAR, TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def witness(world, investigation):
    prosecutor = world.actor(Role.PROSECUTOR)
    person = make_person(prosecutor, "Lucía Fernanda", "Tzul Batz")
    services.witness_add(prosecutor, investigation_id=investigation.pk, person_id=person.pk)
    protection = witness_protect(prosecutor, person_id=person.pk, started_on=LAST_YEAR, whereabouts="Safe house 3")
    return person, protection


def test_the_team_sees_the_name_everybody_else_the_pseudonym(world, witness):
    person, protection = witness
    on_team = shown_person(world.actor(Role.PROSECUTOR), person)
    assert on_team.name == "Lucía Fernanda Tzul Batz" and on_team.protected and not on_team.hidden
    outside = shown_person(world.actor(Role.INVESTIGATOR), person)
    assert outside.hidden and outside.person_id is None and outside.gender == ""
    assert outside.name == f"Protected witness T-{protection.serial:04d}"
    assert "Lucía" not in str(outside)


def test_the_investigation_page_data_carries_only_the_pseudonym(world, investigation, witness):
    view = investigation_get_for_view(actor=world.actor(Role.INVESTIGATOR), investigation_id=investigation.pk)
    [(_w, shown)] = view.witnesses
    assert shown.hidden and shown.name.startswith("Protected witness T-")


def test_the_person_pages_and_search_hide_a_protected_witness(world, witness):
    person, _protection = witness
    caseworker = world.actor(Role.CASEWORKER)  # same institution, person.view, not on the team
    with pytest.raises(NotFound):
        person_get_for_view(actor=caseworker, person_id=person.pk)
    assert person_search(actor=world.actor(Role.INVESTIGATOR), name="Lucía Tzul").persons == []
    assert [p.pk for p in person_search(actor=world.actor(Role.PROSECUTOR), name="Lucia Tzul").persons] == [person.pk]


def test_adding_a_colleague_to_the_team_reveals_the_identity_to_them(world, witness):
    person, protection = witness
    prosecutor = world.actor(Role.PROSECUTOR)
    protection_update(
        prosecutor, protection_id=protection.pk, team_ids=[world.user(Role.INVESTIGATOR).pk], whereabouts="Safe house 4"
    )
    assert not shown_person(world.actor(Role.INVESTIGATOR), person).hidden
    protection.refresh_from_db()
    assert protection.whereabouts == "Safe house 4"
    stored = ProtectedWitness.objects.filter(pk=protection.pk).values_list("whereabouts", flat=True).get()
    assert "Safe house" not in stored


def test_only_the_team_manages_the_protection(world, witness):
    _person, protection = witness
    with pytest.raises(NotFound):
        protection_update(world.actor(Role.PROSECUTOR, "other"), protection_id=protection.pk, whereabouts="x")
    with pytest.raises(PermissionDenied):
        protection_update(world.actor(Role.INVESTIGATOR), protection_id=protection.pk, whereabouts="x")


def test_protecting_twice_or_ending_before_start_is_refused(world, witness):
    person, protection = witness
    with pytest.raises(ValidationFailed):
        witness_protect(world.actor(Role.PROSECUTOR), person_id=person.pk, started_on=TODAY)
    with pytest.raises(ValidationFailed):
        protection_end(
            world.actor(Role.PROSECUTOR),
            protection_id=protection.pk,
            ended_on=LAST_YEAR.replace(year=LAST_YEAR.year - 1),
        )


def test_investigators_cannot_place_under_protection(world):
    investigator = world.actor(Role.INVESTIGATOR)
    with pytest.raises(PermissionDenied):
        witness_protect(investigator, person_id=make_person(investigator).pk, started_on=TODAY)
