"""A judge renews a shelter stay: the shelter records the new court order, the placement takes it, the order
it replaced is kept, the referring institution is told and the reminders follow the new end."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils.translation import gettext

from amparo.audit.models import AuditEvent
from amparo.core.exceptions import NotFound, ValidationFailed
from amparo.notifications.models import Notification
from amparo.referrals import shelter_services
from amparo.referrals.models import Placement, PlacementRenewal
from amparo.reminders import services as reminders
from tests.conftest import login

from .test_shelters import TODAY, _accepted_shelter_referral, _admit

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def _renew(world, placement, **kwargs):
    params = {
        "court": "Juzgado de Niñez y Adolescencia",
        "file_number": "01-2026-88-R1",
        "judge": "Jueza Pérez",
        "order_date": TODAY,
        "stay_days": 180,
    }
    params.update(kwargs)
    return shelter_services.placement_renew(
        actor=world.actor("shelter_staff", "other"), placement_id=placement.pk, **params
    )


def test_a_renewed_order_extends_the_stay_keeps_the_old_one_and_tells_the_referring_team(world, shelter) -> None:
    placement = _admit(world, shelter, _accepted_shelter_referral(world), order_date=TODAY - 40 * DAY, stay_days=45)
    # ten days ago its order ended and nobody recorded the judge's renewal: the reminders say so
    Placement.objects.filter(pk=placement.pk).update(order_end=TODAY - 10 * DAY)
    assert reminders.placement_reminders(TODAY) == 1
    Notification.objects.all().delete()
    _renew(world, placement)
    placement = Placement.objects.get(pk=placement.pk)
    assert (placement.order_date, placement.order_end) == (TODAY, TODAY + 180 * DAY)
    assert (placement.file_number, placement.judge) == ("01-2026-88-R1", "Jueza Pérez")
    renewal = PlacementRenewal.objects.get(placement=placement)
    assert (renewal.previous_order_date, renewal.previous_order_end) == (TODAY - 40 * DAY, TODAY - 10 * DAY)
    assert renewal.previous_file_number == "01-2026-88" and renewal.previous_judge is None
    stored = PlacementRenewal.objects.values_list("previous_file_number", flat=True).get()
    assert "01-2026" not in stored  # encrypted
    event = AuditEvent.objects.get(action="shelter.order_renewed")
    assert event.details == {
        "previous_end": (TODAY - 10 * DAY).isoformat(),
        "order_end": (TODAY + 180 * DAY).isoformat(),
    }
    notified = Notification.objects.filter(kind="placement.order_renewed")
    assert set(notified.values_list("recipient__username", flat=True)) >= {world.user("caseworker").username}
    assert reminders.placement_reminders(TODAY) == 0  # nothing has ended any more
    assert reminders.placement_reminders(TODAY + 181 * DAY) == 1  # the new order's end is reminded again


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"stay_days": 10}, "stay_days", None),  # ends before the order in force
        ({"order_date": TODAY + DAY}, "order_date", "The order date cannot be in the future."),
        ({"order_date": TODAY - 400 * DAY}, "order_date", "The new order cannot be older than the order in force."),
        ({"court": " ", "file_number": ""}, "court", "Name the court that ordered the placement."),
        ({"stay_days": 0}, "stay_days", None),
    ],
)
def test_a_renewal_that_does_not_extend_a_valid_order_saves_nothing(world, shelter, change, field, message) -> None:
    placement = _admit(world, shelter, _accepted_shelter_referral(world), order_date=TODAY - 5 * DAY, stay_days=30)
    with pytest.raises(ValidationFailed) as exc:
        _renew(world, placement, **change)
    assert field in exc.value.errors
    if message:
        assert gettext(message) in exc.value.errors[field]
    assert Placement.objects.get(pk=placement.pk).order_end == TODAY + 25 * DAY
    assert not PlacementRenewal.objects.exists() and not AuditEvent.objects.filter(action="shelter.order_renewed")


def test_only_the_shelters_institution_renews_a_present_stay(world, shelter) -> None:
    placement = _admit(world, shelter, _accepted_shelter_referral(world))
    with pytest.raises(NotFound):  # the referring institution's staff: not their shelter
        shelter_services.placement_renew(
            actor=world.actor("shelter_staff"),
            placement_id=placement.pk,
            court="x",
            file_number="y",
            order_date=TODAY,
            stay_days=90,
        )
    shelter_services.placement_discharge(
        actor=world.actor("shelter_staff", "other"), placement_id=placement.pk, destination="family"
    )
    with pytest.raises(ValidationFailed):
        _renew(world, placement)
    assert not PlacementRenewal.objects.exists()


def test_the_renewal_screen(world, shelter, english) -> None:
    placement = _admit(world, shelter, _accepted_shelter_referral(world), order_date=TODAY - 5 * DAY, stay_days=30)
    client = login(Client(), world.user("shelter_staff", "other"))
    page = client.get(f"/referrals/shelters/{shelter.pk}/").content.decode()
    assert f"/referrals/placements/{placement.pk}/renew/" in page
    url = f"/referrals/placements/{placement.pk}/renew/"
    form = client.get(url)
    assert form.status_code == 200 and "Renew the court order" in form.content.decode()
    bad = client.post(url, {"court": "Juzgado", "file_number": "R2", "order_date": TODAY.isoformat(), "stay_days": 3})
    assert bad.status_code == 400 and "The new order must end after the order in force" in bad.content.decode()
    done = client.post(url, {"court": "Juzgado", "file_number": "R2", "order_date": TODAY.isoformat(), "stay_days": 90})
    assert done.status_code == 302 and done["Location"] == f"/referrals/shelters/{shelter.pk}/"
    assert Placement.objects.get(pk=placement.pk).order_end == TODAY + 90 * DAY
    outsider = login(Client(), world.user("shelter_staff"))
    assert outsider.get(url).status_code == 404
