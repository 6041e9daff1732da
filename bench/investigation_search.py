"""Benchmark: investigation search (``amparo.justice.selectors.investigation_search``) at N files.

Fills its own database (bench dir, ``investigations.sqlite3``, or DATABASE_URL) with N synthetic
investigation files: 300 prosecutors and investigators (MP, PNC) plus the demo prosecutor, each file
with a lead and two team members, one place (encrypted name, blind index) and one or two suspects drawn
from a pool of registered persons (people's phonetic blind index). The demo prosecutor
``gloria.prosecutor`` is on the team of about 10% of the files and searches as herself.

Measured per round, interleaved, for four searches (no filter: the newest 50 of her files; by file
number; by suspect name; by place name):
  * app: ``investigation_search()`` (team scoping, the filter, the page of 50, the total, one audit event);
  * baseline: the same page and total in raw SQL (same visibility rule, same blind-index lookups);
  * for the place name, also the raw SQL of the earlier shape (an EXISTS per visible file).
And the HTML screen ``GET /justice/?suspect_name=...`` through the test client.

    .venv/bin/python bench/investigation_search.py --files 100000
"""

from __future__ import annotations

import argparse
import datetime
import random
import time
from typing import Any

from _common import print_header, reset_database, setup_django, summary_ms

VISIBLE = "i.id IN (SELECT m.investigation_id FROM justice_investigationmember m WHERE m.user_id = %s)"
PAGE = """SELECT i.id, i.number, i.mp_file_number, i.status, i.opened_on FROM justice_investigation i
WHERE {v} AND {f} ORDER BY i.opened_on DESC, i.created_at DESC LIMIT 50"""
COUNT = "SELECT COUNT(*) FROM justice_investigation i WHERE {v} AND {f}"
FILTERS = {
    "all": "1 = 1",
    "file number": "(i.mp_file_number = %s OR i.number = %s)",
    "suspect name": """EXISTS (SELECT 1 FROM justice_suspect s WHERE s.investigation_id = i.id AND s.person_id IN (
        SELECT t.person_id FROM people_personindextoken t WHERE t.kind = 2 AND t.value IN ({values})
        GROUP BY t.person_id HAVING COUNT(DISTINCT t.value) >= %s))""",
    # The place blind index first (one indexed lookup), then the visible files among those places.
    "place name": "i.id IN (SELECT p.investigation_id FROM justice_place p WHERE p.name_index = %s)",
}
# The shape the app used before (an EXISTS per visible file), timed too for comparison.
PLACE_EXISTS = "EXISTS (SELECT 1 FROM justice_place p WHERE p.investigation_id = i.id AND p.name_index = %s)"
PLACE_WORDS = ["Bar", "Centro nocturno", "Finca", "Agencia", "Casa", "Cantina", "Club", "Hotel"]
PLACE_NAMES = ["El Mirador", "La Gaviota", "Los Naranjales", "Horizonte", "La Estrella", "El Paraíso", "San Juan"]


def fill(files: int, seed: int) -> None:
    from django.db import transaction

    from amparo.accounts.demo import ensure_demo_accounts
    from amparo.accounts.models import Membership, User
    from amparo.justice.models import Investigation, InvestigationMember, Place, Suspect
    from amparo.justice.services import place_name_index
    from amparo.organizations.models import Organization
    from amparo.people.demo import generate
    from amparo.people.indexing import bulk_insert_tokens
    from amparo.people.models import Person

    reset_database()
    ensure_demo_accounts()
    rng = random.Random(seed)
    mp, pnc = Organization.objects.get(code="mp"), Organization.objects.get(code="pnc")
    users = User.objects.bulk_create(User(username=f"bench.justice.{n}") for n in range(300))
    Membership.objects.bulk_create(
        Membership(user=u, organization=mp if n % 2 else pnc, role="prosecutor" if n % 2 else "investigator")
        for n, u in enumerate(users)
    )
    gloria = User.objects.get(username="gloria.prosecutor")
    today = datetime.date(2026, 1, 1)
    pool_size = max(2000, files // 5)
    started = time.perf_counter()
    persons = []
    for start in range(0, pool_size, 5000):
        batch = list(generate(min(5000, pool_size - start), seed + start, [mp.pk], today))
        Person.objects.bulk_create([item.person for item in batch])
        bulk_insert_tokens((item.person, []) for item in batch)
        persons.extend(item.person.pk for item in batch)
    print(f"   {len(persons)} persons in {time.perf_counter() - started:.0f} s")
    place_names = [f"{w} {n} {k}" for w in PLACE_WORDS for n in PLACE_NAMES for k in range(40)]
    indexes = {name: place_name_index(name) for name in place_names}
    started = time.perf_counter()
    statuses = ["open", "prosecution", "trial", "judgment", "closed"]
    for start in range(0, files, 5000):
        with transaction.atomic():
            investigations = []
            members = []
            places = []
            suspects = []
            for n in range(start, min(files, start + 5000)):
                opened = today - datetime.timedelta(days=rng.randint(0, 3650))
                team = rng.sample(users, 3)
                inv = Investigation(
                    number=f"MP-INV-{opened.year}-{n:06d}",
                    owner_org=mp,
                    mp_file_number=f"MP001-{opened.year}-{n}",
                    summary="Expediente sintético",
                    status=rng.choice(statuses),
                    opened_on=opened,
                    lead=team[0],
                )
                investigations.append(inv)
                members += [InvestigationMember(investigation=inv, user=u, team_role="investigator") for u in team]
                if rng.random() < 0.1:
                    members.append(InvestigationMember(investigation=inv, user=gloria, team_role="prosecutor"))
                name = rng.choice(place_names)
                place = Place(investigation=inv, place_type="bar", name=name, name_index=indexes[name])
                places.append(place)
                for _ in range(rng.randint(1, 2)):
                    suspects.append(
                        Suspect(
                            investigation=inv,
                            kind="individual",
                            person_id=rng.choice(persons),
                            role_in_process="Exploiter",
                        )
                    )
            Investigation.objects.bulk_create(investigations)
            InvestigationMember.objects.bulk_create(members)
            Place.objects.bulk_create(places)
            Suspect.objects.bulk_create(suspects)
    print(f"   {files} files in {time.perf_counter() - started:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2009)
    parser.add_argument("--rounds", type=int, default=100)
    args = parser.parse_args()
    import os

    os.environ.setdefault("SECURE_COOKIES", "0")
    setup_django("investigations", fresh=False)
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY

    from amparo.accounts.actor import Actor
    from amparo.accounts.models import User
    from amparo.core.normalize import name_words, phonetic_word
    from amparo.justice.models import Investigation, Suspect
    from amparo.justice.selectors import InvestigationFilters, investigation_search
    from amparo.justice.services import place_name_index
    from amparo.people.indexing import query_tokens
    from amparo.people.models import IndexKind

    call_command("collectstatic", interactive=False, verbosity=0)
    print_header(f"Investigation search, {args.files} files")
    if Investigation.objects.count() != args.files:
        print("   filling the database (bulk, synthetic)")
        fill(args.files, args.seed)
    else:
        print(f"   reusing {args.files} files")
    user = User.objects.get(username="gloria.prosecutor")
    actor = Actor(user=user, membership=user.memberships.get())
    mine = list(Investigation.objects.filter(team__user=user).values_list("pk", "mp_file_number").order_by("pk")[:2000])
    print(
        f"   acting as gloria.prosecutor, on the team of {Investigation.objects.filter(team__user=user).count()} files"
    )
    rng = random.Random(args.seed)
    samples = []
    for pk, file_number in rng.sample(mine, min(len(mine), 200)):
        suspect = Suspect.objects.filter(investigation_id=pk).select_related("person").first()
        place = Investigation.objects.get(pk=pk).places.first()
        assert suspect is not None and suspect.person is not None and place is not None
        name = f"{suspect.person.given_names.split()[0]} {suspect.person.surnames.split()[0]}"
        samples.append((pk, file_number, name, place.name))
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = user.totpdevice_set.get().persistent_id
    session.save()
    timings: dict[str, list[float]] = {}

    def record(label: str, started: float) -> None:
        timings.setdefault(label, []).append(time.perf_counter() - started)

    for _ in range(args.rounds):
        pk, file_number, name, place = rng.choice(samples)
        cases: dict[str, tuple[InvestigationFilters, list[Any], str]] = {
            "all": (InvestigationFilters(), [], FILTERS["all"]),
            "file number": (
                InvestigationFilters(file_number=file_number),
                [file_number, file_number],
                FILTERS["file number"],
            ),
            "place name": (InvestigationFilters(place_name=place), [place_name_index(place)], FILTERS["place name"]),
        }
        words = {phonetic_word(w) for w in name_words(name)}
        values = sorted(query_tokens(IndexKind.NAME_PHONETIC, words))
        cases["suspect name"] = (
            InvestigationFilters(suspect_name=name),
            [*values, max(1, (len(words) + 1) // 2)],
            FILTERS["suspect name"].format(values=",".join(["%s"] * len(values))),
        )
        for label, (filters, params, condition) in cases.items():
            t = time.perf_counter()
            page = investigation_search(actor=actor, filters=filters)
            record(f"app: {label}", t)
            if label != "all":
                assert pk in [i.pk for i in page.investigations] or page.total > 50, (label, filters)
            t = time.perf_counter()
            with connection.cursor() as cur:
                cur.execute(PAGE.format(v=VISIBLE, f=condition), [user.pk, *params])
                rows = cur.fetchall()
                cur.execute(COUNT.format(v=VISIBLE, f=condition), [user.pk, *params])
                total = cur.fetchone()[0]
            record(f"raw SQL: {label}", t)
            assert total == page.total and len(rows) == len(page.investigations), (label, total, page.total)
        t = time.perf_counter()
        with connection.cursor() as cur:
            cur.execute(PAGE.format(v=VISIBLE, f=PLACE_EXISTS), [user.pk, place_name_index(place)])
            cur.fetchall()
            cur.execute(COUNT.format(v=VISIBLE, f=PLACE_EXISTS), [user.pk, place_name_index(place)])
            cur.fetchone()
        record("raw SQL, EXISTS per file (before): place name", t)
        t = time.perf_counter()
        response = client.get("/justice/", {"suspect_name": name})
        record("app HTML: GET /justice/?suspect_name=", t)
        assert response.status_code == 200
    for label in sorted(timings, key=lambda k: (k.split(": ")[1], k)):
        print(f"   {label:<42} {summary_ms(timings[label])}")
    for label in ("all", "file number", "suspect name", "place name"):
        app, raw = sorted(timings[f"app: {label}"]), sorted(timings[f"raw SQL: {label}"])
        p95 = int(0.95 * (len(app) - 1))
        print(f"   ratio app / raw SQL, {label:<14} (p95): {app[p95] / raw[p95]:6.1f}x")


if __name__ == "__main__":
    main()
