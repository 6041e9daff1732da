"""Linkage records: the identifying fields of a person as plain values, and the comparison features.

A record is a plain dict so the same code serves the background run (persons decrypted in memory), the
labelled synthetic sets of the benchmarks, the entry-time check and the partner encodings. Nothing here
writes to disk.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any, NotRequired, TypedDict

from amparo.core.normalize import PARTICLES, normalize_document, normalize_text, phonetic_word
from amparo.people import demo_names


class LinkRecord(TypedDict):
    unique_id: str
    given_names: str
    surnames: str
    aliases: list[str]
    date_of_birth: str | None  # ISO date
    age_min: int | None
    age_max: int | None
    age_assessed_on: str | None  # ISO date
    gender: str
    nationality: str
    documents: list[str]
    department: str
    municipality: str
    owner_org: int
    phone: NotRequired[str]  # as entered; compared by its last 8 digits (records without it compare as missing)
    address: NotRequired[str]  # street address as entered (free text)
    email: NotRequired[str]  # e-mail address as entered; compared case-insensitively


def blank_record(**fields: Any) -> LinkRecord:
    """A record with every field empty but those given (a form typed in part, a file with few columns)."""
    empty = LinkRecord(
        unique_id="",
        given_names="",
        surnames="",
        aliases=[],
        date_of_birth=None,
        age_min=None,
        age_max=None,
        age_assessed_on=None,
        gender="",
        nationality="",
        documents=[],
        department="",
        municipality="",
        owner_org=0,
    )
    return LinkRecord(**{**empty, **fields})  # type: ignore[typeddict-item]


UNKNOWN_GENDER = "NonSpecifiedUnknown"
# Assumed age spread when only an estimated range exists (ages assessed by sight are rarely closer).
YEAR = 365.25


@lru_cache(maxsize=1)
def nickname_variants() -> dict[str, tuple[str, ...]]:
    """Normalized nickname -> the normalized given names it may stand for ("beto" -> roberto, alberto...)."""
    table: dict[str, set[str]] = {}
    for name, nicks in demo_names.NICKNAMES.items():
        canonical = normalize_text(name)
        for nick in nicks:
            table.setdefault(normalize_text(nick), set()).add(canonical)
    return {nick: tuple(sorted(names)) for nick, names in table.items()}


@lru_cache(maxsize=200_000)
def _name_parts(text: str) -> tuple[str, ...]:
    return tuple(w for w in normalize_text(text).split() if w not in PARTICLES)


def name_parts(text: str) -> list[str]:
    """Normalized words without particles ("de León" -> ["leon"])."""
    return list(_name_parts(text))


# Names repeat a lot: the phonetic rewrite (15 regular expressions) is cached per word.
phonetic = lru_cache(maxsize=200_000)(phonetic_word)


def given_variants(word: str) -> tuple[str, ...]:
    """The given names a first given name may denote: itself and, for a nickname, the full names."""
    return (word, *nickname_variants().get(word, ()))


def birth_years(record: LinkRecord) -> tuple[int | None, int | None]:
    """Earliest and latest plausible birth year: exact from a date of birth, else from the estimated range."""
    if record["date_of_birth"]:
        year = int(record["date_of_birth"][:4])
        return year, year
    low, high = record["age_min"], record["age_max"]
    if low is None and high is None:
        return None, None
    assessed = record["age_assessed_on"]
    ref_year = int(assessed[:4]) if assessed else datetime.date.today().year
    earliest = ref_year - (high if high is not None else (low or 0) + 5) - 1
    latest = ref_year - (low if low is not None else max(0, (high or 0) - 5))
    return earliest, latest


def _band(low: int | None, high: int | None, offset: int) -> int | None:
    if low is None or high is None or high - low > 10:
        return None
    return ((low + high) // 2 + offset) // 10


PHONE_DIGITS = 8  # Guatemala's numbers have 8 digits; the last 8 ignore a country code (+502) and separators


def phone_key(text: str | None) -> str | None:
    """The last 8 digits of a phone number, or None when it has fewer than 7 (not a number)."""
    digits = "".join(ch for ch in (text or "") if ch.isdigit())
    return digits[-PHONE_DIGITS:] if len(digits) >= PHONE_DIGITS - 1 else None


def email_key(text: str | None) -> str | None:
    """An e-mail address without spaces, in lower case; None when it has no "@" (not an address)."""
    value = "".join((text or "").split()).lower()
    return value if "@" in value.strip("@") else None


def _email_user(text: str | None) -> str | None:
    """The part of an e-mail address before the "@" when it is long enough to tell persons apart."""
    key = email_key(text)
    user = key.split("@", 1)[0] if key else ""
    return user if len(user) >= 4 else None


_MARRIED_MARKERS = ("de", "vda", "viuda")


def married_name(text: str | None) -> str | None:
    """The husband's surname a married woman may add after her own ("López de García", "López Pérez de
    García", "López vda. de García"): the last word, when "de" alone comes before it (not "de la") and at least
    one own surname before that. "de León" alone is a compound surname, not a married name. "López de León" is
    read as one too, though "de León" may be a second surname: the comparison level that uses it is estimated
    by EM, so the register decides what it weighs."""
    words = normalize_text(text or "").split()
    if len(words) < 3 or words[-2] != "de" or words[-1] in PARTICLES:
        return None
    own = [w for w in words[:-2] if w not in _MARRIED_MARKERS and w not in PARTICLES]
    return words[-1] if own else None


def features(record: LinkRecord) -> dict[str, Any]:
    """The columns Splink compares (and the Python scorer mirrors). All values normalized."""
    given = name_parts(record["given_names"])
    aliases = [w for a in record["aliases"] for w in name_parts(str(a))]
    surnames = name_parts(record["surnames"])
    given1 = given[0] if given else None
    variants = sorted({v for w in given[:1] + aliases for v in given_variants(w)}) if given1 else []
    all_given = given + aliases
    docs = sorted({n for n in (normalize_document(d) for d in record["documents"]) if _informative_document(n)})
    by_lo, by_hi = birth_years(record)
    return {
        "unique_id": record["unique_id"],
        "given1": given1,
        "given1_ph": phonetic(given1) if given1 else None,
        "given_variants": variants or None,
        "given_ph_all": sorted({phonetic(v) for w in all_given for v in given_variants(w)}) or None,
        "given2": given1[:2] if given1 else None,
        "given3": given1[:3] if given1 else None,  # blocking only (large registers)
        # letters in order: invariant under the commonest typo (two letters swapped); blocking only
        "given1_sorted": "".join(sorted(given1)) if given1 else None,
        "givenx_ph": phonetic(given[1]) if len(given) > 1 else None,
        # a nickname stands for its (first) full name: "Chelo" blocks with "Consuelo"; blocking only
        "given_root_ph": phonetic(nickname_variants().get(given1, (given1,))[0]) if given1 else None,
        "sur1": surnames[0] if surnames else None,
        "sur1_2": surnames[0][:2] if surnames else None,
        "sur1_3": surnames[0][:3] if surnames else None,  # blocking only (large registers)
        "sur1_sorted": "".join(sorted(surnames[0])) if surnames else None,
        "sur2": surnames[1] if len(surnames) > 1 else None,
        "sur1_ph": phonetic(surnames[0]) if surnames else None,
        "sur2_ph": phonetic(surnames[1]) if len(surnames) > 1 else None,
        "sur_ph_all": sorted({phonetic(w) for w in surnames}) or None,
        "married": married_name(record["surnames"]),
        "dob": record["date_of_birth"] or None,
        "dob_md": record["date_of_birth"][5:10] if record["date_of_birth"] else None,  # blocking only
        "by_lo": by_lo,
        "by_hi": by_hi,
        # birth decade on two grids five years apart (blocking only, large registers): two birth years less
        # than five years apart share a cell of at least one grid
        "by_band_a": _band(by_lo, by_hi, 0),
        "by_band_b": _band(by_lo, by_hi, 5),
        "gender": record["gender"] if record["gender"] and record["gender"] != UNKNOWN_GENDER else None,
        "nationality": record["nationality"] or None,
        "docs": docs or None,
        "doc1": docs[0] if docs else None,
        "department": record["department"] or None,
        "municipality": record["municipality"] or None,
        "phone": phone_key(record.get("phone")),
        "address": " ".join(normalize_text(record.get("address") or "").split()) or None,
        "email": email_key(record.get("email")),
        "email_user": _email_user(record.get("email")),  # blocking only
        "owner_org": record["owner_org"] or None,  # 0: the institution is not known
    }


COLUMNS = list(features(blank_record()))


# A number held by more records than one person is ever entered is a placeholder some register uses for
# "none" ("S/N", "0000", a shelter's own number): compared as a document it would make strangers copies and
# flood the training block that assumes its pairs are copies (measured on an outside test file where 40 %
# of the rows had "0": groups F1 0.15 instead of 0.99, and 3.3 million pairs instead of 33,000).
SHARED_DOCUMENT_LIMIT = 8


def _informative_document(number: str) -> bool:
    """Not a placeholder: at least four letters or digits, not one character repeated ("0", "NA", "99999")."""
    return len(number) >= 4 and len(set(number)) > 1


def to_columns(records: Iterable[LinkRecord]) -> dict[str, list[Any]]:
    """Column-oriented features (what DuckDB registers through pyarrow, in memory). Document numbers held by
    more than ``SHARED_DOCUMENT_LIMIT`` records are left out (placeholders, not identities), and so are e-mail
    addresses and their user names held by as many: a shelter's or a relative's address entered for many
    victims would otherwise make them copies (the e-mail is a blocking rule and a certain-match rule of the
    prior), and "info" or "contacto" at several domains would make one block of them all."""
    columns: dict[str, list[Any]] = {name: [] for name in COLUMNS}
    for record in records:
        for name, value in features(record).items():
            columns[name].append(value)
    held = Counter(d for docs in columns["docs"] if docs for d in docs)
    shared = {d for d, count in held.items() if count > SHARED_DOCUMENT_LIMIT}
    if shared:
        for i, docs in enumerate(columns["docs"]):
            if docs and shared.intersection(docs):
                kept = [d for d in docs if d not in shared]
                columns["docs"][i] = kept or None
                columns["doc1"][i] = kept[0] if kept else None
    for name in ("email", "email_user"):
        held = Counter(v for v in columns[name] if v)
        shared = {v for v, count in held.items() if count > SHARED_DOCUMENT_LIMIT}
        columns[name] = [None if v in shared else v for v in columns[name]]
    return columns


def person_records(persons: Iterable[Any]) -> Iterator[LinkRecord]:
    """Decrypt persons (with ``documents`` prefetched) into linkage records, in memory only."""
    for person in persons:
        yield LinkRecord(
            unique_id=str(person.pk),
            given_names=str(person.given_names or ""),
            surnames=str(person.surnames or ""),
            aliases=[str(a) for a in (person.aliases or [])],
            date_of_birth=person.date_of_birth.isoformat() if person.date_of_birth else None,
            age_min=person.age_min,
            age_max=person.age_max,
            age_assessed_on=person.age_assessed_on.isoformat() if person.age_assessed_on else None,
            gender=person.gender or "",
            nationality=(person.nationalities or [""])[0],
            documents=[str(d.number) for d in person.documents.all()],
            department=person.residence_department or "",
            municipality=person.residence_municipality or "",
            owner_org=person.owner_org_id,
            phone=str(person.phone or ""),
            address=str(person.address or ""),
            email=str(person.email or ""),
        )
