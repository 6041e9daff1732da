"""Reminders go to people who still work for the institution concerned; when nobody of a case's team is
left, its supervisors are told instead of nobody."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from amparo.accounts.services import membership_revoke, user_set_active
from amparo.notifications.models import Notification
from amparo.referrals import services as referrals
from amparo.referrals.models import Referral
from amparo.reintegration.models import ScheduledFollowUp
from amparo.reminders import services as reminders
from tests.factories import MembershipFactory
from tests.reminders.test_reminders import DAY, TODAY, _closed_case, _kinds, _referral


def _revoke(world, role: str, where: str = "home") -> None:
    user = world.user(role, where)
    membership = user.memberships.get(organization=world.home if where == "home" else world.other)
    membership_revoke(actor=world.actor("administrator", where), membership_id=membership.pk)


@pytest.mark.django_db
def test_unanswered_referral_skips_sender_and_receiver_who_left(world) -> None:
    _referral(world)
    Notification.objects.all().delete()
    _revoke(world, "caseworker")  # the sender, who also owns the case
    _revoke(world, "caseworker", "other")  # one of the receivers
    assert reminders.referral_reminders(TODAY + DAY) == 1
    assert _kinds(world.user("caseworker")) == []
    assert _kinds(world.user("caseworker", "other")) == []
    assert _kinds(world.user("supervisor")) == ["referral.unanswered"]  # the sending institution still hears
    receivers = referrals.responsible_receivers(world.other.pk, "psychological")
    assert receivers and all(_kinds(u) == ["referral.overdue"] for u in receivers)


@pytest.mark.django_db
def test_completion_reminder_skips_a_deactivated_responder(world, settings) -> None:
    settings.AMPARO_REFERRAL_COMPLETION_DAYS = 30
    referral = _referral(world)
    responder = world.user("supervisor", "other")
    referrals.referral_respond(actor=world.actor("supervisor", "other"), referral_id=referral.pk, accept=True)
    Notification.objects.all().delete()
    user_set_active(actor=world.actor("administrator", "other"), user=responder, active=False)
    Referral.objects.filter(pk=referral.pk).update(responded_at=timezone.now() - datetime.timedelta(days=40))
    assert reminders.referral_reminders(TODAY) == 1
    assert _kinds(responder) == []
    assert _kinds(world.user("caseworker", "other")) == ["referral.completion_overdue"]


@pytest.mark.django_db
def test_follow_up_of_an_owner_who_moved_goes_to_the_supervisors(world, settings) -> None:
    settings.AMPARO_FOLLOW_UP_GRACE_DAYS = 7
    case = _closed_case(world, settings)
    follow_up = ScheduledFollowUp.objects.get(case=case)
    Notification.objects.all().delete()
    owner = world.user("caseworker")
    MembershipFactory(user=owner, organization=world.other, role="caseworker")  # now works elsewhere
    _revoke(world, "caseworker")
    assert reminders.follow_up_reminders(follow_up.due_on) == 1
    assert _kinds(owner) == []  # not told of the case of the institution they left
    assert _kinds(world.user("supervisor")) == ["follow_up.due"]


@pytest.mark.django_db
def test_repatriation_step_reminder_skips_a_team_member_who_left(world) -> None:
    from amparo.repatriation.models import StepState
    from tests.repatriation.helpers import case_for, member, start

    consul = member("consulado-tapachula", "consular_officer")
    repatriation = start(world, case_for(world, minor=False))
    step = repatriation.steps.get(state=StepState.CURRENT)
    assert step.due_date is not None
    Notification.objects.all().delete()
    _revoke(world, "caseworker")
    assert reminders.repatriation_step_reminders(step.due_date + DAY) == 1
    assert "repatriation.step_overdue" in _kinds(consul.user)
    assert _kinds(world.user("caseworker")) == []
