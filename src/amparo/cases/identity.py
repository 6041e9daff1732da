"""How a case's person appears to the actor.

A person under witness protection appears outside the protection team by the pseudonym only, on case
screens and in the case API too; the rule itself lives in one place, amparo.justice.protection.
"""

from __future__ import annotations

from collections.abc import Sequence

from amparo.accounts.actor import Actor

from .models import Case


def attach_shown_persons(actor: Actor, cases: Sequence[Case]) -> None:
    """Set ``case.hidden_as`` on each case: the pseudonym when the actor may not see who the person is,
    else "". One query, whatever the number of cases (a page or a whole export)."""
    # Imported here: justice's models import the cases app.
    from amparo.justice.protection import hidden_pseudonyms

    hidden = hidden_pseudonyms(actor)
    for case in cases:
        case.hidden_as = hidden.get(case.person_id, "")  # type: ignore[attr-defined]


def hidden_as(actor: Actor, case: Case) -> str:
    attach_shown_persons(actor, [case])
    return str(case.hidden_as)  # type: ignore[attr-defined]
