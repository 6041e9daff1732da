"""bench/linkage/faker_set.py: a second labelled generator (Faker es_MX), read by evaluate_csv.py."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tests.linkage.bench_scripts import load

faker_set = load("faker_set")
ev = load("evaluate_csv")


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_same_seed_writes_the_same_file_and_estimated_ages_change_only_the_dates(tmp_path: Path) -> None:
    faker_set.write(tmp_path / "a.csv", 400, seed=5)
    faker_set.write(tmp_path / "b.csv", 400, seed=5)
    faker_set.write(tmp_path / "ages.csv", 400, seed=5, estimated_ages=1.0)
    plain, again, ages = _read(tmp_path / "a.csv"), _read(tmp_path / "b.csv"), _read(tmp_path / "ages.csv")
    assert plain == again and len(plain) == 400 and list(plain[0]) == faker_set.HEADER
    assert len({row["cluster"] for row in plain}) < 400  # some persons have several records
    dated = [i for i, row in enumerate(plain) if row["fecha_nacimiento"]]
    assert dated and all(not plain[i]["edad"] for i in range(400))
    # every dated record now has an age instead, assessed on the fixed day; nothing else moved
    assert all(ages[i]["edad"] and not ages[i]["fecha_nacimiento"] for i in dated)
    assert {ages[i]["fecha_evaluacion"] for i in dated} == {faker_set.ASSESSED_ON.isoformat()}
    other = ["cluster", "nombres", "apellido_paterno", "apellido_materno", "sexo", "estado", "ciudad", "documento"]
    assert [[row[k] for k in other] for row in ages] == [[row[k] for k in other] for row in plain]


def test_its_file_is_read_in_full_and_deduplicated_above_a_floor(tmp_path: Path) -> None:
    """2,000 records (seed 3, 45 % estimated ages): every column is found, and the groups score above a floor
    (measured 0.999)."""
    path = tmp_path / "registro.csv"
    faker_set.write(path, 2000, seed=3, estimated_ages=0.45)
    loaded = ev.load(path)
    assert loaded.mapping["department"] == "estado" and loaded.mapping["assessed_on"] == "fecha_evaluacion"
    assert loaded.mapping["phone"] == "telefono" and loaded.mapping["second_surname"] == "apellido_materno"
    with_age = [r for r in loaded.records if r["age_min"] is not None]
    assert with_age and all(r["date_of_birth"] is None for r in with_age)
    measures = ev.evaluate(loaded)
    assert measures.records == 2000
    assert measures.groups[2] >= 0.97, measures


def test_concentrated_names_are_carried_by_many_persons(tmp_path: Path) -> None:
    from collections import Counter

    faker_set.write(tmp_path / "even.csv", 3000, seed=4)
    faker_set.write(tmp_path / "concentrated.csv", 3000, seed=4, concentrated=True)
    for name, low, high in (("even.csv", 0.0, 0.01), ("concentrated.csv", 0.025, 0.06)):
        surnames = Counter(row["apellido_paterno"] for row in _read(tmp_path / name))
        share = surnames.most_common(1)[0][1] / 3000
        assert low <= share <= high, (name, share)  # the commonest surname: 1/623 of persons, or about 4 %


def test_a_bad_count_or_share_is_refused(tmp_path: Path) -> None:
    for argv in (["0", str(tmp_path / "x.csv")], ["10", str(tmp_path / "x.csv"), "--estimated-ages", "1.5"]):
        with pytest.raises(SystemExit) as exit_info:
            faker_set.main(argv)
        assert exit_info.value.code == 2
    assert not (tmp_path / "x.csv").exists()
