"""Disclosure control: primary and secondary suppression, audited by an independent method (exact linear
algebra over the rationals, and brute-force enumeration with non-negative counts), over every small table
of a grid of values (hypothesis is not a dependency of the project: the tables are exhaustive instead)."""

from __future__ import annotations

import itertools
import random

import pytest

from amparo.stats.disclosure import (
    MISSING,
    bridges,
    extended_grid,
    is_k_anonymous,
    k_anonymize,
    k_of,
    protect_series,
    protect_table,
    suppression_pattern,
)

T = 11


PRIME = 2_147_483_647  # ranks over GF(p) equal ranks over the rationals for these 0/1/-1 systems


def _rref_determined(equations: list[list[int]], n_unknowns: int) -> set[int]:
    """Unknown i is determined iff the unit vector e_i is in the row space, i.e. iff i is a pivot column
    whose reduced row has no other non-zero entry."""
    rows = [[v % PRIME for v in eq] for eq in equations]
    pivots: list[tuple[int, int]] = []
    rank = 0
    for col in range(n_unknowns):
        pivot = next((r for r in range(rank, len(rows)) if rows[r][col]), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        inverse = pow(rows[rank][col], PRIME - 2, PRIME)
        rows[rank] = [v * inverse % PRIME for v in rows[rank]]
        for r in range(len(rows)):
            if r != rank and rows[r][col]:
                factor = rows[r][col]
                rows[r] = [(a - factor * b) % PRIME for a, b in zip(rows[r], rows[rank], strict=True)]
        pivots.append((rank, col))
        rank += 1
    return {col for r, col in pivots if sum(1 for v in rows[r] if v) == 1}


def recoverable_by_algebra(n_rows: int, n_cols: int, hidden: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """Hidden cells of an extended table (totals last) that the published equations pin down (exact
    linear algebra, independent of the graph argument the module uses)."""
    unknowns = sorted(hidden)
    if not unknowns:
        return set()
    index = {cell: i for i, cell in enumerate(unknowns)}
    equations: list[list[int]] = []
    for r in range(n_rows + 1):  # each row: its cells minus its total = 0 (the totals row too)
        eq = [0] * len(unknowns)
        for c in range(n_cols + 1):
            if (r, c) in index:
                eq[index[(r, c)]] += 1 if c < n_cols else -1
        equations.append(eq)
    for c in range(n_cols + 1):
        eq = [0] * len(unknowns)
        for r in range(n_rows + 1):
            if (r, c) in index:
                eq[index[(r, c)]] += 1 if r < n_rows else -1
        equations.append(eq)
    return {unknowns[i] for i in _rref_determined(equations, len(unknowns))}


def hidden_cells(table) -> set[tuple[int, int]]:
    return {(r, c) for r, row in enumerate(table.extended()) for c, v in enumerate(row) if v is None}


def test_primary_suppression_hides_small_counts_not_zeros() -> None:
    s = protect_series(["a", "b", "c", "d"], [0, 3, 10, 40], T)
    assert s.values == (0, None, None, 40)
    assert s.total == 53


def test_a_single_small_cell_gets_a_complement_in_a_series() -> None:
    s = protect_series(["a", "b", "c"], [4, 25, 30], T)
    assert s.values == (None, None, 30)  # 4 would be total - 25 - 30
    assert s.total == 59


def test_series_with_nothing_else_to_hide_hides_its_total() -> None:
    s = protect_series(["a", "b"], [4, 0], T)
    assert s.values == (None, 0) and s.total is None


def test_threshold_is_a_parameter() -> None:
    assert protect_series(["a", "b"], [4, 30], 3).values == (4, 30)


@pytest.mark.parametrize("bad", [[-1, 3], [1]])
def test_bad_series_input_is_refused(bad: list[int]) -> None:
    with pytest.raises(ValueError):
        protect_series(["a", "b"], bad, T)


def test_every_small_series_is_safe() -> None:
    values = [0, 1, 5, 10, 11, 30]
    for n in (1, 2, 3, 4):
        for counts in itertools.product(values, repeat=n):
            s = protect_series([str(i) for i in range(n)], list(counts), T)
            # no shown small cell
            assert all(v is None or not 0 < v < T for v in s.values)
            # with the total shown, a hidden cell is recoverable only if it is the only one hidden
            hidden = [i for i, v in enumerate(s.values) if v is None]
            if s.total is not None and hidden:
                assert len(hidden) >= 2, counts
            # with non-negative counts: the hidden cells share total - shown (>= 1, a hidden cell is not 0
            # unless it is a complement), so each can still be anything from 0 to that remainder
            if s.total is not None and hidden:
                assert s.total - sum(v for v in s.values if v is not None) >= 1


def test_table_example_has_no_recoverable_cell() -> None:
    counts = [[3, 20, 15], [12, 0, 40], [25, 30, 5]]
    t = protect_table(["r1", "r2", "r3"], ["a", "b", "c"], counts, T)
    assert t.cells[0][0] is None and t.cells[2][2] is None
    assert recoverable_by_algebra(3, 3, hidden_cells(t)) == set()
    # shown cells are the true ones
    grid = extended_grid(counts)
    for r, row in enumerate(t.extended()):
        for c, v in enumerate(row):
            assert v is None or v == grid[r][c]


def test_bridges_match_linear_algebra_on_random_patterns() -> None:
    rng = random.Random(7)
    for _ in range(400):
        n, m = rng.randint(1, 4), rng.randint(1, 4)
        cells = [(r, c) for r in range(n + 1) for c in range(m + 1)]
        hidden = set(rng.sample(cells, rng.randint(0, len(cells))))
        assert bridges(hidden) == recoverable_by_algebra(n, m, hidden), (n, m, hidden)


@pytest.mark.parametrize(
    ("n", "m", "values"), [(1, 2, [0, 2, 11, 40]), (2, 2, [0, 1, 9, 12, 30]), (2, 3, [0, 4, 15]), (3, 2, [0, 4, 15])]
)
def test_every_small_table_is_safe(n: int, m: int, values: list[int]) -> None:
    """Exhaustive: every table of these shapes over these values. No shown cell is small (totals
    included) and no hidden cell can be recovered from the published cells and totals."""
    for flat in itertools.product(values, repeat=n * m):
        counts = [list(flat[r * m : (r + 1) * m]) for r in range(n)]
        hidden, primary = suppression_pattern(counts, T)
        grid = extended_grid(counts)
        for r, row in enumerate(grid):
            for c, v in enumerate(row):
                if 0 < v < T:
                    assert (r, c) in hidden
        assert primary <= hidden
        assert recoverable_by_algebra(n, m, hidden) == set(), counts


def test_random_larger_tables_are_safe() -> None:
    rng = random.Random(11)
    for _ in range(1500):
        n, m = rng.randint(2, 5), rng.randint(2, 6)
        counts = [[rng.choice([0, 0, 1, 3, 8, 12, 25, 60]) for _ in range(m)] for _ in range(n)]
        hidden, _primary = suppression_pattern(counts, T)
        assert recoverable_by_algebra(n, m, hidden) == set(), counts


def test_non_negative_counts_do_not_pin_a_hidden_cell_in_2x2_tables() -> None:
    """Stronger than subtraction: the attacker also knows counts are not negative. Enumerate tables
    consistent with what is published (interior cells 0..6, which is enough to find two values); each
    hidden cell must take at least two values. A low threshold keeps the enumeration small."""
    threshold = 4
    for flat in itertools.product([0, 1, 5], repeat=4):
        counts = [list(flat[:2]), list(flat[2:])]
        published = protect_table(["a", "b"], ["x", "y"], counts, threshold).extended()
        unknown = [(r, c) for r in range(3) for c in range(3) if published[r][c] is None]
        interior = [(r, c) for (r, c) in unknown if r < 2 and c < 2]
        options: dict[tuple[int, int], set[int]] = {cell: set() for cell in unknown}
        for guess in itertools.product(range(7), repeat=len(interior)):
            cells = [[published[r][c] for c in range(2)] for r in range(2)]
            for (r, c), v in zip(interior, guess, strict=True):
                cells[r][c] = v
            grid = extended_grid(cells)  # type: ignore[arg-type]
            if all(published[r][c] in (None, grid[r][c]) for r in range(3) for c in range(3)):
                for r, c in unknown:
                    options[(r, c)].add(grid[r][c])
        for cell, seen in options.items():
            assert len(seen) >= 2, (counts, cell, seen)


def test_table_label_mismatch_is_refused() -> None:
    with pytest.raises(ValueError):
        protect_table(["a"], ["x", "y"], [[1]], T)


def test_k_of_and_check() -> None:
    records = [{"sex": "F", "age": "9-17"}] * 3 + [{"sex": "M", "age": "18-20"}]
    assert k_of(records, ["sex", "age"]) == 1
    assert not is_k_anonymous(records, ["sex", "age"], 2)
    assert is_k_anonymous([], ["sex"], 11)


def test_k_anonymize_blanks_least_important_first_then_drops() -> None:
    records = (
        [{"sex": "F", "age": "9-17", "nat": "GT"}] * 12
        + [{"sex": "F", "age": "9-17", "nat": "HN"}] * 2  # nat blanked -> joins nothing but the F/9-17/-99 class
        + [{"sex": "F", "age": "9-17", "nat": "SV"}] * 9
        + [{"sex": "M", "age": "48+", "nat": "MX"}]  # alone: blanked fully, then dropped
    )
    result = k_anonymize(records, ["sex", "age", "nat"], 11)
    assert is_k_anonymous(result.records, ["sex", "age", "nat"], 11)
    nats = sorted(r["nat"] for r in result.records)
    assert nats.count("GT") == 12 and nats.count(MISSING) == 11
    assert result.dropped == 1
    assert result.blanked >= 11


def test_k_anonymize_generalizes_first() -> None:
    records = [{"age": a} for a in range(10, 21)]
    result = k_anonymize(records, ["age"], 11, generalizers={"age": lambda a: "9-17" if a < 18 else "18+"})
    assert result.dropped == 0 and {r["age"] for r in result.records} == {MISSING}
