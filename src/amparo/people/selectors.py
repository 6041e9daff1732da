"""Reads of persons, always scoped to what the actor may see. Views of identifying data are audited."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Sum, When

from amparo.accounts.actor import Actor
from amparo.accounts.roles import Perm
from amparo.audit.services import audit_record
from amparo.core.exceptions import NotFound, PermissionDenied
from amparo.core.normalize import name_words, normalize_document, phonetic_word

from .indexing import query_tokens
from .models import IndexKind, Person, PersonIndexToken
from .permissions import can_view_person, persons_visible_to

MAX_RESULTS = 50


@transaction.atomic
def person_get_for_view(*, actor: Actor, person_id: uuid.UUID | str) -> Person:
    """The person, or NotFound for anything the actor may not see (existence does not leak)."""
    if not actor.has(Perm.PERSON_VIEW):
        raise PermissionDenied()
    person = Person.objects.filter(pk=person_id).select_related("owner_org").prefetch_related("documents").first()
    if person is None or not can_view_person(actor, person):
        raise NotFound()
    audit_record(actor=actor, action="person.view", target_type="person", target_id=person.pk)
    return person


@dataclass
class SearchResult:
    persons: list[Person]
    scores: dict[uuid.UUID, int]
    query_words: int
    merged: dict[uuid.UUID, int] = field(default_factory=dict)  # person -> records merged with it (linkage)


def _ranked_ids(
    actor: Actor, name_query: str, document_query: str, limit: int
) -> tuple[list[uuid.UUID], dict[uuid.UUID, int], int]:
    words = name_words(name_query)
    exact = query_tokens(IndexKind.NAME_EXACT, words)
    phonetic = query_tokens(IndexKind.NAME_PHONETIC, [phonetic_word(w) for w in words])
    docs = query_tokens(IndexKind.DOCUMENT, [normalize_document(document_query)] if document_query else [])
    condition = Q(pk__in=[])
    if exact:
        condition |= Q(kind=IndexKind.NAME_EXACT, value__in=exact)
    if phonetic:
        condition |= Q(kind=IndexKind.NAME_PHONETIC, value__in=phonetic)
    if docs:
        condition |= Q(kind=IndexKind.DOCUMENT, value__in=docs)
    if not (exact or phonetic or docs):
        return [], {}, 0
    # A phonetic match scores 1, an exact one 2 more, a document 10: the best candidates come first.
    weight = Case(
        When(kind=IndexKind.NAME_EXACT, then=2),
        When(kind=IndexKind.DOCUMENT, then=10),
        default=1,
        output_field=IntegerField(),
    )
    # At least half the query's words must match (phonetically, which exact matches also do), or a document.
    minimum = max(1, (len(words) + 1) // 2)
    phonetic_hit = Case(When(kind=IndexKind.NAME_PHONETIC, then=1), default=0, output_field=IntegerField())
    document_hit = Case(When(kind=IndexKind.DOCUMENT, then=1), default=0, output_field=IntegerField())
    rows = (
        PersonIndexToken.objects.filter(condition, owner_org_id=actor.org_pk)
        # Checked per matching entry (EXISTS), not by listing every visible person of the institution first.
        .filter(Exists(persons_visible_to(actor).filter(pk=OuterRef("person_id"))))
        .values("person_id")
        .annotate(score=Sum(weight), words=Sum(phonetic_hit), documents=Sum(document_hit))
        .filter(Q(words__gte=minimum) | Q(documents__gte=1))
        .order_by("-score", "person_id")[:limit]
    )
    scores = {r["person_id"]: r["score"] for r in rows}
    return list(scores), scores, len(words)


def _follow_merges(
    actor: Actor, ids: list[uuid.UUID], scores: dict[uuid.UUID, int]
) -> tuple[list[Person], dict[uuid.UUID, int], dict[uuid.UUID, int]]:
    """Merged records are one person: each merge group is listed once, at the rank of its best match, as its
    surviving record when the actor may see it (else as the best-ranked record found). A search that matches
    only an absorbed record (an old spelling, a false document) thus finds the merged person. Two queries
    whatever the number of results: the groups (linkage.resolve, one recursive query) and the persons."""
    from amparo.linkage.resolve import groups_of

    groups = groups_of(ids)
    wanted = set(ids) | {g.canonical for g in groups.values()}
    by_id = {p.pk: p for p in persons_visible_to(actor).filter(pk__in=wanted)}
    persons: list[Person] = []
    shown_scores: dict[uuid.UUID, int] = {}
    merged: dict[uuid.UUID, int] = {}
    seen: set[uuid.UUID] = set()
    for pid in ids:
        group = groups[pid]
        if group.canonical in seen:
            continue
        seen.add(group.canonical)
        shown = by_id.get(group.canonical) or by_id.get(pid)
        if shown is None:
            continue
        persons.append(shown)
        shown_scores[shown.pk] = max(scores[i] for i in ids if i in group.members)
        if len(group.members) > 1:
            merged[shown.pk] = len(group.members) - 1
        shown.merged_records = merged.get(shown.pk, 0)  # type: ignore[attr-defined]  # for the results template
    return persons, shown_scores, merged


@transaction.atomic
def person_search(*, actor: Actor, name: str = "", document: str = "", limit: int = MAX_RESULTS) -> SearchResult:
    """Fuzzy search by name (exact and Spanish-phonetic blind indexes) and/or document number."""
    if not actor.has(Perm.PERSON_SEARCH):
        raise PermissionDenied()
    limit = max(1, min(limit, MAX_RESULTS))
    # The screens accept 200 and 60 characters; the API's query string is not bounded: keep the query small.
    name, document = name[:200], document[:60]
    ids, scores, n_words = _ranked_ids(actor, name, document, limit)
    persons, scores, merged = _follow_merges(actor, ids, scores)
    # The query itself is identifying: only its shape and the result count are audited.
    audit_record(
        actor=actor,
        action="person.search",
        details={"name_words": n_words, "by_document": bool(document), "results": len(persons)},
    )
    return SearchResult(persons=persons, scores=scores, query_words=n_words, merged=merged)


@transaction.atomic
def person_recent(*, actor: Actor, limit: int = 20) -> list[Person]:
    if not actor.has(Perm.PERSON_VIEW):
        raise PermissionDenied()
    persons = list(persons_visible_to(actor).order_by("-created_at")[:limit])
    if persons:
        audit_record(actor=actor, action="person.list", details={"results": len(persons)})
    return persons
