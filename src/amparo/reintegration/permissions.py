"""Who works on a case's reintegration: its case team and the institution's supervisors (as for the case
itself). Nobody outside the owning institution, not even a referral's receiver, sees the plan or visits."""

from __future__ import annotations

from amparo.accounts.actor import Actor
from amparo.cases.models import Case
from amparo.cases.permissions import can_edit_case, can_view_case


def can_view_reintegration(actor: Actor, case: Case) -> bool:
    return can_view_case(actor, case)


def can_edit_reintegration(actor: Actor, case: Case) -> bool:
    """Reintegration goes on after closure: a closed case still takes goals and follow-up visits."""
    return can_edit_case(actor, case)
