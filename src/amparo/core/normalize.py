"""Normalization of names and document numbers for blind indexes.

Written by hand because no maintained library covers Spanish and Maya naming in Guatemala: phonetic
algorithms such as Soundex, Metaphone or NYSIIS are built for English (jellyfish et al.), and the
Spanish Metaphone ports do not fold the h, x/sh, ll/y, b/v and s/z/c variations clerks produce here.
"""

from __future__ import annotations

import re
import unicodedata

# Particles that are part of compound surnames but carry no identity on their own.
PARTICLES = frozenset({"de", "del", "la", "las", "los", "y", "e", "da", "do", "dos", "van", "von", "vda"})

_SEPARATORS = re.compile(r"[\s\-_.,;:/'’`´\"()]+")


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def normalize_text(text: str) -> str:
    """Lower case, no accents (ñ becomes n), single spaces, only letters, digits and spaces."""
    folded = strip_accents(text.casefold())
    words = [w for w in _SEPARATORS.split(folded) if w]
    cleaned = ["".join(ch for ch in w if ch.isalnum()) for w in words]
    return " ".join(w for w in cleaned if w)


def name_words(text: str) -> list[str]:
    """Significant words of a name: normalized, without particles; order does not matter."""
    return [w for w in normalize_text(text).split() if w not in PARTICLES]


# Ordered rewrite rules; each maps a spelling to the sound it shares with its variants.
_PHONETIC_RULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p), r)
    for p, r in [
        (r"ph", "f"),
        (r"ch", "1"),  # keep ch distinct from c/k and from sh
        (r"sh|x", "s"),  # Maya x (sh) and Mexican x are written s, sh, j or x
        (r"ll|y(?=[aeiou])", "y"),
        (r"y", "i"),
        (r"qu(?=[ei])", "k"),
        (r"gu(?=[ei])", "2"),  # hard g of gue/gui (Guevara), kept apart from the soft ge/gi (= j)
        (r"c(?=[ei])|z", "s"),
        (r"q|c|k", "k"),
        (r"g(?=[ei])|j", "j"),
        (r"2", "g"),
        (r"v|w", "b"),
        (r"nb", "mb"),
        (r"h", ""),
        (r"(.)\1+", r"\1"),  # double letters
    ]
]


def phonetic_word(word: str) -> str:
    code = normalize_text(word).replace(" ", "")
    for pattern, replacement in _PHONETIC_RULES:
        code = pattern.sub(replacement, code)
    return code.replace("1", "ch")


def phonetic_words(text: str) -> list[str]:
    return [phonetic_word(w) for w in name_words(text)]


def normalize_document(number: str) -> str:
    """Document numbers compare on letters and digits only, upper case (spaces and dashes vary)."""
    return "".join(ch for ch in strip_accents(number).upper() if ch.isalnum())
