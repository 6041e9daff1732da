"""A new referral is told to the people responsible for its service in the receiving institution."""

from __future__ import annotations

import pytest
from django.utils import timezone

from amparo.accounts.models import Membership
from amparo.cases import services as cases
from amparo.notifications.models import Notification
from amparo.organizations.models import Unit
from amparo.referrals import services
from amparo.referrals.models import ServiceOffer, Shelter
from tests.conftest import make_person
from tests.factories import MembershipFactory, UserFactory

TODAY = timezone.localdate()


def _received_by(referral) -> set[str]:
    rows = Notification.objects.filter(kind="referral.received", target_url=f"/referrals/{referral.pk}/")
    return set(rows.values_list("recipient__username", flat=True))


def _shelter_referral(world):
    actor = world.actor("caseworker")
    person = make_person(actor, age_min=13, age_max=14, gender="Feminine")
    case = cases.case_open(actor=actor, person_id=person.pk)
    return services.referral_send(
        actor=actor,
        case_id=case.pk,
        to_org_id=world.other.pk,
        service_type="shelter",
        legal_basis="court_order",
        order_reference="Juzgado de Niñez 1",
        shared_sections=["identity"],
    )


@pytest.mark.django_db
def test_a_shelter_referral_goes_to_the_shelter_staff(world) -> None:
    referral = _shelter_referral(world)
    assert _received_by(referral) == {"other-shelter_staff"}


@pytest.mark.django_db
def test_with_shelters_run_by_units_only_their_staff_are_told(world) -> None:
    unit = Unit.objects.create(organization=world.other, name="Hogar Virgen de la Asunción", code="hogar-va")
    Shelter.objects.create(organization=world.other, unit=unit, name="Hogar VA")
    in_unit = MembershipFactory(
        user=UserFactory(username="other-shelter-unit"), organization=world.other, role="shelter_staff", unit=unit
    )
    referral = _shelter_referral(world)
    assert _received_by(referral) == {in_unit.user.username}


@pytest.mark.django_db
def test_without_anybody_responsible_every_receiver_is_told(world) -> None:
    Membership.objects.filter(organization=world.other, role="shelter_staff").update(is_active=False)
    referral = _shelter_referral(world)
    expected = {
        m.user.username
        for m in Membership.objects.filter(organization=world.other, is_active=True).select_related("user")
        if m.role in ("caseworker", "supervisor", "consular_officer", "investigator", "prosecutor", "pgn_attorney")
    }
    assert _received_by(referral) == expected


@pytest.mark.django_db
def test_other_services_go_to_every_receiver_and_cancellation_reaches_the_same_people(world) -> None:
    ServiceOffer.objects.filter(organization=world.other, service_type="psychological").update(max_age=None)
    actor = world.actor("caseworker")
    person = make_person(actor, date_of_birth=TODAY.replace(year=TODAY.year - 30))
    case = cases.case_open(actor=actor, person_id=person.pk)
    cases.consent_record(
        actor=actor,
        case_id=case.pk,
        scopes=["referral"],
        referral_services=["psychological"],
        given_by="person",
        given_on=TODAY,
    )
    referral = services.referral_send(
        actor=actor,
        case_id=case.pk,
        to_org_id=world.other.pk,
        service_type="psychological",
        legal_basis="consent",
        shared_sections=["identity"],
    )
    told = _received_by(referral)
    assert "other-caseworker" in told and "other-shelter_staff" in told
    services.referral_cancel(actor=actor, referral_id=referral.pk)
    cancelled = Notification.objects.filter(kind="referral.cancelled").values_list("recipient__username", flat=True)
    assert set(cancelled) == told
