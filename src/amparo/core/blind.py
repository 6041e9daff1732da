"""Blind indexes: keyed HMAC-SHA256 of normalized values, truncated to 32 bits.

Truncation is deliberate (as in CipherSweet): a 32-bit index still narrows a search among hundreds of
thousands of rows to a handful of candidates, but many values share each index value, so the index
alone does not confirm a name to someone holding the database. Each index kind has its own derived
key, separate from the encryption keys.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache

from .keys import get_keyring

INDEX_BITS = 32


@lru_cache(maxsize=64)
def _index_key(kid: str, kind: str) -> bytes:
    return get_keyring().derive(kid, f"blind-index:{kind}")


def blind_index(value: str, *, kind: str, kid: str | None = None) -> int:
    kid = kid or get_keyring().active_kid
    digest = hmac.new(_index_key(kid, kind), value.encode(), hashlib.sha256).digest()
    return int.from_bytes(digest[: INDEX_BITS // 8], "big")


def reset_cache() -> None:
    _index_key.cache_clear()
