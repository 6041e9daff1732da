"""Who sees what in the justice app. Deny by default; one place for every rule.

- Complaints: the receiving institution's users with justice.view.
- Investigations: their team (lead and named members, of any institution) with justice.view.
- Operations (compartmented): before execution only their named members; after, the investigation team too.
- Protected witnesses: identity and whereabouts only for the protection team (see protection.py).
"""

from __future__ import annotations

from django.db.models import QuerySet

from amparo.accounts.actor import Actor
from amparo.accounts.roles import Perm

from .models import Complaint


def complaints_visible_to(actor: Actor) -> QuerySet[Complaint]:
    if not actor.has(Perm.JUSTICE_VIEW):
        return Complaint.objects.none()
    return Complaint.objects.filter(receiving_org_id=actor.org_pk)


def can_view_complaint(actor: Actor, complaint: Complaint) -> bool:
    return actor.has(Perm.JUSTICE_VIEW) and complaint.receiving_org_id == actor.org_pk


def can_edit_complaint(actor: Actor, complaint: Complaint) -> bool:
    return actor.has(Perm.JUSTICE_EDIT) and can_view_complaint(actor, complaint)
