"""Blocking rules for large registers: chosen by size, and the birth-decade grids keep close birth years."""

from __future__ import annotations

from amparo.linkage import engine
from amparo.linkage.records import LinkRecord, features


def _record(dob: str | None, age: tuple[int, int] | None = None) -> LinkRecord:
    return LinkRecord(
        unique_id="x",
        given_names="Ana",
        surnames="Coc",
        aliases=[],
        date_of_birth=dob,
        age_min=age[0] if age else None,
        age_max=age[1] if age else None,
        age_assessed_on="2024-05-01" if age else None,
        gender="Feminine",
        nationality="GT",
        documents=[],
        department="",
        municipality="",
        owner_org=1,
    )


def test_large_registers_get_the_scale_rules_and_every_loose_rule_on_both_grids() -> None:
    assert engine.rules_for(engine.SCALE_FROM - 1) is engine.BLOCKING_RULES
    assert engine.rules_for(engine.SCALE_FROM) is engine.SCALE_RULES
    names = [name for name, _cols in engine.SCALE_RULES]
    banded = [n for n in names if n.endswith("+decade_a")]
    assert banded and all(n.replace("+decade_a", "+decade_b") in names for n in banded)
    columns = set(features(_record("1990-01-01")))
    assert all(a in columns and b in columns for _n, cols in engine.SCALE_RULES for a, b in cols)


def test_birth_years_less_than_five_apart_share_a_decade_on_one_grid() -> None:
    for year in range(1940, 2020):
        for shift in range(5):
            a, b = features(_record(f"{year}-03-04")), features(_record(f"{year + shift}-03-04"))
            assert a["by_band_a"] == b["by_band_a"] or a["by_band_b"] == b["by_band_b"], (year, shift)
    # an estimated age gives the band of its middle year; a missing age gives none
    assert features(_record(None, (15, 18)))["by_band_a"] is not None
    assert features(_record(None))["by_band_a"] is None and features(_record(None))["by_band_b"] is None


def test_a_rule_over_the_blocking_budget_is_left_out_and_the_run_still_scores(monkeypatch, caplog) -> None:
    """Every record in one town: "municipality + given prefix" makes one block per prefix, far over a small
    budget, and is left out (logged); the other rules still find the copies."""
    import logging

    from amparo.linkage import engine
    from amparo.linkage.synthetic import generate, true_pairs

    items = list(generate(1500, seed=3))
    for item in items:
        item.record["department"], item.record["municipality"] = "GT-01", "GT-0101"
    monkeypatch.setattr(engine, "RULE_PAIRS_FLOOR", 5_000)
    monkeypatch.setattr(engine, "RULE_PAIRS_PER_RECORD", 3)
    with caplog.at_level(logging.WARNING, logger="amparo.linkage.engine"):
        prediction = engine.train_and_predict([i.record for i in items])
    left_out = [r.getMessage() for r in caplog.records if "blocking rules left out" in r.getMessage()]
    assert left_out and "municipality+given_prefix (" in left_out[0]
    found = {tuple(sorted((p["unique_id_l"], p["unique_id_r"]))) for p in prediction.pairs}
    assert len(found & true_pairs(items)) > 0.8 * len(true_pairs(items))


def test_the_rules_kept_are_those_under_the_budget_and_never_none(monkeypatch) -> None:
    import duckdb
    import pyarrow as pa

    from amparo.linkage import engine
    from amparo.linkage.records import to_columns
    from amparo.linkage.synthetic import generate

    records = [i.record for i in generate(600, seed=4)]
    con = duckdb.connect(":memory:")
    con.register("recs", pa.table(to_columns(records)))
    rules = engine.rules_for(len(records))
    kept, left_out = engine.affordable_rules(con, "recs", rules, len(records))
    assert kept == rules and not left_out  # under the floor: all kept
    # budgets of 100 pairs per rule and 300 in all: the rules over 100 go, then the largest until 300
    monkeypatch.setattr(engine, "RULE_PAIRS_FLOOR", 0)
    monkeypatch.setattr(engine, "RULE_PAIRS_PER_RECORD", 100 / len(records))
    monkeypatch.setattr(engine, "TOTAL_PAIRS_PER_RECORD", 300 / len(records))
    counts = {name: engine.rule_pairs(con, "recs", cols)[0] for name, cols in rules}
    kept, left_out = engine.affordable_rules(con, "recs", rules, len(records))
    assert all(counts[name] <= 100 for name, _cols in kept) and sum(counts[name] for name, _c in kept) <= 300
    assert set(left_out) == set(counts) - {name for name, _cols in kept} and left_out
    assert [name for name, _cols in kept] == [name for name, _c in rules if name in dict(kept)]  # order kept
    # every rule over budget: the smallest is still kept (no rule at all would compare every pair)
    monkeypatch.setattr(engine, "rule_pairs", lambda _con, _table, cols: (1_000 + len(cols), 1))
    kept, left_out = engine.affordable_rules(con, "recs", rules, len(records))
    assert len(kept) == 1 and len(kept[0][1]) == min(len(cols) for _name, cols in rules)


def test_over_the_pair_budget_only_the_strongest_pairs_are_kept(monkeypatch, caplog) -> None:
    import logging

    import pytest

    from amparo.linkage import engine
    from amparo.linkage.synthetic import generate

    records = [i.record for i in generate(1500, seed=5)]
    everything = engine.train_and_predict(records)
    assert everything.threshold == engine.DEFAULT_THRESHOLD and len(everything.pairs) > 200
    monkeypatch.setattr(engine, "MAX_PAIRS_FLOOR", 0)
    monkeypatch.setattr(engine, "MAX_PAIRS_PER_RECORD", 100 / len(records))
    with caplog.at_level(logging.WARNING, logger="amparo.linkage.engine"):
        bounded = engine.train_and_predict(records)
    assert any("more than the 100 this run keeps" in r.getMessage() for r in caplog.records)
    weights = sorted((float(p["match_weight"]) for p in everything.pairs), reverse=True)
    assert bounded.threshold == pytest.approx(weights[99]) and bounded.threshold > engine.DEFAULT_THRESHOLD
    assert 100 <= len(bounded.pairs) <= sum(w >= weights[99] for w in weights)  # ties at the cut are kept
    assert set(bounded.clusters) <= {str(p[k]) for p in bounded.pairs for k in ("unique_id_l", "unique_id_r")}
