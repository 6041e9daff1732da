"""Justice records follow a merged person (amparo.linkage): suspect search and the person page's
investigations, within the team rule, never revealing a protected witness."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from amparo.accounts.roles import Role
from amparo.audit.models import AuditEvent
from amparo.cases.services import case_open
from amparo.core.exceptions import PermissionDenied
from amparo.justice import services
from amparo.justice.protection_services import witness_protect
from amparo.justice.selectors import InvestigationFilters, investigation_search, person_involvement
from amparo.linkage.models import PersonMerge
from tests.conftest import login, make_person

from .conftest import LAST_YEAR, open_investigation

pytestmark = pytest.mark.django_db


def _merge(survivor, absorbed) -> PersonMerge:
    return PersonMerge.objects.create(survivor=survivor, absorbed=absorbed)


def _search(actor, name: str) -> set:
    page = investigation_search(actor=actor, filters=InvestigationFilters(suspect_name=name))
    return {i.pk for i in page.investigations}


def _involved(actor, person) -> dict:
    return {
        i.investigation.pk: (i.roles, i.merged_record) for i in person_involvement(actor=actor, person_id=person.pk)
    }


def test_suspect_search_finds_a_suspect_registered_under_a_merged_spelling(world, investigation) -> None:
    investigator = world.actor(Role.INVESTIGATOR)
    erick = make_person(investigator, "Erick Estuardo", "Pérez Mazariegos", documents=[])
    chepe = make_person(investigator, "Chepe", "Xicará", documents=[])
    services.suspect_add(
        investigator, investigation_id=investigation.pk, person_id=erick.pk, role_in_process="Recruiter"
    )
    other = open_investigation(world)
    services.suspect_add(investigator, investigation_id=other.pk, person_id=chepe.pk, role_in_process="Exploiter")

    assert _search(investigator, "Chepe Xicara") == {other.pk}
    merge = _merge(erick, chepe)
    assert _search(investigator, "Chepe Xicara") == {investigation.pk, other.pk}  # the old alias finds both
    assert _search(investigator, "Erick Perez") == {investigation.pk, other.pk}
    api = login(Client(), world.user(Role.INVESTIGATOR)).get(
        "/api/v1/investigations/", {"suspect_name": "Chepe Xicara"}
    )
    assert api.status_code == 200 and str(investigation.pk) in api.content.decode()  # the API follows too
    # the team rule still holds: another institution's investigator sees none of them
    assert _search(world.actor(Role.INVESTIGATOR, "other"), "Erick Perez") == set()
    merge.undone_at = timezone.now()
    merge.save()
    assert _search(investigator, "Erick Perez") == {investigation.pk}


def test_the_person_page_lists_the_investigations_of_every_merged_record(world, investigation) -> None:
    investigator = world.actor(Role.INVESTIGATOR)
    ana = make_person(investigator, "Ana", "Coc Tzul", documents=[])
    anita = make_person(investigator, "Anita", "Coc", documents=[])
    stranger = make_person(investigator, "Rosa", "Batz", documents=[])
    services.victim_link(
        investigator, investigation_id=investigation.pk, case_id=case_open(actor=investigator, person_id=ana.pk).pk
    )
    second = open_investigation(world)
    services.witness_add(investigator, investigation_id=second.pk, person_id=anita.pk)
    services.witness_add(investigator, investigation_id=second.pk, person_id=stranger.pk)
    # an investigation of another institution's team where the merged record also appears: not listed
    theirs = open_investigation(world, where="other")
    outsider = make_person(world.actor(Role.INVESTIGATOR, "other"), "Ana", "Coc", documents=[])
    services.suspect_add(
        world.actor(Role.INVESTIGATOR, "other"),
        investigation_id=theirs.pk,
        person_id=outsider.pk,
        role_in_process="Recruiter",
    )

    assert _involved(investigator, ana) == {investigation.pk: (["victim"], False)}
    _merge(ana, anita)
    _merge(ana, outsider)
    expected = {investigation.pk: (["victim"], False), second.pk: (["witness"], True)}
    assert _involved(investigator, ana) == expected
    assert _involved(investigator, anita) == {investigation.pk: (["victim"], True), second.pk: (["witness"], False)}
    assert _involved(world.actor(Role.INVESTIGATOR, "other"), outsider) == {theirs.pk: (["suspect"], False)}
    # another institution's person id is no starting point
    assert _involved(world.actor(Role.INVESTIGATOR, "other"), ana) == {}
    event = AuditEvent.objects.filter(action="person.involvement").order_by("-seq").first()
    assert event.details == {"results": 0, "through_merged_records": 0}

    client = login(Client(), world.user(Role.INVESTIGATOR))
    page = client.get(f"/persons/{ana.pk}/").content.decode()
    assert f"/justice/{investigation.pk}/" in page and f"/justice/{second.pk}/" in page
    assert f"/justice/{theirs.pk}/" not in page and "through a merged record" in page
    # a user without justice.view gets no investigations section at all
    caseworker = world.actor(Role.CASEWORKER)
    with pytest.raises(PermissionDenied):
        person_involvement(actor=caseworker, person_id=ana.pk)
    page = login(Client(), world.user(Role.CASEWORKER)).get(f"/persons/{ana.pk}/").content.decode()
    assert "justice-title" not in page and f"/justice/{second.pk}/" not in page


def test_a_merge_never_reveals_a_protected_witness(world, investigation) -> None:
    prosecutor = world.actor(Role.PROSECUTOR)  # on the protection team
    investigator = world.actor(Role.INVESTIGATOR)  # on the investigation's team, not the protection team
    lucia = make_person(prosecutor, "Lucía Fernanda", "Tzul Batz", documents=[])
    services.witness_add(prosecutor, investigation_id=investigation.pk, person_id=lucia.pk)
    second = open_investigation(world)
    services.suspect_add(prosecutor, investigation_id=second.pk, person_id=lucia.pk, role_in_process="Recruiter")
    witness_protect(prosecutor, person_id=lucia.pk, started_on=LAST_YEAR, whereabouts="Safe house 3")
    luz = make_person(investigator, "Luz", "Tzul", documents=[])
    third = open_investigation(world)
    services.suspect_add(investigator, investigation_id=third.pk, person_id=luz.pk, role_in_process="Recruiter")
    _merge(lucia, luz)

    # outside the protection team: the merge adds nothing, not the witness's investigations, not a count
    assert _involved(investigator, luz) == {third.pk: (["suspect"], False)}
    assert _search(investigator, "Luz Tzul") == {third.pk}
    page = login(Client(), world.user(Role.INVESTIGATOR)).get(f"/persons/{luz.pk}/").content.decode()
    assert "Merged with" not in page and f"/justice/{second.pk}/" not in page
    # the protection team sees the whole person
    assert _involved(prosecutor, luz) == {
        investigation.pk: (["witness"], True),
        second.pk: (["suspect"], True),
        third.pk: (["suspect"], False),
    }
    assert _search(prosecutor, "Luz Tzul") == {second.pk, third.pk}
