from __future__ import annotations

import hashlib
import hmac

from django.db import DatabaseError

from .exceptions import KeyConfigurationError
from .keys import get_keyring


def fingerprint(kid: str) -> str:
    key = get_keyring().derive(kid, "key-check")
    return hmac.new(key, b"amparo key check v1", hashlib.sha256).hexdigest()


def verify_master_keys(*, record: bool = True) -> None:
    """Raise KeyConfigurationError if a configured key differs from the one that encrypted the data,
    or if data exists under a key that is not configured. Records the active key's fingerprint."""
    from .models import KeyCheck

    ring = get_keyring()
    try:
        checks = list(KeyCheck.objects.all())
    except DatabaseError:
        return  # not migrated yet: nothing encrypted yet either
    for check in checks:
        if not ring.has(check.kid):
            raise KeyConfigurationError(
                f"Data in this database was encrypted with key {check.kid!r}, which is not configured. "
                "Configure it (AMPARO_KEYS), or finish `amparo keys rotate` before removing it."
            )
        if not hmac.compare_digest(check.fingerprint, fingerprint(check.kid)):
            raise KeyConfigurationError(
                f"The configured key {check.kid!r} is not the key this database was encrypted with. "
                "Refusing to start: check AMPARO_MASTER_KEY / AMPARO_KEYS."
            )
    if record and not any(c.kid == ring.active_kid for c in checks):
        KeyCheck.objects.get_or_create(kid=ring.active_kid, defaults={"fingerprint": fingerprint(ring.active_kid)})
