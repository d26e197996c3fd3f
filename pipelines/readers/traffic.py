"""Traffic safety: a district's own accident figures and citizens' speeding tips (templates).

Two documented templates (CSV or XLSX, see ``data/templates/README.md``):

* ``traffic_counts`` — injury accidents and casualties per area, period and road user, each
  row marked ``provisional`` or ``final``. Rows go to ``raw_traffic_counts``, the raw table
  every aggregate traffic source writes (StatBank UHELD tables too). Killed-or-seriously-
  injured (KSI) is **not** a measure of its own: it is ``killed + seriously_injured``, derived
  in the marts, so it can never disagree with its parts.
* ``traffic_tips`` — one row per tip about a place where traffic is too fast or dangerous
  (date, area, place description, optional coordinates, type) → ``raw_traffic_tips``.

Collision-level STATS19 files have their own reader (``stats19.py``).
"""
from __future__ import annotations

from pathlib import Path

import polars as pl

from pipelines.errors import IngestRejected
from pipelines.readers.base import ParsedFile
from pipelines.readers.template import TemplateColumn, TemplateSpec, read_template, sniff_template

MEASURES = ("injury_accidents", "killed", "seriously_injured", "slightly_injured")
# Collision-level sources add: casualties counted by the collision's severity (STATS19 has no
# casualty severity in its collision file).
SEVERITIES = ("fatal", "serious", "slight", "unknown", "all")
ROAD_USERS = ("all", "pedestrian", "bicycle", "moped", "motorcycle", "car", "van_lorry", "bus", "other", "unknown")
STATUSES = ("provisional", "final")
TIP_TYPES = ("speeding", "dangerous_driving", "road_layout", "parking", "other")

RAW_TRAFFIC_COUNTS: dict[str, pl.DataType] = {
    "area_label": pl.Utf8,  # as written in the file; staging resolves it to an area_code
    "measure": pl.Utf8,  # one of MEASURES
    "road_user": pl.Utf8,  # one of ROAD_USERS; 'all' is the total over road users
    "severity": pl.Utf8,  # 'all' for aggregate sources (the severity is in the measure)
    "period_type": pl.Utf8,
    "period_start": pl.Date,
    "period_end": pl.Date,
    "count": pl.Int64,
    "status": pl.Utf8,  # provisional / final
}

RAW_TRAFFIC_TIPS: dict[str, pl.DataType] = {
    "tip_date": pl.Date,
    "area_label": pl.Utf8,
    "place": pl.Utf8,
    "latitude": pl.Float64,
    "longitude": pl.Float64,
    "tip_type": pl.Utf8,
    "line": pl.Int64,  # the tip's line in its file: with source_sha256 it identifies the tip
}

RAW_SCHEMAS = {"raw_traffic_counts": RAW_TRAFFIC_COUNTS}
TIPS_RAW_SCHEMAS = {"raw_traffic_tips": RAW_TRAFFIC_TIPS}

TRAFFIC_TEMPLATE = TemplateSpec(
    name="traffic_counts",
    description="A police district's own figures for injury accidents and casualties per area, period and road user.",
    columns=(
        TemplateColumn("area", "text", "Municipality, police district or other area name (e.g. Randers, Østjyllands Politi)."),
        TemplateColumn(
            "measure",
            "text",
            "What is counted: injury accidents, or people killed / seriously injured / slightly injured. "
            "Killed or seriously injured (KSI) is computed by the dashboard; do not enter it.",
            allowed=MEASURES,
        ),
        TemplateColumn(
            "road_user",
            "text",
            "Road user group the count is about; leave empty or write `all` for the total over all road users.",
            required=False,
            allowed=ROAD_USERS,
        ),
        TemplateColumn("period", "period", "Period label: 2025 (year), 2025K1 or 2025Q1 (quarter), 2025M03 (month)."),
        TemplateColumn("count", "int", "Number of accidents or people (0 or more)."),
        TemplateColumn(
            "status",
            "text",
            "`provisional` for preliminary figures, `final` (or empty) for final ones. Final figures "
            "replace provisional ones for the same area, measure, road user and period.",
            required=False,
            allowed=STATUSES,
        ),
    ),
)

TIPS_TEMPLATE = TemplateSpec(
    name="traffic_tips",
    description="Citizens' tips about places where traffic is too fast or dangerous (e.g. from \"Bestil en betjent\").",
    columns=(
        TemplateColumn("date", "date", "Day the tip was received (YYYY-MM-DD)."),
        TemplateColumn("area", "text", "Municipality or police district the place lies in."),
        TemplateColumn("place", "text", "Where: road, stretch or crossing as the citizen described it (no names of people)."),
        TemplateColumn("latitude", "float", "Latitude in decimal degrees (WGS84), if known.", required=False, min_value=-90),
        TemplateColumn("longitude", "float", "Longitude in decimal degrees (WGS84), if known.", required=False, min_value=-180),
        TemplateColumn("type", "text", "What the tip is about.", allowed=TIP_TYPES),
    ),
)


def _sniff(path: Path, head: str, spec: TemplateSpec) -> bool:
    return sniff_template(path, head, spec)


def sniff_traffic_template(path: Path, head: str) -> bool:
    return _sniff(path, head, TRAFFIC_TEMPLATE)


def sniff_tips_template(path: Path, head: str) -> bool:
    return _sniff(path, head, TIPS_TEMPLATE)


def _format(path: Path) -> str:
    return "xlsx-template" if path.suffix.lower() in (".xlsx", ".xlsm") else "csv-template"


def read_traffic_template(path: Path) -> ParsedFile:
    """Read a filled-in traffic template; each row becomes one ``raw_traffic_counts`` row.

    Raises:
        IngestRejected: a bad cell, or the same area, measure, road user and period twice in
            one file (which would double count), naming the line and column.
    """
    rows, notices = read_template(path, TRAFFIC_TEMPLATE)
    seen: dict[tuple, int] = {}
    for row in rows:
        key = (row["area"].casefold(), row["measure"], row["road_user"] or "all", row["period"][0], row["period"][1])
        if key in seen:
            raise IngestRejected(
                path.name,
                f"the same area, measure, road user and period is already on line {seen[key]}",
                line=row["_line"],
                column="period",
            )
        seen[key] = row["_line"]
    frame = pl.DataFrame(
        {
            "area_label": [r["area"] for r in rows],
            "measure": [r["measure"] for r in rows],
            "road_user": [r["road_user"] or "all" for r in rows],
            "severity": ["all"] * len(rows),
            "period_type": [r["period"][0] for r in rows],
            "period_start": [r["period"][1] for r in rows],
            "period_end": [r["period"][2] for r in rows],
            "count": [r["count"] for r in rows],
            "status": [r["status"] or "final" for r in rows],
        },
        schema=RAW_TRAFFIC_COUNTS,
    )
    return ParsedFile(format=_format(path), tables={"raw_traffic_counts": frame}, notices=notices)


def read_tips_template(path: Path) -> ParsedFile:
    """Read a filled-in tips template; each row becomes one ``raw_traffic_tips`` row.

    Raises:
        IngestRejected: a bad cell, a latitude above 90 or longitude above 180, or only one of
            the two coordinates, naming the line and column.
    """
    rows, notices = read_template(path, TIPS_TEMPLATE)
    for row in rows:
        for column, limit in (("latitude", 90), ("longitude", 180)):
            if row[column] is not None and row[column] > limit:
                raise IngestRejected(path.name, f"{row[column]:g} is above {limit}", line=row["_line"], column=column)
        if (row["latitude"] is None) != (row["longitude"] is None):
            missing = "latitude" if row["latitude"] is None else "longitude"
            raise IngestRejected(path.name, "give both coordinates or neither", line=row["_line"], column=missing)
    frame = pl.DataFrame(
        {
            "tip_date": [r["date"] for r in rows],
            "area_label": [r["area"] for r in rows],
            "place": [r["place"] for r in rows],
            "latitude": [r["latitude"] for r in rows],
            "longitude": [r["longitude"] for r in rows],
            "tip_type": [r["type"] for r in rows],
            "line": [r["_line"] for r in rows],
        },
        schema=RAW_TRAFFIC_TIPS,
    )
    return ParsedFile(format=_format(path), tables={"raw_traffic_tips": frame}, notices=notices)
