"""Who sees a repatriation and who may act on it.

- The owning case team (``repatriation.manage`` and on the case's team) sees everything, may start,
  work on any step but the hand-over, and cancel.
- An institution the protocol names in this repatriation (a party: responsible for a step or told of one)
  sees the step data and the minimum case data (number, age group, nationality), with
  ``repatriation.participate``; it may do the steps it is responsible for, when their turn comes.
- Only the receiving institution confirms the hand-over.
Anybody else: 404, so existence does not leak.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from amparo.accounts.actor import Actor
from amparo.accounts.roles import Perm
from amparo.cases.permissions import can_edit_case, can_view_case, cases_visible_to

from .models import Repatriation, RepatriationParty, RepatriationStep
from .protocol import PartyRole


def is_team(actor: Actor, repatriation: Repatriation) -> bool:
    return actor.has(Perm.REPATRIATION_MANAGE) and can_view_case(actor, repatriation.case)


def is_team_editor(actor: Actor, repatriation: Repatriation) -> bool:
    return actor.has(Perm.REPATRIATION_MANAGE) and can_edit_case(actor, repatriation.case)


def is_participant(actor: Actor, repatriation: Repatriation) -> bool:
    return (
        actor.has(Perm.REPATRIATION_PARTICIPATE)
        and RepatriationParty.objects.filter(repatriation=repatriation, organization_id=actor.org_pk).exists()
    )


def can_view_repatriation(actor: Actor, repatriation: Repatriation) -> bool:
    return is_team(actor, repatriation) or is_participant(actor, repatriation)


def is_receiving_side(actor: Actor, repatriation: Repatriation) -> bool:
    return (
        actor.has(Perm.REPATRIATION_PARTICIPATE)
        and RepatriationParty.objects.filter(
            repatriation=repatriation, role=PartyRole.RECEIVING, organization_id=actor.org_pk
        ).exists()
    )


def is_responsible(actor: Actor, step: RepatriationStep) -> bool:
    return actor.has(Perm.REPATRIATION_PARTICIPATE) and step.organization_id == actor.org_pk


def may_act_on_step(actor: Actor, repatriation: Repatriation, step: RepatriationStep) -> bool:
    """Whether the actor may record this step (when its turn comes). The hand-over: the receiving side."""
    if step.definition.handover:
        return is_receiving_side(actor, repatriation)
    return is_team_editor(actor, repatriation) or is_responsible(actor, step)


def repatriations_visible_to(actor: Actor) -> QuerySet[Repatriation]:
    condition = Q(pk__in=[])
    if actor.has(Perm.REPATRIATION_MANAGE):
        condition |= Q(case__in=cases_visible_to(actor))
    if actor.has(Perm.REPATRIATION_PARTICIPATE):
        party = RepatriationParty.objects.filter(repatriation_id=OuterRef("pk"), organization_id=actor.org_pk)
        condition |= Q(Exists(party))
    return Repatriation.objects.filter(condition)
