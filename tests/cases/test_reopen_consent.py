"""Reopening a closed case needs the consent to assistance that entering assistance needs
(vocab.NEEDS_CONSENT_TO_ASSISTANCE): refused (nothing saved) when it was withdrawn, or never given, until a
new consent is recorded, which a closed case takes for this. Minors have no exception: a guardian, the PGN
attorney or a judge's order consents for them."""

from __future__ import annotations

import html

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.translation import trans_real

from amparo.audit.models import AuditEvent
from amparo.cases import services
from amparo.cases.models import Case, CaseStatusChange
from amparo.cases.services import PlannedServiceInput
from amparo.core.exceptions import ValidationFailed
from tests.conftest import login, make_person

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
ADULT_WITHDRAWN = "The person withdrew their consent to assistance: record their new consent before reopening the case."
MINOR_WITHDRAWN = (
    "The consent to assistance was withdrawn: record the new consent of a guardian, the PGN attorney "
    "or a judge's order (minor) before reopening the case."
)
ADULT_WITHDRAWN_ES = (
    "La persona retiró su consentimiento a la asistencia: registre su nuevo consentimiento antes de reabrir el caso."
)
NO_CONSENT = "Assistance needs the person's informed consent: record it first."
NO_CONSENT_ES = "La asistencia requiere el consentimiento informado de la persona: regístrelo primero."
MINOR_NO_CONSENT = "Assistance needs the consent of a guardian, the PGN attorney or a judge's order (minor)."


def _closed_after_assistance(world, *, minor: bool = False) -> Case:
    """A case that went through assistance (with a consent) and was closed."""
    actor = world.actor("caseworker")
    person = (
        make_person(actor, age_min=14, age_max=16)
        if minor
        else make_person(actor, date_of_birth=TODAY.replace(year=TODAY.year - 30))
    )
    case = services.case_open(actor=actor, person_id=person.pk)
    services.screening_record(actor=actor, case_id=case.pk, answers={})
    if minor:
        services.consent_record(
            actor=actor,
            case_id=case.pk,
            scopes=["assistance"],
            given_by="judge_order",
            given_on=TODAY,
            reference="Juzgado de Niñez 01-2026-123",
        )
    else:
        services.consent_record(actor=actor, case_id=case.pk, scopes=["assistance"], given_by="person", given_on=TODAY)
    services.case_transition(actor=actor, case_id=case.pk, to_status="assistance")
    services.case_request_closure(actor=actor, case_id=case.pk, reason="Reintegrada")
    services.case_review_closure(actor=world.actor("supervisor"), case_id=case.pk, approve=True)
    return Case.objects.get(pk=case.pk)


def _withdraw(world, case: Case) -> None:
    for consent in case.consents.filter(withdrawn_at__isnull=True):
        services.consent_withdraw(actor=world.actor("caseworker"), consent_id=consent.pk, reason="ya no desea")


def _assert_still_closed(case: Case, version: int) -> None:
    fresh = Case.objects.get(pk=case.pk)
    assert fresh.status == "closed" and fresh.closed_at is not None and fresh.version == version
    assert not CaseStatusChange.objects.filter(case=case, from_status="closed").exists()
    assert not AuditEvent.objects.filter(action="case.reopen", target_id=str(case.pk)).exists()


def test_reopening_after_a_withdrawal_is_refused_until_a_new_consent(world, english) -> None:
    actor = world.actor("caseworker")
    case = _closed_after_assistance(world)
    _withdraw(world, case)  # a closed case takes withdrawals
    version = Case.objects.get(pk=case.pk).version
    for to_status in ("assistance", "follow_up"):
        with pytest.raises(ValidationFailed) as exc:
            services.case_transition(actor=actor, case_id=case.pk, to_status=to_status, reason="Nueva amenaza")
        assert exc.value.errors == {"consent": [ADULT_WITHDRAWN]}
    _assert_still_closed(case, version)

    # What the message says to do works: the closed case takes the new consent, then reopens.
    services.consent_record(actor=actor, case_id=case.pk, scopes=["assistance"], given_by="person", given_on=TODAY)
    services.case_transition(actor=actor, case_id=case.pk, to_status="assistance", reason="Nueva amenaza")
    case.refresh_from_db()
    assert case.status == "assistance" and case.closed_at is None


def test_a_consent_to_something_else_does_not_let_it_reopen(world, english) -> None:
    actor = world.actor("caseworker")
    case = _closed_after_assistance(world)
    _withdraw(world, case)
    services.consent_record(actor=actor, case_id=case.pk, scopes=["statistics"], given_by="person", given_on=TODAY)
    with pytest.raises(ValidationFailed) as exc:
        services.case_transition(actor=actor, case_id=case.pk, to_status="assistance", reason="Nueva amenaza")
    assert exc.value.errors == {"consent": [ADULT_WITHDRAWN]}


def test_a_minor_needs_a_guardian_the_pgn_or_a_judge_to_consent_again(world, english) -> None:
    actor = world.actor("caseworker")
    case = _closed_after_assistance(world, minor=True)
    assert case.minor_protocol
    _withdraw(world, case)
    version = Case.objects.get(pk=case.pk).version
    with pytest.raises(ValidationFailed) as exc:
        services.case_transition(actor=actor, case_id=case.pk, to_status="assistance", reason="Nueva amenaza")
    assert exc.value.errors == {"consent": [MINOR_WITHDRAWN]}
    _assert_still_closed(case, version)
    with pytest.raises(ValidationFailed) as refused:  # the minor alone cannot consent, closed case or not
        services.consent_record(actor=actor, case_id=case.pk, scopes=["assistance"], given_by="person", given_on=TODAY)
    assert "given_by" in refused.value.errors
    services.consent_record(
        actor=actor,
        case_id=case.pk,
        scopes=["assistance"],
        given_by="pgn_attorney",
        given_on=TODAY,
        giver_name="Licda. Demo",
    )
    services.case_transition(actor=actor, case_id=case.pk, to_status="assistance", reason="Nueva amenaza")
    assert Case.objects.get(pk=case.pk).status == "assistance"


def test_a_case_whose_consent_was_not_withdrawn_reopens(world) -> None:
    actor = world.actor("caseworker")
    case = _closed_after_assistance(world)
    services.case_transition(actor=actor, case_id=case.pk, to_status="assistance", reason="Nueva amenaza")
    assert Case.objects.get(pk=case.pk).status == "assistance"


def test_the_screen_refuses_in_spanish_and_english_and_offers_to_record_consent(world, monkeypatch) -> None:
    case = _closed_after_assistance(world)
    _withdraw(world, case)
    version = Case.objects.get(pk=case.pk).version
    # The catalogue gets this msgid's Spanish when the .po files are next updated; simulated here.
    monkeypatch.setitem(trans_real.translation("es")._catalog._catalogs[0], ADULT_WITHDRAWN, ADULT_WITHDRAWN_ES)
    client = login(Client(), world.user("caseworker"))
    data = {"to_status": "assistance", "reason": "Nueva amenaza"}
    for language, expected in (("es", ADULT_WITHDRAWN_ES), ("en", ADULT_WITHDRAWN)):
        response = client.post(f"/cases/{case.pk}/transition/", data, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 400
        assert expected in response.content.decode()
    _assert_still_closed(case, version)
    # The closed case's page offers to record the consent, and the consent form takes it.
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert f"/cases/{case.pk}/consents/" in page
    saved = client.post(
        f"/cases/{case.pk}/consents/", {"scopes": ["assistance"], "given_by": "person", "given_on": TODAY.isoformat()}
    )
    assert saved.status_code == 302
    assert client.post(f"/cases/{case.pk}/transition/", data).status_code == 302
    assert Case.objects.get(pk=case.pk).status == "assistance"


# --- a case closed before any consent (screened, found not to be a victim, for example) ---


def _closed_without_consent(world, *, minor: bool = False, approved_plan: bool = False) -> Case:
    actor = world.actor("caseworker")
    person = (
        make_person(actor, age_min=14, age_max=16)
        if minor
        else make_person(actor, date_of_birth=TODAY.replace(year=TODAY.year - 30))
    )
    case = services.case_open(actor=actor, person_id=person.pk)
    services.screening_record(actor=actor, case_id=case.pk, answers={})
    if approved_plan:  # so that reopening into follow-up meets its own condition, and only the consent is missing
        services.care_plan_save(
            actor=actor,
            case_id=case.pk,
            goals="Reintegración",
            services=[PlannedServiceInput("psychological", world.home.pk)],
            expected_version=None,
        )
        services.care_plan_submit(actor=actor, case_id=case.pk)
        services.care_plan_review(actor=world.actor("supervisor"), case_id=case.pk, approve=True)
    services.case_request_closure(actor=actor, case_id=case.pk, reason="No es víctima de trata")
    services.case_review_closure(actor=world.actor("supervisor"), case_id=case.pk, approve=True)
    case = Case.objects.get(pk=case.pk)
    assert not case.consents.exists()
    return case


def test_reopening_a_case_that_never_had_a_consent_is_refused_until_one_is_recorded(world, english) -> None:
    actor = world.actor("caseworker")
    case = _closed_without_consent(world, approved_plan=True)
    version = case.version
    for to_status in ("assistance", "follow_up"):  # follow-up is reached only through assistance
        with pytest.raises(ValidationFailed) as exc:
            services.case_transition(actor=actor, case_id=case.pk, to_status=to_status, reason="Nueva denuncia")
        assert exc.value.errors == {"consent": [NO_CONSENT]}
    _assert_still_closed(case, version)
    # A consent to something else is not a consent to assistance.
    services.consent_record(actor=actor, case_id=case.pk, scopes=["statistics"], given_by="person", given_on=TODAY)
    with pytest.raises(ValidationFailed) as exc:
        services.case_transition(actor=actor, case_id=case.pk, to_status="follow_up", reason="Nueva denuncia")
    assert exc.value.errors == {"consent": [NO_CONSENT]}
    services.consent_record(actor=actor, case_id=case.pk, scopes=["assistance"], given_by="person", given_on=TODAY)
    services.case_transition(actor=actor, case_id=case.pk, to_status="follow_up", reason="Nueva denuncia")
    case.refresh_from_db()
    assert case.status == "follow_up" and case.closed_at is None
    assert AuditEvent.objects.filter(action="case.reopen", target_id=str(case.pk)).count() == 1


def test_a_minor_never_consented_for_needs_a_guardian_the_pgn_or_a_judge(world, english) -> None:
    actor = world.actor("caseworker")
    case = _closed_without_consent(world, minor=True)
    assert case.minor_protocol
    with pytest.raises(ValidationFailed) as exc:
        services.case_transition(actor=actor, case_id=case.pk, to_status="assistance", reason="Nueva denuncia")
    assert exc.value.errors == {"consent": [MINOR_NO_CONSENT]}
    _assert_still_closed(case, case.version)
    services.consent_record(
        actor=actor,
        case_id=case.pk,
        scopes=["assistance"],
        given_by="judge_order",
        given_on=TODAY,
        reference="Juzgado de Niñez 01-2026-124",
    )
    services.case_transition(actor=actor, case_id=case.pk, to_status="assistance", reason="Nueva denuncia")
    assert Case.objects.get(pk=case.pk).status == "assistance"


def test_going_back_from_follow_up_to_assistance_needs_the_consent_in_force(world, english) -> None:
    actor = world.actor("caseworker")
    case = _closed_after_assistance(world)
    services.case_transition(actor=actor, case_id=case.pk, to_status="assistance", reason="Recaída")
    services.care_plan_save(
        actor=actor,
        case_id=case.pk,
        goals="Reintegración",
        services=[PlannedServiceInput("psychological", world.home.pk)],
        expected_version=None,
    )
    services.care_plan_submit(actor=actor, case_id=case.pk)
    services.care_plan_review(actor=world.actor("supervisor"), case_id=case.pk, approve=True)
    services.case_transition(actor=actor, case_id=case.pk, to_status="follow_up")
    _withdraw(world, case)
    version = Case.objects.get(pk=case.pk).version
    with pytest.raises(ValidationFailed) as exc:
        services.case_transition(actor=actor, case_id=case.pk, to_status="assistance")
    assert exc.value.errors == {"consent": [NO_CONSENT]}
    fresh = Case.objects.get(pk=case.pk)
    assert fresh.status == "follow_up" and fresh.version == version
    assert not CaseStatusChange.objects.filter(case=case, from_status="follow_up").exists()


def test_the_screen_refuses_reopening_without_a_consent_in_spanish_and_english(world) -> None:
    case = _closed_without_consent(world)
    client = login(Client(), world.user("caseworker"))
    data = {"to_status": "assistance", "reason": "Nueva denuncia"}
    for language, expected in (("es", NO_CONSENT_ES), ("en", NO_CONSENT)):
        response = client.post(f"/cases/{case.pk}/transition/", data, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 400
        assert expected in html.unescape(response.content.decode())  # "person's" comes escaped
    _assert_still_closed(case, case.version)
    consent = {"scopes": ["assistance"], "given_by": "person", "given_on": TODAY.isoformat()}
    assert client.post(f"/cases/{case.pk}/consents/", consent).status_code == 302
    assert client.post(f"/cases/{case.pk}/transition/", data).status_code == 302
    assert Case.objects.get(pk=case.pk).status == "assistance"
