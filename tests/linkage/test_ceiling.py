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
