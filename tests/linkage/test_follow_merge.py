"""Cases, referrals and person search follow merged persons (not only the person page)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from amparo.cases import services as cases
from amparo.cases.selectors import CaseFilters, case_list
from amparo.linkage.models import PersonMerge
from amparo.linkage.resolve import canonical_id, group_ids, groups_of
from amparo.people.selectors import person_search
from amparo.referrals import services as referrals
from amparo.referrals.models import ServiceOffer
from amparo.referrals.selectors import referral_boxes
from tests.conftest import login, make_person

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _merge(survivor, absorbed) -> PersonMerge:
    return PersonMerge.objects.create(survivor=survivor, absorbed=absorbed)


def test_groups_follow_chains_and_stop_at_undone_merges(world) -> None:
    worker = world.actor("caseworker")
    a, b, c, d = (make_person(worker, "Ana", s, documents=[]) for s in ("Tzul", "Tsul", "Zul", "Tzoc"))
    _merge(b, c)  # c into b, then b into a: a chain of two
    _merge(a, b)
    undone = _merge(a, d)
    undone.undone_at = timezone.now()
    undone.save()
    with CaptureQueriesContext(connection) as queries:
        groups = groups_of([a.pk, b.pk, c.pk, d.pk])
    assert len(queries) == 1
    for p in (a, b, c):
        assert groups[p.pk].canonical == a.pk and groups[p.pk].members == {a.pk, b.pk, c.pk}
    assert groups[d.pk].canonical == d.pk and groups[d.pk].members == {d.pk}
    assert canonical_id(c.pk) == a.pk and group_ids(d.pk) == {d.pk} and groups_of([]) == {}


def test_the_case_list_name_search_finds_the_cases_of_merged_records(world) -> None:
    worker = world.actor("caseworker")
    jose = make_person(worker, "José Armando", "Pérez Coc", documents=[])
    chepe = make_person(worker, "Chepe", "Xicará", documents=[])
    stranger = make_person(worker, "Rosa", "Batz Coj", documents=[])
    case_jose = cases.case_open(actor=worker, person_id=jose.pk)
    case_chepe = cases.case_open(actor=worker, person_id=chepe.pk)
    case_stranger = cases.case_open(actor=worker, person_id=stranger.pk)
    # another institution's record merged into the same person: its case stays invisible here
    outsider = make_person(world.actor("caseworker", "other"), "José", "Pérez", documents=[])
    case_outsider = cases.case_open(actor=world.actor("caseworker", "other"), person_id=outsider.pk)

    def found(name: str) -> set:
        return {c.pk for c in case_list(actor=worker, filters=CaseFilters(scope="all", name=name)).cases}

    assert found("José Pérez") == {case_jose.pk}
    with CaptureQueriesContext(connection) as before:
        found("José Pérez")
    merge = _merge(jose, chepe)
    _merge(jose, outsider)
    assert found("José Pérez") == {case_jose.pk, case_chepe.pk}  # the old record's case follows
    assert found("Chepe Xicará") == {case_jose.pk, case_chepe.pk}
    assert case_outsider.pk not in found("José Pérez") | found("Chepe")
    assert case_stranger.pk not in found("José Pérez")
    with CaptureQueriesContext(connection) as after:
        found("José Pérez")
    assert len(after) == len(before)  # the merge groups are a subquery: no extra query, none per row
    merge.undone_at = timezone.now()
    merge.save()
    assert found("José Pérez") == {case_jose.pk}


def test_the_referral_boxes_show_the_referrals_of_a_merged_person(world) -> None:
    ServiceOffer.objects.filter(organization=world.other, service_type="psychological").update(max_age=None)
    worker = world.actor("caseworker")
    adult = TODAY.replace(year=TODAY.year - 24)
    first = make_person(worker, "Marta", "Tuyuc", date_of_birth=adult, documents=[])
    second = make_person(worker, "Martha", "Tuyuc", date_of_birth=adult, documents=[])
    third = make_person(worker, "Irma", "Coj", date_of_birth=adult, documents=[])
    sent = {}
    for p in (first, second, third):
        case = cases.case_open(actor=worker, person_id=p.pk)
        cases.consent_record(
            actor=worker,
            case_id=case.pk,
            scopes=["referral"],
            referral_services=["psychological"],
            given_by="person",
            giver_name="Ella misma",
            given_on=TODAY,
        )
        sent[p.pk] = referrals.referral_send(
            actor=worker,
            case_id=case.pk,
            to_org_id=world.other.pk,
            service_type="psychological",
            legal_basis="consent",
            shared_sections=["identity"],
        ).pk

    def outbox(person) -> set:
        return {r.pk for r in referral_boxes(actor=worker, person_id=person.pk).outbox}

    assert outbox(second) == {sent[second.pk]}
    _merge(first, second)
    assert outbox(second) == outbox(first) == {sent[first.pk], sent[second.pk]}
    assert len(referral_boxes(actor=worker).outbox) == 3
    # another institution's person id is no starting point
    assert referral_boxes(actor=world.actor("caseworker", "other"), person_id=first.pk).inbox == []

    client = login(Client(), world.user("caseworker"))
    page = client.get(f"/referrals/?person={second.pk}").content.decode()
    assert page.count("/referrals/") >= 2 and str(sent[third.pk]) not in page
    assert str(sent[first.pk]) in page and str(sent[second.pk]) in page
    bad = client.get("/referrals/?person=not-a-uuid", follow=True).content.decode()
    assert "That person reference is not valid" in bad and str(sent[third.pk]) in bad


def test_person_search_lists_a_merged_person_once_as_its_surviving_record(world) -> None:
    worker = world.actor("caseworker")
    survivor = make_person(worker, "Lucía", "Chen Ixcoy", documents=[])
    absorbed = make_person(worker, "Luzia", "Chen", documents=[])
    outsider = make_person(world.actor("caseworker", "other"), "Lucía", "Chen", documents=[])
    _merge(survivor, absorbed)
    _merge(survivor, outsider)

    result = person_search(actor=worker, name="Luzia Chen")
    assert [p.pk for p in result.persons] == [survivor.pk]  # the old spelling finds the merged person
    assert result.merged == {survivor.pk: 2}
    # the other institution's record is never shown, even when it is the surviving one
    theirs = person_search(actor=world.actor("caseworker", "other"), name="Lucía Chen")
    assert [p.pk for p in theirs.persons] == [outsider.pk]

    client = login(Client(), world.user("caseworker"))
    page = client.get("/persons/", {"name": "Luzia Chen"}).content.decode()
    assert "2 merged records" in page and page.count(f"/persons/{survivor.pk}/") == 1
