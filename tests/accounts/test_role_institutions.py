"""Roles that carry state powers are held only in the institutions that have those powers (roles.ROLE_HOLDERS)."""

from __future__ import annotations

import pytest
from django.test import Client

from amparo.accounts import demo
from amparo.accounts.actor import Actor
from amparo.accounts.forms import MembershipGrantForm, UserCreateForm
from amparo.accounts.models import Membership, User
from amparo.accounts.roles import ROLE_HOLDERS, Role, role_allowed_in, role_choices_for
from amparo.accounts.services import admin_create_initial, membership_grant, membership_revoke, user_create
from amparo.audit.models import AuditEvent
from amparo.core.exceptions import ValidationFailed
from amparo.organizations.models import Organization
from tests.conftest import login
from tests.factories import MembershipFactory, TOTPDeviceFactory, UserFactory

PASSWORD = "Un-buen-secreto-2026"
STATE_ROLES = [Role.PROSECUTOR, Role.INVESTIGATOR, Role.CONSULAR_OFFICER, Role.PGN_ATTORNEY]
GENERAL_ROLES = [r for r in Role.values if r not in STATE_ROLES]

# Which seeded institutions may hold each state role; every other seeded institution may not.
HOLDERS = {
    Role.PROSECUTOR: {"mp"},
    Role.INVESTIGATOR: {"mp", "pnc"},
    Role.CONSULAR_OFFICER: {"minex", "consulado-tapachula", "consulado-mexico"},
    Role.PGN_ATTORNEY: {"pgn"},
}


def _admin_of(code: str) -> Actor:
    organization = Organization.objects.get(code=code)
    membership = MembershipFactory(
        user=UserFactory(username=f"admin-{code}"), organization=organization, role=Role.ADMINISTRATOR
    )
    TOTPDeviceFactory(user=membership.user)
    return Actor(user=membership.user, membership=membership)


def test_every_role_is_in_the_table() -> None:
    assert set(ROLE_HOLDERS) == set(Role.values)


@pytest.mark.django_db
@pytest.mark.parametrize("role", STATE_ROLES)
def test_state_roles_only_in_their_institutions(role: str) -> None:
    allowed = {o.code for o in Organization.objects.all() if role_allowed_in(role, o)}
    assert allowed == HOLDERS[role]


@pytest.mark.django_db
def test_general_roles_anywhere_and_unknown_roles_nowhere() -> None:
    for organization in Organization.objects.all():
        assert all(role_allowed_in(role, organization) for role in GENERAL_ROLES), organization.code
        assert not role_allowed_in("judge", organization)


@pytest.mark.django_db
def test_consulates_of_other_countries_may_have_consular_officers() -> None:
    consulate = Organization.objects.create(
        code="consulado-honduras", acronym="CONS-HN", name="Consulado de Honduras", org_type="CentralGovernment"
    )
    ngo = Organization.objects.create(code="ngo-consular", acronym="X", name="Consultores", org_type="NGO")
    assert role_allowed_in(Role.CONSULAR_OFFICER, consulate)
    assert not role_allowed_in(Role.CONSULAR_OFFICER, ngo)
    assert not role_allowed_in(Role.PROSECUTOR, consulate)


@pytest.mark.django_db
@pytest.mark.parametrize("role", STATE_ROLES)
def test_ngo_administrator_cannot_create_a_state_role_and_nothing_is_saved(world, role: str, english) -> None:
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        user_create(actor=world.actor("administrator"), username="falso", password=PASSWORD, role=role)
    message = refused.value.errors["role"][0]
    assert message.startswith("Casa Alianza cannot hold the role ") and "reserved to other institutions" in message
    assert not User.objects.filter(username="falso").exists()
    assert AuditEvent.objects.count() == events


@pytest.mark.django_db
@pytest.mark.parametrize("role", STATE_ROLES)
def test_ngo_administrator_cannot_grant_a_state_role(world, role: str) -> None:
    target = world.user("caseworker")
    before = set(Membership.objects.filter(user=target).values_list("pk", "role", "is_active"))
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        membership_grant(actor=world.actor("administrator"), user=target, role=role)
    assert "role" in refused.value.errors
    assert set(Membership.objects.filter(user=target).values_list("pk", "role", "is_active")) == before
    assert AuditEvent.objects.count() == events


@pytest.mark.django_db
def test_a_removed_impossible_role_cannot_be_granted_again(world) -> None:
    """The shared test fixture gives every role to both institutions; once removed, the rule keeps it out."""
    admin = world.actor("administrator")
    prosecutor = world.user("prosecutor")
    membership = prosecutor.memberships.get()
    membership_revoke(actor=admin, membership_id=membership.pk)
    with pytest.raises(ValidationFailed):
        membership_grant(actor=admin, user=prosecutor, role=Role.PROSECUTOR)
    membership.refresh_from_db()
    assert not membership.is_active


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "role"),
    [
        ("mp", Role.PROSECUTOR),
        ("mp", Role.INVESTIGATOR),
        ("pnc", Role.INVESTIGATOR),
        ("minex", Role.CONSULAR_OFFICER),
        ("consulado-tapachula", Role.CONSULAR_OFFICER),
        ("pgn", Role.PGN_ATTORNEY),
        ("casa-alianza", Role.CASEWORKER),
        ("dgm", Role.CASEWORKER),
        ("pdh", Role.HOTLINE_OPERATOR),
        ("svet", Role.STATISTICIAN),
        ("sbs", Role.SHELTER_STAFF),
    ],
)
def test_allowed_combinations_are_created_and_granted(code: str, role: str) -> None:
    admin = _admin_of(code)
    user = user_create(actor=admin, username=f"new-{code}-{role}", password=PASSWORD, role=role)
    membership = Membership.objects.get(user=user)
    assert (membership.organization.code, membership.role, membership.is_active) == (code, role, True)
    other = user_create(actor=admin, username=f"second-{code}-{role}", password=PASSWORD, role=Role.SUPERVISOR)
    granted = membership_grant(actor=admin, user=other, role=role)
    assert granted.is_active and granted.organization.code == code


@pytest.mark.django_db
def test_mp_administrator_cannot_create_a_pgn_attorney_or_consul() -> None:
    admin = _admin_of("mp")
    for role in (Role.PGN_ATTORNEY, Role.CONSULAR_OFFICER):
        with pytest.raises(ValidationFailed):
            user_create(actor=admin, username=f"x-{role}", password=PASSWORD, role=role)
    assert not User.objects.filter(username__startswith="x-").exists()


@pytest.mark.django_db
def test_forms_offer_only_the_allowed_roles(world) -> None:
    ngo_roles = {value for value, _label in UserCreateForm(organization=world.home).fields["role"].choices}
    assert ngo_roles == set(GENERAL_ROLES)
    mp = Organization.objects.get(code="mp")
    mp_roles = {value for value, _label in MembershipGrantForm(organization=mp).fields["role"].choices}
    assert mp_roles == {*GENERAL_ROLES, Role.PROSECUTOR, Role.INVESTIGATOR}
    assert role_choices_for(None) == []


@pytest.mark.django_db
def test_user_form_screen_refuses_a_role_it_does_not_offer(world) -> None:
    client = login(Client(), world.user("administrator"))
    page = client.get("/accounts/users/new/").content.decode()
    assert 'value="caseworker"' in page and 'value="prosecutor"' not in page and 'value="investigator"' not in page
    response = client.post("/accounts/users/new/", {"username": "falso", "role": "prosecutor", "password": PASSWORD})
    assert response.status_code == 200 and response.context["form"].errors["role"]
    assert not User.objects.filter(username="falso").exists()
    detail = client.get(f"/accounts/users/{world.user('caseworker').pk}/").content.decode()
    assert 'value="supervisor"' in detail and 'value="pgn_attorney"' not in detail


@pytest.mark.django_db
def test_first_administrator_of_any_institution() -> None:
    ngo = Organization.objects.get(code="sobrevivientes")
    user = admin_create_initial(username="primera", password=PASSWORD, organization=ngo)
    assert Membership.objects.get(user=user).role == Role.ADMINISTRATOR


@pytest.mark.django_db
def test_demo_accounts_follow_the_rule(monkeypatch) -> None:
    for username, code, role, _unit in demo.DEMO_ACCOUNTS:
        assert role_allowed_in(role, Organization.objects.get(code=code)), username
    monkeypatch.setattr(demo, "DEMO_ACCOUNTS", [("falso.fiscal", "casa-alianza", Role.PROSECUTOR, None)])
    with pytest.raises(ValueError):
        demo.ensure_demo_accounts()
    assert not User.objects.filter(username="falso.fiscal").exists()
