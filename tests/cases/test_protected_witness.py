"""A victim who is also a protected witness: outside the protection team, the case screens, the case API,
referrals, the duplicates panel and the identified HTCDS export show the pseudonym, never who she is."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from amparo.accounts.roles import Role
from amparo.cases import services as cases
from amparo.cases.selectors import CaseFilters, case_list
from amparo.justice.protection_services import witness_protect
from amparo.linkage.duplicates import possible_duplicates
from amparo.linkage.records import LinkRecord
from amparo.referrals import services as referrals
from amparo.referrals.models import ServiceOffer
from amparo.referrals.selectors import referral_get_for_view
from amparo.stats.exports import htcds_rows
from tests.conftest import login, make_person

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
SECRETS = ("Xiomara", "Floridalma", "Tzunún", "Casa segura", "5555-0101")


@pytest.fixture(autouse=True)
def _english(english: None) -> None:
    pass


@pytest.fixture
def protected_case(world):
    caseworker = world.actor(Role.CASEWORKER)
    person = make_person(
        caseworker,
        "Xiomara Floridalma",
        "Tzunún Cojtí",
        gender="Feminine",
        nationalities=["GT"],
        date_of_birth=TODAY.replace(year=TODAY.year - 24),
    )
    case = cases.case_open(actor=caseworker, person_id=person.pk)
    protection = witness_protect(
        world.actor(Role.PROSECUTOR),
        person_id=person.pk,
        started_on=TODAY - datetime.timedelta(days=30),
        whereabouts="Casa segura 7",
    )
    return person, case, protection


def _no_secret(body: str, *extra: str) -> None:
    for secret in (*SECRETS, *extra):
        assert secret not in body, secret


def test_case_screens_and_api_show_the_pseudonym(world, protected_case):
    person, case, protection = protected_case
    client = login(Client(), world.user(Role.CASEWORKER))
    detail = client.get(f"/cases/{case.pk}/")
    assert detail.status_code == 200
    body = detail.content.decode()
    _no_secret(body, str(person.pk))
    assert protection.pseudonym in body
    listing = client.get("/cases/?scope=all").content.decode()
    assert protection.pseudonym in listing and case.number in listing
    _no_secret(listing, str(person.pk))
    api_list = client.get("/api/v1/cases/?scope=all").json()["results"]
    row = next(r for r in api_list if r["number"] == case.number)
    assert row["person_id"] is None and row["age_group"] == ""
    api_detail = client.get(f"/api/v1/cases/{case.pk}/").json()
    assert api_detail["person_id"] is None
    # the protection team sees her
    lead = login(Client(), world.user(Role.PROSECUTOR))
    assert client.get(f"/persons/{person.pk}/").status_code == 404
    assert lead.get(f"/persons/{person.pk}/").status_code == 200


def test_she_cannot_be_found_by_who_she_is(world, protected_case):
    _person, case, _protection = protected_case
    actor = world.actor(Role.CASEWORKER)
    for filters in (
        CaseFilters(scope="all", name="Xiomara Tzunun"),
        CaseFilters(scope="all", sex="Feminine"),
        CaseFilters(scope="all", nationality="GT"),
    ):
        assert case not in case_list(actor=actor, filters=filters).cases, filters
    assert case in case_list(actor=actor, filters=CaseFilters(scope="all")).cases


def test_without_protection_the_case_shows_the_name(world):
    caseworker = world.actor(Role.CASEWORKER)
    person = make_person(caseworker, "Rosa", "Xicará")
    case = cases.case_open(actor=caseworker, person_id=person.pk)
    client = login(Client(), world.user(Role.CASEWORKER))
    assert "Rosa Xicará" in client.get(f"/cases/{case.pk}/").content.decode()
    assert client.get(f"/api/v1/cases/{case.pk}/").json()["person_id"] == str(person.pk)
    found = case_list(actor=caseworker, filters=CaseFilters(scope="all", name="Rosa Xicara")).cases
    assert [c.pk for c in found] == [case.pk]


def test_a_referral_carries_the_pseudonym_and_no_whereabouts(world, protected_case):
    _person, case, protection = protected_case
    ServiceOffer.objects.filter(organization=world.other, service_type="psychological").update(max_age=None)
    caseworker = world.actor(Role.CASEWORKER)
    cases.consent_record(
        actor=caseworker,
        case_id=case.pk,
        scopes=["referral"],
        referral_services=["psychological"],
        given_by="person",
        giver_name="Ella misma",
        given_on=TODAY,
    )
    referral = referrals.referral_send(
        actor=caseworker,
        case_id=case.pk,
        to_org_id=world.other.pk,
        service_type="psychological",
        legal_basis="consent",
        shared_sections=["identity", "contact"],
    )
    view = referral_get_for_view(actor=world.actor(Role.CASEWORKER, "other"), referral_id=referral.pk)
    assert view.sections["identity"]["given_names"] == protection.pseudonym
    assert "contact" not in view.sections
    page = login(Client(), world.user(Role.CASEWORKER, "other")).get(f"/referrals/{referral.pk}/").content.decode()
    assert protection.pseudonym in page
    _no_secret(page)


def test_the_duplicates_panel_does_not_offer_her(world):
    caseworker = world.actor(Role.CASEWORKER)
    born = TODAY.replace(year=TODAY.year - 24)
    person = make_person(
        caseworker, "Xiomara Floridalma", "Tzunún Cojtí", gender="Feminine", nationalities=["GT"], date_of_birth=born
    )
    record = LinkRecord(
        unique_id="new",
        given_names="Xiomara Floridalma",
        surnames="Tzunún Cojtí",
        aliases=[],
        date_of_birth=born.isoformat(),
        age_min=None,
        age_max=None,
        age_assessed_on=TODAY.isoformat(),
        gender="Feminine",
        nationality="GT",
        documents=[],
        department="",
        municipality="",
        owner_org=world.home.pk,
    )
    assert [m.person_id for m in possible_duplicates(actor=caseworker, record=record).own] == [person.pk]
    witness_protect(world.actor(Role.PROSECUTOR), person_id=person.pk, started_on=TODAY)
    assert possible_duplicates(actor=caseworker, record=record).own == []


def test_the_identified_export_carries_the_pseudonym(world, protected_case):
    _person, case, protection = protected_case
    row = next(r for r in htcds_rows(world.actor(Role.SUPERVISOR)) if r["cas_CaseId"] == case.number)
    assert row["prs_FirstName"] == protection.pseudonym
    assert row["prs_SecondName"] == row["prs_Birthdate"] == row["prs_Gender"] == row["prs_Citizenship"] == ""
