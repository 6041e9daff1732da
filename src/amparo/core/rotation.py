"""Key rotation: re-encrypt every ciphertext and rebuild every blind index under the active key.

Resumable by construction: rows already under the active key are skipped, each batch commits on its
own, and nothing is deleted before its replacement is written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.db import models, transaction

from . import crypto
from .fields import Ciphertext, EncryptedMixin
from .keys import get_keyring

IndexRebuilder = Callable[[str, int], int]  # (active kid, batch size) -> entries rebuilt
_INDEX_REBUILDERS: list[IndexRebuilder] = []


def register_index_rebuilder(rebuilder: IndexRebuilder) -> None:
    if rebuilder not in _INDEX_REBUILDERS:
        _INDEX_REBUILDERS.append(rebuilder)


def encrypted_fields() -> list[tuple[type[models.Model], list[EncryptedMixin]]]:
    result: list[tuple[type[models.Model], list[EncryptedMixin]]] = []
    for model in apps.get_models():
        fields: list[EncryptedMixin] = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedMixin)]
        if fields:
            result.append((model, fields))
    return result


@dataclass
class RotationReport:
    active_kid: str
    reencrypted: dict[str, int] = field(default_factory=dict)
    index_entries: int = 0


def ciphertext_key_counts() -> dict[str, dict[str, int]]:
    """How many stored values each key id protects, per model (for `amparo keys status`)."""
    counts: dict[str, dict[str, int]] = {}
    for model, fields in encrypted_fields():
        for f in fields:
            for raw in (
                model._default_manager.exclude(**{f"{f.attname}__isnull": True})
                .values_list(f.attname, flat=True)
                .iterator()
            ):
                kid = crypto.key_id_of(raw)
                counts.setdefault(kid, {}).setdefault(model._meta.label, 0)
                counts[kid][model._meta.label] += 1
    return counts


def rotate_all(*, batch_size: int = 500, progress: Callable[[str], None] | None = None) -> RotationReport:
    ring = get_keyring()
    active = ring.active_kid
    report = RotationReport(active_kid=active)
    for model, fields in encrypted_fields():
        label = model._meta.label
        report.reencrypted[label] = 0
        last_pk = None
        manager = model._default_manager
        while True:
            rows = manager.order_by("pk")
            if last_pk is not None:
                rows = rows.filter(pk__gt=last_pk)
            batch = list(rows.only("pk", *[f.attname for f in fields])[:batch_size])
            if not batch:
                break
            with transaction.atomic():
                for obj in batch:
                    updates: dict[str, str] = {}
                    for f in fields:
                        raw = obj.__dict__.get(f.attname)
                        if isinstance(raw, Ciphertext) and crypto.key_id_of(raw) != active:
                            plain = f.decrypt_for(obj, raw)
                            updates[f.attname] = f.encrypt_for(obj, plain, kid=active)
                    if updates:
                        manager.filter(pk=obj.pk).update(**updates)
                        report.reencrypted[label] += 1
            last_pk = batch[-1].pk
            if progress:
                progress(f"{label}: up to {last_pk}")
    for rebuilder in _INDEX_REBUILDERS:
        report.index_entries += rebuilder(active, batch_size)
    return report
