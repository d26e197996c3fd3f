"""A generic reader for Statistics Denmark StatBank exports, whatever the table.

Crime (STRAF*), traffic (UHELD*), charges and population (FOLK1A, BEV*) readers all call
``read_statbank_long`` and then map the table's dimensions onto their own raw table. The
function understands the shapes users actually download:

* **Long files** (API ``/data`` CSV, BULK, and tidy re-exports): one row per cell, a header
  naming the dimensions, a period column ``TID`` and a value column (``INDHOLD``, or the last
  column when there is none, e.g. ``tid,område,Folketal den 1. i kvartalet``). ``;`` or ``,``
  separated, UTF-8 with or without BOM, LF or CRLF.
* **Web "matrix" exports**: periods across the columns, a stub of row-label columns on the
  left whose header cells are blank, an optional title line (``"<Indhold> efter a, b, c og
  tid"``, which names the stub dimensions), blank lines, section rows that set an outer
  dimension (``"Befolkningen ultimo indeværende år"``, ``" ","Mænd"``), outer labels shown only
  when they change, and footnote lines at the end. Usually latin-1.
* Files with **codes instead of labels** (``000``, ``081``): every dimension is read as text,
  so leading zeros are kept.

Cell values (decided here once, for every topic):

==============  ============  ================  =========================================
cell            ``value``     ``value_status``  why
==============  ============  ================  =========================================
``123``         123           ``published``
``1.234,5``     1234.5        ``published``     Danish thousands dot and decimal comma
``-``           0             ``nil``           StatBank's sign for "nil" (magnitude zero)
``..``          null          ``confidential``  suppressed for confidentiality
``.``, ``...``  null          ``not_available`` not available / cannot occur
blank           null          ``not_published`` a blank cell is NOT a zero
(no row)        0             ``zero_filled``   long files only: BULK leaves out zero rows
==============  ============  ================  =========================================

BULK files leave out the rows whose value is 0, so a long file's missing combinations of
(every dimension's values seen in the file) × (every period seen in the file) are added with
value 0 and status ``zero_filled``, and a notice says how many. Pass ``fill_missing=False``
for a file known to be a deliberately partial extract. A matrix has a cell for every
combination, so blanks there stay null.

Nothing here knows about areas or offences: the topic reader decides what a dimension means.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import polars as pl

from pipelines.area_names import normalise_area_name
from pipelines.errors import IngestRejected
from pipelines.period_labels import parse_period_label

StatbankFormat = Literal["statbank-long", "statbank-matrix"]
ValueStatus = Literal["published", "nil", "confidential", "not_available", "not_published", "zero_filled"]

PERIOD_COLUMN = "period_label"
VALUE_COLUMN = "value"

# A long file's grid is filled only when the filled grid stays this many times the file's
# rows or less; a bigger gap means the file is a sparse extract, not a BULK file.
_MAX_FILL_FACTOR = 20

_NUMBER = re.compile(r"^[+-]?(\d+|\d{1,3}(\.\d{3})+)(,\d+)?$|^[+-]?\d*\.?\d+([eE][+-]?\d+)?$")


@dataclass(frozen=True)
class StatbankTable:
    """A StatBank export in long form: one row per dimension combination and period.

    Attributes:
        format: ``"statbank-long"`` or ``"statbank-matrix"``.
        title: the matrix export's title line (``None`` when there is none).
        dimensions: dimension name as the file gives it (``"OMRÅDE"``, ``"OVERTRÆD"``; for an
            untitled matrix ``"dim_1"``, ``"dim_2"``, …) → column name in ``frame``.
        period_column: the column holding the period label as written (``"period_label"``).
        value_column: the numeric column (``"value"``, Float64; null when not published).
        frame: the rows. Columns: one Utf8 column per dimension (null where a matrix leaves
            a dimension blank), ``period_label``, ``period_type``, ``period_start``,
            ``period_end``, ``value`` (Float64), ``value_status`` (see module docstring) and
            ``line`` (the physical line of the cell in the file, header = 1 for long files;
            null for zero-filled rows).
        notices: what the user should know (encoding fallback, zeros filled, blank
            dimensions, footnotes kept aside...).
        footnotes: a matrix export's footnote lines, joined back into sentences.
        codes: long files only: key column (dimensions and ``period_label``) → (its distinct
            values in order of first appearance, each row's index among them), as found when
            checking the grid; see ``enum_column``.
    """

    format: StatbankFormat
    title: str | None
    dimensions: dict[str, str]
    period_column: str
    value_column: str
    frame: pl.DataFrame
    notices: tuple[str, ...] = ()
    footnotes: tuple[str, ...] = ()
    codes: dict[str, tuple[pl.Series, pl.Series]] = field(default_factory=dict, compare=False, repr=False)

    def enum_column(self, column: str) -> pl.Series:
        """A key column of ``frame`` as an Enum of its distinct values, from ``codes``.

        A topic reader that keeps a label column as it is can pass it on as an Enum: Parquet
        writes an Enum as its few values and the row codes, instead of dictionary-encoding the
        same texts again, row by row. Without codes (a matrix export) the column is returned
        unchanged.
        """
        if column not in self.codes:
            return self.frame.get_column(column)
        axis, codes = self.codes[column]
        return axis.cast(pl.Enum(axis)).gather(codes).alias(column)

    def dimension_column(self, *names: str) -> str | None:
        """The frame column of the first dimension whose name matches one of ``names``.

        Names are compared case- and accent-insensitively (``"område"`` matches ``OMRÅDE``
        and ``omraade``) and a name matches a dimension that starts with it, so
        ``"overtræd"`` finds ``"overtrædelsens art"``.

        Returns:
            The column name, or ``None`` when no dimension matches.
        """
        wanted = [normalise_area_name(n) for n in names]
        for name, column in self.dimensions.items():
            key = normalise_area_name(name)
            if any(key == w or key.startswith(w) for w in wanted if w):
                return column
        return None


def _decode(path: Path) -> tuple[str, tuple[str, ...]]:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig"), ()
    except UnicodeDecodeError:
        return raw.decode("latin-1"), (f"{path.name}: not UTF-8, read as latin-1 (StatBank's web export encoding)",)


def _records(text: str) -> list[tuple[int, list[str]]]:
    """CSV records with the physical line each starts on (1-based)."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    out = []
    line = 1
    for record in reader:
        out.append((line, record))
        line = reader.line_num + 1
    return out


def _is_blank(cell: str) -> bool:
    return cell.strip() == ""


def _is_period(cell: str) -> bool:
    return parse_period_label(cell) is not None


def _column_name(name: str, taken: set[str]) -> str:
    """snake_case column name for a dimension; collisions get a numeric suffix."""
    base = re.sub(r"[^\w]+", "_", name.strip().lower(), flags=re.UNICODE).strip("_") or "dim"
    if base in (PERIOD_COLUMN, VALUE_COLUMN, "period_type", "period_start", "period_end", "value_status", "line"):
        base = f"dim_{base}"
    column, n = base, 2
    while column in taken:
        column, n = f"{base}_{n}", n + 1
    taken.add(column)
    return column


def _header_kind(cells: list[str]) -> Literal["long", "matrix"] | None:
    stripped = [c.strip().lstrip("\ufeff") for c in cells]
    if any(normalise_area_name(c) == "tid" for c in stripped) and len(stripped) >= 2:
        return "long"
    n_stub = 0
    while n_stub < len(stripped) and stripped[n_stub] == "":
        n_stub += 1
    periods = [c for c in stripped[n_stub:] if c]
    if n_stub >= 1 and periods and all(_is_period(c) for c in periods):
        return "matrix"
    return None


def sniff_statbank(path: Path, head: str) -> bool:
    """True when the file looks like a StatBank export (long or matrix, any table).

    Args:
        path: the file (only its suffix is used).
        head: the first few KB of the file, decoded leniently.

    Returns:
        Whether ``read_statbank_long`` should be able to read it.
    """
    if path.suffix.lower() not in (".csv", ".txt", ""):
        return False
    records = _records(head)
    for index, (_, cells) in enumerate(records[:10]):
        kind = _header_kind(cells)
        if kind == "long":
            # A long file's first data row must carry a period label in its TID column.
            header = [c.strip().lstrip("\ufeff") for c in cells]
            position = next(i for i, c in enumerate(header) if normalise_area_name(c) == "tid")
            data = [r for _, r in records[index + 1 :] if any(x.strip() for x in r)]
            return bool(data) and len(data[0]) > position and _is_period(data[0][position])
        if kind == "matrix":
            return True
    return False


def parse_value(cell: str) -> tuple[float | None, ValueStatus] | None:
    """Parse one StatBank cell (see the module docstring's table).

    Returns:
        ``(value, status)``, or ``None`` when the text is not a number nor a StatBank sign.
    """
    text = cell.strip().replace("\u00a0", "").replace(" ", "")
    if text == "":
        return None, "not_published"
    if text == "..":
        return None, "confidential"
    if text in (".", "...", "…"):
        return None, "not_available"
    if text in ("-", "–"):
        return 0.0, "nil"
    if not _NUMBER.match(text):
        return None
    if "," in text:
        # Danish style: dots group thousands, the comma is the decimal mark.
        text = text.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"[+-]?\d{1,3}(\.\d{3})+", text):
        # Thousands dots without decimals (1.234.567) – never a decimal in StatBank output.
        text = text.replace(".", "")
    return float(text), "published"


def _values(cells: list[str], lines: list[int], columns: list[str], file: str) -> tuple[list, list]:
    values, statuses = [], []
    cache: dict[str, tuple[float | None, str] | None] = {}
    for cell, line, column in zip(cells, lines, columns):
        parsed = cache.get(cell)
        if parsed is None:
            parsed = parse_value(cell)
            if parsed is None:
                raise IngestRejected(
                    file,
                    f"'{cell.strip()}' is not a number nor a StatBank sign (.., -, blank)",
                    line=line,
                    column=column,
                )
            cache[cell] = parsed
        values.append(parsed[0])
        statuses.append(parsed[1])
    return values, statuses


def _periods(labels: list[str], lines: list[int], column: str, file: str) -> tuple[list, list, list]:
    types, starts, ends = [], [], []
    cache: dict[str, object] = {}
    for label, line in zip(labels, lines):
        if label not in cache:
            cache[label] = parse_period_label(label)
        parsed = cache[label]
        if parsed is None:
            raise IngestRejected(
                file,
                f"'{label}' is not a period label (e.g. 2025K1, 2021M03, 2021)",
                line=line,
                column=column,
            )
        types.append(parsed.period_type)
        starts.append(parsed.period_start)
        ends.append(parsed.period_end)
    return types, starts, ends


def _frame(dim_columns: dict[str, list], labels, lines, values, statuses, period_parts) -> pl.DataFrame:
    types, starts, ends = period_parts
    data = {
        **{column: pl.Series(column, cells, dtype=pl.Utf8) for column, cells in dim_columns.items()},
        PERIOD_COLUMN: pl.Series(PERIOD_COLUMN, labels, dtype=pl.Utf8),
        "period_type": pl.Series("period_type", types, dtype=pl.Utf8),
        "period_start": pl.Series("period_start", starts, dtype=pl.Date),
        "period_end": pl.Series("period_end", ends, dtype=pl.Date),
        VALUE_COLUMN: pl.Series(VALUE_COLUMN, values, dtype=pl.Float64),
        "value_status": pl.Series("value_status", statuses, dtype=pl.Utf8),
        "line": pl.Series("line", lines, dtype=pl.Int64),
    }
    return pl.DataFrame(data)


def _read_long(path: Path, records: list[tuple[int, list[str]]], start: int, notices: list[str], fill_missing: bool) -> StatbankTable:
    file = path.name
    header_line, header = records[start]
    header = [c.strip().lstrip("\ufeff") for c in header]
    keys = [normalise_area_name(c) for c in header]
    period_at = keys.index("tid")
    value_at = keys.index("indhold") if "indhold" in keys else len(header) - 1
    if value_at == period_at:
        raise IngestRejected(file, "no value column after the period column TID", line=header_line, column=header[period_at])
    for position, name in enumerate(header):
        if name == "":
            raise IngestRejected(file, "a header cell is empty", line=header_line, column=str(position + 1))
    taken: set[str] = set()
    dims = {header[i]: _column_name(header[i], taken) for i in range(len(header)) if i not in (period_at, value_at)}
    dim_positions = [i for i in range(len(header)) if i not in (period_at, value_at)]
    cells: dict[int, list[str]] = {i: [] for i in range(len(header))}
    lines: list[int] = []
    for line, record in records[start + 1 :]:
        if not any(c.strip() for c in record):
            continue
        if len(record) != len(header):
            raise IngestRejected(file, f"{len(record)} cells but the header has {len(header)}", line=line)
        for i, cell in enumerate(record):
            cells[i].append(cell.strip())
        lines.append(line)
    if not lines:
        raise IngestRejected(file, "the file has a header but no data rows", line=header_line + 1)
    labels = cells[period_at]
    period_parts = _periods(labels, lines, header[period_at], file)
    values, statuses = _values(cells[value_at], lines, [header[value_at]] * len(lines), file)
    dim_columns = {dims[header[i]]: cells[i] for i in dim_positions}
    frame = _frame(dim_columns, labels, lines, values, statuses, period_parts)
    return _finish_long(frame, dims, file, notices, fill_missing)


def _finish_long(
    frame: pl.DataFrame,
    dims: dict[str, str],
    file: str,
    notices: list[str],
    fill_missing: bool,
    coded: dict[str, tuple[pl.Series, pl.Series]] | None = None,
) -> StatbankTable:
    """Reject repeated cells and fill BULK's left-out zeros (both ways of reading a long file).

    Each row's place in the grid (every dimension's values × every period seen in the file) is
    one integer, from dense codes of each key column in order of first appearance; repeated
    cells are repeated integers and left-out cells the integers no row has.

    Args:
        coded: key column → (its distinct values in order of first appearance, each row's
            index among them), when the caller has them already (see ``_dense_codes``).
    """
    key = [*dims.values(), PERIOD_COLUMN]
    coded = coded or {}
    pairs = [coded[c] if c in coded else _dense_codes(frame.get_column(c)) for c in key]
    axes = [axis for axis, _ in pairs]
    size = 1
    for axis in axes:
        size *= axis.len()
    if size >= 2**62:  # too many combinations for one integer (never a BULK file): compare the keys
        duplicated = frame.select(key).is_duplicated()
        position = None
    else:
        grid = np.zeros(frame.height, dtype=np.int64)
        for axis, codes in pairs:
            grid = grid * axis.len() + codes.to_numpy()
        position = pl.Series("position", grid)
        if size <= _MAX_FILL_FACTOR * frame.height:
            # A dense grid (every BULK file): one counting pass instead of hashing the positions.
            repeated = np.bincount(grid, minlength=size) > 1
            duplicated = pl.Series(repeated[grid]) if repeated.any() else None
        else:
            duplicated = position.is_duplicated()
    if duplicated is not None and duplicated.any():
        second = frame.filter(duplicated).group_by(key).agg(pl.col("line").sort().get(1)).get_column("line").min()
        raise IngestRejected(file, "the same dimensions and period appear twice", line=int(second))
    if fill_missing and position is not None:
        frame, filled = _fill_zero_rows(frame, pairs, grid, size, file, notices)
        pairs = [(axis, pl.concat([codes, pl.Series(codes.name, index, dtype=pl.Int64)])) for (axis, codes), index in zip(pairs, filled)]
    kept = {column: pair for column, pair in zip(key, pairs) if not pair[0].has_nulls()}  # an Enum holds no null
    return StatbankTable("statbank-long", None, dims, PERIOD_COLUMN, VALUE_COLUMN, frame, tuple(notices), codes=kept)


def _dense_codes(column: pl.Series) -> tuple[pl.Series, pl.Series]:
    """A column's distinct values in order of first appearance, and each row's index among them."""
    axis = column.unique(maintain_order=True)
    return axis, column.cast(pl.Enum(axis)).to_physical().cast(pl.Int64)


# Python's str.strip() also removes these (they are "whitespace" to str.isspace, not to polars).
_PY_ONLY_SPACE = (b"\x1c", b"\x1d", b"\x1e", b"\x1f")


def _read_long_fast(path: Path, fill_missing: bool) -> StatbankTable | None:
    """A long file whose header is its first line, read column-wise by polars, or None.

    Gives the same table as ``_read_long`` for the files it accepts. Anything it does not
    accept whole (a title line before the header, blank or multi-line records, short rows, a
    cell that is neither a number nor a StatBank sign, an unknown period label) returns None,
    and the row-by-row reader then reads the file and names the line and column of a problem.

    Work per row is kept to polars' own passes: each text column is stripped, checked and
    coded through its few distinct values (labels, periods), and only the value cells that are
    not plain integers go through ``parse_value``, once per distinct text.
    """
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    table = _read_long_bytes(data, path.name, fill_missing, [])
    if table is _NOT_UTF8:
        data = data.decode("latin-1").encode("utf-8")
        notices = [f"{path.name}: not UTF-8, read as latin-1 (StatBank's web export encoding)"]
        table = _read_long_bytes(data, path.name, fill_missing, notices)
    return table if isinstance(table, StatbankTable) else None


_NOT_UTF8 = object()  # _read_long_bytes' answer for bytes that are not UTF-8


def _read_long_bytes(data: bytes, file: str, fill_missing: bool, notices: list[str]) -> StatbankTable | None | object:
    """``_read_long_fast`` on the file's bytes (BOM removed): a table, None, or ``_NOT_UTF8``.

    Latin-1 bytes are recognised from polars refusing them (it checks every cell is UTF-8), so a
    UTF-8 file, the usual case, is never decoded by Python as a whole.
    """
    end = data.find(b"\n")
    try:
        first = data[: end if end >= 0 else len(data)].decode("utf-8").rstrip("\r")
    except UnicodeDecodeError:
        return _NOT_UTF8
    if not first.strip() or first.count('"') % 2 or any(c in data for c in _PY_ONLY_SPACE):
        return None
    records = _records(first)
    if len(records) != 1 or _header_kind(records[0][1]) != "long":
        return None
    header = [c.strip().lstrip("\ufeff") for c in records[0][1]]
    keys = [normalise_area_name(c) for c in header]
    period_at = keys.index("tid")
    value_at = keys.index("indhold") if "indhold" in keys else len(header) - 1
    if value_at == period_at or "" in header:
        return None
    delimiter = ";" if first.count(";") > first.count(",") else ","
    if b"\r" in data and data.count(b"\r") != data.count(b"\r\n"):
        return None
    try:
        # polars checks that every cell is UTF-8 (it raises otherwise), so the bytes need no
        # decoding pass of their own.
        raw = pl.read_csv(data, separator=delimiter, infer_schema=False, encoding="utf8", empty_string_is_null=False, truncate_ragged_lines=False, raise_if_empty=True)
    except Exception:  # any parsing trouble: the row-wise reader reports it precisely
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return _NOT_UTF8
        return None
    if raw.width != len(header) or raw.height == 0 or raw.null_count().sum_horizontal().item():
        return None
    # Every record on a line of its own and complete: data line n is physical line n + 1.
    # polars gives a short row's missing cells as "" and a blank line as a row of "" cells
    # (a longer row raised above). Without a quote in the file polars cannot join lines nor
    # hide a separator, so only a file with quotes, or with an empty cell somewhere (checked
    # below), needs the lines and separators counted.

    def separators_add_up() -> bool:
        return data.count(delimiter.encode()) == (raw.width - 1) * (raw.height + 1)

    quoted = b'"' in data
    if quoted:
        physical_lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
        if raw.height != physical_lines - 1 or not separators_add_up():
            return None
    period_raw, value_raw = raw.columns[period_at], raw.columns[value_at]
    columns: dict[str, pl.Series] = {}
    coded: dict[str, tuple[pl.Series, pl.Series]] = {}
    taken: set[str] = set()
    dims = {header[i]: _column_name(header[i], taken) for i in range(len(header)) if i not in (period_at, value_at)}
    empty_cells = False
    for i, name in enumerate(raw.columns):
        if i == value_at:
            continue
        column = raw.get_column(name)
        axis = column.unique(maintain_order=True)
        stripped = axis.str.strip_chars()
        if not stripped.equals(axis):  # padded labels: strip every cell, then code again
            column = column.str.strip_chars()
            axis = column.unique(maintain_order=True)
        empty_cells = empty_cells or bool((axis == "").any())
        out = PERIOD_COLUMN if i == period_at else dims[header[i]]
        columns[out] = column.alias(out)
        coded[out] = (axis.alias(out), column.cast(pl.Enum(axis)).to_physical().cast(pl.Int64))
    # polars casts only [+-]?[0-9]+ to an integer, and for those texts parse_value gives the
    # same number as published; every other distinct text goes through parse_value itself.
    value_cells = raw.get_column(value_raw)
    integers = value_cells.cast(pl.Int64, strict=False)
    others = value_cells.filter(integers.is_null()).unique().to_list()
    parsed_values = [parse_value(text) for text in others]
    if any(value is None for value in parsed_values):
        return None
    if empty_cells or any(text.strip() == "" for text in others):
        # A short row or a blank line, or only an empty cell: the separators tell. A row of
        # blank cells (which the row-wise reader skips) is never accepted here.
        if not quoted and not separators_add_up():
            return None
        blank = pl.all_horizontal([pl.col(c).str.strip_chars() == "" for c in raw.columns])
        if raw.select(blank.any()).item():
            return None
    periods_axis = coded[PERIOD_COLUMN][0]
    parsed_periods = [parse_period_label(label) for label in periods_axis.to_list()]
    if any(period is None for period in parsed_periods):
        return None
    period_codes = coded[PERIOD_COLUMN][1]
    period_parts = {
        "period_type": pl.Series("period_type", [p.period_type for p in parsed_periods], dtype=pl.Utf8),
        "period_start": pl.Series("period_start", [p.period_start for p in parsed_periods], dtype=pl.Date),
        "period_end": pl.Series("period_end", [p.period_end for p in parsed_periods], dtype=pl.Date),
    }
    if others:
        signs = {text: parsed for text, parsed in zip(others, parsed_values)}
        cell_value = value_cells.replace_strict(list(signs), [v for v, _ in signs.values()], default=None, return_dtype=pl.Float64)
        cell_status = value_cells.replace_strict(list(signs), [s for _, s in signs.values()], default="published", return_dtype=pl.Utf8)
        value = integers.cast(pl.Float64).fill_null(cell_value)
        status = cell_status
    else:  # every cell a plain integer (a BULK file): nothing to look up
        value, status = integers.cast(pl.Float64), pl.repeat("published", raw.height, dtype=pl.Utf8, eager=True)
    frame = pl.DataFrame(
        [
            *(columns[c] for c in dims.values()),
            columns[PERIOD_COLUMN],
            *(part.gather(period_codes).alias(name) for name, part in period_parts.items()),
            value.alias(VALUE_COLUMN),
            status.alias("value_status"),
            pl.int_range(2, raw.height + 2, dtype=pl.Int64, eager=True).alias("line"),
        ]
    )
    return _finish_long(frame, dims, file, notices, fill_missing, coded)


def _fill_zero_rows(
    frame: pl.DataFrame, pairs: list[tuple[pl.Series, pl.Series]], grid: np.ndarray, size: int, file: str, notices: list[str]
) -> tuple[pl.DataFrame, list[np.ndarray]]:
    """Add value-0 rows for the grid combinations a BULK file left out.

    Args:
        frame: the file's rows, in line order.
        pairs: each key column's (distinct values, each row's index among them): dimensions,
            then the period label.
        grid: each row's place in the grid (see ``_finish_long``); no repeats.
        size: the number of combinations in the grid.

    Returns:
        The rows with the filled ones after them, and each key column's indices (into its
        distinct values) of the filled rows.
    """
    missing = size - frame.height
    nothing = [np.zeros(0, dtype=np.int64) for _ in pairs]
    if missing <= 0:
        return frame, nothing
    if size > _MAX_FILL_FACTOR * frame.height:
        notices.append(
            f"{file}: {missing} of {size} combinations of the file's dimensions and periods are absent; "
            "too many for a BULK file's left-out zeros, so they were NOT filled with 0"
        )
        return frame, nothing
    present = np.zeros(size, dtype=bool)
    present[grid] = True
    # Ascending positions: the grid's order with the first dimension outermost.
    rest = np.flatnonzero(~present)
    columns: list[pl.Series] = []
    indices: list[np.ndarray] = []
    for axis, _ in reversed(pairs):
        rest, index = np.divmod(rest, axis.len())
        columns.insert(0, axis.gather(index))
        indices.insert(0, index)
    # Each period's type and dates from the first row that has it (the codes say which).
    # arg_unique: the first row of each code, in order of first appearance (the axis order).
    first_row = pairs[-1][1].arg_unique()
    parts = frame.select(pl.col("period_type", "period_start", "period_end").gather(first_row))
    absent = pl.DataFrame(columns).with_columns(
        *(parts.get_column(c).gather(indices[-1]) for c in parts.columns),
        pl.lit(0.0).alias(VALUE_COLUMN),
        pl.lit("zero_filled").alias("value_status"),
        pl.lit(None, dtype=pl.Int64).alias("line"),
    )
    notices.append(
        f"{file}: {absent.height} combinations of area/dimension and period are absent from the file "
        "and were counted as 0 (StatBank BULK files leave out rows whose value is 0)"
    )
    # The file's rows are in line order already, so the filled rows (no line) simply follow.
    return pl.concat([frame, absent.select(frame.columns)], how="vertical"), indices


def _title_dimensions(title: str | None, n_stub: int) -> list[str] | None:
    """Stub dimension names from a title like 'X efter bevægelsesart, køn, område og tid'."""
    if not title or " efter " not in title:
        return None
    tail = title.split(" efter ", 1)[1]
    tail = re.sub(r"\([^)]*\)", "", tail).strip().rstrip(".")
    parts = [p.strip() for p in re.split(r",\s*|\s+og\s+", tail) if p.strip()]
    if parts and normalise_area_name(parts[-1]) == "tid":
        parts = parts[:-1]
    return parts if len(parts) == n_stub else None


def _read_matrix(path: Path, records: list[tuple[int, list[str]]], start: int, notices: list[str]) -> StatbankTable:
    file = path.name
    preamble = [" ".join(c.strip() for c in r if c.strip()) for _, r in records[:start]]
    preamble = [p for p in preamble if p]
    title = preamble[0] if preamble else None
    header_line, header = records[start]
    header = [c.strip() for c in header]
    n_stub = 0
    while header[n_stub] == "":
        n_stub += 1
    period_cells = [(i, c) for i, c in enumerate(header) if i >= n_stub]
    for i, c in period_cells:
        if c == "":
            raise IngestRejected(file, "a period header cell is empty", line=header_line, column=str(i + 1))
    named = _title_dimensions(title, n_stub)
    names = named or [f"dim_{i + 1}" for i in range(n_stub)]
    taken: set[str] = set()
    dims = {name: _column_name(name, taken) for name in names}
    columns = list(dims.values())
    current: list[str | None] = [None] * n_stub
    pending: list[tuple[int, list[str]]] = []
    out_dims: dict[str, list] = {c: [] for c in columns}
    labels: list[str] = []
    lines: list[int] = []
    raw_values: list[str] = []
    value_columns: list[str] = []
    footnotes: list[str] = []
    for line, record in records[start + 1 :]:
        cells = [c.strip() for c in record]
        if not any(cells):
            continue
        has_values = len(cells) > n_stub and any(cells[n_stub:])
        innermost = cells[n_stub - 1] if len(cells) >= n_stub else ""
        if not has_values and not (len(cells) > n_stub and innermost):
            pending.append((line, cells))
            continue
        # A data row: section rows seen since the last data row set outer dimensions first.
        for _, section in pending:
            _apply_labels(section[:n_stub], current)
        pending = []
        _apply_labels(cells[:n_stub], current)
        if len(cells) > len(header) and any(cells[len(header):]):
            raise IngestRejected(file, f"{len(cells)} cells but the header has {len(header)}", line=line, column=str(len(header) + 1))
        for position, period in period_cells:
            for column, value in zip(columns, current):
                out_dims[column].append(value)
            labels.append(period)
            lines.append(line)
            raw_values.append(cells[position] if position < len(cells) else "")
            value_columns.append(period)
    footnotes = [" ".join(c for c in cells if c) for _, cells in pending]
    if not lines:
        raise IngestRejected(file, "the matrix has a header but no data rows", line=header_line + 1)
    values, statuses = _values(raw_values, lines, value_columns, file)
    period_parts = _periods(labels, lines, "header", file)
    frame = _frame(out_dims, labels, lines, values, statuses, period_parts)
    if named is None:
        notices.append(
            f"{file}: the export does not name its {n_stub} row dimension(s); they are called "
            + ", ".join(names)
        )
    for name, column in dims.items():
        if frame.get_column(column).null_count() == frame.height:
            notices.append(f"{file}: dimension {name} is blank in every row (the export left it out)")
    blanks = frame.filter(pl.col("value_status") == "not_published").height
    if blanks:
        notices.append(f"{file}: {blanks} blank cell(s) kept as not published (not as 0)")
    joined = _join_footnotes(footnotes)
    if joined:
        notices.append(f"{file}: footnote: " + " ".join(joined))
    key = [*columns, PERIOD_COLUMN]
    duplicated = frame.filter(pl.struct(key).is_duplicated())
    if duplicated.height:
        line = int(duplicated.get_column("line").max())
        raise IngestRejected(file, "a row repeats the dimensions of an earlier row", line=line, column=str(n_stub))
    return StatbankTable("statbank-matrix", title, dims, PERIOD_COLUMN, VALUE_COLUMN, frame, tuple(notices), tuple(joined))


def _apply_labels(stub: list[str], current: list[str | None]) -> None:
    """Set the dimensions a row names; an outer label resets the ones inside it."""
    for position, label in enumerate(stub):
        if label:
            current[position] = label
            for inner in range(position + 1, len(current)):
                current[inner] = None


def _join_footnotes(lines: list[str]) -> list[str]:
    """StatBank wraps one footnote over several quoted lines; join them into one text."""
    if not lines:
        return []
    return [re.sub(r"\s+", " ", " ".join(lines)).strip()]


def read_statbank_long(path: Path, *, fill_missing: bool = True) -> StatbankTable:
    """Read any StatBank export into long form.

    Args:
        path: a long (API/BULK/tidy) or matrix (web) export.
        fill_missing: long files only: add value-0 rows for combinations the file leaves out
            (BULK's zero rows); see the module docstring.

    Returns:
        The table, its dimensions and notices.

    Raises:
        IngestRejected: naming the physical line (header = 1 in a long file; lines count
            from the top of the file, title included) and column of the first problem.
    """
    fast = _read_long_fast(path, fill_missing)
    if fast is not None:
        return fast
    text, decode_notices = _decode(path)
    notices = list(decode_notices)
    records = _records(text)
    for index, (line, cells) in enumerate(records[:10]):
        kind = _header_kind(cells)
        if kind == "long":
            return _read_long(path, records, index, notices, fill_missing)
        if kind == "matrix":
            return _read_matrix(path, records, index, notices)
    raise IngestRejected(
        path.name,
        "no StatBank header found: neither a TID column nor period labels across the columns",
        line=1,
        hint="Export the table from statistikbanken.dk as CSV (semicolon or matrix).",
    )
