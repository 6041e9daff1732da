"""Who supervises a case, and what waits for a supervisor: the choice of supervisor, the notifications of
plans and closures waiting for approval, cases opened by someone who cannot work them, and closures that
would leave a referral sharing the case's data."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from amparo.cases import services
from amparo.cases.models import Case
from amparo.cases.permissions import supervisors_of
from amparo.cases.services import PlannedServiceInput
from amparo.cases.vocab import CaseStatus
from amparo.core.exceptions import ValidationFailed
from amparo.notifications.kinds import CARE_PLAN_SUBMITTED, CASE_NEEDS_TEAM, CLOSURE_REQUESTED
from amparo.notifications.models import Notification
from amparo.referrals import services as referrals
from amparo.referrals.models import ReferralStatus, ServiceOffer
from tests.conftest import login, make_person

TODAY = timezone.localdate()


def _open(world, role: str = "caseworker") -> Case:
    actor = world.actor(role)
    person = make_person(actor, date_of_birth=TODAY.replace(year=TODAY.year - 30))
    return services.case_open(actor=actor, person_id=person.pk)


def _kinds(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


@pytest.mark.django_db
def test_only_a_member_whose_role_supervises_can_be_the_supervisor(world) -> None:
    case = _open(world)
    worker = world.user("caseworker")
    offered = dict(supervisors_of(world.home.pk))
    assert world.user("supervisor").pk in offered and worker.pk not in offered
    with pytest.raises(ValidationFailed) as exc:
        services.case_update_team(
            actor=world.actor("caseworker"),
            case_id=case.pk,
            expected_version=case.version,
            priority="normal",
            supervisor_id=worker.pk,
            assigned_ids=[worker.pk],
        )
    assert "supervisor" in exc.value.errors
    assert Case.objects.get(pk=case.pk).supervisor_id is None
    services.case_update_team(
        actor=world.actor("caseworker"),
        case_id=case.pk,
        expected_version=case.version,
        priority="normal",
        supervisor_id=world.user("supervisor").pk,
        assigned_ids=[worker.pk],
    )
    assert Case.objects.get(pk=case.pk).supervisor_id == world.user("supervisor").pk


@pytest.mark.django_db
def test_the_team_form_offers_only_supervisors(world) -> None:
    case = _open(world)
    page = login(Client(), world.user("caseworker")).get(f"/cases/{case.pk}/team/").content.decode()
    supervisor_select = page.split('name="supervisor"', 1)[1].split("</select>", 1)[0]
    assert f'value="{world.user("supervisor").pk}"' in supervisor_select
    assert f'value="{world.user("caseworker").pk}"' not in supervisor_select


@pytest.mark.django_db
def test_supervisors_are_told_of_a_plan_and_a_closure_waiting_for_them(world) -> None:
    actor = world.actor("caseworker")
    case = _open(world)
    services.screening_record(actor=actor, case_id=case.pk, answers={})
    services.care_plan_save(
        actor=actor,
        case_id=case.pk,
        goals="Recuperación",
        services=[PlannedServiceInput("psychological", world.home.pk)],
        expected_version=None,
    )
    services.care_plan_submit(actor=actor, case_id=case.pk)
    supervisor = world.user("supervisor")
    assert CARE_PLAN_SUBMITTED in _kinds(supervisor)
    assert CARE_PLAN_SUBMITTED not in _kinds(world.user("caseworker"))
    assert not Notification.objects.filter(recipient=world.user("supervisor", "other")).exists()
    services.case_request_closure(actor=actor, case_id=case.pk, reason="Reintegrada")
    assert CLOSURE_REQUESTED in _kinds(supervisor)
    link = Notification.objects.get(recipient=supervisor, kind=CLOSURE_REQUESTED).target_url
    assert link == f"/cases/{case.pk}/"


@pytest.mark.django_db
def test_a_case_opened_by_a_hotline_operator_is_announced_to_the_supervisors(world) -> None:
    case = _open(world, role="hotline_operator")
    assert CASE_NEEDS_TEAM in _kinds(world.user("supervisor"))
    # a caseworker's own case needs nobody's attention
    _open(world)
    assert (
        Notification.objects.filter(kind=CASE_NEEDS_TEAM).count()
        == Notification.objects.filter(kind=CASE_NEEDS_TEAM, target_url=f"/cases/{case.pk}/").count()
    )


@pytest.mark.django_db
def test_a_case_cannot_be_closed_while_a_referral_shares_it(world) -> None:
    ServiceOffer.objects.filter(organization=world.other, service_type="psychological").update(max_age=None)
    actor, supervisor = world.actor("caseworker"), world.actor("supervisor")
    case = _open(world)
    services.screening_record(actor=actor, case_id=case.pk, answers={})
    services.consent_record(
        actor=actor,
        case_id=case.pk,
        scopes=["referral"],
        referral_services=["psychological"],
        given_by="person",
        given_on=TODAY,
    )
    referral = referrals.referral_send(
        actor=actor,
        case_id=case.pk,
        to_org_id=world.other.pk,
        service_type="psychological",
        legal_basis="consent",
        shared_sections=["identity"],
    )
    referrals.referral_respond(actor=world.actor("caseworker", "other"), referral_id=referral.pk, accept=True)
    with pytest.raises(ValidationFailed) as exc:
        services.case_request_closure(actor=actor, case_id=case.pk, reason="Reintegrada")
    assert world.other.name in exc.value.errors["status"][0]
    assert not Case.objects.get(pk=case.pk).closure_requested
    referrals.referral_cancel(actor=actor, referral_id=referral.pk)
    services.case_request_closure(actor=actor, case_id=case.pk, reason="Reintegrada")
    # a referral sent after the request stops the approval too
    second = referrals.referral_send(
        actor=actor,
        case_id=case.pk,
        to_org_id=world.other.pk,
        service_type="psychological",
        legal_basis="consent",
        shared_sections=["identity"],
    )
    with pytest.raises(ValidationFailed):
        services.case_review_closure(actor=supervisor, case_id=case.pk, approve=True)
    assert Case.objects.get(pk=case.pk).status != CaseStatus.CLOSED
    referrals.referral_cancel(actor=actor, referral_id=second.pk)
    services.case_review_closure(actor=supervisor, case_id=case.pk, approve=True)
    assert Case.objects.get(pk=case.pk).status == CaseStatus.CLOSED
    assert referral.__class__.objects.get(pk=referral.pk).status == ReferralStatus.CANCELLED
