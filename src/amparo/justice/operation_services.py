"""Compartmented operations (raids): planning by named members, execution, and the on-site screening
of the persons found, whose presumed victims become protection cases in one step."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from amparo.accounts.actor import Actor
from amparo.accounts.roles import Perm
from amparo.cases import services as case_services
from amparo.cases.screening import propose_status
from amparo.cases.vocab import INDICATOR_BY_CODE, Answer, TraffickingStatus
from amparo.core.exceptions import PermissionDenied, ValidationFailed
from amparo.people.services import person_create
from amparo.people.validation import PersonInput

from .models import InvestigationVictim, Operation, OperationFinding
from .selectors import compartment_logged, operation_lookup
from .services import _audit, _Errors, _user, investigation_for_edit, justice_users
from .vocab import OperationStatus

MAX_MEMBERS = 30


def _members(errors: _Errors, member_ids: Iterable[int], lead_id: int) -> list[object]:
    ids = {int(m) for m in member_ids} - {lead_id}
    users = justice_users(ids)
    if len(users) != len(ids):
        errors.add("members", _("Members must be active prosecutors or investigators."))
    if len(ids) > MAX_MEMBERS:
        errors.add("members", _("Too many members: an operation is compartmented."))
    return list(users)


@transaction.atomic
def operation_plan(
    actor: Actor,
    *,
    investigation_id: uuid.UUID | str,
    codename: str,
    objective: str,
    planned_for: datetime.date,
    member_ids: Iterable[int] = (),
    target_id: uuid.UUID | str | None = None,
) -> Operation:
    """Plan an operation led by the actor. Only the lead and the named members will know it exists."""
    if not actor.has(Perm.OPERATION_CREATE):
        raise PermissionDenied()
    investigation = investigation_for_edit(actor, investigation_id)
    errors = _Errors()
    if not (codename or "").strip() or len(codename) > 80:
        errors.add("codename", _("Give a code name (up to 80 characters)."))
    if not (objective or "").strip():
        errors.add("objective", _("Describe the objective and the plan."))
    if planned_for is None:
        errors.add("planned_for", _("Give the date."))
    elif planned_for < investigation.opened_on:
        errors.add("planned_for", _("An operation cannot be planned before the investigation opened."))
    target = None
    if target_id:
        target = investigation.places.filter(pk=target_id).first()
        if target is None:
            errors.add("target", _("Choose a place of this investigation."))
    members = _members(errors, member_ids, actor.user_pk)
    errors.raise_if_any()
    operation = Operation.objects.create(
        investigation=investigation,
        codename=codename.strip(),
        objective=objective.strip(),
        planned_for=planned_for,
        target=target,
        lead=_user(actor),
    )
    operation.members.set(members)  # type: ignore[arg-type]
    _audit(actor, "operation.plan", "operation", operation.pk, members=len(members))
    return operation


@compartment_logged
@transaction.atomic
def operation_set_members(actor: Actor, *, operation_id: uuid.UUID | str, member_ids: Iterable[int]) -> Operation:
    operation = operation_lookup(actor, operation_id, "edit", edit=True)
    if operation.lead_id != actor.user_pk:
        raise PermissionDenied()
    errors = _Errors()
    members = _members(errors, member_ids, operation.lead_id)
    errors.raise_if_any()
    operation.members.set(members)  # type: ignore[arg-type]
    _audit(actor, "operation.members", "operation", operation.pk, members=len(members))
    return operation


@compartment_logged
@transaction.atomic
def operation_execute(
    actor: Actor, *, operation_id: uuid.UUID | str, executed_at: datetime.datetime | None = None, outcome: str = ""
) -> Operation:
    """Mark the operation executed: from now on the investigation's team sees it too."""
    operation = operation_lookup(actor, operation_id, "edit", edit=True)
    errors = _Errors()
    executed_at = executed_at or timezone.now()
    if operation.status != OperationStatus.PLANNED:
        errors.add("status", _("Only a planned operation can be executed."))
    if executed_at > timezone.now():
        errors.add("executed_at", _("The date cannot be in the future."))
    elif timezone.localdate(executed_at) < operation.investigation.opened_on:
        errors.add("executed_at", _("An operation cannot be executed before the investigation opened."))
    errors.raise_if_any()
    operation.status = OperationStatus.EXECUTED
    operation.executed_at = executed_at
    operation.outcome = outcome.strip() or None
    operation.save(update_fields=["status", "executed_at", "outcome"])
    _audit(actor, "operation.execute", "operation", operation.pk)
    return operation


@compartment_logged
@transaction.atomic
def operation_cancel(actor: Actor, *, operation_id: uuid.UUID | str) -> Operation:
    """A cancelled operation stays compartmented (it was never executed)."""
    operation = operation_lookup(actor, operation_id, "edit", edit=True)
    if operation.status != OperationStatus.PLANNED:
        raise ValidationFailed({"status": [_("Only a planned operation can be cancelled.")]})
    operation.status = OperationStatus.CANCELLED
    operation.save(update_fields=["status"])
    _audit(actor, "operation.cancel", "operation", operation.pk)
    return operation


@dataclass
class FoundPerson:
    """A person found on site, as the screening officer records them."""

    given_names: str
    surnames: str = ""
    gender: str = "NonSpecifiedUnknown"
    age_min: int | None = None
    age_max: int | None = None
    nationalities: list[str] = field(default_factory=list)
    answers: Mapping[str, str] = field(default_factory=dict)  # ILO indicator code -> yes / no / unknown


@dataclass
class ScreeningResult:
    findings: list[OperationFinding]
    cases: list[Any]


@compartment_logged
@transaction.atomic
def operation_screen_found(actor: Actor, *, operation_id: uuid.UUID | str, found: list[FoundPerson]) -> ScreeningResult:
    """One step after an executed operation: register each person found, screen them on site with the ILO
    indicators (amparo.cases.screening), and for every presumed victim open a protection case, record
    the screening in it, and link the case to the investigation. All or nothing."""
    operation = operation_lookup(actor, operation_id, "edit", edit=True)
    if not (actor.has(Perm.PERSON_CREATE) and actor.has(Perm.CASE_CREATE)):
        raise PermissionDenied()
    errors = _Errors()
    if operation.status != OperationStatus.EXECUTED:
        errors.add("status", _("Screen the persons found after the operation is executed."))
    if not found:
        errors.add("found", _("Add at least one person found."))
    for index, person in enumerate(found, start=1):
        unknown = [c for c in person.answers if c not in INDICATOR_BY_CODE]
        bad = [v for v in person.answers.values() if v not in Answer.values]
        if unknown or bad:
            errors.add("found", _("Person %(n)d: some answers are not valid.") % {"n": index})
    errors.raise_if_any()
    findings: list[OperationFinding] = []
    cases: list[Any] = []
    today = timezone.localdate()
    for index, item in enumerate(found, start=1):
        try:
            registered = person_create(
                actor=actor,
                data=PersonInput(
                    given_names=item.given_names,
                    surnames=item.surnames,
                    gender=item.gender,
                    age_min=item.age_min,
                    age_max=item.age_max,
                    nationalities=list(item.nationalities),
                ),
            )
        except ValidationFailed as exc:
            raise ValidationFailed(
                {f"found_{index}_{k}": v for k, v in exc.errors.items()}
                | {"found": [_("Person %(n)d: check the data.") % {"n": index}]}
            ) from exc
        answers = {code: item.answers.get(code, Answer.UNKNOWN) for code in INDICATOR_BY_CODE}
        proposed = propose_status(answers, minor=registered.presumed_minor_on(today))
        finding = OperationFinding(
            operation=operation,
            person=registered,
            answers=answers,
            proposed_status=proposed,
            presumed_victim=proposed == TraffickingStatus.PRESUMED,
            screened_by=_user(actor),
        )
        if finding.presumed_victim:
            case = case_services.case_open(actor=actor, person_id=registered.pk)
            case_services.screening_record(actor=actor, case_id=case.pk, answers=answers)
            InvestigationVictim.objects.get_or_create(investigation=operation.investigation, case=case)
            finding.case = case
            cases.append(case)
        finding.save()
        findings.append(finding)
    _audit(
        actor,
        "operation.screening",
        "operation",
        operation.pk,
        found=len(findings),
        presumed_victims=len(cases),
    )
    return ScreeningResult(findings=findings, cases=cases)
