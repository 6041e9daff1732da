"""GET /api/v1/investigations/: the search form's vocabularies and limits (free text in status or place_type
used to reach the audit record's guard and fail with a 500; a huge offset failed in the database)."""

from __future__ import annotations

import pytest
from django.test import Client

from amparo.audit.models import AuditEvent
from tests.conftest import login

SEARCH = "/api/v1/investigations/"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"status": "Fermín Ajú"}, "status"),
        ({"place_type": "bar de Rosa"}, "place_type"),
        ({"offset": "-1"}, "offset"),
        ({"offset": "abc"}, "offset"),
        ({"offset": "99999999999999999999999"}, "offset"),
        ({"suspect_name": "x" * 201}, "suspect_name"),
    ],
)
def test_bad_query_is_a_400_naming_the_field(world, investigation, query, field) -> None:
    client = login(Client(), world.user("prosecutor"))
    searches = AuditEvent.objects.filter(action="investigation.search").count()
    response = client.get(SEARCH, query)
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == [field]
    assert AuditEvent.objects.filter(action="investigation.search").count() == searches


@pytest.mark.django_db
def test_valid_filters_and_offset_still_search(world, investigation) -> None:
    client = login(Client(), world.user("prosecutor"))
    found = client.get(SEARCH, {"status": investigation.status, "offset": "0"}).json()
    assert found["total"] == 1 and found["results"][0]["id"] == str(investigation.pk)
    assert client.get(SEARCH, {"offset": "1"}).json() == {"total": 1, "results": []}


@pytest.mark.django_db
def test_complaint_refuses_unknown_fields_and_names_bad_list_items(world) -> None:
    client = login(Client(), world.user("prosecutor"))
    body = {"received_on": "2025-01-10", "source": "walk_in", "summary": "Denuncia", "case_ids": ["x"], "cases": []}
    response = client.post("/api/v1/complaints/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"case_ids.0": ["Must be a valid UUID."], "cases": ["Unknown field."]}


@pytest.mark.django_db
def test_a_case_outside_the_team_is_reported_under_case_ids(world) -> None:
    from amparo.cases.services import case_open
    from tests.conftest import make_person

    other = world.actor("caseworker", "other")
    foreign = case_open(actor=other, person_id=make_person(other).pk)
    client = login(Client(), world.user("prosecutor"))
    body = {"received_on": "2025-01-10", "source": "walk_in", "summary": "Denuncia", "case_ids": [str(foreign.pk)]}
    response = client.post("/api/v1/complaints/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"case_ids": ["Link only victim cases of your team."]}
