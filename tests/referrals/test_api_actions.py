"""The referral actions of the JSON API: the web actions' services, rules, errors and audit."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from amparo.accounts.roles import Perm, Role, role_has
from amparo.audit.models import AuditEvent
from amparo.cases import services as cases
from amparo.referrals import services
from amparo.referrals.models import Referral, ReferralStatus, ServiceOffer
from tests.conftest import login, make_person

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _sbs_serves_adults_too(world) -> None:
    ServiceOffer.objects.filter(organization=world.other, service_type="psychological").update(max_age=None)


def _case(world, given: str = "Valeria"):
    actor = world.actor("caseworker")
    person = make_person(actor, given=given, date_of_birth=TODAY.replace(year=TODAY.year - 24))
    case = cases.case_open(actor=actor, person_id=person.pk)
    cases.consent_record(
        actor=actor,
        case_id=case.pk,
        scopes=["referral"],
        referral_services=["psychological"],
        given_by="person",
        giver_name="Valeria",
        given_on=TODAY,
    )
    return case


def _send(world, case) -> Referral:
    return services.referral_send(
        actor=world.actor("caseworker"),
        case_id=case.pk,
        to_org_id=world.other.pk,
        service_type="psychological",
        legal_basis="consent",
        shared_sections=["identity"],
    )


def _client(world, role: str = "caseworker", where: str = "other") -> Client:
    return login(Client(), world.user(role, where))


def _post(client: Client, url: str, data: dict[str, Any] | None = None):
    return client.post(url, data or {}, content_type="application/json")


def _events(after: int) -> list[tuple[str, str, dict[str, Any], str, int | None]]:
    return [
        (e.action, e.target_type, e.details, e.role, e.organization_id)
        for e in AuditEvent.objects.filter(seq__gt=after, action__startswith="referral.").order_by("seq")
    ]


def _last_seq() -> int:
    last = AuditEvent.objects.order_by("-seq").first()
    return last.seq if last else 0


def _bad_input(response, field: str) -> None:
    assert response.status_code == 400, response.content
    body = response.json()["error"]
    assert body["code"] == "validation_error" and field in body["fields"], body


# --- each action works for the right institution and role, through the web action's service ---


@pytest.mark.django_db
def test_accept_then_complete(world) -> None:
    referral = _send(world, _case(world))
    receiver = _client(world)
    response = _post(receiver, f"/api/v1/referrals/{referral.pk}/accept/")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "accepted" and response.json()["id"] == str(referral.pk)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED and referral.responded_by == world.user("caseworker", "other")
    response = _post(receiver, f"/api/v1/referrals/{referral.pk}/complete/", {"outcome": "Atendida en 3 sesiones"})
    assert response.status_code == 200 and response.json()["status"] == "completed"
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.COMPLETED and referral.outcome == "Atendida en 3 sesiones"


@pytest.mark.django_db
def test_decline_with_reason(world) -> None:
    referral = _send(world, _case(world))
    response = _post(
        _client(world, "pgn_attorney"), f"/api/v1/referrals/{referral.pk}/decline/", {"reason": "Sin cupo"}
    )
    assert response.status_code == 200 and response.json()["status"] == "declined"
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DECLINED and referral.decline_reason == "Sin cupo"


@pytest.mark.django_db
def test_cancel_by_the_sending_team(world) -> None:
    referral = _send(world, _case(world))
    # The receiver cannot cancel: the referral is not its institution's (404, as on the web).
    assert _post(_client(world), f"/api/v1/referrals/{referral.pk}/cancel/").status_code == 404
    response = _post(_client(world, "supervisor", "home"), f"/api/v1/referrals/{referral.pk}/cancel/")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.CANCELLED


@pytest.mark.django_db
def test_send(world) -> None:
    case = _case(world)
    body = {
        "case_id": str(case.pk),
        "to_org": world.other.code,
        "service_type": "psychological",
        "legal_basis": "consent",
        "shared_sections": ["identity", "contact"],
        "reason": "Atención psicológica",
    }
    response = _post(_client(world, "caseworker", "home"), "/api/v1/referrals/", body)
    assert response.status_code == 201, response.content
    referral = Referral.objects.get(pk=response.json()["id"])
    assert referral.case_id == case.pk and referral.to_org_id == world.other.pk
    assert referral.shared_sections == ["contact", "identity"] and referral.reason == "Atención psicológica"
    assert referral.respond_by == TODAY + datetime.timedelta(days=services.DEFAULT_ANSWER_DAYS)
    assert response.json()["to_org"] == world.other.code and response.json()["status"] == "sent"


# --- refused for the others: 404 for another institution (existence does not leak), 403 without the role ---


def _answer_expectation(role: str, where: str) -> int:
    if not role_has(role, Perm.REFERRAL_RECEIVE):
        return 403
    return 200 if where == "other" else 404


def _team_expectation(role: str, where: str) -> int:
    if not role_has(role, Perm.REFERRAL_SEND):
        return 403
    return 200 if where == "home" and role in (Role.CASEWORKER, Role.SUPERVISOR) else 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("action", "body", "expect"),
    [
        ("accept", {}, _answer_expectation),
        ("decline", {"reason": "Sin cupo"}, _answer_expectation),
        ("cancel", {}, _team_expectation),
    ],
)
def test_each_role_of_each_institution(world, action, body, expect) -> None:
    """A fresh referral for each (role, institution): whoever may act succeeds, everybody else is refused and
    the referral stays as it was."""
    case = _case(world)
    for where in ("home", "other"):
        for role in Role.values:
            referral = _send(world, case)
            response = _post(_client(world, role, where), f"/api/v1/referrals/{referral.pk}/{action}/", body)
            assert response.status_code == expect(role, where), (role, where, response.content)
            referral.refresh_from_db()
            if response.status_code != 200:
                codes = {403: "permission_denied", 404: "not_found"}
                assert response.json()["error"]["code"] == codes[response.status_code]
                assert referral.status == ReferralStatus.SENT
            if referral.is_active:  # one open referral per service and institution: close it for the next
                services.referral_cancel(actor=world.actor("caseworker"), referral_id=referral.pk)


@pytest.mark.django_db
def test_complete_for_each_role_of_each_institution(world) -> None:
    case = _case(world)
    for where in ("home", "other"):
        for role in Role.values:
            referral = _send(world, case)
            services.referral_respond(actor=world.actor("caseworker", "other"), referral_id=referral.pk, accept=True)
            url = f"/api/v1/referrals/{referral.pk}/complete/"
            response = _post(_client(world, role, where), url, {"outcome": "Atendida"})
            assert response.status_code == _answer_expectation(role, where), (role, where)
            referral.refresh_from_db()
            if response.status_code != 200:
                assert referral.status == ReferralStatus.ACCEPTED and referral.outcome is None
                services.referral_cancel(actor=world.actor("caseworker"), referral_id=referral.pk)


@pytest.mark.django_db
def test_send_for_each_role_of_each_institution(world) -> None:
    """The case already has an open referral to SBS for this service: the team gets past the access checks
    to the service's 400; another institution 404, a role that does not refer 403; nothing is created."""
    case = _case(world)
    _send(world, case)
    body = {
        "case_id": str(case.pk),
        "to_org": world.other.code,
        "service_type": "psychological",
        "legal_basis": "consent",
        "shared_sections": ["identity"],
    }
    for where in ("home", "other"):
        for role in Role.values:
            response = _post(_client(world, role, where), "/api/v1/referrals/", body)
            expected = _team_expectation(role, where)
            assert response.status_code == (400 if expected == 200 else expected), (role, where, response.content)
    assert Referral.objects.filter(case=case).count() == 1
    assert Client().post("/api/v1/referrals/", body, content_type="application/json").status_code in (401, 403)


# --- bad input: 400, the field named, nothing saved, nothing audited ---


@pytest.mark.django_db
def test_decline_without_reason_is_refused(world) -> None:
    referral = _send(world, _case(world))
    before = _last_seq()
    receiver = _client(world)
    url = f"/api/v1/referrals/{referral.pk}/decline/"
    _bad_input(_post(receiver, url, {"reason": "  "}), "reason")
    _bad_input(_post(receiver, url), "reason")
    _bad_input(_post(receiver, url, {"reason": "x" * 2001}), "reason")
    _bad_input(_post(receiver, url, {"reason": "Sin cupo", "motivo": "x"}), "motivo")  # unknown field
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT and referral.decline_reason is None
    assert _events(before) == []


@pytest.mark.django_db
def test_complete_without_outcome_or_before_acceptance_is_refused(world) -> None:
    referral = _send(world, _case(world))
    receiver = _client(world)
    url = f"/api/v1/referrals/{referral.pk}/complete/"
    _bad_input(_post(receiver, url, {"outcome": "Atendida"}), "status")  # not accepted yet
    services.referral_respond(actor=world.actor("caseworker", "other"), referral_id=referral.pk, accept=True)
    before = _last_seq()
    _bad_input(_post(receiver, url, {"outcome": ""}), "outcome")
    _bad_input(_post(receiver, url, {"outcome": "Atendida", "closed": True}), "closed")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED and referral.outcome is None
    assert _events(before) == []


@pytest.mark.django_db
def test_accept_and_cancel_refuse_any_field_and_a_second_answer(world) -> None:
    referral = _send(world, _case(world))
    before = _last_seq()
    _bad_input(_post(_client(world), f"/api/v1/referrals/{referral.pk}/accept/", {"reason": "x"}), "reason")
    team = _client(world, "caseworker", "home")
    _bad_input(_post(team, f"/api/v1/referrals/{referral.pk}/cancel/", {"reason": "x"}), "reason")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT and _events(before) == []
    assert _post(_client(world), f"/api/v1/referrals/{referral.pk}/accept/").status_code == 200
    _bad_input(_post(_client(world), f"/api/v1/referrals/{referral.pk}/decline/", {"reason": "x"}), "status")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED


@pytest.mark.django_db
def test_send_bad_input_names_the_field_and_creates_nothing(world) -> None:
    case = _case(world)
    team = _client(world, "caseworker", "home")
    good = {
        "case_id": str(case.pk),
        "to_org": world.other.code,
        "service_type": "psychological",
        "legal_basis": "consent",
        "shared_sections": ["identity"],
    }
    before = _last_seq()
    for field, change in [
        ("to_org", {"to_org": "no-such-institution"}),
        ("to_org", {"to_org": world.home.code}),  # the service: another institution
        ("service_type", {"service_type": "flying"}),
        ("shared_sections.0", {"shared_sections": ["everything"]}),
        ("shared_sections", {"shared_sections": []}),
        ("legal_basis", {"legal_basis": "court_order"}),  # an adult: orders are for minors
        ("order_reference", {"legal_basis": "court_order"}),
        ("legal_basis", {"legal_basis": "override"}),  # a caseworker is no supervisor
        ("respond_by", {"respond_by": "2000-01-01"}),
        ("priority", {"priority": "high"}),  # unknown field
    ]:
        _bad_input(_post(team, "/api/v1/referrals/", {**good, **change}), field)
    missing = dict(good)
    del missing["legal_basis"]
    _bad_input(_post(team, "/api/v1/referrals/", missing), "legal_basis")
    assert not Referral.objects.filter(case=case).exists() and _events(before) == []


# --- audited exactly as the web action is ---


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("web", "api", "data", "accepted_first", "who"),
    [
        ("respond", "accept", {"decision": "accept"}, False, ("caseworker", "other")),
        ("respond", "decline", {"decision": "decline", "reason": "Sin cupo"}, False, ("caseworker", "other")),
        ("complete", "complete", {"outcome": "Atendida"}, True, ("caseworker", "other")),
        ("cancel", "cancel", {}, False, ("caseworker", "home")),
    ],
)
def test_audited_as_the_web_action(world, web, api, data, accepted_first, who) -> None:
    by_web, by_api = _send(world, _case(world)), _send(world, _case(world, given="Rosa"))
    for referral in (by_web, by_api):
        if accepted_first:
            services.referral_respond(actor=world.actor("caseworker", "other"), referral_id=referral.pk, accept=True)
    client = _client(world, *who)
    before = _last_seq()
    assert client.post(f"/referrals/{by_web.pk}/{web}/", data).status_code == 302
    web_events = _events(before)
    before = _last_seq()
    body = {k: v for k, v in data.items() if k != "decision"}
    assert _post(client, f"/api/v1/referrals/{by_api.pk}/{api}/", body).status_code == 200
    api_events = _events(before)
    assert web_events and api_events == web_events
    by_web.refresh_from_db()
    by_api.refresh_from_db()
    assert by_api.status == by_web.status
    # The one event names the referral acted on, and nothing identifying.
    assert AuditEvent.objects.filter(seq__gt=before, target_id=str(by_api.pk)).count() == 1


@pytest.mark.django_db
def test_send_audited_as_the_web_action(world) -> None:
    web_case, api_case = _case(world), _case(world, given="Rosa")
    client = _client(world, "caseworker", "home")
    before = _last_seq()
    response = client.post(
        f"/referrals/new/{web_case.pk}/",
        {
            "to_org": world.other.pk,
            "service_type": "psychological",
            "legal_basis": "consent",
            "shared_sections": ["identity"],
            "respond_by": (TODAY + datetime.timedelta(days=3)).isoformat(),
        },
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    web_events = _events(before)
    before = _last_seq()
    body = {
        "case_id": str(api_case.pk),
        "to_org": world.other.code,
        "service_type": "psychological",
        "legal_basis": "consent",
        "shared_sections": ["identity"],
    }
    assert _post(client, "/api/v1/referrals/", body).status_code == 201
    assert web_events and _events(before) == web_events


# --- events, risk and care plan: the API gives what the page shows (selectors.SECTION_FIELDS) ---


@pytest.mark.django_db
def test_events_risk_and_care_plan_sections_hold_the_page_fields(world) -> None:
    from amparo.cases.services import EventInput, PlannedServiceInput
    from amparo.referrals.selectors import SECTION_FIELDS

    actor = world.actor("caseworker")
    case = _case(world)
    cases.consent_record(actor=actor, case_id=case.pk, scopes=["assistance"], given_by="person", given_on=TODAY)
    cases.screening_record(actor=actor, case_id=case.pk, answers={})
    cases.case_transition(actor=actor, case_id=case.pk, to_status="assistance")
    cases.event_add(
        actor=actor,
        case_id=case.pk,
        data=EventInput(
            kind="exploitation",
            country="MX",
            start_date=TODAY - datetime.timedelta(days=90),
            forms=["ForcedLabour"],
            means_of_control=["DebtBondage"],
            description="Finca en Tapachula",
        ),
    )
    levels = {
        "individual": "low",
        "family": "medium",
        "community": "low",
        "retrafficking": "high",
        "reprisal": "medium",
    }
    cases.risk_assess(actor=actor, case_id=case.pk, levels=levels, notes="Amenazas del tratante")
    cases.care_plan_save(
        actor=actor,
        case_id=case.pk,
        goals="Recuperación emocional",
        services=[PlannedServiceInput("psychological", world.home.pk)],
        expected_version=None,
    )
    cases.service_deliver(
        actor=actor, case_id=case.pk, service_type="medical", provider_id=world.home.pk, start_date=TODAY
    )
    referral = services.referral_send(
        actor=actor,
        case_id=case.pk,
        to_org_id=world.other.pk,
        service_type="psychological",
        legal_basis="consent",
        shared_sections=["identity", "events", "risk", "care_plan"],
    )
    receiver = _client(world)
    sections = receiver.get(f"/api/v1/referrals/{referral.pk}/").json()["sections"]
    assert sections["events"] == [{"kind": "exploitation", "country": "MX", "forms": ["ForcedLabour"]}]
    assert tuple(sections["events"][0]) == SECTION_FIELDS["events"]
    assert sections["risk"] == {"retrafficking": "high", "reprisal": "medium"}
    assert tuple(sections["risk"]) == SECTION_FIELDS["risk"]
    assert sections["care_plan"] == {
        "goals": "Recuperación emocional",
        "deliveries": [{"service_type": "medical", "provider": world.home.code}],
    }
    assert tuple(sections["care_plan"]) == SECTION_FIELDS["care_plan"]
    text = str(sections)
    for outside in ("DebtBondage", "Tapachula", "Amenazas", "start_date", "individual", "family", "community"):
        assert outside not in text
    # The page shows the same: the stage and forms, the two risks, the goals and the provider.
    page = receiver.get(f"/referrals/{referral.pk}/").content.decode()
    from django.utils.translation import override

    from amparo.cases.vocab import ServiceType

    with override("es"):
        delivered = f"{ServiceType.MEDICAL.label} · {world.home.acronym}</li>"
    assert "Recuperación emocional" in page and delivered in page
    assert "Tapachula" not in page and "Amenazas" not in page
    # The schema documents these fields.
    schemas = receiver.get("/api/schema/?format=json").json()["components"]["schemas"]
    assert tuple(schemas["EventSection"]["properties"]) == SECTION_FIELDS["events"]
    assert tuple(schemas["RiskSection"]["properties"]) == SECTION_FIELDS["risk"]
    assert tuple(schemas["CarePlanSection"]["properties"]) == SECTION_FIELDS["care_plan"]


@pytest.mark.django_db
def test_sections_not_yet_recorded(world) -> None:
    referral = services.referral_send(
        actor=world.actor("caseworker"),
        case_id=_case(world).pk,
        to_org_id=world.other.pk,
        service_type="psychological",
        legal_basis="consent",
        shared_sections=["identity", "events", "risk", "care_plan"],
    )
    sections = _client(world).get(f"/api/v1/referrals/{referral.pk}/").json()["sections"]
    assert sections["events"] == [] and sections["risk"] is None
    assert sections["care_plan"] == {"goals": None, "deliveries": []}
