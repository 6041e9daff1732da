"""Account security found by the audit: self-granted roles, account-wide actions across institutions,
passwords (change, reset by an administrator), re-enrolment of the second factor, malformed posts."""

from __future__ import annotations

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from amparo.accounts.models import Membership, User
from amparo.accounts.services import membership_grant, user_reset_two_factor, user_set_active
from amparo.audit.models import AuditEvent
from amparo.core.exceptions import NotFound, ValidationFailed
from tests.conftest import login
from tests.factories import PASSWORD, MembershipFactory

NEW_PASSWORD = "Otra-clave-larga-2026!"


@pytest.mark.django_db
def test_an_administrator_cannot_grant_a_role_to_themselves(world) -> None:
    admin_user = world.user("administrator")
    admin = login(Client(), admin_user)
    response = admin.post(f"/accounts/users/{admin_user.pk}/", {"action": "grant", "role": "caseworker"}, follow=True)
    assert response.status_code == 200
    assert not Membership.objects.filter(user=admin_user, role="caseworker").exists()
    assert "yourself" in response.content.decode() or "usted mismo" in response.content.decode()
    assert admin.get("/persons/").status_code == 403  # still no case content
    with pytest.raises(ValidationFailed):
        membership_grant(actor=world.actor("administrator"), user=admin_user, role="supervisor")
    # Granting to somebody else still works.
    membership_grant(actor=world.actor("administrator"), user=world.user("caseworker"), role="supervisor")
    assert Membership.objects.filter(user=world.user("caseworker"), role="supervisor", is_active=True).exists()


@pytest.mark.django_db
def test_account_wide_actions_stay_with_the_institutions_the_user_works_for(world) -> None:
    # A prosecutor of the other institution who also holds a role here.
    shared = world.user("prosecutor", "other")
    MembershipFactory(user=shared, organization=world.home, role="caseworker")
    admin = login(Client(), world.user("administrator"))
    response = admin.post(f"/accounts/users/{shared.pk}/", {"action": "deactivate"}, follow=True)
    assert response.status_code == 200 and User.objects.get(pk=shared.pk).is_active
    admin.post(f"/accounts/users/{shared.pk}/", {"action": "reset_2fa"})
    assert TOTPDevice.objects.filter(user=shared).exists()
    admin.post(f"/accounts/users/{shared.pk}/", {"action": "set_password", "password": NEW_PASSWORD})
    assert User.objects.get(pk=shared.pk).check_password(PASSWORD)
    # Its role here is still the administrator's to remove.
    here = Membership.objects.get(user=shared, organization=world.home)
    admin.post(f"/accounts/users/{shared.pk}/", {"action": "revoke", "membership": here.pk})
    here.refresh_from_db()
    assert not here.is_active
    # Now a former member: the account is none of this institution's business.
    with pytest.raises(NotFound):
        user_set_active(actor=world.actor("administrator"), user=shared, active=False)
    with pytest.raises(NotFound):
        user_reset_two_factor(actor=world.actor("administrator"), user=shared)
    assert User.objects.get(pk=shared.pk).is_active and TOTPDevice.objects.filter(user=shared).exists()


@pytest.mark.django_db
def test_malformed_posts_are_refused_without_a_server_error(world) -> None:
    target = world.user("caseworker")
    admin = login(Client(), world.user("administrator"))
    response = admin.post(f"/accounts/users/{target.pk}/", {"action": "revoke", "membership": "abc"})
    assert response.status_code == 400
    assert Membership.objects.get(user=target).is_active
    switched = login(Client(), target).post("/accounts/membership/", {"membership": "abc"})
    assert switched.status_code == 302


@pytest.mark.django_db
def test_user_changes_own_password_and_other_sessions_end(world) -> None:
    user = world.user("caseworker")
    here, elsewhere = login(Client(), user), login(Client(), user)
    wrong = here.post(
        "/accounts/security/password/",
        {"current_password": "nope", "new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD},
    )
    assert wrong.status_code == 200 and wrong.context["form"].errors["current_password"]
    assert AuditEvent.objects.filter(action="auth.login_failed", target_id=str(user.pk)).exists()  # counts to lockout
    mismatch = here.post(
        "/accounts/security/password/",
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD + "x"},
    )
    assert mismatch.status_code == 200 and mismatch.context["form"].errors["new_password_again"]
    weak = here.post(
        "/accounts/security/password/",
        {"current_password": PASSWORD, "new_password": "123", "new_password_again": "123"},
    )
    assert weak.status_code == 200 and weak.context["form"].errors["new_password"]
    assert User.objects.get(pk=user.pk).check_password(PASSWORD)
    ok = here.post(
        "/accounts/security/password/",
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD},
    )
    assert ok.status_code == 302
    assert User.objects.get(pk=user.pk).check_password(NEW_PASSWORD)
    assert here.get("/persons/").status_code == 200  # this session goes on
    assert elsewhere.get("/persons/").status_code == 302  # the other one ended
    event = AuditEvent.objects.filter(action="auth.password_changed").latest("seq")
    assert event.target_id == str(user.pk) and event.details == {}


@pytest.mark.django_db
def test_administrator_sets_a_new_password_and_the_users_sessions_end(world) -> None:
    target = world.user("caseworker")
    session = login(Client(), target)
    admin_user = world.user("administrator")
    admin = login(Client(), admin_user)
    admin.post(f"/accounts/users/{target.pk}/", {"action": "set_password", "password": "123"})
    assert User.objects.get(pk=target.pk).check_password(PASSWORD)  # too weak: nothing changed
    admin.post(f"/accounts/users/{target.pk}/", {"action": "set_password", "password": NEW_PASSWORD})
    assert User.objects.get(pk=target.pk).check_password(NEW_PASSWORD)
    assert session.get("/persons/").status_code == 302
    assert AuditEvent.objects.filter(action="user.password_set", target_id=str(target.pk)).exists()
    admin.post(f"/accounts/users/{admin_user.pk}/", {"action": "set_password", "password": NEW_PASSWORD})
    assert User.objects.get(pk=admin_user.pk).check_password(PASSWORD)  # not for oneself: the security page
    assert admin.get("/accounts/users/").status_code == 200


@pytest.mark.django_db
def test_replacing_the_authenticator_asks_to_reauthenticate(world) -> None:
    user = world.user("caseworker")
    client = login(Client(), user)
    response = client.get("/accounts/two-factor/setup/")
    assert response.status_code == 302 and "/accounts/reauth/" in response["Location"]
    assert TOTPDevice.objects.filter(user=user, confirmed=False).count() == 0  # nothing started
    from amparo.accounts.decorators import REAUTH_SESSION_KEY

    session = client.session
    import time

    session[REAUTH_SESSION_KEY] = time.time()
    session.save()
    assert client.get("/accounts/two-factor/setup/").status_code == 200
