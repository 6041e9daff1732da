"""Lists of records (persons, case tasks) whose encrypted values may fail their integrity check.

A record that was edited in the database, moved to another row or corrupted cannot be decrypted. Its own
page answers 409 (views.tampered_response); in a list, one such record must not take the whole page down:
its row shows a marked placeholder instead, and the failure is recorded in the audit trail once per request
and record (services.tampering_report: which record, by whom, never a value).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db.models import Model
from django.utils.translation import gettext_lazy

from amparo.accounts.actor import Actor
from amparo.core.exceptions import TamperedCiphertext

from . import services

UNREADABLE = gettext_lazy("[unreadable: integrity check failed]")

# The encrypted values a list row shows (the name; the search results also the year of birth).
NAME_FIELDS = ("given_names", "surnames")
ROW_FIELDS = (*NAME_FIELDS, "date_of_birth")


def is_readable(record: Model, fields: Iterable[str] = NAME_FIELDS) -> bool:
    """Decrypt ``fields`` now (they stay decrypted on the instance); False if one fails its check."""
    try:
        for name in fields:
            getattr(record, name)
    except TamperedCiphertext:
        return False
    return True


def _as_person(record: Model) -> tuple[str, object]:
    return "person", record.pk


def mark_unreadable(
    *,
    actor: Actor,
    records: Iterable[Model],
    fields: Iterable[str] = NAME_FIELDS,
    reported_as: Callable[[Model], tuple[str, object]] = _as_person,
) -> list[Model]:
    """Set ``record.unreadable`` on each record (for the templates) and report each failure once, as
    ``reported_as`` names it (a person by default; a case task as its case, as the case page does).

    Returns the unreadable records. Call it before rendering: the template must not touch their values."""
    fields = tuple(fields)
    failed: dict[tuple[str, object], Model] = {}
    for record in records:
        record.unreadable = not is_readable(record, fields)  # type: ignore[attr-defined]
        if record.unreadable:  # type: ignore[attr-defined]
            failed.setdefault(reported_as(record), record)
    for target_type, target_id in failed:
        services.tampering_report(actor=actor, target_type=target_type, target_id=target_id)  # type: ignore[arg-type]
    return list(failed.values())
