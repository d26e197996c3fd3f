"""Pure file writers for exported tables: XLSX, CSV, SPSS ``.sav`` and Parquet.

Writers take plain polars frames plus an ``ExportMeta`` and know nothing about statistics or
Streamlit (``pipelines`` never imports ``analysis``); ``pipelines/export_cli.py`` builds the
frames. Every file records its filters and data version:

- **CSV**: ``<name>.csv`` is tidy, one row per cell (and per published total), numbers in
  percentage points; the table's test statistics go to ``<name>_tests.csv`` (a second tidy file
  rather than trailing rows, so ``read.csv``/``pandas.read_csv`` read each file cleanly), and
  ``<name>_meta.json`` holds the method facts (filters, data version, wording, value labels).
- **XLSX**: a ``table`` sheet, a ``tests`` sheet and a ``method`` sheet with the same facts.
- **SAV**: the cells with variable labels and value labels; the file label names the table and
  the data version, and the document notes hold the method facts and the tests.
- **Parquet**: the cells; the method facts and the tests as JSON in the file's key-value
  metadata (keys ``crosstab.meta`` and ``crosstab.tests``).

**Formula injection** (OWASP "CSV Injection"): a text cell beginning with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return is prefixed with ``'`` in CSV and XLSX, so a spreadsheet shows it
as text instead of evaluating it. Only text is touched: numbers are written as numbers, so a
real negative number stays a number.
"""
from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import polars as pl

from pipelines.thread_safe_polars import to_pandas

ExportFormat = Literal["xlsx", "csv", "sav", "parquet"]
FORMATS: tuple[str, ...] = ("xlsx", "csv", "sav", "parquet")
_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class ExportMeta:
    """What an exported table is, for its method sheet, sidecar, notes or metadata.

    Attributes:
        title: one line naming the table (e.g. ``trust_police × gender, column %``).
        facts: ordered ``(name, value)`` pairs for the method sheet: question wording, weighting,
            filters, sample type and size, fieldwork dates, data version, date of export, methods.
        filters: the filters applied, as ``dimension -> [codes]``.
        data_version: the warehouse's data version.
        value_labels: per exported variable, ``code -> label``.
        variable_labels: per exported column, its label.
    """

    title: str
    facts: tuple[tuple[str, str], ...]
    filters: dict[str, list[str]]
    data_version: str
    value_labels: dict[str, dict[str, str]] = field(default_factory=dict)
    variable_labels: dict[str, str] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        """The metadata as a JSON-ready dict."""
        return {
            "title": self.title,
            "data_version": self.data_version,
            "filters": self.filters,
            "facts": dict(self.facts),
            "value_labels": self.value_labels,
            "variable_labels": self.variable_labels,
        }


def neutralise(text: str) -> str:
    """Prefix ``'`` to text a spreadsheet would read as a formula (OWASP CSV injection)."""
    return "'" + text if text.startswith(_DANGEROUS) else text


def _neutral_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """Neutralise every text column; numeric columns are left as they are."""
    text = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    if not text:
        return frame
    return frame.with_columns(
        pl.when(pl.col(name).str.contains(r"^[=+\-@\t\r]"))
        .then(pl.lit("'") + pl.col(name))
        .otherwise(pl.col(name))
        .alias(name)
        for name in text
    )


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)  # shortest round-trip form, never thousands separators
    return value


def _write_csv_frame(frame: pl.DataFrame, path: Path) -> None:
    safe = _neutral_frame(frame)
    with path.open("w", encoding="utf-8", newline="") as handle:
        # CRLF as RFC 4180 says; it also makes the csv module quote fields holding a bare \r.
        writer = csv.writer(handle, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
        writer.writerow([neutralise(c) for c in safe.columns])
        for row in safe.iter_rows():
            writer.writerow([_csv_value(v) for v in row])


def write_csv(path: Path, cells: pl.DataFrame, tests: pl.DataFrame, meta: ExportMeta) -> list[Path]:
    """Write ``path`` (cells), ``<stem>_tests.csv`` and ``<stem>_meta.json``.

    Args:
        path: the cells file (``.csv``).
        cells: one row per cell; text neutralised, numbers unchanged, nulls as empty fields.
        tests: one row per test statistic.
        meta: the table's metadata.

    Returns:
        The three paths written.
    """
    tests_path = path.with_name(f"{path.stem}_tests.csv")
    meta_path = path.with_name(f"{path.stem}_meta.json")
    _write_csv_frame(cells, path)
    _write_csv_frame(tests, tests_path)
    meta_path.write_text(json.dumps(meta.as_json(), ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    return [path, tests_path, meta_path]


def write_xlsx(path: Path, cells: pl.DataFrame, tests: pl.DataFrame, meta: ExportMeta) -> list[Path]:
    """Write a workbook with the sheets ``table``, ``tests`` and ``method``.

    Text cells are neutralised and stored as strings (openpyxl would otherwise store a text
    beginning with ``=`` as a formula); numbers are numeric cells.
    """
    from openpyxl import Workbook
    from openpyxl.cell.cell import TYPE_STRING

    book = Workbook()
    sheets = [("table", cells), ("tests", tests)]
    for index, (name, frame) in enumerate(sheets):
        sheet = book.active if index == 0 else book.create_sheet(name)
        sheet.title = name
        safe = _neutral_frame(frame)
        sheet.append([neutralise(c) for c in safe.columns])
        for row in safe.iter_rows():
            sheet.append(list(row))
        for row_cells in sheet.iter_rows(min_row=1):
            for cell in row_cells:
                if isinstance(cell.value, str):
                    cell.data_type = TYPE_STRING
        sheet.freeze_panes = "A2"
    method = book.create_sheet("method")
    method.append(["item", "value"])
    rows: list[tuple[str, str]] = [("table", meta.title), *meta.facts]
    rows += [("filters", json.dumps(meta.filters, ensure_ascii=False) if meta.filters else "none")]
    rows += [("data version", meta.data_version)]
    for variable, labels in meta.value_labels.items():
        for code, label in labels.items():
            rows.append((f"value label: {variable} = {code}", label))
    for name, value in rows:
        method.append([neutralise(str(name)), neutralise(str(value))])
    for row_cells in method.iter_rows(min_row=1):
        for cell in row_cells:
            cell.data_type = TYPE_STRING
    method.column_dimensions["A"].width = 34
    method.column_dimensions["B"].width = 100
    book.save(path)
    return [path]


def write_sav(path: Path, cells: pl.DataFrame, tests: pl.DataFrame, meta: ExportMeta) -> list[Path]:
    """Write an SPSS ``.sav`` of the cells with variable and value labels.

    Columns named in ``meta.value_labels`` must hold whole-number codes; their labels become
    SPSS value labels. The file label names the table and data version; the notes hold the
    method facts, the filters and each test.
    """
    import pyreadstat

    frame = to_pandas(cells)
    labels = {name: meta.variable_labels.get(name, name) for name in cells.columns}
    value_labels = {
        name: {int(code): label for code, label in mapping.items()}
        for name, mapping in meta.value_labels.items()
        if name in cells.columns
    }
    notes = [f"{name}: {value}" for name, value in meta.facts]
    notes.append("filters: " + (json.dumps(meta.filters, ensure_ascii=False) if meta.filters else "none"))
    notes.append(f"data version: {meta.data_version}")
    for row in tests.iter_rows(named=True):
        notes.append("test: " + json.dumps(row, ensure_ascii=False, default=str))
    pyreadstat.write_sav(
        frame,
        str(path),
        file_label=_clip_bytes(f"{meta.title} (data version {meta.data_version})", 64),
        column_labels=labels,
        variable_value_labels=value_labels,
        note=[part for note in notes for part in _note_lines(note)],
    )
    return [path]


def _clip_bytes(text: str, limit: int) -> str:
    """The longest prefix of ``text`` whose UTF-8 encoding fits in ``limit`` bytes."""
    encoded = text.encode("utf-8")[:limit]
    return encoded.decode("utf-8", errors="ignore")


def _note_lines(text: str, width: int = 80) -> list[str]:
    """Split a note into SPSS document lines of at most ``width`` bytes (continuations indented)."""
    lines, rest = [], text
    while rest:
        part = _clip_bytes(rest, width)
        lines.append(part)
        rest = rest[len(part):]
        if rest:
            rest = "  " + rest
    return lines


def write_parquet(path: Path, cells: pl.DataFrame, tests: pl.DataFrame, meta: ExportMeta) -> list[Path]:
    """Write the cells as Parquet with the metadata and tests in the key-value metadata."""
    import pyarrow.parquet as pq

    table = cells.to_arrow()
    extra = {
        b"crosstab.meta": json.dumps(meta.as_json(), ensure_ascii=False, default=str).encode("utf-8"),
        b"crosstab.tests": json.dumps(tests.to_dicts(), ensure_ascii=False, default=str).encode("utf-8"),
        b"crosstab.data_version": meta.data_version.encode("utf-8"),
    }
    table = table.replace_schema_metadata({**(table.schema.metadata or {}), **extra})
    pq.write_table(table, path)
    return [path]


WRITERS = {"xlsx": write_xlsx, "csv": write_csv, "sav": write_sav, "parquet": write_parquet}


def write_export(
    path: Path, fmt: ExportFormat, cells: pl.DataFrame, tests: pl.DataFrame, meta: ExportMeta
) -> list[Path]:
    """Write a table in one format; returns every file written (CSV writes three).

    Raises:
        ValueError: an unknown format.
    """
    if fmt not in WRITERS:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    path.parent.mkdir(parents=True, exist_ok=True)
    return WRITERS[fmt](path, cells, tests, meta)
