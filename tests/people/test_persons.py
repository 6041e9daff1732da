from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone, translation

from amparo.audit.models import AuditEvent
from amparo.core.exceptions import StaleEdit, ValidationFailed
from amparo.people.models import Person
from amparo.people.selectors import person_search
from amparo.people.services import person_update
from amparo.people.validation import DocumentInput, PersonInput
from tests.conftest import login, make_person


@pytest.mark.django_db
def test_fuzzy_search_by_misspelled_name_and_document(world) -> None:
    actor = world.actor("caseworker")
    target = make_person(actor, given="Valeria", surnames="Jiménez López")
    make_person(actor, given="Valeria", surnames="Pérez")
    make_person(actor, given="Rosa", surnames="Xicará Tzul", documents=[DocumentInput("passport", "HN-445.778")])
    result = person_search(actor=actor, name="Baleria Gimenes")
    assert result.persons[0].pk == target.pk
    assert person_search(actor=actor, name="lopez jimenes valeria").persons[0].pk == target.pk
    assert person_search(actor=actor, name="Shicara").persons[0].surnames == "Xicará Tzul"
    assert person_search(actor=actor, document="hn 445778").persons[0].given_names == "Rosa"
    assert person_search(actor=actor, name="Zacarías").persons == []
    # Another institution's staff do not find this institution's persons.
    assert person_search(actor=world.actor("caseworker", "other"), name="Valeria Jiménez").persons == []


@pytest.mark.django_db
def test_bad_input_gives_field_errors_in_spanish_and_saves_nothing(world) -> None:
    client = login(Client(), world.user("caseworker"))
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    before = Person.objects.count()
    response = client.post(
        "/persons/new/",
        {
            "given_names": "",
            "date_of_birth": tomorrow,
            "age_min": "30",
            "age_max": "20",
            "gender": "Feminine",
            "people": "maya",
            "residence_department": "01",
            "residence_municipality": "0901",
            "doc-TOTAL_FORMS": "1",
            "doc-INITIAL_FORMS": "0",
            "doc-0-number": "123",
            "doc-0-doc_type": "",
        },
        HTTP_ACCEPT_LANGUAGE="es",
    )
    assert response.status_code == 200
    assert Person.objects.count() == before
    assert response.context["form"].errors["given_names"]
    assert response.context["docs"].forms[0].errors["doc_type"]
    with translation.override("es"):
        summary = translation.gettext("Please correct the fields marked below. Nothing was saved.")
    assert "Nothing was saved" not in summary  # the Spanish catalogue is there...
    assert summary in response.content.decode()  # ...and the page speaks Spanish
    # Service-level rules (one place) also refuse, e.g. for the API.
    with pytest.raises(ValidationFailed) as exc:
        make_person(
            world.actor("caseworker"),
            given="Ana",
            date_of_birth=timezone.localdate() + datetime.timedelta(1),
            age_min=30,
            age_max=20,
            residence_department="01",
            residence_municipality="0901",
        )
    assert {"date_of_birth", "age_max", "residence_municipality"} <= set(exc.value.errors)


@pytest.mark.django_db
def test_create_view_and_edit_through_the_screens(world) -> None:
    client = login(Client(), world.user("caseworker"))
    response = client.post(
        "/persons/new/",
        {
            "given_names": "Ixchel",
            "surnames": "Coc Caal",
            "gender": "Feminine",
            "people": "maya",
            "nationalities": ["GT"],
            "languages": ["kek"],
            "age_min": "15",
            "age_max": "17",
            "doc-TOTAL_FORMS": "1",
            "doc-INITIAL_FORMS": "0",
            "doc-0-doc_type": "dpi",
            "doc-0-number": "1234 56789 1601",
            "doc-0-issuing_country": "GT",
        },
    )
    assert response.status_code == 302
    person = Person.objects.latest("created_at")
    assert person.presumed_minor_on(timezone.localdate())
    page = client.get(response["Location"])
    assert "Ixchel" in page.content.decode() and "1234 56789 1601" in page.content.decode()
    assert AuditEvent.objects.filter(action="person.view", target_id=str(person.pk)).exists()
    edit = client.post(
        f"/persons/{person.pk}/edit/",
        {
            "given_names": "Ixchel",
            "surnames": "Coc",
            "gender": "Feminine",
            "people": "maya",
            "version": "1",
            "doc-TOTAL_FORMS": "0",
            "doc-INITIAL_FORMS": "0",
        },
    )
    assert edit.status_code == 302
    person.refresh_from_db()
    assert person.version == 2 and person.surnames == "Coc" and not person.documents.exists()
    event = AuditEvent.objects.filter(action="person.update").latest("seq")
    assert "surnames" in event.details["fields"] and "Coc" not in str(event.details)


@pytest.mark.django_db
def test_stale_edit_is_refused_with_differences(world) -> None:
    alice, bob = world.actor("caseworker"), world.actor("supervisor")
    person = make_person(alice, given="Marleny", surnames="Tzoc")
    person_update(
        actor=alice,
        person_id=person.pk,
        expected_version=1,
        data=PersonInput(given_names="Marleny", surnames="Tzoc Ajú", documents=[]),
    )
    with pytest.raises(StaleEdit) as exc:
        person_update(
            actor=bob,
            person_id=person.pk,
            expected_version=1,
            data=PersonInput(given_names="Marleni", surnames="Tzoc", documents=[]),
        )
    assert exc.value.current_version == 2
    assert {"given_names", "surnames"} <= set(exc.value.changed_fields)
    # fields empty on both sides (NULL stored, "" submitted) are not listed as changed
    assert not {"email", "address", "phone"} & set(exc.value.changed_fields)
    assert Person.objects.get(pk=person.pk).surnames == "Tzoc Ajú"  # nothing overwritten
    # The screen shows the current values and keeps the user's own.
    client = login(Client(), world.user("supervisor"))
    response = client.post(
        f"/persons/{person.pk}/edit/",
        {
            "given_names": "Marleni",
            "surnames": "Tzoc",
            "gender": "NonSpecifiedUnknown",
            "people": "unknown",
            "version": "1",
            "doc-TOTAL_FORMS": "0",
            "doc-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200 and response.context["conflict"]["version"] == 2
    assert "Tzoc Ajú" in response.content.decode()
    # API: 409 with a stable code.
    api = client.put(
        f"/api/v1/persons/{person.pk}/", {"given_names": "X", "version": 1}, content_type="application/json"
    )
    assert api.status_code == 409 and api.json()["error"]["code"] == "stale_edit"


@pytest.mark.django_db
def test_tampered_value_is_reported_never_shown(world) -> None:
    actor = world.actor("caseworker")
    a = make_person(actor, given="Alba")
    b = make_person(actor, given="Berta")
    stolen = Person.objects.filter(pk=a.pk).values_list("given_names", flat=True).get()
    Person.objects.filter(pk=b.pk).update(given_names=stolen)
    response = login(Client(), world.user("caseworker")).get(f"/persons/{b.pk}/")
    assert response.status_code == 409 and "Alba" not in response.content.decode()


@pytest.mark.django_db
def test_api_errors_are_json_with_code_and_translated_message(world) -> None:
    client = login(Client(), world.user("caseworker"))
    es = client.post(
        "/api/v1/persons/",
        {"given_names": "Ana", "age_min": 40, "age_max": 10},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="es",
    )
    assert es.status_code == 400
    body = es.json()["error"]
    assert body["code"] == "validation_error" and "age_max" in body["fields"]
    en = client.post(
        "/api/v1/persons/", {"given_names": ""}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert en.status_code == 400 and "given_names" in en.json()["error"]["fields"]
    created = client.post(
        "/api/v1/persons/",
        {
            "given_names": "Ana",
            "surnames": "Batz",
            "nationalities": ["GT"],
            "documents": [{"doc_type": "dpi", "number": "9999 88888 0101"}],
        },
        content_type="application/json",
    )
    assert created.status_code == 201
    found = client.get("/api/v1/persons/", {"name": "Ana Bats"}).json()["results"]
    assert found[0]["id"] == created.json()["id"]
    assert client.get("/api/v1/persons/not-a-uuid/").status_code == 404


@pytest.mark.django_db
def test_edit_form_in_spanish_keeps_the_date_of_birth(world) -> None:
    person = make_person(world.actor("caseworker"), date_of_birth=datetime.date(2001, 3, 14))
    client = login(Client(), world.user("caseworker"))
    page = client.get(f"/persons/{person.pk}/edit/", HTTP_ACCEPT_LANGUAGE="es")
    assert 'value="2001-03-14"' in page.content.decode()  # what <input type="date"> understands
