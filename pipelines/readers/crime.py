"""Crime counts: the district template (CSV/XLSX) for a police district's own figures.

Other crime formats (StatBank exports, police.uk files) live in their own reader modules and
produce the same raw table, ``raw_crime_counts``.
"""
from __future__ import annotations

from pathlib import Path

import polars as pl

from pipelines.readers.base import ParsedFile
from pipelines.readers.template import (
    TemplateColumn,
    TemplateSpec,
    read_template_frame,
    sniff_template,
)

RAW_CRIME_COUNTS: dict[str, pl.DataType] = {
    "area_label": pl.Utf8,  # as written in the file; staging resolves it to an area_code
    "offence_label": pl.Utf8,
    "offence_code": pl.Utf8,  # the file's own code when it has one (leading zeros kept)
    "period_type": pl.Utf8,
    "period_start": pl.Date,
    "period_end": pl.Date,
    "count": pl.Int64,
}

RAW_SCHEMAS = {"raw_crime_counts": RAW_CRIME_COUNTS}

CRIME_TEMPLATE = TemplateSpec(
    name="crime_counts",
    description="A police district's own counts of reported offences per area and period.",
    columns=(
        TemplateColumn("area", "text", "Municipality, police district or other area name (e.g. Aarhus, Østjyllands Politi)."),
        TemplateColumn("offence", "text", "Offence name as you record it (e.g. Indbrud i beboelser)."),
        TemplateColumn("offence_code", "text", "Your own offence code, if any (kept as text).", required=False),
        TemplateColumn("period", "period", "Period label: 2025K1 or 2025Q1 (quarter), 2025M03 (month), 2025H1, 2025W05, 2025 (year)."),
        TemplateColumn("count", "int", "Number of reported offences (0 or more)."),
    ),
)


def sniff_crime_template(path: Path, head: str) -> bool:
    return sniff_template(path, head, CRIME_TEMPLATE)


def read_crime_template(path: Path) -> ParsedFile:
    """Read a filled-in crime template; every row becomes one ``raw_crime_counts`` row."""
    # Column-wise for large well-formed CSV files; row by row (exact line/column) otherwise.
    cells, notices = read_template_frame(path, CRIME_TEMPLATE)
    frame = cells.select(
        pl.col("area").alias("area_label"),
        pl.col("offence").alias("offence_label"),
        pl.col("offence_code"),
        pl.col("period__type").alias("period_type"),
        pl.col("period__start").alias("period_start"),
        pl.col("period__end").alias("period_end"),
        pl.col("count"),
    ).cast(RAW_CRIME_COUNTS)
    return ParsedFile(
        format="xlsx-template" if path.suffix.lower() in (".xlsx", ".xlsm") else "csv-template",
        tables={"raw_crime_counts": frame},
        notices=notices,
    )
