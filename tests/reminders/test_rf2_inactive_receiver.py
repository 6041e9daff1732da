"""A referral sent to an institution deactivated since: the receiver is no longer chased, the sender is."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from amparo.notifications.models import Notification
from amparo.referrals import services as referrals
from amparo.referrals.models import Referral
from amparo.reminders import services as reminders
from tests.conftest import login
from tests.factories import MembershipFactory
from tests.reminders.test_reminders import _kinds, _referral

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def _deactivate_receiver(world):
    """The receiving institution leaves the network; its caseworker also works for an active institution (so
    notify() alone would still reach them)."""
    world.other.is_active = False
    world.other.save(update_fields=["is_active"])
    user = world.user("caseworker", "other")
    MembershipFactory(user=user, organization=world.home, role="caseworker")
    return user


@pytest.mark.django_db
def test_an_unanswered_referral_to_a_deactivated_institution_reminds_only_the_sender(world) -> None:
    referral = _referral(world)
    receiver_also_elsewhere = _deactivate_receiver(world)
    Notification.objects.all().delete()
    assert reminders.referral_reminders(TODAY + DAY) == 1
    assert _kinds(receiver_also_elsewhere) == []
    assert _kinds(world.user("caseworker")) == ["referral.unanswered"]
    # The page the reminder links to tells the sender to cancel and refer elsewhere.
    page = login(Client(), world.user("caseworker")).get(f"/referrals/{referral.pk}/").content.decode()
    assert 'id="receiver-inactive"' in page


@pytest.mark.django_db
def test_an_accepted_referral_of_a_deactivated_institution_reminds_the_sender(world, settings) -> None:
    settings.AMPARO_REFERRAL_COMPLETION_DAYS = 30
    referral = _referral(world)
    referrals.referral_respond(actor=world.actor("caseworker", "other"), referral_id=referral.pk, accept=True)
    Referral.objects.filter(pk=referral.pk).update(responded_at=timezone.now() - datetime.timedelta(days=31))
    receiver_also_elsewhere = _deactivate_receiver(world)
    Notification.objects.all().delete()
    assert reminders.referral_reminders(TODAY) == 1
    assert _kinds(receiver_also_elsewhere) == []
    assert _kinds(world.user("caseworker")) == ["referral.completion_overdue"]
