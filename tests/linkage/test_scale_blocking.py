"""Blocking rules for large registers: chosen by size, and the birth-decade grids keep close birth years."""

from __future__ import annotations

import pytest

from amparo.linkage import engine
from amparo.linkage.records import LinkRecord, blank_record, features


def _record(dob: str | None, age: tuple[int, int] | None = None) -> LinkRecord:
    return blank_record(
        unique_id="x",
        given_names="Ana",
        surnames="Coc",
        date_of_birth=dob,
        age_min=age[0] if age else None,
        age_max=age[1] if age else None,
        age_assessed_on="2024-05-01" if age else None,
        gender="Feminine",
        nationality="GT",
        owner_org=1,
    )


def test_large_registers_get_the_scale_rules_and_every_loose_rule_on_both_grids() -> None:
    assert engine.rules_for(engine.SCALE_FROM - 1) is engine.BLOCKING_RULES
    assert engine.rules_for(engine.SCALE_FROM) is engine.SCALE_RULES
    names = [name for name, _cols in engine.SCALE_RULES]
    banded = [n for n in names if n.endswith("+decade_a")]
    assert banded and all(n.replace("+decade_a", "+decade_b") in names for n in banded)
    columns = set(features(_record("1990-01-01")))
    assert all(
        a in columns and b in columns
        for _n, cols in engine.SCALE_RULES
        for a, b in cols
        if (a, b) != engine.WITHOUT_DECADE
    )
    # and each loose rule between a record without an age and any other
    assert all(n.replace("+decade_a", "+without_decade") in names for n in banded)


def test_birth_years_less_than_five_apart_share_a_decade_on_one_grid() -> None:
    for year in range(1940, 2020):
        for shift in range(5):
            a, b = features(_record(f"{year}-03-04")), features(_record(f"{year + shift}-03-04"))
            assert a["by_band_a"] == b["by_band_a"] or a["by_band_b"] == b["by_band_b"], (year, shift)
    # an estimated age gives the band of its middle year; a missing age gives none
    assert features(_record(None, (15, 18)))["by_band_a"] is not None
    assert features(_record(None))["by_band_a"] is None and features(_record(None))["by_band_b"] is None


@pytest.mark.parametrize(
    ("budget", "bare", "expected"),
    [
        (
            9_000,
            False,
            "narrowed for this run (over 9000 pairs): municipality+given_prefix+decade_a / "
            "municipality+given_prefix+decade_b / municipality+given_prefix+sur2_ph (21676 -> 16355)",
        ),
        (5_000, False, "narrowed for this run (over 5000 pairs): municipality+given_prefix+sur2_ph (21676 -> 529)"),
        (
            5_000,
            True,
            "left out of this run (pairs over the budget of 5000 per rule, 180000 in all): "
            "municipality+given_prefix (21676)",
        ),
    ],
)
def test_a_rule_over_the_blocking_budget_is_narrowed_or_left_out_and_the_run_still_scores(
    monkeypatch, caplog, budget: int, bare: bool, expected: str
) -> None:
    """Every record in one town: "municipality + given prefix" makes one block per prefix (21,676 pairs), far
    over a small budget. Within one birth decade it makes 8,074 and 7,752 on the two grids (529 with the same
    second surname; none between a record without an age and another: every synthetic record has one), and
    also within one sex 6,244 and 6,025 (483). Each form is kept if it, or else its one-sex form, is within
    the budget: at 9,000 the three, at 5,000 the second-surname form. Records without sex or second surname
    (``bare``) give those forms no pair, and at 5,000 the rule is left out. The log says which; the other
    rules still find the copies."""
    import logging

    from amparo.linkage import engine
    from amparo.linkage.synthetic import generate, true_pairs

    items = list(generate(1500, seed=3))
    for item in items:
        item.record["department"], item.record["municipality"] = "GT-01", "GT-0101"
        if bare:
            item.record["gender"], item.record["surnames"] = "", item.record["surnames"].split()[0]
    monkeypatch.setattr(engine, "RULE_PAIRS_FLOOR", budget)
    monkeypatch.setattr(engine, "RULE_PAIRS_PER_RECORD", 3)
    with caplog.at_level(logging.WARNING, logger="amparo.linkage.engine"):
        prediction = engine.train_and_predict([i.record for i in items])
    messages = [r.getMessage() for r in caplog.records if r.getMessage().startswith("blocking rules")]
    assert f"blocking rules {expected}" in messages, messages
    assert sum("municipality+given_prefix" in m for m in messages) == 1
    found = {tuple(sorted((p["unique_id_l"], p["unique_id_r"]))) for p in prediction.pairs}
    assert len(found & true_pairs(items)) > 0.7 * len(true_pairs(items))


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
    # under the floor: all kept but those that bring no pair together (this file has no e-mail or phone)
    empty = [name for name, cols in rules if engine.rule_pairs(con, "recs", cols)[0] == 0]
    assert "email" in empty and "given_phonetic+surname_phonetic" not in empty
    assert kept == [rule for rule in rules if rule[0] not in empty] and not left_out
    # budgets of 100 pairs per rule and 300 in all: the rules over 100 go, then the largest until 300
    monkeypatch.setattr(engine, "RULE_PAIRS_FLOOR", 0)
    monkeypatch.setattr(engine, "RULE_PAIRS_PER_RECORD", 100 / len(records))
    monkeypatch.setattr(engine, "TOTAL_PAIRS_PER_RECORD", 300 / len(records))
    counts = {name: engine.rule_pairs(con, "recs", cols)[0] for name, cols in rules}
    kept, left_out = engine.affordable_rules(con, "recs", rules, len(records))
    kept_counts = {name: engine.rule_pairs(con, "recs", cols)[0] for name, cols in kept}
    assert all(n <= 100 for n in kept_counts.values()) and sum(kept_counts.values()) <= 300 and left_out
    # a rule over 100 is kept only narrowed, to one birth decade (both grids) or also one sex
    for name, n in counts.items():
        if n > 100:
            assert name not in kept_counts
            assert any(k == name or k.startswith(f"{name}+") for k in [*left_out, *kept_counts])
    # every rule is kept, narrowed or left out, in the original order
    bases = [next(r for r, _c in rules if k == r or k.startswith(f"{r}+")) for k in kept_counts]
    assert bases == sorted(bases, key=[r for r, _c in rules].index)
    # every rule over budget, narrowed or not: the smallest is still kept (no rule would compare every pair)
    monkeypatch.setattr(engine, "rule_pairs", lambda _con, _table, cols: (1_000 + len(cols), 1))
    kept, left_out = engine.affordable_rules(con, "recs", rules, len(records))
    assert len(kept) == 1 and len(kept[0][1]) == min(len(cols) for _name, cols in rules)
    assert kept[0] in rules and len(left_out) == len(rules) - 1


SEX, DEPARTMENT = ("gender", "gender"), ("department", "department")


def _narrower(rule: tuple, keys: list) -> tuple:
    suffix = "".join("+sex" if key == SEX else "+department" for key in keys)
    return (f"{rule[0]}{suffix}", [*rule[1], *keys])


def test_a_rule_is_narrowed_to_one_birth_decade_or_the_other_name_each_form_else_by_sex_and_department() -> None:
    given = ("given_phonetic+surname_phonetic", [("given1_ph", "given1_ph"), ("sur1_ph", "sur1_ph")])
    forms = engine.narrower_rules(given)
    decade = [candidates[0] for candidates in forms]
    assert decade == [
        ("given_phonetic+surname_phonetic+decade_a", [*given[1], ("by_band_a", "by_band_a")]),
        ("given_phonetic+surname_phonetic+decade_b", [*given[1], ("by_band_b", "by_band_b")]),
        # records without an age have no decade: the rule still brings them to any other record, and the
        # second surname brings them together
        ("given_phonetic+surname_phonetic+without_decade", [*given[1], engine.WITHOUT_DECADE]),
        ("given_phonetic+surname_phonetic+sur2_ph", [*given[1], ("sur2_ph", "sur2_ph")]),
    ]
    # each form, then narrowest last: within one sex, one department, both
    assert forms == [
        [form, *(_narrower(form, keys) for keys in ([SEX], [DEPARTMENT], [SEX, DEPARTMENT]))] for form in decade
    ]
    # a rule with the sex already: each form, then within one department; the last form with the given name
    surnames = next(rule for rule in engine.SCALE_RULES if rule[0] == "both_surnames_phonetic+sex")
    last = (f"{surnames[0]}+given1_ph", [*surnames[1], ("given1_ph", "given1_ph")])
    assert engine.narrower_rules(surnames)[-1] == [last, _narrower(last, [DEPARTMENT])]
    # a rule that already has a decade (or is between a record without one and any other) can only take the
    # sex and the department; one with both the sex and a decade, only the department
    for name in ("municipality+given_prefix3+decade_a", "surname_phonetic+given_prefix3+without_decade"):
        banded = next(rule for rule in engine.SCALE_RULES if rule[0] == name)
        assert engine.narrower_rules(banded) == [
            [_narrower(banded, k) for k in ([SEX], [DEPARTMENT], [SEX, DEPARTMENT])]
        ]
    swapped = next(rule for rule in engine.SCALE_RULES if rule[0] == "surnames_swapped+sex+decade_a")
    assert engine.narrower_rules(swapped) == [[_narrower(swapped, [DEPARTMENT])]]
    assert engine.narrower_rules(("d", [DEPARTMENT, SEX, ("by_band_a", "by_band_a")])) == []


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


def test_a_narrower_form_without_any_pair_does_not_replace_the_rule(monkeypatch) -> None:
    """A file without the sex (Splink's fake_1000 layout) gives the "+sex" forms no pair: the rule is then left
    out, not replaced by a rule that blocks nothing."""
    rule = ("given_phonetic+surname_phonetic", [("given1_ph", "given1_ph"), ("sur1_ph", "sur1_ph")])
    other = ("document", [("doc1", "doc1")])
    monkeypatch.setattr(engine, "RULE_PAIRS_FLOOR", 500)
    monkeypatch.setattr(engine, "RULE_PAIRS_PER_RECORD", 0)

    def counted(with_sex: int):
        def rule_pairs(_con, _table, cols):
            if cols == other[1]:
                return 10, 2
            return (with_sex if ("gender", "gender") in cols else 600 if len(cols) == 3 else 1_000), 50

        return rule_pairs

    monkeypatch.setattr(engine, "rule_pairs", counted(0))
    kept, left_out = engine.affordable_rules(None, "recs", [rule, other], 100)
    assert kept == [other] and left_out == {rule[0]: 1_000}
    monkeypatch.setattr(engine, "rule_pairs", counted(200))
    kept, left_out = engine.affordable_rules(None, "recs", [rule, other], 100)
    narrowed = [f"{rule[0]}+{key}+sex" for key in ("decade_a", "decade_b", "without_decade", "sur2_ph")]
    assert [name for name, _cols in kept] == [*narrowed, "document"]
    assert not left_out


def test_each_narrower_form_is_kept_alone_when_within_the_budget(monkeypatch) -> None:
    """A register without ages: the decade forms bring nothing together and the form without a decade is the
    whole rule, over the budget, and so is its one-sex form; the second-surname form is still kept (a form
    over the budget does not take the others with it)."""
    rule = ("given_phonetic+surname_phonetic", [("given1_ph", "given1_ph"), ("sur1_ph", "sur1_ph")])
    monkeypatch.setattr(engine, "RULE_PAIRS_FLOOR", 500)
    monkeypatch.setattr(engine, "RULE_PAIRS_PER_RECORD", 0)

    def rule_pairs(_con, _table, cols):
        if any(a.startswith("by_band") for a, _b in cols):
            return 0, 0
        if engine.WITHOUT_DECADE in cols:
            return (700 if ("gender", "gender") in cols else 1_000), 50
        return (80 if ("sur2_ph", "sur2_ph") in cols else 1_000), 50

    monkeypatch.setattr(engine, "rule_pairs", rule_pairs)
    kept, left_out = engine.affordable_rules(None, "recs", [rule], 100)
    assert kept == [(f"{rule[0]}+sur2_ph", [*rule[1], ("sur2_ph", "sur2_ph")])] and not left_out

    # within one department the form without a decade fits: it is kept so (and the decade forms, without
    # any pair, are not narrowed further)
    def with_departments(_con, _table, cols):
        if ("department", "department") in cols and engine.WITHOUT_DECADE in cols:
            return 300, 20
        return rule_pairs(_con, _table, cols)

    monkeypatch.setattr(engine, "rule_pairs", with_departments)
    kept, left_out = engine.affordable_rules(None, "recs", [rule], 100)
    assert [name for name, _cols in kept] == [f"{rule[0]}+without_decade+department", f"{rule[0]}+sur2_ph"]


def _without_age(record: LinkRecord) -> LinkRecord:
    return {**record, "date_of_birth": None, "age_min": None, "age_max": None, "age_assessed_on": None}


def test_a_record_without_an_age_is_brought_to_any_other_by_the_loose_rules() -> None:
    """A large register's loose rules require one birth decade, which a record without an age lacks: their
    "+without_decade" forms bring such a record to any other with the same keys, and nothing more (Python's
    blocked_by, the SQL Splink runs and the pair count of the budget agree)."""
    import duckdb
    import pyarrow as pa

    from amparo.linkage.records import to_columns
    from amparo.linkage.synthetic import generate, true_pairs

    items = list(generate(3000, seed=8))
    for item in items[::4]:  # a quarter of the records without any age
        item.record = _without_age(item.record)
    records = [i.record for i in items]
    feats = {str(r["unique_id"]): features(r) for r in records}
    truth = true_pairs(items)
    ageless = [p for p in truth if feats[p[0]]["by_band_a"] is None or feats[p[1]]["by_band_a"] is None]
    with_decade = [(n, c) for n, c in engine.SCALE_RULES if engine.WITHOUT_DECADE not in c]

    def kept(rules: list, pairs: list) -> int:
        return sum(any(engine.blocked_by(c, feats[a], feats[b]) for _n, c in rules) for a, b in pairs)

    assert len(ageless) > 200
    assert kept(engine.SCALE_RULES, ageless) > kept(with_decade, ageless) + 0.05 * len(ageless)
    aged = list(truth - set(ageless))
    assert kept(engine.SCALE_RULES, aged) == kept(with_decade, aged)  # records with an age: nothing changes

    con = duckdb.connect(":memory:")
    con.register("recs", pa.table(to_columns(records)))
    for name, cols in engine.SCALE_RULES:
        if engine.WITHOUT_DECADE not in cols:
            continue
        where = " OR ".join(f"({sql})" for sql in engine.blocking_sqls(cols))
        listed = set(
            con.execute(
                f"SELECT l.unique_id, r.unique_id FROM recs l JOIN recs r ON ({where}) AND l.unique_id < r.unique_id"
            ).fetchall()
        )
        assert all(engine.blocked_by(cols, feats[a], feats[b]) for a, b in listed), name
        assert all(feats[a]["by_band_a"] is None or feats[b]["by_band_a"] is None for a, b in listed), name
        if cols[0][0] == cols[0][1]:  # symmetric keys (an l.a = r.b rule is run in both orientations)
            wanted = {p for p in ageless if engine.blocked_by(cols, feats[p[0]], feats[p[1]])}
            assert wanted and wanted <= listed, name
            assert engine.rule_pairs(con, "recs", cols)[0] == len(listed), name  # the budget's count is exact
        else:  # l.a = r.b: half the ordered pairs, rounded up
            assert abs(engine.rule_pairs(con, "recs", cols)[0] - len(listed)) <= 0.2 * len(listed) + 1, name


@pytest.mark.parametrize(("in_a_department", "kept_names"), [(80, ["a+department", "b", "c"]), (0, ["b", "c"])])
def test_a_rule_over_the_total_budget_is_kept_within_one_department_when_that_is_far_smaller(
    monkeypatch, caplog, in_a_department: int, kept_names: list
) -> None:
    """The total budget (1,200 here) takes out the largest rule, a (1,000 pairs); within one sex it would
    keep 900 of them, not enough, within one department 80: it is kept so. A file without departments leaves
    it out, as before."""
    import logging

    rules = [(name, [(f"{name}_key", f"{name}_key")]) for name in ("a", "b", "c")]
    monkeypatch.setattr(engine, "RULE_PAIRS_FLOOR", 0)
    monkeypatch.setattr(engine, "RULE_PAIRS_PER_RECORD", 20)  # 2,000 per rule: none over
    monkeypatch.setattr(engine, "TOTAL_PAIRS_PER_RECORD", 12)

    def rule_pairs(_con, _table, cols):
        base = {"a_key": 1_000, "b_key": 900, "c_key": 100}[cols[0][0]]
        if ("department", "department") in cols:
            return (in_a_department if base == 1_000 else base // 10), 5
        return (base * 9 // 10 if ("gender", "gender") in cols else base), 5

    monkeypatch.setattr(engine, "rule_pairs", rule_pairs)
    with caplog.at_level(logging.WARNING, logger="amparo.linkage.engine"):
        kept, left_out = engine.affordable_rules(None, "recs", rules, 100)
    assert [name for name, _cols in kept] == kept_names
    if in_a_department:
        assert kept[0][1] == [("a_key", "a_key"), ("department", "department")] and not left_out
        assert any("a -> a+department (80)" in r.getMessage() for r in caplog.records)
    else:
        assert left_out == {"a": 1_000}


@pytest.mark.parametrize("seed", range(12))
def test_every_rule_a_budget_runs_is_one_of_the_forms_of_a_register_rule(monkeypatch, seed: int) -> None:
    """bench/linkage counts which rules blocked each true pair before the run, from ``engine.forms_of``: a
    rule the budgets run that is not among them would be missed (the form within one department, then within
    one sex too, was). Pair counts drawn at random per rule so that rules are narrowed, replaced for the total
    budget and left out in many combinations."""
    import random

    rng = random.Random(seed)
    rules = [
        ("a", [("given1_ph", "given1_ph"), ("sur1_ph", "sur1_ph")]),
        ("b", [("sur1_ph", "sur1_ph"), ("sur2_ph", "sur2_ph")]),
        ("c", [("sur1_ph", "sur1_ph"), ("by_band_a", "by_band_a")]),
    ]
    counts: dict[tuple, int] = {}

    def rule_pairs(_con, _table, cols):
        key = tuple(sorted(map(tuple, cols)))
        if key not in counts:  # narrower keys never have more pairs than the keys they add to
            wider = [n for k, n in counts.items() if set(k) < set(key)]
            counts[key] = rng.randint(0, min(wider, default=4_000))
        return counts[key], 5

    monkeypatch.setattr(engine, "rule_pairs", rule_pairs)
    monkeypatch.setattr(engine, "RULE_PAIRS_FLOOR", 0)
    monkeypatch.setattr(engine, "RULE_PAIRS_PER_RECORD", 15)
    monkeypatch.setattr(engine, "TOTAL_PAIRS_PER_RECORD", 20)
    kept, _left_out = engine.affordable_rules(None, "recs", rules, 100)
    forms = {name: cols for rule in rules for name, cols in engine.forms_of(rule)}
    assert kept
    for name, cols in kept:
        assert forms.get(name) == cols, name


def test_the_forms_of_a_rule_include_its_narrowed_forms_within_one_department_and_then_one_sex() -> None:
    rule = ("a", [("given1_ph", "given1_ph"), ("sur1_ph", "sur1_ph")])
    names = [name for name, _cols in engine.forms_of(rule)]
    assert names[0] == "a" and len(names) == len(set(names))
    assert {"a+sex", "a+decade_a+department", "a+decade_a+department+sex", "a+decade_a+sex+department"} <= set(names)
