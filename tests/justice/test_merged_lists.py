"""An investigation's suspect and witness lists show one entry per real person when records were merged
(amparo.linkage), every record's own data kept under it, never grouping a protected person hidden from the
viewer; adding a person already in a list through a merged record is refused."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from amparo.accounts.roles import Role
from amparo.audit.models import AuditEvent
from amparo.core.exceptions import ValidationFailed
from amparo.justice import court_services, services
from amparo.justice.models import Suspect, Witness
from amparo.justice.protection_services import witness_protect
from amparo.justice.selectors import investigation_get_for_view
from amparo.linkage.models import PersonMerge
from amparo.people.validation import PersonInput
from tests.conftest import login, make_person

from .conftest import LAST_YEAR, TODAY

pytestmark = pytest.mark.django_db

SUSPECT_MERGED = "This person is already a suspect in the investigation through a record merged with theirs."
WITNESS_MERGED = "This person is already a witness in the investigation through a record merged with theirs."


def _merge(survivor, absorbed) -> PersonMerge:
    return PersonMerge.objects.create(survivor=survivor, absorbed=absorbed)


def _names(entries) -> list[list[str]]:
    return [[r.shown.name if r.shown else r.suspect.business.name for r in e.rows] for e in entries]


def _suspect(actor, investigation, person, role="Recruiter", **kwargs) -> Suspect:
    return services.suspect_add(
        actor, investigation_id=investigation.pk, person_id=person.pk, role_in_process=role, **kwargs
    )


def test_merged_suspects_and_witnesses_are_one_entry_with_every_record_kept(world, investigation) -> None:
    investigator = world.actor(Role.INVESTIGATOR)
    erick = make_person(investigator, "Erick Estuardo", "Pérez Mazariegos", documents=[])
    chepe = make_person(investigator, "Chepe", "Xicará", documents=[])
    rosa = make_person(investigator, "Rosa", "Batz Coj", documents=[])
    ana = make_person(investigator, "Ana", "Coc Tzul", documents=[])
    anita = make_person(investigator, "Anita", "Coc", documents=[])
    place = services.place_add(investigator, investigation_id=investigation.pk, place_type="bar", name="Bar La Luna")
    first = _suspect(investigator, investigation, erick, "Recruiter")
    _suspect(investigator, investigation, rosa, "Transporter")
    second = _suspect(
        investigator, investigation, chepe, "Exploiter", public_official=True, official_institution="Municipalidad"
    )
    services.suspect_add(
        investigator, investigation_id=investigation.pk, business_id=place.pk, role_in_process="Exploiter"
    )
    arrest = court_services.arrest_record(
        investigator, investigation_id=investigation.pk, suspect_id=second.pk, arrested_on=TODAY
    )
    for person in (ana, anita):
        services.witness_add(investigator, investigation_id=investigation.pk, person_id=person.pk)
    _merge(chepe, erick)  # the later record survives: it leads the entry, where the person first appeared
    _merge(ana, anita)

    with CaptureQueriesContext(connection) as queries:
        view = investigation_get_for_view(actor=investigator, investigation_id=investigation.pk)
    assert sum("RECURSIVE" in q["sql"].upper() for q in queries.captured_queries) == 1  # one groups_of call
    assert _names(view.suspect_entries) == [
        ["Chepe Xicará", "Erick Estuardo Pérez Mazariegos"],
        ["Rosa Batz Coj"],
        ["Bar La Luna"],
    ]
    grouped = view.suspect_entries[0]
    assert [r.suspect.pk for r in grouped.rows] == [second.pk, first.pk]  # each record's own row
    assert grouped.merged_note == "Also registered as 1 other record merged with this person."
    assert view.suspect_entries[1].merged_note == ""
    assert _names(view.witness_entries) == [["Ana Coc Tzul", "Anita Coc"]]
    assert len(view.suspects) == 4 and len(view.witnesses) == 2  # the per-record lists are whole
    assert view.arrests == [arrest] and view.suspect_labels[second.pk] == "Chepe Xicará"

    page = login(Client(), world.user(Role.INVESTIGATOR)).get(f"/justice/{investigation.pk}/?tab=suspects")
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count("Also registered as 1 other record merged with this person.") == 2  # suspects, witnesses
    for text in ("Erick Estuardo Pérez Mazariegos", "Chepe Xicará", "Recruiter", "Exploiter", "Municipalidad"):
        assert text in html
    assert "Anita Coc" in html and "Bar La Luna" in html
    assert html.index("Chepe Xicará") < html.index("Erick Estuardo") < html.index("Rosa Batz Coj")
    # the API keeps one item per record
    api = login(Client(), world.user(Role.INVESTIGATOR)).get(f"/api/v1/investigations/{investigation.pk}/").json()
    assert len(api["suspects"]) == 4 and len(api["witnesses"]) == 2


def test_grouping_costs_no_query_per_record(world, investigation) -> None:
    investigator = world.actor(Role.INVESTIGATOR)
    people = [make_person(investigator, "Juan", f"Tzoc {i}", documents=[]) for i in range(6)]
    for person in people[:2]:
        _suspect(investigator, investigation, person)
    _merge(people[0], people[1])
    with CaptureQueriesContext(connection) as few:
        investigation_get_for_view(actor=investigator, investigation_id=investigation.pk)
    for person in people[2:]:
        _suspect(investigator, investigation, person)
        services.witness_add(investigator, investigation_id=investigation.pk, person_id=person.pk)
    for person in people[2:4]:
        _merge(people[0], person)
    _merge(people[4], people[5])
    with CaptureQueriesContext(connection) as many:
        view = investigation_get_for_view(actor=investigator, investigation_id=investigation.pk)
    assert len(many) == len(few)
    assert [len(e.rows) for e in view.suspect_entries] == [4, 2]
    assert view.suspect_entries[0].merged_note == "Also registered as 3 other records merged with this person."
    assert [len(e.rows) for e in view.witness_entries] == [2, 2]


def test_grouping_never_ties_a_pseudonym_to_a_name(world, investigation) -> None:
    prosecutor = world.actor(Role.PROSECUTOR)  # on the protection team
    investigator = world.actor(Role.INVESTIGATOR)  # on the investigation's team, not on the protection team
    lucia = make_person(prosecutor, "Lucía Fernanda", "Tzul Batz", documents=[])
    luz = make_person(investigator, "Luz", "Tzul", documents=[])
    lucha = make_person(investigator, "Lucha", "Tzul Batz", documents=[])
    for person in (lucia, luz, lucha):
        services.witness_add(prosecutor, investigation_id=investigation.pk, person_id=person.pk)
        _suspect(prosecutor, investigation, person)
    protection = witness_protect(prosecutor, person_id=lucia.pk, started_on=LAST_YEAR, whereabouts="Safe house 3")
    _merge(lucia, luz)
    _merge(lucia, lucha)
    pseudonym = f"Protected witness T-{protection.serial:04d}"

    outside = investigation_get_for_view(actor=investigator, investigation_id=investigation.pk)
    for entries in (outside.witness_entries, outside.suspect_entries):
        # the pseudonym on its own; the visible records may be one person, counted without the hidden one
        assert _names(entries) == [[pseudonym], ["Luz Tzul", "Lucha Tzul Batz"]]
        assert entries[0].merged_note == ""
        assert entries[1].merged_note == "Also registered as 1 other record merged with this person."
    html = login(Client(), world.user(Role.INVESTIGATOR)).get(f"/justice/{investigation.pk}/?tab=suspects")
    html = html.content.decode()
    assert pseudonym in html and "Lucía" not in html
    assert "2 other records" not in html

    # the protection team sees the whole person
    inside = investigation_get_for_view(actor=prosecutor, investigation_id=investigation.pk)
    for entries in (inside.witness_entries, inside.suspect_entries):
        assert _names(entries) == [["Lucía Fernanda Tzul Batz", "Luz Tzul", "Lucha Tzul Batz"]]
        assert entries[0].merged_note == "Also registered as 2 other records merged with this person."


def test_adding_a_person_already_listed_through_a_merged_record_is_refused(world, investigation) -> None:
    investigator = world.actor(Role.INVESTIGATOR)
    erick = make_person(investigator, "Erick Estuardo", "Pérez Mazariegos", documents=[])
    chepe = make_person(investigator, "Chepe", "Xicará", documents=[])
    _suspect(investigator, investigation, erick)
    services.witness_add(investigator, investigation_id=investigation.pk, person_id=erick.pk)
    merge = _merge(erick, chepe)
    events = AuditEvent.objects.count()

    with pytest.raises(ValidationFailed) as refused:
        _suspect(investigator, investigation, chepe, "Exploiter")
    assert refused.value.errors == {"person": [SUSPECT_MERGED]}
    with pytest.raises(ValidationFailed) as refused:
        services.witness_add(investigator, investigation_id=investigation.pk, person_id=chepe.pk)
    assert refused.value.errors == {"person": [WITNESS_MERGED]}
    assert Suspect.objects.filter(investigation=investigation).count() == 1
    assert Witness.objects.filter(investigation=investigation).count() == 1
    assert AuditEvent.objects.count() == events

    merge.undone_at = timezone.now()
    merge.save()
    _suspect(investigator, investigation, chepe, "Exploiter")
    services.witness_add(investigator, investigation_id=investigation.pk, person_id=chepe.pk)
    assert Suspect.objects.filter(investigation=investigation).count() == 2


def test_the_refusal_never_reveals_a_protected_witness(world, investigation) -> None:
    prosecutor = world.actor(Role.PROSECUTOR)
    investigator = world.actor(Role.INVESTIGATOR)
    lucia = make_person(prosecutor, "Lucía Fernanda", "Tzul Batz", documents=[])
    services.witness_add(prosecutor, investigation_id=investigation.pk, person_id=lucia.pk)
    witness_protect(prosecutor, person_id=lucia.pk, started_on=LAST_YEAR)
    luz = make_person(investigator, "Luz", "Tzul", documents=[])
    lucha = make_person(prosecutor, "Lucha", "Tzul Batz", documents=[])
    _merge(lucia, luz)
    _merge(lucia, lucha)
    # outside the protection team a refusal would say the pseudonym is Luz: the record is added
    services.witness_add(investigator, investigation_id=investigation.pk, person_id=luz.pk)
    # the protection team, who know who the pseudonym is, are refused
    with pytest.raises(ValidationFailed) as refused:
        services.witness_add(prosecutor, investigation_id=investigation.pk, person_id=lucha.pk)
    assert refused.value.errors == {"person": [WITNESS_MERGED]}


def test_the_form_shows_the_refusal_and_saves_nothing(world, investigation, monkeypatch) -> None:
    """The screens register the person they add; the refusal reaches the form as the service's error."""
    investigator = world.actor(Role.INVESTIGATOR)
    erick = make_person(investigator, "Erick Estuardo", "Pérez Mazariegos", documents=[])
    chepe = make_person(investigator, "Chepe", "Xicará", documents=[])
    _suspect(investigator, investigation, erick)
    services.witness_add(investigator, investigation_id=investigation.pk, person_id=erick.pk)
    _merge(erick, chepe)
    registered: list[PersonInput] = []

    def register_as_chepe(actor, data):  # the person the form names turns out to be a merged record
        registered.append(data)
        return chepe

    monkeypatch.setattr(services, "_register", register_as_chepe)
    client = login(Client(), world.user(Role.INVESTIGATOR))
    form = {"given_names": "Chepe", "surnames": "Xicará", "gender": "NonSpecifiedUnknown"}
    response = client.post(f"/justice/{investigation.pk}/suspects/new/", {**form, "role_in_process": "Exploiter"})
    assert response.status_code == 400 and SUSPECT_MERGED in response.content.decode()
    response = client.post(f"/justice/{investigation.pk}/witnesses/new/", form)
    assert response.status_code == 400 and WITNESS_MERGED in response.content.decode()
    assert len(registered) == 2
    assert Suspect.objects.filter(investigation=investigation).count() == 1
    assert Witness.objects.filter(investigation=investigation).count() == 1
