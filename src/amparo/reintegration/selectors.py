"""Reads of reintegration, scoped to the case team (deny by default). Views of the plan are audited."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from amparo.accounts.actor import Actor
from amparo.accounts.roles import Perm
from amparo.audit.services import audit_record
from amparo.cases.models import Case
from amparo.cases.permissions import cases_visible_to
from amparo.cases.vocab import FREE_REASON, CaseStatus
from amparo.core.exceptions import NotFound, PermissionDenied

from . import schedule
from .models import OPEN_GOAL_STATUSES, FollowUpVisit, Goal, ReintegrationPlan, ScheduledFollowUp
from .permissions import can_view_reintegration, follow_ups_run


@dataclass
class FollowUpRow:
    follow_up: ScheduledFollowUp
    state: str  # schedule.UPCOMING / DUE / OVERDUE / DONE / CANCELLED


@dataclass
class ReintegrationView:
    case: Case
    plan: ReintegrationPlan | None
    goals: list[Goal]
    schedule: list[FollowUpRow]
    visits: list[FollowUpVisit]

    @property
    def pending(self) -> list[FollowUpRow]:
        return [r for r in self.schedule if r.state in (schedule.DUE, schedule.OVERDUE)]


def _case(actor: Actor, case_id: uuid.UUID | str) -> Case:
    if not actor.has(Perm.CASE_VIEW):
        raise PermissionDenied()
    case = Case.objects.select_related("person", "owner_org", "owner").filter(pk=case_id).first()
    if case is None or not can_view_reintegration(actor, case):
        raise NotFound()
    return case


def follow_up_rows(case: Case, today: datetime.date | None = None) -> list[FollowUpRow]:
    today = today or timezone.localdate()
    runs = follow_ups_run(case)
    rows = []
    for f in ScheduledFollowUp.objects.filter(case=case).select_related("visit").order_by("due_on", "created_at"):
        # Reopened: the schedule waits (nothing is due) until the case is closed again; closed as a duplicate
        # or opened in error: the schedule of an earlier closure does not apply any more.
        cancelled = f.cancelled_at is not None or (not runs and f.visit_id is None)
        rows.append(FollowUpRow(f, schedule.state(due_on=f.due_on, done=f.is_done, cancelled=cancelled, today=today)))
    return rows


@transaction.atomic
def reintegration_get_for_view(*, actor: Actor, case_id: uuid.UUID | str) -> ReintegrationView:
    case = _case(actor, case_id)
    plan = ReintegrationPlan.objects.filter(case=case).first()
    goals = list(plan.goals.select_related("institution", "referral__to_org")) if plan else []
    visits = list(FollowUpVisit.objects.filter(case=case).select_related("visited_by"))
    audit_record(actor=actor, action="reintegration.view", target_type="case", target_id=case.pk)
    return ReintegrationView(case, plan, goals, follow_up_rows(case), visits)


def case_for_form(*, actor: Actor, case_id: uuid.UUID | str) -> Case:
    """The case behind a reintegration form (the view then checks the right to edit)."""
    return _case(actor, case_id)


def goal_for_edit(*, actor: Actor, goal_id: uuid.UUID | str) -> Goal:
    if not actor.has(Perm.CASE_VIEW):
        raise PermissionDenied()
    goal = Goal.objects.select_related("plan__case", "institution", "referral").filter(pk=goal_id).first()
    if goal is None or not can_view_reintegration(actor, goal.plan.case):
        raise NotFound()
    return goal


@dataclass
class CaseSummary:
    goals_open: int
    goals_total: int
    visits: int
    last_outcome: str
    next_follow_up: FollowUpRow | None
    overdue: int


def case_summary(case: Case) -> CaseSummary:
    """For the case page (whose view already checked access): counts and the next follow-up, no free text."""
    goals = Goal.objects.filter(plan__case=case)
    last = FollowUpVisit.objects.filter(case=case).order_by("-date", "-recorded_at").first()
    rows = [r for r in follow_up_rows(case) if r.state in (schedule.UPCOMING, schedule.DUE, schedule.OVERDUE)]
    return CaseSummary(
        goals_open=goals.filter(status__in=OPEN_GOAL_STATUSES).count(),
        goals_total=goals.count(),
        visits=FollowUpVisit.objects.filter(case=case).count(),
        last_outcome=last.get_outcome_display() if last else "",
        next_follow_up=rows[0] if rows else None,
        overdue=sum(1 for r in rows if r.state == schedule.OVERDUE),
    )


def pending_follow_ups(today: datetime.date | None = None) -> QuerySet[ScheduledFollowUp]:
    """Every follow-up of a closed case that is due (date reached) and not yet recorded (for reminders)."""
    today = today or timezone.localdate()
    return ScheduledFollowUp.objects.filter(
        visit__isnull=True,
        cancelled_at__isnull=True,
        due_on__lte=today,
        case__status=CaseStatus.CLOSED,
        case__closure_code=FREE_REASON,  # as follow_ups_run: not after a closure as a duplicate or in error
    )


@dataclass
class DueRow:
    follow_up: ScheduledFollowUp
    state: str


def follow_ups_due_for(*, actor: Actor, limit: int = 200) -> list[DueRow]:
    """The actor's follow-ups due or overdue (cases of their team; all the institution's for supervisors)."""
    if not actor.has(Perm.CASE_VIEW):
        raise PermissionDenied()
    today = timezone.localdate()
    rows = (
        pending_follow_ups(today)
        .filter(case__in=cases_visible_to(actor))
        .select_related("case", "case__owner")
        .order_by("due_on")[:limit]
    )
    return [DueRow(f, schedule.state(due_on=f.due_on, done=False, cancelled=False, today=today)) for f in rows]
