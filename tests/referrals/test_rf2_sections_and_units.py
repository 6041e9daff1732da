"""What each shared section holds (the page, the PDF and the API alike), and shelters run by units."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from amparo.cases import services as cases
from amparo.core.exceptions import NotFound
from amparo.organizations.models import Unit
from amparo.referrals import api, services, shelter_services
from amparo.referrals.models import Placement, Section, ServiceOffer, Shelter, ShelterBeds
from amparo.referrals.selectors import SECTION_FIELDS
from tests.conftest import login, make_person
from tests.factories import MembershipFactory, UserFactory

TODAY = timezone.localdate()


def _referral(world, sections: list[str]):
    ServiceOffer.objects.filter(organization=world.other, service_type="psychological").update(max_age=None)
    actor = world.actor("caseworker")
    person = make_person(
        actor,
        date_of_birth=datetime.date(TODAY.year - 24, 3, 9),
        aliases=["La Güera"],
        phone="5555-0101",
        email="valeria@example.org",
        address="Zona 18, Ciudad de Guatemala",
        residence_department="01",
        residence_municipality="0101",
        nationalities=["HN"],
    )
    case = cases.case_open(actor=actor, person_id=person.pk)
    cases.consent_record(
        actor=actor,
        case_id=case.pk,
        scopes=["referral"],
        referral_services=["psychological"],
        given_by="person",
        given_on=TODAY,
    )
    return services.referral_send(
        actor=actor,
        case_id=case.pk,
        to_org_id=world.other.pk,
        service_type="psychological",
        legal_basis="consent",
        shared_sections=sections,
    )


def test_the_api_serializers_hold_exactly_the_defined_fields() -> None:
    for code, serializer in api.SECTION_SERIALIZERS.items():
        assert tuple(serializer().fields) == SECTION_FIELDS[code], code


@pytest.mark.django_db
def test_the_api_returns_exactly_what_each_section_promises(world) -> None:
    referral = _referral(world, ["identity", "contact", "screening"])
    receiver = login(Client(), world.user("caseworker", "other"))
    sections = receiver.get(f"/api/v1/referrals/{referral.pk}/").json()["sections"]
    assert set(sections) == {"identity", "contact", "screening"}
    for code in ("identity", "contact", "screening"):
        assert tuple(sections[code]) == SECTION_FIELDS[code]
    identity = sections["identity"]
    assert identity["given_names"] == "Valeria" and identity["nationalities"] == ["HN"]
    assert identity["age_min"] in (23, 24) and identity["age_max"] in (23, 24)  # the age, not the date
    assert "date_of_birth" not in identity and "aliases" not in identity
    assert sections["contact"]["phone"] == "5555-0101" and "email" not in sections["contact"]
    text = str(sections)
    for outside in ("valeria@example.org", "Güera", f"{TODAY.year - 24}-03-09"):
        assert outside not in text
    # The page shows the same: the phone, not the e-mail nor the alias.
    page = receiver.get(f"/referrals/{referral.pk}/").content.decode()
    assert "5555-0101" in page and "valeria@example.org" not in page and "Güera" not in page


@pytest.mark.django_db
def test_the_api_schema_documents_the_section_fields(world) -> None:
    client = login(Client(), world.user("caseworker"))
    schemas = client.get("/api/schema/?format=json").json()["components"]["schemas"]
    assert tuple(schemas["IdentitySection"]["properties"]) == SECTION_FIELDS[Section.IDENTITY]
    assert tuple(schemas["ContactSection"]["properties"]) == SECTION_FIELDS[Section.CONTACT]


# --- shelters run by units ---


@pytest.fixture
def two_units(world):
    """SBS runs two shelters, each with its own unit and staff."""
    antigua = Unit.objects.get(organization=world.other, code="hogar-antigua")
    other_unit = Unit.objects.create(organization=world.other, name="Hogar Quetzaltenango", code="hogar-xela")
    world.user("shelter_staff", "other").memberships.update(unit=antigua)
    mine = Shelter.objects.create(organization=world.other, unit=antigua, name="Hogar Antigua", department="03")
    theirs = Shelter.objects.create(organization=world.other, unit=other_unit, name="Hogar Xela", department="09")
    for shelter in (mine, theirs):
        ShelterBeds.objects.create(shelter=shelter, category="girls", beds=3)
    return mine, theirs


def _accepted(world):
    actor = world.actor("caseworker")
    person = make_person(actor, given="Ixchel", surnames="Coc", age_min=14, age_max=15, gender="Feminine")
    case = cases.case_open(actor=actor, person_id=person.pk)
    referral = services.referral_send(
        actor=actor,
        case_id=case.pk,
        to_org_id=world.other.pk,
        service_type="shelter",
        legal_basis="court_order",
        order_reference="Juzgado de Niñez 01-2026",
        shared_sections=["identity"],
    )
    services.referral_respond(actor=world.actor("shelter_staff", "other"), referral_id=referral.pk, accept=True)
    return referral


def _admit(actor, referral, shelter) -> Placement:
    return shelter_services.placement_admit(
        actor=actor,
        referral_id=referral.pk,
        shelter_id=shelter.pk,
        category="girls",
        court="Juzgado de Niñez",
        file_number="01-2026-88",
        order_date=TODAY - datetime.timedelta(days=2),
        stay_days=90,
    )


@pytest.mark.django_db
def test_shelter_staff_act_only_in_their_units_shelters(world, two_units) -> None:
    mine, theirs = two_units
    staff = world.actor("shelter_staff", "other")
    with pytest.raises(NotFound):
        _admit(staff, _accepted(world), theirs)
    placement = _admit(staff, _accepted(world), mine)
    # The other unit's shelter gets a placement from a supervisor, who manages every unit's shelters.
    supervised = _admit(world.actor("supervisor", "other"), _accepted(world), theirs)
    with pytest.raises(NotFound):
        shelter_services.placement_discharge(actor=staff, placement_id=supervised.pk, destination="family")
    with pytest.raises(NotFound):
        shelter_services.placement_renew(
            actor=staff,
            placement_id=supervised.pk,
            court="Juzgado",
            file_number="02-2026",
            order_date=TODAY,
            stay_days=200,
        )
    client = login(Client(), world.user("shelter_staff", "other"))
    assert client.get(f"/referrals/shelters/{theirs.pk}/").status_code == 404
    assert client.get(f"/referrals/placements/{supervised.pk}/renew/").status_code == 404
    assert (
        client.post(f"/referrals/placements/{supervised.pk}/discharge/", {"destination": "family"}).status_code == 404
    )
    supervised.refresh_from_db()
    assert supervised.discharged_at is None
    # Their own unit's placement they manage, through the same pages.
    assert client.get(f"/referrals/placements/{placement.pk}/renew/").status_code == 200
    assert client.post(f"/referrals/placements/{placement.pk}/discharge/", {"destination": "family"}).status_code == 302
    placement.refresh_from_db()
    assert placement.discharged_at is not None
    supervisor = login(Client(), world.user("supervisor", "other"))
    assert (
        supervisor.post(f"/referrals/placements/{supervised.pk}/discharge/", {"destination": "family"}).status_code
        == 302
    )
    supervised.refresh_from_db()
    assert supervised.discharged_at is not None


@pytest.mark.django_db
def test_shelter_staff_without_a_unit_act_only_where_no_unit_runs_the_shelter(world, two_units) -> None:
    mine, _theirs = two_units
    no_unit = MembershipFactory(
        user=UserFactory(username="sbs-no-unit"), organization=world.other, role="shelter_staff"
    )
    from amparo.accounts.actor import Actor

    actor = Actor(user=no_unit.user, membership=no_unit)
    with pytest.raises(NotFound):
        _admit(actor, _accepted(world), mine)
    unrun = Shelter.objects.create(organization=world.other, name="Hogar sin unidad")
    ShelterBeds.objects.create(shelter=unrun, category="girls", beds=1)
    assert _admit(actor, _accepted(world), unrun).shelter_id == unrun.pk
