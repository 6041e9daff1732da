"""Audit events about compartmented records.

An audit event names its target (type and id, never content). For a compartmented record, such as a
planned raid, that alone tells a reader the record exists, which the compartment forbids. An app that
owns such records registers here which of them are secret from a reader; the audit trail then leaves out
the events about those. (Secret ids rather than knowable ones, because secrets are few: the raids still
being planned.) The audit app does not import the apps (they register in ``ready()``), so the
dependency goes one way only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db.models import Q

from amparo.accounts.actor import Actor

# target_type -> function(actor) giving the ids (any type; compared as str) the actor may not know of.
SecretIds = Callable[[Actor], Iterable[object]]
_COMPARTMENTS: dict[str, SecretIds] = {}


def register_compartment(target_type: str, secret_ids: SecretIds) -> None:
    _COMPARTMENTS[target_type] = secret_ids


def hidden_events(actor: Actor) -> Q:
    """A filter matching the events about compartmented records the actor may not know of."""
    hidden = Q(pk__in=[])
    for target_type, secret_ids in _COMPARTMENTS.items():
        secret = [str(pk) for pk in secret_ids(actor)]
        if secret:
            hidden |= Q(target_type=target_type, target_id__in=secret)
    return hidden
