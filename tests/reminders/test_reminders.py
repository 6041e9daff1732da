"""Scheduled reminders: thresholds, once per object and threshold, nothing identifying in the e-mails."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from amparo.cases import services as cases
from amparo.notifications.models import Notification
from amparo.referrals import services as referrals
from amparo.referrals import shelter_services
from amparo.referrals.models import Placement, Referral, ServiceOffer, Shelter, ShelterBeds
from amparo.reintegration.models import ScheduledFollowUp
from amparo.reminders import services as reminders
from amparo.reminders.models import SentReminder
from tests.conftest import make_person

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def _kinds(user) -> list[str]:
    return sorted(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def _with_emails(world) -> None:
    for (where, role), user in world.users.items():
        user.email = f"{role}.{where}@example.org"
        user.save(update_fields=["email"])


def _adult_case(world):
    actor = world.actor("caseworker")
    person = make_person(actor, date_of_birth=TODAY.replace(year=TODAY.year - 24))
    return cases.case_open(actor=actor, person_id=person.pk)


def _minor_case(world):
    actor = world.actor("caseworker")
    person = make_person(actor, given="Ixchel", surnames="Coc Pop", age_min=14, age_max=15, gender="Feminine")
    return cases.case_open(actor=actor, person_id=person.pk)


def _referral(world):
    ServiceOffer.objects.filter(organization=world.other, service_type="psychological").update(max_age=None)
    case = _adult_case(world)
    cases.consent_record(
        actor=world.actor("caseworker"),
        case_id=case.pk,
        scopes=["referral"],
        referral_services=["psychological"],
        given_by="person",
        given_on=TODAY,
    )
    return referrals.referral_send(
        actor=world.actor("caseworker"),
        case_id=case.pk,
        to_org_id=world.other.pk,
        service_type="psychological",
        legal_basis="consent",
        shared_sections=["identity"],
        respond_by=TODAY,
    )


def _placement(world, stay_days: int, order_date=TODAY):
    shelter = Shelter.objects.create(organization=world.other, name="Hogar", address="Calle 1")
    ShelterBeds.objects.create(shelter=shelter, category="girls", beds=5)
    case = _minor_case(world)
    referral = referrals.referral_send(
        actor=world.actor("caseworker"),
        case_id=case.pk,
        to_org_id=world.other.pk,
        service_type="shelter",
        legal_basis="court_order",
        order_reference="Juzgado 1",
        shared_sections=["identity"],
    )
    staff = world.actor("shelter_staff", "other")
    referrals.referral_respond(actor=staff, referral_id=referral.pk, accept=True)
    return shelter_services.placement_admit(
        actor=staff,
        referral_id=referral.pk,
        shelter_id=shelter.pk,
        category="girls",
        court="Juzgado de Niñez",
        file_number="01-2026-88",
        order_date=order_date,
        stay_days=stay_days,
    )


def _closed_case(world, settings, months=(1,)):
    settings.AMPARO_FOLLOW_UP_MONTHS = list(months)
    case = _adult_case(world)
    cases.screening_record(actor=world.actor("caseworker"), case_id=case.pk, answers={})
    cases.case_request_closure(actor=world.actor("caseworker"), case_id=case.pk, reason="Reintegrada")
    return cases.case_review_closure(actor=world.actor("supervisor"), case_id=case.pk, approve=True)


# --- referrals ---


@pytest.mark.django_db
def test_unanswered_referral_is_reminded_once_after_its_date(world) -> None:
    _referral(world)
    Notification.objects.all().delete()
    assert reminders.referral_reminders(TODAY) == 0  # the answer is due today: not overdue yet
    assert reminders.referral_reminders(TODAY + DAY) == 1
    assert _kinds(world.user("caseworker", "other")) == ["referral.overdue"]  # the receivers: answer it
    assert _kinds(world.user("caseworker")) == ["referral.unanswered"]  # the sender
    assert reminders.referral_reminders(TODAY + DAY) == 0  # a rerun sends nothing
    assert reminders.referral_reminders(TODAY + 10 * DAY) == 0
    assert Notification.objects.filter(kind="referral.overdue").count() == len(
        referrals.responsible_receivers(world.other.pk, "psychological")
    )
    assert SentReminder.objects.get().threshold == "response_overdue"
    # An answered referral is not reminded of.
    second = _referral(world)
    referrals.referral_respond(actor=world.actor("caseworker", "other"), referral_id=second.pk, accept=True)
    assert reminders.referral_reminders(TODAY + DAY) == 0


@pytest.mark.django_db
def test_accepted_referral_without_outcome_is_reminded_after_the_set_days(world, settings) -> None:
    settings.AMPARO_REFERRAL_COMPLETION_DAYS = 30
    referral = _referral(world)
    referrals.referral_respond(actor=world.actor("caseworker", "other"), referral_id=referral.pk, accept=True)
    Notification.objects.all().delete()
    Referral.objects.filter(pk=referral.pk).update(responded_at=timezone.now() - datetime.timedelta(days=29))
    assert reminders.referral_reminders(TODAY) == 0
    Referral.objects.filter(pk=referral.pk).update(responded_at=timezone.now() - datetime.timedelta(days=31))
    assert reminders.referral_reminders(TODAY) == 1
    assert _kinds(world.user("caseworker", "other")) == ["referral.completion_overdue"]
    assert reminders.referral_reminders(TODAY) == 0


@pytest.mark.django_db
def test_a_current_shelter_stay_is_not_an_overdue_outcome(world, settings) -> None:
    settings.AMPARO_REFERRAL_COMPLETION_DAYS = 1
    placement = _placement(world, stay_days=200)
    Referral.objects.filter(pk=placement.referral_id).update(responded_at=timezone.now() - datetime.timedelta(days=90))
    assert reminders.referral_reminders(TODAY) == 0


# --- court orders ---


@pytest.mark.django_db
def test_court_order_reminders_before_and_after_the_end(world, settings) -> None:
    settings.AMPARO_ORDER_EXPIRY_DAYS = 15
    placement = _placement(world, stay_days=20)  # ends in 20 days
    Notification.objects.all().delete()
    assert reminders.placement_reminders(TODAY) == 0  # more than 15 days left
    assert reminders.placement_reminders(TODAY + 5 * DAY) == 1  # 15 days left
    staff = world.user("shelter_staff", "other")
    assert _kinds(staff) == ["placement.order_expiring"]
    assert Notification.objects.get(recipient=staff).target_url == f"/referrals/shelters/{placement.shelter_id}/"
    assert _kinds(world.user("caseworker")) == ["placement.order_expiring"]  # the referring team too
    assert reminders.placement_reminders(TODAY + 6 * DAY) == 0
    assert reminders.placement_reminders(TODAY + 20 * DAY) == 0  # the last day of the order
    assert reminders.placement_reminders(TODAY + 21 * DAY) == 1  # ended
    assert _kinds(staff) == ["placement.order_expired", "placement.order_expiring"]
    assert reminders.placement_reminders(TODAY + 40 * DAY) == 0
    assert sorted(SentReminder.objects.values_list("threshold", flat=True)) == [
        f"expired:{placement.order_end.isoformat()}",
        f"expiring:{placement.order_end.isoformat()}",
    ]


@pytest.mark.django_db
def test_the_expiry_window_comes_from_the_settings_and_discharged_stays_are_silent(world, settings) -> None:
    placement = _placement(world, stay_days=25)
    settings.AMPARO_ORDER_EXPIRY_DAYS = 15
    assert reminders.placement_reminders(TODAY) == 0
    settings.AMPARO_ORDER_EXPIRY_DAYS = 30
    Placement.objects.filter(pk=placement.pk).update(discharged_at=timezone.now())
    assert reminders.placement_reminders(TODAY) == 0
    Placement.objects.filter(pk=placement.pk).update(discharged_at=None)
    assert reminders.placement_reminders(TODAY) == 1


# --- follow-ups after closure ---


@pytest.mark.django_db
def test_follow_up_due_then_overdue_each_once(world, settings) -> None:
    settings.AMPARO_FOLLOW_UP_GRACE_DAYS = 7
    case = _closed_case(world, settings)
    follow_up = ScheduledFollowUp.objects.get(case=case)
    Notification.objects.all().delete()
    assert reminders.follow_up_reminders(follow_up.due_on - DAY) == 0
    assert reminders.follow_up_reminders(follow_up.due_on) == 1
    owner, supervisor = world.user("caseworker"), world.user("supervisor")
    assert _kinds(owner) == ["follow_up.due"] and _kinds(supervisor) == []
    assert reminders.follow_up_reminders(follow_up.due_on + 3 * DAY) == 0
    assert reminders.follow_up_reminders(follow_up.due_on + 8 * DAY) == 1
    assert _kinds(owner) == ["follow_up.due", "follow_up.overdue"]
    assert _kinds(supervisor) == ["follow_up.overdue"]  # overdue: the supervisor is told too
    assert reminders.follow_up_reminders(follow_up.due_on + 30 * DAY) == 0


@pytest.mark.django_db
def test_recorded_follow_up_is_not_reminded(world, settings) -> None:
    from amparo.reintegration.services import visit_record

    case = _closed_case(world, settings)
    follow_up = ScheduledFollowUp.objects.get(case=case)
    visit_record(
        actor=world.actor("caseworker"),
        case_id=case.pk,
        date=TODAY,
        modality="phone",
        outcome="stable",
        follow_up_id=follow_up.pk,
    )
    assert reminders.follow_up_reminders(follow_up.due_on + 30 * DAY) == 0


# --- the job, the command, the e-mails ---


@pytest.mark.django_db
def test_send_once_is_decided_by_the_database(world) -> None:
    message = reminders.Message([world.user("caseworker")], "follow_up.due", "/reintegration/")
    assert reminders._send_once("follow_up", "x", "due", [message]) == 1
    assert reminders._send_once("follow_up", "x", "due", [message]) == 0  # e.g. a second worker at once
    assert Notification.objects.filter(kind="follow_up.due").count() == 1


@pytest.mark.django_db
def test_emails_carry_a_label_and_a_link_only(world, settings, django_capture_on_commit_callbacks) -> None:
    settings.AMPARO_ORDER_EXPIRY_DAYS = 15
    _with_emails(world)
    placement = _placement(world, stay_days=10)
    referral = _referral(world)
    case = _closed_case(world, settings)
    ScheduledFollowUp.objects.filter(case=case).update(due_on=TODAY - 30 * DAY)
    Referral.objects.filter(pk=referral.pk).update(respond_by=TODAY - DAY)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        counts = reminders.send_reminders(today=TODAY)
    assert counts == {"referrals": 1, "placements": 1, "follow_ups": 1, "repatriation_steps": 0}
    assert len(mail.outbox) >= 5
    secrets = [
        "Valeria",
        "Jiménez",
        "Ixchel",
        "Coc Pop",
        "01-2026-88",
        "Juzgado",
        placement.case.number,
        case.number,
        "Hogar",
    ]
    for message in mail.outbox:
        text = message.subject + message.body
        assert not [s for s in secrets if s in text], text
        assert settings.SITE_URL in message.body
    assert {m.body.strip().splitlines()[-1].split(settings.SITE_URL.rstrip("/"))[1] for m in mail.outbox} >= {
        f"/referrals/{referral.pk}/",
        f"/referrals/shelters/{placement.shelter_id}/",
        f"/reintegration/cases/{case.pk}/#schedule",
    }
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        counts = reminders.send_reminders(today=TODAY)
    assert counts == {"referrals": 0, "placements": 0, "follow_ups": 0, "repatriation_steps": 0}
    assert mail.outbox == []


@pytest.mark.django_db
def test_command_enqueues_the_task_or_runs_it_now(world, settings) -> None:
    case = _closed_case(world, settings)
    ScheduledFollowUp.objects.filter(case=case).update(due_on=TODAY)
    out = io.StringIO()
    call_command("send_reminders", "--now", stdout=out)
    assert "follow_ups=1" in out.getvalue()
    ScheduledFollowUp.objects.filter(case=case).update(due_on=TODAY - 30 * DAY)
    out = io.StringIO()
    call_command("send_reminders", stdout=out)  # enqueued: the test backend runs it at once
    assert "enqueued" in out.getvalue()
    assert Notification.objects.filter(kind="follow_up.overdue").exists()


@pytest.mark.django_db
def test_overdue_repatriation_step_is_reminded_once_per_due_date(world) -> None:
    from amparo.repatriation.models import RepatriationStep, StepState
    from tests.repatriation.helpers import case_for, member, start

    consul = member("consulado-tapachula", "consular_officer")
    repatriation = start(world, case_for(world, minor=False))
    step = repatriation.steps.get(state=StepState.CURRENT)
    assert step.due_date is not None
    assert reminders.repatriation_step_reminders(step.due_date) == 0  # due today: not yet overdue
    late = step.due_date + datetime.timedelta(days=1)
    assert reminders.repatriation_step_reminders(late) == 1
    assert reminders.repatriation_step_reminders(late) == 0  # once
    assert "repatriation.step_overdue" in _kinds(consul.user)  # the responsible institution
    assert "repatriation.step_overdue" in _kinds(world.user("caseworker"))  # the case's team, who started it
    other = Notification.objects.filter(kind="repatriation.step_overdue").exclude(
        recipient__in=[consul.user, world.user("caseworker")]
    )
    assert not other.exists()
    # the due date moved (e.g. the step was reopened with a new date): a new reminder when that passes too
    RepatriationStep.objects.filter(pk=step.pk).update(due_date=late + datetime.timedelta(days=5))
    assert reminders.repatriation_step_reminders(late + datetime.timedelta(days=6)) == 1
    # a finished or cancelled repatriation's steps are not reminded
    repatriation.status = "cancelled"
    repatriation.save(update_fields=["status"])
    RepatriationStep.objects.filter(pk=step.pk).update(due_date=late + datetime.timedelta(days=10))
    assert reminders.repatriation_step_reminders(late + datetime.timedelta(days=20)) == 0
