from __future__ import annotations

import pytest
from django.test import Client

from amparo.accounts.models import ApiToken, Membership, User
from amparo.accounts.services import api_token_create, membership_revoke
from amparo.audit.models import AuditEvent
from amparo.core.exceptions import NotFound, ValidationFailed
from tests.conftest import login


@pytest.mark.django_db
def test_administrator_creates_user_in_own_institution(world) -> None:
    client = login(Client(), world.user("administrator"))
    weak = client.post("/accounts/users/new/", {"username": "nuevo", "role": "caseworker", "password": "123"})
    assert weak.status_code == 200 and weak.context["form"].errors["password"]
    assert not User.objects.filter(username="nuevo").exists()
    ok = client.post(
        "/accounts/users/new/", {"username": "nuevo", "role": "caseworker", "password": "Un-buen-secreto-2026"}
    )
    assert ok.status_code == 302
    membership = Membership.objects.get(user__username="nuevo")
    assert membership.organization == world.home and membership.role == "caseworker"
    assert AuditEvent.objects.filter(action="membership.grant", target_id=str(membership.pk)).exists()
    duplicate = client.post(
        "/accounts/users/new/", {"username": "NUEVO", "role": "caseworker", "password": "Un-buen-secreto-2026"}
    )
    assert duplicate.context["form"].errors["username"]


@pytest.mark.django_db
def test_grant_and_revoke_roles_and_tokens_die_with_the_role(world) -> None:
    admin = login(Client(), world.user("administrator"))
    target = world.user("caseworker")
    token, _raw = api_token_create(actor=world.actor("caseworker"), name="x")
    admin.post(f"/accounts/users/{target.pk}/", {"action": "grant", "role": "supervisor"})
    supervisor = Membership.objects.get(user=target, role="supervisor")
    assert supervisor.is_active
    grants = AuditEvent.objects.filter(action="membership.grant").count()
    again = admin.post(f"/accounts/users/{target.pk}/", {"action": "grant", "role": "supervisor"}, follow=True)
    assert "nothing changed" in again.content.decode() or "no cambió nada" in again.content.decode()
    assert AuditEvent.objects.filter(action="membership.grant").count() == grants  # no change, no event
    caseworker = Membership.objects.get(user=target, role="caseworker")
    admin.post(f"/accounts/users/{target.pk}/", {"action": "revoke", "membership": caseworker.pk})
    caseworker.refresh_from_db()
    assert not caseworker.is_active and ApiToken.objects.get(pk=token.pk).revoked_at is not None


@pytest.mark.django_db
def test_administrator_cannot_touch_another_institution(world) -> None:
    other_user = world.user("caseworker", "other")
    admin = login(Client(), world.user("administrator"))
    assert admin.get(f"/accounts/users/{other_user.pk}/").status_code == 404
    assert admin.post(f"/accounts/users/{other_user.pk}/", {"action": "deactivate"}).status_code == 404
    other_membership = other_user.memberships.get()
    with pytest.raises(NotFound):
        membership_revoke(actor=world.actor("administrator"), membership_id=other_membership.pk)
    assert User.objects.get(pk=other_user.pk).is_active


@pytest.mark.django_db
def test_administrator_sees_no_case_content_and_cannot_lock_self_out(world) -> None:
    admin = login(Client(), world.user("administrator"))
    assert admin.get("/persons/").status_code == 403
    own = world.user("administrator").memberships.get()
    with pytest.raises(ValidationFailed):
        membership_revoke(actor=world.actor("administrator"), membership_id=own.pk)


@pytest.mark.django_db
def test_deactivated_user_cannot_sign_in(world) -> None:
    from tests.factories import PASSWORD

    target = world.user("investigator")
    login(Client(), world.user("administrator")).post(f"/accounts/users/{target.pk}/", {"action": "deactivate"})
    response = Client().post("/accounts/login/", {"username": target.username, "password": PASSWORD})
    assert response.status_code == 200 and response.context["form"].non_field_errors()


@pytest.mark.django_db
def test_auditor_sees_only_own_institution_events(world) -> None:
    login(Client(), world.user("caseworker")).get("/persons/?name=Ana")
    login(Client(), world.user("caseworker", "other")).get("/persons/?name=Ana")
    page = login(Client(), world.user("auditor")).get("/audit/?action=person.search")
    orgs = {e.organization_id for e in page.context["page"]}
    assert orgs == {world.home.pk}


@pytest.mark.django_db
def test_audit_filter_refuses_an_end_before_the_start(world) -> None:
    login(Client(), world.user("caseworker")).get("/persons/?name=Ana")
    page = login(Client(), world.user("auditor")).get("/audit/?date_from=2026-12-01&date_to=2026-01-01")
    assert page.context["form"].errors["date_to"]
    assert list(page.context["page"]) == []
