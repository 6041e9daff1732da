"""Master keys and the keys derived from them.

Master keys live outside the database: in the environment (AMPARO_KEYS / AMPARO_MASTER_KEY, or their
*_FILE variants), in a development key file, or in a pluggable provider (AMPARO_KEY_PROVIDER, a dotted
path to a class with ``keys()`` and ``active_key_id()``; a KMS/HSM adapter plugs in there).
Each purpose (a table's field, a blind index) gets its own 256-bit key derived with HKDF-SHA256, so a
leak of one derived key exposes nothing else, and the key id travels with every ciphertext and index
entry so keys can be rotated.
"""

from __future__ import annotations

import base64
import os
import secrets
import threading
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.utils.module_loading import import_string

from .exceptions import KeyConfigurationError

KEY_BYTES = 32


class KeyProvider(Protocol):
    def keys(self) -> dict[str, bytes]: ...

    def active_key_id(self) -> str: ...


def parse_key_list(text: str) -> list[tuple[str, bytes]]:
    """Parse ``kid:base64[,kid:base64...]`` (commas or newlines)."""
    pairs: list[tuple[str, bytes]] = []
    for item in text.replace("\n", ",").split(","):
        item = item.strip()
        if not item or item.startswith("#"):
            continue
        kid, sep, encoded = item.partition(":")
        if not sep or not kid.isalnum():
            raise KeyConfigurationError(f"Malformed key entry for key id {kid!r}: expected kid:base64.")
        try:
            raw = base64.b64decode(encoded, validate=True)
        except ValueError as exc:
            raise KeyConfigurationError(f"Key {kid!r} is not valid base64.") from exc
        if len(raw) != KEY_BYTES:
            raise KeyConfigurationError(f"Key {kid!r} must be {KEY_BYTES} bytes, not {len(raw)}.")
        pairs.append((kid, raw))
    return pairs


def new_key_line(kid: str) -> str:
    return f"{kid}:{base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode()}"


class EnvironmentKeyProvider:
    """Keys from settings (environment), or the development key file.

    The active key is AMPARO_ACTIVE_KEY_ID, or else the last key listed.
    """

    def __init__(self) -> None:
        pairs: list[tuple[str, bytes]] = []
        if settings.AMPARO_KEYS:
            pairs = parse_key_list(settings.AMPARO_KEYS)
        elif settings.AMPARO_MASTER_KEY:
            pairs = parse_key_list(f"k1:{settings.AMPARO_MASTER_KEY}")
        elif settings.AMPARO_DEV_KEY_FILE:
            pairs = parse_key_list(_read_or_create_dev_key_file(Path(settings.AMPARO_DEV_KEY_FILE)))
        if not pairs:
            raise KeyConfigurationError(
                "No master key configured: set AMPARO_MASTER_KEY (32 bytes, base64) or AMPARO_KEYS. "
                "Generate one with `amparo keys generate`."
            )
        self._keys = dict(pairs)
        self._active = settings.AMPARO_ACTIVE_KEY_ID or pairs[-1][0]
        if self._active not in self._keys:
            raise KeyConfigurationError(f"The active key id {self._active!r} is not among the keys.")

    def keys(self) -> dict[str, bytes]:
        return dict(self._keys)

    def active_key_id(self) -> str:
        return self._active


def _read_or_create_dev_key_file(path: Path) -> str:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(new_key_line("k1") + "\n")
    return path.read_text()


def append_dev_key(path: Path) -> str:
    """Add a new key to the development key file and return its id (it becomes the active key)."""
    existing = [kid for kid, _ in parse_key_list(path.read_text())] if path.exists() else []
    number = 1
    while f"k{number}" in existing:
        number += 1
    kid = f"k{number}"
    with path.open("a") as fh:
        fh.write(new_key_line(kid) + "\n")
    return kid


class KeyRing:
    def __init__(self, provider: KeyProvider) -> None:
        self._masters = provider.keys()
        self.active_kid = provider.active_key_id()
        self._lock = threading.Lock()
        self._derived: dict[tuple[str, str], bytes] = {}

    @property
    def key_ids(self) -> list[str]:
        return list(self._masters)

    def has(self, kid: str) -> bool:
        return kid in self._masters

    def derive(self, kid: str, info: str) -> bytes:
        cache_key = (kid, info)
        key = self._derived.get(cache_key)
        if key is None:
            master = self._masters.get(kid)
            if master is None:
                raise KeyConfigurationError(f"Key {kid!r} is not configured; it is needed to read stored data.")
            key = HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=b"amparo-v1", info=info.encode()).derive(
                master
            )
            with self._lock:
                self._derived[cache_key] = key
        return key


@lru_cache(maxsize=1)
def get_keyring() -> KeyRing:
    provider_class = import_string(settings.AMPARO_KEY_PROVIDER)
    return KeyRing(provider_class())


def reset_keyring() -> None:
    """Forget the cached keys (after a rotation, or in tests that change the keys)."""
    get_keyring.cache_clear()
    from . import blind, crypto

    crypto.reset_cache()
    blind.reset_cache()
