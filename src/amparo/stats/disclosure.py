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
- Markers: a hidden count below the threshold is published as "<threshold"; a count hidden to protect
  another one as "•" (it may be any value). Publishing which cells are small tells a reader that the
  others are not (0 or at least the threshold), so the markers are kept apart only when every small
  hidden cell can still take two values under those bounds (``audit_series``, ``audit_table``: a shift
  by one along a cycle of hidden cells that keeps every cell within its bounds); otherwise every hidden
  cell of that table is published as "•".
- Linked publications: a cell hidden in one table and published in another would give it away, so
  ``force`` hides cells whatever their value (and protects them like the small ones), and ``keep`` lists
  cells published elsewhere that are not to be chosen as complements when another choice exists.
- k-anonymity of record-level releases: every combination of quasi-identifiers is shared by at least k
  records; records that are not are generalised by blanking quasi-identifiers one by one, and dropped
  only if that is not enough.
"""

from __future__ import annotations

import heapq
import itertools
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
    # hidden counts published as "below the threshold" (index len(values): the total); the other hidden
    # counts are published as hidden to protect another (any value)
    small: frozenset[int] = frozenset()

    @property
    def suppressed(self) -> int:
        return sum(1 for v in self.values if v is None) + (1 if self.total is None else 0)

    def rows(self) -> list[tuple[str, int | None]]:
        return list(zip(self.labels, self.values, strict=True))

    def is_small(self, index: int) -> bool:
        """Whether the hidden value at ``index`` (len(values): the total) is published as small."""
        return index in self.small

    @property
    def total_small(self) -> bool:
        return len(self.values) in self.small


def _allowed(value: int, small: bool, threshold: int) -> bool:
    """What a reader who knows the markers can tell about a hidden count."""
    return 0 < value < threshold if small else (value == 0 or value >= threshold)


def audit_series(
    counts: Sequence[int], hidden: set[int], primary: set[int], threshold: int, linked: Iterable[int] = ()
) -> bool:
    """True when every small hidden value (index len(counts): the total) can still take two values for a
    reader who knows which hidden values are small: another hidden value of the same equation can move the
    other way (a cell) or the same way (the total) by one, both staying within their bounds. Values linked
    to other publications are not moved here (the caller audits them with the other publication)."""
    n = len(counts)
    grid = [*counts, sum(counts)]
    fixed = set(linked)
    partners = [i for i in hidden if i not in fixed]
    for i in primary - fixed:
        ok = False
        for delta in (1, -1):
            if not _allowed(grid[i] + delta, True, threshold):
                continue
            for j in partners:
                if j == i:
                    continue
                step = delta if (i == n) != (j == n) else -delta
                if _allowed(grid[j] + step, j in primary, threshold):
                    ok = True
                    break
            if ok:
                break
        if not ok:
            return False
    return True


def audit_system(
    values: Mapping[str, int],
    hidden: set[str],
    primary: set[str],
    equations: Sequence[Mapping[str, int]],
    threshold: int,
    *,
    limit: int = 10,
) -> bool:
    """``audit_series`` for linked equations (each: variable -> coefficient, summing to zero): every small
    hidden value must move by one with the other hidden values moving by at most one, every equation
    still holding and every value within its bounds. Exhaustive, so for a few hidden values only (more:
    not shown to be safe)."""
    unknown = sorted(hidden)
    if len(unknown) > limit:
        return False
    pending = set(primary)
    for moves in itertools.product((-1, 0, 1), repeat=len(unknown)):
        delta = dict(zip(unknown, moves, strict=True))
        moved = {v for v, d in delta.items() if d and v in pending}
        if not moved:
            continue
        if any(sum(c * delta.get(v, 0) for v, c in eq.items()) for eq in equations):
            continue
        if all(_allowed(values[v] + d, v in primary, threshold) for v, d in delta.items() if d):
            pending -= moved
            if not pending:
                return True
    return not pending


def protect_series(
    labels: Sequence[str],
    counts: Sequence[int],
    threshold: int,
    *,
    force: Iterable[int] = (),
    force_total: bool = False,
    keep: Iterable[int] = (),
    linked: Iterable[int] = (),
) -> Series:
    """Suppress small counts (and the ``force``d ones), then enough others that none can be recovered
    from the total; cells in ``keep`` (published elsewhere) are complements only when nothing else is."""
    if len(labels) != len(counts):
        raise ValueError("labels and counts differ in length")
    if any(c < 0 for c in counts):
        raise ValueError("counts must not be negative")
    total = sum(counts)
    forced = set(force)
    kept = set(keep)
    primary = {i for i, c in enumerate(counts) if is_small(c, threshold)}
    hidden = primary | forced
    hide_total = is_small(total, threshold) or force_total
    if len(hidden) + hide_total == 1:
        # One hidden value = the total minus the others (or their sum): hide the smallest other cell too
        # (when only zeros are left, the total, since a zero's value is no secret).
        others = sorted((i in kept, c, i) for i, c in enumerate(counts) if i not in hidden and c > 0)
        if others and not (hidden and others[0][0]):
            hidden.add(others[0][2])
        elif hidden:
            hide_total = True
    values = tuple(None if i in hidden else c for i, c in enumerate(counts))
    small_hidden = {i for i in hidden if i in primary}
    if hide_total and is_small(total, threshold):
        small_hidden.add(len(counts))
    all_hidden = hidden | ({len(counts)} if hide_total else set())
    safe = audit_series(counts, all_hidden, small_hidden, threshold, linked=forced | set(linked))
    return Series(
        tuple(labels), values, None if hide_total else total, threshold, frozenset(small_hidden if safe else ())
    )


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
    # hidden cells published as "below the threshold" (extended coordinates); the other hidden cells are
    # published as hidden to protect another (any value)
    small: frozenset[tuple[int, int]] = field(default_factory=frozenset)

    def is_small(self, row: int, col: int) -> bool:
        """Whether the hidden cell (extended coordinates: totals last) is published as small."""
        return (row, col) in self.small

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


def audit_table(
    grid: list[list[int]],
    hidden: set[tuple[int, int]],
    primary: set[tuple[int, int]],
    threshold: int,
    linked: Iterable[tuple[int, int]] = (),
) -> bool:
    """True when every small hidden cell of the extended table can still take two values for a reader who
    knows which hidden cells are small (those in [1, threshold - 1], the others 0 or at least the
    threshold): some cycle of hidden cells through it lets the values move by one, alternately up and
    down (totals the other way), every cell staying within its bounds. A sufficient condition, checked
    by a search over the cycles; cells linked to other publications are not moved."""
    n_rows, n_cols = len(grid), len(grid[0])
    fixed = set(linked)

    def sign(r: int, c: int) -> int:  # the totals enter the zero-sum system with a minus sign
        return -1 if (r == n_rows - 1) != (c == n_cols - 1) else 1

    usable = [rc for rc in hidden if rc not in fixed]
    for start in primary - fixed:
        r0, c0 = start
        found = False
        for delta in (1, -1):
            if not _allowed(grid[r0][c0] + sign(r0, c0) * delta, True, threshold):
                continue
            # row -> column: +delta on the signed value; column -> row: -delta
            seen: set[tuple[str, int]] = {("c", c0)}
            frontier: list[tuple[str, int]] = [("c", c0)]
            while frontier and not found:
                kind, index = frontier.pop()
                for r, c in usable:
                    if (r, c) == start:
                        continue
                    if kind == "c" and c == index:
                        nxt, step = ("r", r), -delta
                    elif kind == "r" and r == index:
                        nxt, step = ("c", c), delta
                    else:
                        continue
                    if nxt in seen or not _allowed(grid[r][c] + sign(r, c) * step, (r, c) in primary, threshold):
                        continue
                    if nxt == ("r", r0):
                        found = True
                        break
                    seen.add(nxt)
                    frontier.append(nxt)
            if found:
                break
        if not found:
            return False
    return True


def suppression_pattern(
    counts: Sequence[Sequence[int]], threshold: int, force: Iterable[tuple[int, int]] = ()
) -> tuple[set[tuple[int, int]], set]:
    """Hidden cells of the extended table (totals in the last row and column): (all hidden, primary)."""
    grid = extended_grid(counts)
    primary = {(r, c) for r, row in enumerate(grid) for c, v in enumerate(row) if is_small(v, threshold)}
    hidden = primary | set(force)
    while True:
        open_cells = sorted(bridges(hidden))
        if not open_cells:
            return hidden, primary
        hidden.update(_cheapest_cycle(grid, hidden, open_cells[0], threshold))


def protect_table(
    row_labels: Sequence[str],
    col_labels: Sequence[str],
    counts: Sequence[Sequence[int]],
    threshold: int,
    *,
    force: Iterable[tuple[int, int]] = (),
) -> Table:
    """Primary and complementary suppression of a table published with its totals; ``force`` hides cells
    of the extended table (totals last) that another publication hides."""
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
    forced = set(force)
    hidden, primary = suppression_pattern(counts, threshold, forced)
    n, m = len(row_labels), len(col_labels)
    safe = audit_table(grid, hidden, primary, threshold, linked=forced)

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
        small=frozenset(primary if safe else ()),
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
