"""Lists of persons whose encrypted values may fail their integrity check.

A record that was edited in the database, moved to another row or corrupted cannot be decrypted. Its own
page answers 409 (views.tampered_response); in a list, one such record must not take the whole page down:
its row shows a marked placeholder instead, and the failure is recorded in the audit trail once per request
and record (services.tampering_report: which record, by whom, never a value).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext_lazy

from amparo.accounts.actor import Actor
from amparo.core.exceptions import TamperedCiphertext

from . import services
from .models import Person

UNREADABLE = gettext_lazy("[unreadable: integrity check failed]")

# The encrypted values a list row shows (the name; the search results also the year of birth).
NAME_FIELDS = ("given_names", "surnames")
ROW_FIELDS = (*NAME_FIELDS, "date_of_birth")


def is_readable(person: Person, fields: Iterable[str] = NAME_FIELDS) -> bool:
    """Decrypt ``fields`` now (they stay decrypted on the instance); False if one fails its check."""
    try:
        for name in fields:
            getattr(person, name)
    except TamperedCiphertext:
        return False
    return True


def mark_unreadable(*, actor: Actor, persons: Iterable[Person], fields: Iterable[str] = NAME_FIELDS) -> list[Person]:
    """Set ``person.unreadable`` on each person (for the templates) and report each one that fails, once.

    Returns the unreadable persons. Call it before rendering: the template must not touch their values."""
    fields = tuple(fields)
    failed: dict[object, Person] = {}
    for person in persons:
        person.unreadable = not is_readable(person, fields)  # type: ignore[attr-defined]
        if person.unreadable:  # type: ignore[attr-defined]
            failed.setdefault(person.pk, person)
    for pk in failed:
        services.tampering_report(actor=actor, target_type="person", target_id=pk)  # type: ignore[arg-type]
    return list(failed.values())
