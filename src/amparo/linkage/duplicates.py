"""The "possible duplicates" check while a person is being registered: blind indexes find candidates
(across institutions), the saved model scores them in Python. Only the actor's institution's matches are
named; matches in other institutions are counted, never shown (the duplicate review handles them)."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Case, IntegerField, Q, Sum, When

from amparo.accounts.actor import Actor
from amparo.accounts.roles import Perm
from amparo.audit.services import audit_record
from amparo.core.exceptions import PermissionDenied
from amparo.core.normalize import normalize_document

from .records import LinkRecord, features, name_parts, phonetic
from .scoring import Scorer, matches_layout, probability

MAX_CANDIDATES = 60
SHOW_ABOVE = 8.0  # evidence (match weight without the prior): lower than the run's threshold, to warn early
DEFAULT_MODEL = Path(__file__).parent / "data" / "default_model.json"


@lru_cache(maxsize=1)
def _default_model() -> dict[str, Any]:
    return json.loads(DEFAULT_MODEL.read_text())


_scorers: dict[str, Scorer] = {}


def current_scorer() -> Scorer:
    """The model of the current run (cached per run), or the model shipped with Amparo (trained on the
    synthetic labelled set) before the first run."""
    from .models import LinkageRun

    run = LinkageRun.objects.filter(is_current=True).only("pk").first()
    key = str(run.pk) if run else "default"
    if key not in _scorers:
        model = (LinkageRun.objects.filter(pk=run.pk).values_list("model", flat=True).first() if run else None) or {}
        _scorers.clear()
        _scorers[key] = Scorer(model if matches_layout(model) else _default_model())
    return _scorers[key]


@dataclass
class Match:
    person_id: uuid.UUID
    name: str
    weight: float
    probability: float
    evidence: dict[str, dict[str, Any]]


@dataclass
class PossibleDuplicates:
    own: list[Match]
    elsewhere: int  # likely matches registered by other institutions (not shown)
    candidates: int


def _candidate_ids(record: LinkRecord) -> list[uuid.UUID]:
    from amparo.people.indexing import query_tokens
    from amparo.people.models import IndexKind, PersonIndexToken

    words = name_parts(record["given_names"]) + name_parts(record["surnames"])
    ph = query_tokens(IndexKind.NAME_PHONETIC, {phonetic(w) for w in words})
    docs = query_tokens(IndexKind.DOCUMENT, {normalize_document(d) for d in record["documents"] if d})
    if not ph and not docs:
        return []
    condition = Q(pk__in=[])
    if ph:
        condition |= Q(kind=IndexKind.NAME_PHONETIC, value__in=ph)
    if docs:
        condition |= Q(kind=IndexKind.DOCUMENT, value__in=docs)
    score = Sum(Case(When(kind=IndexKind.DOCUMENT, then=10), default=1, output_field=IntegerField()))
    minimum = min(2, len(set(words))) or 1
    rows = (
        PersonIndexToken.objects.filter(condition)
        .values("person_id")
        .annotate(score=score)
        .filter(score__gte=minimum)
        .order_by("-score", "person_id")[:MAX_CANDIDATES]
    )
    return [r["person_id"] for r in rows]


@transaction.atomic
def possible_duplicates(*, actor: Actor, record: LinkRecord) -> PossibleDuplicates:
    if not actor.has(Perm.PERSON_CREATE):
        raise PermissionDenied()
    from amparo.justice.protection import hidden_person_ids
    from amparo.people.models import Person

    from .records import person_records

    ids = _candidate_ids(record)
    result = PossibleDuplicates(own=[], elsewhere=0, candidates=len(ids))
    if ids:
        scorer = current_scorer()
        # The institution comparison is left out (missing): here a clerk looks for the own institution's
        # records as much as for others'.
        new = {**features(record), "owner_org": None}
        persons = {p.pk: p for p in Person.objects.filter(pk__in=ids).prefetch_related("documents")}
        # A protected witness is not offered as a match outside the protection team (justice.protection).
        hidden = set(hidden_person_ids(actor).filter(person_id__in=ids).values_list("person_id", flat=True))
        for person, existing in zip(persons.values(), person_records(persons.values()), strict=True):
            weight, evidence = scorer.score(new, features(existing))
            evidence.pop("institution", None)
            if weight - scorer.prior < SHOW_ABOVE or person.pk in hidden:
                continue
            if person.owner_org_id == actor.org_pk and actor.has(Perm.PERSON_VIEW):
                result.own.append(Match(person.pk, person.full_name, weight, probability(weight), evidence))
            else:
                result.elsewhere += 1
        result.own.sort(key=lambda m: -m.weight)
    audit_record(
        actor=actor,
        action="linkage.possible_duplicates",
        details={"candidates": result.candidates, "own": len(result.own), "elsewhere": result.elsewhere},
    )
    return result
