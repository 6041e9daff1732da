"""Who may see and change a person. Foundation rule: persons registered by one's own institution.

The case and referral issues widen this (case team, consented referrals) here, in one place.
"""

from __future__ import annotations

from django.db.models import QuerySet

from amparo.accounts.actor import Actor
from amparo.accounts.roles import Perm

from .models import Person


def persons_visible_to(actor: Actor) -> QuerySet[Person]:
    if not actor.has(Perm.PERSON_VIEW):
        return Person.objects.none()
    return Person.objects.filter(owner_org_id=actor.organization_id)


def can_view_person(actor: Actor, person: Person) -> bool:
    return actor.has(Perm.PERSON_VIEW) and person.owner_org_id == actor.organization_id


def can_edit_person(actor: Actor, person: Person) -> bool:
    return actor.has(Perm.PERSON_EDIT) and person.owner_org_id == actor.organization_id
