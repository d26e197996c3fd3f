"""One disclosure-control engine for every published table: primary and complementary cell suppression.

**Primary suppression.** A published number below the threshold (default 5, set by the caller
from the access tier's ``min_cell_size``) is suppressed: ``0 < value < threshold``. Zeros are not
suppressed by default — "no burglaries here" reveals no one — unless ``suppress_zeros=True``.
When the table's totals are published (``totals=True``) they are published numbers too, so a
row, column or grand total below the threshold is primary-suppressed as well.

**Complementary (secondary) suppression.** With row and column totals published, a suppressed
cell could otherwise be recovered by subtraction. A suppressed cell is *protected* when the
published numbers (cells, totals, non-negativity) allow it more than one value, i.e. when the
minimum and maximum of the linear program "cell subject to every published row and column
total, all cells ≥ 0" differ. The rule often quoted — every row and column holding a suppressed
cell must hold at least two (or have its total suppressed) — is necessary but not sufficient:
two suppressed rectangles joined by a single suppressed cell satisfy it, yet the joining cell
is fixed. So the engine decides protection exactly, with the network view of two-way tables
(Kelly, Golden & Assad 1992, *Networks* 22:397–417; Carvalho, Dellaert & Osório 1994, *JASA*
89:1547–1557; Hundepool et al. 2012, *Statistical Disclosure Control*, Wiley, ch. 4):

* Extend the table with its totals; with the totals' signs flipped (grand total kept), every
  row and column of the extended table sums to zero. A suppressed cell can change value iff
  the other suppressed cells contain a cycle through it along which values can move up and
  down alternately while staying ≥ 0: a cell can go up always and down only if it is
  positive (for a total, the other way round, as its sign is flipped). That is a directed
  path search, done by breadth-first search.
* An unprotected cell is protected by adding the cheapest such cycle, found by Dijkstra's
  algorithm over the not-yet-suppressed cells, each costing its value + 1 (the smallest cells
  first, few of them; information loss as the suppressed total, as τ-ARGUS's default cost).
  Totals cost far more than any combination of inner cells, so they are used only when no
  inner cells can protect (e.g. a one-row table).
* Repeat until every suppressed cell is protected (a fixed point: adding suppressions never
  unprotects a cell). With totals published, a protecting cycle always exists.

Protection here means "not exactly recoverable". With whole-number cells the feasible range
of a protected cell then spans at least two whole numbers; no wider protection interval is
demanded.

**Series.** ``suppress_series`` does the same for a single series with a published total: the
series total is one equation, so a suppressed set is protected iff it has ≥ 2 cells whose sum
is > 0; otherwise the next smallest cell is suppressed (or the total, if no cell is left).

Every suppression is recorded (``SuppressionRecord``: group, row, column, reason) for the
audit log; values are not recorded.
"""
from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import polars as pl

from analysis.errors import AnalysisError

Suppression = Literal["primary", "secondary"]

_NONE, _PRIMARY, _SECONDARY = 0, 1, 2
_LABEL = {_PRIMARY: "primary", _SECONDARY: "secondary"}


@dataclass(frozen=True)
class SuppressionRecord:
    """One suppressed number, for the audit log.

    Attributes:
        row: the row category; ``None`` for a column total (or the grand total).
        col: the column category; ``None`` for a row total (or the grand total).
        reason: ``primary`` (below the threshold) or ``secondary`` (complementary: would
            otherwise reveal a primary cell).
        group: the values of the ``by`` columns (empty when the frame is one table).
    """

    row: Any
    col: Any
    reason: Suppression
    group: tuple[Any, ...] = ()


@dataclass(frozen=True)
class SuppressedTable:
    """A two-way table after suppression.

    Attributes:
        frame: the input frame plus ``is_suppressed`` (bool) and ``suppression``
            (``primary`` / ``secondary`` / null). Values are left in place: the caller must
            blank them when publishing (``value`` where ``is_suppressed``).
        row_totals: ``by`` columns, ``row``, ``value`` (the row total), ``is_suppressed``,
            ``suppression`` — empty when ``totals=False``.
        col_totals: the same per column.
        grand_totals: ``by`` columns, ``value``, ``is_suppressed``, ``suppression``.
        log: every suppression, primary first within each table.
        threshold: the threshold applied.
    """

    frame: pl.DataFrame
    row_totals: pl.DataFrame
    col_totals: pl.DataFrame
    grand_totals: pl.DataFrame
    log: tuple[SuppressionRecord, ...]
    threshold: float


@dataclass(frozen=True)
class SuppressedSeries:
    """A single series (e.g. one area's counts by month) after suppression.

    Attributes:
        frame: the input frame plus ``is_suppressed`` and ``suppression``.
        totals: ``by`` columns, ``value`` (the series total), ``is_suppressed``,
            ``suppression`` — empty when ``total=False``.
        log: every suppression (``col`` is None for the series total, ``row`` is the key).
        threshold: the threshold applied.
    """

    frame: pl.DataFrame
    totals: pl.DataFrame
    log: tuple[SuppressionRecord, ...]
    threshold: float


def suppress(
    frame: pl.DataFrame,
    *,
    value: str,
    row: str,
    col: str,
    threshold: float = 5,
    totals: bool = True,
    by: Sequence[str] = (),
    suppress_zeros: bool = False,
) -> SuppressedTable:
    """Suppress small cells of a two-way table and the cells that would reveal them.

    Args:
        frame: inner cells only, one row per ``by`` × ``row`` × ``col`` (absent combinations
            count as known zeros). Not modified.
        value: the published number (a count or a weighted total; ≥ 0, no nulls).
        row: the row category column (no nulls).
        col: the column category column (no nulls).
        threshold: numbers with ``0 < value < threshold`` are primary-suppressed.
        totals: whether row, column and grand totals are published with the table; if not,
            only primary suppression is needed.
        by: columns that split the frame into separate tables (e.g. survey wave), each
            with its own totals.
        suppress_zeros: also primary-suppress zero cells.

    Returns:
        A ``SuppressedTable``.

    Raises:
        AnalysisError: ``missing_column``, ``null_category``, ``duplicate_cell``,
            ``invalid_value``, ``invalid_threshold``.
    """
    _check_frame(frame, value=value, keys=(*by, row, col))
    _check_threshold(threshold)
    records: list[SuppressionRecord] = []
    status_column = np.full(frame.height, _NONE, dtype=np.int8)
    row_totals: list[dict[str, Any]] = []
    col_totals: list[dict[str, Any]] = []
    grand_totals: list[dict[str, Any]] = []
    indexed = frame.select([*by, row, col, value]).with_row_index("__position")
    groups = [((), indexed)] if not by else [
        (tuple(key), part) for key, part in indexed.group_by(list(by), maintain_order=True)
    ]
    for group, part in groups:
        row_values = part[row].unique(maintain_order=True).to_list()
        col_values = part[col].unique(maintain_order=True).to_list()
        n_rows, n_cols = len(row_values), len(col_values)
        row_index = {v: i for i, v in enumerate(row_values)}
        col_index = {v: j for j, v in enumerate(col_values)}
        grid = np.zeros((n_rows + 1, n_cols + 1))
        present = np.zeros((n_rows + 1, n_cols + 1), dtype=bool)
        positions = np.full((n_rows, n_cols), -1, dtype=np.int64)
        for position, r, c, v in zip(part["__position"], part[row], part[col], part[value]):
            i, j = row_index[r], col_index[c]
            grid[i, j] = v
            present[i, j] = True
            positions[i, j] = position
        grid[:n_rows, n_cols] = grid[:n_rows, :n_cols].sum(axis=1)
        grid[n_rows, :n_cols] = grid[:n_rows, :n_cols].sum(axis=0)
        grid[n_rows, n_cols] = grid[:n_rows, :n_cols].sum()
        present[:, n_cols] = totals
        present[n_rows, :] = totals
        status = _suppress_grid(grid, present, threshold=threshold, totals=totals, suppress_zeros=suppress_zeros)
        for i in range(n_rows):
            for j in range(n_cols):
                if positions[i, j] >= 0:
                    status_column[positions[i, j]] = status[i, j]
        named = dict(zip(by, group))
        if totals:
            for i, r in enumerate(row_values):
                row_totals.append({**named, row: r, value: grid[i, n_cols], "__status": status[i, n_cols]})
            for j, c in enumerate(col_values):
                col_totals.append({**named, col: c, value: grid[n_rows, j], "__status": status[n_rows, j]})
            grand_totals.append({**named, value: grid[n_rows, n_cols], "__status": status[n_rows, n_cols]})
        for kind in (_PRIMARY, _SECONDARY):
            for i in range(n_rows + 1):
                for j in range(n_cols + 1):
                    if status[i, j] == kind:
                        records.append(
                            SuppressionRecord(
                                row=row_values[i] if i < n_rows else None,
                                col=col_values[j] if j < n_cols else None,
                                reason=_LABEL[kind],  # type: ignore[arg-type]
                                group=group,
                            )
                        )
    schema = frame.select([*by, row, col, value]).schema
    return SuppressedTable(
        frame=_with_flags(frame, status_column),
        row_totals=_totals_frame(row_totals, [*by, row, value], schema),
        col_totals=_totals_frame(col_totals, [*by, col, value], schema),
        grand_totals=_totals_frame(grand_totals, [*by, value], schema),
        log=tuple(records),
        threshold=float(threshold),
    )


def suppress_series(
    frame: pl.DataFrame,
    *,
    value: str,
    key: str,
    threshold: float = 5,
    total: bool = True,
    by: Sequence[str] = (),
    suppress_zeros: bool = False,
) -> SuppressedSeries:
    """Suppress small cells of a single series (one equation: the series total).

    Args:
        frame: one row per ``by`` × ``key`` (e.g. month). Not modified.
        value: the published number (≥ 0, no nulls).
        key: the series' position column (e.g. ``period``).
        threshold: numbers with ``0 < value < threshold`` are primary-suppressed.
        total: whether the series total is published; if so a lone suppressed cell (or a
            suppressed set summing to 0) gets the next smallest cell suppressed too.
        by: columns that split the frame into separate series.
        suppress_zeros: also primary-suppress zero cells.

    Returns:
        A ``SuppressedSeries``.

    Raises:
        AnalysisError: ``missing_column``, ``null_category``, ``duplicate_cell``,
            ``invalid_value``, ``invalid_threshold``.
    """
    _check_frame(frame, value=value, keys=(*by, key))
    _check_threshold(threshold)
    records: list[SuppressionRecord] = []
    status_column = np.full(frame.height, _NONE, dtype=np.int8)
    totals_rows: list[dict[str, Any]] = []
    indexed = frame.select([*by, key, value]).with_row_index("__position")
    groups = [((), indexed)] if not by else [
        (tuple(k), part) for k, part in indexed.group_by(list(by), maintain_order=True)
    ]
    for group, part in groups:
        values = part[value].to_numpy().astype(float)
        keys = part[key].to_list()
        status = np.where(_is_primary(values, threshold, suppress_zeros), _PRIMARY, _NONE)
        series_total = float(values.sum())
        total_status = _PRIMARY if total and _is_primary(np.array([series_total]), threshold, suppress_zeros)[0] else _NONE
        if total and total_status == _NONE:
            while True:
                hidden = status != _NONE
                if not hidden.any() or (hidden.sum() >= 2 and values[hidden].sum() > 0):
                    break
                open_cells = np.flatnonzero(~hidden)
                if values[hidden].sum() == 0:
                    open_cells = open_cells[values[open_cells] > 0]
                if open_cells.size == 0:
                    total_status = _SECONDARY
                    break
                # Smallest first; ties broken by position in the series.
                status[open_cells[np.argmin(values[open_cells])]] = _SECONDARY
        status_column[part["__position"].to_numpy()] = status
        named = dict(zip(by, group))
        if total:
            totals_rows.append({**named, value: series_total, "__status": total_status})
        for kind in (_PRIMARY, _SECONDARY):
            records.extend(
                SuppressionRecord(row=keys[i], col=None, reason=_LABEL[kind], group=group)  # type: ignore[arg-type]
                for i in np.flatnonzero(status == kind)
            )
            if total_status == kind:
                records.append(SuppressionRecord(row=None, col=None, reason=_LABEL[kind], group=group))  # type: ignore[arg-type]
    schema = frame.select([*by, key, value]).schema
    return SuppressedSeries(
        frame=_with_flags(frame, status_column),
        totals=_totals_frame(totals_rows, [*by, value], schema),
        log=tuple(records),
        threshold=float(threshold),
    )


def is_protected(grid: np.ndarray, suppressed: np.ndarray, cell: tuple[int, int]) -> bool:
    """Whether a suppressed cell of an extended table (last row and column = totals) can take
    more than one value given every unsuppressed number and non-negativity.

    Args:
        grid: ``(R+1) × (C+1)`` values with row totals in the last column, column totals in
            the last row and the grand total in the corner.
        suppressed: boolean mask of the same shape.
        cell: ``(i, j)`` of a suppressed cell.

    Returns:
        True when the cell's feasible range has positive width.
    """
    signs = _signs(grid.shape)
    up, down = _arc_masks(grid, signs)
    mask = suppressed.copy()
    mask[cell] = False
    i, j = cell
    n_rows = grid.shape[0]
    # Nodes: rows 0..R then columns R+1..R+C+1.
    can_decrease = down[cell] and _reachable(mask & up, mask & down, i, n_rows + j, n_rows)
    can_increase = up[cell] and _reachable(mask & up, mask & down, n_rows + j, i, n_rows)
    return bool(can_decrease or can_increase)


def _suppress_grid(
    grid: np.ndarray, present: np.ndarray, *, threshold: float, totals: bool, suppress_zeros: bool
) -> np.ndarray:
    status = np.where(present & _is_primary(grid, threshold, suppress_zeros), _PRIMARY, _NONE).astype(np.int8)
    if not totals:
        return status
    signs = _signs(grid.shape)
    up, down = _arc_masks(grid, signs)
    n_rows, n_cols = grid.shape
    # Totals cost more than every inner cell together, so they are a last resort.
    inner_total = float(grid[:-1, :-1].sum())
    cost = grid + 1.0
    cost[-1, :] += (inner_total + 1.0) * grid.size
    cost[:, -1] += (inner_total + 1.0) * grid.size
    changed = True
    while changed:
        changed = False
        for i in range(n_rows):
            for j in range(n_cols):
                if status[i, j] == _NONE:
                    continue
                suppressed = status != _NONE
                if is_protected(grid, suppressed, (i, j)):
                    continue
                path = _cheapest_protection(grid, present, suppressed, up, down, cost, (i, j))
                if path is None:
                    raise AnalysisError(
                        "A suppressed cell cannot be protected.",
                        detail=f"No complementary suppression pattern exists for cell {(i, j)}.",
                        code="unprotectable_cell",
                    )
                for cell in path:
                    status[cell] = _SECONDARY
                changed = True
    return status


def _cheapest_protection(
    grid: np.ndarray,
    present: np.ndarray,
    suppressed: np.ndarray,
    up: np.ndarray,
    down: np.ndarray,
    cost: np.ndarray,
    cell: tuple[int, int],
) -> list[tuple[int, int]] | None:
    """The cheapest set of unsuppressed cells closing a movable cycle through ``cell``."""
    n_rows = grid.shape[0]
    i, j = cell
    options = []
    if down[cell]:
        options.append(_dijkstra(present, suppressed, up, down, cost, cell, i, n_rows + j, n_rows))
    if up[cell]:
        options.append(_dijkstra(present, suppressed, up, down, cost, cell, n_rows + j, i, n_rows))
    found = [option for option in options if option is not None]
    if not found:
        return None
    return min(found, key=lambda option: option[0])[1]


def _dijkstra(
    present: np.ndarray,
    suppressed: np.ndarray,
    up: np.ndarray,
    down: np.ndarray,
    cost: np.ndarray,
    exclude: tuple[int, int],
    source: int,
    target: int,
    n_rows: int,
) -> tuple[float, list[tuple[int, int]]] | None:
    n_cols = present.shape[1]
    best = {source: 0.0}
    previous: dict[int, tuple[int, tuple[int, int]]] = {}
    queue = [(0.0, source)]
    while queue:
        distance, node = heapq.heappop(queue)
        if node == target:
            break
        if distance > best.get(node, float("inf")):
            continue
        if node < n_rows:
            # Row node: leave along a cell that can go up (row → column arc).
            arcs = [((node, c), n_rows + c) for c in range(n_cols) if up[node, c]]
        else:
            column = node - n_rows
            arcs = [((r, column), r) for r in range(n_rows) if down[r, column]]
        for cell, neighbour in arcs:
            if cell == exclude or not present[cell]:
                continue
            step = 0.0 if suppressed[cell] else float(cost[cell])
            candidate = distance + step
            if candidate < best.get(neighbour, float("inf")):
                best[neighbour] = candidate
                previous[neighbour] = (node, cell)
                heapq.heappush(queue, (candidate, neighbour))
    if target not in previous:
        return None
    path = []
    node = target
    while node != source:
        node, cell = previous[node]
        if not suppressed[cell]:
            path.append(cell)
    return best[target], path


def _reachable(up: np.ndarray, down: np.ndarray, source: int, target: int, n_rows: int) -> bool:
    seen = {source}
    queue = deque([source])
    while queue:
        node = queue.popleft()
        if node < n_rows:
            neighbours = (n_rows + c for c in np.flatnonzero(up[node]))
        else:
            neighbours = (int(r) for r in np.flatnonzero(down[:, node - n_rows]))
        for neighbour in neighbours:
            if neighbour == target:
                return True
            if neighbour not in seen:
                seen.add(neighbour)
                queue.append(neighbour)
    return False


def _signs(shape: tuple[int, int]) -> np.ndarray:
    """+1 for inner cells and the grand total, −1 for row and column totals."""
    signs = np.ones(shape)
    signs[-1, :] = -1
    signs[:, -1] = -1
    signs[-1, -1] = 1
    return signs


def _arc_masks(grid: np.ndarray, signs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Which cells may move up / down in the sign-flipped table without going negative."""
    positive = grid > 0
    up = (signs > 0) | positive
    down = (signs < 0) | positive
    return up, down


def _is_primary(values: np.ndarray, threshold: float, suppress_zeros: bool) -> np.ndarray:
    small = values < threshold
    return small & (values > 0) if not suppress_zeros else small


def _with_flags(frame: pl.DataFrame, status: np.ndarray) -> pl.DataFrame:
    labels = [_LABEL.get(int(s)) for s in status]
    return frame.with_columns(
        pl.Series("is_suppressed", status != _NONE, dtype=pl.Boolean),
        pl.Series("suppression", labels, dtype=pl.String),
    )


def _totals_frame(rows: list[dict[str, Any]], columns: list[str], schema: pl.Schema) -> pl.DataFrame:
    value_dtype = schema[columns[-1]]
    out_schema = {**{c: schema[c] for c in columns[:-1]}, columns[-1]: pl.Float64}
    frame = pl.DataFrame(
        {c: [r[c] for r in rows] for c in columns} | {"__status": [int(r["__status"]) for r in rows]},
        schema={**out_schema, "__status": pl.Int8},
    )
    if value_dtype.is_integer():
        # Sums of whole numbers are whole: give totals the cells' integer type.
        frame = frame.with_columns(pl.col(columns[-1]).cast(pl.Int64))
    return frame.with_columns(
        (pl.col("__status") != _NONE).alias("is_suppressed"),
        pl.col("__status").replace_strict({_NONE: None, **_LABEL}, return_dtype=pl.String).alias("suppression"),
    ).drop("__status")


def _check_frame(frame: pl.DataFrame, *, value: str, keys: tuple[str, ...]) -> None:
    missing = [c for c in (*keys, value) if c not in frame.columns]
    if missing:
        raise AnalysisError(
            "A column is missing.",
            detail=f"Missing {missing}; the frame has {frame.columns}.",
            code="missing_column",
            source=missing[0],
        )
    for column in keys:
        if frame[column].null_count():
            raise AnalysisError(
                "A category is missing (null).",
                detail=f"Column {column} has {frame[column].null_count()} null value(s).",
                hint="Give missing categories a label such as 'Unknown' before suppression.",
                code="null_category",
                source=column,
            )
    if frame.select(list(keys)).is_duplicated().any():
        raise AnalysisError(
            "A cell appears more than once.",
            detail=f"The combination of {list(keys)} is not unique.",
            hint="Aggregate to one row per cell first.",
            code="duplicate_cell",
            source=keys[-1],
        )
    numbers = frame[value]
    if not numbers.dtype.is_numeric():
        raise AnalysisError("Values must be numbers.", detail=f"{value} is {numbers.dtype}.", code="invalid_value", source=value)
    as_float = numbers.cast(pl.Float64)
    if as_float.null_count() or as_float.is_nan().any() or (as_float < 0).any():
        raise AnalysisError(
            "Values must be numbers ≥ 0 with no gaps.",
            detail=f"{value} has nulls, NaN or negative numbers.",
            code="invalid_value",
            source=value,
        )


def _check_threshold(threshold: float) -> None:
    if not threshold > 0:
        raise AnalysisError(
            "The suppression threshold must be positive.",
            detail=f"threshold={threshold!r}",
            code="invalid_threshold",
            source="threshold",
        )
