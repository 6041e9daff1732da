"""Notifications reach only people who still work in Amparo: an active account with an active role."""

from __future__ import annotations

import uuid

import pytest
from django.core import mail

from amparo.accounts.models import Membership
from amparo.accounts.services import membership_revoke, user_set_active
from amparo.notifications import kinds
from amparo.notifications.models import Notification
from amparo.notifications.selectors import reachable_recipients
from amparo.notifications.services import notify
from amparo.notifications.tasks import send_notification_email
from amparo.organizations.models import Organization
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

TARGET = f"/referrals/{uuid.UUID(int=9)}/"


def _revoke_all(world, user) -> None:
    for membership in user.memberships.filter(is_active=True):
        membership_revoke(actor=world.actor("administrator"), membership_id=membership.pk)


def test_revoked_and_deactivated_users_are_not_notified(world) -> None:
    staying = world.user("caseworker")
    revoked = world.user("supervisor")
    deactivated = world.user("shelter_staff")
    _revoke_all(world, revoked)
    user_set_active(actor=world.actor("administrator"), user=deactivated, active=False)
    never_member = UserFactory(username="sin-institucion")

    created = notify(
        recipients=[staying, revoked, deactivated, never_member], kind=kinds.REFERRAL_RECEIVED, target_url=TARGET
    )

    assert [n.recipient_id for n in created] == [staying.pk]
    assert set(Notification.objects.values_list("recipient_id", flat=True)) == {staying.pk}


def test_stale_user_objects_do_not_decide(world) -> None:
    """The database decides: a User object loaded before the account was deactivated is not notified."""
    stale = world.user("hotline_operator")
    Membership.objects.filter(user=stale).update(is_active=False)
    assert stale.is_active  # the in-memory object still looks active
    assert notify(recipients=[stale], kind=kinds.REFERRAL_RECEIVED, target_url=TARGET) == []


def test_a_role_in_an_inactive_institution_does_not_count(world) -> None:
    closed = Organization.objects.create(code="cerrada", acronym="CER", name="Cerrada", org_type="NGO", is_active=False)
    user = MembershipFactory(user=UserFactory(username="de-cerrada"), organization=closed).user
    assert notify(recipients=[user], kind=kinds.REFERRAL_RECEIVED, target_url=TARGET) == []


def test_the_institution_the_notice_concerns_is_preferred(world) -> None:
    """Someone who moved from home to the other institution: still notified in general, but not of home's
    business once the caller names home."""
    mover = world.user("caseworker")
    MembershipFactory(user=mover, organization=world.other, role="caseworker")
    home_role = mover.memberships.get(organization=world.home)
    membership_revoke(actor=world.actor("administrator"), membership_id=home_role.pk)
    colleague = world.user("supervisor")

    assert reachable_recipients([mover, colleague]) == [mover, colleague]
    assert reachable_recipients([mover, colleague], organization_id=world.home.pk) == [colleague]
    created = notify(
        recipients=[mover, colleague], kind=kinds.REFERRAL_ACCEPTED, target_url=TARGET, organization_id=world.home.pk
    )
    assert [n.recipient_id for n in created] == [colleague.pk]


def test_no_email_for_someone_who_left_after_the_notice(world) -> None:
    user = world.user("caseworker")
    user.email = "cw@example.org"
    user.save(update_fields=["email"])
    (notification,) = notify(recipients=[user], kind=kinds.REFERRAL_OVERDUE, target_url=TARGET)
    _revoke_all(world, user)
    assert send_notification_email.call(notification_id=notification.pk) is False
    assert mail.outbox == []
    notification.refresh_from_db()
    assert notification.emailed_at is None
