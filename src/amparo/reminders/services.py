"""Scheduled reminders: referrals overdue for an answer or an outcome, court orders (placements) about to
end or ended, follow-ups after closure due or overdue, repatriation steps past their due date. Each is sent
once per object and threshold: the ``SentReminder`` row is written in the same transaction as the
notifications, so a rerun (or a second worker) sends nothing twice. Notifications carry a code and a
link only (notify() enforces it)."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from amparo.accounts.actor import Actor
from amparo.accounts.models import Membership, User
from amparo.accounts.roles import Perm, role_has
from amparo.audit.services import audit_record
from amparo.cases.models import Case
from amparo.notifications.kinds import (
    FOLLOW_UP_DUE,
    FOLLOW_UP_OVERDUE,
    REFERRAL_COMPLETION_OVERDUE,
    REFERRAL_OVERDUE,
    REFERRAL_UNANSWERED,
    REPATRIATION_STEP_OVERDUE,
)
from amparo.notifications.kinds import PLACEMENT_ORDER_EXPIRED as ORDER_EXPIRED
from amparo.notifications.kinds import PLACEMENT_ORDER_EXPIRING as ORDER_EXPIRING
from amparo.notifications.selectors import reachable_recipients
from amparo.notifications.services import notify
from amparo.referrals.models import Placement, Referral, ReferralStatus
from amparo.referrals.services import responsible_receivers
from amparo.referrals.shelter_selectors import expiry_warning_days
from amparo.reintegration import schedule
from amparo.reintegration.models import ScheduledFollowUp
from amparo.reintegration.selectors import pending_follow_ups
from amparo.repatriation.models import RepatriationStatus, RepatriationStep, StepState
from amparo.repatriation.services import participants_of

from .models import SentReminder

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Message:
    recipients: list[User]
    kind: str
    target_url: str


def _send_once(object_type: str, object_id: object, threshold: str, messages: Iterable[Message]) -> int:
    """Record the reminder and notify, atomically; 0 if it was already sent (by a previous run or another
    worker at the same moment: the unique constraint decides)."""
    try:
        with transaction.atomic():
            sent = SentReminder.objects.create(object_type=object_type, object_id=str(object_id), threshold=threshold)
            count = 0
            for message in messages:
                count += len(notify(recipients=message.recipients, kind=message.kind, target_url=message.target_url))
            sent.recipients = count
            sent.save(update_fields=["recipients"])
    except IntegrityError:
        return 0
    return 1


def _already(object_type: str, thresholds: Iterable[str]) -> set[tuple[str, str]]:
    return set(
        SentReminder.objects.filter(object_type=object_type, threshold__in=list(thresholds)).values_list(
            "object_id", "threshold"
        )
    )


def _in(organization_id: int, users: Iterable[User | None]) -> list[User]:
    """Those of these users who still work for the institution the reminder concerns (notify() drops
    whoever left Amparo altogether; this also drops whoever left that institution for another)."""
    return reachable_recipients(users, organization_id=organization_id)


def _senders(referral: Referral) -> list[User]:
    """The sender and the case owner, if they still work for the sending institution; else its supervisors,
    so that the reminder does not go to nobody."""
    senders = _in(referral.from_org_id, (referral.sent_by, referral.case.owner))
    return senders or _members_with(referral.from_org_id, Perm.CASE_SUPERVISE)


def _members_with(organization_id: int, perm: str, unit_id: int | None = None) -> list[User]:
    memberships = Membership.objects.filter(
        organization_id=organization_id, is_active=True, user__is_active=True
    ).select_related("user")
    if unit_id is not None:
        memberships = memberships.filter(unit_id=unit_id)
    return [m.user for m in memberships if role_has(m.role, perm)]


def _supervisors(case: Case) -> list[User]:
    supervisor = _in(case.owner_org_id, [case.supervisor])
    return supervisor or _members_with(case.owner_org_id, Perm.CASE_SUPERVISE)


def _team(case: Case) -> list[User]:
    """The case's team still in its institution; its supervisors when nobody of the team is left."""
    return _in(case.owner_org_id, [case.owner, *case.assigned.all()]) or _supervisors(case)


def referral_reminders(today: datetime.date) -> int:
    sent = 0
    unanswered = Referral.objects.filter(status=ReferralStatus.SENT, respond_by__lt=today).select_related(
        "case__owner", "sent_by", "to_org"
    )
    done = _already("referral", ["response_overdue"])
    for referral in unanswered.iterator():
        if (str(referral.pk), "response_overdue") in done:
            continue
        url = f"/referrals/{referral.pk}/"
        # A receiving institution deactivated since cannot answer: it is not chased; the sender still is, and
        # the referral's page tells the sender to cancel it and refer the person elsewhere.
        messages = [Message(_senders(referral), REFERRAL_UNANSWERED, url)]
        if referral.to_org.is_active:
            receivers = responsible_receivers(referral.to_org_id, referral.service_type)
            messages.insert(0, Message(receivers, REFERRAL_OVERDUE, url))
        sent += _send_once("referral", referral.pk, "response_overdue", messages)
    days = int(getattr(settings, "AMPARO_REFERRAL_COMPLETION_DAYS", 60))
    since = timezone.now() - datetime.timedelta(days=days)
    in_shelter = Placement.objects.filter(referral=OuterRef("pk"), discharged_at__isnull=True)
    no_outcome = (
        Referral.objects.filter(status=ReferralStatus.ACCEPTED, responded_at__lt=since)
        .exclude(Exists(in_shelter))  # a current shelter stay is followed by its court order's reminders
        .select_related("responded_by", "to_org", "case__owner", "sent_by")
    )
    done = _already("referral", ["completion_overdue"])
    for referral in no_outcome.iterator():
        if (str(referral.pk), "completion_overdue") in done:
            continue
        if referral.to_org.is_active:
            receivers = [
                *_in(referral.to_org_id, [referral.responded_by]),
                *responsible_receivers(referral.to_org_id, referral.service_type),
            ]
        else:  # the receiver left the network and will report no outcome: the sender is told (see above)
            receivers = _senders(referral)
        sent += _send_once(
            "referral",
            referral.pk,
            "completion_overdue",
            [Message(receivers, REFERRAL_COMPLETION_OVERDUE, f"/referrals/{referral.pk}/")],
        )
    return sent


def placement_reminders(today: datetime.date) -> int:
    days = expiry_warning_days()
    active = Placement.objects.filter(
        discharged_at__isnull=True, order_end__lte=today + datetime.timedelta(days=days)
    ).select_related("shelter", "referral__case__owner", "referral__sent_by")
    sent = 0
    rows = list(active)
    done = _already(
        "placement", {f"{'expired' if p.order_end < today else 'expiring'}:{p.order_end.isoformat()}" for p in rows}
    )
    for placement in rows:
        expired = placement.order_end < today
        threshold = f"{'expired' if expired else 'expiring'}:{placement.order_end.isoformat()}"
        if (str(placement.pk), threshold) in done:
            continue
        kind = ORDER_EXPIRED if expired else ORDER_EXPIRING
        shelter = placement.shelter
        staff = _members_with(shelter.organization_id, Perm.SHELTER_ADMIT, shelter.unit_id)
        staff = staff or _members_with(shelter.organization_id, Perm.SHELTER_ADMIT)
        messages = [Message(staff, kind, f"/referrals/shelters/{shelter.pk}/")]
        if placement.referral is not None:
            messages.append(Message(_senders(placement.referral), kind, f"/referrals/{placement.referral_id}/"))
        sent += _send_once("placement", placement.pk, threshold, messages)
    return sent


def follow_up_reminders(today: datetime.date) -> int:
    rows: list[ScheduledFollowUp] = list(pending_follow_ups(today).select_related("case__owner", "case__supervisor"))
    done = _already("follow_up", {"due", "overdue"})
    sent = 0
    for follow_up in rows:
        state = schedule.state(due_on=follow_up.due_on, done=False, cancelled=False, today=today)
        threshold = "overdue" if state == schedule.OVERDUE else "due"
        if (str(follow_up.pk), threshold) in done:
            continue
        case = follow_up.case
        recipients = _team(case) + (_supervisors(case) if threshold == "overdue" else [])
        kind = FOLLOW_UP_OVERDUE if threshold == "overdue" else FOLLOW_UP_DUE
        sent += _send_once(
            "follow_up",
            follow_up.pk,
            threshold,
            [Message(recipients, kind, f"/reintegration/cases/{case.pk}/#schedule")],
        )
    return sent


def repatriation_step_reminders(today: datetime.date) -> int:
    """The current step of a repatriation in progress, past its due date: its responsible institution's
    participants, and the case's team that started it, are told once per step and due date (a due date moved
    by an earlier step's late completion counts as a new threshold)."""
    overdue = list(
        RepatriationStep.objects.filter(
            state=StepState.CURRENT,
            due_date__lt=today,
            repatriation__status=RepatriationStatus.IN_PROGRESS,
        ).select_related("repatriation__started_by", "repatriation__case__owner")
    )
    done = _already("repatriation_step", {f"overdue:{s.due_date.isoformat()}" for s in overdue if s.due_date})
    sent = 0
    for step in overdue:
        assert step.due_date is not None  # filtered above
        threshold = f"overdue:{step.due_date.isoformat()}"
        if (str(step.pk), threshold) in done:
            continue
        repatriation = step.repatriation
        team = _in(repatriation.case.owner_org_id, (repatriation.started_by, repatriation.case.owner))
        sent += _send_once(
            "repatriation_step",
            step.pk,
            threshold,
            [
                Message(
                    [*participants_of([step.organization_id]), *team],
                    REPATRIATION_STEP_OVERDUE,
                    f"/repatriations/{repatriation.pk}/",
                )
            ],
        )
    return sent


JOBS: dict[str, Callable[[datetime.date], int]] = {
    "referrals": referral_reminders,
    "placements": placement_reminders,
    "follow_ups": follow_up_reminders,
    "repatriation_steps": repatriation_step_reminders,
}


def send_reminders(*, today: datetime.date | None = None) -> dict[str, int]:
    """Run every kind of reminder; returns how many objects were reminded of, per kind (codes and counts)."""
    today = today or timezone.localdate()
    counts = {name: job(today) for name, job in JOBS.items()}
    if any(counts.values()):  # a run that sent nothing leaves no trace (it runs every hour)
        with transaction.atomic():
            audit_record(actor=Actor.for_system("task:send-reminders"), action="reminders.sent", details=counts)
    logger.info("reminders sent: %s", counts)
    return counts
