"""A merge that leaves the person two active cases in one institution is not refused: the teams are notified,
the case pages show the other case (linked only for whoever may see it), one is closed, and undoing the merge
clears the notice. The one-active-case rule follows the merged person afterwards."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from amparo.audit.models import AuditEvent
from amparo.cases import services as cases
from amparo.cases.models import Case
from amparo.core.exceptions import ValidationFailed
from amparo.justice.protection_services import witness_protect
from amparo.linkage import services
from amparo.linkage.models import CandidatePair, LinkageRun, PersonMerge, RunStatus
from amparo.notifications import kinds
from amparo.notifications.models import Notification
from tests.conftest import login, make_person

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
NOTICE = "This person has another active case in your institution"
UNSEEN = "A case that is not shown to you can be closed by its team or by a supervisor of your institution."
ALREADY_OPEN = "This person already has an open case in your institution."


def _pair(left, right) -> CandidatePair:
    run = LinkageRun.objects.filter(is_current=True).first() or LinkageRun.objects.create(
        threshold=6, status=RunStatus.SUCCEEDED, is_current=True
    )
    return CandidatePair.objects.create(
        run=run,
        left=left,
        right=right,
        left_org_id=left.owner_org_id,
        right_org_id=right.owner_org_id,
        match_weight=11.0,
        match_probability=0.99,
        evidence={"surnames": {"level": "first_exact", "weight": 5.1}},
    )


def _two_cases(world):
    """Two records of one person in the home institution, each with an active case of a different team."""
    worker, attorney = world.actor("caseworker"), world.actor("pgn_attorney")
    adult = TODAY.replace(year=TODAY.year - 25)
    a = make_person(worker, "Ana Lucía", "Tzul Coc", date_of_birth=adult)
    b = make_person(attorney, "Ana", "Tzul", date_of_birth=adult, documents=[])
    case_a = cases.case_open(actor=worker, person_id=a.pk)
    case_b = cases.case_open(actor=attorney, person_id=b.pk)
    return a, b, case_a, case_b


def _page(world, role: str, case: Case) -> str:
    response = login(Client(HTTP_ACCEPT_LANGUAGE="en"), world.user(role)).get(f"/cases/{case.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def _inbox(world, role: str, where: str = "home") -> set[str]:
    return set(
        Notification.objects.filter(recipient=world.user(role, where), kind=kinds.CASE_SECOND_ACTIVE).values_list(
            "target_url", flat=True
        )
    )


def test_a_merge_into_two_active_cases_is_notified_shown_and_cleared_by_undo(world, english) -> None:
    a, b, case_a, case_b = _two_cases(world)
    assert NOTICE not in _page(world, "supervisor", case_a)
    services.pair_decide(actor=world.actor("supervisor"), pair_id=_pair(a, b).pk, decision="confirm")
    merge = PersonMerge.objects.get(undone_at__isnull=True)  # not refused

    # Each team is told about its own case (a link, no name, no number); the supervisors (no supervisor set).
    url_a, url_b = f"/cases/{case_a.pk}/", f"/cases/{case_b.pk}/"
    assert _inbox(world, "caseworker") == {url_a}
    assert _inbox(world, "pgn_attorney") == {url_b}
    assert _inbox(world, "supervisor") == {url_a, url_b}
    assert not Notification.objects.filter(recipient__memberships__organization=world.other).exists()
    label = str(kinds.LABELS[kinds.CASE_SECOND_ACTIVE])
    for secret in ("Ana", "Tzul", case_a.number, case_b.number):
        assert secret not in label
    assert AuditEvent.objects.filter(action="case.second_active_after_merge").count() == 2

    # The case pages: the supervisor, who sees both, gets the link; a caseworker outside the other team
    # gets the notice without the other case's number.
    supervisor_page = _page(world, "supervisor", case_a)
    assert NOTICE in supervisor_page and url_b in supervisor_page and case_b.number in supervisor_page
    worker_page = _page(world, "caseworker", case_a)
    assert NOTICE in worker_page and UNSEEN in worker_page
    assert url_b not in worker_page and case_b.number not in worker_page
    assert NOTICE in _page(world, "pgn_attorney", case_b)

    services.merge_undo(actor=world.actor("supervisor"), merge_id=merge.pk)
    assert NOTICE not in _page(world, "supervisor", case_a)
    assert NOTICE not in _page(world, "caseworker", case_a)
    assert NOTICE not in _page(world, "pgn_attorney", case_b)


def test_one_of_the_two_is_closed_and_the_rule_then_follows_the_merged_person(world, english) -> None:
    a, b, case_a, case_b = _two_cases(world)
    services.pair_decide(actor=world.actor("supervisor"), pair_id=_pair(a, b).pk, decision="confirm")
    attorney = world.actor("pgn_attorney")
    # Closing is possible (a case not yet screened is screened first, as for any closure).
    cases.screening_record(actor=attorney, case_id=case_b.pk, answers={})
    cases.case_request_closure(actor=attorney, case_id=case_b.pk, reason="Caso duplicado tras unir registros")
    cases.case_review_closure(actor=world.actor("supervisor"), case_id=case_b.pk, approve=True)
    assert NOTICE not in _page(world, "supervisor", case_a)
    # While merged, the person's records count as one: no reopening beside case A, no new case on either record.
    with pytest.raises(ValidationFailed) as exc:
        cases.case_transition(actor=attorney, case_id=case_b.pk, to_status="assistance", reason="Nueva denuncia")
    assert exc.value.errors == {"person": [ALREADY_OPEN]}
    assert Case.objects.get(pk=case_b.pk).status == "closed"
    for record in (a, b):
        with pytest.raises(ValidationFailed) as exc:
            cases.case_open(actor=world.actor("supervisor"), person_id=record.pk)
        assert exc.value.errors == {"person": [ALREADY_OPEN]}


def test_cases_in_different_institutions_are_no_conflict(world) -> None:
    a = make_person(world.actor("caseworker"), "María", "Coc Caal")
    b = make_person(world.actor("caseworker", "other"), "María", "Coc", documents=[])
    case_a = cases.case_open(actor=world.actor("caseworker"), person_id=a.pk)
    cases.case_open(actor=world.actor("caseworker", "other"), person_id=b.pk)
    pair = _pair(a, b)
    services.pair_decide(actor=world.actor("supervisor"), pair_id=pair.pk, decision="confirm")
    services.pair_decide(actor=world.actor("supervisor", "other"), pair_id=pair.pk, decision="confirm")
    assert PersonMerge.objects.filter(undone_at__isnull=True).exists()
    assert not Notification.objects.filter(kind=kinds.CASE_SECOND_ACTIVE).exists()
    assert "other active case" not in _page(world, "supervisor", case_a)


def test_a_protected_witness_case_is_not_linked(world, english) -> None:
    a, b, case_a, case_b = _two_cases(world)
    # Merged before the protection began: once it has, the pair is not shown outside the protection team
    # (tests/linkage/test_review_audit.py), so nobody outside it could make this merge.
    services.pair_decide(actor=world.actor("supervisor"), pair_id=_pair(a, b).pk, decision="confirm")
    witness_protect(
        world.actor("prosecutor"),
        person_id=b.pk,
        started_on=TODAY - datetime.timedelta(days=3),
        whereabouts="Casa segura 7",
    )
    # The supervisor (not on the protection team) sees case B by pseudonym only: no link ties it to case A.
    page = _page(world, "supervisor", case_a)
    assert NOTICE in page and UNSEEN in page
    assert f"/cases/{case_b.pk}/" not in page and case_b.number not in page
