"""UK STATS19 road-collision files (Department for Transport): one row per injury collision.

Both generations of column names load: the older ``accident_index``, ``accident_severity``,
``accident_year`` … and the newer ``collision_index``, ``collision_severity``,
``collision_year`` … (DfT renamed them in 2023). Only the columns the dashboard needs are
read; every other column is ignored.

Codes are turned into labels with ``data/reference/stats19_codes.csv`` (built from the DfT
lookup, see ``data/reference/build_stats19_codes.py``):

* ``collision_severity``/``accident_severity``: 1 fatal, 2 serious, 3 slight. Any other
  integer (DfT writes ``-1`` for "data missing or out of range") is kept as ``unknown`` —
  the collision is counted, never dropped.
* The local authority is taken from ``local_authority_ons_district`` (``E09000033``) when it
  holds a known code, else from the older numeric ``local_authority_district`` (translated to
  its ONS code through the shared name when the lookup has one). Each becomes an area
  ``GB-LAD-<ONS code>`` (or ``GB-LAD-D<district code>`` when no ONS code is known) of level
  ``local_authority`` under ``GB``, emitted in ``raw_extra_areas`` so it appears in ``areas``
  with its name. ``-1``, a blank or a code the lookup does not list becomes the area
  ``GB-LAD-UNKNOWN`` named ``unknown``, also under ``GB``: the collisions stay in every GB
  total instead of being dropped (a notice names unlisted codes).
* ``number_of_casualties``: a whole number; ``-1`` or blank means not known (NULL).

A file whose name contains ``provisional`` (as DfT names its mid-year unvalidated releases) is
loaded with status ``provisional``; every other file is ``final``. The traffic marts let final
figures replace provisional ones for the same area and period.

Rejected whole (naming line and column): no index/severity/date/casualty column, a date that
is not ``DD/MM/YYYY`` (or ISO ``YYYY-MM-DD``), a severity or casualty count that is not a whole
number, a collision index that occurs twice, or coordinates outside the globe.
"""
from __future__ import annotations

import csv
import io
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

import polars as pl

from pipelines.errors import IngestRejected
from pipelines.readers.base import ParsedFile
from pipelines.readers.extra_areas import RAW_EXTRA_AREAS

CODES_FILE = Path(__file__).resolve().parents[2] / "data" / "reference" / "stats19_codes.csv"

RAW_STATS19_COLLISIONS: dict[str, pl.DataType] = {
    "collision_index": pl.Utf8,
    "collision_date": pl.Date,
    "severity": pl.Utf8,  # fatal / serious / slight / unknown
    "severity_code": pl.Utf8,  # as written in the file
    "number_of_casualties": pl.Int64,  # NULL when the file says -1 or nothing
    "area_label": pl.Utf8,  # the local authority's area code (GB-LAD-…), resolved in staging
    "local_authority_code": pl.Utf8,  # the code the label came from, as written
    "police_force": pl.Utf8,
    "latitude": pl.Float64,
    "longitude": pl.Float64,
    "status": pl.Utf8,  # provisional / final
}

RAW_SCHEMAS = {"raw_stats19_collisions": RAW_STATS19_COLLISIONS, "raw_extra_areas": RAW_EXTRA_AREAS}

SEVERITY = {"1": "fatal", "2": "serious", "3": "slight"}
UNKNOWN = "unknown"
UNKNOWN_AREA = "GB-LAD-UNKNOWN"

# Each logical column with the names it has had, newest first.
_COLUMNS: dict[str, tuple[str, ...]] = {
    "index": ("collision_index", "accident_index"),
    "severity": ("collision_severity", "accident_severity"),
    "date": ("date",),
    "casualties": ("number_of_casualties",),
    "la_ons": ("local_authority_ons_district",),
    "la_district": ("local_authority_district",),
    "police_force": ("police_force",),
    "latitude": ("latitude",),
    "longitude": ("longitude",),
}
_REQUIRED = ("index", "severity", "date", "casualties")


@lru_cache(maxsize=1)
def stats19_codes() -> dict[str, dict[str, str]]:
    """The committed code lookup as ``{variable: {code: label}}``."""
    lookup: dict[str, dict[str, str]] = {}
    with CODES_FILE.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            lookup.setdefault(row["variable"], {})[row["code"]] = row["label"]
    return lookup


def _header_cells(head: str) -> set[str]:
    first = head.lstrip("\ufeff").splitlines()[0] if head.strip() else ""
    return {c.strip().strip('"').lower() for c in first.split(",")}


def sniff_stats19(path: Path, head: str) -> bool:
    """A CSV whose header has a collision/accident index, a severity and a casualty count."""
    if path.suffix.lower() not in (".csv", ".txt"):
        return False
    cells = _header_cells(head)
    return all(any(name in cells for name in _COLUMNS[key]) for key in _REQUIRED)


def _parse_date(text: str) -> date:
    text = text.strip()
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


def _whole(text: str) -> int | None:
    text = text.strip()
    if text == "" or text.upper() in ("NA", "NULL"):
        return None
    if text.endswith(".0"):
        text = text[:-2]
    return int(text)


def _coordinate(text: str, limit: float, file: str, line: int, column: str) -> float | None:
    text = text.strip()
    if text == "" or text.upper() in ("NA", "NULL"):
        return None
    try:
        value = float(text)
    except ValueError:
        raise IngestRejected(file, f"'{text}' is not a number", line=line, column=column) from None
    if not -limit <= value <= limit:
        raise IngestRejected(file, f"{text} is outside -{limit:g}…{limit:g}", line=line, column=column)
    return value


@lru_cache(maxsize=1)
def _ons_by_name() -> dict[str, str]:
    """ONS district code by local-authority name (to place older numeric codes)."""
    out: dict[str, str] = {}
    for code, label in stats19_codes().get("local_authority_ons_district", {}).items():
        if code != "-1":
            out.setdefault(label, code)
    return out


def _local_authority(ons: str | None, district: str | None, codes: dict[str, dict[str, str]], unlisted: set[str]) -> tuple[str, str, str | None]:
    """(area code, name, code as written) of a collision's local authority."""
    for variable, code in (("local_authority_ons_district", ons), ("local_authority_district", district)):
        if code is None or code.strip() in ("", "-1", "NA", "NULL"):
            continue
        code = code.strip()
        label = codes.get(variable, {}).get(code)
        if label is None:
            unlisted.add(f"{variable}={code}")
            continue
        if variable == "local_authority_ons_district":
            return f"GB-LAD-{code}", label, code
        ons_code = _ons_by_name().get(label)
        return (f"GB-LAD-{ons_code}" if ons_code else f"GB-LAD-D{code}"), label, code
    first = next((c.strip() for c in (ons, district) if c is not None and c.strip()), None)
    return UNKNOWN_AREA, UNKNOWN, first


def read_stats19(path: Path) -> ParsedFile:
    """Read a STATS19 collision CSV into ``raw_stats19_collisions`` (see module docstring)."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
        notices: list[str] = []
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
        notices = [f"{path.name}: not UTF-8, read as latin-1"]
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise IngestRejected(path.name, "the file is empty", line=1) from None
    position: dict[str, int] = {}
    names: dict[str, str] = {}
    for key, candidates in _COLUMNS.items():
        for name in candidates:
            if name in header:
                position[key], names[key] = header.index(name), name
                break
    missing = [" or ".join(_COLUMNS[key]) for key in _REQUIRED if key not in position]
    if missing:
        raise IngestRejected(path.name, f"required column(s) missing: {'; '.join(missing)}", line=1, column=missing[0].split(" or ")[0])

    codes = stats19_codes()
    forces = codes.get("police_force", {})
    status = "provisional" if "provisional" in path.name.lower() else "final"
    unlisted: set[str] = set()
    seen: dict[str, int] = {}
    areas: dict[str, str] = {}
    columns: dict[str, list] = {name: [] for name in RAW_STATS19_COLLISIONS}

    def cell(record: list[str], key: str) -> str | None:
        at = position.get(key)
        return record[at] if at is not None and at < len(record) else None

    for record in reader:
        if not any(c.strip() for c in record):
            continue
        line = reader.line_num
        index = (cell(record, "index") or "").strip()
        if not index:
            raise IngestRejected(path.name, "a collision index is required", line=line, column=names["index"])
        if index in seen:
            raise IngestRejected(path.name, f"collision {index} already on line {seen[index]}", line=line, column=names["index"])
        seen[index] = line
        try:
            day = _parse_date(cell(record, "date") or "")
        except ValueError:
            raise IngestRejected(path.name, f"'{cell(record, 'date')}' is not a date (DD/MM/YYYY)", line=line, column="date") from None
        severity_text = (cell(record, "severity") or "").strip()
        try:
            severity_code = _whole(severity_text)
        except ValueError:
            raise IngestRejected(path.name, f"'{severity_text}' is not a severity code (1, 2, 3)", line=line, column=names["severity"]) from None
        casualty_text = cell(record, "casualties") or ""
        try:
            casualties = _whole(casualty_text)
        except ValueError:
            raise IngestRejected(path.name, f"'{casualty_text}' is not a whole number", line=line, column=names["casualties"]) from None
        if casualties is not None and casualties < 0:
            casualties = None  # DfT's -1: not known
        area_code, label, la_code = _local_authority(cell(record, "la_ons"), cell(record, "la_district"), codes, unlisted)
        areas[area_code] = label
        force_code = (cell(record, "police_force") or "").strip()
        columns["collision_index"].append(index)
        columns["collision_date"].append(day)
        columns["severity"].append(SEVERITY.get(str(severity_code), UNKNOWN))
        columns["severity_code"].append(severity_text)
        columns["number_of_casualties"].append(casualties)
        columns["area_label"].append(area_code)
        columns["local_authority_code"].append(la_code)
        columns["police_force"].append(forces.get(force_code, UNKNOWN if force_code in ("", "-1") else force_code))
        columns["latitude"].append(_coordinate(cell(record, "latitude") or "", 90, path.name, line, "latitude"))
        columns["longitude"].append(_coordinate(cell(record, "longitude") or "", 180, path.name, line, "longitude"))
        columns["status"].append(status)
    if not seen:
        raise IngestRejected(path.name, "the file has a header but no collisions", line=2)
    frame = pl.DataFrame(columns, schema=RAW_STATS19_COLLISIONS)
    unknown_severity = frame.filter(pl.col("severity") == UNKNOWN).height
    if unknown_severity:
        notices.append(f"{path.name}: {unknown_severity} collision(s) with severity missing or out of range, kept as 'unknown'")
    if unlisted:
        notices.append(f"{path.name}: local authority code(s) not in the DfT lookup, kept as 'unknown': {', '.join(sorted(unlisted))}")
    extra = pl.DataFrame(
        {
            "area_code": sorted(areas),
            "area_name": [areas[c] for c in sorted(areas)],
            "level": ["local_authority"] * len(areas),
            "parent_code": ["GB"] * len(areas),
            "country": ["GB"] * len(areas),
            "map_key": [c.removeprefix("GB-LAD-") if c != UNKNOWN_AREA else None for c in sorted(areas)],
        },
        schema=RAW_EXTRA_AREAS,
    )
    return ParsedFile(
        format=f"stats19-{'collision' if names['index'] == 'collision_index' else 'accident'}-columns",
        tables={"raw_stats19_collisions": frame, "raw_extra_areas": extra},
        notices=tuple(notices),
    )
