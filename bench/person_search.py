"""Benchmark: fuzzy name search over blind indexes (``amparo.people.selectors.person_search``).

Needs N demo persons: reuses the benchmark database of bench/demo_data.py when it holds exactly N
persons, otherwise fills it (`amparo demo-data --persons N`). Searches as a demo account (default
``ana.caseworker`` of Casa Alianza, which owns about a ninth of the persons), with queries made from
the names of that institution's persons, misspelled the way clerks misspell them (variants from the
demo name lists, swapped letters, a dropped second surname or given name, no accents, other case).

Measured per query, interleaved:
  * ``person_search()``: the whole service (index lookup, loading the persons, the audit event);
  * the ranking query alone through the ORM (``selectors._ranked_ids``);
  * baseline: the same blind-index lookup in raw SQL (token values from ``indexing.query_tokens``,
    one GROUP BY over people_personindextoken joined to people_person filtered by owner_org).
Then the cost of decrypting the names (given names and surnames) of the persons returned.

    .venv/bin/python bench/person_search.py --persons 100000
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
import uuid
from typing import Any

from _common import print_header, reset_database, setup_django, summary_ms

SQL = """
SELECT t.person_id, SUM({weight}) AS score
FROM people_personindextoken t JOIN people_person p ON p.id = t.person_id
WHERE p.owner_org_id = %s AND ({condition})
GROUP BY t.person_id
HAVING SUM({weight}) >= %s
ORDER BY score DESC, t.person_id
LIMIT %s
"""
WEIGHT = "CASE WHEN t.kind = 1 THEN 2 WHEN t.kind = 3 THEN 10 ELSE 1 END"


def ensure_persons(persons: int, seed: int) -> None:
    from django.core.management import call_command

    from amparo.accounts.demo import ensure_demo_accounts
    from amparo.people.models import Person

    if Person.objects.count() != persons:
        print(f"   filling the database: amparo demo-data --persons {persons} --seed {seed} (takes a while)")
        reset_database()
        call_command("demo_data", persons=persons, seed=seed, no_accounts=True, verbosity=0)
    ensure_demo_accounts()


def misspell(rng: random.Random, word: str) -> str:
    from amparo.people import demo_names

    variants = demo_names.SPELLING_VARIANTS.get(word)
    if variants and rng.random() < 0.6:
        return rng.choice(variants)
    if len(word) > 4 and rng.random() < 0.25:  # two letters swapped
        i = rng.randint(1, len(word) - 3)
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word


def make_queries(actor: Any, count: int, seed: int) -> list[tuple[str, uuid.UUID]]:
    """(query, id of the person it was made from), from persons the actor may see."""
    from amparo.core.normalize import strip_accents
    from amparo.people.permissions import persons_visible_to

    rng = random.Random(seed)
    ids = list(persons_visible_to(actor).order_by("pk").values_list("pk", flat=True))
    queries = []
    for person in persons_visible_to(actor).filter(pk__in=rng.sample(ids, count)).order_by("pk"):
        given = person.given_names.split()
        surnames = person.surnames.split()
        if len(given) > 1 and rng.random() < 0.3:
            given = given[:1]
        if len(surnames) > 1 and rng.random() < 0.3:
            surnames = surnames[:1]
        text = " ".join(misspell(rng, w) for w in [*given, *surnames])
        if rng.random() < 0.3:
            text = strip_accents(text)
        if rng.random() < 0.2:
            text = text.upper() if rng.random() < 0.5 else text.lower()
        queries.append((text, person.pk))
    rng.shuffle(queries)
    return queries


def raw_lookup(organization_id: int, name: str, limit: int) -> list[uuid.UUID]:
    """The blind-index lookup of person_search, by hand: token values, then one GROUP BY."""
    from django.db import connection

    from amparo.core.normalize import name_words, phonetic_word
    from amparo.people.indexing import query_tokens
    from amparo.people.models import IndexKind

    words = name_words(name)
    exact = sorted(query_tokens(IndexKind.NAME_EXACT, words))
    phonetic = sorted(query_tokens(IndexKind.NAME_PHONETIC, [phonetic_word(w) for w in words]))
    parts, params = [], []
    for kind, values in ((IndexKind.NAME_EXACT, exact), (IndexKind.NAME_PHONETIC, phonetic)):
        if values:
            parts.append(f"(t.kind = {int(kind)} AND t.value IN ({', '.join(['%s'] * len(values))}))")
            params.extend(values)
    if not parts:
        return []
    minimum = max(1, (len(words) + 1) // 2)
    sql = SQL.format(weight=WEIGHT, condition=" OR ".join(parts))
    with connection.cursor() as cursor:
        cursor.execute(sql, [organization_id, *params, minimum, limit])
        return [uuid.UUID(str(row[0])) for row in cursor.fetchall()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2008)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--user", default="ana.caseworker", help="A demo account of an institution with persons.")
    args = parser.parse_args()

    setup_django("persons", fresh=False)
    from amparo.accounts.actor import Actor
    from amparo.accounts.models import Membership
    from amparo.people import selectors
    from amparo.people.models import Person, PersonIndexToken

    print_header(f"person_search: {args.queries} queries over {args.persons:,} persons")
    ensure_persons(args.persons, args.seed)
    membership = Membership.objects.select_related("user", "organization").get(user__username=args.user, is_active=True)
    actor = Actor(user=membership.user, membership=membership)
    org_id = membership.organization_id
    visible = Person.objects.filter(owner_org_id=org_id).count()
    print(
        f"   as {args.user} ({membership.organization.code}, {membership.role}): {visible:,} persons visible "
        f"of {Person.objects.count():,}; {PersonIndexToken.objects.count():,} index entries in all"
    )

    queries = make_queries(actor, args.queries + args.warmup, args.seed)
    for name, _ in queries[: args.warmup]:
        selectors.person_search(actor=actor, name=name)
        raw_lookup(org_id, name, selectors.MAX_RESULTS)
    service_t, ranking_t, raw_t, decrypt_t = [], [], [], []
    results, found, first, mismatches, decrypted = [], 0, 0, 0, 0
    for i, (name, source) in enumerate(queries[args.warmup :]):
        # Alternate the order so that a busy moment of the machine hits all three alike.
        steps = ["service", "ranking", "raw"] if i % 2 == 0 else ["raw", "ranking", "service"]
        for step in steps:
            started = time.perf_counter()
            if step == "service":
                result = selectors.person_search(actor=actor, name=name)
                service_t.append(time.perf_counter() - started)
                started = time.perf_counter()
                for person in result.persons:
                    _ = person.given_names, person.surnames
                decrypt_t.append(time.perf_counter() - started)
                decrypted += len(result.persons)
            elif step == "ranking":
                ranked, _scores, _words = selectors._ranked_ids(actor, name, "", selectors.MAX_RESULTS)
                ranking_t.append(time.perf_counter() - started)
            else:
                raw = raw_lookup(org_id, name, selectors.MAX_RESULTS)
                raw_t.append(time.perf_counter() - started)
        ids = [p.pk for p in result.persons]
        mismatches += ids != raw or ids != ranked
        results.append(len(ids))
        found += source in ids
        first += bool(ids) and ids[0] == source

    n = len(service_t)
    print(f"person_search() (whole service): {summary_ms(service_t)}")
    print(f"ranking query via ORM:           {summary_ms(ranking_t)}")
    print(f"baseline raw SQL lookup:         {summary_ms(raw_t)}")
    p50 = statistics.median
    print(
        f"ratio person_search / raw SQL: p50 {p50(service_t) / p50(raw_t):.2f}x, "
        f"mean {statistics.fmean(service_t) / statistics.fmean(raw_t):.2f}x"
    )
    print(
        f"ratio ORM ranking / raw SQL:   p50 {p50(ranking_t) / p50(raw_t):.2f}x, "
        f"mean {statistics.fmean(ranking_t) / statistics.fmean(raw_t):.2f}x"
    )
    per_person = sum(decrypt_t) / decrypted * 1e6 if decrypted else 0.0
    print(
        f"decrypting names of the returned persons: {summary_ms(decrypt_t)}  "
        f"({per_person:.0f} us per person, 2 fields; {statistics.fmean(results):.1f} persons per query on average)"
    )
    print(
        f"results: {n} queries; {sum(r == 50 for r in results)} hit the 50-result limit; the misspelled person "
        f"was found in {found / n:.0%} (ranked first in {first / n:.0%}); "
        f"ORM, service and raw SQL disagreed on {mismatches} queries"
    )


if __name__ == "__main__":
    main()
