"""bench/linkage/pprl_sets.py: partner linkage measured on a labelled CSV file of one's own."""

from __future__ import annotations

import csv
import re

from tests.linkage.bench_scripts import load


def _two_institutions(path, records: int) -> None:
    """A synthetic file whose first record of each person is institution A's and the later ones B's."""
    evaluate_csv = load("evaluate_csv")
    evaluate_csv.write_synthetic(records, 3, path)
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    seen: set[str] = set()
    for row in rows:
        row["owner"] = "B" if row["entity"] in seen else "A"
        seen.add(row["entity"])
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def test_a_csv_with_two_institutions_is_split_by_them(tmp_path) -> None:
    pprl_sets = load("pprl_sets")
    path = tmp_path / "two.csv"
    _two_institutions(path, 300)
    ours, theirs, ours_e, theirs_e = pprl_sets._csv(path)
    assert len(ours) + len(theirs) == 300 and len(set(ours_e)) == len(ours)  # A holds each person once
    assert {r["owner_org"] for r in ours} != {r["owner_org"] for r in theirs}
    assert set(theirs_e) <= set(ours_e)


def test_the_table_is_printed_for_the_file_and_the_lead_only_adds_links(tmp_path, capsys) -> None:
    pprl_sets = load("pprl_sets")
    path = tmp_path / "two.csv"
    _two_institutions(path, 600)
    pprl_sets.main_args(["--csv", str(path)])
    row = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("two.csv |"))
    cells = re.findall(r"([01]\.\d{3}) \(([01]\.\d{2}) / ([01]\.\d{2}), [\d,]+ false\)", row)
    assert len(cells) == len(pprl_sets.SETTINGS)
    recall = {setting: float(r) for setting, (_f, _p, r) in zip(pprl_sets.SETTINGS, cells, strict=True)}
    assert recall[(0.78, 0.05)] >= recall[(0.78, None)] > 0.5
    assert recall[(0.7, 0.05)] >= recall[(0.7, None)]


def test_a_file_that_cannot_be_read_is_refused_with_its_reason(tmp_path, capsys) -> None:
    import pytest

    pprl_sets = load("pprl_sets")
    path = tmp_path / "names.csv"
    path.write_text("id,given_names\n1,Ana\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exc:
        pprl_sets.main_args(["--csv", str(path)])
    assert exc.value.code == 2
    assert "error:" in capsys.readouterr().err
