"""Tests for ``analysis.disclosure``.

Oracle: brute-force linear programming with ``scipy.optimize.linprog`` (HiGHS). For every
suppressed number, minimise and maximise it subject to everything that is published — the
unsuppressed cells, the unsuppressed row, column and grand totals, and non-negativity — and
require ``max − min > 0``: the number cannot be recovered from the table. The LP is written in
the test from the table's definition; it shares no code with the engine's path search.
Further oracles: the necessary "two per row and column" rule checked by counting, hand-worked
tables, and real police.uk counts (City of London 2020, MANIFEST §6).
"""
from __future__ import annotations

import itertools

import numpy as np
import polars as pl
import pytest
from scipy.optimize import linprog

from analysis.disclosure import SuppressionRecord, is_protected, suppress, suppress_series
from analysis.errors import AnalysisError
from tests.realdata import REALDATA

WIDTH = 1e-6


def _extended(cells: np.ndarray) -> np.ndarray:
    """Cells plus row totals (last column), column totals (last row) and the grand total."""
    n_rows, n_cols = cells.shape
    grid = np.zeros((n_rows + 1, n_cols + 1))
    grid[:n_rows, :n_cols] = cells
    grid[:n_rows, n_cols] = cells.sum(axis=1)
    grid[n_rows, :n_cols] = cells.sum(axis=0)
    grid[n_rows, n_cols] = cells.sum()
    return grid


def _lp_ranges(grid: np.ndarray, hidden: np.ndarray) -> dict[tuple[int, int], tuple[float, float]]:
    """Feasible [min, max] of each hidden number of an extended table, given all visible ones."""
    n_rows, n_cols = grid.shape[0] - 1, grid.shape[1] - 1
    variables = [tuple(int(v) for v in cell) for cell in np.argwhere(hidden)]
    index = {cell: k for k, cell in enumerate(variables)}
    equations = []
    # Each line: its cells sum to its total (rows 0..R-1 and the column-totals row; columns likewise).
    lines = [[(i, j) for j in range(n_cols)] + [(i, n_cols)] for i in range(n_rows + 1)]
    lines += [[(i, j) for i in range(n_rows)] + [(n_rows, j)] for j in range(n_cols + 1)]
    for line in lines:
        *parts, total = line
        coefficients = np.zeros(len(variables))
        constant = 0.0
        for cell, sign in [*((p, 1.0) for p in parts), (total, -1.0)]:
            if cell in index:
                coefficients[index[cell]] += sign
            else:
                constant += sign * grid[cell]
        if coefficients.any():
            equations.append((coefficients, -constant))
    a_eq = np.array([e[0] for e in equations])
    b_eq = np.array([e[1] for e in equations])
    ranges = {}
    for cell, k in index.items():
        objective = np.zeros(len(variables))
        objective[k] = 1.0
        low = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        high = linprog(-objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        assert low.status == 0, low.message
        upper = np.inf if high.status == 3 else -high.fun
        ranges[cell] = (low.fun, upper)
    return ranges


def _hidden_mask(result, cells: np.ndarray, row_values: list, col_values: list) -> np.ndarray:
    n_rows, n_cols = cells.shape
    hidden = np.zeros((n_rows + 1, n_cols + 1), dtype=bool)
    ri = {v: i for i, v in enumerate(row_values)}
    ci = {v: j for j, v in enumerate(col_values)}
    for r, c, flag in result.frame.select(["r", "c", "is_suppressed"]).iter_rows():
        hidden[ri[r], ci[c]] = flag
    for r, flag in result.row_totals.select(["r", "is_suppressed"]).iter_rows():
        hidden[ri[r], n_cols] = flag
    for c, flag in result.col_totals.select(["c", "is_suppressed"]).iter_rows():
        hidden[n_rows, ci[c]] = flag
    hidden[n_rows, n_cols] = result.grand_totals["is_suppressed"][0]
    return hidden


def _table_frame(cells: np.ndarray, absent: np.ndarray | None = None) -> pl.DataFrame:
    rows = []
    for i, j in itertools.product(range(cells.shape[0]), range(cells.shape[1])):
        if absent is None or not absent[i, j]:
            rows.append({"r": f"r{i}", "c": f"c{j}", "n": int(cells[i, j])})
    return pl.DataFrame(rows)


def _assert_no_suppressed_number_is_recoverable(cells, hidden):
    grid = _extended(cells)
    for cell, (low, high) in _lp_ranges(grid, hidden).items():
        assert high - low > WIDTH, f"cell {cell} is recoverable: [{low}, {high}] in\n{grid}\nhidden\n{hidden}"
        assert low - 1e-7 <= grid[cell] <= high + 1e-7


def _random_tables(seed: int, count: int):
    rng = np.random.default_rng(seed)
    for _ in range(count):
        shape = (int(rng.integers(1, 6)), int(rng.integers(2, 7)))
        # A mix of zeros, small and large counts, as in small-area crime tables.
        cells = rng.choice([0, 0, 1, 2, 3, 4, 6, 9, 15, 40], size=shape) + rng.integers(0, 3, size=shape)
        yield cells


@pytest.mark.parametrize("seed", range(4))
def test_no_suppressed_cell_can_be_recovered_from_published_totals(seed):
    """Oracle: linprog min < max for every suppressed cell and total, on 40 random tables per seed."""
    for cells in _random_tables(seed, 40):
        frame = _table_frame(cells)
        result = suppress(frame, value="n", row="r", col="c", threshold=5)
        rows = [f"r{i}" for i in range(cells.shape[0])]
        cols = [f"c{j}" for j in range(cells.shape[1])]
        hidden = _hidden_mask(result, cells, rows, cols)
        _assert_no_suppressed_number_is_recoverable(cells, hidden)
        # Every published number below the threshold is suppressed (primary).
        grid = _extended(cells)
        assert np.all(hidden[(grid > 0) & (grid < 5)])


@pytest.mark.parametrize("seed", range(2))
def test_protection_also_holds_with_zeros_suppressed_and_absent_cells(seed):
    """Oracle: linprog, with suppress_zeros=True and some absent (known-zero) combinations."""
    rng = np.random.default_rng(100 + seed)
    for cells in _random_tables(100 + seed, 30):
        absent = (rng.random(cells.shape) < 0.15) & (cells == 0)
        frame = _table_frame(cells, absent)
        result = suppress(frame, value="n", row="r", col="c", threshold=5, suppress_zeros=True)
        rows = frame["r"].unique(maintain_order=True).to_list()
        cols = frame["c"].unique(maintain_order=True).to_list()
        present_cells = np.array([[cells[int(r[1:]), int(c[1:])] for c in cols] for r in rows])
        hidden = _hidden_mask(result, present_cells, rows, cols)
        # Absent cells are known zeros: they are constants in the LP (never hidden).
        sub_absent = np.array([[absent[int(r[1:]), int(c[1:])] for c in cols] for r in rows])
        assert not np.any(hidden[:-1, :-1] & sub_absent)
        _assert_no_suppressed_number_is_recoverable(present_cells, hidden)


@pytest.mark.parametrize("seed", range(4))
def test_every_line_with_a_suppressed_cell_has_two_or_a_suppressed_total(seed):
    """Oracle: counting — the necessary rule of the brief holds for every row and column."""
    for cells in _random_tables(200 + seed, 50):
        result = suppress(_table_frame(cells), value="n", row="r", col="c", threshold=5)
        hidden = _hidden_mask(
            result, cells, [f"r{i}" for i in range(cells.shape[0])], [f"c{j}" for j in range(cells.shape[1])]
        )
        for line in [*hidden, *hidden.T]:
            assert line.sum() == 0 or line.sum() >= 2


def test_exact_check_agrees_with_linprog_on_arbitrary_patterns():
    """Oracle: linprog on random suppression patterns (not made by the engine): is_protected is
    True exactly when the LP range of the cell has positive width."""
    rng = np.random.default_rng(5)
    checked = {True: 0, False: 0}
    for _ in range(70):
        cells = rng.choice([0, 1, 3, 7, 12], size=(int(rng.integers(2, 5)), int(rng.integers(2, 5))))
        grid = _extended(cells)
        hidden = rng.random(grid.shape) < 0.45
        if not hidden.any():
            continue
        for cell, (low, high) in _lp_ranges(grid, hidden).items():
            expected = high - low > WIDTH
            assert is_protected(grid, hidden, cell) == expected, (cell, grid, hidden)
            checked[expected] += 1
    assert checked[True] > 50 and checked[False] > 50


def test_two_per_line_is_not_enough_the_bridge_cell_is_detected():
    """Oracle: linprog — two suppressed 2×2 rectangles joined by one suppressed cell satisfy
    "≥ 2 per row and column", yet the joining cell is fixed; the engine's check says so."""
    cells = np.full((4, 4), 20)
    grid = _extended(cells)
    hidden = np.zeros(grid.shape, dtype=bool)
    for cell in [(0, 0), (0, 1), (1, 0), (1, 1), (2, 2), (2, 3), (3, 2), (3, 3), (0, 2)]:
        hidden[cell] = True
    assert all(line.sum() in (0, 2, 3) for line in [*hidden, *hidden.T])
    low, high = _lp_ranges(grid, hidden)[(0, 2)]
    assert high - low < WIDTH
    assert not is_protected(grid, hidden, (0, 2))
    assert is_protected(grid, hidden, (0, 0))


def test_hand_worked_table_uses_the_cheapest_rectangle():
    """Oracle: hand — the only small cell is a×x = 3; the cheapest cycle through it closes with
    a×y (20), c×x (15) and c×y (8): 43 suppressed against 57 via row b or 96 via column z."""
    frame = pl.DataFrame(
        {"r": ["a"] * 3 + ["b"] * 3 + ["c"] * 3, "c": ["x", "y", "z"] * 3, "n": [3, 20, 30, 12, 25, 40, 15, 8, 50]}
    )
    result = suppress(frame, value="n", row="r", col="c", threshold=5)
    assert result.frame["suppression"].to_list() == [
        "primary", "secondary", None, None, None, None, "secondary", "secondary", None
    ]
    assert not result.row_totals["is_suppressed"].any() and not result.col_totals["is_suppressed"].any()
    assert result.log == (
        SuppressionRecord("a", "x", "primary"),
        SuppressionRecord("a", "y", "secondary"),
        SuppressionRecord("c", "x", "secondary"),
        SuppressionRecord("c", "y", "secondary"),
    )
    assert result.row_totals["n"].to_list() == [53, 77, 73]
    assert frame.columns == ["r", "c", "n"]


def test_one_row_table_falls_back_to_totals():
    """Oracle: hand — in a one-row table each column total equals its cell, so the small cell's
    column total must go too, and the cycle closes through the grand and row totals; linprog confirms."""
    frame = pl.DataFrame({"r": ["a"] * 3, "c": ["x", "y", "z"], "n": [3, 40, 50]})
    result = suppress(frame, value="n", row="r", col="c", threshold=5)
    cells = np.array([[3, 40, 50]])
    hidden = _hidden_mask(result, cells, ["a"], ["x", "y", "z"])
    assert hidden[1, 0]  # column total of x
    _assert_no_suppressed_number_is_recoverable(cells, hidden)


def test_without_published_totals_only_primary_cells_go():
    """Oracle: hand — with no totals nothing can be subtracted."""
    frame = pl.DataFrame({"r": ["a", "a", "b", "b"], "c": ["x", "y", "x", "y"], "n": [3, 40, 0, 50]})
    result = suppress(frame, value="n", row="r", col="c", threshold=5, totals=False)
    assert result.frame["suppression"].to_list() == ["primary", None, None, None]
    assert result.row_totals.height == 0 and result.grand_totals.height == 0


def test_small_totals_are_primary_suppressed():
    """Oracle: hand — a row total of 4 is itself a small published number."""
    frame = pl.DataFrame({"r": ["a", "a", "b", "b"], "c": ["x", "y", "x", "y"], "n": [0, 4, 30, 50]})
    result = suppress(frame, value="n", row="r", col="c", threshold=5)
    assert result.row_totals.filter(pl.col("r") == "a")["suppression"].to_list() == ["primary"]
    cells = np.array([[0, 4], [30, 50]])
    _assert_no_suppressed_number_is_recoverable(cells, _hidden_mask(result, cells, ["a", "b"], ["x", "y"]))


def test_layers_are_separate_tables_and_logged_with_their_group():
    """Oracle: linprog per layer; log records carry the layer value."""
    cells_by_wave = {2019: np.array([[3, 20, 30], [12, 25, 40], [15, 8, 50]]), 2021: np.array([[30, 20], [12, 25]])}
    parts = []
    for wave, cells in cells_by_wave.items():
        parts.append(_table_frame(cells).with_columns(pl.lit(wave).alias("wave")))
    frame = pl.concat(parts)
    result = suppress(frame, value="n", row="r", col="c", threshold=5, by=["wave"])
    assert {record.group for record in result.log} == {(2019,)}
    assert not result.frame.filter(pl.col("wave") == 2021)["is_suppressed"].any()
    assert result.grand_totals["wave"].to_list() == [2019, 2021]
    wave_2019 = result.frame.filter(pl.col("wave") == 2019)
    cells = cells_by_wave[2019]
    hidden = np.zeros((4, 4), dtype=bool)
    for r, c, flag in wave_2019.select(["r", "c", "is_suppressed"]).iter_rows():
        hidden[int(r[1:]), int(c[1:])] = flag
    _assert_no_suppressed_number_is_recoverable(cells, hidden)


def _police_uk_frame(columns: list[str]) -> pl.DataFrame:
    paths = sorted((REALDATA / "uk_police_street").glob("*.csv"))
    crimes = pl.concat([pl.read_csv(p, infer_schema_length=0) for p in paths])
    return crimes.group_by(columns).len(name="n").sort(columns)


def test_real_police_uk_crime_type_by_month_cannot_be_recovered():
    """Oracle: linprog on City of London 2020 counts (crime type × month; 12 police.uk files, 5,925 rows)."""
    counts = _police_uk_frame(["Crime type", "Month"])
    assert counts["n"].sum() == 5925
    result = suppress(counts, value="n", row="Crime type", col="Month", threshold=5)
    rows = counts["Crime type"].unique(maintain_order=True).to_list()
    cols = counts["Month"].unique(maintain_order=True).to_list()
    cells = np.zeros((len(rows), len(cols)))
    hidden = np.zeros((len(rows) + 1, len(cols) + 1), dtype=bool)
    for r, c, n, flag in result.frame.select(["Crime type", "Month", "n", "is_suppressed"]).iter_rows():
        cells[rows.index(r), cols.index(c)] = n
        hidden[rows.index(r), cols.index(c)] = flag
    for r, flag in result.row_totals.select(["Crime type", "is_suppressed"]).iter_rows():
        hidden[rows.index(r), -1] = flag
    for c, flag in result.col_totals.select(["Month", "is_suppressed"]).iter_rows():
        hidden[-1, cols.index(c)] = flag
    hidden[-1, -1] = result.grand_totals["is_suppressed"][0]
    assert result.frame.filter(pl.col("n") < 5)["suppression"].to_list() == ["primary"] * int((counts["n"] < 5).sum())
    assert any(record.reason == "secondary" for record in result.log)
    _assert_no_suppressed_number_is_recoverable(cells, hidden)


def _series_ranges(values: np.ndarray, hidden: np.ndarray, total_hidden: bool) -> list[tuple[float, float]]:
    """LP for a series with a published total: Σ hidden = total − Σ visible, all ≥ 0."""
    k = int(hidden.sum()) + int(total_hidden)
    coefficients = np.array([1.0] * int(hidden.sum()) + ([-1.0] if total_hidden else []))
    rhs = (0.0 if total_hidden else values.sum()) - values[~hidden].sum()
    out = []
    for index in range(k):
        objective = np.zeros(k)
        objective[index] = 1.0
        low = linprog(objective, A_eq=[coefficients], b_eq=[rhs], bounds=(0, None), method="highs")
        high = linprog(-objective, A_eq=[coefficients], b_eq=[rhs], bounds=(0, None), method="highs")
        out.append((low.fun, np.inf if high.status == 3 else -high.fun))
    return out


def test_series_suppressed_cells_cannot_be_recovered_from_the_total():
    """Oracle: linprog over 150 random series, with and without zero suppression."""
    rng = np.random.default_rng(9)
    for _ in range(150):
        values = rng.choice([0, 0, 1, 2, 4, 5, 8, 20], size=int(rng.integers(1, 8)))
        zeros = bool(rng.integers(0, 2))
        frame = pl.DataFrame({"month": list(range(values.size)), "n": values.tolist()})
        result = suppress_series(frame, value="n", key="month", threshold=5, suppress_zeros=zeros)
        hidden = result.frame["is_suppressed"].to_numpy()
        total_hidden = bool(result.totals["is_suppressed"][0])
        if not hidden.any() and not total_hidden:
            continue
        for low, high in _series_ranges(values.astype(float), hidden, total_hidden):
            assert high - low > WIDTH, (values.tolist(), hidden.tolist(), total_hidden)


def test_series_lone_small_cell_takes_the_next_smallest_with_it():
    """Oracle: hand — months 10, 3, 7, 12 with total 32: 3 alone is 32 − 29, so 7 goes too."""
    frame = pl.DataFrame({"month": ["2020-01", "2020-02", "2020-03", "2020-04"], "n": [10, 3, 7, 12]})
    result = suppress_series(frame, value="n", key="month", threshold=5)
    assert result.frame["suppression"].to_list() == [None, "primary", "secondary", None]
    assert result.totals["n"].to_list() == [32]
    assert result.log == (
        SuppressionRecord("2020-02", None, "primary"),
        SuppressionRecord("2020-03", None, "secondary"),
    )


def test_series_single_cell_hides_its_total():
    """Oracle: hand — a one-cell series's total equals the cell."""
    result = suppress_series(pl.DataFrame({"k": ["only"], "n": [3]}), value="n", key="k", threshold=5)
    assert result.frame["suppression"].to_list() == ["primary"]
    assert result.totals["suppression"].to_list() == ["primary"]
    result = suppress_series(pl.DataFrame({"k": ["a", "b"], "n": [3, 0]}), value="n", key="k", threshold=5)
    assert result.frame["suppression"].to_list() == ["primary", None]
    assert result.totals["suppression"].to_list() == ["primary"]
    result = suppress_series(pl.DataFrame({"k": ["a", "b"], "n": [3, 9]}), value="n", key="k", threshold=5)
    assert result.frame["suppression"].to_list() == ["primary", "secondary"]


def test_series_without_total_only_primary():
    """Oracle: hand — no published total, nothing to subtract from."""
    result = suppress_series(pl.DataFrame({"k": [1, 2], "n": [3, 9]}), value="n", key="k", threshold=5, total=False)
    assert result.frame["suppression"].to_list() == ["primary", None]
    assert result.totals.height == 0


@pytest.mark.parametrize(
    ("frame", "kwargs", "code"),
    [
        (pl.DataFrame({"r": ["a"], "c": ["x"], "n": [1]}), {"value": "count"}, "missing_column"),
        (pl.DataFrame({"r": ["a", None], "c": ["x", "x"], "n": [1, 2]}), {}, "null_category"),
        (pl.DataFrame({"r": ["a", "a"], "c": ["x", "x"], "n": [1, 2]}), {}, "duplicate_cell"),
        (pl.DataFrame({"r": ["a", "b"], "c": ["x", "x"], "n": [1, -2]}), {}, "invalid_value"),
        (pl.DataFrame({"r": ["a", "b"], "c": ["x", "x"], "n": [1, None]}), {}, "invalid_value"),
        (pl.DataFrame({"r": ["a", "b"], "c": ["x", "x"], "n": ["1", "2"]}), {}, "invalid_value"),
        (pl.DataFrame({"r": ["a", "b"], "c": ["x", "x"], "n": [1, 2]}), {"threshold": 0}, "invalid_threshold"),
    ],
)
def test_bad_input_is_rejected_with_a_code(frame, kwargs, code):
    """Oracle: the documented error codes."""
    arguments = {"value": "n", "row": "r", "col": "c", "threshold": 5} | kwargs
    with pytest.raises(AnalysisError) as caught:
        suppress(frame, **arguments)
    assert caught.value.code == code
