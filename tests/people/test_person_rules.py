"""Rules found by the audit of the person register: documents, bounded lists, the presumption of minority
with a doubtful date of birth, and searches that keep names out of addresses."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from amparo.core.exceptions import ValidationFailed
from amparo.people.models import Person
from tests.conftest import login, make_person


def _form(**docs: str) -> dict[str, str]:
    data = {
        "given_names": "Ixchel",
        "surnames": "Coc Caal",
        "gender": "Feminine",
        "people": "maya",
        "doc-TOTAL_FORMS": "2",
        "doc-INITIAL_FORMS": "0",
    }
    data.update(docs)
    return data


@pytest.mark.django_db
@pytest.mark.parametrize(
    "docs",
    [
        {"doc-0-doc_type": "passport", "doc-0-number": "- - -"},  # no letter or digit
        {"doc-0-doc_type": "dpi", "doc-0-number": "12345"},  # a DPI has 13 digits
        {"doc-0-doc_type": "dpi", "doc-0-number": "ABCD 56789 1601"},
        {  # the same document twice
            "doc-0-doc_type": "passport",
            "doc-0-number": "C1234567",
            "doc-1-doc_type": "passport",
            "doc-1-number": "c 123-4567",
        },
    ],
)
def test_invalid_documents_are_refused_in_spanish_and_nothing_is_saved(world, docs) -> None:
    client = login(Client(), world.user("caseworker"))
    before = Person.objects.count()
    response = client.post("/persons/new/", _form(**docs), HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 200 and Person.objects.count() == before
    assert response.context["form"].non_field_errors()
    assert "Nothing was saved" not in response.content.decode()


@pytest.mark.django_db
def test_a_dpi_suspected_false_is_recorded_as_it_is(world) -> None:
    client = login(Client(), world.user("caseworker"))
    docs = {"doc-0-doc_type": "dpi", "doc-0-number": "12345", "doc-0-suspected_false": "on"}
    response = client.post("/persons/new/", _form(**docs))
    assert response.status_code == 302
    document = Person.objects.latest("created_at").documents.get()
    assert document.number == "12345" and document.suspected_false


@pytest.mark.django_db
def test_the_api_bounds_aliases_and_refuses_bad_documents(world) -> None:
    client = login(Client(), world.user("caseworker"))
    before = Person.objects.count()
    many = client.post(
        "/api/v1/persons/", {"given_names": "A", "aliases": ["x" * 200] * 21}, content_type="application/json"
    )
    assert many.status_code == 400 and "aliases" in many.json()["error"]["fields"]
    bad = client.post(
        "/api/v1/persons/",
        {"given_names": "A", "documents": [{"doc_type": "dpi", "number": "1"}]},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "documents" in bad.json()["error"]["fields"]
    assert Person.objects.count() == before
    with pytest.raises(ValidationFailed) as exc:
        make_person(world.actor("caseworker"), phone="5" * 41, address="x" * 501, documents=[])
    assert {"phone", "address"} <= set(exc.value.errors)


@pytest.mark.django_db
def test_an_estimated_age_under_18_keeps_the_presumption_of_minority_against_the_date_of_birth(world) -> None:
    today = timezone.localdate()
    adult_dob = today.replace(year=today.year - 20) - datetime.timedelta(days=3)
    documented_only = make_person(world.actor("caseworker"), date_of_birth=adult_dob)
    assert not documented_only.presumed_minor_on(today)
    # A passport says 20; the assessment says 15 to 17: the minor's protocol applies.
    doubtful = make_person(world.actor("caseworker"), given="Rosa", date_of_birth=adult_dob, age_min=15, age_max=17)
    doubtful.refresh_from_db()
    assert doubtful.presumed_minor_on(today)
    assert doubtful.age_assessed_on == today  # the estimate keeps its date, so it ages
    assert not doubtful.presumed_minor_on(today + datetime.timedelta(days=3 * 366))
    # Both agree on an adult: no presumption.
    agreed = make_person(world.actor("caseworker"), given="Sara", date_of_birth=adult_dob, age_min=19, age_max=22)
    assert not agreed.presumed_minor_on(today)


@pytest.mark.django_db
def test_the_search_screen_posts_so_names_stay_out_of_addresses_and_history(world, person) -> None:
    client = login(Client(), world.user("caseworker"))
    page = client.get("/persons/").content.decode()
    assert 'method="post"' in page and "hx-post=" in page and "hx-push-url" not in page
    response = client.post("/persons/", {"name": "Baleria Gimenes", "document": ""}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and [p.pk for p in response.context["persons"]] == [person.pk]
    # Another institution's caseworker finds nothing by the same search.
    other = login(Client(), world.user("caseworker", "other"))
    assert other.post("/persons/", {"name": "Valeria Jiménez"}).context["persons"] == []
    # A huge API query is cut, not an error.
    huge = client.get("/api/v1/persons/", {"name": " ".join(f"w{i}" for i in range(5000))})
    assert huge.status_code == 200
