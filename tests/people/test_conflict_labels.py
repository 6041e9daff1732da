"""The stale-edit screen of a person shows the other person's values as labels, never raw codes."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from amparo.people.services import person_update
from amparo.people.validation import DocumentInput, PersonInput
from tests.conftest import login, make_person


@pytest.mark.django_db
def test_conflict_lists_labels_and_the_current_documents(world, english) -> None:
    alice = world.actor("caseworker")
    person = make_person(alice, given="Marleny", surnames="Tzoc", documents=[DocumentInput("passport", "G123", "GT")])
    person_update(
        actor=alice,
        person_id=person.pk,
        expected_version=1,
        data=PersonInput(
            given_names="Marleny",
            surnames="Tzoc",
            gender="Feminine",
            nationalities=["GT", "MX"],
            documents=[DocumentInput("passport", "G123", "GT")],
        ),
    )
    client = login(Client(), world.user("supervisor"))
    with translation.override("en"):
        response = client.post(
            f"/persons/{person.pk}/edit/",
            {
                "given_names": "Marleny",
                "surnames": "Tzoc",
                "gender": "Masculine",
                "people": "unknown",
                "nationalities": ["SV"],
                "version": "1",
                "doc-TOTAL_FORMS": "0",
                "doc-INITIAL_FORMS": "0",
            },
        )
    assert response.status_code == 200
    shown = dict(response.context["conflict"]["fields"])
    assert shown["Sex / gender"] == "Female"
    assert shown["Nationalities"] == "Guatemala, Mexico"
    assert shown["Documents"] == "Passport G123"
    page = response.content.decode()
    assert "Feminine" not in page.split('class="card conflict"')[1].split("</div>")[0]


@pytest.mark.django_db
def test_a_tampered_person_is_recorded_as_the_page_says_and_the_edit_screen_reports_it(world) -> None:
    from amparo.audit.models import AuditEvent
    from amparo.people.models import Person

    actor = world.actor("caseworker")
    a = make_person(actor, given="Alba")
    b = make_person(actor, given="Berta")
    stolen = Person.objects.filter(pk=a.pk).values_list("given_names", flat=True).get()
    Person.objects.filter(pk=b.pk).update(given_names=stolen)
    client = login(Client(), world.user("caseworker"))
    for url in (f"/persons/{b.pk}/", f"/persons/{b.pk}/edit/"):
        response = client.get(url)
        assert response.status_code == 409 and "Alba" not in response.content.decode()
    events = AuditEvent.objects.filter(action="person.integrity_failed", target_id=str(b.pk))
    assert events.count() == 2
