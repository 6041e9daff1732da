"""Benchmark: verifying the hash chain of the audit trail (`amparo audit verify`).

Fills a fresh benchmark database with N audit events whose chain is computed exactly as
``amparo.audit.services.audit_record`` computes it (same canonical form, same link hash, details
round-tripped through JSON), written with ``bulk_create`` in batches, then times ``audit_verify()``.

Baseline, measured in the same run: reading the same rows with one raw SQL SELECT (no ORM, no
hashing). The ratio verify/read says how much the verification adds to merely reading the table.

    .venv/bin/python bench/audit_verify.py --events 1000000
"""

from __future__ import annotations

import argparse
import datetime
import json
import random
import uuid

from _common import print_header, setup_django, timer

ACTIONS = [
    # action, target type, share
    ("person.search", "", 40),
    ("person.view", "person", 30),
    ("person.list", "", 10),
    ("person.create", "person", 8),
    ("person.edit", "person", 7),
    ("auth.login", "user", 4),
    ("auth.reauth", "user", 1),
]
FIELDS = [
    "seq",
    "created_at",
    "actor_id",
    "actor_username",
    "organization_id",
    "role",
    "action",
    "target_type",
    "target_id",
    "request_id",
    "details",
]
ROLES = ["caseworker", "supervisor", "investigator", "prosecutor", "consular_officer", "shelter_staff"]


def fake_event(rng: random.Random, seq: int, created: datetime.datetime) -> dict[str, object]:
    """The fields audit_record would store for a plausible event (codes and numbers only)."""
    action, target_type = rng.choices([(a, t) for a, t, _ in ACTIONS], [w for _, _, w in ACTIONS])[0]
    user_id = rng.randint(1, 400)
    details: dict[str, object] = {}
    target_id = ""
    if action == "person.search":
        details = {"name_words": rng.randint(1, 4), "by_document": rng.random() < 0.1, "results": rng.randint(0, 50)}
    elif action == "person.list":
        details = {"results": 20}
    elif target_type == "person":
        target_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        if action == "person.edit":
            details = {"fields": rng.sample(["given_names", "surnames", "phone", "address", "gender"], 2)}
    elif target_type == "user":
        target_id = str(user_id)
        details = {"device": "TOTPDevice"} if action == "auth.login" else {}
    return {
        "seq": seq,
        "created_at": created,
        "actor_id": user_id,
        "actor_username": f"user{user_id:04d}",
        "organization_id": rng.randint(1, 20),
        "role": rng.choice(ROLES),
        "action": action,
        "target_type": target_type,
        "target_id": target_id,
        "request_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "details": details,
    }


def fill(events: int, batch_size: int, seed: int, *, orm: bool) -> list[float]:
    """Append ``events`` chained events after the current head; returns [wall, CPU] seconds.

    ``orm``: write with ``bulk_create``. Otherwise the same INSERT goes through ``executemany`` with
    the values converted by the model fields themselves (``get_db_prep_save``), so the database holds
    exactly what ``bulk_create`` would have written, about four times faster on SQLite (Django limits
    a SQLite INSERT to 999 parameters, so ``bulk_create`` compiles one statement per 76 rows).
    """
    from django.db import connection, transaction

    from amparo.audit.chain import canonical, link_hash
    from amparo.audit.models import AuditEvent, AuditHead

    meta = AuditEvent._meta
    names = [*FIELDS, "prev_hash", "hash"]
    model_fields = [meta.get_field(n) for n in names]
    qn = connection.ops.quote_name
    sql = (
        f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(f.column) for f in model_fields)}) "  # type: ignore[union-attr]
        f"VALUES ({', '.join(['%s'] * len(model_fields))})"
    )
    created_field, details_field = meta.get_field("created_at"), meta.get_field("details")

    rng = random.Random(seed)
    head, _ = AuditHead.objects.get_or_create(pk=1)
    seq, prev = head.seq, head.hash
    created = datetime.datetime(2026, 1, 1, 8, 0, tzinfo=datetime.UTC)
    with timer() as elapsed:
        done = 0
        while done < events:
            objects, params = [], []
            for _ in range(min(batch_size, events - done)):
                seq += 1
                created += datetime.timedelta(microseconds=rng.randint(1, 30_000_000))
                fields = fake_event(rng, seq, created)
                fields["details"] = json.loads(json.dumps(fields["details"]))  # as audit_record does
                digest = link_hash(prev, canonical(**fields))  # type: ignore[arg-type]
                if orm:
                    objects.append(AuditEvent(prev_hash=prev, hash=digest, **fields))
                else:
                    row = [fields[n] for n in FIELDS]
                    row[1] = created_field.get_db_prep_save(created, connection)
                    row[10] = details_field.get_db_prep_save(fields["details"], connection)
                    params.append((*row, prev, digest))
                prev = digest
            with transaction.atomic():
                if orm:
                    AuditEvent.objects.bulk_create(objects)
                else:
                    with connection.cursor() as cursor:
                        cursor.executemany(sql, params)
            done += len(objects) + len(params)
        AuditHead.objects.filter(pk=1).update(seq=seq, hash=prev)
    return elapsed


def raw_read() -> tuple[int, list[float]]:
    """Baseline: stream every column of every event, ordered by seq, with one raw SELECT."""
    from django.db import connection, transaction

    count = 0
    with timer() as elapsed, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT seq, created_at, actor_id, actor_username, organization_id, role, action, target_type, "
            "target_id, request_id, details, prev_hash, hash FROM audit_auditevent ORDER BY seq"
        )
        while rows := cursor.fetchmany(20_000):
            count += len(rows)
    return count, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--batch-size", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=2008)
    parser.add_argument("--orm-fill", action="store_true", help="Fill with bulk_create (slower, same rows).")
    parser.add_argument("--reuse", action="store_true", help="Keep the existing benchmark database and append.")
    args = parser.parse_args()

    setup_django("audit", fresh=not args.reuse)
    from amparo.audit.models import AuditEvent
    from amparo.audit.services import _iter_events, audit_verify

    print_header(f"audit_verify: {args.events:,} events")
    fill_t = fill(args.events, args.batch_size, args.seed, orm=args.orm_fill)
    total = AuditEvent.objects.count()
    how = "bulk_create" if args.orm_fill else "executemany"
    report(f"fill (chain + {how})", args.events, "events", fill_t)

    reads = [raw_read() for _ in range(2)]  # the first also warms the page cache
    read_n, read_t = min(reads, key=lambda r: r[1][0])
    report("baseline raw SELECT", read_n, "rows", read_t, f"runs: {', '.join(f'{t[0]:.2f}' for _, t in reads)} s")

    with timer() as orm_t:
        orm_n = sum(1 for _ in _iter_events())
    report("ORM read (verify's paging)", orm_n, "rows", orm_t)

    with timer() as verify_t:
        result = audit_verify()
    if not result.ok:
        raise SystemExit(f"Verification failed: {result}")
    report("audit_verify()", result.checked, "events", verify_t, f"ok={result.ok}")
    print(f"ratio verify / raw read:     {verify_t[0] / read_t[0]:.1f}x wall, {verify_t[1] / read_t[1]:.1f}x CPU")
    print(f"ratio ORM read / raw read:   {orm_t[0] / read_t[0]:.1f}x wall, {orm_t[1] / read_t[1]:.1f}x CPU")
    if total >= 1_000_000:
        verdict = "PASS" if verify_t[0] < 60 else "FAIL"
        print(f"target 1,000,000 events under 60 s: {verdict} ({verify_t[0]:.1f} s for {total:,})")


def report(label: str, count: int, unit: str, t: list[float], note: str = "") -> None:
    print(
        f"{label + ':':<29}{count:>10,} {unit:<6} in {t[0]:7.2f} s ({count / t[0]:>9,.0f} {unit}/s; CPU {t[1]:6.2f} s)"
        + (f"  [{note}]" if note else "")
    )


if __name__ == "__main__":
    main()
