"""Writes of reintegration: goals, follow-up visits and the post-closure schedule. Atomic, explicit actor,
permission re-checked, audited in the same transaction with codes and counts only."""

from __future__ import annotations

import datetime
import uuid

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from amparo.accounts.actor import Actor
from amparo.accounts.models import Membership, User
from amparo.accounts.roles import Perm
from amparo.audit.services import audit_record
from amparo.cases.models import Case
from amparo.cases.permissions import supervisors_of
from amparo.core.exceptions import NotFound, PermissionDenied, StaleEdit, ValidationFailed
from amparo.notifications.kinds import FOLLOW_UP_ALERT
from amparo.organizations.models import Organization
from amparo.referrals.models import Referral, ReferralStatus

from . import schedule
from .models import (
    ALERT_OUTCOMES,
    OPEN_GOAL_STATUSES,
    FollowUpVisit,
    Goal,
    GoalArea,
    GoalStatus,
    Modality,
    ReintegrationPlan,
    ScheduledFollowUp,
    VisitOutcome,
)
from .permissions import can_edit_reintegration, can_view_reintegration, closed_as_no_victims_case, follow_ups_run


def _audit(actor: Actor, action: str, case: Case, **details: object) -> None:
    audit_record(actor=actor, action=action, target_type="case", target_id=case.pk, details=details)


def _user(actor: Actor) -> User:
    assert actor.user is not None
    return actor.user


def _case_for_work(actor: Actor, case_id: uuid.UUID | str) -> Case:
    """The case locked for update, or NotFound / PermissionDenied (existence does not leak)."""
    if not actor.has(Perm.CASE_EDIT):
        raise PermissionDenied()
    case = Case.objects.select_for_update(of=("self",)).filter(pk=case_id).first()
    if case is None or not can_view_reintegration(actor, case):
        raise NotFound()
    if closed_as_no_victims_case(case):
        raise ValidationFailed(
            {
                "__all__": [
                    _(
                        "This case was closed as a duplicate or as opened in error: its reintegration record "
                        "stays as it was. Carry on in the person's case that remains."
                    )
                ]
            }
        )
    if not can_edit_reintegration(actor, case):
        raise PermissionDenied()
    return case


# A goal may rest on a referral that is awaiting an answer, accepted or completed; one kept from before the
# referral was declined or ended stays (the goal's history), but no new goal is linked to it.
GOAL_REFERRAL_STATUSES = frozenset({ReferralStatus.SENT, ReferralStatus.ACCEPTED, ReferralStatus.COMPLETED})


def _check_goal(
    case: Case,
    *,
    area: str,
    description: str,
    institution_id: int | None,
    referral_id: uuid.UUID | str | None,
    status: str,
    target_date: datetime.date | None,
    current_referral_id: uuid.UUID | None = None,
    current_institution_id: int | None = None,
) -> tuple[dict[str, list[str]], Organization | None, Referral | None]:
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if area not in GoalArea.values:
        add("area", _("Choose an area."))
    if not description.strip():
        add("description", _("Describe the goal."))
    if status not in GoalStatus.values:
        add("status", _("Choose a valid status."))
    referral = None
    if referral_id:
        referral = Referral.objects.filter(pk=referral_id, case=case, from_org_id=case.owner_org_id).first()
        if referral is None:
            add("referral", _("Choose a referral of this case."))
        elif referral.status not in GOAL_REFERRAL_STATUSES and referral.pk != current_referral_id:
            add("referral", _("A goal cannot rest on a referral that was declined, cancelled or ended."))
    # An institution taken out of the network takes no new goals; a goal it already had may keep it (to be
    # brought to an end: achieved, not achieved, dropped).
    institution = (
        Organization.objects.filter(Q(is_active=True) | Q(pk=current_institution_id or 0), pk=institution_id).first()
        if institution_id
        else None
    )
    if referral is not None:
        if institution is not None and institution.pk != referral.to_org_id:
            add("institution", _("The responsible institution is the one the referral went to."))
        institution = referral.to_org
    if institution is None:
        add("institution", _("Name the responsible institution."))
    if target_date is not None and target_date.year < 2000:
        add("target_date", _("Give a valid date."))
    return errors, institution, referral


@transaction.atomic
def goal_add(
    *,
    actor: Actor,
    case_id: uuid.UUID | str,
    area: str,
    description: str,
    institution_id: int | None,
    referral_id: uuid.UUID | str | None = None,
    status: str = GoalStatus.PLANNED,
    target_date: datetime.date | None = None,
) -> Goal:
    case = _case_for_work(actor, case_id)
    errors, institution, referral = _check_goal(
        case,
        area=area,
        description=description,
        institution_id=institution_id,
        referral_id=referral_id,
        status=status,
        target_date=target_date,
    )
    if errors:
        raise ValidationFailed(errors)
    assert institution is not None
    # A form sent twice (or the same goal typed again) does not give the plan the same open goal twice. The
    # case row is locked: two submissions at once see each other. Goal texts are encrypted: compared here.
    wanted = " ".join(description.split()).casefold()
    for open_goal in Goal.objects.filter(plan__case=case, area=area, status__in=OPEN_GOAL_STATUSES):
        if " ".join(open_goal.description.split()).casefold() == wanted:
            raise ValidationFailed({"description": [_("This goal is already in the plan, open: edit that one.")]})
    plan, created = ReintegrationPlan.objects.get_or_create(case=case, defaults={"created_by": _user(actor)})
    goal = Goal.objects.create(
        plan=plan,
        area=area,
        description=description.strip(),
        institution=institution,
        referral=referral,
        status=status,
        target_date=target_date,
        created_by=_user(actor),
    )
    if created:
        _audit(actor, "reintegration.plan_created", case)
    _audit(actor, "reintegration.goal_added", case, goal=str(goal.pk), area=area, status=status)
    return goal


@transaction.atomic
def goal_update(
    *,
    actor: Actor,
    goal_id: uuid.UUID | str,
    expected_version: int | None,
    area: str,
    description: str,
    institution_id: int | None,
    referral_id: uuid.UUID | str | None,
    status: str,
    target_date: datetime.date | None,
) -> Goal:
    goal = Goal.objects.select_related("plan").filter(pk=goal_id).first()
    if goal is None:
        raise NotFound()
    case = _case_for_work(actor, goal.plan.case_id)
    goal = Goal.objects.select_for_update().get(pk=goal.pk)
    errors, institution, referral = _check_goal(
        case,
        current_referral_id=goal.referral_id,
        current_institution_id=goal.institution_id,
        area=area,
        description=description,
        institution_id=institution_id,
        referral_id=referral_id,
        status=status,
        target_date=target_date,
    )
    if errors:
        raise ValidationFailed(errors)
    assert institution is not None
    wanted = {
        "area": area,
        "description": description.strip(),
        "institution": institution.pk,
        "referral": referral.pk if referral else None,
        "status": status,
        "target_date": target_date,
    }
    current = {
        "area": goal.area,
        "description": goal.description,
        "institution": goal.institution_id,
        "referral": goal.referral_id,
        "status": goal.status,
        "target_date": goal.target_date,
    }
    changed = [k for k in wanted if wanted[k] != current[k]]
    if expected_version is not None and goal.version != expected_version:
        raise StaleEdit(goal.version, changed)
    if not changed:
        return goal
    goal.area = area
    goal.description = description.strip()
    goal.institution = institution
    goal.referral = referral
    goal.status = status
    goal.target_date = target_date
    goal.version += 1
    goal.save()
    _audit(actor, "reintegration.goal_updated", case, goal=str(goal.pk), fields=changed, status=status)
    return goal


def _supervisors(case: Case) -> list[User]:
    supervisors = dict(supervisors_of(case.owner_org_id))
    # The case's supervisor if that person still supervises; otherwise every supervisor of the institution,
    # so an at-risk alert always reaches someone who can act on it.
    if case.supervisor_id in supervisors:
        return [case.supervisor]  # type: ignore[list-item]
    return list(User.objects.filter(pk__in=supervisors))


DOUBLE_SUBMIT_WINDOW = datetime.timedelta(minutes=10)


def _just_recorded(
    case: Case, date: datetime.date, modality: str, outcome: str, visited_by_id: int, notes: str
) -> bool:
    """The same visit recorded for the case minutes ago: a form sent twice (the case row is locked, so two
    submissions at once see each other). Notes are encrypted: compared here."""
    recent = FollowUpVisit.objects.filter(
        case=case,
        date=date,
        modality=modality,
        outcome=outcome,
        visited_by_id=visited_by_id,
        recorded_at__gte=timezone.now() - DOUBLE_SUBMIT_WINDOW,
    )
    return any((visit.notes or "") == notes.strip() for visit in recent)


@transaction.atomic
def visit_record(
    *,
    actor: Actor,
    case_id: uuid.UUID | str,
    date: datetime.date,
    modality: str,
    outcome: str,
    visited_by_id: int | None = None,
    notes: str = "",
    follow_up_id: uuid.UUID | str | None = None,
) -> FollowUpVisit:
    """A follow-up visit (or call); when it answers a scheduled post-closure follow-up, that one is done.
    A worrying outcome (at risk, lost contact, re-victimized) alerts the case's supervisor."""
    case = _case_for_work(actor, case_id)
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if date > timezone.localdate():
        add("date", _("The date cannot be in the future."))
    if date < timezone.localdate(case.opened_at):
        add("date", _("The date is before the case was opened."))
    if modality not in Modality.values:
        add("modality", _("Choose how the follow-up was made."))
    if outcome not in VisitOutcome.values:
        add("outcome", _("Choose the outcome."))
    visited_by_id = visited_by_id or actor.user_pk
    if not Membership.objects.filter(user_id=visited_by_id, organization_id=case.owner_org_id, is_active=True).exists():
        add("visited_by", _("Choose someone of the institution."))
    follow_up = None
    if follow_up_id:
        follow_up = ScheduledFollowUp.objects.select_for_update().filter(pk=follow_up_id, case=case).first()
        if follow_up is None or follow_up.cancelled_at is not None:
            add("follow_up", _("Choose a scheduled follow-up of this case."))
        elif follow_up.visit_id is not None:
            add("follow_up", _("This follow-up has already been recorded."))
        elif not follow_ups_run(case):
            # As on the schedule: while the case is open again, nothing after closure is due.
            add("follow_up", _("The case was reopened: its follow-ups after closure wait until it is closed again."))
        elif case.closed_at is not None and date < timezone.localdate(case.closed_at):
            add("date", _("A follow-up after closure cannot be dated before the case was closed."))
    if not errors and _just_recorded(case, date, modality, outcome, visited_by_id, notes):
        add("__all__", _("This follow-up was recorded a moment ago: it is not recorded twice."))
    if errors:
        raise ValidationFailed(errors)
    visit = FollowUpVisit.objects.create(
        case=case,
        date=date,
        modality=modality,
        visited_by_id=visited_by_id,
        outcome=outcome,
        notes=notes.strip() or None,
        recorded_by=_user(actor),
    )
    if follow_up is not None:
        follow_up.visit = visit
        follow_up.save(update_fields=["visit"])
    _audit(
        actor,
        "reintegration.visit_recorded",
        case,
        visit=str(visit.pk),
        modality=modality,
        outcome=outcome,
        scheduled=follow_up is not None,
    )
    if outcome in ALERT_OUTCOMES:
        from amparo.notifications.services import notify

        notify(recipients=_supervisors(case), kind=FOLLOW_UP_ALERT, target_url=f"/reintegration/cases/{case.pk}/")
    return visit


def schedule_after_closure(actor: Actor, case: Case) -> list[ScheduledFollowUp]:
    """Hooked into the approval of a case's closure (cases.services.CASE_CLOSED_HOOKS), in its transaction:
    the follow-ups 1, 3, 6, 12 months (settings.AMPARO_FOLLOW_UP_MONTHS) after the closure date. A pending
    schedule of an earlier closure (the case was reopened meanwhile) is superseded."""
    closed_on = timezone.localdate(case.closed_at) if case.closed_at else timezone.localdate()
    superseded = ScheduledFollowUp.objects.filter(case=case, visit__isnull=True, cancelled_at__isnull=True).update(
        cancelled_at=timezone.now()
    )
    rows = ScheduledFollowUp.objects.bulk_create(
        ScheduledFollowUp(case=case, months=m, due_on=schedule.add_months(closed_on, m))
        for m in schedule.follow_up_months()
    )
    _audit(
        actor,
        "reintegration.follow_ups_scheduled",
        case,
        months=[r.months for r in rows],
        superseded=superseded,
    )
    return rows
