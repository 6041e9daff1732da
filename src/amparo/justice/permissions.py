"""Who sees what in the justice app. Deny by default; one place for every rule.

- Complaints: the receiving institution's users with justice.view. So a complaint is received by the Public
  Ministry or the police, or by the recorder's own institution only when the recorder sees its complaints
  (``complaint_receivers``): one recorded elsewhere would be seen by nobody.
- Investigations: their team (lead and named members, of any institution) with justice.view.
- Operations (compartmented): before execution only their lead and named members know they exist;
  after execution the investigation's team sees them too.
- Protected witnesses: identity and whereabouts only for the protection team (protection.py).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from amparo.accounts.actor import Actor
from amparo.accounts.roles import Perm
from amparo.organizations.models import Organization

from .models import Complaint, Investigation, InvestigationMember, Operation
from .vocab import RECEIVING_INSTITUTION_CODES, OperationStatus


def complaint_receivers(actor: Actor) -> QuerySet[Organization]:
    """The institutions a complaint the actor records may be received by: the Public Ministry and the police,
    and the actor's own institution when the actor sees the complaints it receives (justice.view). A hotline
    operator of the PDH or MINEX must send it to the MP or the PNC: received by their own institution, nobody
    could ever see it."""
    own = [actor.org_pk] if actor.has(Perm.JUSTICE_VIEW) and actor.org_pk else []
    return Organization.objects.filter(is_active=True).filter(Q(code__in=RECEIVING_INSTITUTION_CODES) | Q(pk__in=own))


def complaints_visible_to(actor: Actor) -> QuerySet[Complaint]:
    if not actor.has(Perm.JUSTICE_VIEW):
        return Complaint.objects.none()
    return Complaint.objects.filter(receiving_org_id=actor.org_pk)


def can_view_complaint(actor: Actor, complaint: Complaint) -> bool:
    return actor.has(Perm.JUSTICE_VIEW) and complaint.receiving_org_id == actor.org_pk


def can_edit_complaint(actor: Actor, complaint: Complaint) -> bool:
    return actor.has(Perm.JUSTICE_EDIT) and can_view_complaint(actor, complaint)


# --- investigations: the team ---


def investigations_visible_to(actor: Actor) -> QuerySet[Investigation]:
    if not actor.has(Perm.JUSTICE_VIEW):
        return Investigation.objects.none()
    # The lead is always a team member (investigation_open, investigation_set_team): one indexed subquery
    # on (user, investigation) instead of "lead OR member", which made SQLite scan every file.
    mine = InvestigationMember.objects.filter(user_id=actor.user_pk).values("investigation_id")
    return Investigation.objects.filter(pk__in=mine)


def is_investigation_member(actor: Actor, investigation: Investigation) -> bool:
    if actor.user_pk and investigation.lead_id == actor.user_pk:
        return True
    return InvestigationMember.objects.filter(investigation=investigation, user_id=actor.user_pk).exists()


def can_view_investigation(actor: Actor, investigation: Investigation) -> bool:
    return actor.has(Perm.JUSTICE_VIEW) and is_investigation_member(actor, investigation)


def can_edit_investigation(actor: Actor, investigation: Investigation) -> bool:
    return actor.has(Perm.JUSTICE_EDIT) and can_view_investigation(actor, investigation)


def can_manage_team(actor: Actor, investigation: Investigation) -> bool:
    return actor.has(Perm.JUSTICE_EDIT) and investigation.lead_id == actor.user_pk


# --- operations: the compartment ---


def is_operation_member(actor: Actor, operation: Operation) -> bool:
    if not actor.user_pk:
        return False
    return operation.lead_id == actor.user_pk or operation.members.filter(pk=actor.user_pk).exists()


def operations_visible_to(actor: Actor) -> QuerySet[Operation]:
    """Planned or cancelled-before-execution operations: their members only. Executed ones: also the team."""
    if not actor.has(Perm.JUSTICE_VIEW) or not actor.user_pk:
        return Operation.objects.none()
    named = Q(lead_id=actor.user_pk) | Q(
        pk__in=Operation.members.through.objects.filter(user_id=actor.user_pk).values("operation_id")
    )
    executed = Q(status=OperationStatus.EXECUTED, investigation__in=investigations_visible_to(actor))
    return Operation.objects.filter(named | executed)


def can_view_operation(actor: Actor, operation: Operation) -> bool:
    if not actor.has(Perm.JUSTICE_VIEW):
        return False
    if is_operation_member(actor, operation):
        return True
    return operation.status == OperationStatus.EXECUTED and can_view_investigation(actor, operation.investigation)


def can_edit_operation(actor: Actor, operation: Operation) -> bool:
    """Only the compartment works on an operation, before and after its execution."""
    return actor.has(Perm.JUSTICE_EDIT) and is_operation_member(actor, operation)


def operations_secret_from(actor: Actor) -> QuerySet[Operation]:
    """Operations whose existence the actor may not learn, even from the audit trail: those not executed
    (planned, or cancelled before execution) outside the actor's compartment. Once a raid has been executed,
    its institution's auditors may review every access to it, including those before the raid: that is how
    a leak is traced."""
    return Operation.objects.exclude(status=OperationStatus.EXECUTED).exclude(pk__in=operations_visible_to(actor))
