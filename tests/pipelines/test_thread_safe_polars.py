"""map_distinct / map_rows give what map_elements gave, without polars calling Python."""
from __future__ import annotations

from datetime import date

import polars as pl

from pipelines.thread_safe_polars import map_distinct, map_rows


def test_map_distinct_calls_once_per_value_and_keeps_nulls() -> None:
    calls: list[str] = []

    def shout(value: str) -> str:
        calls.append(value)
        return value.upper() + "!"

    series = pl.Series("word", ["a", None, "b", "a", "a"])
    assert map_distinct(series, shout, dtype=pl.Utf8).to_list() == ["A!", None, "B!", "A!", "A!"]
    assert sorted(calls) == ["a", "b"]


def test_map_distinct_on_enums_numbers_and_empty_columns() -> None:
    enum = pl.Series("e", ["x", "y", "x"], dtype=pl.Enum(["x", "y", "z"]))
    assert map_distinct(enum, lambda v: f"<{v}>", dtype=pl.Utf8).to_list() == ["<x>", "<y>", "<x>"]
    floats = pl.Series("f", [1.0, 2.0, None])
    assert map_distinct(floats, lambda v: None if v > 1 else "one", dtype=pl.Utf8).to_list() == ["one", None, None]
    empty = pl.Series("s", [], dtype=pl.Utf8)
    assert map_distinct(empty, str.upper, dtype=pl.Utf8).to_list() == []
    assert map_distinct(pl.Series("n", [None, None], dtype=pl.Utf8), str.upper, dtype=pl.Utf8).to_list() == [None, None]


def test_map_rows_passes_each_row_as_a_dict() -> None:
    frame = pl.DataFrame({"start": [date(2024, 1, 1), date(2024, 3, 1)], "end": [date(2024, 1, 31), None]})
    out = map_rows(frame, lambda r: r["end"] or r["start"], name="last", dtype=pl.Date)
    assert out.name == "last" and out.to_list() == [date(2024, 1, 31), date(2024, 3, 1)]
