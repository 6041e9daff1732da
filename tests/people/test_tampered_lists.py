"""A person whose encrypted name fails its integrity check: a placeholder in lists (audited once), never a 500
and never the value; the API answers 409, audited too."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils.translation import gettext

from amparo.audit.models import AuditEvent
from amparo.people.models import Person
from tests.conftest import login, make_person

UNREADABLE = "[unreadable: integrity check failed]"


def _tampered_pair(world) -> tuple[Person, Person]:
    """Berta's name replaced by Alba's ciphertext (a value moved between rows fails its check)."""
    actor = world.actor("caseworker")
    alba = make_person(actor, given="Alba", surnames="Tzul")
    berta = make_person(actor, given="Berta", surnames="Tzul")
    stolen = Person.objects.filter(pk=alba.pk).values_list("given_names", flat=True).get()
    Person.objects.filter(pk=berta.pk).update(given_names=stolen)
    return alba, berta


def _failures(person: Person) -> int:
    return AuditEvent.objects.filter(action="person.integrity_failed", target_id=str(person.pk)).count()


@pytest.mark.django_db
@pytest.mark.parametrize("htmx", [False, True])
def test_search_results_show_a_placeholder_for_a_tampered_person(world, htmx) -> None:
    alba, berta = _tampered_pair(world)
    client = login(Client(), world.user("caseworker"))
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = client.get("/persons/?name=Tzul", **headers)
    assert response.status_code == 200
    page = response.content.decode()
    assert gettext(UNREADABLE) in page and f"/persons/{berta.pk}/" in page
    assert page.count("Alba") == 1  # Alba's own row; her ciphertext in Berta's row is not decrypted
    assert _failures(berta) == 1 and _failures(alba) == 0
    event = AuditEvent.objects.get(action="person.integrity_failed")
    assert "Alba" not in str(event.details) and "Berta" not in str(event.details)


@pytest.mark.django_db
def test_recent_persons_show_a_placeholder_for_a_tampered_person(world) -> None:
    _alba, berta = _tampered_pair(world)
    response = login(Client(), world.user("caseworker")).get("/persons/")
    assert response.status_code == 200 and gettext(UNREADABLE) in response.content.decode()
    assert _failures(berta) == 1


@pytest.mark.django_db
def test_api_search_and_detail_of_a_tampered_person_are_409_and_audited(world) -> None:
    alba, berta = _tampered_pair(world)
    client = login(Client(), world.user("caseworker"))
    search = client.get("/api/v1/persons/?name=Tzul")
    assert search.status_code == 409 and search.json()["error"]["code"] == "tampered"
    assert "Alba" not in search.content.decode()
    assert _failures(berta) == 1 and _failures(alba) == 0
    detail = client.get(f"/api/v1/persons/{berta.pk}/")
    assert detail.status_code == 409 and "Alba" not in detail.content.decode()
    assert _failures(berta) == 2
    edit = client.put(
        f"/api/v1/persons/{berta.pk}/",
        {"given_names": "Berta", "surnames": "Tzul", "version": 1},
        content_type="application/json",
    )
    assert edit.status_code == 409 and _failures(berta) == 3
