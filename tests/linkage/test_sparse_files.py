"""Files unlike Amparo's register: one surname, no identity number, no sex, an e-mail address, a town without
a department, given name and surname entered in each other's field (Splink's own example data is such a file).
Before, EM left the date of birth with Splink's default m there, the prior fell to one match in all the pairs,
the town was never compared and the e-mail not at all."""

from __future__ import annotations

import datetime
import random
from pathlib import Path
from typing import Any

import pytest
from django.http import QueryDict

from amparo.linkage import engine
from amparo.linkage.records import LinkRecord, blank_record, email_key, features
from amparo.linkage.scoring import Scorer
from amparo.linkage.views import _record_from_form
from amparo.people import demo_names as names
from tests.linkage.bench_scripts import load

measures = load("dedup_measures")

GIVEN = names.GIVEN_NAMES_FEMALE + names.GIVEN_NAMES_MALE
SURNAMES = names.SURNAMES_SPANISH
TOWNS = ["London", "Leeds", "Bristol", "Hull", "Cardiff", "York", "Derby"]


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def english_style(persons: int, seed: int) -> tuple[list[LinkRecord], dict[str, str]]:
    """Labelled records in the manner of Splink's fake_1000 (generated here, never real people): first name,
    one surname, date of birth, town and e-mail; copies with typos, dropped fields, a date off by a digit,
    and now and then the two names swapped."""
    rng = random.Random(seed)
    records: list[LinkRecord] = []
    labels: dict[str, str] = {}
    for person in range(persons):
        given, surname = rng.choice(GIVEN), rng.choice(SURNAMES)
        born = datetime.date(1960, 1, 1) + datetime.timedelta(days=rng.randrange(20_000))
        town = rng.choice(TOWNS)
        user = f"{given[0]}.{surname}{rng.randrange(100)}".lower().translate(str.maketrans("áéíóúñü ", "aeiounu_"))
        email = f"{user}@{rng.choice(['mail', 'post', 'web'])}.com"
        for copy in range(rng.choice([1, 2, 3, 4])):
            g, s, d, t, e = given, surname, born.isoformat(), town, email
            if copy:
                g = "" if rng.random() < 0.15 else _typo(rng, g) if rng.random() < 0.25 else g
                s = "" if rng.random() < 0.15 else _typo(rng, s) if rng.random() < 0.25 else s
                if rng.random() < 0.15:
                    g, s = s, g
                if rng.random() < 0.3:
                    d = (born.replace(day=min(born.day, 28), month=rng.randint(1, 12))).isoformat()
                t = "" if rng.random() < 0.3 else t
                e = "" if rng.random() < 0.3 else _typo(rng, e) if rng.random() < 0.2 else e
            uid = f"p{person}-{copy}"
            records.append(
                blank_record(unique_id=uid, given_names=g, surnames=s, date_of_birth=d, municipality=t.lower(), email=e)
            )
            labels[uid] = str(person)
    return records, labels


@pytest.fixture(scope="module")
def trained() -> tuple[list[LinkRecord], dict[str, str], engine.Prediction]:
    records, labels = english_style(400, seed=3)
    return records, labels, engine.train_and_predict(records)


def _weights(model: dict[str, Any], name: str) -> dict[str, float]:
    scorer = Scorer(model)
    return dict(zip(scorer.labels[name], scorer.weights[name], strict=True))


def test_without_documents_or_second_surnames_em_still_estimates_the_date_of_birth(trained: Any) -> None:
    _records, _labels, prediction = trained
    birth = _weights(prediction.model, "birth")
    # Splink's default gives "same date" m 0.95 and every other level the same small m: a mistyped date
    # weighed as much as two different dates. Estimated, a typo is evidence for and two dates against.
    assert birth["date_typo"] > 0 > birth["dates_differ"]
    assert birth["same_date"] > birth["date_typo"]


def test_the_prior_is_estimated_from_names_and_dates_with_one_surname(trained: Any) -> None:
    records, labels, prediction = trained
    n = len(records)
    lam = prediction.model["probability_two_random_records_match"]
    truth = len(measures.true_pairs(labels)) / (n * (n - 1) / 2)
    assert lam > 100 / (n * (n - 1) / 2)  # not the "one match in all the pairs" fallback
    assert truth / 4 < lam < truth * 4


def test_such_a_file_is_deduplicated_well(trained: Any) -> None:
    _records, labels, prediction = trained
    precision, recall, f1 = measures.groups_prf(prediction.clusters, measures.true_pairs(labels))
    assert f1 >= 0.93, (precision, recall, f1)  # measured 0.971 (0.679 before these changes)


def test_email_town_and_swapped_names_are_compared_and_scored_as_splink_does(trained: Any) -> None:
    records, _labels, prediction = trained
    by_id = {r["unique_id"]: features(r) for r in records}
    scorer = Scorer(prediction.model)
    seen: dict[str, set[str]] = {"email": set(), "place": set(), "given_name": set(), "surnames": set()}
    for pair in prediction.pairs:
        weight, evidence = scorer.score(by_id[pair["unique_id_l"]], by_id[pair["unique_id_r"]])
        assert weight == pytest.approx(pair["match_weight"], abs=1e-6)
        for name, found in seen.items():
            found.add(evidence[name]["level"])
    assert seen["email"] >= {"same", "similar", "missing"}
    assert "same_municipality" in seen["place"]  # a town without a department is compared
    assert "among_surnames" in seen["given_name"] and "among_given_names" in seen["surnames"]
    email = _weights(prediction.model, "email")
    assert email["same"] > 5 and email["different"] < 0


def test_an_email_address_is_compared_without_case_or_spaces() -> None:
    assert email_key(" Ana.Tum@Mail.COM ") == "ana.tum@mail.com"
    assert email_key("no address") is None and email_key("@") is None and email_key(None) is None


def test_the_same_email_user_name_or_swapped_names_bring_a_pair_to_scoring() -> None:
    records, _labels = english_style(1, seed=1)
    base = dict(records[0])
    other = {**base, "unique_id": "x", "email": base["email"].split("@")[0] + "@elsewhere.org"}
    assert engine.blocked_by(dict(engine.BLOCKING_RULES)["email_user_name"], features(base), features(other))  # type: ignore[arg-type]
    swapped = {**base, "unique_id": "y", "given_names": base["surnames"], "surnames": base["given_names"]}
    rule = dict(engine.BLOCKING_RULES)["names_swapped"]
    assert engine.blocked_by(rule, features(base), features(swapped))  # type: ignore[arg-type]
    assert dict(engine.SCALE_RULES)["names_swapped"] == rule


def test_the_person_form_as_typed_carries_the_email() -> None:
    data = QueryDict(mutable=True)
    data.update({"given_names": "Ana", "surnames": "Tum", "email": "Ana.Tum@mail.com"})
    assert _record_from_form(data, 1).get("email") == "Ana.Tum@mail.com"


def test_a_labelled_csv_in_splinks_example_layout_is_read(tmp_path: Path) -> None:
    """unique_id, first_name, surname, dob, city, email and group, as Splink's fake_1000 has them."""
    ev = load("evaluate_csv")
    path = tmp_path / "splink_style.csv"
    path.write_text(
        "unique_id,first_name,surname,dob,city,email,group\n"
        "0,Robert,Alan,1971-06-24,,robert255@smith.net,0\n"
        "1,Robert,Allen,1971-05-24,,roberta25@smith.net,0\n"
        "2,Rob,Allen,1971-06-24,London,roberta25@smith.net,0\n"
        "3,Hall,Isla,1985-02-07,London,islahall97@gutierrez.com,1\n",
        encoding="utf-8",
    )
    loaded = ev.load(path)
    assert loaded.mapping["entity"] == "group" and loaded.mapping["email"] == "email"
    assert loaded.mapping["municipality"] == "city"
    assert [r["email"] for r in loaded.records][:2] == ["robert255@smith.net", "roberta25@smith.net"]
    assert loaded.labels == {"0": "0", "1": "0", "2": "0", "3": "1"}
    assert "email <- email: 4 filled" in "\n".join(ev.describe(loaded))


def test_swapped_names_are_evidence_for_on_both_comparisons(trained: Any) -> None:
    """A copy with given name and surname swapped shows on both comparisons at once. The given-name blocks
    cannot show it among their matches (``engine.BLIND_LEVELS``): estimated there, "among the other record's
    given names" came out -20 bits while "among the other record's surnames" came out +2.5."""
    _records, _labels, prediction = trained
    assert _weights(prediction.model, "surnames")["among_given_names"] > 3
    assert _weights(prediction.model, "given_name")["among_surnames"] > 3


def test_a_date_less_than_a_year_off_is_not_counted_as_two_persons(trained: Any) -> None:
    _records, _labels, prediction = trained
    birth = _weights(prediction.model, "birth")
    assert birth["within_a_year"] > birth["dates_differ"] + 4
    assert birth["dates_differ"] < 0


def _with_strangers_sharing_two_surnames(persons: int, strangers: int) -> tuple[list[LinkRecord], dict[str, str]]:
    """A file of one-surname names plus ``strangers`` different persons who all carry the same two surnames
    (one family name in a town, say): the two-surname training block is then all strangers."""
    records, labels = english_style(persons, seed=11)
    rng = random.Random(5)
    for i in range(strangers):
        born = datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randrange(25_000))
        uid = f"stranger-{i}"
        records.append({**records[0], "unique_id": uid, "given_names": rng.choice(GIVEN), "email": ""})
        records[-1].update(surnames="Pérez Molina", date_of_birth=born.isoformat(), municipality=rng.choice(TOWNS))
        labels[uid] = uid
    return records, labels


def test_a_training_block_of_strangers_is_not_used_for_em() -> None:
    records, _labels = _with_strangers_sharing_two_surnames(1500, 40)  # 780 pairs, no two of the same person
    linker = engine._linker(records, None, engine.DEFAULT_MEMORY_LIMIT)
    try:
        assert engine._block_pairs(linker, ["sur1_ph", "sur2_ph"]) >= engine.MIN_BLOCK_PAIRS
        assert engine._certain_pairs(linker, ["sur1_ph", "sur2_ph"]) == 0
        engine._train(linker, len(records), 42, lambda _p, _s: None, {}, with_m=True)
        sessions = {
            trained["description"]
            for comparison in linker._settings_obj.comparisons
            for level in comparison._comparison_levels_excluding_null
            for trained in level._trained_m_probabilities
        }
        # a block on the given name cannot show swapped names among its matches: its estimate is not kept
        swapped = {
            (comparison.output_column_name, trained["description"])
            for comparison in linker._settings_obj.comparisons
            for level in comparison._comparison_levels_excluding_null
            if level.label_for_charts in ("among_given_names", "among_surnames")
            for trained in level._trained_m_probabilities
        }
    finally:
        linker._db_api._con.close()
    assert not any("sur2_ph" in s for s in sessions), sessions
    assert any("email" in s for s in sessions), sessions  # the date of birth is estimated on shared addresses
    assert swapped and not any("given1_ph" in s for name, s in swapped if name == "surnames"), swapped
    assert not any("sur1_ph" in s for name, s in swapped if name == "given_name"), swapped


def test_with_such_a_block_the_date_of_birth_is_still_estimated_from_copies() -> None:
    records, labels = _with_strangers_sharing_two_surnames(1500, 40)
    prediction = engine.train_and_predict(records)
    birth = _weights(prediction.model, "birth")
    assert birth["same_date"] > birth["date_typo"] > 0 > birth["dates_differ"]
    assert birth["within_a_year"] > 0
    _p, _r, f1 = measures.groups_prf(prediction.clusters, measures.true_pairs(labels))
    assert f1 >= 0.93, f1


def test_a_csv_in_splinks_historical_layout_is_read(tmp_path: Path) -> None:
    """Splink's other labelled example (historical figures): cluster, full_name, first_name, surname, dob,
    birth_place, postcode_fake, gender, occupation. The place of birth and the postcode are compared."""
    ev = load("evaluate_csv")
    path = tmp_path / "historical_style.csv"
    path.write_text(
        "unique_id,cluster,full_name,first_and_surname,first_name,surname,dob,birth_place,postcode_fake,gender,"
        "occupation\n"
        "a-1,a,ana tum 1st of x,ana tum,ana,tum,1830-08-01,devon,tq13 8df,female,poet\n"
        "a-2,a,ana of tum,ana tum,ana,tum,1830-08-01,,tq13 8df,,\n"
        "b-1,b,luis coc,luis coc,luis,coc,1866-06-21,bath,ba1 8pe,male,painter\n",
        encoding="utf-8",
    )
    loaded = ev.load(path)
    assert loaded.mapping["entity"] == "cluster"
    assert (loaded.mapping["given_names"], loaded.mapping["surnames"]) == ("first_name", "surname")
    assert (loaded.mapping["municipality"], loaded.mapping["address"]) == ("birth_place", "postcode_fake")
    assert [r["municipality"] for r in loaded.records] == ["devon", "", "bath"]
    assert [r["date_of_birth"] for r in loaded.records] == ["1830-08-01", "1830-08-01", "1866-06-21"]


@pytest.mark.parametrize(
    ("surnames", "married"),
    [
        ("López de García", "garcia"),
        ("López Pérez de García", "garcia"),
        ("López vda. de García", "garcia"),
        ("López de León", "leon"),  # may be a second surname: EM weighs the level on the register's data
        ("de León", None),  # a compound surname
        ("Pérez de la Cruz", None),
        ("López", None),
        ("López de", None),
    ],
)
def test_a_married_name_is_the_word_after_a_final_de(surnames: str, married: str | None) -> None:
    from amparo.linkage.records import married_name

    assert married_name(surnames) == married


def test_married_copies_weigh_for_a_match_when_the_register_has_them() -> None:
    """30 % of women's copies carry "de" and a husband's surname (``ClericalErrors.married``): EM gives
    "first surname identical, a married name on one side" a weight for a match, well above two different
    second surnames, and the Python scorer agrees with Splink on it."""
    from amparo.linkage.synthetic import ClericalErrors, generate

    items = list(generate(3000, seed=5, errors=ClericalErrors(married=0.3)))
    prediction = engine.train_and_predict([item.record for item in items])
    surnames = _weights(prediction.model, "surnames")
    assert surnames["first_exact_married"] > 3 and surnames["first_exact_married"] > surnames["first_exact"] + 3
    by_id = {item.record["unique_id"]: features(item.record) for item in items}
    scorer = Scorer(prediction.model)
    married = [
        pair
        for pair in prediction.pairs
        if scorer.score(by_id[pair["unique_id_l"]], by_id[pair["unique_id_r"]])[1]["surnames"]["level"]
        == "first_exact_married"
    ]
    assert married
    for pair in married:
        weight, _evidence = scorer.score(by_id[pair["unique_id_l"]], by_id[pair["unique_id_r"]])
        assert weight == pytest.approx(pair["match_weight"], abs=1e-6)


def test_an_email_address_shared_by_many_records_is_not_compared() -> None:
    """A shelter's address entered for twelve different victims: not an identity, so neither compared nor
    blocked on; "info" at ten domains: the addresses are compared, their user name is not blocked on. A person's
    own address, held by her two records, still is both."""
    from amparo.linkage.records import SHARED_DOCUMENT_LIMIT, to_columns

    records, _labels = english_style(30, seed=2)
    shelter, generic = SHARED_DOCUMENT_LIMIT + 4, SHARED_DOCUMENT_LIMIT + 2
    for i, record in enumerate(records[: shelter + generic]):
        record["email"] = "albergue@refugio.org" if i < shelter else f"info@dominio{i}.org"
    own = dict(records[-1])
    records.append({**own, "unique_id": "own-copy"})
    columns = to_columns(records)
    assert columns["email"][:shelter] == [None] * shelter and columns["email_user"][:shelter] == [None] * shelter
    assert all(columns["email"][shelter : shelter + generic])
    assert columns["email_user"][shelter : shelter + generic] == [None] * generic
    assert columns["email"][-1] == columns["email"][-2] == email_key(own["email"])
    assert columns["email_user"][-1] is not None
