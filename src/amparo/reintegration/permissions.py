"""Who works on a case's reintegration: its case team and the institution's supervisors (as for the case
itself). Nobody outside the owning institution, not even a referral's receiver, sees the plan or visits."""

from __future__ import annotations

from amparo.accounts.actor import Actor
from amparo.cases.models import Case
from amparo.cases.permissions import can_edit_case, can_view_case
from amparo.cases.vocab import FREE_REASON, CaseStatus


def closed_as_no_victims_case(case: Case) -> bool:
    """Closed as opened in error or as a duplicate (cases.vocab.ClosureCode): no victim's case ended there,
    so nothing follows it; the person's reintegration goes on in the case that remains."""
    return case.status == CaseStatus.CLOSED and case.closure_code != FREE_REASON


def follow_ups_run(case: Case) -> bool:
    """The post-closure schedule runs only while the case is closed, and closed as a victim's case ends: a
    reopened case's waits until it is closed again; a case later closed as a duplicate or opened in error
    has none (its earlier schedule does not come back to life)."""
    return case.status == CaseStatus.CLOSED and case.closure_code == FREE_REASON


def can_view_reintegration(actor: Actor, case: Case) -> bool:
    return can_view_case(actor, case)


def can_edit_reintegration(actor: Actor, case: Case) -> bool:
    """Reintegration goes on after closure: a closed case still takes goals and follow-up visits (not one
    closed as a duplicate or opened in error, whose record stays as it was)."""
    return can_edit_case(actor, case) and not closed_as_no_victims_case(case)
