"""``read_template_frame``: the column-wise fast path gives exactly the row-wise reader's values,
and a bad cell anywhere in a large file is still reported with its line and column."""
from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

import pipelines.readers.template as template
from pipelines.errors import IngestRejected
from pipelines.readers.crime import CRIME_TEMPLATE

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "samples" / "crime_district_template_2016-2026.csv"


def _row_wise(path: Path, monkeypatch: pytest.MonkeyPatch) -> pl.DataFrame:
    with monkeypatch.context() as patch:
        patch.setattr(template, "_fast_csv_frame", lambda *_: None)
        frame, _ = template.read_template_frame(path, CRIME_TEMPLATE)
    return frame


def test_fast_path_equals_the_row_wise_reader_on_the_demo_sample(monkeypatch) -> None:
    fast = template._fast_csv_frame(SAMPLE, CRIME_TEMPLATE)
    assert fast is not None, "a well-formed UTF-8 template takes the fast path"
    assert fast.equals(_row_wise(SAMPLE, monkeypatch))
    assert fast.schema == _row_wise(SAMPLE, monkeypatch).schema


def test_fast_path_keeps_semicolons_whitespace_and_optional_codes(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "t.csv"
    path.write_text("area;offence;offence_code;period;count\n Aarhus ;Røveri;0102;2025K1; 7\nRanders;Røveri;;2025W05;0\n", encoding="utf-8")
    fast = template._fast_csv_frame(path, CRIME_TEMPLATE)
    assert fast is not None and fast.equals(_row_wise(path, monkeypatch))
    assert fast["offence_code"].to_list() == ["0102", None]
    assert fast["period__type"].to_list() == ["quarter", "week"]


@pytest.mark.parametrize(
    ("bad_cell", "column", "reason"),
    [("-3", "count", "below 0"), ("many", "count", "not a whole number"), ("2025M13", "period", "not a period"), ("", "area", "required")],
)
def test_bad_cell_deep_in_a_large_file_names_line_and_column(tmp_path: Path, bad_cell: str, column: str, reason: str) -> None:
    rows = [["Aarhus", "Røveri", f"2024M{m % 12 + 1:02d}", str(m)] for m in range(50_000)]
    position = {"area": 0, "period": 2, "count": 3}[column]
    rows[41_234][position] = bad_cell
    path = tmp_path / "big.csv"
    path.write_text("area,offence,period,count\n" + "\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")
    with pytest.raises(IngestRejected) as caught:
        template.read_template_frame(path, CRIME_TEMPLATE)
    assert (caught.value.line, caught.value.column) == (41_234 + 2, column)
    assert reason in caught.value.reason


def test_latin1_file_falls_back_and_says_so(tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes("area,offence,period,count\nHolbæk,Hærværk,2025M01,3\n".encode("latin-1"))
    assert template._fast_csv_frame(path, CRIME_TEMPLATE) is None
    frame, notices = template.read_template_frame(path, CRIME_TEMPLATE)
    assert frame["area"].to_list() == ["Holbæk"] and notices
