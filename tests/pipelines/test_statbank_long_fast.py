"""The column-wise reading of StatBank long files (``statbank._read_long_fast``).

The oracle is the row-by-row reader of the same module (``_read_long``, reached by turning the
fast path off): for every file the fast path accepts, the table must be identical — values,
statuses, line numbers, notices, zero-filled cells — and every file it does not accept must
still be read (or rejected with line and column) by the row-by-row reader.
"""
from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

import pipelines.readers.statbank as statbank
from pipelines.errors import IngestRejected
from tests.realdata import REALDATA

REAL_LONG = sorted((REALDATA / "dk_population").glob("folk1a_*.csv"))


def _row_wise(path: Path, monkeypatch: pytest.MonkeyPatch, **options) -> statbank.StatbankTable:
    with monkeypatch.context() as patch:
        patch.setattr(statbank, "_read_long_fast", lambda *_: None)
        return statbank.read_statbank_long(path, **options)


def _assert_same(fast: statbank.StatbankTable, slow: statbank.StatbankTable) -> None:
    assert fast.frame.schema == slow.frame.schema
    assert fast.frame.equals(slow.frame)
    assert (fast.format, fast.dimensions, fast.notices) == (slow.format, slow.dimensions, slow.notices)


@pytest.mark.parametrize("path", REAL_LONG, ids=lambda p: p.name)
@pytest.mark.parametrize("fill", [True, False])
def test_real_long_files_take_the_fast_path_with_identical_tables(path: Path, fill: bool, monkeypatch) -> None:
    fast = statbank._read_long_fast(path, fill)
    assert fast is not None, "an API/BULK long file with its header on line 1 is read column-wise"
    _assert_same(fast, _row_wise(path, monkeypatch, fill_missing=fill))


def test_signs_decimals_spaces_codes_and_left_out_zeros_match(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "bulk.csv"
    path.write_text(
        "OMRÅDE;ALDER;TID;INDHOLD\n"
        " 101 ;007;2021K1; 12 \n"
        "101;007;2021K2;..\n"
        "101;008;2021K1;-\n"
        "147;007;2021K1;1.234,5\n"
        "147;007;2021K2;+5\n"
        "147;008;2021K1;.\n"
        "147;008;2021K2;1 234\n"
        "101;008;2021K2;\n",
        encoding="utf-8",
    )
    fast = statbank._read_long_fast(path, True)
    assert fast is not None
    _assert_same(fast, _row_wise(path, monkeypatch))
    rows = {(r["område"], r["alder"], r["period_label"]): (r["value"], r["value_status"], r["line"]) for r in fast.frame.iter_rows(named=True)}
    assert rows[("101", "007", "2021K1")] == (12.0, "published", 2)
    assert rows[("101", "007", "2021K2")] == (None, "confidential", 3)
    assert rows[("101", "008", "2021K1")] == (0.0, "nil", 4)
    assert rows[("147", "007", "2021K1")] == (1234.5, "published", 5)
    assert rows[("147", "008", "2021K2")] == (1234.0, "published", 8)
    assert rows[("101", "008", "2021K2")] == (None, "not_published", 9)


def test_left_out_rows_are_filled_in_a_stable_grid_order(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "bulk.csv"
    path.write_text("OMRÅDE;KØN;TID;INDHOLD\nB;M;2020;1\nA;K;2021;2\nA;M;2020;3\n", encoding="utf-8")
    fast = statbank._read_long_fast(path, True)
    assert fast is not None
    _assert_same(fast, _row_wise(path, monkeypatch))
    filled = fast.frame.filter(pl.col("value_status") == "zero_filled")
    # Grid of B, A × M, K × 2020, 2021 in order of first appearance, less the three rows given.
    assert filled.select("område", "køn", "period_label").rows() == [
        ("B", "M", "2021"), ("B", "K", "2020"), ("B", "K", "2021"), ("A", "M", "2021"), ("A", "K", "2020"),
    ]


@pytest.mark.parametrize("header", ["OMRÅDE;TID;INDHOLD", "OMRAADE;TID;INDHOLD"], ids=["latin-1-header", "ascii-header"])
def test_latin1_file_is_read_column_wise_and_says_so(tmp_path: Path, header: str, monkeypatch) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes(f"{header}\nHolbæk;2021;3\nKøge;2021;4\n".encode("latin-1"))
    fast = statbank._read_long_fast(path, True)
    assert fast is not None and any("latin-1" in n for n in fast.notices)
    _assert_same(fast, _row_wise(path, monkeypatch))


@pytest.mark.parametrize(
    "text",
    [
        "Folketal den 1. i kvartalet;;\nOMRÅDE;TID;INDHOLD\nA;2021;1\n",  # a title before the header
        'OMRÅDE;TID;INDHOLD\n"A;B";2021;1\n',  # a quoted separator
        "OMRÅDE;TID;INDHOLD\nA;2021;1\n\nB;2021;2\n",  # a blank line
        'OMRÅDE;TID;INDHOLD\n"A\nB";2021;1\n',  # a record over two lines
        "OMRÅDE;TID;INDHOLD\nA;2021;1\n;;\n",  # a row of blank cells
    ],
    ids=["title", "quoted-separator", "blank-line", "multi-line-record", "blank-cells"],
)
def test_unusual_layouts_go_to_the_row_wise_reader(tmp_path: Path, text: str, monkeypatch) -> None:
    path = tmp_path / "odd.csv"
    path.write_text(text, encoding="utf-8")
    assert statbank._read_long_fast(path, True) is None
    _assert_same(statbank.read_statbank_long(path), _row_wise(path, monkeypatch))


@pytest.mark.parametrize(
    ("line_text", "line", "column", "reason"),
    [
        ("Aarhus;2024M13;5", 40_002, "TID", "not a period label"),
        ("Aarhus;2024M01;many", 40_002, "INDHOLD", "not a number"),
        ("Aarhus;2024M01;5;9", 40_002, None, "cells but the header has"),
        ("Aarhus;2024M01", 40_002, None, "cells but the header has"),
    ],
    ids=["period", "value", "long-row", "short-row"],
)
def test_bad_cell_deep_in_a_large_file_names_line_and_column(tmp_path: Path, line_text: str, line: int, column: str | None, reason: str) -> None:
    rows = [f"Område {n};{2000 + n // 12 % 100}M{n % 12 + 1:02d};{n}" for n in range(50_000)]
    rows[40_000] = line_text
    path = tmp_path / "big.csv"
    path.write_text("OMRÅDE;TID;INDHOLD\n" + "\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(IngestRejected) as caught:
        statbank.read_statbank_long(path)
    assert (caught.value.line, caught.value.column) == (line, column)
    assert reason in caught.value.reason


def test_repeated_cell_is_rejected_at_its_second_line(tmp_path: Path) -> None:
    path = tmp_path / "dup.csv"
    path.write_text("OMRÅDE;TID;INDHOLD\nA;2021;1\nB;2021;2\nA;2021;3\n", encoding="utf-8")
    with pytest.raises(IngestRejected) as caught:
        statbank.read_statbank_long(path)
    assert caught.value.line == 4 and "appear twice" in caught.value.reason


@pytest.mark.parametrize(
    "text",
    [
        "OMRÅDE;KØN;TID;INDHOLD\nA;;2021;1\nA;M;2021;2\n",  # an empty dimension cell: separators are counted
        'OMRÅDE;TID;INDHOLD\n"A";2021;1\nB;2021;2\n',  # quotes without a separator or line break inside
        "OMRÅDE;TID;INDHOLD\r\nA;2021;1\r\nB ;2021;..\r\n",  # CRLF, a padded label, a sign
        "OMRÅDE;TID;INDHOLD\nA;2021; 7 \nB;2021;\n",  # a padded and a blank value cell
    ],
    ids=["empty-dimension-cell", "quoted-label", "crlf-padded", "padded-and-blank-values"],
)
def test_files_with_empty_padded_or_quoted_cells_read_column_wise_match(tmp_path: Path, text: str, monkeypatch) -> None:
    path = tmp_path / "cells.csv"
    path.write_bytes(text.encode("utf-8"))
    fast = statbank._read_long_fast(path, True)
    assert fast is not None
    _assert_same(fast, _row_wise(path, monkeypatch))


def test_a_short_row_in_a_file_without_quotes_is_named_by_the_row_wise_reader(tmp_path: Path) -> None:
    path = tmp_path / "short.csv"
    path.write_text("OMRÅDE;TID;INDHOLD\nA;2021;1\nB;2021\n", encoding="utf-8")
    assert statbank._read_long_fast(path, True) is None
    with pytest.raises(IngestRejected) as caught:
        statbank.read_statbank_long(path)
    assert caught.value.line == 3 and "cells but the header has" in caught.value.reason
