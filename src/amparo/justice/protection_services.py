"""Witness protection: placing a person under protection, naming the protection team, whereabouts."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from amparo.accounts.actor import Actor
from amparo.accounts.roles import Perm
from amparo.core.exceptions import NotFound, PermissionDenied
from amparo.people.models import Person
from amparo.people.permissions import can_view_person

from .models import JusticeCounter, ProtectedWitness
from .protection import is_on_protection_team
from .services import _audit, _check_date, _Errors, _user, justice_users


def _team(errors: _Errors, team_ids: Iterable[int], me: int) -> list[object]:
    ids = {int(t) for t in team_ids} | {me}
    users = justice_users(ids)
    if len(users) != len(ids):
        errors.add("team", _("The protection team must be active prosecutors or investigators."))
    return list(users)


@transaction.atomic
def witness_protect(
    actor: Actor,
    *,
    person_id: uuid.UUID | str,
    started_on: datetime.date,
    whereabouts: str = "",
    team_ids: Iterable[int] = (),
) -> ProtectedWitness:
    """Place a person under protection. From now on only the team (the actor and ``team_ids``) sees who
    they are: everybody else, everywhere, sees the pseudonym."""
    if not actor.has(Perm.WITNESS_PROTECT) or actor.membership is None:
        raise PermissionDenied()
    person = Person.objects.select_for_update().filter(pk=person_id).first()
    if person is None or not can_view_person(actor, person):
        raise NotFound()
    errors = _Errors()
    if ProtectedWitness.objects.filter(person=person).exists():
        errors.add("person", _("This person is already under protection."))
    _check_date(errors, "started_on", started_on)
    team = _team(errors, team_ids, actor.user_pk)
    errors.raise_if_any()
    counter, _created = JusticeCounter.objects.select_for_update().get_or_create(
        organization_id=actor.org_pk, kind="TP", year=0
    )
    last = ProtectedWitness.objects.filter(owner_org_id=actor.org_pk).aggregate(m=Max("serial"))["m"] or 0
    counter.last = max(counter.last, last) + 1
    counter.save(update_fields=["last"])
    protection = ProtectedWitness.objects.create(
        person=person,
        serial=counter.last,
        owner_org_id=actor.org_pk,
        whereabouts=whereabouts.strip() or None,
        started_on=started_on,
        created_by=_user(actor),
    )
    protection.team.set(team)  # type: ignore[arg-type]
    _audit(actor, "witness.protect", "protected_witness", protection.pk, team=len(team))
    return protection


def _for_team(actor: Actor, protection_id: uuid.UUID | str) -> ProtectedWitness:
    if not actor.has(Perm.WITNESS_PROTECT):
        raise PermissionDenied()
    protection = ProtectedWitness.objects.select_for_update().filter(pk=protection_id).first()
    if protection is None or not is_on_protection_team(actor, protection):
        raise NotFound()
    return protection


@transaction.atomic
def protection_update(
    actor: Actor,
    *,
    protection_id: uuid.UUID | str,
    whereabouts: str | None = None,
    team_ids: Iterable[int] | None = None,
) -> ProtectedWitness:
    protection = _for_team(actor, protection_id)
    errors = _Errors()
    team = _team(errors, team_ids, actor.user_pk) if team_ids is not None else None
    errors.raise_if_any()
    changed = []
    if whereabouts is not None:
        protection.whereabouts = whereabouts.strip() or None
        protection.save(update_fields=["whereabouts"])
        changed.append("whereabouts")
    if team is not None:
        protection.team.set(team)  # type: ignore[arg-type]
        changed.append("team")
    _audit(actor, "witness.update", "protected_witness", protection.pk, fields=changed)
    return protection


@transaction.atomic
def protection_end(actor: Actor, *, protection_id: uuid.UUID | str, ended_on: datetime.date) -> ProtectedWitness:
    protection = _for_team(actor, protection_id)
    errors = _Errors()
    _check_date(errors, "ended_on", ended_on)
    if ended_on and ended_on < protection.started_on:
        errors.add("ended_on", _("Protection cannot end before it started."))
    errors.raise_if_any()
    protection.ended_on = ended_on
    protection.save(update_fields=["ended_on"])
    _audit(actor, "witness.end", "protected_witness", protection.pk)
    return protection
