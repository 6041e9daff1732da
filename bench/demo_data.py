"""Benchmark: `amparo demo-data --persons N --seed S --no-accounts` on an empty database.

Every person gets its identifying fields encrypted (AES-256-GCM, one derived key per field), its
identity documents encrypted, and its blind-index entries computed (HMAC-SHA256) and stored.

Baseline, measured in the same run: a raw INSERT (``executemany``, one transaction) of the same
number of rows of the same width (copies of the stored person rows, new ids) into a scratch table
without indexes. The ratio says what generating, encrypting and indexing cost on top of writing rows.

Also reported, on a sample, the cost per person of each step done in Python (no database).

    .venv/bin/python bench/demo_data.py --persons 100000
"""

from __future__ import annotations

import argparse
import io
import uuid

from _common import print_header, setup_django, timer

SCRATCH = "bench_scratch_person"


def run_demo_data(persons: int, seed: int) -> tuple[float, float, str]:
    from django.core.management import call_command

    out = io.StringIO()
    with timer() as elapsed:
        call_command("demo_data", persons=persons, seed=seed, no_accounts=True, stdout=out)
    return elapsed[0], elapsed[1], out.getvalue().strip()


def raw_insert_baseline(rows: int) -> tuple[float, float, float]:
    """Insert ``rows`` copies of stored person rows (new ids) into a scratch table.

    Returns (wall seconds, CPU seconds, characters per row)."""
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {SCRATCH}")
        cursor.execute(f"CREATE TABLE {SCRATCH} AS SELECT * FROM people_person LIMIT 0")
        cursor.execute("SELECT * FROM people_person LIMIT 1000")
        columns = [c[0] for c in cursor.description]
        sample = cursor.fetchall()
    id_index = columns.index("id")
    width = sum(len(str(v)) for row in sample for v in row if v is not None) / len(sample)
    # Ids in the form the database stores them (a hex string on SQLite, a uuid on PostgreSQL).
    make_id = (lambda: uuid.uuid4().hex) if connection.vendor == "sqlite" else uuid.uuid4
    sql = f"INSERT INTO {SCRATCH} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
    with timer() as elapsed:
        done = 0
        with transaction.atomic(), connection.cursor() as cursor:
            while done < rows:
                batch = []
                for i in range(min(10_000, rows - done)):
                    row = list(sample[(done + i) % len(sample)])
                    row[id_index] = make_id()
                    batch.append(row)
                cursor.executemany(sql, batch)
                done += len(batch)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {SCRATCH}")
    return elapsed[0], elapsed[1], width


def per_person_costs(sample: int, seed: int) -> dict[str, float]:
    """Microseconds per person of each step done in Python, measured on ``sample`` persons."""
    from django.utils import timezone

    from amparo.core.fields import EncryptedMixin
    from amparo.core.normalize import name_words, normalize_document, phonetic_word
    from amparo.organizations.models import Organization
    from amparo.people.demo import generate
    from amparo.people.indexing import token_values, tokens_for
    from amparo.people.management.commands.demo_data import REGISTERING
    from amparo.people.models import IdentityDocument, IndexKind, Person

    org_ids = sorted(Organization.objects.filter(code__in=REGISTERING).values_list("pk", flat=True))
    with timer() as gen_s:
        items = list(generate(sample, seed + 1, org_ids, timezone.localdate()))
    person_fields = [f for f in Person._meta.concrete_fields if isinstance(f, EncryptedMixin)]
    doc_field = IdentityDocument._meta.get_field("number")
    with timer() as enc_s:
        for item in items:
            for f in person_fields:
                f.pre_save(item.person, True)
            for d in item.documents:
                doc_field.pre_save(d, True)  # type: ignore[attr-defined]
    tokens = 0
    with timer() as idx_s:
        for item in items:
            tokens += len(tokens_for(item.person, [d.number for d in item.documents]))
    # The same values without building PersonIndexToken objects (what tokens_for does, minus the ORM).
    with timer() as hmac_s:
        for item in items:
            p = item.person
            texts = [p.given_names or "", p.surnames or "", *(str(a) for a in p.aliases or [])]
            words = {w for text in texts for w in name_words(text)}
            token_values(IndexKind.NAME_EXACT, words)
            token_values(IndexKind.NAME_PHONETIC, {phonetic_word(w) for w in words})
            token_values(IndexKind.DOCUMENT, {normalize_document(d.number) for d in item.documents})
    documents = sum(len(i.documents) for i in items)
    return {
        "generate": gen_s[0] / sample * 1e6,
        "encrypt": enc_s[0] / sample * 1e6,
        "index": idx_s[0] / sample * 1e6,
        "index_values": hmac_s[0] / sample * 1e6,
        "fields": len(person_fields),
        "documents": documents / sample,
        "tokens": tokens / sample,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2008)
    parser.add_argument("--sample", type=int, default=5_000, help="Persons for the per-step costs.")
    args = parser.parse_args()

    # The same database as bench/person_search.py, which reuses it when it holds N persons.
    setup_django("persons", fresh=True)
    from amparo.people.models import IdentityDocument, Person, PersonIndexToken

    print_header(f"demo_data: {args.persons:,} persons, seed {args.seed}")
    demo_s, demo_cpu, output = run_demo_data(args.persons, args.seed)
    persons = Person.objects.count()
    documents = IdentityDocument.objects.count()
    tokens = PersonIndexToken.objects.count()
    print(f"   command said: {output}")
    print(
        f"amparo demo-data --no-accounts: {persons:>9,} persons in {demo_s:8.2f} s  "
        f"({persons / demo_s:>8,.0f} persons/s; CPU {demo_cpu:.1f} s)"
    )
    print(
        f"   rows written: {persons:,} persons, {documents:,} documents, {tokens:,} blind-index entries "
        f"({tokens / persons:.1f} per person)"
    )

    base_s, base_cpu, width = raw_insert_baseline(persons)
    print(
        f"baseline raw INSERT:            {persons:>9,} rows    in {base_s:8.2f} s  ({persons / base_s:>8,.0f} rows/s)"
        f"  [CPU {base_cpu:.2f} s; {width:.0f} characters per row, as a stored person]"
    )
    print(f"ratio demo-data / raw INSERT:   {demo_s / base_s:.1f}x wall, {demo_cpu / base_cpu:.1f}x CPU")

    costs = per_person_costs(min(args.sample, args.persons), args.seed)
    print(
        f"per person, in Python, on a sample of {min(args.sample, args.persons):,} "
        f"({costs['fields']:.0f} encrypted fields, {costs['documents']:.2f} documents, "
        f"{costs['tokens']:.1f} index entries per person):"
    )
    print(f"   generate synthetic person: {costs['generate']:7.1f} us")
    print(f"   encrypt fields + documents: {costs['encrypt']:6.1f} us")
    print(
        f"   blind-index entries (tokens_for): {costs['index']:6.1f} us, of which normalizing + HMAC "
        f"{costs['index_values']:.1f} us and building PersonIndexToken objects the rest"
    )
    print(
        f"   total Python work: {costs['generate'] + costs['encrypt'] + costs['index']:.1f} us/person "
        f"vs {demo_s / persons * 1e6:.1f} us/person for the whole command"
    )
    if args.persons >= 100_000:
        verdict = "PASS" if demo_s / args.persons * 100_000 < 120 else "FAIL"
        print(f"target 100,000 persons under 120 s: {verdict} ({demo_s:.1f} s for {persons:,})")


if __name__ == "__main__":
    main()
