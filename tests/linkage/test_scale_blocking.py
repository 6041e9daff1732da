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
