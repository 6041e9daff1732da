"""EM training blocks select their matches; a block does not estimate m for the comparisons it selects on
(nor the birth-year block for the surnames, which it cannot estimate reliably)."""

from __future__ import annotations

from amparo.linkage import engine
from amparo.linkage.synthetic import generate


def _sessions_by_comparison(linker) -> dict[str, set[str]]:
    """comparison -> the blocking rules of the EM sessions whose m it scores with."""
    found: dict[str, set[str]] = {}
    for comparison in linker._settings_obj.comparisons:
        for level in comparison._comparison_levels_excluding_null:
            for trained in level._trained_m_probabilities:
                found.setdefault(comparison.output_column_name, set()).add(trained["description"])
    return found


def test_blocks_of_copies_without_a_false_document_do_not_estimate_age_nationality_or_document() -> None:
    records = [i.record for i in generate(3000, seed=17)]
    linker = engine._linker(records, None, "1GB")
    engine._train(linker, len(records), 42, lambda _p, _s: None, {}, with_m=True)
    sessions = _sessions_by_comparison(linker)

    def blocks(name: str) -> set[str]:
        return {s for s in sessions.get(name, set()) if "doc1" in s or "by_lo" in s or "sur2_ph" in s}

    surnames_block = {s for s in sessions["given_name"] if "sur2_ph" in s}
    assert len(surnames_block) == 1
    for name in ("birth", "nationality", "document"):
        assert blocks(name) == surnames_block, name
    # the other comparisons keep the document block's estimates (its matches are not selected on them)
    assert any("doc1" in s for s in sessions["given_name"])
    assert blocks("surnames") == {s for s in sessions["surnames"] if "doc1" in s} != set()
    assert any("by_lo" in s for s in sessions["sex"])
    document = next(c for c in linker._settings_obj.comparisons if c.output_column_name == "document")
    same = next(lv for lv in document._comparison_levels_excluding_null if lv.label_for_charts == "same")
    assert same.m_probability < 0.9  # in the document block every pair shares a number: m would be 1.0
    linker._db_api._con.close()


def test_with_one_surname_per_record_every_block_estimates_age_nationality_and_document() -> None:
    """English-style names (FEBRL): the surnames block holds no pair, so it cannot carry them alone."""
    records = []
    for item in generate(3000, seed=17):
        record = dict(item.record)
        record["surnames"] = str(record["surnames"]).split()[0] if record["surnames"] else ""
        records.append(record)
    linker = engine._linker(records, None, "1GB")  # type: ignore[arg-type]
    assert engine._block_pairs(linker, ["sur1_ph", "sur2_ph"]) < engine.MIN_BLOCK_PAIRS
    engine._train(linker, len(records), 42, lambda _p, _s: None, {}, with_m=True)
    sessions = _sessions_by_comparison(linker)
    assert any("doc1" in s for s in sessions["birth"])
    assert any("by_lo" in s for s in sessions["nationality"])
    linker._db_api._con.close()


def test_every_comparison_a_block_leaves_out_has_a_block_to_carry_it() -> None:
    left_out = frozenset().union(*(biased for _cols, biased in engine.TRAINING_BLOCKS))
    assert set(engine.SOLE_BLOCK) == left_out
    for name, block in engine.SOLE_BLOCK.items():
        carriers = [cols for cols, biased in engine.TRAINING_BLOCKS if name not in biased]
        assert [list(block)] == [cols for cols in carriers if tuple(cols) == block], name


def test_a_small_document_block_leaves_the_surnames_to_every_block() -> None:
    """In the EM sample of a large register (about 300 pairs sharing a document at 1,000,000 records)."""
    records = [
        {**i.record, "documents": i.record["documents"] if n % 4 == 0 else []}
        for n, i in enumerate(generate(3000, seed=17))
    ]
    linker = engine._linker(records, None, "1GB")  # type: ignore[arg-type]
    assert engine._block_pairs(linker, ["doc1"]) < engine.MIN_BLOCK_PAIRS
    assert engine._block_pairs(linker, ["sur1_ph", "sur2_ph"]) >= engine.MIN_BLOCK_PAIRS
    engine._train(linker, len(records), 42, lambda _p, _s: None, {}, with_m=True)
    sessions = _sessions_by_comparison(linker)
    assert any("by_lo" in s for s in sessions["surnames"])  # the small document block does not carry them
    assert not any("doc1" in s for s in sessions["birth"])  # the surnames block still carries these
    assert not any("by_lo" in s for s in sessions["nationality"])
    linker._db_api._con.close()


def test_a_training_blocks_size_counts_the_pairs_agreeing_on_all_its_columns() -> None:
    records = [i.record for i in generate(600, seed=4)]
    linker = engine._linker(records, None, "1GB")
    from collections import Counter

    from amparo.linkage.records import features

    keys = Counter((f["sur1_ph"], f["sur2_ph"]) for f in map(features, records) if f["sur1_ph"] and f["sur2_ph"])
    assert engine._block_pairs(linker, ["sur1_ph", "sur2_ph"]) == sum(n * (n - 1) // 2 for n in keys.values()) > 0
    linker._db_api._con.close()


def test_a_register_without_any_document_is_trained_without_the_document_block() -> None:
    records = [{**i.record, "documents": []} for i in generate(1500, seed=8)]
    prediction = engine.train_and_predict(records)  # type: ignore[arg-type]
    assert prediction.pairs  # the other blocks trained the model; Splink refused the empty block before
    document = next(c for c in prediction.model["comparisons"] if c["output_column_name"] == "document")
    assert all("m_probability" in lv for lv in document["comparison_levels"] if not lv.get("is_null_level"))
