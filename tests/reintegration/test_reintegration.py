from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone
from django.utils.translation import gettext

from amparo.audit.models import AuditEvent
from amparo.cases import services as cases
from amparo.cases.vocab import CaseStatus
from amparo.core.exceptions import NotFound, PermissionDenied, StaleEdit, ValidationFailed
from amparo.notifications.models import Notification
from amparo.referrals import services as referrals
from amparo.referrals.models import ServiceOffer
from amparo.reintegration import schedule, selectors, services
from amparo.reintegration.models import FollowUpVisit, Goal, ScheduledFollowUp
from tests.conftest import login, make_person

TODAY = timezone.localdate()


def _case(world):
    actor = world.actor("caseworker")
    person = make_person(actor, date_of_birth=TODAY.replace(year=TODAY.year - 22))
    return cases.case_open(actor=actor, person_id=person.pk)


def _close(world, case):
    cases.screening_record(actor=world.actor("caseworker"), case_id=case.pk, answers={})
    cases.case_request_closure(actor=world.actor("caseworker"), case_id=case.pk, reason="Reintegrada")
    return cases.case_review_closure(actor=world.actor("supervisor"), case_id=case.pk, approve=True)


def _consent(world, case):
    """Reopening into assistance needs a consent to assistance, which a closed case takes."""
    cases.consent_record(
        actor=world.actor("caseworker"), case_id=case.pk, scopes=["assistance"], given_by="person", given_on=TODAY
    )


def _goal(world, case, **kwargs):
    params = {"area": "vocational", "description": "Curso de panadería", "institution_id": world.other.pk}
    params.update(kwargs)
    return services.goal_add(actor=world.actor("caseworker"), case_id=case.pk, **params)


# --- schedule arithmetic ---


def test_add_months_keeps_the_day_or_takes_the_months_last() -> None:
    assert schedule.add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert schedule.add_months(datetime.date(2028, 1, 31), 1) == datetime.date(2028, 2, 29)
    assert schedule.add_months(datetime.date(2026, 11, 15), 3) == datetime.date(2027, 2, 15)
    assert schedule.add_months(datetime.date(2026, 5, 10), 12) == datetime.date(2027, 5, 10)


def test_follow_up_states(settings) -> None:
    settings.AMPARO_FOLLOW_UP_GRACE_DAYS = 7
    due = datetime.date(2026, 3, 1)

    def state(today: datetime.date, done: bool = False, cancelled: bool = False) -> str:
        return schedule.state(due_on=due, done=done, cancelled=cancelled, today=today)

    assert state(datetime.date(2026, 2, 28)) == schedule.UPCOMING
    assert state(due) == schedule.DUE
    assert state(datetime.date(2026, 3, 8)) == schedule.DUE
    assert state(datetime.date(2026, 3, 9)) == schedule.OVERDUE
    assert state(datetime.date(2026, 3, 9), done=True) == schedule.DONE
    assert state(datetime.date(2026, 3, 9), cancelled=True) == schedule.CANCELLED


# --- goals ---


@pytest.mark.django_db
def test_goal_is_added_to_the_plan_encrypted_and_audited_without_text(world) -> None:
    case = _case(world)
    goal = _goal(world, case, target_date=TODAY + datetime.timedelta(days=90))
    assert goal.plan.case == case and goal.status == "planned" and goal.institution == world.other
    with connection.cursor() as cursor:
        cursor.execute("SELECT description FROM reintegration_goal WHERE id = %s", [goal.pk.hex])
        raw = cursor.fetchone()
    if raw is None:  # PostgreSQL stores the uuid natively
        with connection.cursor() as cursor:
            cursor.execute("SELECT description FROM reintegration_goal WHERE id = %s", [goal.pk])
            raw = cursor.fetchone()
    assert raw is not None and "panadería" not in str(raw[0])
    events = AuditEvent.objects.filter(target_id=str(case.pk), action__startswith="reintegration.")
    assert {e.action for e in events} == {"reintegration.plan_created", "reintegration.goal_added"}
    assert all("panadería" not in str(e.details) for e in events)


@pytest.mark.django_db
def test_bad_goal_is_refused_and_nothing_is_saved(world) -> None:
    case = _case(world)
    other_case = _case(world)
    with pytest.raises(ValidationFailed) as exc:
        services.goal_add(
            actor=world.actor("caseworker"), case_id=case.pk, area="astrology", description=" ", institution_id=None
        )
    assert set(exc.value.errors) == {"area", "description", "institution"}
    # A referral of another case cannot back the goal.
    ServiceOffer.objects.filter(organization=world.other, service_type="psychological").update(max_age=None)
    cases.consent_record(
        actor=world.actor("caseworker"),
        case_id=other_case.pk,
        scopes=["referral"],
        referral_services=["psychological"],
        given_by="person",
        given_on=TODAY,
    )
    foreign = referrals.referral_send(
        actor=world.actor("caseworker"),
        case_id=other_case.pk,
        to_org_id=world.other.pk,
        service_type="psychological",
        legal_basis="consent",
        shared_sections=["identity"],
    )
    with pytest.raises(ValidationFailed) as exc:
        _goal(world, case, referral_id=foreign.pk)
    assert "referral" in exc.value.errors
    assert not Goal.objects.exists()


@pytest.mark.django_db
def test_goal_resting_on_a_referral_takes_its_institution(world) -> None:
    case = _case(world)
    ServiceOffer.objects.filter(organization=world.other, service_type="psychological").update(max_age=None)
    cases.consent_record(
        actor=world.actor("caseworker"),
        case_id=case.pk,
        scopes=["referral"],
        referral_services=["psychological"],
        given_by="person",
        given_on=TODAY,
    )
    referral = referrals.referral_send(
        actor=world.actor("caseworker"),
        case_id=case.pk,
        to_org_id=world.other.pk,
        service_type="psychological",
        legal_basis="consent",
        shared_sections=["identity"],
    )
    goal = _goal(world, case, area="counselling", institution_id=None, referral_id=referral.pk)
    assert goal.referral == referral and goal.institution == world.other
    with pytest.raises(ValidationFailed) as exc:  # a referral to SBS, but "responsible: Casa Alianza"
        _goal(world, case, area="counselling", institution_id=world.home.pk, referral_id=referral.pk)
    assert "institution" in exc.value.errors
    # Once declined, the referral keeps the goal that rested on it, but backs no new one, and the form
    # offers it only to that goal.
    referrals.referral_respond(
        actor=world.actor("caseworker", "other"), referral_id=referral.pk, accept=False, reason="Sin cupo"
    )
    with pytest.raises(ValidationFailed) as exc:
        _goal(world, case, area="education", institution_id=None, referral_id=referral.pk)
    assert "referral" in exc.value.errors
    services.goal_update(
        actor=world.actor("caseworker"),
        goal_id=goal.pk,
        expected_version=goal.version,
        area="counselling",
        description="Terapia",
        institution_id=None,
        referral_id=referral.pk,
        status="in_progress",
        target_date=None,
    )
    from amparo.reintegration.forms import GoalForm

    assert referral not in GoalForm(case=case).fields["referral"].queryset
    assert referral in GoalForm(case=case, initial={"referral": referral.pk}).fields["referral"].queryset


@pytest.mark.django_db
def test_goal_update_is_optimistic_and_audits_the_fields(world) -> None:
    case = _case(world)
    goal = _goal(world, case)
    changed = services.goal_update(
        actor=world.actor("caseworker"),
        goal_id=goal.pk,
        expected_version=1,
        area="vocational",
        description="Curso de panadería",
        institution_id=world.other.pk,
        referral_id=None,
        status="in_progress",
        target_date=None,
    )
    assert changed.status == "in_progress" and changed.version == 2
    event = AuditEvent.objects.filter(action="reintegration.goal_updated").get()
    assert event.details["fields"] == ["status"]
    with pytest.raises(StaleEdit):
        services.goal_update(
            actor=world.actor("supervisor"),
            goal_id=goal.pk,
            expected_version=1,
            area="vocational",
            description="Otro",
            institution_id=world.other.pk,
            referral_id=None,
            status="achieved",
            target_date=None,
        )
    assert Goal.objects.get(pk=goal.pk).status == "in_progress"


@pytest.mark.django_db
def test_only_the_case_team_works_on_the_plan(world) -> None:
    case = _case(world)
    with pytest.raises(NotFound):  # another institution: the case does not exist for them
        _goal_by(world, case, "caseworker", "other")
    with pytest.raises(NotFound):  # same institution, not on the team
        _goal_by(world, case, "investigator")
    with pytest.raises(PermissionDenied):  # no right to work on cases
        _goal_by(world, case, "hotline_operator")
    _goal_by(world, case, "supervisor")  # the institution's supervisors
    with pytest.raises(NotFound):
        selectors.reintegration_get_for_view(actor=world.actor("supervisor", "other"), case_id=case.pk)


def _goal_by(world, case, role, where="home"):
    return services.goal_add(
        actor=world.actor(role, where),
        case_id=case.pk,
        area="health",
        description="Control médico",
        institution_id=world.home.pk,
    )


# --- visits ---


@pytest.mark.django_db
def test_visit_is_recorded_and_a_worrying_outcome_alerts_the_supervisor(world) -> None:
    case = _case(world)
    visit = services.visit_record(
        actor=world.actor("caseworker"),
        case_id=case.pk,
        date=TODAY,
        modality="home",
        outcome="stable",
        notes="Vive con su tía; asiste a clases",
    )
    assert visit.visited_by == world.user("caseworker") and visit.notes.startswith("Vive")
    assert not Notification.objects.filter(kind="follow_up.alert").exists()
    services.visit_record(
        actor=world.actor("caseworker"), case_id=case.pk, date=TODAY, modality="phone", outcome="lost_contact"
    )
    alerted = set(Notification.objects.filter(kind="follow_up.alert").values_list("recipient", flat=True))
    assert alerted == {world.user("supervisor").pk}  # the institution's supervisors (the case has none named)
    event = AuditEvent.objects.filter(action="reintegration.visit_recorded").first()
    assert event is not None and "tía" not in str(event.details)


@pytest.mark.django_db
def test_bad_visit_is_refused(world) -> None:
    case = _case(world)
    with pytest.raises(ValidationFailed) as exc:
        services.visit_record(
            actor=world.actor("caseworker"),
            case_id=case.pk,
            date=TODAY + datetime.timedelta(days=1),
            modality="telepathy",
            outcome="fine",
            visited_by_id=world.user("caseworker", "other").pk,
        )
    assert set(exc.value.errors) == {"date", "modality", "outcome", "visited_by"}
    assert not FollowUpVisit.objects.exists()


# --- the schedule after closure ---


@pytest.mark.django_db
def test_closure_creates_the_follow_up_schedule(world, settings) -> None:
    settings.AMPARO_FOLLOW_UP_MONTHS = [1, 3, 6, 12]
    case = _close(world, _case(world))
    closed_on = timezone.localdate(case.closed_at)
    rows = list(ScheduledFollowUp.objects.filter(case=case))
    assert [r.months for r in rows] == [1, 3, 6, 12]
    assert [r.due_on for r in rows] == [schedule.add_months(closed_on, m) for m in (1, 3, 6, 12)]
    assert AuditEvent.objects.filter(action="reintegration.follow_ups_scheduled", target_id=str(case.pk)).exists()


@pytest.mark.django_db
def test_schedule_months_come_from_the_settings(world, settings) -> None:
    settings.AMPARO_FOLLOW_UP_MONTHS = [2, 24]
    case = _close(world, _case(world))
    assert list(ScheduledFollowUp.objects.filter(case=case).values_list("months", flat=True)) == [2, 24]


@pytest.mark.django_db
def test_a_returned_closure_schedules_nothing(world) -> None:
    case = _case(world)
    cases.screening_record(actor=world.actor("caseworker"), case_id=case.pk, answers={})
    cases.case_request_closure(actor=world.actor("caseworker"), case_id=case.pk, reason="x")
    cases.case_review_closure(actor=world.actor("supervisor"), case_id=case.pk, approve=False, comment="Aún no")
    assert not ScheduledFollowUp.objects.filter(case=case).exists()


@pytest.mark.django_db
def test_reclosing_supersedes_the_pending_schedule_and_keeps_the_done_ones(world, settings) -> None:
    settings.AMPARO_FOLLOW_UP_MONTHS = [1, 3]
    case = _close(world, _case(world))
    first = ScheduledFollowUp.objects.filter(case=case).order_by("due_on")[0]
    visit = services.visit_record(
        actor=world.actor("caseworker"),
        case_id=case.pk,
        date=TODAY,
        modality="phone",
        outcome="stable",
        follow_up_id=first.pk,
    )
    first.refresh_from_db()
    assert first.visit == visit
    with pytest.raises(ValidationFailed):  # recorded already
        services.visit_record(
            actor=world.actor("caseworker"),
            case_id=case.pk,
            date=TODAY,
            modality="phone",
            outcome="stable",
            follow_up_id=first.pk,
        )
    _consent(world, case)
    cases.case_transition(
        actor=world.actor("caseworker"), case_id=case.pk, to_status=CaseStatus.ASSISTANCE, reason="Recaída"
    )
    case.refresh_from_db()
    states = [r.state for r in selectors.follow_up_rows(case)]
    assert states == [schedule.DONE, schedule.CANCELLED]  # nothing is due while the case is open again
    cases.case_request_closure(actor=world.actor("caseworker"), case_id=case.pk, reason="Estable")
    cases.case_review_closure(actor=world.actor("supervisor"), case_id=case.pk, approve=True)
    rows = ScheduledFollowUp.objects.filter(case=case)
    assert rows.filter(cancelled_at__isnull=False).count() == 1  # the pending 3-month one of the first closure
    assert rows.filter(visit__isnull=False).count() == 1
    assert rows.filter(cancelled_at__isnull=True, visit__isnull=True).count() == 2


@pytest.mark.django_db
def test_a_follow_up_of_another_case_cannot_be_recorded_here(world) -> None:
    closed = _close(world, _case(world))
    follow_up = ScheduledFollowUp.objects.filter(case=closed).first()
    assert follow_up is not None
    with pytest.raises(ValidationFailed) as exc:
        services.visit_record(
            actor=world.actor("caseworker"),
            case_id=_case(world).pk,
            date=TODAY,
            modality="phone",
            outcome="stable",
            follow_up_id=follow_up.pk,
        )
    assert "follow_up" in exc.value.errors


# --- screens and API ---


@pytest.mark.django_db
def test_screens_from_the_case_page_to_a_recorded_follow_up(world, settings) -> None:
    settings.AMPARO_FOLLOW_UP_MONTHS = [1]
    case = _close(world, _case(world))
    follow_up = ScheduledFollowUp.objects.get(case=case)
    ScheduledFollowUp.objects.filter(pk=follow_up.pk).update(due_on=TODAY - datetime.timedelta(days=30))
    client = login(Client(), world.user("caseworker"))
    detail = client.get(f"/cases/{case.pk}/").content.decode()
    assert f'href="/reintegration/cases/{case.pk}/"' in detail
    assert f'href="/reintegration/cases/{case.pk}/goals/new/"' in detail
    page = client.get(f"/reintegration/cases/{case.pk}/").content.decode()
    assert f"?follow_up={follow_up.pk}" in page and 'class="badge danger"' in page  # overdue
    assert AuditEvent.objects.filter(action="reintegration.view", target_id=str(case.pk)).exists()
    due = client.get("/reintegration/").content.decode()
    assert case.number in due
    # A goal with errors comes back with them, and nothing is saved.
    response = client.post(f"/reintegration/cases/{case.pk}/goals/new/", {"area": "income", "status": "planned"})
    assert response.status_code == 400 and not Goal.objects.exists()
    response = client.post(
        f"/reintegration/cases/{case.pk}/goals/new/",
        {"area": "income", "description": "Capital semilla", "institution": world.other.pk, "status": "planned"},
    )
    assert response.status_code == 302
    goal = Goal.objects.get()
    response = client.post(
        f"/reintegration/goals/{goal.pk}/",
        {
            "area": "income",
            "description": "Capital semilla",
            "institution": world.other.pk,
            "status": "achieved",
            "version": goal.version,
        },
    )
    assert response.status_code == 302 and Goal.objects.get().status == "achieved"
    response = client.post(
        f"/reintegration/cases/{case.pk}/visits/new/",
        {
            "date": TODAY.isoformat(),
            "modality": "home",
            "visited_by": world.user("caseworker").pk,
            "outcome": "stable",
            "notes": "Trabaja en una panadería",
            "follow_up": follow_up.pk,
        },
    )
    assert response.status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.visit is not None and follow_up.visit.notes == "Trabaja en una panadería"
    assert case.number not in client.get("/reintegration/").content.decode()  # no longer due
    data = client.get(f"/api/v1/cases/{case.pk}/reintegration/").json()
    assert data["goals"][0]["area"] == "income" and data["goals"][0]["status"] == "achieved"
    assert data["schedule"][0]["state"] == "done" and data["visits"][0]["outcome"] == "stable"


@pytest.mark.django_db
def test_other_institution_gets_404_everywhere(world) -> None:
    case = _case(world)
    goal = _goal(world, case)
    client = login(Client(), world.user("supervisor", "other"))
    for url in (
        f"/reintegration/cases/{case.pk}/",
        f"/reintegration/cases/{case.pk}/goals/new/",
        f"/reintegration/cases/{case.pk}/visits/new/",
        f"/reintegration/goals/{goal.pk}/",
        f"/api/v1/cases/{case.pk}/reintegration/",
    ):
        assert client.get(url).status_code == 404, url
    response = client.post(
        f"/reintegration/goals/{goal.pk}/",
        {"area": "income", "description": "x", "institution": world.other.pk, "status": "dropped", "version": 1},
    )
    assert response.status_code == 404
    assert Goal.objects.get(pk=goal.pk).status == "planned"


@pytest.mark.django_db
def test_a_follow_up_after_closure_is_recorded_after_the_closure_and_not_while_reopened(world, settings) -> None:
    settings.AMPARO_FOLLOW_UP_MONTHS = [1, 3]
    case = _case(world)
    case.opened_at = timezone.now() - datetime.timedelta(days=60)
    case.save(update_fields=["opened_at"])
    case = _close(world, case)
    first, second = ScheduledFollowUp.objects.filter(case=case).order_by("due_on")

    def record(follow_up, date=TODAY):
        return services.visit_record(
            actor=world.actor("caseworker"),
            case_id=case.pk,
            date=date,
            modality="home",
            outcome="stable",
            follow_up_id=follow_up.pk,
        )

    with pytest.raises(ValidationFailed) as exc:  # a visit of before the closure is no follow-up after it
        record(first, TODAY - datetime.timedelta(days=10))
    assert "date" in exc.value.errors
    first.refresh_from_db()
    assert first.visit is None and not FollowUpVisit.objects.filter(case=case).exists()
    _consent(world, case)
    cases.case_transition(
        actor=world.actor("caseworker"), case_id=case.pk, to_status=CaseStatus.ASSISTANCE, reason="Recaída"
    )
    with pytest.raises(ValidationFailed) as exc:  # reopened: the schedule waits, as the screen shows
        record(second)
    assert exc.value.errors["follow_up"] == [
        gettext("The case was reopened: its follow-ups after closure wait until it is closed again.")
    ]
    assert not FollowUpVisit.objects.filter(case=case).exists()
    page = login(Client(HTTP_ACCEPT_LANGUAGE="en"), world.user("caseworker")).get(
        f"/reintegration/cases/{case.pk}/visits/new/"
    )
    assert str(second.pk) not in page.content.decode()
