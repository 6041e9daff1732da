"""PUT /api/v1/persons/<id>/ is a full replacement: a misspelt field used to be dropped and its real field
blanked. Unknown fields are refused; the record's own read-only fields may be sent back."""

from __future__ import annotations

import pytest
from django.test import Client

from amparo.people.models import Person
from tests.conftest import login


@pytest.mark.django_db
def test_a_misspelt_field_in_an_edit_is_refused_and_nothing_changes(world, person, english) -> None:
    client = login(Client(), world.user("caseworker"))
    url = f"/api/v1/persons/{person.pk}/"
    read = client.get(url).json()
    body = {"given_names": read["given_names"], "surname": "Otro", "version": read["version"]}
    response = client.put(url, body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"surname": ["Unknown field."]}
    fresh = Person.objects.get(pk=person.pk)
    assert fresh.surnames == "Jiménez López" and fresh.version == read["version"]


@pytest.mark.django_db
def test_the_record_as_read_can_be_sent_back(world, person) -> None:
    client = login(Client(), world.user("caseworker"))
    url = f"/api/v1/persons/{person.pk}/"
    read = client.get(url).json()
    response = client.put(url, {**read, "surnames": "Jiménez"}, content_type="application/json")
    assert response.status_code == 200, response.json()
    assert response.json()["surnames"] == "Jiménez" and response.json()["owner_org"] == read["owner_org"]


@pytest.mark.django_db
def test_search_body_with_a_misspelt_field_is_refused(world, person, english) -> None:
    client = login(Client(), world.user("caseworker"))
    response = client.post("/api/v1/persons/search/", {"nombre": "Valeria"}, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"nombre": ["Unknown field."]}
