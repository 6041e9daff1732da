"""EM training blocks select their matches; a block does not estimate m for the comparisons it selects on
(nor the birth-year block for the surnames, which it cannot estimate reliably)."""

from __future__ import annotations

import pytest

from amparo.linkage import engine
from amparo.linkage.synthetic import ClericalErrors, generate


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
    for name in ("sex", "place", "institution"):  # copies' sex, place and institution: the document block
        assert blocks(name) == {s for s in sessions[name] if "doc1" in s} != set(), name
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


def test_a_register_without_documents_or_dates_of_birth_gets_a_prior_and_finds_its_copies() -> None:
    """Neither rule of the prior can fire (λ would be 0 and every weight -inf: Splink crashed)."""
    records = [{**i.record, "documents": [], "date_of_birth": None} for i in generate(1500, seed=8)]
    for r in records:
        r["age_min"], r["age_max"] = r["age_min"] or 20, r["age_max"] or 24
    prediction = engine.train_and_predict(records)  # type: ignore[arg-type]
    assert 0 < prediction.model["probability_two_random_records_match"] < 1
    assert prediction.pairs


def test_a_register_of_two_copies_of_one_person_is_linked() -> None:
    """Every pair matches (Splink refused the prior's recall) and λ would be 1 (infinite log-odds)."""
    first = next(iter(generate(1, seed=3))).record
    records = [first, {**first, "unique_id": "copy"}]
    prediction = engine.train_and_predict(records)  # type: ignore[arg-type]
    assert [(p["unique_id_l"], p["unique_id_r"]) for p in prediction.pairs] in (
        [(first["unique_id"], "copy")],
        [("copy", first["unique_id"])],
    )


def test_the_em_sample_keeps_whole_surname_groups_and_so_the_copies() -> None:
    from amparo.linkage.records import features
    from amparo.linkage.synthetic import true_pairs

    items = list(generate(20_000, seed=19))
    records = [i.record for i in items]
    sample = engine.em_sample(records, 2000, seed=3)
    assert 2000 <= len(sample) < 4000
    assert engine.em_sample(records, 2000, seed=3) == sample
    codes = {features(r)["sur1_ph"] for r in sample}
    assert sum(1 for r in records if features(r)["sur1_ph"] in codes) == len(sample)

    def kept(chosen: list) -> int:
        ids = {r["unique_id"] for r in chosen}
        return sum(1 for a, b in true_pairs(items) if a in ids and b in ids)

    import random

    uniform = random.Random(3).sample(records, len(sample))
    # a record sample of 10 % keeps about 1 % of the true pairs; whole groups keep about 10 %
    assert kept(sample) > 5 * kept(uniform), (kept(sample), kept(uniform))


def test_a_level_the_copies_block_never_shows_is_rarer_than_one_in_its_pairs(monkeypatch) -> None:
    """Large-register path (EM on a sample, u and the prior on all records), made small. No copy is registered
    twice by one institution, so the document block (nearly all copies) never shows "same institution": its m
    is 1 / (the block's pairs), not Splink's default (which weighed -0.3 bits)."""
    from amparo.linkage.scoring import Scorer

    monkeypatch.setattr(engine, "EM_SAMPLE", 3000)
    monkeypatch.setattr(engine, "MIN_BLOCK_PAIRS", 100)
    records = [i.record for i in generate(8000, seed=23)]
    sample = engine.em_sample(records, 3000, 42)
    linker = engine._linker(sample, None, "1GB")
    pairs = engine._block_pairs(linker, list(engine.COPIES_BLOCK))
    linker._db_api._con.close()
    model = engine.train_and_predict(records).model
    institution = next(c for c in model["comparisons"] if c["output_column_name"] == "institution")
    same = next(lv for lv in institution["comparison_levels"] if lv.get("label_for_charts") == "same")
    assert pairs > 100 and same["m_probability"] == 1 / pairs
    weights = Scorer(model).weights
    assert weights["institution"][1] < -5
    assert -4 < weights["birth"][2] < 0  # ages within 3 years: a false document, not a veto


def test_a_level_random_sampling_never_shows_gets_a_u_under_one_in_the_sampled_pairs() -> None:
    """Nobody shares a document number here: "same document" is rarer than one pair in those sampled, not
    Splink's default u (0.0005). A field nobody has (phone) keeps its defaults."""
    records = [{**i.record, "documents": [f"D{n}"]} for n, i in enumerate(generate(1000, seed=29))]
    linker = engine._linker(records, None, "1GB")  # type: ignore[arg-type]
    engine._train(linker, len(records), 42, lambda _p, _s: None, {}, with_m=False)
    levels = {
        (c.output_column_name, lv.label_for_charts): lv.u_probability
        for c in linker._settings_obj.comparisons
        for lv in c._comparison_levels_excluding_null
    }
    assert levels[("document", "same")] == 1 / 100_000  # max(1e5, 50 per record) pairs sampled
    assert levels[("document", "different")] == 1.0
    assert levels[("phone", "same")] > 1e-4
    linker._db_api._con.close()


def test_em_learns_errors_the_synthetic_generator_never_makes() -> None:
    """A run estimates its own m from the data: errors the evaluation set never makes (a mistyped day or month,
    two records of one person in one institution) are learnt, not vetoed."""
    from amparo.linkage.scoring import Scorer
    from tests.linkage.bench_scripts import load

    measures = load("dedup_measures")
    items = list(generate(5000, seed=7, errors=ClericalErrors(dates=0.3, same_institution=0.2)))
    records = [item.record for item in items]
    labels = {item.record["unique_id"]: str(item.entity) for item in items}
    prediction = engine.train_and_predict(records)  # type: ignore[arg-type]
    scorer = Scorer(prediction.model)
    birth = dict(zip(scorer.labels["birth"], scorer.weights["birth"], strict=True))
    institution = dict(zip(scorer.labels["institution"], scorer.weights["institution"], strict=True))
    assert birth["date_typo"] > 3 and birth["within_a_year"] > -3  # measured 5.6 and -1.3 (labels 5.7, -0.9)
    assert institution["same"] > -3  # measured 0.3 (labels 0.2); about -9 without such copies
    _p, _r, f1 = measures.groups_prf(prediction.clusters, measures.true_pairs(labels))
    assert f1 >= 0.97, f1  # measured 0.990


def test_a_small_surnames_block_of_mostly_copies_is_still_used() -> None:
    """60 records: the surnames block holds 20 pairs, half of them certain matches. Few, but not strangers
    (left out, the groups' F1 of this register fell from 1.0 to 0.85)."""
    records = [i.record for i in generate(60, seed=3)]
    linker = engine._linker(records, None, "1GB")  # type: ignore[arg-type]
    block = ["sur1_ph", "sur2_ph"]
    certain, pairs = engine._certain_pairs(linker, block), engine._block_pairs(linker, block)
    assert certain < engine.MIN_BLOCK_CERTAIN <= pairs and certain >= engine.MIN_BLOCK_CERTAIN_SHARE * pairs
    engine._train(linker, len(records), 42, lambda _p, _s: None, {}, with_m=True)
    assert any("sur2_ph" in s for s in _sessions_by_comparison(linker)["birth"])
    linker._db_api._con.close()


def test_without_documents_or_dates_the_prior_comes_from_names_and_ages() -> None:
    """No rule on documents, dates of birth or e-mail finds a pair there: λ fell to one match in all the pairs
    (5.0e-9 at 20,000 records, 10,000 times the labels'), and the groups' recall to 0.60."""
    from tests.linkage.bench_scripts import load

    measures, variants = load("dedup_measures"), load("variants")
    items = list(generate(5000, seed=7))
    records = [dict(item.record) for item in items]
    for record in records:
        variants.VARIANTS["estimated_ages_only"](record)  # no document; each date an age range of 4 years
    labels = {str(r["unique_id"]): str(item.entity) for r, item in zip(records, items, strict=True)}
    truth = measures.true_pairs(labels)
    prediction = engine.train_and_predict(records)  # type: ignore[arg-type]
    lam = prediction.model["probability_two_random_records_match"]
    true_lam = len(truth) / (len(records) * (len(records) - 1) / 2)
    assert true_lam / 4 < lam < true_lam * 4, (lam, true_lam)
    _p, recall, f1 = measures.groups_prf(prediction.clusters, truth)
    assert f1 >= 0.93, (recall, f1)  # measured 0.960 (λ 1.2e-4, labels 2.2e-4); before 8.0e-8


def test_a_nearer_estimated_age_never_weighs_less_than_a_farther_one() -> None:
    """EM on one block can settle in another optimum ("within 3 years" at -20 bits under "within 8 years" at
    -5.7, measured with married names at 100,000 records): ``order_birth_levels`` raises it to the farther level's
    weight and leaves ordered estimates alone."""
    import math

    records = [i.record for i in generate(1500, seed=4)]
    linker = engine._linker(records, None, "1GB")  # type: ignore[arg-type]
    engine._train(linker, len(records), 42, lambda _p, _s: None, {}, with_m=True)
    birth = next(c for c in linker._settings_obj.comparisons if c.output_column_name == "birth")
    levels = {lv.label_for_charts: lv for lv in birth._comparison_levels_excluding_null}

    def weight(label: str) -> float:
        return math.log2(levels[label].m_probability / levels[label].u_probability)

    engine.order_birth_levels(linker)
    before = {label: weight(label) for label in engine.AGE_LEVELS}
    assert [before[k] for k in engine.AGE_LEVELS] == sorted(before.values(), reverse=True)
    engine.order_birth_levels(linker)
    assert {label: weight(label) for label in engine.AGE_LEVELS} == before  # ordered: unchanged
    near = levels["within_3_years"]
    near.m_probability = near.u_probability * 2.0**-20
    engine.order_birth_levels(linker)
    assert weight("within_3_years") == pytest.approx(before["within_8_years"])
    assert weight("close") == pytest.approx(before["close"])
    typo, year, differ = (levels[k] for k in engine.DATE_LEVELS)  # the chain of two full dates
    typo.m_probability, year.m_probability, differ.m_probability = 0.1, 1e-9, 0.01
    engine.order_birth_levels(linker)
    assert weight("within_a_year") == pytest.approx(weight("dates_differ"))
    assert weight("dates_differ") < weight("date_typo")
    linker._db_api._con.close()
