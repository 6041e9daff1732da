"""Scoring one new record against a few candidates in Python, with a trained model's parameters.

The entry-time check must answer in well under 300 ms, so it does not start DuckDB: the comparison levels
of ``engine.COMPARISONS`` are mirrored here (tests/linkage/test_scoring.py checks that both give the same
match weights on the same pairs) and the weights come from the saved model's m and u probabilities.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

Features = dict[str, Any]


def jaro_winkler(a: str, b: str) -> float:
    if a == b:
        return 1.0
    la, lb = len(a), len(b)
    if not la or not lb:
        return 0.0
    window = max(0, max(la, lb) // 2 - 1)
    used_b = [False] * lb
    matches_a = []
    for i, ch in enumerate(a):
        for j in range(max(0, i - window), min(lb, i + window + 1)):
            if not used_b[j] and b[j] == ch:
                used_b[j] = True
                matches_a.append(ch)
                break
    m = len(matches_a)
    if not m:
        return 0.0
    matches_b = [b[j] for j in range(lb) if used_b[j]]
    # half the out-of-order matches, rounded down (as DuckDB and rapidfuzz count them)
    transpositions = sum(x != y for x, y in zip(matches_a, matches_b, strict=True)) // 2
    jaro = (m / la + m / lb + (m - transpositions) / m) / 3
    prefix = 0
    for x, y in zip(a[:4], b[:4], strict=False):
        if x != y:
            break
        prefix += 1
    return jaro + prefix * 0.1 * (1 - jaro)


def within_one_edit(a: str, b: str) -> bool:
    """Damerau-Levenshtein distance <= 1 (one substitution, insertion, deletion or adjacent swap)."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diff = [i for i in range(la) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
    short, long_ = (a, b) if la < lb else (b, a)
    for i in range(len(long_)):
        if long_[:i] + long_[i + 1 :] == short:
            return True
    return False


def _any(a: list[str] | None, b: list[str] | None) -> bool:
    return bool(a and b and set(a) & set(b))


def _gap(l: Features, r: Features) -> int:
    return max(l["by_lo"], r["by_lo"]) - min(l["by_hi"], r["by_hi"])


def _given(l: Features, r: Features) -> int:
    a, b = l["given1"], r["given1"]
    if a is None or b is None:
        return -1
    if a == b and l["given_ph_all"] == r["given_ph_all"]:
        return 6
    if a == b:
        return 5
    if _any(l["given_variants"], r["given_variants"]):
        return 4
    if l["given1_ph"] == r["given1_ph"]:
        return 3
    if jaro_winkler(a, b) >= 0.9 or within_one_edit(a, b):
        return 2
    if _any(l["given_ph_all"], r["given_ph_all"]):
        return 1
    return 0


def _surnames(l: Features, r: Features) -> int:
    a, b = l["sur1"], r["sur1"]
    if a is None or b is None:
        return -1
    if a == b and l["sur2"] is not None and l["sur2"] == r["sur2"]:
        return 4
    if a == b:
        return 3
    if l["sur1_ph"] == r["sur1_ph"] or jaro_winkler(a, b) >= 0.92 or within_one_edit(a, b):
        return 2
    if _any(l["sur_ph_all"], r["sur_ph_all"]):
        return 1
    return 0


def _birth(l: Features, r: Features) -> int:
    if l["by_lo"] is None or r["by_lo"] is None:
        return -1
    if l["dob"] is not None and l["dob"] == r["dob"]:
        return 5
    overlap = l["by_lo"] <= r["by_hi"] and r["by_lo"] <= l["by_hi"]
    if overlap and (l["by_hi"] - l["by_lo"]) + (r["by_hi"] - r["by_lo"]) <= 4:
        return 4
    if overlap:
        return 3
    if _gap(l, r) <= 3:
        return 2
    if _gap(l, r) <= 8:
        return 1
    return 0


def _equal(column: str) -> Callable[[Features, Features], int]:
    def level(l: Features, r: Features) -> int:
        if l[column] is None or r[column] is None:
            return -1
        return 1 if l[column] == r[column] else 0

    return level


def _documents(l: Features, r: Features) -> int:
    if l["docs"] is None or r["docs"] is None:
        return -1
    return 1 if _any(l["docs"], r["docs"]) else 0


def _place(l: Features, r: Features) -> int:
    if l["department"] is None or r["department"] is None:
        return -1
    if l["municipality"] is not None and l["municipality"] == r["municipality"]:
        return 2
    return 1 if l["department"] == r["department"] else 0


LEVELS: dict[str, Callable[[Features, Features], int]] = {
    "given_name": _given,
    "surnames": _surnames,
    "birth": _birth,
    "sex": _equal("gender"),
    "nationality": _equal("nationality"),
    "document": _documents,
    "place": _place,
}


class Scorer:
    """Match weights of a trained Splink model (log2 Bayes factors per level, plus the prior)."""

    def __init__(self, model: dict[str, Any]) -> None:
        lam = float(model.get("probability_two_random_records_match") or 1e-4)
        self.prior = math.log2(lam / (1 - lam))
        self.weights: dict[str, list[float]] = {}
        self.labels: dict[str, list[str]] = {}
        for comparison in model["comparisons"]:
            levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
            weights = []
            for level in reversed(levels):  # index = gamma (0 = the ELSE level)
                m, u = level.get("m_probability"), level.get("u_probability")
                weights.append(math.log2(m / u) if m and u else 0.0)
            self.weights[comparison["output_column_name"]] = weights
            self.labels[comparison["output_column_name"]] = [lv.get("label_for_charts", "") for lv in reversed(levels)]

    def score(self, left: Features, right: Features) -> tuple[float, dict[str, dict[str, Any]]]:
        total = self.prior
        evidence: dict[str, dict[str, Any]] = {}
        for name, level_of in LEVELS.items():
            gamma = level_of(left, right)
            weight = self.weights[name][gamma] if gamma >= 0 else 0.0
            total += weight
            label = self.labels[name][gamma] if gamma >= 0 else "missing"
            evidence[name] = {"level": label, "weight": round(weight, 2)}
        return total, evidence


def probability(weight: float) -> float:
    bayes = 2.0**weight
    return bayes / (1 + bayes)
