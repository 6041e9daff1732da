"""Phone and street address: compared when both records have them (real registers and FEBRL do; the
Spanish-name synthetic set has neither, so its figures do not move)."""

from __future__ import annotations

import datetime
import random
from pathlib import Path

import pytest
from django.http import QueryDict

from amparo.linkage import engine
from amparo.linkage.records import features, phone_key
from amparo.linkage.scoring import Scorer
from amparo.linkage.synthetic import generate
from amparo.linkage.views import _record_from_form
from tests.linkage.bench_scripts import load


def test_a_phone_is_compared_by_its_last_eight_digits() -> None:
    assert phone_key("+502 5555-1234") == phone_key("5555 1234") == "55551234"
    assert phone_key("(502) 2233.4455") == "22334455"
    assert phone_key("12-34") is None and phone_key("") is None and phone_key(None) is None


def _with_contacts(seed: int) -> list[dict]:
    """Synthetic records given a phone and an address per person, dropped, mistyped or changed on copies."""
    rng = random.Random(seed)
    records, seen = [], set()
    for item in generate(1500, seed=5):
        record = dict(item.record)
        phone, address = f"5{item.entity:07d}", f"{item.entity % 97} calle {item.entity % 13} zona {item.entity % 7}"
        if item.entity in seen:  # a copy
            roll = rng.random()
            phone = "" if roll < 0.3 else phone[:-1] + str((int(phone[-1]) + 1) % 10) if roll < 0.45 else phone
            if rng.random() < 0.1:
                phone = f"4{rng.randint(0, 9_999_999):07d}"
            roll = rng.random()
            address = "" if roll < 0.3 else address.replace("calle", "cale") if roll < 0.5 else address
        seen.add(item.entity)
        record["phone"], record["address"] = phone, address
        records.append(record)
    return records


def test_the_python_scorer_gives_splinks_weights_with_phones_and_addresses() -> None:
    records = _with_contacts(3)
    prediction = engine.train_and_predict(records, threshold=-40)  # type: ignore[arg-type]
    by_id = {r["unique_id"]: features(r) for r in records}  # type: ignore[arg-type]
    scorer = Scorer(prediction.model)
    levels = {"phone": set(), "address": set()}
    for pair in prediction.pairs:
        weight, evidence = scorer.score(by_id[pair["unique_id_l"]], by_id[pair["unique_id_r"]])
        assert weight == pytest.approx(pair["match_weight"], abs=1e-6)
        for name in levels:
            levels[name].add(evidence[name]["level"])
    assert levels["phone"] >= {"same", "typo", "different", "missing"}
    assert levels["address"] >= {"same", "similar", "different", "missing"}
    same_phone = scorer.weights["phone"][2]
    assert same_phone > 5 and scorer.weights["phone"][0] < 0  # trained: agreement counts, a change a little


def test_a_shared_phone_brings_a_pair_to_scoring() -> None:
    rule = dict(engine.BLOCKING_RULES)["phone"]
    a = features({**generate(1, seed=1).__next__().record, "phone": "+502 5555 1234"})
    b = features({**generate(1, seed=2).__next__().record, "phone": "5555-1234"})
    assert engine.blocked_by(rule, a, b)
    assert dict(engine.SCALE_RULES)["phone"] == rule


def test_the_person_form_as_typed_carries_phone_and_address() -> None:
    data = QueryDict(mutable=True)
    data.update({"given_names": "Ana", "surnames": "Tum", "phone": "5555 1234", "address": "4 calle 3-20 zona 1"})
    record = _record_from_form(data, 1)
    assert record.get("phone") == "5555 1234" and record.get("address") == "4 calle 3-20 zona 1"
    assert record["age_assessed_on"] == datetime.date.today().isoformat()


def test_a_labelled_csv_may_have_phone_and_address_columns(tmp_path: Path) -> None:
    ev = load("evaluate_csv")
    path = tmp_path / "contacts.csv"
    path.write_text(
        "id,entity,given_name,surname,phone_number,street_address\n"
        "a1,p1,Ana,Tum,+502 5555 1234,4 calle 3-20\n"
        "a2,p1,Ana,Tum,5555-1234,\n",
        encoding="utf-8",
    )
    loaded = ev.load(path, as_of=datetime.date(2025, 6, 1))
    assert loaded.mapping["phone"] == "phone_number" and loaded.mapping["address"] == "street_address"
    first, second = loaded.records
    assert first["phone"] == "+502 5555 1234" and second["phone"] == "5555-1234"
    assert first["address"] == "4 calle 3-20" and second["address"] == ""
    described = "\n".join(ev.describe(loaded))
    assert "phone <- phone_number: 2 filled" in described and "address <- street_address: 1 filled" in described


def test_an_address_split_in_columns_is_joined(tmp_path: Path) -> None:
    ev = load("evaluate_csv")
    path = tmp_path / "febrl_like.csv"
    path.write_text(
        "rec_id,entity,given_name,surname,street_number,address_1,address_2\n"
        "rec-1-org,1,john,smith,12,miller place,wingara\n"
        "rec-1-dup-0,1,jon,smith,,miler place,\n",
        encoding="utf-8",
    )
    loaded = ev.load(path)
    assert [r["address"] for r in loaded.records] == ["12 miller place wingara", "miler place"]
    assert "street_number <- street_number: joined before the address" in "\n".join(ev.describe(loaded))


def test_levels_em_never_saw_are_scored_as_splink_scores_them() -> None:
    """A small register leaves levels without a trained m; the model carries the values Splink uses for them,
    so the Python scorer gives Splink's weights on every pair."""
    records = [item.record for item in generate(150, seed=4)]
    prediction = engine.train_and_predict(records, threshold=-40)
    for comparison in prediction.model["comparisons"]:
        for level in comparison["comparison_levels"]:
            if not level.get("is_null_level"):
                assert level.get("m_probability") and level.get("u_probability"), (comparison, level)
    by_id = {r["unique_id"]: features(r) for r in records}
    scorer = Scorer(prediction.model)
    assert prediction.pairs
    for pair in prediction.pairs:
        weight, _evidence = scorer.score(by_id[pair["unique_id_l"]], by_id[pair["unique_id_r"]])
        assert weight == pytest.approx(pair["match_weight"], abs=1e-6)
