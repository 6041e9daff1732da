from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection
from django.test import Client
from django.utils import formats, timezone, translation

from amparo.cases import services as cases
from amparo.core.exceptions import ValidationFailed
from amparo.organizations.models import Unit
from amparo.referrals import services, shelter_services
from amparo.referrals.models import Placement, Shelter, ShelterAccess, ShelterBeds
from amparo.referrals.shelter_selectors import availability, can_see_address, order_alerts
from tests.conftest import login, make_person

TODAY = timezone.localdate()


@pytest.fixture
def shelter(world) -> Shelter:
    unit = Unit.objects.get(organization=world.other, code="hogar-antigua")
    for role in ("shelter_staff", "supervisor"):  # the shelter's staff work in its unit
        world.user(role, "other").memberships.update(unit=unit)
    shelter = Shelter.objects.create(
        organization=world.other,
        unit=unit,
        name="Hogar Antigua",
        department="03",
        address="Calle del Hogar 7, Antigua Guatemala",
    )
    ShelterBeds.objects.create(shelter=shelter, category="girls", beds=1)
    return shelter


def _accepted_shelter_referral(world):
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


def _admit(world, shelter, referral, **kwargs):
    params = {
        "category": "girls",
        "court": "Juzgado de Niñez y Adolescencia",
        "file_number": "01-2026-88",
        "order_date": TODAY - datetime.timedelta(days=2),
        "stay_days": 90,
    }
    params.update(kwargs)
    return shelter_services.placement_admit(
        actor=world.actor("shelter_staff", "other"), referral_id=referral.pk, shelter_id=shelter.pk, **params
    )


@pytest.mark.django_db
def test_admission_under_a_court_order_and_capacity(world, shelter) -> None:
    first = _accepted_shelter_referral(world)
    placement = _admit(world, shelter, first)
    assert placement.order_end == TODAY - datetime.timedelta(days=2) + datetime.timedelta(days=90)
    rows = availability(actor=world.actor("caseworker"))
    row = next(r for r in rows if r.shelter == shelter)
    assert (row.beds, row.occupied, row.free) == (1, 1, 0)
    second = _accepted_shelter_referral(world)
    with pytest.raises(ValidationFailed) as exc:  # the only bed is taken
        _admit(world, shelter, second)
    assert "category" in exc.value.errors
    shelter_services.placement_discharge(
        actor=world.actor("shelter_staff", "other"), placement_id=placement.pk, destination="ngo"
    )
    _admit(world, shelter, second)  # the bed is free again


@pytest.mark.django_db
def test_refusals_order_ended_future_order_not_accepted(world, shelter) -> None:
    referral = _accepted_shelter_referral(world)
    with pytest.raises(ValidationFailed) as exc:
        _admit(world, shelter, referral, order_date=TODAY - datetime.timedelta(days=100), stay_days=30)
    assert "order_date" in exc.value.errors
    ended_on = TODAY - datetime.timedelta(days=70)
    with translation.override("es"):  # the date as the user reads it, not ISO
        assert formats.date_format(ended_on, "SHORT_DATE_FORMAT") in exc.value.errors["order_date"][0]
    assert ended_on.isoformat() not in exc.value.errors["order_date"][0]
    with pytest.raises(ValidationFailed):
        _admit(world, shelter, referral, order_date=TODAY + datetime.timedelta(days=1))
    with pytest.raises(ValidationFailed):
        _admit(world, shelter, referral, court="", file_number="")
    assert not Placement.objects.exists()


@pytest.mark.django_db
def test_a_discharge_needs_a_chosen_destination_and_a_confirmation(world, shelter) -> None:
    placement = _admit(world, shelter, _accepted_shelter_referral(world))
    client = login(Client(), world.user("shelter_staff", "other"))
    page = client.get(f"/referrals/shelters/{shelter.pk}/").content.decode()
    form = page.split("/discharge/", 1)[1].split("</form>", 1)[0]
    assert "data-confirm=" in form
    assert 'name="destination" required><option value="">' in form  # nothing preselected
    assert "selected" not in form
    client.post(f"/referrals/placements/{placement.pk}/discharge/", {"destination": ""})
    assert Placement.objects.get(pk=placement.pk).discharged_at is None


@pytest.mark.django_db
def test_order_expiry_alerts(world, shelter) -> None:
    referral = _accepted_shelter_referral(world)
    placement = _admit(world, shelter, referral, order_date=TODAY - datetime.timedelta(days=25), stay_days=30)
    alerts = order_alerts(actor=world.actor("shelter_staff", "other"))
    assert [p.pk for p in alerts.expiring] == [placement.pk] and alerts.expired == []
    later = order_alerts(actor=world.actor("shelter_staff", "other"), today=TODAY + datetime.timedelta(days=10))
    assert [p.pk for p in later.expired] == [placement.pk]


@pytest.mark.django_db
def test_shelter_address_is_critical_data(world, shelter) -> None:
    staff = world.actor("shelter_staff", "other")
    assert can_see_address(staff, shelter)
    outsider = world.actor("caseworker", "other")  # same institution, not the shelter's unit
    assert not can_see_address(outsider, shelter)
    assert not can_see_address(world.actor("caseworker"), shelter)
    ShelterAccess.objects.create(
        shelter=shelter, user=world.user("caseworker"), granted_by=world.user("supervisor", "other")
    )
    assert can_see_address(world.actor("caseworker"), shelter)
    page = login(Client(), world.user("shelter_staff", "other")).get(f"/referrals/shelters/{shelter.pk}/")
    assert "Calle del Hogar" in page.content.decode()
    supervisor_other_unit = world.user("caseworker", "other")
    assert login(Client(), supervisor_other_unit).get(f"/referrals/shelters/{shelter.pk}/").status_code == 403
    national = login(Client(), world.user("caseworker")).get("/referrals/shelters/")
    assert national.status_code == 200 and "Calle del Hogar" not in national.content.decode()


@pytest.mark.django_db(transaction=True)
def test_two_admissions_for_the_last_bed_exactly_one_succeeds(world, shelter) -> None:
    referrals = [_accepted_shelter_referral(world), _accepted_shelter_referral(world)]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def admit(referral) -> None:
        try:
            barrier.wait()
            _admit(world, shelter, referral)
            outcomes.append("admitted")
        except ValidationFailed:
            outcomes.append("full")
        finally:
            connection.close()

    threads = [threading.Thread(target=admit, args=(r,)) for r in referrals]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["admitted", "full"]
    assert Placement.objects.filter(discharged_at__isnull=True).count() == 1


@pytest.mark.django_db
def test_the_sender_sees_the_shelter_stay_on_the_referral_page(world, shelter, english) -> None:
    """The notices "admitted", "order ends" and "discharged" link to the referral: it shows the stay."""
    referral = _accepted_shelter_referral(world)
    placement = _admit(world, shelter, referral)
    sender = login(Client(), world.user("caseworker"))
    page = sender.get(f"/referrals/{referral.pk}/").content.decode()
    assert "Hogar Antigua" in page and "Juzgado de Niñez y Adolescencia" in page
    assert formats.date_format(placement.order_end, "SHORT_DATE_FORMAT") in page
    assert "01-2026-88" not in page  # the court file number stays with the shelter
    shelter_services.placement_discharge(
        actor=world.actor("shelter_staff", "other"), placement_id=placement.pk, destination="ngo"
    )
    page = sender.get(f"/referrals/{referral.pk}/").content.decode()
    assert "NGO long-term care" in page
    receiver = login(Client(), world.user("shelter_staff", "other")).get(f"/referrals/{referral.pk}/")
    assert "Hogar Antigua" in receiver.content.decode()


@pytest.mark.django_db(transaction=True)
def test_two_admissions_of_the_same_person_at_once_exactly_one_succeeds(world, shelter) -> None:
    """A double submission, or two shelters of the institution at once: one placement, never two."""
    ShelterBeds.objects.filter(shelter=shelter).update(beds=5)
    second = Shelter.objects.create(organization=world.other, unit=shelter.unit, name="Hogar Dos", department="01")
    ShelterBeds.objects.create(shelter=second, category="girls", beds=5)
    referral = _accepted_shelter_referral(world)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def admit(target: Shelter) -> None:
        try:
            barrier.wait()
            _admit(world, target, referral)
            outcomes.append("admitted")
        except ValidationFailed:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=admit, args=(s,)) for s in (shelter, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["admitted", "refused"]
    assert Placement.objects.filter(case=referral.case, discharged_at__isnull=True).count() == 1
