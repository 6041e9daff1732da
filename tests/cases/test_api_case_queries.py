"""GET /api/v1/cases/ refuses query values outside its vocabularies (they reach the audit record of the list)
and keeps the screen's scope rule; a screening's notes name known indicators only."""

from __future__ import annotations

import pytest
from django.test import Client

from amparo.audit.models import AuditEvent
from amparo.cases import services
from amparo.cases.models import Case, Screening
from tests.conftest import login, make_person

CASES = "/api/v1/cases/"


@pytest.fixture
def case(world) -> Case:
    actor = world.actor("caseworker")
    return services.case_open(actor=actor, person_id=make_person(actor).pk)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"scope": "Valeria Jiménez"}, "scope"),
        ({"scope": "Valeria"}, "scope"),
        ({"status": "nope"}, "status"),
        ({"trafficking_status": "x"}, "trafficking_status"),
        ({"name": "a" * 201}, "name"),
        ({"after": "not-a-cursor"}, "after"),
    ],
)
def test_bad_query_is_a_400_naming_the_field_and_nothing_is_audited(world, case, query, field, english) -> None:
    client = login(Client(), world.user("supervisor"))
    listed = AuditEvent.objects.filter(action="case.list").count()
    response = client.get(CASES, query)
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == [field]
    assert AuditEvent.objects.filter(action="case.list").count() == listed
    assert "Valeria" not in str(list(AuditEvent.objects.values_list("details", flat=True)))


@pytest.mark.django_db
def test_a_valid_cursor_pages_on(world, english) -> None:
    actor = world.actor("caseworker")
    for i in range(3):
        services.case_open(actor=actor, person_id=make_person(actor, given=f"Persona{i}", documents=[]).pk)
    client = login(Client(), world.user("caseworker"))
    from amparo.cases import selectors

    page = selectors.case_list(actor=actor, filters=selectors.CaseFilters(), page_size=1)
    response = client.get(CASES, {"after": page.next_cursor})
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [
        str(c.pk) for c in Case.objects.order_by("-opened_at", "-id")[1:]
    ]


@pytest.mark.django_db
def test_scope_beyond_mine_is_for_supervisors_as_on_the_screen(world, case) -> None:
    client = login(Client(), world.user("caseworker"))
    assert client.get(CASES, {"scope": "all"}).status_code == 200
    assert AuditEvent.objects.filter(action="case.list").latest("seq").details["scope"] == "mine"
    supervisor = login(Client(), world.user("supervisor"))
    assert [row["id"] for row in supervisor.get(CASES, {"scope": "all"}).json()["results"]] == [str(case.pk)]
    assert AuditEvent.objects.filter(action="case.list").latest("seq").details["scope"] == "all"


@pytest.mark.django_db
def test_screening_notes_on_unknown_indicators_are_refused(world, case, english) -> None:
    client = login(Client(), world.user("caseworker"))
    response = client.post(
        f"/api/v1/cases/{case.pk}/screenings/",
        {"answers": {"ilo_deception": "yes"}, "notes": {"zz_bogus": "texto"}},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"notes": ["Unknown indicators: zz_bogus"]}
    assert not Screening.objects.filter(case=case).exists()


@pytest.mark.django_db
def test_transition_refuses_unknown_fields(world, case, english) -> None:
    client = login(Client(), world.user("caseworker"))
    response = client.post(
        f"/api/v1/cases/{case.pk}/transition/",
        {"to_status": "identification", "reasn": "typo"},
        content_type="application/json",
    )
    assert response.status_code == 400 and response.json()["error"]["fields"] == {"reasn": ["Unknown field."]}
    case.refresh_from_db()
    assert case.status == "open"


@pytest.mark.django_db
def test_a_transition_not_allowed_is_reported_under_to_status(world, case, english) -> None:
    client = login(Client(), world.user("caseworker"))
    response = client.post(
        f"/api/v1/cases/{case.pk}/transition/", {"to_status": "follow_up"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["to_status"]
