"""Reads of repatriations, scoped to the actor. Participating institutions get the step data and the
minimum case data (number, age group, nationality): the person is never loaded for them."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from amparo.accounts.actor import Actor
from amparo.accounts.roles import Perm
from amparo.audit.services import audit_record
from amparo.cases.models import Attachment
from amparo.core.exceptions import NotFound, PermissionDenied
from amparo.referrals.models import ACTIVE_STATUSES, Referral
from amparo.referrals.permissions import receiver_has_access

from .models import Repatriation, RepatriationStatus, RepatriationStep, StepState
from .permissions import (
    can_see_step_records,
    can_view_repatriation,
    is_receiving_side,
    is_team,
    is_team_editor,
    may_act_on_step,
    repatriations_visible_to,
)
from .protocol import PartyRole, StepDef, protocol_for

# How a step shows on the timeline.
DONE, NOT_APPLICABLE, CURRENT, OVERDUE, PENDING, STOPPED = (
    "done",
    "not_applicable",
    "current",
    "overdue",
    "pending",
    "stopped",
)


@dataclass
class StepRow:
    step: RepatriationStep
    definition: StepDef
    status: str
    due: datetime.date | None
    projected: bool  # the due date is an estimate: the step has not opened yet
    can_act: bool = False
    records_visible: bool = True  # the step's note, reason and file (permissions.can_see_step_records)


@dataclass
class RepatriationView:
    repatriation: Repatriation
    as_team: bool
    steps: list[StepRow]
    current: StepRow | None
    parties: list[tuple[str, str]]  # (role label, institution name)
    can_cancel: bool
    can_handover: bool
    shared_referrals: list[Referral] = field(default_factory=list)
    roles: dict[str, str] = field(default_factory=dict)  # role code -> institution name (for the API)


def _ensure_allowed(actor: Actor) -> None:
    if not (actor.has(Perm.REPATRIATION_MANAGE) or actor.has(Perm.REPATRIATION_PARTICIPATE)):
        raise PermissionDenied()


def _withhold_records(step: RepatriationStep) -> None:
    """Blank, in memory only, what a party that does not need it must not see: the screens and the API
    render what the selector hands them."""
    step.note = None
    step.not_applicable_reason = None
    step.attachment = None


def timeline(repatriation: Repatriation, steps: list[RepatriationStep], today: datetime.date) -> list[StepRow]:
    """Each step with its state on the timeline and its due date (estimated for steps not opened yet)."""
    protocol = protocol_for(repatriation.track)
    start = timezone.localdate(repatriation.started_at)
    rows: list[StepRow] = []
    last: datetime.date = start
    for step in steps:
        definition = protocol.step(step.code)
        assert definition is not None
        if step.state in (StepState.DONE, StepState.NOT_APPLICABLE):
            status = DONE if step.state == StepState.DONE else NOT_APPLICABLE
            due, projected = step.due_date, False
            last = timezone.localdate(step.done_at) if step.done_at else last
        elif step.state == StepState.CURRENT:
            due, projected = step.due_date, False
            overdue = due is not None and due < today
            status = (OVERDUE if overdue else CURRENT) if repatriation.is_active else STOPPED
            last = max(today, due or today)
        else:
            base = start if definition.due.after == "start" else last
            due, projected = base + datetime.timedelta(days=definition.due.days), True
            status = PENDING if repatriation.is_active else STOPPED
            last = due
        rows.append(StepRow(step=step, definition=definition, status=status, due=due, projected=projected))
    return rows


@transaction.atomic
def repatriation_get_for_view(*, actor: Actor, repatriation_id: uuid.UUID | str) -> RepatriationView:
    _ensure_allowed(actor)
    repatriation = (
        Repatriation.objects.select_related("case", "owner_org", "started_by").filter(pk=repatriation_id).first()
    )
    if repatriation is None or not can_view_repatriation(actor, repatriation):
        raise NotFound()
    as_team = is_team(actor, repatriation)
    steps = list(
        repatriation.steps.select_related("organization", "done_by", "done_by_org", "attachment").order_by("position")
    )
    for step in steps:
        step.repatriation = repatriation
    party_rows = list(repatriation.parties.select_related("organization").order_by("pk"))
    rows = timeline(repatriation, steps, timezone.localdate())
    for row in rows:
        row.records_visible = can_see_step_records(actor, row.step, parties=party_rows, as_team=as_team)
        if not row.records_visible:
            _withhold_records(row.step)
    current = next((r for r in rows if r.status in (CURRENT, OVERDUE)), None)
    if current is not None:
        current.can_act = may_act_on_step(actor, repatriation, current.step)
    labels = dict(PartyRole.choices)
    parties = [(str(labels.get(p.role, p.role)), p.organization.name) for p in party_rows]
    shared: list[Referral] = []
    if not as_team:
        candidates = Referral.objects.filter(
            case_id=repatriation.case_id, to_org_id=actor.org_pk, status__in=ACTIVE_STATUSES
        ).select_related("consent", "to_org")
        shared = [r for r in candidates if receiver_has_access(actor, r)]
    audit_record(
        actor=actor,
        action="repatriation.view" if as_team else "repatriation.view_as_participant",
        target_type="repatriation",
        target_id=repatriation.pk,
    )
    return RepatriationView(
        repatriation=repatriation,
        as_team=as_team,
        steps=rows,
        current=current,
        parties=parties,
        can_cancel=repatriation.is_active and is_team_editor(actor, repatriation),
        can_handover=repatriation.is_active
        and current is not None
        and current.definition.handover
        and is_receiving_side(actor, repatriation),
        shared_referrals=shared,
        roles={p.role: p.organization.name for p in party_rows},
    )


@dataclass
class ListRow:
    repatriation: Repatriation
    current: RepatriationStep | None
    current_label: str
    overdue: bool
    as_team: bool


@dataclass
class RepatriationList:
    rows: list[ListRow]
    overdue: int


def repatriation_list(
    *, actor: Actor, status: str = "", overdue_only: bool = False, limit: int = 200
) -> RepatriationList:
    """Repatriations of the actor's cases and those the actor's institution takes part in, newest first.
    Overdue: the current step's due date has passed."""
    _ensure_allowed(actor)
    today = timezone.localdate()
    visible = repatriations_visible_to(actor)
    if status:
        visible = visible.filter(status=status)
    overdue_ids = set(
        RepatriationStep.objects.filter(
            repatriation__in=visible.filter(status=RepatriationStatus.IN_PROGRESS),
            state=StepState.CURRENT,
            due_date__lt=today,
        ).values_list("repatriation_id", flat=True)
    )
    if overdue_only:
        visible = visible.filter(pk__in=overdue_ids)
    repatriations = list(visible.select_related("case", "owner_org").order_by("-started_at")[:limit])
    current = {
        s.repatriation_id: s
        for s in RepatriationStep.objects.filter(
            repatriation__in=[r.pk for r in repatriations], state=StepState.CURRENT
        ).select_related("organization")
    }
    team_ids: set[uuid.UUID] = set()
    if actor.has(Perm.REPATRIATION_MANAGE):
        from amparo.cases.permissions import cases_visible_to

        team_ids = set(
            Repatriation.objects.filter(
                pk__in=[r.pk for r in repatriations], case__in=cases_visible_to(actor)
            ).values_list("pk", flat=True)
        )
    rows = []
    for r in repatriations:
        step = current.get(r.pk)
        definition = protocol_for(r.track).step(step.code) if step else None
        rows.append(
            ListRow(
                repatriation=r,
                current=step if r.is_active else None,
                current_label=str(definition.label) if definition and r.is_active else "",
                overdue=r.pk in overdue_ids,
                as_team=r.pk in team_ids,
            )
        )
    audit_record(actor=actor, action="repatriation.list", details={"results": len(rows)})
    return RepatriationList(rows=rows, overdue=len(overdue_ids))


@transaction.atomic
def step_attachment(
    *, actor: Actor, repatriation_id: uuid.UUID | str, step_id: uuid.UUID | str
) -> tuple[Attachment, bytes]:
    """The evidence file of a step: for the case team and the parties that need the step's records
    (permissions.can_see_step_records); anybody else gets 404, as if there were no file."""
    from amparo.cases import attachments

    _ensure_allowed(actor)
    repatriation = Repatriation.objects.select_related("case").filter(pk=repatriation_id).first()
    if repatriation is None or not can_view_repatriation(actor, repatriation):
        raise NotFound()
    step = (
        RepatriationStep.objects.select_related("attachment")
        .filter(pk=step_id, repatriation=repatriation, attachment__isnull=False)
        .first()
    )
    if step is None or step.attachment is None:
        raise NotFound()
    step.repatriation = repatriation
    if not can_see_step_records(actor, step):
        raise NotFound()
    data = attachments.load(step.attachment)
    audit_record(
        actor=actor,
        action="repatriation.attachment_downloaded",
        target_type="repatriation",
        target_id=repatriation.pk,
        details={"step": step.code, "attachment": str(step.attachment.pk)},
    )
    return step.attachment, data


def step_for_action(
    *, actor: Actor, repatriation_id: uuid.UUID | str, step_code: str = "", handover: bool = False
) -> tuple[RepatriationView, StepRow]:
    """A step's form (the hand-over's if ``handover``): 404 if the repatriation is not visible or has no
    such step, 403 if the actor may not record that step. Whether it is its turn is the service's answer
    (a clear message)."""
    view = repatriation_get_for_view(actor=actor, repatriation_id=repatriation_id)
    row = next((r for r in view.steps if (r.definition.handover if handover else r.step.code == step_code)), None)
    if row is None:
        raise NotFound()
    if not may_act_on_step(actor, view.repatriation, row.step):
        raise PermissionDenied()
    return view, row
