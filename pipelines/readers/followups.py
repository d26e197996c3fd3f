"""Police follow-ups (*tryghedsopfølgninger*): the district template and Rigspolitiet's published figures.

Two inputs produce the same raw table, ``raw_followups``:

* **The follow-ups template** (CSV/XLSX, ``FOLLOWUPS_TEMPLATE``) that a police district fills in
  by hand: one row per area, period, channel and reason. The period may be left blank when it
  is not known; such rows keep NULL period columns ("period not stated") and are never given a
  guessed date.
* **The published-figures file** (``dk_tryghed/tryghedsopfoelgninger_published_figures.csv``):
  figures typed in from press coverage of Rigspolitiet's numbers, one row per period, area and
  measure (``tryghedsopfoelgninger_i_alt`` / ``_telefoniske`` / ``_personlige`` /
  ``_forsoeg_uden_kontakt``). Periods are text such as ``2019H1`` or ``unknown (c. 2019)``; a
  label that is not a period keeps NULL period columns and its text in ``period_label``.
  Rows of ``area_type`` ``land`` are national totals and are given the area ``DK`` (their
  ``area`` text, "Alle politikredse" or "Hele landet", names the country, not an area of
  its own). Where an area and period has both a total and a channel breakdown, the breakdown is
  kept and the total is only checked: a breakdown larger than its total rejects the file; a
  smaller one leaves the remainder as channel ``unknown``. A figure whose note starts with
  "derived" (the 218 "not reached" = 1,178 − 747 − 213) is marked ``is_derived``.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

import polars as pl

from pipelines.errors import IngestRejected
from pipelines.period_labels import parse_period_label
from pipelines.readers.base import ParsedFile
from pipelines.readers.template import TemplateColumn, TemplateSpec, read_template, sniff_template

CHANNELS: tuple[str, ...] = ("phone", "in_person", "not_reached", "unknown")
REASONS: tuple[str, ...] = ("victim_of_crime", "other_worry", "unknown")

RAW_FOLLOWUPS: dict[str, pl.DataType] = {
    "area_label": pl.Utf8,  # as written in the file; staging resolves it to an area_code
    "channel": pl.Utf8,  # one of CHANNELS
    "reason": pl.Utf8,  # one of REASONS
    "period_label": pl.Utf8,  # the period as written (kept so unstated periods stay apart)
    "period_type": pl.Utf8,  # NULL when the label is not a period
    "period_start": pl.Date,
    "period_end": pl.Date,
    "count": pl.Int64,
    "is_derived": pl.Boolean,  # the source computed this figure (e.g. as a remainder)
}

RAW_SCHEMAS = {"raw_followups": RAW_FOLLOWUPS}

FOLLOWUPS_TEMPLATE = TemplateSpec(
    name="followups",
    description=(
        "A police district's own counts of follow-ups (tryghedsopfølgninger) per area, period, "
        "channel and reason. Leave `period` blank when it is not known: the rows are kept as "
        "\"period not stated\", never given a guessed date."
    ),
    columns=(
        TemplateColumn("area", "text", "Police district, municipality or other area name (e.g. Midt- og Vestsjællands Politi, Holbæk)."),
        TemplateColumn(
            "period",
            "period",
            "Period label: 2025K1 or 2025Q1 (quarter), 2025M03 (month), 2025H1, 2025W05, 2025 (year). Blank = period not stated.",
            required=False,
        ),
        TemplateColumn(
            "channel",
            "text",
            "How the follow-up went: phone (call), in_person (visit), not_reached (attempt that did not reach the citizen), unknown.",
            allowed=CHANNELS,
        ),
        TemplateColumn(
            "reason",
            "text",
            "Why: victim_of_crime (after a reported crime), other_worry (other insecurity), unknown. Blank = unknown.",
            required=False,
            allowed=REASONS,
        ),
        TemplateColumn("count", "int", "Number of follow-ups (0 or more)."),
    ),
)

PUBLISHED_HEADER: tuple[str, ...] = ("period", "area_type", "area", "measure", "value", "published", "source_url", "note")
_MEASURE_PREFIX = "tryghedsopfoelgninger_"
# Measure in the published file -> channel; ``i_alt`` is the total the channels must add up to.
PUBLISHED_MEASURES: dict[str, str | None] = {
    "tryghedsopfoelgninger_i_alt": None,
    "tryghedsopfoelgninger_telefoniske": "phone",
    "tryghedsopfoelgninger_personlige": "in_person",
    "tryghedsopfoelgninger_forsoeg_uden_kontakt": "not_reached",
}
# The file's area types; ``land`` rows are national totals (area DK).
_AREA_TYPES = ("land", "politikreds", "kommune")


def _frame(rows: list[dict]) -> pl.DataFrame:
    return pl.DataFrame({name: [r[name] for r in rows] for name in RAW_FOLLOWUPS}, schema=RAW_FOLLOWUPS)


def sniff_followups_template(path: Path, head: str) -> bool:
    return sniff_template(path, head, FOLLOWUPS_TEMPLATE)


def read_followups_template(path: Path) -> ParsedFile:
    """Read a filled-in follow-ups template; every row becomes one ``raw_followups`` row.

    Args:
        path: a ``.csv`` or ``.xlsx`` file with the columns of ``FOLLOWUPS_TEMPLATE``.

    Returns:
        The rows; a blank period gives NULL ``period_*`` columns, a blank reason ``unknown``.

    Raises:
        IngestRejected: naming the line, column and reason of the first bad cell.
    """
    rows, notices = read_template(path, FOLLOWUPS_TEMPLATE)
    out = []
    for row in rows:
        period = row["period"]
        out.append(
            {
                "area_label": row["area"],
                "channel": row["channel"],
                "reason": row["reason"] or "unknown",
                "period_label": None,  # the template's label is parsed; only published text is kept
                "period_type": None if period is None else period[0],
                "period_start": None if period is None else period[1],
                "period_end": None if period is None else period[2],
                "count": row["count"],
                "is_derived": False,
            }
        )
    unstated = sum(1 for r in out if r["period_type"] is None)
    if unstated:
        notices = notices + (f"{path.name}: {unstated} row(s) without a period are kept as 'period not stated'",)
    return ParsedFile(
        format="xlsx-template" if path.suffix.lower() in (".xlsx", ".xlsm") else "csv-template",
        tables={"raw_followups": _frame(out)},
        notices=notices,
    )


def sniff_published_followups(path: Path, head: str) -> bool:
    """The published-figures layout: its exact header and follow-up measures in the rows."""
    lines = head.lstrip("\ufeff").splitlines()
    if not lines or tuple(c.strip() for c in next(csv.reader([lines[0]]))) != PUBLISHED_HEADER:
        return False
    return _MEASURE_PREFIX in head


def read_published_followups(path: Path) -> ParsedFile:
    """Read Rigspolitiet's published follow-up figures (see the module docstring).

    Args:
        path: the published-figures CSV (UTF-8, comma separated).

    Returns:
        ``raw_followups`` rows, reason ``unknown`` (the figures do not split by reason).

    Raises:
        IngestRejected: an unknown measure or area type, a value that is not a whole number,
            the same figure twice, or a channel breakdown larger than its total.
    """
    text = path.read_bytes().decode("utf-8-sig", errors="strict")
    reader = csv.reader(io.StringIO(text, newline=""))
    header = tuple(c.strip() for c in next(reader, ()))
    if header != PUBLISHED_HEADER:
        raise IngestRejected(path.name, f"header is not {','.join(PUBLISHED_HEADER)}", line=1)
    # (period label, area label) -> {"total": (value, line), channel: (value, line, derived)}
    groups: dict[tuple[str, str], dict[str, tuple]] = {}
    order: list[tuple[str, str]] = []
    for record in reader:
        line = reader.line_num
        if not any(c.strip() for c in record):
            continue
        if len(record) != len(PUBLISHED_HEADER):
            raise IngestRejected(path.name, f"{len(record)} cells but the header has {len(PUBLISHED_HEADER)}", line=line)
        cells = dict(zip(PUBLISHED_HEADER, (c.strip() for c in record)))
        if cells["measure"] not in PUBLISHED_MEASURES:
            raise IngestRejected(
                path.name, f"unknown measure '{cells['measure']}' (expected one of {', '.join(PUBLISHED_MEASURES)})", line=line, column="measure"
            )
        if cells["area_type"] not in _AREA_TYPES:
            raise IngestRejected(path.name, f"unknown area type '{cells['area_type']}' (expected {', '.join(_AREA_TYPES)})", line=line, column="area_type")
        if not cells["area"]:
            raise IngestRejected(path.name, "a value is required", line=line, column="area")
        if not (cells["value"].isascii() and cells["value"].isdigit()):
            # Counts only: "6.355" could be a Danish thousands point or a decimal; refuse to guess.
            raise IngestRejected(path.name, f"'{cells['value']}' is not a whole number (digits only)", line=line, column="value")
        value = int(cells["value"])
        area = "DK" if cells["area_type"] == "land" else cells["area"]
        key = (cells["period"], area)
        if key not in groups:
            groups[key] = {}
            order.append(key)
        slot = PUBLISHED_MEASURES[cells["measure"]] or "total"
        if slot in groups[key]:
            raise IngestRejected(path.name, f"{cells['measure']} for {cells['area']} in '{cells['period']}' is given twice", line=line, column="measure")
        groups[key][slot] = (value, line, cells["note"].lower().startswith("derived"))
    rows = []
    notices = []
    for period_label, area in order:
        figures = groups[(period_label, area)]
        period = parse_period_label(period_label)
        base = {
            "area_label": area,
            "reason": "unknown",
            "period_label": period_label or None,
            "period_type": None if period is None else period.period_type,
            "period_start": None if period is None else period.period_start,
            "period_end": None if period is None else period.period_end,
        }
        channels = {k: v for k, v in figures.items() if k != "total"}
        breakdown = sum(v[0] for v in channels.values())
        for channel, (value, _, derived) in channels.items():
            rows.append({**base, "channel": channel, "count": value, "is_derived": derived})
        if "total" in figures:
            total, total_line, _ = figures["total"]
            if breakdown > total:
                raise IngestRejected(
                    path.name,
                    f"the channels add up to {breakdown}, more than the total {total} for {area} in '{period_label}'",
                    line=total_line,
                    column="value",
                )
            if total > breakdown:
                # The part of the total whose channel the source does not give.
                rows.append({**base, "channel": "unknown", "count": total - breakdown, "is_derived": bool(channels)})
        if period is None:
            notices.append(f"{path.name}: '{period_label}' is not a period; {area}'s figures are kept as 'period not stated'")
    if not rows:
        raise IngestRejected(path.name, "the file has a header but no data rows", line=2)
    return ParsedFile(format="published-figures-csv", tables={"raw_followups": _frame(rows)}, notices=tuple(notices))
