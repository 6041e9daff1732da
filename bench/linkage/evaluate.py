"""Duplicate detection on a labelled synthetic set: precision, recall and F1 (pairs, and pairs implied by the
clusters), blocking recall per rule, pairs compared per second, wall time and peak memory.

    .venv/bin/python bench/linkage/evaluate.py --records 10000 [--threshold 2] [--diagnose] [--ceiling]

``--ceiling`` measures what the model's structure allows on this data: the same comparison levels, u and
blocking, with m taken from the labels (the true share of each level among true pairs: the best any
estimate of m could do), then pairs and groups at the chosen parameters and at the best of a small grid.
It uses the labels, so it is a bound for diagnosis, never a way to choose parameters.

``--bayes`` goes further: it drops the model's form (one weight per level, added up as if the fields were
independent) and gives each whole comparison vector (the level of every field at once) the log odds of a
match among the pairs of the labelled set with that vector, then groups as usual over a small grid. That is
the best any pairwise classifier on these comparison levels could do with this grouping (optimistic: it
is fitted on the set it is measured on). Pairs scored under ``--bayes-floor`` (match weight, default -12)
are left out.

Everything runs in memory (no database): the records come from amparo.linkage.synthetic.
"""

from __future__ import annotations

import argparse
import collections
import math
import os
import platform
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amparo.config.test_settings")

import dedup_measures as measures


def prf(found: set, truth: set) -> tuple[float, float, float]:
    return measures.prf(len(found & truth), len(found), len(truth))


def _find(parent: dict[str, str], x: str) -> str:
    while parent.setdefault(x, x) != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


def cluster_prf(groups: dict, truth: set) -> tuple[float, float, float]:
    """P/R/F1 of the pairs implied by groups (group id -> its unique_ids)."""
    return measures.groups_prf({uid: key for key, ids in groups.items() for uid in ids}, truth)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--threshold", type=float, default=None)
    parser.add_argument("--memory-limit", default="8GB")
    parser.add_argument("--diagnose", action="store_true")
    parser.add_argument("--ceiling", action="store_true", help="also score with m from the labels (a bound)")
    parser.add_argument("--bayes", action="store_true", help="also score each comparison vector from the labels")
    parser.add_argument("--bayes-floor", type=float, default=-12.0)
    args = parser.parse_args()
    import django

    django.setup()
    from amparo.linkage import engine
    from amparo.linkage.records import features
    from amparo.linkage.synthetic import generate, true_pairs

    threshold = engine.DEFAULT_THRESHOLD if args.threshold is None else args.threshold
    t0 = time.perf_counter()
    items = list(generate(args.records, seed=args.seed))
    generated = time.perf_counter() - t0
    truth = true_pairs(items)
    print(
        f"# {args.records} records, {len(truth)} true pairs; {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}; generated in {generated:.1f} s"
    )

    by_id = {i.record["unique_id"]: i.record for i in items}
    feats = {uid: features(r) for uid, r in by_id.items()} if args.records <= 200_000 else {}
    if feats:
        print("blocking rule | true pairs kept | cumulative")
        kept: set = set()
        for name, cols in engine.rules_for(args.records):
            mine = {p for p in truth if engine.blocked_by(cols, feats[p[0]], feats[p[1]])}
            kept |= mine
            print(f"{name} | {len(mine) / len(truth):.3f} | {len(kept) / len(truth):.3f}")

    t1 = time.perf_counter()
    prediction = engine.train_and_predict(
        [i.record for i in items],
        threshold=threshold,
        memory_limit=args.memory_limit,
        count_pairs=True,
        count_exact=args.records <= 200_000,
    )
    wall = time.perf_counter() - t1
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    found = {tuple(sorted((p["unique_id_l"], p["unique_id_r"]))) for p in prediction.pairs}
    clusters = collections.defaultdict(list)
    for uid, cluster in prediction.clusters.items():
        clusters[cluster].append(uid)
    p1, r1, f1 = prf(found, truth)
    p2, r2, f2 = cluster_prf(clusters, truth)
    predict = prediction.timings.get("predict", 0.0)
    print(f"threshold (match weight) {threshold}; the table below is in evidence (match weight minus the prior)")
    print(f"pairs: precision {p1:.4f} recall {r1:.4f} F1 {f1:.4f}")
    print(f"clusters (groups): precision {p2:.4f} recall {r2:.4f} F1 {f2:.4f}")
    rate = prediction.blocked_pairs / max(predict, 1e-9)
    print(f"blocked pairs {prediction.blocked_pairs}, scored at {rate:,.0f} pairs/s")
    print("timings " + ", ".join(f"{k} {v:.1f}s" for k, v in prediction.timings.items()))
    print(f"wall time (train + predict + cluster) {wall:.1f} s; peak memory {peak_gb:.2f} GB (process max RSS)")
    if args.diagnose:
        diagnose(items, truth, prediction, clusters, threshold)
    if args.ceiling:
        ceiling(items, truth, prediction.model, threshold, args.memory_limit)
    if args.bayes:
        bayes_bound(items, truth, prediction.model, args.bayes_floor, args.memory_limit)


def diagnose(items: list, truth: set, prediction: object, clusters: dict, threshold: float) -> None:
    """Pairs, components and groups at several weakest links; then where the missed true pairs were lost
    (blocking, threshold, grouping) and the comparison patterns of missed pairs and of false pairs in groups.
    Features are computed only for the records involved, so this also runs at 1,000,000 records."""
    from amparo.linkage import engine
    from amparo.linkage.records import features
    from amparo.linkage.scoring import Scorer

    records = [i.record for i in items]
    score = engine.record_scorer(records, prediction.model)
    print(
        "evidence (match weight) | pairs P R F1 | connected components P R F1 | groups P R F1 "
        "(engine.cluster with that weakest link)"
    )
    prior = engine.prior_weight(prediction.model)
    print(f"prior weight {prior:.2f}; thresholds are evidence (match weight minus the prior)")
    for t in [threshold - prior + d / 2 for d in range(0, 17)]:
        above = {
            tuple(sorted((p["unique_id_l"], p["unique_id_r"])))
            for p in prediction.pairs
            if p["match_weight"] - prior >= t
        }
        parent: dict[str, str] = {}
        for a, b in above:
            parent[_find(parent, a)] = _find(parent, b)
        components = collections.defaultdict(list)
        for x in list(parent):
            components[_find(parent, x)].append(x)
        groups = collections.defaultdict(list)
        for uid, key in engine.cluster(prediction.pairs, weakest=t + prior, score=score).items():
            groups[key].append(uid)
        a1, b1, c1 = prf(above, truth)
        a2, b2, c2 = cluster_prf(components, truth)
        a3, b3, c3 = cluster_prf(groups, truth)
        print(
            f"{t:.1f} ({t + prior:.1f}) | {a1:.4f} {b1:.4f} {c1:.4f} | {a2:.4f} {b2:.4f} {c2:.4f} "
            f"| {a3:.4f} {b3:.4f} {c3:.4f}"
        )
    by_id = {r["unique_id"]: r for r in records}
    entity = {i.record["unique_id"]: i.entity for i in items}
    scorer = Scorer(prediction.model)
    rules = engine.rules_for(len(records))
    scored = {tuple(sorted((p["unique_id_l"], p["unique_id_r"]))) for p in prediction.pairs}
    root = {uid: key for key, ids in clusters.items() for uid in ids}
    lost: collections.Counter = collections.Counter()
    missed: collections.Counter = collections.Counter()
    for a, b in (p for p in truth if p[0] not in root or root.get(p[1]) != root[p[0]]):
        fa, fb = features(by_id[a]), features(by_id[b])
        if not any(engine.blocked_by(cols, fa, fb) for _name, cols in rules):
            lost["never blocked"] += 1
        elif (a, b) not in scored:
            lost["blocked, under the threshold"] += 1
        else:
            lost["above the threshold, kept apart by the group mean"] += 1
        _weight, evidence = scorer.score(fa, fb)
        missed[tuple(f"{k}={v['level']}" for k, v in evidence.items())] += 1
    where = ", ".join(f"{k} {v}" for k, v in lost.items())
    print(f"true pairs not grouped: {sum(lost.values())} of {len(truth)}: {where}")
    false: collections.Counter = collections.Counter()
    for ids in clusters.values():
        for i, a in enumerate(ids):
            for b in ids[i + 1 :]:
                if entity[a] != entity[b]:
                    _weight, evidence = scorer.score(features(by_id[a]), features(by_id[b]))
                    false[tuple(f"{k}={v['level']}" for k, v in evidence.items())] += 1
    print(f"pairs of different persons inside groups: {sum(false.values())}")
    print("most common comparison patterns: missed true pairs | false pairs with the same pattern")
    for pattern, n in missed.most_common(12):
        print(f"{n} | {false.get(pattern, 0)} | {' '.join(pattern)}")
    print("most common comparison patterns: false pairs in groups | missed true pairs with the same pattern")
    for pattern, n in false.most_common(12):
        print(f"{n} | {missed.get(pattern, 0)} | {' '.join(pattern)}")


def labelled_m(model: dict, items: list, truth: set) -> dict:
    """A copy of ``model`` whose m probabilities are the shares of each level among the true pairs."""
    import copy

    from amparo.linkage.records import features
    from amparo.linkage.scoring import LEVELS

    by_id = {i.record["unique_id"]: i.record for i in items}
    cache: dict = {}

    def feats(uid: str) -> dict:
        if uid not in cache:
            cache[uid] = features(by_id[uid])
        return cache[uid]

    counts: dict[str, collections.Counter] = {name: collections.Counter() for name in LEVELS}
    for a, b in truth:
        for name, level_of in LEVELS.items():
            gamma = level_of(feats(a), feats(b))
            if gamma >= 0:
                counts[name][gamma] += 1
    bound = copy.deepcopy(model)
    for comparison in bound["comparisons"]:
        name = comparison["output_column_name"]
        levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
        total = sum(counts[name].values())
        if not total:  # a field no record has (phone, address in the synthetic set): left as trained
            continue
        for gamma, level in enumerate(reversed(levels)):
            # a level never seen among true pairs gets a tiny m; engine.bound_weights then caps its veto
            level["m_probability"] = max(counts[name][gamma] / total, 1e-12)
    return bound


def ceiling(items: list, truth: set, model: dict, threshold: float, memory_limit: str) -> None:
    """Pairs and groups when m is known exactly (from the labels): what a perfect EM would give."""
    from amparo.linkage import engine

    records = [i.record for i in items]
    weakest_grid = [threshold - 1.0, threshold, threshold + 1.0, threshold + 2.0]
    average_grid = [engine.GROUP_AVERAGE - 1.5, engine.GROUP_AVERAGE, engine.GROUP_AVERAGE + 1.5]
    t = time.perf_counter()
    known = engine.train_and_predict(
        records, model=labelled_m(model, items, truth), threshold=min(weakest_grid), memory_limit=memory_limit
    )
    raw = engine.record_scorer(records, known.model)
    weights: dict = {}

    def score(a: str, b: str) -> float:
        if (a, b) not in weights:
            weights[(a, b)] = raw(a, b)
        return weights[(a, b)]

    print(f"ceiling: m from the labels, same levels, u and blocking (scored in {time.perf_counter() - t:.0f} s)")
    print("weakest link | pairs P R F1 | groups P R F1 at each group mean " + " ".join(map(str, average_grid)))
    best = (0.0, 0.0, 0.0)
    for weakest in weakest_grid:
        above = {
            tuple(sorted((p["unique_id_l"], p["unique_id_r"]))) for p in known.pairs if p["match_weight"] >= weakest
        }
        cells = []
        for average in average_grid:
            groups = engine.cluster(known.pairs, weakest=weakest, average=average, score=score)
            p, r, f = measures.groups_prf(groups, truth)
            best = max(best, (f, weakest, average))
            cells.append(f"{p:.4f} {r:.4f} {f:.4f}")
        a, b, c = prf(above, truth)
        print(f"{weakest} | {a:.4f} {b:.4f} {c:.4f} | " + " | ".join(cells))
    print(f"ceiling, best groups F1 of the grid: {best[0]:.4f} (weakest link {best[1]}, group mean {best[2]})")


def vector_weights(pairs: list[dict], truth: set) -> dict[tuple, float]:
    """Comparison vector (every field's gamma, in engine.COMPARISONS order) -> log2 odds of a match among
    ``pairs`` with that vector, from the labels (a half-count smooths vectors seen on one side only)."""
    from amparo.linkage import engine

    names = [c["output_column_name"] for c in engine.COMPARISONS]
    true: collections.Counter = collections.Counter()
    false: collections.Counter = collections.Counter()
    for p in pairs:
        a, b = p["unique_id_l"], p["unique_id_r"]
        vector = tuple(p[f"gamma_{name}"] for name in names)
        (true if ((a, b) if a < b else (b, a)) in truth else false)[vector] += 1
    return {v: math.log2((true[v] + 0.5) / (false[v] + 0.5)) for v in true.keys() | false.keys()}


def bayes_bound(items: list, truth: set, model: dict, floor: float, memory_limit: str) -> None:
    """Pairs and groups when every comparison vector is weighed by its share of matches in the labels."""
    from amparo.linkage import engine
    from amparo.linkage.records import features
    from amparo.linkage.scoring import LEVELS

    records = [i.record for i in items]
    t = time.perf_counter()
    scored = engine.train_and_predict(records, model=model, threshold=floor, memory_limit=memory_limit).pairs
    weights = vector_weights(scored, truth)
    names = [c["output_column_name"] for c in engine.COMPARISONS]
    pairs = [
        {
            "unique_id_l": p["unique_id_l"],
            "unique_id_r": p["unique_id_r"],
            "match_weight": weights[tuple(p[f"gamma_{name}"] for name in names)],
        }
        for p in scored
    ]
    covered = sum(1 for p in scored if tuple(sorted((p["unique_id_l"], p["unique_id_r"]))) in truth)
    del scored
    by_id = {r["unique_id"]: r for r in records}
    cache: dict = {}

    def feats(uid: str) -> dict:
        if uid not in cache:
            cache[uid] = features(by_id[uid])
        return cache[uid]

    def score(a: str, b: str) -> float:
        # a cross pair the grouping asks about: its vector's weight if the vector was seen, else unscored
        vector = tuple(LEVELS[name](feats(a), feats(b)) for name in names)
        return weights.get(vector, engine.UNSCORED_WEIGHT)

    print(
        f"bayes bound: {len(weights)} comparison vectors over {len(pairs)} pairs scored above {floor} "
        f"({covered} of {len(truth)} true pairs), in {time.perf_counter() - t:.0f} s"
    )
    print("weakest link | pairs P R F1 | strong link, group mean: groups P R F1")
    best = (0.0, 0.0, 0.0, 0.0)
    for weakest in (-1.0, 0.0, 1.0):
        above = {tuple(sorted((p["unique_id_l"], p["unique_id_r"]))) for p in pairs if p["match_weight"] >= weakest}
        a, b, c = prf(above, truth)
        cells = []
        for strong in (6.0, 9.0):
            for average in (-4.0, -3.0, -2.0):
                groups = engine.cluster(pairs, weakest=weakest, strong=strong, average=average, score=score)
                p, r, f = measures.groups_prf(groups, truth)
                best = max(best, (f, weakest, strong, average))
                cells.append(f"{strong}, {average}: {p:.4f} {r:.4f} {f:.4f}")
        print(f"{weakest} | {a:.4f} {b:.4f} {c:.4f} | " + " | ".join(cells), flush=True)
    print(
        f"bayes bound, best groups F1 of the grid: {best[0]:.4f} "
        f"(weakest link {best[1]}, strong link {best[2]}, group mean {best[3]})"
    )


if __name__ == "__main__":
    main()
