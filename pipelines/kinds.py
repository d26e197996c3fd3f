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
from pipelines.readers import crime, crime_statbank, followups, outcomes, police_uk
from pipelines.readers import survey, survey_description, survey_published
from pipelines.readers import stats19, traffic, uheld
from pipelines.readers import qualitative
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
        "survey_description",
        "Survey description (<data file>.survey.toml): survey, waves, weight, area map, items with wording.",
        survey_description.sniff_survey_description,
        survey_description.read_survey_description,
        survey_description.RAW_SCHEMAS,
    ),
    Kind(
        "survey_microdata",
        "Respondent-level survey file (SPSS .sav, Stata .dta, or CSV/XLSX) with its .survey.toml beside it.",
        survey.sniff_survey_microdata,
        survey.read_survey_microdata,
        survey.RAW_SCHEMAS,
    ),
    Kind(
        "survey_published_dk_tryghed",
        "Tryghedsundersøgelsen published figures (survey_year, area_type, area, indicator, value_pct, …).",
        survey_published.sniff_dk_tryghed,
        survey_published.read_dk_tryghed,
        survey_published.RAW_SCHEMAS,
    ),
    Kind(
        "survey_published_ua",
        "Ukrainian national polls on trust in the police (fieldwork, pollster, n, institution, …).",
        survey_published.sniff_ua_trust,
        survey_published.read_ua_trust,
        survey_published.RAW_SCHEMAS,
    ),
    Kind(
        "survey_published_chicago",
        "Chicago Police Sentiment Scores (0–100 means; ORG_LEVEL, CITY, AREA, DISTRICT, SECTOR, SAFETY, …).",
        survey_published.sniff_chicago_sentiment,
        survey_published.read_chicago_sentiment,
        survey_published.RAW_SCHEMAS,
    ),
    Kind(
        "survey_published_template",
        "Published survey figures template (CSV/XLSX): source, indicator, area, period, statistic, value, n, …",
        survey_published.sniff_published_template,
        survey_published.read_published_template,
        survey_published.RAW_SCHEMAS,
    ),
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
        "outcomes_statbank",
        "Statistics Denmark charge table (STRAF20/STRAF22: anmeldte forbrydelser og sigtelser), any StatBank shape.",
        outcomes.sniff_statbank_outcomes,
        outcomes.read_statbank_outcomes,
        outcomes.RAW_SCHEMAS,
    ),
    Kind(
        "outcomes_template",
        "Crime outcomes template (CSV/XLSX): area, offence, period, reported, charged.",
        outcomes.sniff_outcomes_template,
        outcomes.read_outcomes_template,
        outcomes.RAW_SCHEMAS,
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
    # Focus groups. The tool formats are recognised by content (ZIP with project.qde, SQLite
    # with Taguette's tables, Taguette's exact CSV headers); the two templates only by a header
    # made of their own columns, and each needs a column the other does not have.
    Kind(
        "refi_qda",
        "REFI-QDA project (.qdpx from NVivo, ATLAS.ti, MAXQDA, QualCoder, Taguette): codebook and coded text passages.",
        qualitative.sniff_refi_qda,
        qualitative.read_refi_qda,
        qualitative.RAW_SCHEMAS,
    ),
    Kind(
        "taguette_project",
        "Taguette project database (.sqlite3): documents, highlights, tags.",
        qualitative.sniff_taguette_project,
        qualitative.read_taguette_project,
        qualitative.RAW_SCHEMAS,
    ),
    Kind(
        "taguette_highlights",
        "Taguette highlights export (CSV: id, document, tag, content).",
        qualitative.sniff_taguette_highlights,
        qualitative.read_taguette_highlights,
        qualitative.RAW_SCHEMAS,
    ),
    Kind(
        "taguette_codebook",
        "Taguette codebook export (CSV: tag, description, number of highlights).",
        qualitative.sniff_taguette_codebook,
        qualitative.read_taguette_codebook,
        qualitative.RAW_SCHEMAS,
    ),
    Kind(
        "fg_segments_template",
        "Hand-coded focus-group segments template (CSV/XLSX): session, date, area, participant_group, text, codes, …",
        qualitative.sniff_fg_segments_template,
        qualitative.read_fg_segments_template,
        qualitative.RAW_SCHEMAS,
    ),
    Kind(
        "fg_sessions_template",
        "Focus-group sessions template (CSV/XLSX): session, date, area, participant_group, n_participants, participants.",
        qualitative.sniff_fg_sessions_template,
        qualitative.read_fg_sessions_template,
        qualitative.RAW_SCHEMAS,
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
