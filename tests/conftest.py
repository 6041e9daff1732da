"""Base fixtures: two institutions and a user for every role in each (DESIGN.md, house style 9)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY

from amparo.accounts.actor import Actor
from amparo.accounts.models import Membership, User
from amparo.accounts.roles import Role
from amparo.organizations.models import Organization
from amparo.people.models import Person
from amparo.people.services import person_create
from amparo.people.validation import DocumentInput, PersonInput

from .factories import MembershipFactory, TOTPDeviceFactory, UserFactory


def _is_transactional(item: Any) -> bool:
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    return bool(
        (marker and marker.kwargs.get("transaction")) or "transactional_db" in fixtures or "live_server" in fixtures
    )


def _audit_triggers(action: str) -> None:
    """The audit table refuses DELETE and TRUNCATE (append-only); flushing between transactional tests
    needs the triggers lifted, then put back."""
    from django.db import connection

    from amparo.audit.migrations._triggers import statements

    with connection.cursor() as cursor:
        for statement in statements(connection.vendor, action):
            cursor.execute(statement)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: Any, nextitem: Any) -> Any:
    if _is_transactional(item):
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            _audit_triggers("drop")
    yield


def ensure_seed_data() -> None:
    """A transactional test's flush also removes the seed institutions and the legal catalog of the data
    migrations: put them back."""
    from amparo.organizations.models import Organization, Unit
    from amparo.organizations.seed import load_institutions

    if not Organization.objects.filter(code="casa-alianza").exists():
        load_institutions(Organization, Unit)
        from amparo.referrals.models import ServiceOffer
        from amparo.referrals.seed import load_offers

        load_offers(Organization, ServiceOffer)
    from amparo.law.models import Law

    if not Law.objects.exists():
        from amparo.law.loader import read_catalog, real_models, sync_catalog

        sync_catalog(read_catalog(), real_models())


@pytest.fixture(autouse=True)
def _append_only_audit(request: Any) -> None:
    # Tests that take the database through a fixture (``db``, via ``world``) without the marker count too:
    # after a transactional test's flush in the same worker they would find no seed institutions.
    uses_db = "db" in getattr(request, "fixturenames", ())
    if request.node.get_closest_marker("django_db") or uses_db or _is_transactional(request.node):
        request.getfixturevalue("django_db_setup")
        with request.getfixturevalue("django_db_blocker").unblock():
            _audit_triggers("create")
            ensure_seed_data()


@dataclass
class World:
    home: Organization  # "own institution"
    other: Organization  # "other institution"
    users: dict[tuple[str, str], User]  # (institution key, role) -> user

    def user(self, role: str, where: str = "home") -> User:
        return self.users[(where, role)]

    def actor(self, role: str, where: str = "home") -> Actor:
        user = self.user(role, where)
        return Actor(user=user, membership=user.memberships.get())


@pytest.fixture
def world(db: Any) -> World:
    return build_world()


def build_world() -> World:
    home = Organization.objects.get(code="casa-alianza")
    other = Organization.objects.get(code="sbs")
    users: dict[tuple[str, str], User] = {}
    for key, org in (("home", home), ("other", other)):
        for role in Role.values:
            membership = MembershipFactory(user=UserFactory(username=f"{key}-{role}"), organization=org, role=role)
            TOTPDeviceFactory(user=membership.user)
            users[(key, role)] = membership.user
    return World(home=home, other=other, users=users)


def login(client: Client, user: User) -> Client:
    """Sign in with the second factor already passed."""
    client.force_login(user)
    device = user.totpdevice_set.filter(confirmed=True).first()
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def client_for(world: World) -> Any:
    def make(role: str, where: str = "home") -> Client:
        return login(Client(), world.user(role, where))

    return make


def make_person(actor: Actor, given: str = "Valeria", surnames: str = "Jiménez López", **kwargs: Any) -> Person:
    documents = kwargs.pop("documents", [DocumentInput("dpi", "2456 78901 0101", "GT")])
    data = PersonInput(given_names=given, surnames=surnames, documents=documents, **kwargs)
    return person_create(actor=actor, data=data)


@pytest.fixture
def person(world: World) -> Person:
    return make_person(world.actor(Role.CASEWORKER))


def active_membership(user: User) -> Membership:
    return user.memberships.get()


@pytest.fixture
def english(settings: Any) -> Any:
    """Messages asserted as their English msgids: the active language, and the default that requests without
    a language cookie get, become English (Spanish, the product's default, comes from the catalogue)."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
