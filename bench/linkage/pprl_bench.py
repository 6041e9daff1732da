"""Partner linkage: Bloom-filter (CLK) encoding speed, and matching two encoded sets with blocking.

    .venv/bin/python bench/linkage/pprl_bench.py --encode 1000000 --match 100000

The two sets to match are two countries' registrations of overlapping people (a labelled synthetic set
split so that every person's first record is on one side and the later ones on the other).
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--encode", type=int, default=100_000)
    parser.add_argument("--match", type=int, default=10_000, help="records on each side")
    parser.add_argument("--threshold", type=float, default=None)
    parser.add_argument(
        "--lead",
        type=float,
        default=None,
        help="lead over any other candidate that keeps a link under the threshold (default none: the threshold alone)",
    )
    parser.add_argument("--processes", type=int, default=1, help="encoding processes (forked)")
    args = parser.parse_args()
    import django

    django.setup()
    from amparo.linkage import pprl
    from amparo.linkage.synthetic import generate

    print(f"# {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
    encoder = pprl.Encoder(b"benchmark-shared-secret-0123456789abcdef")
    if args.encode:
        records = [i.record for i in generate(args.encode, seed=31)]
        t = time.perf_counter()
        clks = encoder.encode_many(records, processes=args.processes)
        elapsed = time.perf_counter() - t
        print(
            f"encoding: {len(clks)} records in {elapsed:.1f} s ({args.encode / elapsed:,.0f} records/s), "
            f"{args.processes} process(es)"
        )
        del clks
        del records
    if args.match:
        first: set[int] = set()
        ours, theirs = [], []
        for item in generate(args.match * 3, seed=32):
            side = theirs if item.entity in first else ours
            first.add(item.entity)
            if len(side) < args.match:
                side.append(item)
            if len(ours) >= args.match and len(theirs) >= args.match:
                break
        clk_a = [encoder.encode(i.record) for i in ours]
        clk_b = [encoder.encode(i.record) for i in theirs]
        threshold = pprl.MATCH_THRESHOLD if args.threshold is None else args.threshold
        t = time.perf_counter()
        ia, _ib = pprl.candidate_pairs(encoder, clk_a, clk_b)
        blocked = time.perf_counter() - t
        lead = args.lead
        links = pprl.match(encoder, clk_a, clk_b, threshold=threshold, lead=lead)
        elapsed = time.perf_counter() - t - blocked  # match() blocks again: count its own time only
        truth = {i.entity for i in ours} & {i.entity for i in theirs}
        correct = sum(ours[link.ours].entity == theirs[link.theirs].entity for link in links)
        precision = correct / len(links) if links else 0.0
        recall = correct / len(truth) if truth else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        print(
            f"matching {len(clk_a)} x {len(clk_b)}: {len(ia)} candidate pairs after blocking "
            f"({len(ia) / (len(clk_a) * len(clk_b)):.2e} of all), match in {elapsed:.1f} s "
            f"({len(ia) / elapsed:,.0f} pairs/s); threshold {threshold}"
            + ("" if lead is None else f", or {pprl.MIN_THRESHOLD} with a lead of {lead}")
        )
        print(f"links {len(links)}, true links {len(truth)}: precision {precision:.4f} recall {recall:.4f} F1 {f1:.4f}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    print(f"peak memory {peak:.2f} GB (process max RSS)")


if __name__ == "__main__":
    main()
