"""Who sees and edits trainings, prevention activities and the plan.

Trainings and activities are public-sector work, visible to every role with capacity.view; their
participants' details (names) only to the organizing institution's managers. Progress on a plan action
is reported by the institutions responsible for it.
"""

from __future__ import annotations

from amparo.accounts.actor import Actor
from amparo.accounts.roles import Perm

from .models import PlanAction, Training


def can_manage_training(actor: Actor, training: Training) -> bool:
    return actor.has(Perm.CAPACITY_MANAGE) and training.organization_id == actor.org_pk


def can_report_on(actor: Actor, action: PlanAction) -> bool:
    return actor.has(Perm.PLAN_REPORT) and action.responsible.filter(pk=actor.org_pk).exists()
