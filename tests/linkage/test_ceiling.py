"""bench/linkage/evaluate.py --ceiling: m taken from the labels (the bound on what estimating m can give)."""

from __future__ import annotations

import math

from amparo.linkage import engine
from amparo.linkage.records import features
from amparo.linkage.synthetic import generate, true_pairs
from tests.linkage.bench_scripts import load

evaluate = load("evaluate")


def test_m_from_the_labels_is_each_levels_share_of_the_true_pairs() -> None:
    items = list(generate(1500, seed=9))
    truth = true_pairs(items)
    model = engine.train_and_predict([i.record for i in items]).model
    labelled = evaluate.labelled_m(model, items, truth)
    by_id = {i.record["unique_id"]: features(i.record) for i in items}
    both_documents = [(a, b) for a, b in truth if by_id[a]["docs"] and by_id[b]["docs"]]
    shared = sum(1 for a, b in both_documents if set(by_id[a]["docs"]) & set(by_id[b]["docs"]))
    document = next(c for c in labelled["comparisons"] if c["output_column_name"] == "document")
    same = next(lv for lv in document["comparison_levels"] if lv["label_for_charts"] == "same")
    assert same["m_probability"] == shared / len(both_documents)
    for comparison in labelled["comparisons"]:
        if comparison["output_column_name"] in ("phone", "address"):  # the synthetic set has none
            assert comparison == next(
                c for c in model["comparisons"] if c["output_column_name"] == comparison["output_column_name"]
            )
            continue
        levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
        assert math.isclose(sum(lv["m_probability"] for lv in levels), 1.0, abs_tol=1e-9)
    # u and the prior are the trained model's: only m comes from the labels
    assert labelled["probability_two_random_records_match"] == model["probability_two_random_records_match"]
    trained_birth = next(c for c in model["comparisons"] if c["output_column_name"] == "birth")
    birth = next(c for c in labelled["comparisons"] if c["output_column_name"] == "birth")
    assert [lv.get("u_probability") for lv in birth["comparison_levels"]] == [
        lv.get("u_probability") for lv in trained_birth["comparison_levels"]
    ]


def _vector(**gammas: int) -> tuple[int, ...]:
    """Every comparison's gamma in engine.COMPARISONS order (-1, missing, unless given)."""
    return tuple(gammas.get(c["output_column_name"], -1) for c in engine.COMPARISONS)


def _pair(a: str, b: str, **gammas: int) -> dict:
    names = [f"gamma_{c['output_column_name']}" for c in engine.COMPARISONS]
    return {"unique_id_l": a, "unique_id_r": b, **dict(zip(names, _vector(**gammas), strict=True))}


def test_each_comparison_vector_is_weighed_by_its_share_of_matches() -> None:
    truth = {("a", "b"), ("c", "d"), ("e", "f")}
    pairs = [
        _pair("a", "b", given_name=7, surnames=7),
        _pair("d", "c", given_name=7, surnames=7),  # ids in either order count as the same pair
        _pair("a", "c", given_name=7, surnames=7),
        _pair("e", "f", given_name=7, surnames=3),
        _pair("a", "e", given_name=0, surnames=0),
        _pair("b", "e", given_name=0, surnames=0),
    ]
    weights = evaluate.vector_weights(pairs, truth)
    names_agree = _vector(given_name=7, surnames=7)
    nothing_agrees = _vector(given_name=0, surnames=0)
    assert len(weights) == 3
    assert weights[names_agree] == math.log2(2.5 / 1.5)  # two matches, one non-match (half-count smoothing)
    assert weights[nothing_agrees] == math.log2(0.5 / 2.5)
    only_match = next(v for v in weights if v not in (names_agree, nothing_agrees))
    assert weights[only_match] == math.log2(1.5 / 0.5)
