"""The hotline API refuses what it does not know: a misspelt field of a call, an unknown queue tab."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from amparo.hotline.models import Call, CallCenter
from amparo.organizations.models import Organization, Unit
from tests.conftest import login


@pytest.fixture
def queue(world) -> None:
    from amparo.hotline.models import CallCenter as Model
    from amparo.hotline.seed import load_call_centers

    load_call_centers(Organization, Unit, Model)
    CallCenter.objects.create(organization=world.home)


def _payload(**extra: object) -> dict[str, object]:
    return {
        "channel": "phone",
        "received_at": (timezone.now() - datetime.timedelta(minutes=5)).isoformat(),
        "language": "spa",
        "caller_type": "relative",
        "category": "information",
        "urgency": "low",
        "summary": "Pregunta por los requisitos de una oferta de trabajo",
        **extra,
    }


@pytest.mark.django_db
def test_a_misspelt_field_is_refused_and_no_call_is_recorded(world, queue, english) -> None:
    client = login(Client(), world.user("hotline_operator"))
    response = client.post(
        "/api/v1/hotline/calls/", _payload(caller_contac="5555-0101"), content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"caller_contac": ["Unknown field."]}
    assert not Call.objects.exists()
    assert client.post("/api/v1/hotline/calls/", _payload(), content_type="application/json").status_code == 201


@pytest.mark.django_db
def test_an_unknown_tab_is_a_400(world, queue, english) -> None:
    client = login(Client(), world.user("hotline_operator"))
    response = client.get("/api/v1/hotline/calls/", {"tab": "everything"})
    assert response.status_code == 400 and list(response.json()["error"]["fields"]) == ["tab"]
    assert client.get("/api/v1/hotline/calls/", {"tab": "all"}).json()["tab"] == "new"  # not a supervisor
