"""Who may see and change a person. Foundation rule: persons registered by one's own institution.

The case and referral issues widen this (case team, consented referrals) here, in one place.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from amparo.accounts.actor import Actor
from amparo.accounts.roles import Perm

from .models import Person


def hidden_by_protection(actor: Actor) -> QuerySet[Any, Any]:
    """Protected witnesses (amparo.justice.protection): outside their protection team they do not exist."""
    from amparo.justice.protection import hidden_person_ids

    return hidden_person_ids(actor)


def hidden_ids(actor: Actor) -> set[Any]:
    """The ids of the persons protection hides from the actor (one query; a handful of rows)."""
    return set(hidden_by_protection(actor).values_list("person_id", flat=True))


def _protection_hides(actor: Actor, person: Person) -> bool:
    return hidden_by_protection(actor).filter(person_id=person.pk).exists()


def persons_visible_to(actor: Actor) -> QuerySet[Person]:
    if not actor.has(Perm.PERSON_VIEW):
        return Person.objects.none()
    return Person.objects.filter(owner_org_id=actor.organization_id).exclude(pk__in=hidden_by_protection(actor))


def can_view_person(actor: Actor, person: Person) -> bool:
    return (
        actor.has(Perm.PERSON_VIEW)
        and person.owner_org_id == actor.organization_id
        and not _protection_hides(actor, person)
    )


def can_edit_person(actor: Actor, person: Person) -> bool:
    return can_view_person(actor, person) and actor.has(Perm.PERSON_EDIT)
