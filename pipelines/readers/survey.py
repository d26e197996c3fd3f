"""Respondent-level survey files (SPSS ``.sav``, Stata ``.dta``, CSV, XLSX) read with their
description (``pipelines/readers/survey_description.py`` says how it travels).

What is kept, and where:

- ``raw_survey_respondents``: one row per respondent and wave: weight, strata, PSU and the area
  label (mapped by the description; staging resolves it to an area code).
- ``raw_survey_answers``: one row per respondent and kept variable (the description's items and
  breakdowns), long. The value is the file's number; **user-missing codes are kept here** with
  their code in ``missing_code`` and turned into NULL in staging (STYLE §5.4). Stata extended
  missing values (``.a``–``.z``) have no number: value NULL, ``missing_code`` ``.b`` etc.
- ``raw_survey_variables``: each kept variable's label, value labels (JSON, missing codes
  included) and user-missing codes (JSON).
- the description's own three tables (survey, waves, item definitions).

Text is decoded with the description's declared encoding (the file's own for ``.sav``); when
that fails, latin-1 is tried and a notice says so (the ESS Norway ``.dta`` needs latin-1).
Breakdown variables holding text (``"Male"``) are coded 1, 2, … in sorted order, with the text
as value labels; items must be numeric.
"""
from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

import numpy as np
import polars as pl

from pipelines.errors import IngestRejected
from pipelines.readers.base import ParsedFile
from pipelines.readers.survey_description import (
    DESCRIPTION_SCHEMAS,
    SUFFIX,
    SurveyDescription,
    _key,
    description_for,
    description_tables,
    parse_description,
    snake_case,
)

RAW_SURVEY_RESPONDENTS: dict[str, pl.DataType] = {
    "survey_id": pl.Utf8,
    "wave": pl.Utf8,
    "respondent_id": pl.Utf8,
    "area_label": pl.Utf8,  # code or name from the description's area map, or the value label
    "weight": pl.Float64,  # 1.0 when the survey has no weight variable
    "stratum": pl.Utf8,
    "psu": pl.Utf8,
}
RAW_SURVEY_ANSWERS: dict[str, pl.DataType] = {
    "survey_id": pl.Utf8,
    "wave": pl.Utf8,
    "respondent_id": pl.Utf8,
    "item": pl.Utf8,
    "value": pl.Float64,  # as in the file, user-missing codes included (NULL for system missing)
    "missing_code": pl.Utf8,  # the declared missing code ('9', '.b') when the value is one
}
RAW_SURVEY_VARIABLES: dict[str, pl.DataType] = {
    "survey_id": pl.Utf8,
    "item": pl.Utf8,
    "source_variable": pl.Utf8,
    "label": pl.Utf8,
    "value_labels": pl.Utf8,  # JSON object code -> label
    "missing_codes": pl.Utf8,  # JSON list of declared missing codes
}
RAW_SCHEMAS = {
    "raw_survey_respondents": RAW_SURVEY_RESPONDENTS,
    "raw_survey_answers": RAW_SURVEY_ANSWERS,
    "raw_survey_variables": RAW_SURVEY_VARIABLES,
    **DESCRIPTION_SCHEMAS,
}

DATA_SUFFIXES = (".sav", ".zsav", ".dta", ".csv", ".xlsx")


class _Table:
    """The columns of a data file the description needs, as Python lists, plus metadata."""

    def __init__(self, columns: dict[str, list], labels: dict[str, str], value_labels: dict[str, dict[str, str]],
                 missing: dict[str, list[tuple[float, float]]], first_line: int) -> None:
        self.columns = columns
        self.labels = labels
        self.value_labels = value_labels
        self.missing = missing  # variable -> [(lo, hi)] user-missing ranges (numbers)
        self.first_line = first_line  # physical line of the first record (CSV/XLSX), else 0
        self.height = len(next(iter(columns.values()))) if columns else 0

    def where(self, index: int) -> int | None:
        """The line to report for record ``index`` (0-based): CSV/XLSX physical line, or None."""
        return self.first_line + index if self.first_line else None


def _needed(description: SurveyDescription) -> list[str]:
    d = description
    names = [d.weight, d.strata, d.psu, d.respondent_id, d.wave_variable, d.area_variable]
    names += [i.variable for i in d.items] + [b.variable for b in d.breakdowns]
    out: list[str] = []
    for name in names:
        if name and name not in out:
            out.append(name)
    return out


def _check_columns(file: str, present: list[str], needed: list[str]) -> None:
    for name in needed:
        if name not in present:
            raise IngestRejected(
                file, f"variable '{name}' named in the survey description is not in the file", line=1, column=name,
                hint="Check the spelling in the .survey.toml (variable names are case-sensitive).",
            )


def _read_stat(path: Path, description: SurveyDescription) -> tuple[_Table, tuple[str, ...]]:
    import pyreadstat

    reader = pyreadstat.read_dta if path.suffix.lower() == ".dta" else pyreadstat.read_sav
    notices: tuple[str, ...] = ()
    try:
        _, meta = reader(str(path), metadataonly=True, encoding=description.encoding)
        encoding = description.encoding
    except pyreadstat.ReadstatError as exc:
        if "encoding" not in str(exc).lower():
            raise IngestRejected(path.name, f"not a readable {path.suffix} file ({exc})") from None
        _, meta = reader(str(path), metadataonly=True, encoding="latin1")
        encoding = "latin1"
        notices = (f"{path.name}: text is not {description.encoding or 'in the default encoding'}; read as latin-1",)
    except Exception as exc:  # pyreadstat raises several types for a damaged file
        raise IngestRejected(path.name, f"not a readable {path.suffix} file ({exc})") from None
    needed = _needed(description)
    _check_columns(path.name, list(meta.column_names), needed)
    frame, meta = reader(str(path), usecols=needed, user_missing=True, encoding=encoding)
    columns = {name: frame[name].tolist() for name in needed}
    labels = {name: (meta.column_names_to_labels or {}).get(name) or "" for name in needed}
    value_labels = {
        name: {(_stata_code(k) if isinstance(k, str) else _key(k)): str(v) for k, v in (meta.variable_value_labels or {}).get(name, {}).items()}
        for name in needed
    }
    missing = {
        name: [(float(r["lo"]), float(r["hi"])) for r in (meta.missing_ranges or {}).get(name, []) if _is_number(r["lo"])]
        for name in needed
    }
    return _Table(columns, labels, value_labels, missing, 0), notices


def _stata_code(letter: str) -> str:
    """Stata's extended missing value as written in Stata (``.b``); pyreadstat gives ``b``."""
    return "." + letter if len(letter) == 1 and letter.isalpha() else letter


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _decode(path: Path, declared: str | None) -> tuple[str, tuple[str, ...]]:
    raw = path.read_bytes()
    encoding = declared or "utf-8-sig"
    try:
        return raw.decode("utf-8-sig" if encoding.lower().replace("-", "") in ("utf8", "utf8sig") else encoding), ()
    except (UnicodeDecodeError, LookupError):
        return raw.decode("latin-1"), (f"{path.name}: text is not {declared or 'UTF-8'}; read as latin-1",)


def _read_csv(path: Path, description: SurveyDescription) -> tuple[_Table, tuple[str, ...]]:
    text, notices = _decode(path, description.encoding)
    first = text.splitlines()[0] if text else ""
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [h.strip() for h in next(reader, [])]
    needed = _needed(description)
    _check_columns(path.name, header, needed)
    index = {name: header.index(name) for name in needed}
    columns: dict[str, list] = {name: [] for name in needed}
    lines: list[int] = []
    for record in reader:
        if not any(cell.strip() for cell in record):
            continue
        lines.append(reader.line_num)
        for name, position in index.items():
            columns[name].append(record[position].strip() if position < len(record) else "")
    table = _Table(columns, {n: "" for n in needed}, {n: {} for n in needed}, {n: [] for n in needed}, 2)
    # Blank lines are skipped, so map record index -> physical line explicitly.
    table.where = lambda i: lines[i] if i < len(lines) else None  # type: ignore[method-assign]
    return table, notices


def _read_xlsx(path: Path, description: SurveyDescription) -> tuple[_Table, tuple[str, ...]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise IngestRejected(path.name, f"not a readable XLSX workbook ({exc})") from None
    rows = book.worksheets[0].iter_rows(values_only=True)
    header = ["" if v is None else str(v).strip() for v in next(rows, ())]
    needed = _needed(description)
    _check_columns(path.name, header, needed)
    index = {name: header.index(name) for name in needed}
    columns: dict[str, list] = {name: [] for name in needed}
    lines: list[int] = []
    for number, values in enumerate(rows, start=2):
        if all(v is None or str(v).strip() == "" for v in values):
            continue
        lines.append(number)
        for name, position in index.items():
            value = values[position] if position < len(values) else None
            columns[name].append("" if value is None else str(value).strip())
    book.close()
    table = _Table(columns, {n: "" for n in needed}, {n: {} for n in needed}, {n: [] for n in needed}, 2)
    table.where = lambda i: lines[i] if i < len(lines) else None  # type: ignore[method-assign]
    return table, ()


_TEXT_MISSING = {"", "na", "nan", ".", "n/a"}


def _as_number(value: object) -> tuple[float | None, str | None, bool]:
    """(number, stata missing code, ok). Text that is not a number gives ok=False."""
    if value is None:
        return None, None, True
    if isinstance(value, bool):
        return float(value), None, True
    if isinstance(value, (int, float, np.integer, np.floating)):
        number = float(value)
        return (None, None, True) if math.isnan(number) else (number, None, True)
    text = str(value).strip()
    if len(text) == 1 and text.isalpha() and text.islower():
        return None, "." + text, True  # pyreadstat's Stata extended missing (.a-.z)
    if text.lower() in _TEXT_MISSING:
        return None, None, True
    try:
        return float(text.replace(",", ".")), None, True
    except ValueError:
        return None, None, False


def _in_ranges(number: float, ranges: list[tuple[float, float]]) -> bool:
    return any(lo <= number <= hi for lo, hi in ranges)


def _coded_text(values: list, name: str) -> tuple[list[float | None], dict[str, str]]:
    """Text categories coded 1..k in sorted order; the text becomes the value label."""
    texts = sorted({str(v).strip() for v in values if v is not None and str(v).strip().lower() not in _TEXT_MISSING})
    codes = {text: float(number) for number, text in enumerate(texts, start=1)}
    out = [codes.get(str(v).strip()) if v is not None else None for v in values]
    return out, {_key(code): text for text, code in codes.items()}


def _binned(numbers: list[float | None], bins: tuple[float, ...]) -> tuple[list[float | None], dict[str, str]]:
    """Group a numeric variable at the bin edges: code k for edges[k-1] <= x < edges[k]."""
    edges = list(bins)
    labels = {}
    for k in range(1, len(edges) + 1):
        low = edges[k - 1]
        high = edges[k] if k < len(edges) else None
        labels[str(k)] = f"{low:g}–{high - 1:g}" if high is not None else f"{low:g}+"
    out = []
    for x in numbers:
        if x is None or x < edges[0]:
            out.append(None)
        else:
            out.append(float(sum(1 for edge in edges if x >= edge)))
    return out, labels


def sniff_survey_microdata(path: Path, head: str) -> bool:
    if path.name.lower().endswith(SUFFIX):
        return False
    suffix = path.suffix.lower()
    if suffix in (".sav", ".zsav", ".dta"):
        return True
    return suffix in (".csv", ".xlsx") and description_for(path) is not None


def read_survey_microdata(path: Path) -> ParsedFile:
    """Read a respondent-level file with the description beside it.

    Args:
        path: a ``.sav``/``.zsav``/``.dta``/``.csv``/``.xlsx`` file with
            ``<name>.survey.toml`` or ``<stem>.survey.toml`` in the same folder.

    Returns:
        The survey raw tables (see the module docstring).

    Raises:
        IngestRejected: no description beside the file, a variable it names is missing, or a
            value is unusable (weight missing or negative, unknown wave, text in an item,
            duplicate respondent), naming the line (CSV/XLSX) or record and the column.
    """
    description_path = description_for(path)
    if description_path is None:
        raise IngestRejected(
            path.name, "no survey description beside the file",
            hint=f"Put {path.name}{SUFFIX} (or {path.stem}{SUFFIX}) in the same folder or upload, and ingest them together; see data/surveys/README.md.",
        )
    d = parse_description(description_path)
    suffix = path.suffix.lower()
    if suffix in (".sav", ".zsav", ".dta"):
        table, notices = _read_stat(path, d)
    elif suffix == ".xlsx":
        table, notices = _read_xlsx(path, d)
    else:
        table, notices = _read_csv(path, d)
    if table.height == 0:
        raise IngestRejected(path.name, "the file has no respondents", line=2)
    file = path.name

    def reject(index: int, column: str, reason: str) -> IngestRejected:
        line = table.where(index)
        return IngestRejected(file, reason if line else f"record {index + 1}: {reason}", line=line, column=column)

    n = table.height
    # Weight.
    if d.weight:
        weights = []
        for i, value in enumerate(table.columns[d.weight]):
            number, _, ok = _as_number(value)
            if not ok or number is None:
                raise reject(i, d.weight, f"weight '{value}' is missing or not a number")
            if number < 0:
                raise reject(i, d.weight, f"weight {number:g} is negative")
            weights.append(number)
    else:
        weights = [1.0] * n
    # Waves.
    if d.wave_variable:
        by_value = {w.value: w.id for w in d.waves}
        wave_labels = table.value_labels.get(d.wave_variable, {})
        waves = []
        for i, value in enumerate(table.columns[d.wave_variable]):
            key = _key(value) if value is not None else ""
            if key not in by_value:
                label = wave_labels.get(key)
                raise reject(i, d.wave_variable, f"wave value '{key}'{f' ({label})' if label else ''} has no [[waves]] entry in {d.file_name}")
            waves.append(by_value[key])
    else:
        waves = [d.wave_fixed] * n
    # Respondent ids, unique within a wave.
    if d.respondent_id:
        ids = [_key(v) if v is not None else "" for v in table.columns[d.respondent_id]]
    else:
        ids = [str(i + 1) for i in range(n)]
    seen: set[tuple[str, str]] = set()
    for i, (wave, rid) in enumerate(zip(waves, ids)):
        if rid == "" or (wave, rid) in seen:
            raise reject(i, d.respondent_id or "record", f"respondent id '{rid}' is empty or repeated in wave {wave}")
        seen.add((wave, rid))
    # Areas.
    if d.area_variable:
        area_labels = table.value_labels.get(d.area_variable, {})
        areas = []
        for value in table.columns[d.area_variable]:
            key = _key(value) if value is not None else ""
            areas.append(d.area_map.get(key) or area_labels.get(key) or (key or None))
    else:
        areas = [d.area_fixed] * n
    strata = [None if v is None else _key(v) for v in table.columns[d.strata]] if d.strata else [None] * n
    psus = [None if v is None else _key(v) for v in table.columns[d.psu]] if d.psu else [None] * n
    respondents = pl.DataFrame(
        {"survey_id": [d.survey_id] * n, "wave": waves, "respondent_id": ids, "area_label": areas,
         "weight": weights, "stratum": strata, "psu": psus},
        schema=RAW_SURVEY_RESPONDENTS,
    )

    answer_frames = []
    variable_rows = []
    declared_missing = {i.variable: i.missing for i in d.items}
    kept = [(i.variable, "item", ()) for i in d.items] + [(b.variable, "breakdown", b.bins) for b in d.breakdowns]
    for variable, role, bins in kept:
        raw_values = table.columns[variable]
        value_labels = dict(table.value_labels.get(variable, {}))
        ranges = list(table.missing.get(variable, [])) + [(m, m) for m in declared_missing.get(variable, ())]
        numbers: list[float | None] = []
        codes: list[str | None] = []
        text_at = None
        for i, value in enumerate(raw_values):
            number, stata_code, ok = _as_number(value)
            if not ok:
                text_at = i
                break
            numbers.append(number)
            codes.append(stata_code or (_key(number) if number is not None and _in_ranges(number, ranges) else None))
        if text_at is not None:
            if role == "item":
                raise reject(text_at, variable, f"'{raw_values[text_at]}' is not a number (items must be numeric codes)")
            numbers, value_labels = _coded_text(raw_values, variable)
            codes = [None] * n
        if bins:
            numbers, value_labels = _binned(numbers, bins)
            codes = [None] * n
        item = snake_case(variable)
        answer_frames.append(
            pl.DataFrame(
                {"survey_id": [d.survey_id] * n, "wave": waves, "respondent_id": ids, "item": [item] * n,
                 "value": numbers, "missing_code": codes},
                schema=RAW_SURVEY_ANSWERS,
            )
        )
        missing_codes = sorted({c for c in codes if c is not None} | {_key(lo) for lo, hi in ranges if lo == hi}
                               | {k for k in value_labels if k.startswith(".")})
        variable_rows.append(
            {"survey_id": d.survey_id, "item": item, "source_variable": variable, "label": table.labels.get(variable) or None,
             "value_labels": json.dumps(value_labels, ensure_ascii=False, sort_keys=True), "missing_codes": json.dumps(missing_codes)}
        )
    tables = {
        "raw_survey_respondents": respondents,
        "raw_survey_answers": pl.concat(answer_frames),
        "raw_survey_variables": pl.DataFrame(variable_rows, schema=RAW_SURVEY_VARIABLES),
        **description_tables(d),
    }
    formats = {".sav": "spss-sav", ".zsav": "spss-zsav", ".dta": "stata-dta", ".csv": "survey-csv", ".xlsx": "survey-xlsx"}
    return ParsedFile(
        format=formats[suffix],
        tables=tables,
        notices=notices + (f"{file}: read with the description {d.file_name} (survey {d.survey_id})",),
        metadata={"survey_id": d.survey_id, "description": d.file_name},
    )
