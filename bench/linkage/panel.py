"""The "possible duplicates" check at entry: latency with N persons in the database, and how often the
person typed (a corrupted re-registration of someone already there) is among the matches.

    .venv/bin/python bench/linkage/panel.py --persons 100000 --queries 200

The database is bench-only (bench/_common.py: SQLite under var/bench, or DATABASE_URL containing "bench").
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

import argparse

from _common import print_header, reset_database, setup_django, summary_ms


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument(
        "--date-errors", type=float, default=0.0, help="share of typed copies whose day or month of birth is mistyped"
    )
    args = parser.parse_args()
    setup_django(f"linkage-panel-{args.persons}", fresh=False)
    from amparo.accounts.actor import Actor
    from amparo.accounts.models import Membership, User
    from amparo.linkage import duplicates
    from amparo.linkage.synthetic import ClericalErrors, generate, save_as_persons
    from amparo.organizations.models import Organization
    from amparo.people.models import Person

    errors = ClericalErrors(dates=args.date_errors)  # only copies: the stored first records stay the same
    items = list(generate(args.persons + args.queries * 4, seed=41, errors=errors))
    # queries: later registrations (copies) of persons whose first record is stored
    queries, stored, seen = [], [], set()
    for item in items:
        if item.entity in seen and len(queries) < args.queries:
            queries.append(item)
        else:
            stored.append(item)
        seen.add(item.entity)
    stored = stored[: args.persons]
    orgs = list(Organization.objects.order_by("pk").values_list("pk", flat=True)[:8])
    if Person.objects.count() != len(stored):
        reset_database()
        print(f"   loading {len(stored)} synthetic persons (encrypted, indexed)...")
        # one institution, so that every match is named and recall can be counted
        mapping = save_as_persons(stored, orgs[:1])
        lines = (f"{mapping[i.record['unique_id']]}\t{i.entity}" for i in stored)
        Path(f"/tmp/linkage-panel-{args.persons}.map").write_text("\n".join(lines))
    user, _ = User.objects.get_or_create(username="bench-linkage")
    membership, _ = Membership.objects.get_or_create(user=user, organization_id=orgs[0], role="caseworker")
    actor = Actor(user=user, membership=membership)
    entity_of = {}
    for line in Path(f"/tmp/linkage-panel-{args.persons}.map").read_text().splitlines():
        pid, entity = line.split("\t")
        entity_of[pid] = int(entity)
    print_header(f"possible duplicates at entry, {Person.objects.count()} persons, {len(queries)} typed persons")
    duplicates.possible_duplicates(actor=actor, record=queries[0].record)  # warm-up (model, keys)
    times, found, shown = [], 0, 0
    for item in queries:
        started = time.perf_counter()
        result = duplicates.possible_duplicates(actor=actor, record=item.record)
        times.append(time.perf_counter() - started)
        own = {entity_of.get(str(m.person_id)) for m in result.own}
        found += item.entity in own
        shown += bool(result.own or result.elsewhere)
    print(f"   latency: {summary_ms(times)}")
    print(f"   the same person named among own-institution matches: {found}/{len(queries)}")
    print(f"   queries with any match shown: {shown}/{len(queries)}")


if __name__ == "__main__":
    main()
