from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from amparo.accounts.roles import Role
from amparo.audit.models import AuditEvent
from amparo.cases.services import case_open
from amparo.core.exceptions import NotFound, PermissionDenied, ValidationFailed
from amparo.justice import services
from amparo.justice.models import CustodyEntry, Place
from amparo.justice.selectors import InvestigationFilters, investigation_get_for_view, investigation_search
from tests.conftest import make_person

from .conftest import LAST_YEAR, TODAY, open_investigation

pytestmark = pytest.mark.django_db


def test_open_takes_the_file_number_of_its_complaint_and_the_team(world, investigation):
    assert investigation.mp_file_number == "MP-77-2025"
    assert investigation.lead == world.user(Role.PROSECUTOR)
    roles = {m.user.username: m.team_role for m in investigation.team.select_related("user")}
    assert roles == {"home-prosecutor": "prosecutor", "home-investigator": "investigator"}
    assert investigation.complaints.count() == 1


def test_open_before_the_complaint_is_refused(world):
    prosecutor = world.actor(Role.PROSECUTOR)
    complaint = services.complaint_create(prosecutor, received_on=TODAY, source="walk_in", summary="s")
    with pytest.raises(ValidationFailed) as exc:
        services.investigation_open(
            prosecutor, summary="s", opened_on=TODAY - datetime.timedelta(days=1), complaint_ids=[complaint.pk]
        )
    assert "opened_on" in exc.value.errors


def test_team_members_must_have_a_justice_role(world):
    with pytest.raises(ValidationFailed):
        services.investigation_open(
            world.actor(Role.PROSECUTOR),
            summary="s",
            opened_on=TODAY,
            members=[(world.user(Role.CASEWORKER).pk, "investigator")],
        )


def test_only_the_team_sees_an_investigation(world, investigation):
    assert investigation_get_for_view(actor=world.actor(Role.INVESTIGATOR), investigation_id=investigation.pk)
    for role, where in [(Role.PROSECUTOR, "other"), (Role.INVESTIGATOR, "other")]:
        with pytest.raises(NotFound):
            investigation_get_for_view(actor=world.actor(role, where), investigation_id=investigation.pk)
    with pytest.raises(PermissionDenied):
        investigation_get_for_view(actor=world.actor(Role.CASEWORKER), investigation_id=investigation.pk)


def test_team_member_from_another_institution_sees_it(world, investigation):
    services.investigation_set_team(
        world.actor(Role.PROSECUTOR),
        investigation_id=investigation.pk,
        members=[(world.user(Role.INVESTIGATOR, "other").pk, "investigator")],
    )
    view = investigation_get_for_view(actor=world.actor(Role.INVESTIGATOR, "other"), investigation_id=investigation.pk)
    assert view.investigation == investigation
    # the home investigator was taken off the team
    with pytest.raises(NotFound):
        investigation_get_for_view(actor=world.actor(Role.INVESTIGATOR), investigation_id=investigation.pk)


def test_a_member_from_another_institution_sees_the_complaint_number_without_a_link(world, investigation, client_for):
    """The complaint stays the receiving institution's: the page names it but does not link to a page that
    would answer 404 (found by crawling the demo as every account)."""
    services.investigation_set_team(
        world.actor(Role.PROSECUTOR),
        investigation_id=investigation.pk,
        members=[(world.user(Role.INVESTIGATOR, "other").pk, "investigator")],
    )
    complaint = investigation.complaints.get()
    outside = client_for(Role.INVESTIGATOR, "other").get(f"/justice/{investigation.pk}/")
    assert outside.status_code == 200
    page = outside.content.decode()
    assert complaint.number in page and "received by another institution" in page
    assert f"/justice/complaints/{complaint.pk}/" not in page
    assert client_for(Role.INVESTIGATOR, "other").get(f"/justice/complaints/{complaint.pk}/").status_code == 404
    inside = client_for(Role.PROSECUTOR).get(f"/justice/{investigation.pk}/").content.decode()
    assert f"/justice/complaints/{complaint.pk}/" in inside and "received by another institution" not in inside


def test_only_the_lead_names_the_team(world, investigation):
    with pytest.raises(PermissionDenied):
        services.investigation_set_team(world.actor(Role.INVESTIGATOR), investigation_id=investigation.pk, members=[])


def test_places_suspects_victims_and_search(world, investigation):
    investigator = world.actor(Role.INVESTIGATOR)
    place = services.place_add(
        investigator,
        investigation_id=investigation.pk,
        place_type="night_club",
        name="Club La Luna Azul",
        address="Km 12 carretera a El Salvador",
        department="01",
    )
    assert "Luna" not in Place.objects.filter(pk=place.pk).values_list("name", flat=True).get()
    person = make_person(investigator, "Erick Estuardo", "Pérez Mazariegos", gender="Masculine", nationalities=["GT"])
    suspect = services.suspect_add(
        investigator,
        investigation_id=investigation.pk,
        person_id=person.pk,
        role_in_process="Recruiter",
        public_official=True,
        official_institution="Municipalidad",
    )
    business = services.suspect_add(
        investigator, investigation_id=investigation.pk, business_id=place.pk, role_in_process="Exploiter"
    )
    assert (suspect.kind, business.kind) == ("individual", "business")
    victim = make_person(investigator, "Ana", "Coc")
    case = case_open(actor=investigator, person_id=victim.pk)
    services.victim_link(investigator, investigation_id=investigation.pk, case_id=case.pk)
    other = open_investigation(world)

    def search(**kw):
        page = investigation_search(actor=investigator, filters=InvestigationFilters(**kw))
        return [i.pk for i in page.investigations]

    assert set(search()) == {investigation.pk, other.pk}
    assert search(suspect_name="erik perez") == [investigation.pk]  # phonetic
    assert search(place_name="club la luna azul") == [investigation.pk]
    assert search(place_type="night_club") == [investigation.pk]
    assert search(file_number=investigation.number) == [investigation.pk]
    assert search(status="closed") == []
    event = AuditEvent.objects.filter(action="investigation.search").last()
    assert "perez" not in str(event.details).lower()
    # another institution's investigator finds nothing
    assert (
        investigation_search(actor=world.actor(Role.INVESTIGATOR, "other"), filters=InvestigationFilters()).total == 0
    )


def test_place_name_search_starts_from_the_place_index_and_keeps_the_team_rule(world, investigation):
    """The files with a place of that (normalized) name, among those the user may see; a second place of
    another name in the same file does not hide it; the type narrows the places, not the files."""
    from django.db import connection

    prosecutor = world.actor(Role.PROSECUTOR)
    second = open_investigation(world)
    foreign = open_investigation(world, where="other")
    for inv, actor, place_type, name in (
        (investigation, prosecutor, "bar", "Bar El Mirador"),
        (investigation, prosecutor, "farm", "Finca Los Naranjales"),
        (second, prosecutor, "farm", "Bar El Mirador"),
        (foreign, world.actor(Role.PROSECUTOR, "other"), "bar", "Bar El Mirador"),
    ):
        services.place_add(actor, investigation_id=inv.pk, place_type=place_type, name=name)

    def search(**kw):
        page = investigation_search(actor=prosecutor, filters=InvestigationFilters(**kw))
        return {i.pk for i in page.investigations}, page.total

    assert search(place_name="  bar el MIRADOR ") == ({investigation.pk, second.pk}, 2)
    assert search(place_name="Finca Los Naranjales") == ({investigation.pk}, 1)
    assert search(place_name="bar el mirador", place_type="bar") == ({investigation.pk}, 1)
    assert search(place_name="bar el mirador", place_type="night_club") == (set(), 0)
    assert search(place_type="farm") == ({investigation.pk, second.pk}, 2)
    assert search(place_name="Bar El Mirador", status="closed") == (set(), 0)
    assert search(place_name="Cantina La Gaviota") == (set(), 0)
    # The other institution's prosecutor finds only their own file under the same name.
    theirs = investigation_search(
        actor=world.actor(Role.PROSECUTOR, "other"), filters=InvestigationFilters(place_name="bar el mirador")
    )
    assert [i.pk for i in theirs.investigations] == [foreign.pk]
    if connection.vendor == "sqlite":
        from amparo.justice.selectors import investigation_queryset

        sql, params = investigation_queryset(
            prosecutor, InvestigationFilters(place_name="bar el mirador")
        ).query.sql_with_params()
        with connection.cursor() as cursor:
            plan = " ".join(str(row[-1]) for row in cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params).fetchall())
        # One lookup of the place index for the whole search, not one per visible file (CORRELATED).
        assert "name_index" in plan and "CORRELATED" not in plan, plan


def test_suspect_errors(world, investigation):
    investigator = world.actor(Role.INVESTIGATOR)
    foreign = make_person(world.actor(Role.CASEWORKER, "other"))
    with pytest.raises(ValidationFailed) as exc:
        services.suspect_add(
            investigator, investigation_id=investigation.pk, person_id=foreign.pk, role_in_process="Recruiter"
        )
    assert exc.value.errors["person"] == ["Choose a person registered by your institution."]
    with pytest.raises(ValidationFailed) as exc:
        services.suspect_add(investigator, investigation_id=investigation.pk, role_in_process="Recruiter")
    with pytest.raises(ValidationFailed) as exc:
        services.suspect_add(
            investigator,
            investigation_id=investigation.pk,
            person_id=make_person(investigator).pk,
            role_in_process="Boss",
            public_official=True,
        )
    assert set(exc.value.errors) == {"role_in_process", "official_institution"}


def test_evidence_chain_of_custody_cannot_go_back_in_time(world, investigation):
    investigator = world.actor(Role.INVESTIGATOR)
    evidence = services.evidence_add(
        investigator,
        investigation_id=investigation.pk,
        kind="digital",
        description="Phone seized at the bar",
        collected_on=LAST_YEAR + datetime.timedelta(days=10),
        holder="Agent on duty",
    )
    assert evidence.number == 1
    first = evidence.custody.get()
    later = first.at + datetime.timedelta(days=1)
    services.custody_record(investigator, evidence_id=evidence.pk, action="analysed", at=later, holder="Forensic lab")
    with pytest.raises(ValidationFailed) as exc:
        services.custody_record(
            investigator, evidence_id=evidence.pk, action="stored", at=first.at, holder="Evidence room"
        )
    assert "at" in exc.value.errors
    with pytest.raises(ValidationFailed):
        services.custody_record(
            investigator,
            evidence_id=evidence.pk,
            action="stored",
            at=timezone.now() + datetime.timedelta(days=1),
            holder="Evidence room",
        )
    assert CustodyEntry.objects.filter(evidence=evidence).count() == 2
    with pytest.raises(NotFound):
        services.custody_record(
            world.actor(Role.INVESTIGATOR, "other"), evidence_id=evidence.pk, action="stored", at=later, holder="x"
        )


def test_a_link_early_on_the_day_of_the_collection_follows_it(world, investigation):
    """Only the collection's day is known: its link starts that day, so storing the evidence at any time of
    the same day is accepted (it used to be taken as noon, which refused a morning entry before noon)."""
    investigator = world.actor(Role.INVESTIGATOR)
    today = timezone.localdate()
    evidence = services.evidence_add(
        investigator,
        investigation_id=investigation.pk,
        kind="document",
        description="Ledger",
        collected_on=today,
        holder="Agent on duty",
    )
    collected = evidence.custody.get()
    start_of_day = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    assert collected.at == start_of_day <= timezone.now()
    entry = services.custody_record(
        investigator, evidence_id=evidence.pk, action="stored", at=start_of_day, holder="Evidence room"
    )
    assert list(evidence.custody.all()) == [collected, entry]  # ordered by time, then by when recorded
