"""Writes of the law app: only loading the reviewed catalog file (the calculator writes nothing)."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from amparo.accounts.actor import Actor
from amparo.audit.services import audit_record
from amparo.core.exceptions import PermissionDenied

from .loader import DEFAULT_PATH, CatalogError, Changes, file_digest, read_catalog, real_models, sync_catalog


@transaction.atomic
def catalog_load(*, actor: Actor, path: Path = DEFAULT_PATH) -> Changes:
    """Make the catalog tables match the reviewed file; idempotent. Only commands and jobs (system
    actors) load the catalog: the file is the reviewed source, so no screen edits it."""
    if actor.user is not None or not actor.system:
        raise PermissionDenied(
            _("The legal catalog is loaded from its reviewed file by the `amparo law-catalog load` command.")
        )
    data = read_catalog(path)
    try:
        changes = sync_catalog(data, real_models())
    except ProtectedError as exc:
        raise CatalogError([f"a version or article removed from the file is still used by records: {exc}"]) from exc
    audit_record(
        actor=actor,
        action="law.catalog_load",
        target_type="law_catalog",
        target_id=str(data["meta"].get("code", "")),
        details={
            "revision": str(data["meta"].get("revision", "")),
            "file_sha256": file_digest(path)[:16],
            "changed": changes.changed,
            **{k: v for k, v in changes.counts().items() if v},
        },
    )
    return changes
