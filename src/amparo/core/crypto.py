"""Authenticated encryption of identifying data (AES-256-GCM).

Ciphertext format: ``A1$<kid>$<base64(nonce || ciphertext || tag)>``. The associated data binds a
ciphertext to its table, field and row, so copying it to another row or field makes it fail to decrypt.
"""

from __future__ import annotations

import base64
import os
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from .exceptions import TamperedCiphertext
from .keys import get_keyring

FORMAT = "A1"
NONCE_BYTES = 12


@lru_cache(maxsize=4096)
def _aead(kid: str, purpose: str) -> AESGCM:
    return AESGCM(get_keyring().derive(kid, f"field:{purpose}"))


def reset_cache() -> None:
    _aead.cache_clear()


def active_key_id() -> str:
    return get_keyring().active_kid


def encrypt(plaintext: bytes, *, purpose: str, aad: bytes, kid: str | None = None) -> str:
    kid = kid or get_keyring().active_kid
    nonce = os.urandom(NONCE_BYTES)
    sealed = _aead(kid, purpose).encrypt(nonce, plaintext, aad)
    return f"{FORMAT}${kid}${base64.b64encode(nonce + sealed).decode('ascii')}"


def key_id_of(token: str) -> str:
    parts = token.split("$", 2)
    if len(parts) != 3 or parts[0] != FORMAT:
        raise TamperedCiphertext()
    return parts[1]


def decrypt(token: str, *, purpose: str, aad: bytes) -> bytes:
    kid = key_id_of(token)
    try:
        blob = base64.b64decode(token.split("$", 2)[2], validate=True)
    except ValueError as exc:
        raise TamperedCiphertext() from exc
    if len(blob) < NONCE_BYTES + 16:
        raise TamperedCiphertext()
    try:
        return _aead(kid, purpose).decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], aad)
    except InvalidTag as exc:
        raise TamperedCiphertext() from exc
