"""The export writers: formula neutralisation (OWASP CSV injection), intact negative numbers,
XLSX sheets, SPSS labels read back by pyreadstat, Parquet key-value metadata; the audit log."""
from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import openpyxl
import polars as pl
import pyarrow.parquet as pq
import pyreadstat
import pytest

from pipelines.audit import read_events, record_event
from pipelines.exports import ExportMeta, neutralise, write_export
from pipelines.settings import load_settings

CELLS = pl.DataFrame(
    {
        "row": ["=HYPERLINK(\"http://x\")", "+SUM(A1)", "-2+3", "@cmd", "\tTab", "\rCR", "Plain"],
        "col": ["a", "b", "c", "d", "e", "f", "g"],
        "difference": [-3.25, -0.5, 1.0, 2.0, -1e-9, 0.0, 4.5],
        "unweighted_n": [1, 2, 3, 4, 5, 6, 7],
    }
)
TESTS = pl.DataFrame({"statistic": ["rao_scott_f"], "value": [1.5], "p_value": [0.2]})
META = ExportMeta(
    title="=danger × gender",
    facts=(("weighting", "-weights"), ("data version", "abc123")),
    filters={"gender": ["1"]},
    data_version="abc123",
    value_labels={"code": {"1": "Male", "2": "=Female"}},
    variable_labels={"difference": "Difference (points)"},
)


def test_neutralise_prefixes_only_dangerous_text() -> None:
    assert neutralise("=1+1") == "'=1+1"
    assert neutralise("-x") == "'-x" and neutralise("@x") == "'@x" and neutralise("\tx") == "'\tx"
    assert neutralise("Male") == "Male" and neutralise("'=x") == "'=x"


def test_csv_opened_as_text_shows_neutralised_formulas_and_intact_negative_numbers(tmp_path: Path) -> None:
    paths = write_export(tmp_path / "t.csv", "csv", CELLS, TESTS, META)
    assert [p.name for p in paths] == ["t.csv", "t_tests.csv", "t_meta.json"]
    text = paths[0].read_bytes().decode("utf-8")  # as text, without newline translation
    lines = text.split("\r\n")
    assert lines[1] == "\"'=HYPERLINK(\"\"http://x\"\")\",a,-3.25,1"
    assert "'+SUM(A1),b,-0.5,2" in text and "'-2+3,c,1.0,3" in text and "'@cmd,d,2.0,4" in text
    assert "'\tTab,e," in text and "\"'\rCR\",f," in text
    assert "-1e-09" in text  # a negative number is written as a number, not prefixed
    assert "Plain,g,4.5,7" in text
    back = pl.read_csv(paths[0])
    assert back["difference"].dtype == pl.Float64 and back["difference"][0] == -3.25
    meta = json.loads(paths[2].read_text(encoding="utf-8"))
    assert meta["filters"] == {"gender": ["1"]} and meta["data_version"] == "abc123"


def test_xlsx_has_table_tests_and_method_sheets_with_text_not_formulas(tmp_path: Path) -> None:
    (path,) = write_export(tmp_path / "t.xlsx", "xlsx", CELLS, TESTS, META)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["table", "tests", "method"]
    table = book["table"]
    assert table["A2"].value == "'=HYPERLINK(\"http://x\")" and table["A2"].data_type == "s"
    assert table["C2"].value == -3.25 and table["C2"].data_type == "n"
    method = {r[0]: r[1] for r in book["method"].iter_rows(min_row=2, values_only=True)}
    assert method["table"] == "'=danger × gender" and method["weighting"] == "'-weights"
    assert method["data version"] == "abc123" and '"gender"' in method["filters"]
    assert method["value label: code = 2"] == "'=Female"


def test_sav_reopens_with_value_and_variable_labels(tmp_path: Path) -> None:
    cells = pl.DataFrame({"code": [1, 2, 1], "difference": [-1.5, 2.0, 0.25]})
    (path,) = write_export(tmp_path / "t.sav", "sav", cells, TESTS, META)
    frame, meta = pyreadstat.read_sav(str(path))
    assert frame["difference"].tolist() == [-1.5, 2.0, 0.25]
    assert meta.variable_value_labels["code"] == {1.0: "Male", 2.0: "=Female"}
    assert meta.column_names_to_labels["difference"] == "Difference (points)"
    assert "abc123" in meta.file_label
    assert any("data version: abc123" in note for note in meta.notes)


def test_parquet_keeps_filters_version_and_tests_in_its_metadata(tmp_path: Path) -> None:
    (path,) = write_export(tmp_path / "t.parquet", "parquet", CELLS, TESTS, META)
    metadata = pq.read_schema(path).metadata
    meta = json.loads(metadata[b"crosstab.meta"])
    assert meta["filters"] == {"gender": ["1"]} and meta["data_version"] == "abc123"
    assert json.loads(metadata[b"crosstab.tests"])[0]["statistic"] == "rao_scott_f"
    assert pl.read_parquet(path)["difference"][0] == -3.25


def test_unknown_format_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown export format"):
        write_export(tmp_path / "t.json", "json", CELLS, TESTS, META)  # type: ignore[arg-type]


def test_audit_log_appends_json_lines_outside_the_warehouse(tmp_path: Path) -> None:
    settings = replace(load_settings(), data_dir=tmp_path / "data")
    record_event(settings, "suppression", tier="public", what={"row": "x"}, counts={"primary": 1})
    record_event(settings, "export", tier="research", what={"format": "csv"})
    lines = (settings.state_dir / "audit.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2 and json.loads(lines[0])["event"] == "suppression"
    assert [e["tier"] for e in read_events(settings, event="export")] == ["research"]
    assert not settings.warehouse_path.exists()
