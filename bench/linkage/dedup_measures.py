"""Measures of duplicate detection against truth labels, shared by febrl.py and evaluate_csv.py (not a
benchmark itself).

``labels`` maps each record's unique_id to its truth label: records with the same label are the same person.
"""

from __future__ import annotations

import collections
import itertools
import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass

# Above this many records the blocked pairs are counted on a 5 % sample (as evaluate.py does): the exact count
# is another pass over every blocked pair.
EXACT_COUNT_LIMIT = 200_000

HEADER = (
    "data set | records | true pairs | blocked pairs | blocking recall | pairs P / R / F1 | groups P / R / F1 "
    "| wall time"
)


def prf(tp: int, found: int, truth: int) -> tuple[float, float, float]:
    """Precision, recall and F1 from the true positives, the number found and the number true."""
    p = tp / found if found else 0.0
    r = tp / truth if truth else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def true_pairs(labels: Mapping[str, str]) -> set[tuple[str, str]]:
    """Every pair of records with the same label, ids ordered."""
    by_entity: dict[str, list[str]] = collections.defaultdict(list)
    for uid, label in labels.items():
        by_entity[label].append(uid)
    return {(a, b) if a < b else (b, a) for ids in by_entity.values() for a, b in itertools.combinations(ids, 2)}


def groups_prf(groups: Mapping[str, str], truth: set[tuple[str, str]]) -> tuple[float, float, float]:
    """P/R/F1 of the pairs implied by ``groups`` (unique_id -> group id), counted without listing them (a
    group can be large)."""
    size = collections.Counter(groups.values())
    implied = sum(n * (n - 1) // 2 for n in size.values())
    tp = sum(1 for a, b in truth if a in groups and groups.get(b) == groups[a])
    return prf(tp, implied, len(truth))


@dataclass
class Measures:
    records: int
    true_pairs: int
    blocked_pairs: int
    blocking_recall: float
    pairs: tuple[float, float, float]  # precision, recall, F1 of the pairs above the threshold
    groups: tuple[float, float, float]  # precision, recall, F1 of the pairs implied by the groups
    wall: float  # seconds in train_and_predict (train, predict, group, count the blocked pairs)

    def row(self, label: str) -> str:
        p1, r1, f1 = self.pairs
        p2, r2, f2 = self.groups
        return (
            f"{label} | {self.records:,} | {self.true_pairs:,} | {self.blocked_pairs:,} | {self.blocking_recall:.3f} "
            f"| {p1:.3f} / {r1:.3f} / {f1:.3f} | {p2:.3f} / {r2:.3f} / {f2:.3f} | {self.wall:.1f} s"
        )


def measure(
    records: list[dict[str, object]],
    labels: Mapping[str, str],
    threshold: float | None = None,
    scored: Collection[str] | None = None,
) -> Measures:
    """Deduplicate ``records`` with the engine (trained on them, without the labels) and score the result.
    ``scored``: the ids whose pairs and groups are counted (default all); the others are deduplicated with
    the rest but a pair or a group member that is not scored counts neither way."""
    from amparo.linkage import engine
    from amparo.linkage.records import features

    truth = true_pairs(labels)
    # features of the records in a true pair only, and dropped before training: at 1,000,000 records all of
    # them held through the run took the peak RSS of evaluate_csv.py from about 6 to 8.2 GB
    paired = {uid for pair in truth for uid in pair}
    feats = {str(r["unique_id"]): features(r) for r in records if str(r["unique_id"]) in paired}  # type: ignore[arg-type]
    # Which rules bring each true pair together: the register's rules and every form a budget may run in
    # their place (engine.forms_of), since the run may narrow or leave out rules over its budget; counted once
    # it is known which ones it scored. A narrower form only blocks pairs its rule blocks, so it is tried on
    # those alone.
    families = [(rule, engine.forms_of(rule)[1:]) for rule in engine.rules_for(len(records))]
    bit = {name: 1 << i for i, name in enumerate(n for rule, narrower in families for n, _c in [rule, *narrower])}

    def rules_blocking(fa: dict[str, object], fb: dict[str, object]) -> int:
        mask = 0
        for (name, cols), narrower in families:
            if engine.blocked_by(cols, fa, fb):
                mask |= bit[name] | sum(bit[n] for n, c in narrower if engine.blocked_by(c, fa, fb))
        return mask

    blocking = {(a, b): rules_blocking(feats[a], feats[b]) for a, b in truth}
    del feats, paired
    options = {} if threshold is None else {"threshold": threshold}
    t = time.perf_counter()
    prediction = engine.train_and_predict(
        records,  # type: ignore[arg-type]
        count_pairs=True,
        count_exact=len(records) <= EXACT_COUNT_LIMIT,
        **options,
    )
    wall = time.perf_counter() - t
    scored_rules = sum(bit.get(name, 0) for name, _cols in prediction.rules)
    found = {tuple(sorted((str(p["unique_id_l"]), str(p["unique_id_r"])))) for p in prediction.pairs}
    clusters = prediction.clusters
    if scored is not None:
        keep = set(scored)
        truth = {pair for pair in truth if pair[0] in keep and pair[1] in keep}
        found = {pair for pair in found if pair[0] in keep and pair[1] in keep}
        clusters = {uid: group for uid, group in clusters.items() if uid in keep}
    kept = sum(1 for pair in truth if blocking[pair] & scored_rules)
    pairs = prf(len(found & truth), len(found), len(truth))  # type: ignore[operator]
    return Measures(
        records=len(records),
        true_pairs=len(truth),
        blocked_pairs=prediction.blocked_pairs,
        blocking_recall=kept / len(truth) if truth else 0.0,
        pairs=pairs,
        groups=groups_prf(clusters, truth),
        wall=wall,
    )
