"""The kinds of input file the project reads: how each is recognised and which reader reads it.

Order matters: the first kind whose sniffer accepts a file wins, so specific formats come
before generic ones. ``--kind NAME`` skips sniffing. To add a format, write a reader module
(``read_x(path) -> ParsedFile`` and ``sniff_x(path, head) -> bool`` plus its ``RAW_SCHEMAS``)
and add one ``Kind`` here.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping

import polars as pl

from pipelines.errors import UnknownKind
from pipelines.readers import crime, crime_statbank, followups, police_uk
from pipelines.readers import stats19, traffic, uheld
from pipelines.readers.base import ParsedFile, head_text


@dataclass(frozen=True)
class Kind:
    name: str
    description: str
    sniff: Callable[[Path, str], bool]
    read: Callable[[Path], ParsedFile]
    raw_schemas: Mapping[str, Mapping[str, pl.DataType]]


KINDS: tuple[Kind, ...] = (
    Kind(
        "traffic_stats19",
        "UK STATS19 collision CSV (DfT; accident_* or collision_* columns): one row per injury collision.",
        stats19.sniff_stats19,
        stats19.read_stats19,
        stats19.RAW_SCHEMAS,
    ),
    Kind(
        "traffic_uheld",
        "Statistics Denmark UHELD export (injury accidents or casualties by area, severity, road user, period).",
        uheld.sniff_uheld,
        uheld.read_uheld,
        uheld.RAW_SCHEMAS,
    ),
    Kind(
        "traffic_template",
        "Traffic figures template (CSV/XLSX): area, measure, road_user, period, count, status.",
        traffic.sniff_traffic_template,
        traffic.read_traffic_template,
        traffic.RAW_SCHEMAS,
    ),
    Kind(
        "traffic_tips",
        "Traffic tips template (CSV/XLSX): date, area, place, latitude, longitude, type.",
        traffic.sniff_tips_template,
        traffic.read_tips_template,
        traffic.TIPS_RAW_SCHEMAS,
    ),
    Kind(
        "crime_police_uk",
        "police.uk street-level monthly CSV (one row per incident), counted per force and LSOA.",
        police_uk.sniff_police_uk,
        police_uk.read_police_uk,
        police_uk.RAW_SCHEMAS,
    ),
    Kind(
        "crime_statbank",
        "Statistics Denmark STRAF export (API/BULK semicolon, web matrix or codes): area, offence, period.",
        crime_statbank.sniff_crime_statbank,
        crime_statbank.read_crime_statbank,
        crime_statbank.RAW_SCHEMAS,
    ),
    Kind(
        "crime_template",
        "Crime counts template (CSV/XLSX): area, offence, period, count.",
        crime.sniff_crime_template,
        crime.read_crime_template,
        crime.RAW_SCHEMAS,
    ),
    Kind(
        "followups_published",
        "Rigspolitiet's published follow-up figures (period, area_type, area, measure, value, …).",
        followups.sniff_published_followups,
        followups.read_published_followups,
        followups.RAW_SCHEMAS,
    ),
    Kind(
        "followups_template",
        "Follow-ups template (CSV/XLSX): area, period, channel, reason, count.",
        followups.sniff_followups_template,
        followups.read_followups_template,
        followups.RAW_SCHEMAS,
    ),
)


def kind_named(name: str) -> Kind:
    for kind in KINDS:
        if kind.name == name:
            return kind
    raise KeyError(name)


def recognise(path: Path) -> Kind:
    """The kind of a file, from its header; raises ``UnknownKind`` naming the known kinds."""
    head = head_text(path)
    for kind in KINDS:
        try:
            if kind.sniff(path, head):
                return kind
        except Exception:  # a sniffer must never stop another from trying
            continue
    raise UnknownKind(
        path.name,
        "the file's kind was not recognised from its header",
        line=1,
        hint="Give --kind with one of: " + ", ".join(k.name for k in KINDS),
    )


def raw_schemas() -> dict[str, dict[str, pl.DataType]]:
    """Every raw table any kind can write, with its columns (the build creates them all)."""
    merged: dict[str, dict[str, pl.DataType]] = {}
    for kind in KINDS:
        for table, schema in kind.raw_schemas.items():
            if table in merged and dict(merged[table]) != dict(schema):
                raise AssertionError(f"{table} declared with two different schemas")
            merged[table] = dict(schema)
    return merged
