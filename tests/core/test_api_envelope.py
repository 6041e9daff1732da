"""The API's error envelope: nested field errors by name, unknown fields refused, unreadable bodies, Django's
own 400 and 404 as JSON, tokens of deactivated users or memberships refused."""

from __future__ import annotations

import pytest
from django.test import Client

from amparo.accounts.models import Membership, User
from amparo.accounts.services import api_token_create
from amparo.people.models import Person
from tests.conftest import login

PERSONS = "/api/v1/persons/"


@pytest.mark.django_db
def test_nested_errors_are_named_fields_not_reprs(world, english) -> None:
    client = login(Client(), world.user("caseworker"))
    before = Person.objects.count()
    body = {
        "given_names": "Lucía",
        "aliases": ["ok", "a" * 201],
        "documents": [{"doc_type": "dpi", "number": "1"}, {"doc_type": "zz", "number": ""}],
    }
    response = client.post(PERSONS, body, content_type="application/json")
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert fields["aliases.1"] == ["Ensure this field has no more than 200 characters."]
    assert fields["documents.1.doc_type"] == ['"zz" is not a valid choice.']
    assert fields["documents.1.number"] == ["This field may not be blank."]
    assert "ErrorDetail" not in response.content.decode()
    assert Person.objects.count() == before


@pytest.mark.django_db
def test_unknown_fields_are_refused_with_their_names_and_nothing_is_saved(world, english) -> None:
    client = login(Client(), world.user("caseworker"))
    before = Person.objects.count()
    body = {"given_names": "Lucía", "surname": "Typo", "documents": [{"doc_type": "dpi", "number": "1", "x": 1}]}
    response = client.post(PERSONS, body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"surname": ["Unknown field."], "documents.0.x": ["Unknown field."]}
    assert Person.objects.count() == before


@pytest.mark.django_db
def test_unknown_fields_are_reported_with_the_other_errors(world, english) -> None:
    client = login(Client(), world.user("caseworker"))
    response = client.post(PERSONS, {"given_names": "", "colour": "red"}, content_type="application/json")
    assert set(response.json()["error"]["fields"]) == {"given_names", "colour"}


@pytest.mark.django_db
def test_unreadable_json_is_a_translated_parse_error(world) -> None:
    client = login(Client(), world.user("caseworker"))
    response = client.post(PERSONS, b"{bad", content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json() == {
        "error": {"code": "parse_error", "message": "The request body could not be read: send valid JSON."}
    }
    response = client.post(PERSONS, b"\xff\xfe", content_type="application/json", HTTP_ACCEPT_LANGUAGE="es")
    assert response.json()["error"]["code"] == "parse_error"
    assert "utf-8" not in response.json()["error"]["message"]


@pytest.mark.django_db
def test_a_body_over_the_limit_is_a_json_400(world, settings, english) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client = login(Client(), world.user("caseworker"))
    before = Person.objects.count()
    response = client.post(PERSONS, {"given_names": "a" * 5000}, content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"error": {"code": "request_too_large", "message": "The request is too large."}}
    assert Person.objects.count() == before


@pytest.mark.django_db
def test_screens_keep_djangos_400_page(world, settings) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client = login(Client(), world.user("caseworker"))
    response = client.post("/persons/new/", {"given_names": "a" * 5000})
    assert response.status_code == 400 and not response["Content-Type"].startswith("application/json")


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/cases/not-a-uuid/", "/api/v1/persons/123/", "/api/v1/nothing/"])
def test_a_path_that_matches_nothing_is_the_json_404(world, path: str, english) -> None:
    client = login(Client(), world.user("caseworker"))
    response = client.get(path)
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "Not found."}}


@pytest.mark.django_db
@pytest.mark.parametrize("what", ["user", "membership"])
def test_token_of_a_deactivated_user_or_membership_is_401(world, what: str) -> None:
    _token, raw = api_token_create(actor=world.actor("caseworker"), name="integración")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_ACCEPT_LANGUAGE="es")
    assert client.get("/api/v1/me/").status_code == 200
    user = world.user("caseworker")
    if what == "user":
        User.objects.filter(pk=user.pk).update(is_active=False)
    else:
        Membership.objects.filter(user=user).update(is_active=False)
    response = client.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["error"] == {"code": "authentication_failed", "message": "Token no válido o revocado."}
