"""Blind-index tokens of persons: what gets stored, and what a search looks for."""

from __future__ import annotations

from collections.abc import Iterable

from amparo.core.blind import blind_index
from amparo.core.keys import get_keyring
from amparo.core.normalize import name_words, normalize_document, phonetic_word

from .models import IndexKind, Person, PersonIndexToken

_KIND_LABEL = {
    IndexKind.NAME_EXACT: "person-name-exact",
    IndexKind.NAME_PHONETIC: "person-name-phonetic",
    IndexKind.DOCUMENT: "person-document",
}


def _name_texts(person: Person) -> list[str]:
    texts = [person.given_names or "", person.surnames or ""]
    texts.extend(str(a) for a in (person.aliases or []))
    return texts


def token_values(kind: IndexKind, normalized: Iterable[str], kid: str | None = None) -> set[int]:
    return {blind_index(v, kind=_KIND_LABEL[kind], kid=kid) for v in normalized if v}


def _entries(person: Person, document_numbers: Iterable[str], kid: str) -> list[tuple[int, int]]:
    """(kind, value) pairs of a person's index entries under key ``kid``."""
    words = {w for text in _name_texts(person) for w in name_words(text)}
    phonetic = {phonetic_word(w) for w in words}
    docs = {normalize_document(n) for n in document_numbers}
    return [
        (kind, value)
        for kind, values in (
            (IndexKind.NAME_EXACT, words),
            (IndexKind.NAME_PHONETIC, phonetic),
            (IndexKind.DOCUMENT, docs),
        )
        for value in token_values(kind, values, kid)
    ]


def tokens_for(person: Person, document_numbers: Iterable[str], kid: str | None = None) -> list[PersonIndexToken]:
    kid = kid or get_keyring().active_kid
    return [
        PersonIndexToken(person=person, owner_org_id=person.owner_org_id, kind=k, kid=kid, value=v)
        for k, v in _entries(person, document_numbers, kid)
    ]


def bulk_insert_tokens(persons_with_numbers: Iterable[tuple[Person, list[str]]]) -> int:
    """Index many new persons at once (demo data, imports) without building a model instance per entry:
    at ~8 entries per person, Django's per-instance overhead was most of the loading time."""
    from django.db import connection

    pk_field = Person._meta.pk
    assert pk_field is not None
    kid = get_keyring().active_kid
    rows = [
        (pk_field.get_db_prep_value(person.pk, connection), person.owner_org_id, kind, kid, value)
        for person, numbers in persons_with_numbers
        for kind, value in _entries(person, numbers, kid)
    ]
    table = PersonIndexToken._meta.db_table
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (person_id, owner_org_id, kind, kid, value) VALUES (%s, %s, %s, %s, %s)",  # noqa: S608
            rows,
        )
    return len(rows)


def reindex_person(person: Person) -> None:
    numbers = [d.number for d in person.documents.all()]
    PersonIndexToken.objects.filter(person=person).delete()
    PersonIndexToken.objects.bulk_create(tokens_for(person, numbers))


def query_tokens(kind: IndexKind, normalized: Iterable[str]) -> set[int]:
    """Index values to look for, under every configured key (entries may predate a rotation)."""
    values = list(normalized)
    result: set[int] = set()
    for kid in get_keyring().key_ids:
        result |= token_values(kind, values, kid)
    return result


def rebuild_stale_indexes(active_kid: str, batch_size: int) -> int:
    """Key rotation: rebuild the index entries of persons still indexed under an older key."""
    from django.db import transaction

    rebuilt = 0
    while True:
        stale = list(
            PersonIndexToken.objects.exclude(kid=active_kid).values_list("person_id", flat=True).distinct()[:batch_size]
        )
        if not stale:
            return rebuilt
        with transaction.atomic():
            for person in Person.objects.filter(pk__in=stale).prefetch_related("documents"):
                numbers = [d.number for d in person.documents.all()]
                fresh = tokens_for(person, numbers, kid=active_kid)
                PersonIndexToken.objects.filter(person=person).delete()
                PersonIndexToken.objects.bulk_create(fresh)
                rebuilt += len(fresh)
