"""Strict readers for the documented templates (CSV or XLSX) that districts fill in by hand.

A ``TemplateSpec`` declares the columns once; ``read_template`` checks every cell and rejects the
whole file at the first problem, naming the line (CSV line or sheet row, header = 1), the
column and the reason. The same spec renders the template's documentation (``describe``) so the
docs cannot drift from the checks.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Literal

import polars as pl

from pipelines.errors import IngestRejected
from pipelines.period_labels import parse_period_label

ColumnType = Literal["text", "int", "float", "date", "period"]


@dataclass(frozen=True)
class TemplateColumn:
    name: str
    type: ColumnType
    help: str
    required: bool = True
    allowed: tuple[str, ...] | None = None
    min_value: float | None = 0


@dataclass(frozen=True)
class TemplateSpec:
    """One template: its columns and how rows become a raw table."""

    name: str
    columns: tuple[TemplateColumn, ...]
    description: str

    @property
    def header(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def describe(self) -> str:
        """Markdown table of the columns, used in data/templates/README.md."""
        lines = ["| column | type | required | meaning |", "|---|---|---|---|"]
        for c in self.columns:
            meaning = c.help + (f" One of: {', '.join(c.allowed)}." if c.allowed else "")
            lines.append(f"| `{c.name}` | {c.type} | {'yes' if c.required else 'no'} | {meaning} |")
        return "\n".join(lines)


def _decode(path: Path) -> tuple[str, tuple[str, ...]]:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig"), ()
    except UnicodeDecodeError:
        return raw.decode("latin-1"), (f"{path.name}: not UTF-8, read as latin-1",)


def _rows_from_csv(path: Path) -> tuple[list[str], list[tuple[int, list[str]]], tuple[str, ...]]:
    text, notices = _decode(path)
    first = text.splitlines()[0] if text else ""
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise IngestRejected(path.name, "the file is empty", line=1) from None
    rows = []
    # ``line_num`` after a read is the record's LAST physical line; a quoted cell may span
    # several lines, so the record starts on the line after the previous record ended.
    previous_end = reader.line_num
    for record in reader:
        start, previous_end = previous_end + 1, reader.line_num
        if not any(cell.strip() for cell in record):
            continue
        rows.append((start, record))
    return header, rows, notices


def _rows_from_xlsx(path: Path) -> tuple[list[str], list[tuple[int, list[str]]], tuple[str, ...]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise IngestRejected(path.name, f"not a readable XLSX workbook ({exc})") from None
    sheet = book.worksheets[0]
    rows = []
    header: list[str] | None = None
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        cells = ["" if v is None else (v.isoformat()[:10] if isinstance(v, (date, datetime)) else str(v)) for v in values]
        if header is None:
            header = [c.strip() for c in cells]
            continue
        if any(c.strip() for c in cells):
            rows.append((number, cells))
    book.close()
    if header is None:
        raise IngestRejected(path.name, "the workbook's first sheet is empty", line=1)
    return header, rows, ()


def _parse_number(text: str, kind: ColumnType) -> float | int:
    if kind == "float":
        return float(text.replace(",", "."))
    # Excel hands whole numbers back as "12.0"; anything else with a fraction is not a count.
    if text.endswith(".0"):
        text = text[:-2]
    return int(text)


def _convert(value: str, column: TemplateColumn, file: str, line: int):
    text = value.strip()
    if text == "":
        if column.required:
            raise IngestRejected(file, "a value is required", line=line, column=column.name)
        return None
    if column.allowed is not None and text not in column.allowed:
        raise IngestRejected(
            file,
            f"'{text}' is not one of {', '.join(column.allowed)}",
            line=line,
            column=column.name,
        )
    if column.type == "text":
        return text
    if column.type in ("int", "float"):
        cleaned = text.replace("\u00a0", "").replace(" ", "")
        try:
            number = _parse_number(cleaned, column.type)
        except ValueError:
            raise IngestRejected(
                file, f"'{text}' is not a {'number' if column.type == 'float' else 'whole number'}", line=line, column=column.name
            ) from None
        if column.min_value is not None and number < column.min_value:
            raise IngestRejected(file, f"{text} is below {column.min_value:g}", line=line, column=column.name)
        return number
    if column.type == "date":
        try:
            return date.fromisoformat(text[:10])
        except ValueError:
            raise IngestRejected(file, f"'{text}' is not a date (YYYY-MM-DD)", line=line, column=column.name) from None
    if column.type == "period":
        parsed = parse_period_label(text)
        if parsed is None:
            raise IngestRejected(
                file,
                f"'{text}' is not a period (e.g. 2025K1, 2025Q1, 2021M03, 2019H1, 2021W05, 2021)",
                line=line,
                column=column.name,
            )
        return parsed
    raise AssertionError(column.type)


def read_template(path: Path, spec: TemplateSpec) -> tuple[list[dict], tuple[str, ...]]:
    """Read and check a filled-in template.

    Args:
        path: a ``.csv`` (comma or semicolon separated, UTF-8 or latin-1) or ``.xlsx`` file.
        spec: the template's declaration.

    Returns:
        The rows as dicts keyed by column name (period columns hold
        ``(period_type, period_start, period_end)``), and notices for the user.

    Raises:
        IngestRejected: naming file, line, column and reason for the first bad cell.
    """
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        header, rows, notices = _rows_from_xlsx(path)
    else:
        header, rows, notices = _rows_from_csv(path)
    header = [h.strip().lstrip("\ufeff") for h in header]
    known = set(spec.header)
    for position, name in enumerate(header, start=1):
        if name and name not in known:
            raise IngestRejected(path.name, f"unknown column '{name}' (expected {', '.join(spec.header)})", line=1, column=name or str(position))
    missing = [c.name for c in spec.columns if c.required and c.name not in header]
    if missing:
        raise IngestRejected(path.name, f"required column(s) missing: {', '.join(missing)}", line=1, column=missing[0])
    index = {name: i for i, name in enumerate(header)}
    out = []
    for line, record in rows:
        if len(record) > len(header) and any(cell.strip() for cell in record[len(header):]):
            raise IngestRejected(path.name, f"{len(record)} cells but the header has {len(header)}", line=line, column=str(len(header) + 1))
        row = {}
        for column in spec.columns:
            position = index.get(column.name)
            value = record[position] if position is not None and position < len(record) else ""
            row[column.name] = _convert(value, column, path.name, line)
        row["_line"] = line
        out.append(row)
    if not out:
        raise IngestRejected(path.name, "the template has a header but no data rows", line=2)
    return out, notices


def looks_like_template(head: str, spec: TemplateSpec) -> bool:
    """True when the first line of ``head`` is this template's header (any order, ; or ,)."""
    first = head.lstrip("\ufeff").splitlines()[0] if head.strip() else ""
    cells = {c.strip().strip('"') for c in first.replace(";", ",").split(",")}
    required = {c.name for c in spec.columns if c.required}
    return required <= cells and cells <= set(spec.header)


def sniff_template(path: Path, head: str, spec: TemplateSpec) -> bool:
    """True when a CSV's first line or an XLSX workbook's first row is ``spec``'s header; every
    template kind's sniffer is this with its own spec."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        head = xlsx_header(path)
    return looks_like_template(head, spec)


def xlsx_header(path: Path) -> str:
    """The first row of an XLSX workbook's first sheet as a comma-joined line, for sniffing."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        first = next(book.worksheets[0].iter_rows(values_only=True), ())
        book.close()
    except Exception:
        return ""
    return ",".join("" if v is None else str(v) for v in first)



_ISO_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


def _fast_csv_frame(path: Path, spec: TemplateSpec) -> pl.DataFrame | None:
    """The template's cells as checked columns, read column-wise by polars, or None.

    Only well-formed UTF-8 CSV files whose every cell passes strict vectorised checks are
    accepted here; anything unusual (latin-1, ragged or blank lines, a cell the strict checks
    do not accept) returns None so that ``read_template`` reads the file row by row and names
    the exact line and column of the first problem. For the files it accepts, the values are
    the ones ``read_template`` would produce.

    Every check is a boolean aggregate of one ``select`` and every output column an expression
    of a second one, so polars runs them in parallel over the columns in two passes; period
    labels are parsed once per distinct label.
    """
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return None
    with path.open("rb") as handle:
        first = handle.readline().decode("utf-8-sig", errors="replace")
    delimiter = ";" if first.count(";") > first.count(",") else ","
    try:
        raw = pl.read_csv(path, separator=delimiter, infer_schema=False, encoding="utf8", empty_string_is_null=False, truncate_ragged_lines=False, raise_if_empty=True)
    except Exception:  # any parsing trouble: the row-wise reader reports it precisely
        return None
    header = [h.strip().lstrip("\ufeff") for h in raw.columns]
    if raw.height == 0 or len(set(header)) != len(header) or not set(header) <= set(spec.header) or any(c.required and c.name not in header for c in spec.columns):
        return None
    # Stripped once; both passes below read these columns.
    cells = raw.select(pl.col(old).str.strip_chars().alias(new) for old, new in zip(raw.columns, header))
    checks: list[pl.Expr] = [pl.any_horizontal(pl.all().is_null()).any().not_()]  # short lines give nulls
    if not any(c.required for c in spec.columns):
        # A blank line is a row of empty cells (the row-wise reader skips it); with a required
        # column the required-cell check below already sends such a file there.
        checks.append(pl.all_horizontal(pl.all() == "").any().not_())
    outputs: list[pl.Expr] = []
    period_maps: list[pl.DataFrame] = []
    for column in spec.columns:
        if column.name not in header:
            if column.required:
                return None
            outputs.append(pl.lit(None, dtype=pl.Utf8).alias(column.name))
            continue
        cell = pl.col(column.name)
        empty = cell == ""
        if column.required:
            checks.append(empty.any().not_())
        if column.allowed is not None:
            checks.append((empty | cell.is_in(list(column.allowed))).all())
        value = cell if column.required else pl.when(empty).then(None).otherwise(cell)
        if column.type == "text":
            outputs.append(value.alias(column.name))
        elif column.type == "int":
            # polars casts only [+-]?[0-9]+ (anything else is null, e.g. "1_000", "12.0", "1e3"),
            # and for those texts int() gives the same number; a null where the cell is not
            # empty sends the file to the row-wise reader, which names the cell.
            numbers = value.cast(pl.Int64, strict=False)
            checks.append(numbers.null_count() == empty.sum())
            if column.min_value is not None:
                checks.append((numbers < column.min_value).any().not_())
            outputs.append(numbers.alias(column.name))
        elif column.type == "date":
            dates = value.str.to_date("%Y-%m-%d", strict=False)
            checks.append((empty | cell.str.contains(_ISO_DATE)).all())
            checks.append(dates.null_count() == empty.sum())
            outputs.append(dates.alias(column.name))
        elif column.type == "period":
            # Few distinct labels: parse each once with the same parser, then join them on.
            labels = [label for label in cells.get_column(column.name).unique().to_list() if label]
            parsed = [parse_period_label(label) for label in labels]
            if any(period is None for period in parsed):
                return None
            key = f"__period_{column.name}"
            period_maps.append(
                pl.DataFrame(
                    {
                        key: labels,
                        column.name + "__type": [period.period_type for period in parsed],
                        column.name + "__start": [period.period_start for period in parsed],
                        column.name + "__end": [period.period_end for period in parsed],
                    },
                    schema={key: pl.Utf8, column.name + "__type": pl.Utf8, column.name + "__start": pl.Date, column.name + "__end": pl.Date},
                )
            )
            outputs.append(value.alias(key))
        else:  # floats keep their locale-tolerant row-wise parsing
            return None
    if not cells.select(pl.all_horizontal(*checks).fill_null(True)).item():
        return None
    frame = cells.select(outputs)
    for mapping in period_maps:
        key = mapping.columns[0]
        frame = frame.join(mapping, on=key, how="left", maintain_order="left")
    return frame.select(
        name
        for column in spec.columns
        for name in ([column.name + s for s in ("__type", "__start", "__end")] if column.type == "period" else [column.name])
    )


def read_template_frame(path: Path, spec: TemplateSpec) -> tuple[pl.DataFrame, tuple[str, ...]]:
    """Read and check a filled-in template into a frame (the fast way for large CSV files).

    Same checks and values as ``read_template``; a period column ``p`` becomes ``p__type``,
    ``p__start`` and ``p__end``. Well-formed UTF-8 CSV files are checked column-wise; any file
    the strict vectorised checks do not accept whole is read row by row, so a bad cell is still
    reported with its line and column.

    Raises:
        IngestRejected: naming file, line, column and reason for the first bad cell.
    """
    fast = _fast_csv_frame(path, spec)
    if fast is not None:
        return fast, ()
    rows, notices = read_template(path, spec)
    data: dict[str, list] = {}
    schema: dict[str, pl.DataType] = {}
    kinds = {"text": pl.Utf8, "int": pl.Int64, "float": pl.Float64, "date": pl.Date}
    for column in spec.columns:
        if column.type == "period":
            for position, suffix, dtype in ((0, "__type", pl.Utf8), (1, "__start", pl.Date), (2, "__end", pl.Date)):
                data[column.name + suffix] = [r[column.name][position] if r[column.name] else None for r in rows]
                schema[column.name + suffix] = dtype
        else:
            data[column.name] = [r[column.name] for r in rows]
            schema[column.name] = kinds[column.type]
    return pl.DataFrame(data, schema=schema), notices
