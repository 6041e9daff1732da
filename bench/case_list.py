"""Benchmark: the case list (50 rows with decrypted names) and name search at 500,000 cases.

Fills its own database with `amparo demo-data` (persons, and cases at every stage for 100% of them) unless it
already holds at least the requested number of cases, then measures, interleaved, as a supervisor of one
institution (who sees all its cases, the widest list):
  * the whole page through the app: GET /cases/?scope=all (and &after=<cursor> for the second page) with the
    Django test client: middleware, session, two-factor check, selector, audit event, decryption, template;
  * the same with a name filter (blind-index search of the victim's name);
  * baseline: the equivalent raw SQL (the keyset query joined to the persons, returning the ciphertexts; for
    the name search, the same institution-scoped index lookup, and the former lookup across institutions);
  * the CPU time of the app requests (time.process_time), which waiting for a busy shared CPU does not inflate;
  * the selector alone without decryption, and the decryption of 50 names alone, and one audit event alone,
    to show what decryption and auditing add per request;
  * the app's own query time: the statements each app request ran to read the list's rows (captured with a
    ``connection.execute_wrapper``: the ORM's SQL for the page, or for the name search with its index
    lookup, merge-following and witness exclusion) are executed again as raw SQL and every row fetched. Its
    ratio to the hand-written raw SQL is the cost of the app's queries against the best query for the same
    rows; the rest of a request (session, user, second factor, ORM objects, decryption, audit, template) is
    what the other rows measure.

    .venv/bin/python bench/case_list.py --cases 500000
"""

from __future__ import annotations

import argparse
import random
import re
import time
import uuid
from typing import Any

from _common import print_header, setup_django, summary_ms

RAW_PAGE = """
SELECT c.id, c.number, c.status, c.trafficking_status, c.risk_level, c.priority, c.opened_at,
       p.given_names, p.surnames, p.id
FROM cases_case c JOIN people_person p ON p.id = c.person_id
WHERE c.owner_org_id = %s
ORDER BY c.opened_at DESC, c.id DESC
LIMIT 51
"""
# What the app's name filter runs: entries of the institution (owner_org is kept in the index entry) matching
# at least half the words, then that institution's cases of those persons, newest first.
RAW_NAME = """
SELECT c.id, c.number, c.status, c.trafficking_status, c.opened_at, p.given_names, p.surnames
FROM cases_case c JOIN people_person p ON p.id = c.person_id
WHERE c.owner_org_id = %s AND c.person_id IN (
    SELECT t.person_id FROM people_personindextoken t
    WHERE t.owner_org_id = %s AND t.kind = 2 AND t.value IN ({values})
    GROUP BY t.person_id HAVING COUNT(DISTINCT t.value) >= %s)
ORDER BY c.opened_at DESC, c.id DESC
LIMIT 51
"""
# The former query (before the institution was kept in the index entry): every institution's entries.
RAW_NAME_ALL_ORGS = """
SELECT c.id, c.number, c.status, c.trafficking_status, c.opened_at, p.given_names, p.surnames
FROM cases_case c JOIN people_person p ON p.id = c.person_id
WHERE c.owner_org_id = %s AND c.person_id IN (
    SELECT t.person_id FROM people_personindextoken t WHERE t.kind = 2 AND t.value IN ({values}))
ORDER BY c.opened_at DESC, c.id DESC
LIMIT 51
"""


def ensure_cases(cases: int, seed: int) -> None:
    from django.core.management import call_command

    from amparo.cases.models import Case

    have = Case.objects.count()
    if have >= cases:
        print(f"   reusing {have} cases")
        _ensure_statistics()
        return
    # Demo institutions with case owners get cases; about 7 of 9 registering institutions have one.
    persons = int(cases / 0.78) + 1000
    print(f"   filling: amparo demo-data --persons {persons} --cases-share 1.0 (takes several minutes)")
    started = time.perf_counter()
    call_command("demo_data", persons=persons, seed=seed, cases_share=1.0, batch_size=5000, verbosity=0)
    print(f"   filled in {time.perf_counter() - started:.0f} s: {Case.objects.count()} cases")


def _ensure_statistics() -> None:
    """demo-data refreshes the planner's statistics after loading (ANALYZE); a database filled before it did
    gets them here, as any bulk-loaded SQLite database should."""
    from django.db import connection

    from amparo.people.management.commands.demo_data import refresh_planner_statistics

    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if cur.fetchone()[0]:
            cur.execute("SELECT count(*) FROM sqlite_stat1")
            if cur.fetchone()[0]:
                return
    started = time.perf_counter()
    refresh_planner_statistics()
    print(f"   planner statistics were missing: ANALYZE took {time.perf_counter() - started:.0f} s")


class StatementTimer:
    """Records every SQL statement Django runs while installed (``connection.execute_wrapper``)."""

    def __init__(self) -> None:
        self.statements: list[tuple[str, Any, float]] = []

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        t = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            # Execution only: SQLite steps through the rows as they are fetched, which the wrapper cannot see.
            self.statements.append((sql, params, time.perf_counter() - t))

    def list_statements(self) -> list[tuple[str, Any]]:
        return [(sql, params) for sql, params, _t in self.statements if is_list_query(sql)]


def is_list_query(sql: str) -> bool:
    """A statement that reads the list's rows: its outer FROM is the cases table (the page, the name search).
    The overdue-tasks box reads FROM the tasks table, the audit insert writes: neither counts."""
    first = re.search(r'\bFROM\s+"?(\w+)"?', sql)
    return bool(first) and first.group(1) == "cases_case" and sql.lstrip().upper().startswith("SELECT")


def replay(statements: list[tuple[str, Any]]) -> float:
    """Time to execute the app's own list statements again and fetch every row, as raw SQL (no ORM)."""
    from django.db import connection

    t = time.perf_counter()
    with connection.cursor() as cur:
        for sql, params in statements:
            cur.execute(sql, params)
            cur.fetchall()
    return time.perf_counter() - t


def supervisor_client() -> tuple[Any, Any, int]:
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY

    from amparo.accounts.actor import Actor
    from amparo.accounts.models import User

    user = User.objects.get(username="beto.supervisor")
    membership = user.memberships.get()
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = user.totpdevice_set.get().persistent_id
    session.save()
    return client, Actor(user=user, membership=membership), membership.organization_id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=500_000)
    parser.add_argument("--seed", type=int, default=2008)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--show-statements", action="store_true", help="print the statements of one page request")
    args = parser.parse_args()
    import os

    os.environ.setdefault("SECURE_COOKIES", "0")  # the test client speaks plain HTTP
    setup_django("cases", fresh=False)
    from django.core.management import call_command
    from django.db import connection, transaction

    from amparo.audit.services import audit_record
    from amparo.cases.models import Case
    from amparo.cases.selectors import CaseFilters, case_queryset
    from amparo.core.crypto import decrypt
    from amparo.core.fields import associated_data
    from amparo.core.normalize import name_words, phonetic_word
    from amparo.people.indexing import query_tokens
    from amparo.people.models import IndexKind, Person

    call_command("collectstatic", interactive=False, verbosity=0)  # production static storage needs its manifest
    print_header(f"Case list and name search, {args.cases} cases")
    ensure_cases(args.cases, args.seed)
    client, actor, org_id = supervisor_client()
    org_cases = Case.objects.filter(owner_org_id=org_id).count()
    print(f"   acting as a supervisor of an institution with {org_cases} cases (all visible to them)")
    names = [
        f"{c.person.given_names.split()[0]} {c.person.surnames.split()[0]}"
        for c in Case.objects.filter(owner_org_id=org_id).select_related("person").order_by("?")[:50]
    ]
    rng = random.Random(args.seed)
    timings: dict[str, list[float]] = {
        k: []
        for k in (
            "app page 1",
            "app page 2",
            "app name search",
            "app page 1, CPU time",
            "app name search, CPU time",
            "raw SQL page",
            "raw SQL name search",
            "raw SQL search, all orgs",
            "selector page, no decryption",
            "decrypt 50 names",
            "one audit event",
            "raw SQL page + decrypt names",
            "selector call (ORM, decrypt, audit)",
            "app page 1: its list SQL, replayed raw",
            "app name search: its SQL, replayed raw",
        )
    }
    statement_counts: dict[str, int] = {}
    first = client.get("/cases/?scope=all")
    assert first.status_code == 200, first.status_code
    if args.show_statements:
        timer = StatementTimer()
        with connection.execute_wrapper(timer):
            client.get("/cases/?scope=all")
        for sql, _params, elapsed in timer.statements:
            kind = "list " if is_list_query(sql) else "other"
            print(f"   {kind} {elapsed * 1000:7.3f} ms  {' '.join(sql.split())[:160]}")
    from amparo.cases.selectors import case_list

    cursor = case_list(actor=actor, filters=CaseFilters(scope="all")).next_cursor
    for _ in range(args.rounds):
        name = rng.choice(names)
        timer = StatementTimer()
        t, cpu = time.perf_counter(), time.process_time()
        with connection.execute_wrapper(timer):
            response = client.get("/cases/?scope=all")
        timings["app page 1"].append(time.perf_counter() - t)
        timings["app page 1, CPU time"].append(time.process_time() - cpu)
        assert response.status_code == 200
        statement_counts["page 1"] = len(timer.statements)
        timings["app page 1: its list SQL, replayed raw"].append(replay(timer.list_statements()))
        t = time.perf_counter()
        client.get(f"/cases/?scope=all&after={cursor}")
        timings["app page 2"].append(time.perf_counter() - t)
        timer = StatementTimer()
        t, cpu = time.perf_counter(), time.process_time()
        with connection.execute_wrapper(timer):
            found = client.get("/cases/", {"scope": "all", "name": name})
        timings["app name search"].append(time.perf_counter() - t)
        timings["app name search, CPU time"].append(time.process_time() - cpu)
        statement_counts["name search"] = len(timer.statements)
        timings["app name search: its SQL, replayed raw"].append(replay(timer.list_statements()))
        assert found.status_code == 200 and b'<td class="nowrap"><a href="/cases/' in found.content, name
        t = time.perf_counter()
        with connection.cursor() as cur:
            cur.execute(RAW_PAGE, [org_id])
            cur.fetchall()
        timings["raw SQL page"].append(time.perf_counter() - t)
        t = time.perf_counter()
        words = {phonetic_word(w) for w in name_words(name)}
        values = sorted(query_tokens(IndexKind.NAME_PHONETIC, words))
        placeholders = ",".join(["%s"] * len(values))
        with connection.cursor() as cur:
            cur.execute(RAW_NAME.format(values=placeholders), [org_id, org_id, *values, max(1, (len(words) + 1) // 2)])
            cur.fetchall()
        timings["raw SQL name search"].append(time.perf_counter() - t)
        t = time.perf_counter()
        with connection.cursor() as cur:
            cur.execute(RAW_NAME_ALL_ORGS.format(values=placeholders), [org_id, *values])
            cur.fetchall()
        timings["raw SQL search, all orgs"].append(time.perf_counter() - t)
        t = time.perf_counter()
        rows = list(
            case_queryset(actor, CaseFilters(scope="all")).select_related("person").order_by("-opened_at", "-id")[:51]
        )
        timings["selector page, no decryption"].append(time.perf_counter() - t)
        t = time.perf_counter()
        for case in rows[:50]:
            _ = (case.person.given_names, case.person.surnames)
        timings["decrypt 50 names"].append(time.perf_counter() - t)
        t = time.perf_counter()
        with transaction.atomic():
            audit_record(actor=actor, action="bench.case_list", details={"results": 50})
        timings["one audit event"].append(time.perf_counter() - t)
        # The same result as the selector's (50 rows with the names in clear), by hand: raw SQL, then the
        # AES-GCM decryption of the two name columns with the associated data the fields bind.
        t = time.perf_counter()
        with connection.cursor() as cur:
            cur.execute(RAW_PAGE, [org_id])
            raw_rows = cur.fetchall()
        clear = []
        for row in raw_rows[:50]:
            pk = uuid.UUID(str(row[9]))
            columns = [("given_names", row[7]), ("surnames", row[8])]
            clear.append(
                [
                    decrypt(token, purpose=f"people_person.{col}", aad=associated_data(Person, col, pk))
                    for col, token in columns
                    if token
                ]
            )
        timings["raw SQL page + decrypt names"].append(time.perf_counter() - t)
        t = time.perf_counter()
        page = case_list(actor=actor, filters=CaseFilters(scope="all"))
        shown = [(c.number, c.person.given_names, c.person.surnames) for c in page.cases]
        timings["selector call (ORM, decrypt, audit)"].append(time.perf_counter() - t)
        assert len(shown) == len(clear) == 50
    for label, values in timings.items():
        print(f"   {label:<36} {summary_ms(values)}")
    import statistics

    def p95(key: str) -> float:
        ordered = sorted(timings[key])
        return ordered[int(0.95 * (len(ordered) - 1))]

    print(f"   ratio app page 1 / raw SQL page (p95):        {p95('app page 1') / p95('raw SQL page'):6.1f}x")
    print(
        f"   ratio app name search / raw SQL search (p95): {p95('app name search') / p95('raw SQL name search'):6.1f}x"
    )
    print(
        "   ratio the app's list SQL / hand-written raw SQL, page 1 (p95): "
        f"{p95('app page 1: its list SQL, replayed raw') / p95('raw SQL page'):6.1f}x"
    )
    print(
        "   ratio the app's SQL / hand-written raw SQL, name search (p95): "
        f"{p95('app name search: its SQL, replayed raw') / p95('raw SQL name search'):6.1f}x"
    )
    print(f"   statements per request: {statement_counts}")
    print(
        "   ratio selector call / (raw SQL + decryption) (p95): "
        f"{p95('selector call (ORM, decrypt, audit)') / p95('raw SQL page + decrypt names'):6.1f}x"
    )
    print(
        f"   decryption + audit per page (mean): "
        f"{(statistics.fmean(timings['decrypt 50 names']) + statistics.fmean(timings['one audit event'])) * 1000:.2f}"
        " ms"
    )


if __name__ == "__main__":
    main()
