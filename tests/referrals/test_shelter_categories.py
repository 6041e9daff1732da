"""A shelter's category must fit the person: children are not housed with adults (the presumption of
minority counts as a minor), nor girls with boys. A sex not recorded is left to the staff."""

from __future__ import annotations

import datetime

import pytest
from django.utils.translation import gettext

from amparo.cases import services as cases
from amparo.core.exceptions import ValidationFailed
from amparo.referrals import services, shelter_services
from amparo.referrals.models import Placement, ServiceOffer, ShelterBeds
from tests.conftest import make_person

from .test_shelters import TODAY

pytestmark = pytest.mark.django_db
ADULT = gettext("The person is an adult: a category for children is not for her or him.")
MINOR = gettext("The person is treated as a minor (presumption of minority): choose a category for children.")
SEX = gettext("The category does not match the person's sex as recorded.")


def _referral(world, gender: str, age: int):
    # the directory's offer takes everyone here: the shelter's categories are what is tested
    ServiceOffer.objects.filter(organization=world.other, service_type="shelter").update(
        min_age=None, max_age=None, sexes=[], nationalities=[], departments=[]
    )
    actor = world.actor("caseworker")
    person = make_person(actor, given="Alex", surnames="Coc", age_min=age, age_max=age, gender=gender, documents=[])
    case = cases.case_open(actor=actor, person_id=person.pk)
    if case.minor_protocol:  # a court's protection order
        basis = {"legal_basis": "court_order", "order_reference": "Juzgado 01-2026"}
    else:  # an adult consents
        cases.consent_record(
            actor=actor,
            case_id=case.pk,
            scopes=["referral"],
            referral_services=["shelter"],
            given_by="person",
            given_on=TODAY,
        )
        basis = {"legal_basis": "consent"}
    referral = services.referral_send(
        actor=actor,
        case_id=case.pk,
        to_org_id=world.other.pk,
        service_type="shelter",
        shared_sections=["identity"],
        **basis,
    )
    services.referral_respond(actor=world.actor("shelter_staff", "other"), referral_id=referral.pk, accept=True)
    return referral


@pytest.mark.parametrize(
    ("gender", "age", "category", "refused"),
    [
        ("Feminine", 15, "girls", []),
        ("Feminine", 16, "adolescent_mothers", []),
        ("Feminine", 30, "adult_women", []),
        ("Masculine", 40, "men", []),
        ("Masculine", 12, "boys", []),
        ("NonSpecifiedUnknown", 14, "girls", []),  # the staff decide
        ("Feminine", 15, "foreign_victims", []),
        ("Feminine", 30, "girls", [ADULT]),
        ("Feminine", 15, "adult_women", [MINOR]),
        ("Masculine", 15, "girls", [SEX]),
        ("Masculine", 35, "adult_women", [SEX]),
        ("Feminine", 30, "men", [SEX]),
        ("Masculine", 30, "girls", [ADULT, SEX]),
    ],
)
def test_the_category_fits_the_persons_age_and_sex(world, shelter, gender, age, category, refused) -> None:
    ShelterBeds.objects.get_or_create(shelter=shelter, category=category, defaults={"beds": 2})
    referral = _referral(world, gender, age)

    def admit():
        return shelter_services.placement_admit(
            actor=world.actor("shelter_staff", "other"),
            referral_id=referral.pk,
            shelter_id=shelter.pk,
            category=category,
            court="Juzgado de Niñez y Adolescencia",
            file_number="01-2026-90",
            order_date=TODAY - datetime.timedelta(days=1),
            stay_days=60,
        )

    if not refused:
        assert admit().category == category
        return
    with pytest.raises(ValidationFailed) as exc:
        admit()
    assert exc.value.errors["category"] == refused
    assert not Placement.objects.exists()
