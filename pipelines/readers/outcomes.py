"""Crime outcomes: reported offences and charges per area, offence and period.

Two inputs produce ``raw_crime_outcomes``:

* **The outcomes template** (CSV/XLSX, ``OUTCOMES_TEMPLATE``): a police district's own
  figures, one row per area, offence and period with ``reported`` and ``charged`` (the
  reported offences that led to a charge, so ``charged`` may not exceed ``reported``).
* **StatBank charge tables** (STRAF20/STRAF22 "Anmeldte forbrydelser og sigtelser", in any
  shape ``pipelines.readers.statbank`` reads): the dimension "anmeldte og sigtede" splits each
  area × offence × period into reported offences (a label with "anmeld") and charges (a label
  with "sigte"). StatBank counts *charges made in the period*, which may concern offences
  reported earlier and may name several persons, so there ``charged`` can exceed
  ``reported``; the file is not rejected for it (the analysis then gives a ratio without an
  interval). A cell StatBank does not publish (``..``, blank) leaves the pair out, with a
  notice; it is never read as zero.
"""
from __future__ import annotations

from pathlib import Path

import polars as pl

from pipelines.errors import IngestRejected
from pipelines.readers.base import ParsedFile
from pipelines.readers.statbank import read_statbank_long, sniff_statbank
from pipelines.readers.template import TemplateColumn, TemplateSpec, read_template, sniff_template
from pipelines.thread_safe_polars import map_distinct

RAW_CRIME_OUTCOMES: dict[str, pl.DataType] = {
    "area_label": pl.Utf8,  # as written in the file; staging resolves it to an area_code
    "offence_label": pl.Utf8,
    "offence_code": pl.Utf8,  # the file's own code when it has one (leading zeros kept)
    "period_type": pl.Utf8,
    "period_start": pl.Date,
    "period_end": pl.Date,
    "reported": pl.Int64,
    "charged": pl.Int64,
}

RAW_SCHEMAS = {"raw_crime_outcomes": RAW_CRIME_OUTCOMES}

OUTCOMES_TEMPLATE = TemplateSpec(
    name="crime_outcomes",
    description=(
        "A police district's own counts of reported offences and of those that led to a charge "
        "(sigtelse), per area, offence and period. `charged` counts reported offences with at "
        "least one charge, so it cannot exceed `reported`."
    ),
    columns=(
        TemplateColumn("area", "text", "Municipality, police district or other area name (e.g. Holbæk, Midt- og Vestsjællands Politi)."),
        TemplateColumn("offence", "text", "Offence name as you record it (e.g. Indbrud i beboelser)."),
        TemplateColumn("offence_code", "text", "Your own offence code, if any (kept as text).", required=False),
        TemplateColumn("period", "period", "Period label: 2025K1 or 2025Q1 (quarter), 2025M03 (month), 2025H1, 2025 (year)."),
        TemplateColumn("reported", "int", "Number of reported offences (0 or more)."),
        TemplateColumn("charged", "int", "How many of them led to a charge (0 … reported)."),
    ),
)


def sniff_outcomes_template(path: Path, head: str) -> bool:
    return sniff_template(path, head, OUTCOMES_TEMPLATE)


def read_outcomes_template(path: Path) -> ParsedFile:
    """Read a filled-in outcomes template; every row becomes one ``raw_crime_outcomes`` row.

    Raises:
        IngestRejected: naming line, column and reason of the first bad cell, including a
            ``charged`` larger than ``reported``.
    """
    rows, notices = read_template(path, OUTCOMES_TEMPLATE)
    for row in rows:
        if row["charged"] > row["reported"]:
            raise IngestRejected(
                path.name, f"{row['charged']} charged is more than the {row['reported']} reported", line=row["_line"], column="charged"
            )
    frame = pl.DataFrame(
        {
            "area_label": [r["area"] for r in rows],
            "offence_label": [r["offence"] for r in rows],
            "offence_code": [r["offence_code"] for r in rows],
            "period_type": [r["period"][0] for r in rows],
            "period_start": [r["period"][1] for r in rows],
            "period_end": [r["period"][2] for r in rows],
            "reported": [r["reported"] for r in rows],
            "charged": [r["charged"] for r in rows],
        },
        schema=RAW_CRIME_OUTCOMES,
    )
    return ParsedFile(
        format="xlsx-template" if path.suffix.lower() in (".xlsx", ".xlsm") else "csv-template",
        tables={"raw_crime_outcomes": frame},
        notices=notices,
    )


def sniff_statbank_outcomes(path: Path, head: str) -> bool:
    """A StatBank export whose text names charges (``sigte…``) beside reported offences."""
    lowered = head.lower()
    return sniff_statbank(path, head) and "sigte" in lowered and "anmeld" in lowered


def _measure(label: str | None) -> str | None:
    text = (label or "").lower()
    if "sigte" in text:
        return "charged"
    if "anmeld" in text:
        return "reported"
    return None


def read_statbank_outcomes(path: Path) -> ParsedFile:
    """Read a StatBank charge table (STRAF20/STRAF22 shapes) into ``raw_crime_outcomes``.

    Raises:
        IngestRejected: no area, offence or reported/charged dimension, or a label of the
            reported/charged dimension that is neither.
    """
    table = read_statbank_long(path)
    frame = table.frame
    area = table.dimension_column("område", "omraade", "area")
    offence = table.dimension_column("overtræd", "overtraed", "offence")
    measure = table.dimension_column("anmeldte", "anmsigt", "sigtede")
    if offence is None or measure is None:
        raise IngestRejected(path.name, "a StatBank charge table needs the dimensions 'overtrædelsens art' and 'anmeldte og sigtede'", line=1)
    labels = frame[measure].unique().to_list()
    unknown = [label for label in labels if _measure(label) is None]
    if unknown:
        line = frame.filter(pl.col(measure) == unknown[0])["line"].drop_nulls().min()
        raise IngestRejected(path.name, f"'{unknown[0]}' is neither reported offences nor charges", line=line, column=measure)
    keyed = frame.with_columns(
        map_distinct(frame[measure], _measure, dtype=pl.Utf8).alias("_measure"),
        (pl.col(area) if area else pl.lit("Hele landet")).alias("_area"),
    )
    wide = keyed.pivot("_measure", index=["_area", offence, "period_type", "period_start", "period_end"], values="value", aggregate_function="first")
    for needed in ("reported", "charged"):
        if needed not in wide.columns:
            raise IngestRejected(path.name, f"the file has no {needed} figures", line=1, column=measure)
    complete = wide.filter(pl.col("reported").is_not_null() & pl.col("charged").is_not_null())
    notices = list(table.notices)
    if not area:
        notices.append(f"{path.name}: no area dimension; the figures are read as national (Hele landet)")
    dropped = wide.height - complete.height
    if dropped:
        notices.append(f"{path.name}: {dropped} area × offence × period cell(s) without published reported and charged figures were left out")
    out = pl.DataFrame(
        {
            "area_label": complete["_area"],
            "offence_label": complete[offence],
            "offence_code": pl.Series([None] * complete.height, dtype=pl.Utf8),
            "period_type": complete["period_type"],
            "period_start": complete["period_start"],
            "period_end": complete["period_end"],
            "reported": complete["reported"].round(0).cast(pl.Int64),
            "charged": complete["charged"].round(0).cast(pl.Int64),
        },
        schema=RAW_CRIME_OUTCOMES,
    )
    return ParsedFile(format=table.format, tables={"raw_crime_outcomes": out}, notices=tuple(notices))
