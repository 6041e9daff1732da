"""Statistical disclosure control: the one place where small cells are hidden.

Everything that leaves the identified-data world (dashboards seen by statisticians, exports, the annual
report) goes through these pure functions.

- Primary suppression: a count ``0 < n < threshold`` is hidden (zeros are shown: they reveal no person).
- Secondary (complementary) suppression: a table published with its row and column totals is a system of
  linear equations. Moving the totals into the table with a minus sign gives an (R+1) x (C+1) table whose
  every row and column sums to zero; the hidden cells are the edges of a bipartite graph (rows, columns),
  and a hidden cell can be recovered by subtraction exactly when its edge lies on no cycle (a bridge).
  So secondary suppression adds the cheapest cells (shortest path, small non-zero counts first, zeros and
  totals last) that put every hidden cell on a cycle.
- k-anonymity of record-level releases: every combination of quasi-identifiers is shared by at least k
  records; records that are not are generalised by blanking quasi-identifiers one by one, and dropped
  only if that is not enough.
"""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

DEFAULT_THRESHOLD = 11
MISSING = "-99"  # CTDC's code for a missing value


def threshold_from_settings() -> int:
    from django.conf import settings

    return int(getattr(settings, "STATS_SUPPRESSION_THRESHOLD", DEFAULT_THRESHOLD))


def is_small(value: int, threshold: int) -> bool:
    return 0 < value < threshold


# --------------------------------------------------------------------------------------------- one-way


@dataclass(frozen=True)
class Series:
    """A one-way table (a bar chart) with its total, after disclosure control."""

    labels: tuple[str, ...]
    values: tuple[int | None, ...]  # None: suppressed
    total: int | None
    threshold: int

    @property
    def suppressed(self) -> int:
        return sum(1 for v in self.values if v is None) + (1 if self.total is None else 0)

    def rows(self) -> list[tuple[str, int | None]]:
        return list(zip(self.labels, self.values, strict=True))


def protect_series(labels: Sequence[str], counts: Sequence[int], threshold: int) -> Series:
    """Suppress small counts, then enough others that none can be recovered from the total."""
    if len(labels) != len(counts):
        raise ValueError("labels and counts differ in length")
    if any(c < 0 for c in counts):
        raise ValueError("counts must not be negative")
    total = sum(counts)
    hidden = {i for i, c in enumerate(counts) if is_small(c, threshold)}
    hide_total = is_small(total, threshold)
    if len(hidden) == 1 and not hide_total:
        # One hidden cell = total minus the others: hide the smallest other cell too (a zero if nothing
        # else is left, and then the total as well, since a zero's value is no secret).
        others = sorted((c, i) for i, c in enumerate(counts) if i not in hidden and c > 0)
        if others:
            hidden.add(others[0][1])
        else:
            hide_total = True
    values = tuple(None if i in hidden else c for i, c in enumerate(counts))
    return Series(tuple(labels), values, None if hide_total else total, threshold)


# --------------------------------------------------------------------------------------------- two-way


@dataclass(frozen=True)
class Table:
    """A two-way table with row and column totals, after disclosure control."""

    row_labels: tuple[str, ...]
    col_labels: tuple[str, ...]
    cells: tuple[tuple[int | None, ...], ...]
    row_totals: tuple[int | None, ...]
    col_totals: tuple[int | None, ...]
    total: int | None
    threshold: int
    primary: frozenset[tuple[int, int]] = field(default_factory=frozenset)  # extended coordinates

    @property
    def suppressed(self) -> int:
        hidden = sum(1 for row in self.cells for v in row if v is None)
        hidden += sum(1 for v in self.row_totals if v is None) + sum(1 for v in self.col_totals if v is None)
        return hidden + (1 if self.total is None else 0)

    def extended(self) -> list[list[int | None]]:
        """The table with its totals as last column and last row."""
        rows = [[*row, self.row_totals[i]] for i, row in enumerate(self.cells)]
        rows.append([*self.col_totals, self.total])
        return rows


def _cost(value: int, *, is_total: bool, is_grand: bool, threshold: int) -> int:
    """Cheapest first: small non-zero interior cells; zeros (a zero reveals little when hidden, so it
    protects little) and totals (they carry the most information) last; the grand total last of all."""
    if is_grand:
        return 10**12
    if is_total:
        return 10**9 + value
    if value == 0:
        return 10**7
    return value


def extended_grid(counts: Sequence[Sequence[int]]) -> list[list[int]]:
    n_rows = len(counts)
    n_cols = len(counts[0]) if n_rows else 0
    grid = [[*row, sum(row)] for row in counts]
    col_totals = [sum(counts[i][j] for i in range(n_rows)) for j in range(n_cols)]
    grid.append([*col_totals, sum(col_totals)])
    return grid


def bridges(hidden: Iterable[tuple[int, int]]) -> set[tuple[int, int]]:
    """Hidden cells (row, col) that lie on no cycle of the row-column graph: recoverable by subtraction."""
    edges = list(dict.fromkeys(hidden))
    adjacency: dict[tuple[str, int], list[tuple[tuple[str, int], int]]] = defaultdict(list)
    for index, (r, c) in enumerate(edges):
        adjacency[("r", r)].append((("c", c), index))
        adjacency[("c", c)].append((("r", r), index))
    order: dict[tuple[str, int], int] = {}
    low: dict[tuple[str, int], int] = {}
    found: set[tuple[int, int]] = set()
    counter = 0
    for root in list(adjacency):
        if root in order:
            continue
        # Iterative Tarjan bridge search (tables can be wide).
        order[root] = low[root] = counter
        counter += 1
        stack: list[tuple[tuple[str, int], int, int]] = [(root, -1, 0)]
        while stack:
            node, parent_edge, next_i = stack[-1]
            if next_i < len(adjacency[node]):
                stack[-1] = (node, parent_edge, next_i + 1)
                neighbour, edge = adjacency[node][next_i]
                if edge == parent_edge:
                    continue
                if neighbour in order:
                    low[node] = min(low[node], order[neighbour])
                else:
                    order[neighbour] = low[neighbour] = counter
                    counter += 1
                    stack.append((neighbour, edge, 0))
            else:
                stack.pop()
                if stack:
                    parent = stack[-1][0]
                    low[parent] = min(low[parent], low[node])
                    if low[node] > order[parent]:
                        found.add(edges[parent_edge])
    return found


def _cheapest_cycle(
    grid: list[list[int]], hidden: set[tuple[int, int]], cell: tuple[int, int], threshold: int
) -> list[tuple[int, int]]:
    """The cells to hide so that ``cell`` lies on a cycle: the cheapest path from its row to its column
    that does not use the cell itself (hidden cells cost nothing)."""
    n_rows, n_cols = len(grid), len(grid[0])
    start, goal = ("r", cell[0]), ("c", cell[1])
    dist: dict[tuple[str, int], int] = {start: 0}
    back: dict[tuple[str, int], tuple[tuple[str, int], tuple[int, int]]] = {}
    heap: list[tuple[int, tuple[str, int]]] = [(0, start)]
    while heap:
        d, node = heapq.heappop(heap)
        if d > dist.get(node, 1 << 62):
            continue
        if node == goal:
            break
        kind, index = node
        targets = range(n_cols) if kind == "r" else range(n_rows)
        for other in targets:
            rc = (index, other) if kind == "r" else (other, index)
            if rc == cell:
                continue
            r, c = rc
            if rc not in hidden and (grid[r][n_cols - 1] == 0 or grid[n_rows - 1][c] == 0):
                continue  # in an all-zero row or column: known to be 0 (counts are not negative)
            step = (
                0
                if rc in hidden
                else _cost(
                    grid[r][c],
                    is_total=r == n_rows - 1 or c == n_cols - 1,
                    is_grand=r == n_rows - 1 and c == n_cols - 1,
                    threshold=threshold,
                )
            )
            nxt = ("c", other) if kind == "r" else ("r", other)
            if d + step < dist.get(nxt, 1 << 62):
                dist[nxt] = d + step
                back[nxt] = (node, rc)
                heapq.heappush(heap, (d + step, nxt))
    path: list[tuple[int, int]] = []
    node = goal
    while node != start:
        previous, rc = back[node]
        path.append(rc)
        node = previous
    return [rc for rc in path if rc not in hidden]


def suppression_pattern(counts: Sequence[Sequence[int]], threshold: int) -> tuple[set[tuple[int, int]], set]:
    """Hidden cells of the extended table (totals in the last row and column): (all hidden, primary)."""
    grid = extended_grid(counts)
    primary = {(r, c) for r, row in enumerate(grid) for c, v in enumerate(row) if is_small(v, threshold)}
    hidden = set(primary)
    while True:
        open_cells = sorted(bridges(hidden))
        if not open_cells:
            return hidden, primary
        hidden.update(_cheapest_cycle(grid, hidden, open_cells[0], threshold))


def protect_table(
    row_labels: Sequence[str], col_labels: Sequence[str], counts: Sequence[Sequence[int]], threshold: int
) -> Table:
    if len(counts) != len(row_labels) or any(len(row) != len(col_labels) for row in counts):
        raise ValueError("counts do not match the labels")
    if any(v < 0 for row in counts for v in row):
        raise ValueError("counts must not be negative")
    if not row_labels or not col_labels:
        return Table(
            tuple(row_labels),
            tuple(col_labels),
            tuple(() for _ in row_labels),
            (0,) * len(row_labels),
            (0,) * len(col_labels),
            0,
            threshold,
        )
    grid = extended_grid(counts)
    hidden, primary = suppression_pattern(counts, threshold)
    n, m = len(row_labels), len(col_labels)

    def shown(r: int, c: int) -> int | None:
        return None if (r, c) in hidden else grid[r][c]

    return Table(
        row_labels=tuple(row_labels),
        col_labels=tuple(col_labels),
        cells=tuple(tuple(shown(r, c) for c in range(m)) for r in range(n)),
        row_totals=tuple(shown(r, m) for r in range(n)),
        col_totals=tuple(shown(n, c) for c in range(m)),
        total=shown(n, m),
        threshold=threshold,
        primary=frozenset(primary),
    )


def crosstab(
    pairs: Iterable[tuple[Hashable, Hashable]], row_keys: Sequence[Hashable], col_keys: Sequence[Hashable]
) -> list[list[int]]:
    counter = Counter(pairs)
    return [[counter.get((r, c), 0) for c in col_keys] for r in row_keys]


# ------------------------------------------------------------------------------------------ k-anonymity

Record = Mapping[str, Any]


def equivalence_classes(records: Iterable[Record], quasi_identifiers: Sequence[str]) -> Counter:
    return Counter(tuple(str(r.get(q, MISSING)) for q in quasi_identifiers) for r in records)


def k_of(records: Sequence[Record], quasi_identifiers: Sequence[str]) -> int:
    """The k the release achieves: the size of its smallest equivalence class (0 for no records)."""
    classes = equivalence_classes(records, quasi_identifiers)
    return min(classes.values()) if classes else 0


def is_k_anonymous(records: Sequence[Record], quasi_identifiers: Sequence[str], k: int) -> bool:
    return not records or k_of(records, quasi_identifiers) >= k


@dataclass
class KAnonymityResult:
    records: list[dict[str, Any]]
    blanked: int  # quasi-identifier values replaced by MISSING
    dropped: int  # records withheld because no generalisation made them k-anonymous


def k_anonymize(
    records: Iterable[Record],
    quasi_identifiers: Sequence[str],
    k: int,
    *,
    generalizers: Mapping[str, Callable[[Any], Any]] | None = None,
) -> KAnonymityResult:
    """Generalise (e.g. exact age -> broad group), then blank quasi-identifiers of records in classes
    smaller than k, least important first (the order given is most important first), then drop the
    records still in small classes. The result is checked before it is returned."""
    rows: list[dict[str, Any]] = []
    for record in records:
        row = dict(record)
        for name, generalise in (generalizers or {}).items():
            row[name] = generalise(row.get(name))
        for q in quasi_identifiers:
            row[q] = MISSING if row.get(q) in (None, "") else str(row[q])
        rows.append(row)
    blanked = 0
    for q in reversed(quasi_identifiers):
        classes = equivalence_classes(rows, quasi_identifiers)
        small = {key for key, size in classes.items() if size < k}
        if not small:
            break
        for row in rows:
            if tuple(str(row[x]) for x in quasi_identifiers) in small and row[q] != MISSING:
                row[q] = MISSING
                blanked += 1
    classes = equivalence_classes(rows, quasi_identifiers)
    kept = [row for row in rows if classes[tuple(str(row[x]) for x in quasi_identifiers)] >= k]
    if not is_k_anonymous(kept, quasi_identifiers, k):  # pragma: no cover - guarded by construction
        raise AssertionError("k-anonymisation failed")
    return KAnonymityResult(records=kept, blanked=blanked, dropped=len(rows) - len(kept))
