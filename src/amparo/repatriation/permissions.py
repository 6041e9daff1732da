"""Who sees a repatriation and who may act on it.

- The owning case team (``repatriation.manage`` and on the case's team) sees everything, may start,
  work on any step but the hand-over, and cancel.
- An institution the protocol names in this repatriation (a party: responsible for a step or told of one)
  sees the step data and the minimum case data (number, age group, nationality), with
  ``repatriation.participate``; it may do the steps it is responsible for, when their turn comes.
- Only the receiving institution confirms the hand-over.
- What is recorded on a step (its note, the reason it did not apply, its evidence file) may identify the
  person or hold the assessments of the child, the family and the person's health: a party sees it only
  if it needs it (``step_records_orgs``, the one rule); the other parties see that the step was done, when,
  by which institution and which evidence was confirmed.
Anybody else: 404, so existence does not leak.
"""

from __future__ import annotations

from collections.abc import Iterable

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


def step_records_orgs(step: RepatriationStep, parties: Iterable[RepatriationParty]) -> set[int]:
    """The institutions that see what was recorded on ``step``, besides the case team (which sees all):

    - the institution responsible for the step (the team may have recorded it on its behalf);
    - the institution that recorded it (when the case's own institution did, that is the team's record);
    - the parties the protocol names for the step's records (``StepDef.records_to``): those that act on it
      next, e.g. SBS reads PGN's best-interest assessment before assessing the family, PGN reads the family
      assessment, DGM the travel document it checks at the border. Health and hand-over records stay with
      the team and the institution that made them.
    """
    orgs = {step.organization_id}
    if step.done_by_org_id is not None and step.done_by_org_id != step.repatriation.owner_org_id:
        orgs.add(step.done_by_org_id)
    wanted = set(step.definition.records_to)
    orgs |= {p.organization_id for p in parties if p.role in wanted}
    return orgs


def can_see_step_records(
    actor: Actor,
    step: RepatriationStep,
    *,
    parties: Iterable[RepatriationParty] | None = None,
    as_team: bool | None = None,
) -> bool:
    """Whether the actor sees the note, the reason and the file of ``step`` (``parties`` and ``as_team`` may
    be passed when already loaded). A party of the repatriation that does not need them: no."""
    repatriation = step.repatriation
    if as_team is None:
        as_team = is_team(actor, repatriation)
    if as_team:
        return True
    if not actor.has(Perm.REPATRIATION_PARTICIPATE) or not actor.org_pk:
        return False
    rows = list(parties) if parties is not None else list(repatriation.parties.all())
    if not any(p.organization_id == actor.org_pk for p in rows):
        return False  # not (or no longer) a party
    return actor.org_pk in step_records_orgs(step, rows)
