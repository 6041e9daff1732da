"""Every view and API endpoint x every role x own / other institution -> the status the role table says.

The test fails when a URL pattern exists that the matrix does not list, so new screens must be added.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from amparo.accounts.models import ApiToken
from amparo.accounts.roles import Perm, Role
from amparo.accounts.services import api_token_create
from amparo.cases import services as case_services
from amparo.notifications.models import Notification
from amparo.referrals import services as referral_services
from amparo.referrals import shelter_services
from amparo.referrals.models import ServiceOffer, Shelter, ShelterBeds
from tests.conftest import World, build_world, ensure_seed_data, login, make_person
from tests.matrix import (
    Case,
    any_of,
    by_perm,
    case_supervisor,
    case_team,
    everyone,
    extension_modules,
    own_object,
    receiver_action,
    referral_party,
    shelter_staff,
)

ALL = Role.values


PERSON_JSON = {"given_names": "Rosa", "surnames": "Coc Caal", "gender": "Feminine"}

CASES = [
    Case("web:home", "get", lambda o: "/", everyone()),
    Case("web:healthz", "get", lambda o: "/healthz", everyone()),
    Case("people:search", "get", lambda o: "/persons/?name=Valeria", by_perm(Perm.PERSON_SEARCH)),
    Case("people:create", "get", lambda o: "/persons/new/", by_perm(Perm.PERSON_CREATE)),
    Case("people:detail", "get", lambda o: f"/persons/{o['person'].pk}/", own_object(Perm.PERSON_VIEW)),
    Case("people:edit", "get", lambda o: f"/persons/{o['person'].pk}/edit/", own_object(Perm.PERSON_EDIT)),
    Case("audit:list", "get", lambda o: "/audit/", by_perm(Perm.AUDIT_VIEW)),
    Case("audit:verify", "post", lambda o: "/audit/verify/", by_perm(Perm.AUDIT_VIEW)),
    Case("audit:head", "get", lambda o: "/audit/head/", by_perm(Perm.AUDIT_VIEW)),
    Case("accounts:login", "get", lambda o: "/accounts/login/", everyone(302)),
    Case("accounts:two_factor_verify", "get", lambda o: "/accounts/two-factor/verify/", everyone()),
    # Already enrolled and verified: replacing the authenticator asks to re-authenticate first.
    Case("accounts:two_factor_setup", "get", lambda o: "/accounts/two-factor/setup/", everyone(302)),
    Case("accounts:security", "get", lambda o: "/accounts/security/", everyone()),
    Case("accounts:recovery_codes", "post", lambda o: "/accounts/security/recovery-codes/", everyone()),
    Case("accounts:reauth", "get", lambda o: "/accounts/reauth/", everyone()),
    Case(
        "accounts:membership_switch",
        "post",
        lambda o: "/accounts/membership/",
        everyone(302),
        {"membership": 0},
    ),
    Case("accounts:api_tokens", "get", lambda o: "/accounts/tokens/", by_perm(Perm.API_TOKEN_OWN)),
    Case(
        "accounts:api_token_create",
        "get",
        lambda o: "/accounts/tokens/new/",
        by_perm(Perm.API_TOKEN_OWN, 302),
    ),
    # A token belongs to one user (the home caseworker): anybody else gets 404.
    Case(
        "accounts:api_token_revoke",
        "post",
        lambda o: f"/accounts/tokens/{o['token'].pk}/revoke/",
        lambda role, where: 302 if (role, where) == ("caseworker", "home") else 404,
    ),
    Case("accounts:user_list", "get", lambda o: "/accounts/users/", by_perm(Perm.USER_MANAGE)),
    Case("accounts:user_create", "get", lambda o: "/accounts/users/new/", by_perm(Perm.USER_MANAGE)),
    Case(
        "accounts:user_detail",
        "get",
        lambda o: f"/accounts/users/{o['home_user'].pk}/",
        own_object(Perm.USER_MANAGE),
    ),
    Case("cases:list", "get", lambda o: "/cases/", by_perm(Perm.CASE_VIEW)),
    Case("cases:open", "post", lambda o: f"/cases/open/{o['person'].pk}/", own_object(Perm.CASE_CREATE, 302)),
    Case("cases:detail", "get", lambda o: f"/cases/{o['case'].pk}/", case_team(Perm.CASE_VIEW)),
    *[
        Case(
            f"cases:{name}", "get", (lambda n: lambda o: f"/cases/{o['case'].pk}/{n}/")(path), case_team(Perm.CASE_EDIT)
        )
        for name, path in [
            ("team", "team"),
            ("screening", "screening"),
            ("determine", "status"),
            ("event", "events"),
            ("consent", "consents"),
            ("risk", "risk"),
            ("care_plan", "care-plan"),
            ("delivery", "services"),
            ("task", "tasks"),
            ("note", "notes"),
            ("attachment", "attachments"),
            ("transition", "transition"),
            ("closure", "closure"),
        ]
    ],
    Case(
        "cases:care_plan_submit",
        "post",
        lambda o: f"/cases/{o['case'].pk}/care-plan/submit/",
        case_team(Perm.CASE_EDIT, 302),
    ),
    Case("cases:care_plan_review", "get", lambda o: f"/cases/{o['case'].pk}/care-plan/review/", case_supervisor),
    Case("cases:closure_review", "get", lambda o: f"/cases/{o['case'].pk}/closure/review/", case_supervisor),
    Case(
        "cases:consent_withdraw",
        "post",
        lambda o: f"/cases/consents/{o['consent'].pk}/withdraw/",
        case_team(Perm.CASE_EDIT, 302),
    ),
    Case("cases:task_done", "post", lambda o: f"/cases/tasks/{o['task'].pk}/done/", case_team(Perm.CASE_EDIT, 302)),
    Case(
        "cases:attachment_download",
        "get",
        lambda o: f"/cases/attachments/{o['attachment'].pk}/",
        case_team(Perm.CASE_VIEW),
    ),
    Case("api:cases", "get", lambda o: "/api/v1/cases/?scope=all", by_perm(Perm.CASE_VIEW)),
    # The person already has an open case in the home institution (build_objects): a role that may open cases
    # gets past the permission check to a 400 (one active case per person and institution), others 403/404.
    Case("api:cases", "post", lambda o: "/api/v1/cases/", own_object(Perm.CASE_CREATE, 400), "person_ref"),
    Case("api:case", "get", lambda o: f"/api/v1/cases/{o['case'].pk}/", case_team(Perm.CASE_VIEW)),
    # open -> closed is not a valid transition: the team gets a 400 with a clear message, others 403/404.
    Case(
        "api:case_transition",
        "post",
        lambda o: f"/api/v1/cases/{o['case'].pk}/transition/",
        case_team(Perm.CASE_EDIT, 400),
        {"to_status": "closed"},
    ),
    Case(
        "api:case_screening",
        "post",
        lambda o: f"/api/v1/cases/{o['case'].pk}/screenings/",
        case_team(Perm.CASE_EDIT, 201),
        {"answers": {"ilo_deception": "yes"}},
    ),
    Case("referrals:boxes", "get", lambda o: "/referrals/", any_of(Perm.REFERRAL_RECEIVE, Perm.CASE_VIEW)),
    Case("referrals:directory", "get", lambda o: "/referrals/directory/", by_perm(Perm.CASE_VIEW)),
    Case("referrals:new", "get", lambda o: f"/referrals/new/{o['case'].pk}/", case_team(Perm.REFERRAL_SEND)),
    Case("referrals:detail", "get", lambda o: f"/referrals/{o['referral'].pk}/", referral_party()),
    Case(
        "referrals:respond",
        "post",
        lambda o: f"/referrals/{o['referral'].pk}/respond/",
        receiver_action,
        {"decision": "accept"},
    ),
    Case(
        "referrals:complete",
        "post",
        lambda o: f"/referrals/{o['referral'].pk}/complete/",
        receiver_action,
        {"outcome": "x"},
    ),
    Case(
        "referrals:cancel",
        "post",
        lambda o: f"/referrals/{o['referral'].pk}/cancel/",
        case_team(Perm.REFERRAL_SEND, 302),
    ),
    # Re-authentication comes first for everyone; the access check follows it (tests/referrals).
    Case("referrals:pdf", "get", lambda o: f"/referrals/{o['referral'].pk}/pdf/", everyone(302)),
    Case(
        "referrals:attachment",
        "get",
        lambda o: f"/referrals/{o['referral'].pk}/attachments/{o['attachment'].pk}/",
        referral_party(),
    ),
    Case("referrals:shelters", "get", lambda o: "/referrals/shelters/", any_of(Perm.CASE_VIEW, Perm.REFERRAL_RECEIVE)),
    Case("referrals:shelter", "get", lambda o: f"/referrals/shelters/{o['shelter'].pk}/", shelter_staff(200)),
    Case("referrals:admit", "get", lambda o: f"/referrals/{o['shelter_referral'].pk}/admit/", shelter_staff(200)),
    Case("referrals:renew", "get", lambda o: f"/referrals/placements/{o['placement'].pk}/renew/", shelter_staff(200)),
    Case(
        "referrals:discharge",
        "post",
        lambda o: f"/referrals/placements/{o['placement'].pk}/discharge/",
        shelter_staff(302),
        {"destination": "ngo"},
    ),
    Case("api:referrals", "get", lambda o: "/api/v1/referrals/", any_of(Perm.REFERRAL_RECEIVE, Perm.CASE_VIEW)),
    Case("api:referral", "get", lambda o: f"/api/v1/referrals/{o['referral'].pk}/", referral_party()),
    Case("notifications:list", "get", lambda o: "/notifications/", everyone()),
    # The notification belongs to the other institution's caseworker (a referral was sent to them).
    Case(
        "notifications:open",
        "get",
        lambda o: f"/notifications/{o['notification'].pk}/open/",
        lambda role, where: 302 if (role, where) == ("caseworker", "other") else 404,
    ),
    Case("notifications:mark_all_read", "post", lambda o: "/notifications/read-all/", everyone(302)),
    Case("api:me", "get", lambda o: "/api/v1/me/", everyone()),
    Case("api:persons", "get", lambda o: "/api/v1/persons/?name=Valeria", by_perm(Perm.PERSON_SEARCH)),
    Case("api:persons", "post", lambda o: "/api/v1/persons/", by_perm(Perm.PERSON_CREATE, 201), PERSON_JSON),
    Case("api:person", "get", lambda o: f"/api/v1/persons/{o['person'].pk}/", own_object(Perm.PERSON_VIEW)),
    Case(
        "api:person",
        "put",
        lambda o: f"/api/v1/persons/{o['person'].pk}/",
        own_object(Perm.PERSON_EDIT),
        {**PERSON_JSON, "version": "current"},
    ),
    Case("api:person_vocabularies", "get", lambda o: "/api/v1/vocabularies/persons/", everyone()),
    Case("schema", "get", lambda o: "/api/schema/", everyone()),
    Case("api_docs", "get", lambda o: "/api/docs/", everyone()),
    Case("set_language", "post", lambda o: "/i18n/setlang/", everyone(302), {"language": "en"}),
]
EXTENSIONS = extension_modules()
CASES += [case for module in EXTENSIONS for case in module.CASES]
# Signs the user out: covered by tests/accounts (anonymous and signed-in behaviour).
NOT_IN_MATRIX = {"accounts:logout"}


def _pattern_names(resolver: URLResolver | None = None, prefix: str = "") -> set[str]:
    names: set[str] = set()
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            names |= _pattern_names(entry, f"{prefix}{entry.namespace}:" if entry.namespace else prefix)
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(prefix + entry.name)
    return names


def test_every_url_is_in_the_matrix() -> None:
    missing = _pattern_names() - {c.name for c in CASES} - NOT_IN_MATRIX
    missing = {m for m in missing if not m.startswith(("admin:", "djdt:"))}
    assert not missing, f"Add these to the authorization matrix: {sorted(missing)}"


@pytest.fixture(scope="module")
def shared(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[tuple[World, dict[str, Any]]]:
    """The two institutions' users and every object the URLs need, built once for the module (over 400
    cases: building them per case was half the module's time). They live in a transaction rolled back when
    the module ends; each case runs in a savepoint inside it (pytest-django's django_db), so what one case's
    request changes is undone before the next."""
    attachments = tmp_path_factory.mktemp("attachments")
    with django_db_blocker.unblock(), override_settings(AMPARO_ATTACHMENTS_DIR=attachments), transaction.atomic():
        ensure_seed_data()
        world = build_world()
        yield world, build_objects(world)
        transaction.set_rollback(True)


@pytest.fixture
def world(shared: tuple[World, dict[str, Any]], db: Any) -> World:
    return shared[0]


@pytest.fixture
def objects(shared: tuple[World, dict[str, Any]], db: Any) -> dict[str, Any]:
    return shared[1]


def build_objects(world: World) -> dict[str, Any]:
    owner = world.actor("caseworker")
    token, _raw = api_token_create(actor=owner, name="matrix")
    person = make_person(owner)
    case = case_services.case_open(actor=owner, person_id=person.pk)
    consent = case_services.consent_record(
        actor=owner,
        case_id=case.pk,
        scopes=["assistance"],
        given_by="guardian",
        giver_name="Madre",
        given_on=timezone.localdate(),
    )
    task = case_services.task_create(
        actor=owner,
        case_id=case.pk,
        title="Visita",
        due_date=timezone.localdate(),
        assigned_to_id=world.user("caseworker").pk,
    )
    attachment = case_services.attachment_add(
        actor=owner, case_id=case.pk, filename="acta.txt", data=b"Acta de entrevista"
    )
    ServiceOffer.objects.filter(organization=world.other, service_type="psychological").update(max_age=None)
    referral_consent = case_services.consent_record(
        actor=owner,
        case_id=case.pk,
        scopes=["referral"],
        referral_services=["psychological"],
        given_by="guardian",
        giver_name="Madre",
        given_on=timezone.localdate(),
    )
    referral = referral_services.referral_send(
        actor=owner,
        case_id=case.pk,
        to_org_id=world.other.pk,
        service_type="psychological",
        legal_basis="consent",
        shared_sections=["identity", "attachments"],
    )
    assert referral.consent == referral_consent
    shelter = Shelter.objects.create(organization=world.other, name="Hogar", address="Dirección secreta")
    ShelterBeds.objects.create(shelter=shelter, category="girls", beds=3)
    shelter_referral = referral_services.referral_send(
        actor=owner,
        case_id=case.pk,
        to_org_id=world.other.pk,
        service_type="shelter",
        legal_basis="court_order",
        order_reference="Juzgado 1",
        shared_sections=["identity"],
    )
    referral_services.referral_respond(
        actor=world.actor("shelter_staff", "other"), referral_id=shelter_referral.pk, accept=True
    )
    placement = shelter_services.placement_admit(
        actor=world.actor("shelter_staff", "other"),
        referral_id=shelter_referral.pk,
        shelter_id=shelter.pk,
        category="girls",
        court="Juzgado",
        file_number="1-2026",
        order_date=timezone.localdate(),
        stay_days=60,
    )
    notification = Notification.objects.filter(recipient=world.user("caseworker", "other")).first()
    assert notification is not None  # the receivers were notified
    base = {
        "person": person,
        "home_user": world.user("caseworker"),
        "token": token,
        "case": case,
        "consent": consent,
        "task": task,
        "attachment": attachment,
        "referral": referral,
        "shelter": shelter,
        "shelter_referral": shelter_referral,
        "placement": placement,
        "notification": notification,
    }
    for module in EXTENSIONS:
        if hasattr(module, "objects"):
            base.update(module.objects(world, base))
    return base


def _request(client: Client, case: Case, url: str, objects: dict[str, Any]) -> int:
    if case.method == "get":
        return client.get(url).status_code
    if case.name.startswith("api:"):
        data = {"person_id": str(objects["person"].pk)} if case.data == "person_ref" else dict(case.data or {})
        if data.get("version") == "current":  # edits must carry the version they read
            objects["person"].refresh_from_db(fields=["version"])
            data["version"] = objects["person"].version
        return getattr(client, case.method)(url, data, content_type="application/json").status_code
    return getattr(client, case.method)(url, case.data or {}).status_code


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.method}-{c.name}")
def test_matrix(case: Case, world, objects) -> None:
    failures = []
    url = case.url(objects)
    for where in ("home", "other"):
        for role in ALL:
            client = login(Client(), world.user(role, where))
            status = _request(client, case, url, objects)
            expected = case.expect(role, where)
            if status != expected:
                failures.append(f"{role}@{where}: got {status}, expected {expected}")
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "case",
    [c for c in CASES if c.name not in {"web:healthz", "schema", "api_docs", "accounts:login", "set_language"}],
    ids=lambda c: f"{c.method}-{c.name}",
)
def test_anonymous_is_refused(case: Case, objects) -> None:
    status = _request(Client(), case, case.url(objects), objects)
    assert status in ({401, 403} if case.name.startswith("api:") else {302}), status


@pytest.mark.django_db
def test_api_token_acts_with_its_membership_and_dies_when_revoked(world, objects) -> None:
    from amparo.accounts.services import api_token_revoke

    home_token, raw = api_token_create(actor=world.actor("prosecutor"), name="sistema")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get(f"/api/v1/persons/{objects['person'].pk}/").status_code == 200
    _other_token, other_raw = api_token_create(actor=world.actor("prosecutor", "other"), name="sistema")
    other = Client(HTTP_AUTHORIZATION=f"Bearer {other_raw}")
    assert other.get(f"/api/v1/persons/{objects['person'].pk}/").status_code == 404
    api_token_revoke(actor=world.actor("prosecutor"), token_id=home_token.pk)
    response = client.get("/api/v1/me/")
    assert response.status_code == 401 and response.json()["error"]["code"] == "authentication_failed"
    assert ApiToken.objects.get(pk=home_token.pk).revoked_at is not None


@pytest.mark.django_db
def test_person_search_post_is_scoped_to_the_institution(world, objects) -> None:
    """The POST search (tests/matrix/people.py) finds the home person for home roles only."""
    person_id = str(objects["person"].pk)
    for where in ("home", "other"):
        for role in ALL:
            if not role_has_search(role):
                continue
            client = login(Client(), world.user(role, where))
            response = client.post("/api/v1/persons/search/", {"name": "Valeria"}, content_type="application/json")
            found = person_id in {row["id"] for row in response.json()["results"]}
            assert found == (where == "home"), f"{role}@{where}"


def role_has_search(role: str) -> bool:
    from amparo.accounts.roles import role_has

    return role_has(role, Perm.PERSON_SEARCH)
