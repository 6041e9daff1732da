"""A case still open (never screened) is closed through the same supervisor's approval as any other, but only
as opened in error or as a duplicate (vocab.CLOSABLE_FROM): no empty screening first. The code is kept on the
case, its history and the audit trail; words, if any, are encrypted; no follow-ups are scheduled after it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone
from django.utils.translation import trans_real

from amparo.audit.models import AuditEvent
from amparo.cases import services
from amparo.cases.models import Case, CaseStatusChange, Screening
from amparo.cases.vocab import CLOSABLE_FROM, FREE_REASON, CaseStatus, ClosureCode
from amparo.core.exceptions import ValidationFailed
from amparo.linkage import services as linkage
from amparo.reintegration.models import ScheduledFollowUp
from tests.conftest import login, make_person
from tests.linkage.test_merge_active_cases import NOTICE, _page, _pair, _two_cases

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
ONLY_CODES = "A case in “Open” can only be closed for one of these reasons: Duplicate of another case, Opened in error."
ONLY_CODES_ES = (
    "Un caso en “Abierto” solo se puede cerrar por uno de estos motivos: Duplicado de otro caso, Abierto por error."
)


def _open(world) -> Case:
    actor = world.actor("caseworker")
    person = make_person(actor, date_of_birth=TODAY.replace(year=TODAY.year - 30))
    return services.case_open(actor=actor, person_id=person.pk)


def _events(case: Case, action: str) -> list[dict[str, object]]:
    return list(AuditEvent.objects.filter(action=action, target_id=str(case.pk)).values_list("details", flat=True))


def test_every_active_status_can_be_closed_and_an_open_case_only_with_a_code() -> None:
    assert set(CLOSABLE_FROM) == set(CaseStatus.values) - {CaseStatus.CLOSED}
    assert CLOSABLE_FROM[CaseStatus.OPEN] == frozenset(ClosureCode.values)
    assert all(FREE_REASON in codes for status, codes in CLOSABLE_FROM.items() if status != CaseStatus.OPEN)


def test_a_duplicate_still_open_is_closed_without_a_screening(world, english) -> None:
    actor, supervisor = world.actor("caseworker"), world.actor("supervisor")
    case = _open(world)
    services.case_request_closure(actor=actor, case_id=case.pk, code=ClosureCode.DUPLICATE)
    case.refresh_from_db()
    assert case.closure_requested and case.closure_code == "duplicate" and case.closure_reason is None
    services.case_review_closure(actor=supervisor, case_id=case.pk, approve=True)
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.closed_at is not None
    assert not Screening.objects.filter(case=case).exists()
    change = CaseStatusChange.objects.get(case=case)
    assert (change.from_status, change.to_status, change.closure_code) == ("open", "closed", "duplicate")
    assert _events(case, "case.closure_requested") == [{"code": "duplicate"}]
    assert _events(case, "case.closure_approved") == [{"code": "duplicate", "from_status": "open"}]
    # No victim's case ended here: nothing to follow up after this closure (the kept case has its own).
    assert not ScheduledFollowUp.objects.filter(case=case).exists()
    page = login(Client(HTTP_ACCEPT_LANGUAGE="en"), world.user("caseworker")).get(f"/cases/{case.pk}/")
    assert "Duplicate of another case" in page.content.decode()


def test_words_given_with_the_code_are_encrypted_and_stay_out_of_the_audit(world) -> None:
    actor = world.actor("caseworker")
    case = _open(world)
    words = "Abierto por error: era otra Valeria"
    services.case_request_closure(actor=actor, case_id=case.pk, code=ClosureCode.OPENED_IN_ERROR, reason=words)
    services.case_review_closure(actor=world.actor("supervisor"), case_id=case.pk, approve=True)
    assert Case.objects.get(pk=case.pk).closure_reason == words
    assert CaseStatusChange.objects.get(case=case).reason == words
    with connection.cursor() as cursor:  # what the database holds: ciphertext, and the code in clear
        cursor.execute("SELECT closure_reason FROM cases_case WHERE closure_code = 'opened_in_error'")
        (stored,) = cursor.fetchone()
        cursor.execute("SELECT reason FROM cases_casestatuschange WHERE closure_code = 'opened_in_error'")
        (in_history,) = cursor.fetchone()
    assert stored and in_history and "Valeria" not in str(stored) + str(in_history)
    details = str(list(AuditEvent.objects.filter(target_id=str(case.pk)).values_list("details", flat=True)))
    assert "Valeria" not in details and "opened_in_error" in details


def test_an_open_case_is_not_closed_for_a_reason_in_words_only(world, english) -> None:
    actor = world.actor("caseworker")
    case = _open(world)
    version = case.version
    with pytest.raises(ValidationFailed) as exc:
        services.case_request_closure(actor=actor, case_id=case.pk, reason="No es víctima")
    assert exc.value.errors == {"code": [ONLY_CODES]}
    with pytest.raises(ValidationFailed) as exc:
        services.case_request_closure(actor=actor, case_id=case.pk, code="no_victim", reason="No es víctima")
    assert exc.value.errors == {"code": ["Choose a valid reason for closing."]}
    fresh = Case.objects.get(pk=case.pk)
    assert not fresh.closure_requested and fresh.closure_code == "" and fresh.closure_reason is None
    assert fresh.version == version and not _events(case, "case.closure_requested")


def test_a_screened_case_still_closes_for_a_reason_in_words_and_is_followed_up(world, english, settings) -> None:
    settings.AMPARO_FOLLOW_UP_MONTHS = [1, 3]
    actor = world.actor("caseworker")
    case = _open(world)
    services.screening_record(actor=actor, case_id=case.pk, answers={})
    with pytest.raises(ValidationFailed) as exc:  # no code: the words are required
        services.case_request_closure(actor=actor, case_id=case.pk, reason="  ")
    assert exc.value.errors == {"reason": ["Give the reason for closing the case."]}
    services.case_request_closure(actor=actor, case_id=case.pk, reason="No es víctima de trata")
    services.case_review_closure(actor=world.actor("supervisor"), case_id=case.pk, approve=True)
    assert Case.objects.get(pk=case.pk).closure_code == ""
    assert ScheduledFollowUp.objects.filter(case=case).count() == 2
    assert _events(case, "case.closure_approved") == [{"code": "", "from_status": "identification"}]


def test_a_screened_duplicate_is_closed_as_such_without_follow_ups(world) -> None:
    actor = world.actor("caseworker")
    case = _open(world)
    services.screening_record(actor=actor, case_id=case.pk, answers={})
    services.case_request_closure(actor=actor, case_id=case.pk, code=ClosureCode.DUPLICATE)
    services.case_review_closure(actor=world.actor("supervisor"), case_id=case.pk, approve=True)
    assert Case.objects.get(pk=case.pk).status == CaseStatus.CLOSED
    assert not ScheduledFollowUp.objects.filter(case=case).exists()


def test_after_a_merge_the_second_case_is_closed_as_a_duplicate_without_screening(world, english) -> None:
    a, b, case_a, case_b = _two_cases(world)
    linkage.pair_decide(actor=world.actor("supervisor"), pair_id=_pair(a, b).pk, decision="confirm")
    assert NOTICE in _page(world, "supervisor", case_a)
    services.case_request_closure(actor=world.actor("pgn_attorney"), case_id=case_b.pk, code=ClosureCode.DUPLICATE)
    services.case_review_closure(actor=world.actor("supervisor"), case_id=case_b.pk, approve=True)
    assert Case.objects.get(pk=case_b.pk).status == CaseStatus.CLOSED
    assert not Screening.objects.filter(case=case_b).exists()
    assert NOTICE not in _page(world, "supervisor", case_a)


def test_the_screen_offers_only_the_codes_and_refuses_in_spanish_and_english(world, monkeypatch) -> None:
    case = _open(world)
    catalog = trans_real.translation("es")._catalog._catalogs[0]
    # These msgids get their Spanish when the .po files are next updated; simulated here.
    monkeypatch.setitem(
        catalog,
        "A case in “%(status)s” can only be closed for one of these reasons: %(reasons)s.",
        "Un caso en “%(status)s” solo se puede cerrar por uno de estos motivos: %(reasons)s.",
    )
    monkeypatch.setitem(catalog, "Duplicate of another case", "Duplicado de otro caso")
    monkeypatch.setitem(catalog, "Opened in error", "Abierto por error")
    client = login(Client(), world.user("caseworker"))
    detail = client.get(f"/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"/cases/{case.pk}/closure/" in detail
    form = client.get(f"/cases/{case.pk}/closure/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'value="duplicate"' in form and 'value="opened_in_error"' in form
    assert "Another reason (write it below)" not in form
    for language, expected in (("es", ONLY_CODES_ES), ("en", ONLY_CODES)):
        response = client.post(
            f"/cases/{case.pk}/closure/", {"code": "", "reason": "No es víctima"}, HTTP_ACCEPT_LANGUAGE=language
        )
        assert response.status_code == 400
        assert expected in response.content.decode()
    assert not Case.objects.get(pk=case.pk).closure_requested
    saved = client.post(f"/cases/{case.pk}/closure/", {"code": "opened_in_error", "reason": ""})
    assert saved.status_code == 302
    fresh = Case.objects.get(pk=case.pk)
    assert fresh.closure_requested and fresh.closure_code == "opened_in_error"
    review = login(Client(HTTP_ACCEPT_LANGUAGE="en"), world.user("supervisor")).get(f"/cases/{case.pk}/closure/review/")
    assert "Opened in error" in review.content.decode()


def test_a_screened_case_form_offers_a_reason_in_words(world) -> None:
    actor = world.actor("caseworker")
    case = _open(world)
    services.screening_record(actor=actor, case_id=case.pk, answers={})
    client = login(Client(HTTP_ACCEPT_LANGUAGE="en"), world.user("caseworker"))
    form = client.get(f"/cases/{case.pk}/closure/").content.decode()
    assert "Another reason (write it below)" in form and 'value="duplicate"' in form
    assert client.post(f"/cases/{case.pk}/closure/", {"code": "", "reason": "Reintegrada"}).status_code == 302
    assert Case.objects.get(pk=case.pk).closure_requested
