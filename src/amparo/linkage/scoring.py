"""Scoring one new record against a few candidates in Python, with a trained model's parameters.

The entry-time check must answer in well under 300 ms, so it does not start DuckDB: the comparison levels
of ``engine.COMPARISONS`` are mirrored here (tests/linkage/test_scoring.py checks that both give the same
match weights on the same pairs) and the weights come from the saved model's m and u probabilities.
"""

from __future__ import annotations

import datetime
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
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def _any(a: list[str] | None, b: list[str] | None) -> bool:
    return bool(a and b and set(a) & set(b))


def _days_apart(x: str, y: str) -> float:
    """Days between two ISO dates (infinite if either is not a date: the SQL level's TRY_CAST gives NULL)."""
    try:
        return abs((datetime.date.fromisoformat(x) - datetime.date.fromisoformat(y)).days)
    except ValueError:
        return math.inf


def _gap(a: Features, b: Features) -> int:
    return max(a["by_lo"], b["by_lo"]) - min(a["by_hi"], b["by_hi"])


def _given(a: Features, b: Features) -> int:
    x, y = a["given1"], b["given1"]
    if x is None or y is None:
        return -1
    if x == y and a["given_ph_all"] == b["given_ph_all"]:
        return 8
    if x == y and a["givenx_ph"] is not None and b["givenx_ph"] is not None and a["givenx_ph"] != b["givenx_ph"]:
        return 7
    if x == y:
        return 6
    if _any(a["given_variants"], b["given_variants"]):
        return 5
    if a["given1_ph"] == b["given1_ph"]:
        return 4
    if jaro_winkler(x, y) >= 0.9 or within_one_edit(x, y):
        return 3
    if _any(a["given_ph_all"], b["given_ph_all"]):
        return 2
    if _in(a["given1_ph"], b["sur_ph_all"]) or _in(b["given1_ph"], a["sur_ph_all"]):
        return 1  # entered as a surname
    return 0


def _in(value: str | None, values: list[str] | None) -> bool:
    return value is not None and bool(values) and value in values  # type: ignore[operator]


def _surnames(a: Features, b: Features) -> int:
    x, y = a["sur1"], b["sur1"]
    if x is None or y is None:
        return -1
    s2, t2 = a["sur2"], b["sur2"]
    if x == y and s2 is not None and s2 == t2:
        return 9
    if x == y and s2 is not None and t2 is not None and (a["sur2_ph"] == b["sur2_ph"] or within_one_edit(s2, t2)):
        return 8
    if x == y and (s2 is None or t2 is None):
        return 7
    if x == y and (a["married"] is not None or b["married"] is not None):
        return 6  # a married name on either side
    if x == y:
        return 5
    similar = a["sur1_ph"] == b["sur1_ph"] or jaro_winkler(x, y) >= 0.92 or within_one_edit(x, y)
    if similar and a["sur2_ph"] is not None and a["sur2_ph"] == b["sur2_ph"]:
        return 4
    if similar:
        return 3
    if _any(a["sur_ph_all"], b["sur_ph_all"]):
        return 2
    if _in(a["sur1_ph"], b["given_ph_all"]) or _in(b["sur1_ph"], a["given_ph_all"]):
        return 1  # entered as a given name
    return 0


def _birth(a: Features, b: Features) -> int:
    if a["by_lo"] is None or b["by_lo"] is None:
        return -1
    x, y = a["dob"], b["dob"]
    if x is not None and x == y:
        return 9
    if x is not None and y is not None:
        if x[5:10] == y[5:10]:
            return 8  # altered year
        if within_one_edit(x, y) or (x[:4] == y[:4] and x[5:7] == y[8:10] and x[8:10] == y[5:7]):
            return 7  # a typo, or day and month swapped
        if _days_apart(x, y) <= 365:
            return 6  # less than a year apart
        return 5  # two different dates
    overlap = a["by_lo"] <= b["by_hi"] and b["by_lo"] <= a["by_hi"]
    if overlap and (a["by_hi"] - a["by_lo"]) + (b["by_hi"] - b["by_lo"]) <= 4:
        return 4
    if overlap:
        return 3
    if _gap(a, b) <= 3:
        return 2
    if _gap(a, b) <= 8:
        return 1
    return 0


def _equal(column: str) -> Callable[[Features, Features], int]:
    def level(a: Features, b: Features) -> int:
        if a[column] is None or b[column] is None:
            return -1
        return 1 if a[column] == b[column] else 0

    return level


def _documents(a: Features, b: Features) -> int:
    if a["docs"] is None or b["docs"] is None:
        return -1
    return 1 if _any(a["docs"], b["docs"]) else 0


def _phone(a: Features, b: Features) -> int:
    x, y = a["phone"], b["phone"]
    if x is None or y is None:
        return -1
    if x == y:
        return 2
    return 1 if within_one_edit(x, y) else 0


def _address(a: Features, b: Features) -> int:
    x, y = a["address"], b["address"]
    if x is None or y is None:
        return -1
    if x == y:
        return 2
    return 1 if jaro_winkler(x, y) >= 0.9 else 0


def _email(a: Features, b: Features) -> int:
    x, y = a["email"], b["email"]
    if x is None or y is None:
        return -1
    if x == y:
        return 2
    return 1 if jaro_winkler(x, y) >= 0.88 or x.split("@", 1)[0] == y.split("@", 1)[0] else 0


def _place(a: Features, b: Features) -> int:
    if (a["department"] is None and a["municipality"] is None) or (
        b["department"] is None and b["municipality"] is None
    ):
        return -1
    if a["municipality"] is not None and a["municipality"] == b["municipality"]:
        return 2
    return 1 if a["department"] is not None and a["department"] == b["department"] else 0


LEVELS: dict[str, Callable[[Features, Features], int]] = {
    "given_name": _given,
    "surnames": _surnames,
    "birth": _birth,
    "sex": _equal("gender"),
    "nationality": _equal("nationality"),
    "document": _documents,
    "phone": _phone,
    "address": _address,
    "email": _email,
    "place": _place,
    "institution": _equal("owner_org"),
}


def matches_layout(model: dict[str, Any]) -> bool:
    """Whether a saved model has the comparison levels this code scores (a run saved before the levels
    changed does not; the entry-time check then uses the shipped model instead)."""
    from .engine import COMPARISONS

    def layout(comparisons: list[dict[str, Any]]) -> list[tuple[str, list[str]]]:
        return [
            (
                c["output_column_name"],
                [lv.get("label_for_charts", "") for lv in c["comparison_levels"] if not lv.get("is_null_level")],
            )
            for c in comparisons
        ]

    return layout(model.get("comparisons") or []) == layout(COMPARISONS)


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
