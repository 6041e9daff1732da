"""Witness protection: THE one place that decides how a person appears to a user.

Every screen, export and API response of the justice app shows persons through ``shown_person`` /
``shown_persons`` (templates through the ``PersonShown`` they return, the API through
``PersonShownSerializer``). For a person under active protection, anybody outside the protection team
gets the pseudonym ("Protected witness T-0012") and nothing else: no name, no id, no age, sex or
nationality (small groups make those identifying), no link. amparo.people's visibility rules call
``hidden_person_ids`` so the person pages and the person search keep the secret too; amparo.cases.identity
applies the same rule to case screens, the case API, referrals and the identified HTCDS export, and the
duplicates panel does not offer a protected person.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from amparo.accounts.actor import Actor
from amparo.people.models import Person

from .models import ProtectedWitness


@dataclass(frozen=True)
class PersonShown:
    name: str
    protected: bool = False  # under protection (shown to the team as a badge)
    hidden: bool = False  # the actor sees only the pseudonym
    person_id: uuid.UUID | None = None  # None when hidden: not even the id leaves
    pseudonym: str = ""
    gender: str = ""
    nationalities: list[str] = field(default_factory=list)
    age_low: int | None = None
    age_high: int | None = None

    def __str__(self) -> str:
        return self.name


def active_protections() -> QuerySet[ProtectedWitness]:
    return ProtectedWitness.objects.filter(ended_on__isnull=True)


def hidden_person_ids(actor: Actor) -> QuerySet[ProtectedWitness, Any]:
    """Values query of the person ids the actor must not see (protected, actor not on the team)."""
    return active_protections().exclude(team__id=actor.user_pk).values("person_id")


def hidden_pseudonyms(actor: Actor) -> dict[uuid.UUID, str]:
    """The persons the actor must not see, with the pseudonym that stands for each. Fetched whole: they
    are few (witnesses under protection), and a long list of ids to filter by would be the larger query."""
    return {p.person_id: p.pseudonym for p in active_protections().exclude(team__id=actor.user_pk)}


def is_on_protection_team(actor: Actor, protection: ProtectedWitness) -> bool:
    return bool(actor.user_pk) and protection.team.filter(pk=actor.user_pk).exists()


def _shown(actor_team_ids: set[uuid.UUID], person: Person, protection: ProtectedWitness | None) -> PersonShown:
    if protection is not None and protection.pk not in actor_team_ids:
        return PersonShown(name=protection.pseudonym, protected=True, hidden=True, pseudonym=protection.pseudonym)
    low, high = person.age_range_on(timezone.localdate())
    return PersonShown(
        name=person.full_name,
        protected=protection is not None,
        person_id=person.pk,
        pseudonym=protection.pseudonym if protection else "",
        gender=person.gender,
        nationalities=list(person.nationalities),
        age_low=low,
        age_high=high,
    )


def shown_persons(actor: Actor, persons: Iterable[Person]) -> dict[uuid.UUID, PersonShown]:
    """How each person appears to the actor (two queries for any number of persons)."""
    persons = [p for p in persons if p is not None]
    ids = [p.pk for p in persons]
    protections = {p.person_id: p for p in active_protections().filter(person_id__in=ids)}
    team_ids = set(
        ProtectedWitness.team.through.objects.filter(
            protectedwitness_id__in=[p.pk for p in protections.values()], user_id=actor.user_pk
        ).values_list("protectedwitness_id", flat=True)
    )
    return {p.pk: _shown(team_ids, p, protections.get(p.pk)) for p in persons}


def shown_person(actor: Actor, person: Person) -> PersonShown:
    return shown_persons(actor, [person])[person.pk]
