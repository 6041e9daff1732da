"""Reference codes given to callers: random, unguessable, easy to read aloud, with a check character.

Eight random symbols from Crockford's base-32 alphabet (no I, L, O, U: nothing to confuse on the phone)
carry 40 bits, and a ninth is a Luhn mod 32 check character, which catches every single wrong symbol and
every swap of two neighbours except 0 with Z (Luhn's one blind spot): a mistyped code is refused as
malformed before any lookup. Shown as
``XXXX-XXXX-C``. The database keeps only a keyed HMAC of the code for lookups (and the code itself
encrypted, for the hotline's own screens), so a copy of the database cannot be searched with codes.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from amparo.core.keys import get_keyring

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RANDOM_LENGTH = 8
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
# What people type for the symbols that are not in the alphabet (Crockford's decoding rules).
_ALIASES = str.maketrans({"O": "0", "I": "1", "L": "1"})


def check_character(body: str) -> str:
    """Luhn mod N over the alphabet (N = 32)."""
    n = len(ALPHABET)
    total, factor = 0, 2
    for char in reversed(body):
        addend = factor * _VALUE[char]
        total += addend // n + addend % n
        factor = 1 if factor == 2 else 2
    return ALPHABET[(n - total % n) % n]


def new_code() -> str:
    """A fresh code in canonical form (9 symbols, no separators)."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
    return body + check_character(body)


def normalize(text: str) -> str | None:
    """The canonical code for what an operator typed, or None if it is not a well-formed code."""
    if not isinstance(text, str) or len(text) > 40:
        return None
    cleaned = "".join(ch for ch in text.upper() if ch not in " -_.\t").translate(_ALIASES)
    if len(cleaned) != RANDOM_LENGTH + 1 or any(ch not in _VALUE for ch in cleaned):
        return None
    body, check = cleaned[:-1], cleaned[-1]
    return cleaned if check_character(body) == check else None


def display(code: str) -> str:
    return f"{code[:4]}-{code[4:8]}-{code[8:]}"


def lookup_digests(code: str) -> list[str]:
    """The HMAC of the code under every master key (the active key first), for lookups across rotations."""
    ring = get_keyring()
    kids = [ring.active_kid, *[k for k in ring.key_ids if k != ring.active_kid]]
    return [_digest(code, kid) for kid in kids]


def digest(code: str) -> str:
    return _digest(code, get_keyring().active_kid)


def _digest(code: str, kid: str) -> str:
    key = get_keyring().derive(kid, "hotline:reference-code")
    return hmac.new(key, code.encode(), hashlib.sha256).hexdigest()
