"""How the blocked pairs grow with the register, per blocking rule, and the true pairs each rule keeps.

    .venv/bin/python bench/linkage/blocking_scale.py --records 100000 300000 1000000 [--rules scale]

For each size: the pairs each rule generates (counted by DuckDB from the block sizes, without listing them),
the pairs of all rules together (each counted once, exact below 400,000 records, else from a sample of
blocks), the share of the true pairs kept, and the largest block. Synthetic data only, in memory.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amparo.config.test_settings")


def rule_pairs(con: object, cols: list[tuple[str, str]]) -> tuple[int, int]:
    """Pairs a rule generates (l < r, each once) and its largest block, from block sizes."""
    from amparo.linkage import engine

    return engine.rule_pairs(con, "recs", cols)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, nargs="+", default=[100_000])
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--rules", choices=["default", "scale"], default="default")
    args = parser.parse_args()
    import django

    django.setup()
    import duckdb
    import pyarrow as pa

    from amparo.linkage import engine
    from amparo.linkage.records import features, to_columns
    from amparo.linkage.synthetic import generate, true_pairs

    rules = engine.BLOCKING_RULES if args.rules == "default" else engine.rules_for(10**9)
    for size in args.records:
        t0 = time.perf_counter()
        items = list(generate(size, seed=args.seed))
        truth = true_pairs(items)
        records = [i.record for i in items]
        con = duckdb.connect(":memory:")
        con.execute("SET temp_directory = ''")
        con.register("recs_arrow", pa.table(to_columns(records)))
        con.execute("CREATE TABLE recs AS SELECT * FROM recs_arrow")
        feats = {r["unique_id"]: features(r) for r in records}
        load = os.getloadavg()[0]
        print(f"# {size} records (seed {args.seed}), {len(truth)} true pairs, load {load:.1f}, {args.rules} rules")
        print("rule | pairs | largest block | true pairs kept | cumulative kept")
        kept: set = set()
        total = 0
        for name, cols in rules:
            n, biggest = rule_pairs(con, cols)
            total += n
            mine = {p for p in truth if engine.blocked_by(cols, feats[p[0]], feats[p[1]])}
            kept |= mine
            print(f"{name} | {n:,} | {biggest:,} | {len(mine) / len(truth):.3f} | {len(kept) / len(truth):.3f}")
        print(f"sum of the rules' pairs (overlaps counted twice): {total:,}; {total / size:.1f} per record")
        print(f"blocking recall {len(kept) / len(truth):.4f}; {time.perf_counter() - t0:.0f} s")
        print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024:.2f} GB", flush=True)
        con.close()
        del items, records, feats, truth


if __name__ == "__main__":
    main()
