"""Reads of the hotline, scoped to the actor: the shared queue, one call, statistics, the roster, alerts."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Case as When_Case
from django.db.models import Count, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import ExtractHour
from django.utils import timezone

from amparo.accounts.actor import Actor
from amparo.accounts.roles import Perm
from amparo.audit.services import audit_record
from amparo.core.exceptions import NotFound, PermissionDenied

from .models import (
    OPEN_STATUSES,
    Call,
    CallStatus,
    Category,
    Channel,
    DutyShift,
    Outcome,
    RescueAlert,
    Urgency,
)
from .permissions import alert_for, calls_visible_to, can_view_call, is_hotline_staff

TABS = ("new", "mine", "urgent", "all")

_URGENCY_RANK = When_Case(
    When(urgency=Urgency.URGENT, then=Value(0)),
    When(urgency=Urgency.HIGH, then=Value(1)),
    When(urgency=Urgency.MEDIUM, then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)


def _tab_filter(actor: Actor, tab: str) -> Q:
    if tab == "new":
        return Q(status=CallStatus.NEW)
    if tab == "mine":
        return Q(handler_id=actor.user_pk, status__in=OPEN_STATUSES)
    if tab == "urgent":
        return Q(urgency__in=(Urgency.URGENT, Urgency.HIGH), status__in=OPEN_STATUSES)
    return Q()


@dataclass
class Queue:
    tab: str
    calls: list[Call]
    counts: dict[str, int]


def call_queue(
    *, actor: Actor, tab: str = "new", status: str = "", organization_id: int | None = None, limit: int = 100
) -> Queue:
    """Operators: new calls, their own, the urgent ones; open calls urgent first, then the longest waiting.
    Supervisors also see every call (newest first), filtered by status and answering institution."""
    if not is_hotline_staff(actor):
        raise PermissionDenied()
    if tab not in TABS or (tab == "all" and not actor.has(Perm.HOTLINE_SUPERVISE)):
        tab = "new"
    visible = calls_visible_to(actor)
    calls = visible.filter(_tab_filter(actor, tab))
    if tab == "all":
        if status:
            calls = calls.filter(status=status)
        if organization_id:
            calls = calls.filter(organization_id=organization_id)
        calls = calls.order_by("-received_at")
    else:
        calls = calls.annotate(rank=_URGENCY_RANK).order_by("rank", "received_at")
    counts = {t: visible.filter(_tab_filter(actor, t)).count() for t in TABS if t != "all"}
    rows = list(calls.select_related("organization", "handler", "referred_to")[:limit])
    return Queue(tab=tab, calls=rows, counts=counts)


@transaction.atomic
def call_get_for_view(*, actor: Actor, call_id: uuid.UUID | str) -> Call:
    """One call with its content (identifying data): hotline staff only, and every view is audited."""
    if not is_hotline_staff(actor):
        raise NotFound()
    call = (
        Call.objects.select_related(
            "organization", "handler", "recorded_by", "referred_to", "case", "complaint__receiving_org"
        )
        .filter(pk=call_id)
        .first()
    )
    if call is None or not can_view_call(actor, call):
        raise NotFound()
    audit_record(actor=actor, action="hotline.call_view", target_type="hotline_call", target_id=call.pk)
    return call


def call_find(*, actor: Actor, call_id: uuid.UUID | str) -> Call:
    """Access check before a form is even read (no content is shown, so no audit): 404 outside the queue."""
    call = Call.objects.filter(pk=call_id).first()
    if call is None or not can_view_call(actor, call):
        raise NotFound()
    return call


def follow_ups_of(call: Call) -> list[object]:
    return list(call.follow_ups.select_related("organization", "recorded_by"))


def alerts_of(call: Call) -> list[RescueAlert]:
    return list(call.alerts.select_related("recipient"))


@transaction.atomic
def alert_get_for_view(*, actor: Actor, call_id: uuid.UUID | str) -> RescueAlert:
    """An alerted officer sees what they need to act on the rescue request (location, time, summary)."""
    alert = alert_for(actor, call_id)
    if alert is None:
        raise NotFound()
    audit_record(actor=actor, action="hotline.alert_view", target_type="hotline_call", target_id=alert.call_id)
    return alert


def alerts_for_user(*, actor: Actor, limit: int = 20) -> list[RescueAlert]:
    if not actor.has(Perm.HOTLINE_ALERT):
        return []
    return list(
        RescueAlert.objects.filter(recipient_id=actor.user_pk).select_related("call").order_by("-created_at")[:limit]
    )


# --- statistics (hotline supervisors; aggregates, no identities) ---


@dataclass
class Stats:
    start: datetime.date
    end: datetime.date
    total: int = 0
    follow_ups: int = 0
    by_channel: list[tuple[str, str, int]] = field(default_factory=list)
    by_category: list[tuple[str, str, int]] = field(default_factory=list)
    by_outcome: list[tuple[str, str, int]] = field(default_factory=list)
    by_hour: list[tuple[int, int]] = field(default_factory=list)  # (hour of day, local time; count)
    peak: int = 0


_OUTCOME = When_Case(
    When(case__isnull=False, complaint__isnull=False, then=Value(Outcome.CASE_AND_COMPLAINT.value)),
    When(complaint__isnull=False, then=Value(Outcome.COMPLAINT.value)),
    When(case__isnull=False, then=Value(Outcome.CASE.value)),
    When(status=CallStatus.REFERRED, then=Value(Outcome.REFERRED.value)),
    When(status=CallStatus.CLOSED, then=Value(Outcome.CLOSED.value)),
    default=Value(Outcome.OPEN.value),
)


def _period(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    tz = timezone.get_current_timezone()
    since = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    until = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return since, until


def _counted(rows: QuerySet[Call], key: str, choices: list[tuple[str, Any]]) -> list[tuple[str, str, int]]:
    found = {r[key]: r["n"] for r in rows.values(key).annotate(n=Count("pk")).order_by()}
    return [(code, str(label), found.get(code, 0)) for code, label in choices]


def call_statistics(*, actor: Actor, start: datetime.date, end: datetime.date) -> Stats:
    """Calls received in the period (local dates, both included): by channel, category, hour and outcome."""
    if not actor.has(Perm.HOTLINE_SUPERVISE) or not is_hotline_staff(actor):
        raise PermissionDenied()
    since, until = _period(start, end)
    calls = calls_visible_to(actor).filter(received_at__gte=since, received_at__lt=until)
    stats = Stats(start=start, end=end, total=calls.count())
    stats.follow_ups = (
        calls_visible_to(actor)
        .filter(follow_ups__received_at__gte=since, follow_ups__received_at__lt=until)
        .aggregate(n=Count("follow_ups"))["n"]
    )
    stats.by_channel = _counted(calls, "channel", Channel.choices)
    stats.by_category = _counted(calls, "category", Category.choices)
    stats.by_outcome = _counted(calls.annotate(outcome=_OUTCOME), "outcome", Outcome.choices)
    hours = {
        r["hour"]: r["n"]
        for r in calls.annotate(hour=ExtractHour("received_at", tzinfo=timezone.get_current_timezone()))
        .values("hour")
        .annotate(n=Count("pk"))
        .order_by()
    }
    stats.by_hour = [(h, hours.get(h, 0)) for h in range(24)]
    stats.peak = max((n for _h, n in stats.by_hour), default=0)
    return stats


# --- the on-duty roster ---


def duty_roster(*, actor: Actor, days: int = 14) -> list[DutyShift]:
    """Current and coming shifts (hotline staff see who is on duty; supervisors edit)."""
    if not is_hotline_staff(actor):
        raise PermissionDenied()
    now = timezone.now()
    return list(
        DutyShift.objects.filter(ends_at__gt=now, starts_at__lt=now + datetime.timedelta(days=days))
        .select_related("user", "organization")
        .order_by("starts_at", "duty")
    )


def find_shift(*, actor: Actor, shift_id: int) -> DutyShift | None:
    """A shift of the shared roster, or None if there is none (already removed: a second click). Outside
    the participating call centers the roster does not exist (404, whether the shift exists or not)."""
    if not is_hotline_staff(actor):
        raise NotFound()
    return DutyShift.objects.filter(pk=shift_id).first()
