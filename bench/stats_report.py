"""Benchmark: the statistics dashboard and the annual report at 1,000,000 victims and 200,000 justice records.

Fills its own database directly (bulk INSERTs into the tables, not through the services: names are a
placeholder that is not a valid ciphertext, since statistics never decrypt): N persons with a victim case
each (every trafficking status, sex, CTDC age group, nationality, form of exploitation), one exploitation
event per case, N/10 referrals, a few thousand shelter placements, trainings, and J justice records
(complaints, the part of the justice app that has landed). Then, as the SVET statistician, measured:
  * the whole dashboard (every chart, through the selectors and disclosure control) and GET /stats/;
  * the whole annual report (build_report) and its PDF;
  * the same dashboard and report computed directly from the records (`facts.direct_path()`), as before the
    statistics table existed;
  * baseline: the same aggregates as hand-written SQL over the records (one GROUP BY per chart).
The statistics table is rebuilt after the fill (timed: the fill bypasses the services that keep it current).

    .venv/bin/python bench/stats_report.py --victims 1000000 --justice 200000
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import time
import uuid
from typing import Any

from _common import print_header, setup_django, summary_ms

AGE_GROUPS = ["0-8", "9-17", "18-20", "21-23", "24-26", "27-29", "30-38", "39-47", "48+", ""]
GENDERS = ["Feminine", "Feminine", "Masculine", "NonSpecifiedUnknown", "TransgenderFeminine"]
NATIONS = ["GT"] * 6 + ["HN", "SV", "MX", "NI", "CO", "CN"]
FORMS = ["SexualExploitation", "ForcedLabour", "ForcedBegging", "ForcedMarriage", "ForcedAdoption", "Other"]
STATUSES = ["confirmed", "confirmed", "presumed", "possible", "not_a_victim"]
DEPARTMENTS = [f"{i:02d}" for i in range(1, 23)]


def _insert(model: Any, rows: list[dict[str, Any]]) -> None:
    """INSERT plain rows into a model's table: every column its default, unless the row gives it."""
    from django.db import connection

    fields = [f for f in model._meta.concrete_fields]
    defaults: dict[str, Any] = {}
    for f in fields:
        if getattr(f, "is_encrypted", False) or type(f).__name__.startswith("Encrypted"):
            defaults[f.column] = "bench:not-a-ciphertext"
        else:
            defaults[f.column] = f.get_db_prep_save(f.get_default(), connection)
    columns = [f.column for f in fields]
    by_column = {f.column: f for f in fields}
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    sql = f"INSERT INTO {model._meta.db_table} ({quoted}) VALUES ({', '.join(['%s'] * len(columns))})"
    values = []
    for row in rows:
        values.append([by_column[c].get_db_prep_save(row[c], connection) if c in row else defaults[c] for c in columns])
    with connection.cursor() as cursor:
        cursor.executemany(sql, values)


def fill(victims: int, justice: int, seed: int) -> None:
    from django.db import transaction
    from django.utils import timezone

    from amparo.accounts.demo import ensure_demo_accounts
    from amparo.accounts.models import User
    from amparo.capacity.demo import load as load_capacity
    from amparo.cases.models import Case, TraffickingEvent
    from amparo.organizations.models import Organization
    from amparo.people.models import Person
    from amparo.referrals.models import Placement, Referral, Shelter, ShelterBeds

    existing = Case.objects.count()
    if existing >= victims and Referral.objects.exists():
        print(f"   reusing {existing} cases")
        return
    ensure_demo_accounts()
    rng = random.Random(seed)
    orgs = list(Organization.objects.filter(code__in=["casa-alianza", "sbs", "pgn", "minex", "sobrevivientes"]))
    owner = User.objects.get(username="ana.caseworker").pk
    now = timezone.now()
    started = time.perf_counter()
    batch = 50_000
    case_ids: list[uuid.UUID] = list(Case.objects.values_list("id", flat=True))  # resume an interrupted fill
    if existing:
        print(f"   resuming after {existing} cases", flush=True)
    for offset in range(existing, victims, batch):
        people, cases, events = [], [], []
        for i in range(offset, min(victims, offset + batch)):
            pid, cid = uuid.uuid4(), uuid.uuid4()
            org = orgs[i % len(orgs)]
            opened = now - datetime.timedelta(minutes=rng.randint(0, 15 * 365 * 24 * 60))
            forms = rng.sample(FORMS, rng.choice([0, 1, 1, 1, 2]))
            people.append(
                {
                    "id": pid,
                    "owner_org_id": org.pk,
                    "created_at": opened,
                    "updated_at": opened,
                    "gender": rng.choice(GENDERS),
                    "nationalities": [rng.choice(NATIONS)] if rng.random() < 0.95 else [],
                }
            )
            cases.append(
                {
                    "id": cid,
                    "number": f"B-{i}",
                    "person_id": pid,
                    "owner_org_id": org.pk,
                    "owner_id": owner,
                    "status": "assistance",
                    "trafficking_status": rng.choice(STATUSES),
                    "age_group": rng.choice(AGE_GROUPS),
                    "forms_index": "|" + "|".join(sorted(forms)) + "|" if forms else "",
                    "opened_at": opened,
                }
            )
            if forms:
                events.append(
                    {
                        "id": uuid.uuid4(),
                        "case_id": cid,
                        "kind": "exploitation",
                        "country": "GT",
                        "department": rng.choice(DEPARTMENTS),
                        "forms": sorted(forms),
                        "means_of_control": [],
                        "created_at": opened,
                    }
                )
            case_ids.append(cid)
        with transaction.atomic():
            _insert(Person, people)
            _insert(Case, cases)
            _insert(TraffickingEvent, events)
        print(f"   {offset + len(cases)} victims ({time.perf_counter() - started:.0f} s)", flush=True)
    referrals = []
    statuses = ["sent", "accepted", "declined", "completed", "cancelled", "ended"]
    for _ in range(victims // 10):
        sent = now - datetime.timedelta(minutes=rng.randint(0, 5 * 365 * 24 * 60))
        status = rng.choice(statuses)
        referrals.append(
            {
                "id": uuid.uuid4(),
                "case_id": rng.choice(case_ids),
                "from_org_id": orgs[0].pk,
                "to_org_id": orgs[1].pk,
                "service_type": rng.choice(["shelter", "psychological", "legal"]),
                "legal_basis": "override",
                "shared_sections": ["identity"],
                "status": status,
                "respond_by": (sent + datetime.timedelta(days=3)).date(),
                "sent_by_id": owner,
                "sent_at": sent,
                "responded_at": None if status == "sent" else sent + datetime.timedelta(days=rng.randint(0, 6)),
            }
        )
    shelter = Shelter.objects.create(organization=orgs[1], name="Bench shelter", department="01")
    ShelterBeds.objects.create(shelter=shelter, category="girls", beds=5000)
    placements = [
        {
            "id": uuid.uuid4(),
            "shelter_id": shelter.pk,
            "category": "girls",
            "case_id": rng.choice(case_ids),
            "court": "Juzgado",
            "order_date": (now - datetime.timedelta(days=30)).date(),
            "order_end": (now + datetime.timedelta(days=60)).date(),
            "admitted_at": now - datetime.timedelta(days=rng.randint(0, 700)),
            "admitted_by_id": owner,
            "discharged_at": None if rng.random() < 0.5 else now,
        }
        for _ in range(3000)
    ]
    with transaction.atomic():
        for start in range(0, len(referrals), 50_000):
            _insert(Referral, referrals[start : start + 50_000])
        _insert(Placement, placements)
    _fill_justice(justice, rng, now, owner)
    load_capacity(timezone.localdate())
    print(f"   filled in {time.perf_counter() - started:.0f} s", flush=True)


def _fill_justice(count: int, rng: random.Random, now: Any, owner: int) -> None:
    from django.apps import apps
    from django.db import transaction

    if not apps.is_installed("amparo.justice") or not count:
        return
    from amparo.justice.models import Complaint
    from amparo.organizations.models import Organization

    mp = Organization.objects.get(code="mp")
    rows = [
        {
            "id": uuid.uuid4(),
            "number": f"BJ-{i}",
            "received_on": (now - datetime.timedelta(days=rng.randint(0, 15 * 365))).date(),
            "source": rng.choice(["hotline", "walk_in", "police", "institution", "ex_officio"]),
            "receiving_org_id": mp.pk,
            "recorded_by_org_id": mp.pk,
            "created_by_id": owner,
            "created_at": now,
        }
        for i in range(count)
    ]
    with transaction.atomic():
        for start in range(0, len(rows), 50_000):
            _insert(Complaint, rows[start : start + 50_000])


RAW = {
    "victims by year": """SELECT strftime('%%Y', opened_at), COUNT(*) FROM cases_case
        WHERE trafficking_status IN ('presumed','confirmed') AND opened_at >= %s AND opened_at < %s GROUP BY 1""",
    "victims by sex x age": """SELECT p.gender, c.age_group, COUNT(*) FROM cases_case c
        JOIN people_person p ON p.id = c.person_id
        WHERE c.trafficking_status IN ('presumed','confirmed') AND c.opened_at >= %s AND c.opened_at < %s
        GROUP BY 1, 2""",
    "victims by nationality": """SELECT p.nationalities, COUNT(*) FROM cases_case c
        JOIN people_person p ON p.id = c.person_id
        WHERE c.trafficking_status IN ('presumed','confirmed') AND c.opened_at >= %s AND c.opened_at < %s
        GROUP BY 1""",
    "victims by form": "SELECT "
    + ", ".join(f"SUM(forms_index LIKE '%%|{f}|%%')" for f in FORMS)
    + """ FROM cases_case WHERE trafficking_status IN ('presumed','confirmed') AND opened_at >= %s
        AND opened_at < %s""",
    "victims by department": """SELECT e.department, COUNT(DISTINCT e.case_id) FROM cases_traffickingevent e
        JOIN cases_case c ON c.id = e.case_id WHERE e.kind = 'exploitation' AND e.department <> ''
        AND c.trafficking_status IN ('presumed','confirmed') AND c.opened_at >= %s AND c.opened_at < %s
        GROUP BY 1""",
    "cases by status": """SELECT trafficking_status, COUNT(*) FROM cases_case WHERE opened_at >= %s
        AND opened_at < %s GROUP BY 1""",
    "referrals by status": """SELECT status, COUNT(*) FROM referrals_referral WHERE sent_at >= %s
        AND sent_at < %s GROUP BY 1""",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--victims", type=int, default=1_000_000)
    parser.add_argument("--justice", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=2011)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("SECURE_COOKIES", "0")
    setup_django("stats_report", fresh=False)
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from amparo.accounts.actor import Actor
    from amparo.accounts.models import User
    from amparo.cases.models import Case
    from amparo.stats import facts, publish
    from amparo.stats.aggregates import Filters
    from amparo.stats.report import build_report
    from amparo.stats.report_export import report_pdf

    call_command("collectstatic", interactive=False, verbosity=0)
    print_header(f"Statistics: dashboard and annual report, {args.victims} victims, {args.justice} justice records")
    fill(args.victims, args.justice, args.seed)
    build = facts.freshness()
    if build is None or build.cases != Case.objects.count():
        t, c = time.perf_counter(), time.process_time()
        build = facts.rebuild()
        print(
            f"   statistics table rebuilt: {build.cases} cases -> {build.cells} cells in "
            f"{time.perf_counter() - t:.1f} s (CPU {time.process_time() - c:.1f} s)",
            flush=True,
        )
    else:
        print(f"   statistics table reused: {build.cases} cases -> {build.cells} cells (built in {build.seconds} s)")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    user = User.objects.get(username="julia.statistician")
    actor = Actor(user=user, membership=user.memberships.get())
    client = Client()
    client.force_login(user)
    # 15 years of data: the dashboard over all of it, and the report of the last complete period
    all_years = Filters(
        publish.Period(timezone.localdate().replace(year=timezone.localdate().year - 15), timezone.localdate())
    )
    period = publish.reporting_period(timezone.localdate(), complete=True)
    report_filters = Filters(period)
    start, end = all_years.period.aware_bounds()
    print(f"   identified victims over 15 years: {build_report(all_years, threshold=11).sections[0].facts[0].value}")
    timings: dict[str, list[float]] = {
        k: []
        for k in (
            "dashboard, 15 years (selectors)",
            "dashboard, 1 period (selectors)",
            "GET /stats/ (1 period)",
            "annual report (build)",
            "annual report PDF",
            "dashboard, 1 period (direct path)",
            "annual report (direct path)",
            "raw SQL, 15 years (7 GROUP BYs)",
            "raw SQL, 1 period (7 GROUP BYs)",
        )
    }

    def dashboard(f: Filters) -> None:
        for key in publish.DASHBOARD:
            publish.chart(key, f)

    def direct(call: Any) -> Any:
        with facts.direct_path():
            return call()

    def raw(bounds: tuple[Any, Any]) -> None:
        with connection.cursor() as cursor:
            for sql in RAW.values():
                cursor.execute(sql, [bounds[0], bounds[1]])
                cursor.fetchall()

    for _ in range(args.rounds):
        for label, call in (
            ("dashboard, 15 years (selectors)", lambda: dashboard(all_years)),
            ("dashboard, 1 period (selectors)", lambda: dashboard(report_filters)),
            ("GET /stats/ (1 period)", lambda: client.get(f"/stats/?start={period.start}&end={period.end}")),
            ("annual report (build)", lambda: build_report(report_filters, actor=actor)),
            ("annual report PDF", lambda: report_pdf(build_report(report_filters, actor=actor))),
            ("dashboard, 1 period (direct path)", lambda: direct(lambda: dashboard(report_filters))),
            ("annual report (direct path)", lambda: direct(lambda: build_report(report_filters, actor=actor))),
            ("raw SQL, 15 years (7 GROUP BYs)", lambda: raw((start, end))),
            ("raw SQL, 1 period (7 GROUP BYs)", lambda: raw(report_filters.period.aware_bounds())),
        ):
            t = time.perf_counter()
            result = call()
            timings[label].append(time.perf_counter() - t)
            if label.startswith("GET"):
                assert result.status_code == 200, result.status_code  # type: ignore[union-attr]
    for label, values in timings.items():
        print(f"   {label:<34} {summary_ms(values)}")


if __name__ == "__main__":
    main()
