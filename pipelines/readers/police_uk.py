"""Crime counts from police.uk street-level monthly CSVs (``YYYY-MM-<force>-street.csv``).

One row per incident (``Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,
LSOA code,LSOA name,Crime type,Last outcome category,Context``) is counted into
``raw_crime_counts`` twice over:

* per **force** ("Falls within") × crime type × month — every row, including anti-social
  behaviour rows (which have no Crime ID) and "No Location" rows (no LSOA);
* per **LSOA** × crime type × month — rows that have an LSOA code.

The force total is the reported total; marts never add LSOAs on top of it. Forces and LSOAs
are not in the reference areas, so the reader also emits them in ``raw_extra_areas``
(``GB-PF-<slug>`` under ``GB``; ``GB-LSOA-<code>`` under its force, with the LSOA code as the
map key of ``data/reference/geo/london_lsoa2011.geojson``). Area labels in the counts are
these codes, so they resolve exactly. Month cells must be ``YYYY-MM``; a bad one rejects the
file with its line.
"""
from __future__ import annotations

import re
from pathlib import Path

import polars as pl

from pipelines.errors import IngestRejected
from pipelines.period_labels import parse_period_label
from pipelines.readers.base import ParsedFile
from pipelines.readers.crime import RAW_CRIME_COUNTS
from pipelines.readers.extra_areas import RAW_EXTRA_AREAS
from pipelines.thread_safe_polars import map_distinct

RAW_SCHEMAS = {"raw_crime_counts": RAW_CRIME_COUNTS, "raw_extra_areas": RAW_EXTRA_AREAS}

HEADER = (
    "Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude", "Location",
    "LSOA code", "LSOA name", "Crime type", "Last outcome category", "Context",
)
_REQUIRED = ("Month", "Falls within", "LSOA code", "LSOA name", "Crime type")


def sniff_police_uk(path: Path, head: str) -> bool:
    """The police.uk street-level header (any column order, the required columns present)."""
    first = head.lstrip("\ufeff").splitlines()[0] if head.strip() else ""
    cells = {c.strip().strip('"') for c in first.split(",")}
    return set(_REQUIRED) <= cells and "Crime ID" in cells


def force_code(force: str) -> str:
    """Area code of a police force, e.g. ``GB-PF-city-of-london-police``."""
    return "GB-PF-" + re.sub(r"[^a-z0-9]+", "-", force.lower()).strip("-")


def read_police_uk(path: Path) -> ParsedFile:
    """Count one police.uk street-level file per force and per LSOA, crime type and month.

    Args:
        path: a ``*-street.csv`` file from data.police.uk.

    Returns:
        ``raw_crime_counts`` (force and LSOA rows) and ``raw_extra_areas``.

    Raises:
        IngestRejected: missing columns (line 1), or a Month that is not ``YYYY-MM``, a blank
            force or crime type (with line and column).
    """
    try:
        frame = pl.read_csv(path, infer_schema=False, encoding="utf8-lossy")
    except pl.exceptions.PolarsError as exc:
        raise IngestRejected(path.name, f"not a readable CSV ({exc})", line=1) from None
    missing = [c for c in _REQUIRED if c not in frame.columns]
    if missing:
        raise IngestRejected(path.name, f"required column(s) missing: {', '.join(missing)}", line=1, column=missing[0])
    if frame.height == 0:
        raise IngestRejected(path.name, "the file has a header but no rows", line=2)
    frame = frame.with_row_index("line", offset=2).with_columns(
        pl.col(c).str.strip_chars() for c in _REQUIRED
    )
    for column in ("Month", "Falls within", "Crime type"):
        blank = frame.filter(pl.col(column).is_null() | (pl.col(column) == ""))
        if blank.height:
            raise IngestRejected(path.name, "a value is required", line=int(blank["line"][0]), column=column)
    months = {m: parse_period_label(m) for m in frame["Month"].unique().to_list()}
    for month, parsed in months.items():
        if parsed is None or parsed.period_type != "month":
            line = int(frame.filter(pl.col("Month") == month)["line"][0])
            raise IngestRejected(path.name, f"'{month}' is not a month (YYYY-MM)", line=line, column="Month")
    period = pl.DataFrame(
        {
            "Month": list(months),
            "period_type": ["month"] * len(months),
            "period_start": [p.period_start for p in months.values()],
            "period_end": [p.period_end for p in months.values()],
        }
    )
    frame = frame.join(period, on="Month", how="left").with_columns(
        map_distinct(frame["Falls within"], force_code, dtype=pl.Utf8).alias("force_code"),
        pl.when(pl.col("LSOA code").is_not_null() & (pl.col("LSOA code") != ""))
        .then(pl.lit("GB-LSOA-") + pl.col("LSOA code"))
        .otherwise(None)
        .alias("lsoa_area"),
    )
    keys = ["offence_label", "period_type", "period_start", "period_end"]
    frame = frame.rename({"Crime type": "offence_label"})
    by_force = frame.group_by("force_code", *keys).len("count").rename({"force_code": "area_label"})
    by_lsoa = frame.filter(pl.col("lsoa_area").is_not_null()).group_by("lsoa_area", *keys).len("count").rename({"lsoa_area": "area_label"})
    counts = pl.concat([by_force, by_lsoa]).select(
        "area_label", "offence_label", pl.lit(None, dtype=pl.Utf8).alias("offence_code"), *keys[1:], "count"
    ).sort("area_label", "offence_label", "period_start")
    forces = frame.select(pl.col("force_code").alias("area_code"), pl.col("Falls within").alias("area_name")).unique()
    forces = forces.with_columns(
        pl.lit("force").alias("level"), pl.lit("GB").alias("parent_code"), pl.lit("GB").alias("country"), pl.lit(None, dtype=pl.Utf8).alias("map_key")
    )
    lsoas = (
        frame.filter(pl.col("lsoa_area").is_not_null())
        .group_by("lsoa_area")
        .agg(pl.col("LSOA name").first().alias("area_name"), pl.col("force_code").first().alias("parent_code"), pl.col("LSOA code").first().alias("map_key"))
        .select(
            pl.col("lsoa_area").alias("area_code"), "area_name", pl.lit("lsoa").alias("level"), "parent_code", pl.lit("GB").alias("country"), "map_key"
        )
    )
    areas = pl.concat([forces.select(list(RAW_EXTRA_AREAS)), lsoas.select(list(RAW_EXTRA_AREAS))]).sort("area_code")
    no_location = frame.filter(pl.col("lsoa_area").is_null()).height
    no_id = frame.filter(pl.col("Crime ID").is_null() | (pl.col("Crime ID") == "")).height if "Crime ID" in frame.columns else 0
    notices = []
    if no_location:
        notices.append(f"{path.name}: {no_location} row(s) without a location (no LSOA) are counted in the force total only")
    if no_id:
        notices.append(f"{path.name}: {no_id} row(s) without a Crime ID (anti-social behaviour) are counted")
    return ParsedFile(
        format="police-uk-street",
        tables={"raw_crime_counts": counts.cast(RAW_CRIME_COUNTS), "raw_extra_areas": areas.cast(RAW_EXTRA_AREAS)},
        notices=tuple(notices),
    )
