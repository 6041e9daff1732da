"""The demo has the real catalog (it is public law, not synthetic data): loaded through the audited service,
which changes nothing when the data migration already loaded the same file."""

from __future__ import annotations

from amparo.accounts.actor import Actor

from .loader import Changes
from .services import catalog_load


def ensure_catalog() -> Changes:
    return catalog_load(actor=Actor.for_system("cli:demo-data"))
