"""How a case's person appears to the actor.

A person under witness protection appears outside the protection team by the pseudonym only, on case
screens and in the case API too; the rule itself lives in one place, amparo.justice.protection.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet

from amparo.accounts.actor import Actor

from .models import Case


def attach_shown_persons(actor: Actor, cases: Sequence[Case]) -> None:
    """Set ``case.hidden_as`` on each case: the pseudonym when the actor may not see who the person is,
    else "". One query for the whole page (three when someone on it is under protection)."""
    # Imported here: justice's models import the cases app.
    from amparo.justice.protection import active_protections, shown_persons

    protected = set(
        active_protections().filter(person_id__in={c.person_id for c in cases}).values_list("person_id", flat=True)
    )
    shown = shown_persons(actor, [c.person for c in cases if c.person_id in protected]) if protected else {}
    for case in cases:
        seen = shown.get(case.person_id)
        case.hidden_as = seen.pseudonym if seen is not None and seen.hidden else ""  # type: ignore[attr-defined]


def hidden_as(actor: Actor, case: Case) -> str:
    attach_shown_persons(actor, [case])
    return str(case.hidden_as)  # type: ignore[attr-defined]


def protected_person_ids(actor: Actor) -> QuerySet[Any, Any]:
    """Persons the actor may not find by their identity (name, sex, nationality, residence)."""
    from amparo.justice.protection import hidden_person_ids

    return hidden_person_ids(actor)
