"""Country and language lists: named in the user's language and sorted as a reader expects."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from amparo.core import geo
from amparo.people.forms import PersonForm
from tests.conftest import login


def _names(choices: list[tuple[str, str]]) -> list[str]:
    return [name for _code, name in choices]


def test_spanish_names_sort_ignoring_accents_with_enye_after_n() -> None:
    names = _names(geo.country_choices("es"))
    assert names.index("Bélgica") < names.index("Brasil")
    assert names.index("Irán") < names.index("Irlanda")
    assert names.index("Países Bajos") < names.index("Paraguay")
    assert geo.collation_key("ñandú") > geo.collation_key("nube")


def test_english_lists_use_english_names() -> None:
    countries = dict(geo.country_choices("en"))
    assert countries["DE"] == "Germany" and countries["KR"] == "South Korea"
    assert "Alemania" not in countries.values()
    assert "GT" not in dict(geo.country_choices("en", exclude=("GT",)))
    languages = dict(geo.language_choices("en-us"))
    assert languages["spa"] == "Spanish" and languages["quc"] == "K'iche'"
    assert geo.language_name("eng", "es") == "Inglés"


def test_the_person_form_follows_the_active_language() -> None:
    with translation.override("en"):
        assert dict(PersonForm().fields["nationalities"].choices)["DE"] == "Germany"
    with translation.override("es"):
        assert dict(PersonForm().fields["nationalities"].choices)["DE"] == "Alemania"


@pytest.mark.django_db
def test_the_registration_screen_in_english_names_countries_in_english(world, english) -> None:
    page = login(Client(), world.user("caseworker")).get("/persons/new/").content.decode()
    assert ">Germany<" in page and ">Alemania<" not in page
