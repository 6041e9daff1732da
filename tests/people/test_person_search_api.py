"""POST /api/v1/persons/search/: the query in the body, the same answers and scoping as the (deprecated) GET."""

from __future__ import annotations

import pytest
from django.test import Client
from drf_spectacular.generators import SchemaGenerator

from amparo.audit.models import AuditEvent
from amparo.people.validation import DocumentInput
from tests.conftest import login, make_person

SEARCH = "/api/v1/persons/search/"


def _post(client: Client, body: dict) -> object:
    return client.post(SEARCH, body, content_type="application/json")


@pytest.fixture
def persons(world):
    actor = world.actor("caseworker")
    return [
        make_person(actor),  # Valeria Jiménez López, DPI 2456 78901 0101
        make_person(actor, given="Valeriano", surnames="Jimenes", documents=[DocumentInput("dpi", "1111 22222 0101")]),
        make_person(actor, given="Rosa", surnames="Coc Caal", documents=[]),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [{"name": "Valeria Jimenez"}, {"name": "valeriano"}, {"document": "2456789010101"}, {"name": "Nadie Aquí"}],
)
def test_post_gives_the_same_results_as_get(world, persons, query: dict) -> None:
    client = login(Client(), world.user("caseworker"))
    by_get = client.get("/api/v1/persons/", query)
    by_post = _post(client, query)
    assert by_get.status_code == by_post.status_code == 200
    assert by_post.json() == by_get.json()
    assert by_get["Deprecation"] == "true" and SEARCH in by_get["Link"]
    assert not by_post.has_header("Deprecation")


@pytest.mark.django_db
def test_post_finds_by_name_and_audits_without_the_query(world, persons) -> None:
    client = login(Client(), world.user("caseworker"))
    results = _post(client, {"name": "Valeria Jiménez López"}).json()["results"]
    assert results[0]["id"] == str(persons[0].pk)
    event = AuditEvent.objects.filter(action="person.search").latest("pk")
    assert "Valeria" not in str(event.details) and event.details["name_words"] == 3


@pytest.mark.django_db
def test_other_institution_finds_nothing(world, persons) -> None:
    other = login(Client(), world.user("caseworker", "other"))
    response = _post(other, {"name": "Valeria Jiménez", "document": "2456 78901 0101"})
    assert response.status_code == 200 and response.json() == {"results": []}


@pytest.mark.django_db
def test_roles_without_search_are_refused_and_anonymous_too(world, persons) -> None:
    statistician = login(Client(), world.user("statistician"))
    assert _post(statistician, {"name": "Valeria"}).status_code == 403
    assert _post(Client(), {"name": "Valeria"}).status_code in {401, 403}


@pytest.mark.django_db
@pytest.mark.parametrize("body", [{"name": "x" * 201}, {"document": "9" * 61}, {"name": ["Valeria"]}])
def test_bad_body_is_a_clear_400_and_no_search(world, persons, body: dict) -> None:
    client = login(Client(), world.user("caseworker"))
    searches = AuditEvent.objects.filter(action="person.search").count()
    response = client.post(SEARCH, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error" and set(error["fields"]) == set(body)
    assert AuditEvent.objects.filter(action="person.search").count() == searches


@pytest.mark.django_db
def test_schema_documents_post_search_and_deprecates_get() -> None:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    get = schema["paths"]["/api/v1/persons/"]["get"]
    assert get["deprecated"] is True
    assert "deprecated" not in schema["paths"]["/api/v1/persons/"]["post"]  # registering a person is not
    post = schema["paths"][SEARCH]["post"]
    assert not post.get("deprecated")
    body = post["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert set(schema["components"]["schemas"][body]["properties"]) == {"name", "document"}
    assert "parameters" not in post  # nothing in the query string
