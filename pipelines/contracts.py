"""Data contracts of the public tables, checked after every build (dbt's schema tests in Python).

Each ``Contract`` lists a table's columns with their DuckDB types (the public interface that
analysts query), its key, its not-null columns, accepted values and references to ``areas``.
A build whose contracts fail is not swapped in. ``tests/pipelines/test_contracts.py`` runs
every entry against the demo warehouse.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

PERIOD_TYPES = ("week", "month", "quarter", "half_year", "year")


@dataclass(frozen=True)
class Contract:
    table: str
    columns: dict[str, str]
    key: tuple[str, ...] = ()
    not_null: tuple[str, ...] = ()
    accepted: dict[str, tuple[str, ...]] = field(default_factory=dict)
    area_columns: tuple[str, ...] = ()
    description: str = ""


_PERIOD = {"period_type": "VARCHAR", "period_start": "DATE", "period_end": "DATE"}

CONTRACTS: tuple[Contract, ...] = (
    Contract(
        "areas",
        {"area_code": "VARCHAR", "area_name": "VARCHAR", "level": "VARCHAR", "parent_code": "VARCHAR", "country": "VARCHAR"},
        key=("area_code",),
        not_null=("area_code", "area_name", "level"),
        accepted={"level": ("country", "region", "police_district", "municipality", "oblast", "raion", "city", "hromada", "force", "lsoa", "local_authority", "unknown")},
        description="Areas and their hierarchy; unresolved labels from the data appear with level 'unknown'.",
    ),
    Contract(
        "population",
        {"area_code": "VARCHAR", "year": "INTEGER", "population": "BIGINT"},
        key=("area_code", "year"),
        not_null=("area_code", "year", "population"),
        area_columns=("area_code",),
        description="Inhabitants on 1 January of each year.",
    ),
    Contract(
        "crime_counts",
        {"area_code": "VARCHAR", "offence_code": "VARCHAR", "offence_name": "VARCHAR", "offence_group": "VARCHAR",
         "offence_level": "VARCHAR", **_PERIOD, "count": "BIGINT"},
        key=("area_code", "offence_code", "period_type", "period_start"),
        not_null=("area_code", "offence_code", "offence_group", "offence_level", "period_type", "period_start", "period_end", "count"),
        accepted={"period_type": PERIOD_TYPES, "offence_level": ("total", "detail")},
        area_columns=("area_code",),
        description="Reported offences per area, offence and period.",
    ),
    Contract(
        "traffic_counts",
        {"area_code": "VARCHAR", "measure": "VARCHAR", "road_user": "VARCHAR", **_PERIOD, "count": "BIGINT", "status": "VARCHAR",
         "severity": "VARCHAR", "source_sha256": "VARCHAR"},
        # One row per key: a final file replaces a provisional one for the same area, measure,
        # road user and period (no double counting).
        key=("area_code", "measure", "road_user", "severity", "period_type", "period_start"),
        not_null=("area_code", "measure", "road_user", "severity", "period_type", "period_start", "period_end", "count", "status"),
        accepted={
            "period_type": PERIOD_TYPES,
            "measure": ("injury_accidents", "killed", "seriously_injured", "slightly_injured", "casualties"),
            "road_user": ("all", "pedestrian", "bicycle", "moped", "motorcycle", "car", "van_lorry", "bus", "other", "unknown"),
            "severity": ("fatal", "serious", "slight", "unknown", "all"),
            "status": ("provisional", "final"),
        },
        area_columns=("area_code",),
        description="Injury accidents and casualties per area, measure, road user, collision severity and period; "
        "status provisional or final. KSI = killed + seriously_injured is derived, not stored. STATS19 collisions "
        "give injury_accidents and casualties per collision severity (fatal/serious/slight/unknown); other "
        "sources have severity 'all'.",
    ),
    Contract(
        "traffic_tips",
        {"tip_id": "VARCHAR", "area_code": "VARCHAR", "tip_date": "DATE", "place": "VARCHAR",
         "latitude": "DOUBLE", "longitude": "DOUBLE", "tip_type": "VARCHAR"},
        key=("tip_id",),
        not_null=("tip_id", "area_code", "tip_date", "place", "tip_type"),
        accepted={"tip_type": ("speeding", "dangerous_driving", "road_layout", "parking", "other")},
        area_columns=("area_code",),
        description="Citizens' tips about places where traffic is too fast or dangerous: date, area, place, optional coordinates, type.",
    ),
    Contract(
        "followups",
        {"area_code": "VARCHAR", "channel": "VARCHAR", "reason": "VARCHAR", **_PERIOD, "count": "BIGINT",
         "period_label": "VARCHAR", "period_key": "VARCHAR", "is_derived": "BOOLEAN"},
        key=("area_code", "channel", "reason", "period_key"),
        # period_* may be NULL: a source that does not state its period ("period not stated")
        # keeps its text in period_label instead of a guessed date.
        not_null=("area_code", "channel", "reason", "period_key", "count", "is_derived"),
        accepted={
            "channel": ("phone", "in_person", "not_reached", "unknown"),
            "reason": ("victim_of_crime", "other_worry", "unknown"),
            "period_type": PERIOD_TYPES,
        },
        area_columns=("area_code",),
        description="Police follow-ups per area, channel, reason and period; NULL period = period not stated.",
    ),
    Contract(
        "crime_outcomes",
        {"area_code": "VARCHAR", "offence_code": "VARCHAR", "offence_name": "VARCHAR", **_PERIOD, "reported": "BIGINT", "charged": "BIGINT"},
        key=("area_code", "offence_code", "period_type", "period_start"),
        not_null=("area_code", "offence_code", "period_type", "period_start", "period_end", "reported", "charged"),
        accepted={"period_type": PERIOD_TYPES},
        area_columns=("area_code",),
        description="Reported offences and charges (sigtelser) per area, offence and period; StatBank charges may exceed reports.",
    ),
    Contract(
        "survey_respondents",
        {"survey_id": "VARCHAR", "wave": "VARCHAR", "respondent_id": "VARCHAR", "area_code": "VARCHAR", "weight": "DOUBLE"},
        key=("survey_id", "wave", "respondent_id"),
        not_null=("survey_id", "wave", "respondent_id", "weight"),
        area_columns=("area_code",),
        description="One row per survey respondent and wave; weight is 1.0 when the survey has none.",
    ),
    Contract(
        "survey_answers",
        {"survey_id": "VARCHAR", "wave": "VARCHAR", "respondent_id": "VARCHAR", "item": "VARCHAR", "value": "DOUBLE"},
        key=("survey_id", "wave", "respondent_id", "item"),
        not_null=("survey_id", "wave", "respondent_id", "item"),
        description="One row per respondent and item; user-missing codes are NULL.",
    ),
    Contract(
        "survey_items",
        {"survey_id": "VARCHAR", "item": "VARCHAR", "label": "VARCHAR", "value_labels": "VARCHAR"},
        key=("survey_id", "item"),
        not_null=("survey_id", "item"),
        accepted={"role": ("item", "breakdown")},
        description="Item wording and value labels (JSON object) per survey.",
    ),
    Contract(
        "survey_waves",
        {"survey_id": "VARCHAR", "wave": "VARCHAR", "wave_label": "VARCHAR", "wave_order": "BIGINT",
         "fieldwork_start": "DATE", "fieldwork_end": "DATE", "sample_type": "VARCHAR", "n_respondents": "BIGINT"},
        key=("survey_id", "wave"),
        not_null=("survey_id", "wave", "wave_label", "sample_type"),
        accepted={"sample_type": ("probability", "opt-in")},
        description="Survey waves with fieldwork dates, sample type and respondents loaded.",
    ),
    Contract(
        "survey_indicators",
        {"indicator": "VARCHAR", "source_kind": "VARCHAR", "source": "VARCHAR", "item": "VARCHAR",
         "scale": "VARCHAR", "statistic": "VARCHAR", "sample_type": "VARCHAR"},
        key=("source_kind", "source", "indicator", "item", "scale", "statistic"),
        not_null=("indicator", "source_kind", "source", "scale", "statistic", "sample_type"),
        accepted={
            "source_kind": ("microdata", "published"),
            "scale": ("binary", "4-point", "5-point", "0-10", "0-100", "categorical", "numeric"),
            "statistic": ("percent", "mean", "balance"),
            "sample_type": ("probability", "opt-in"),
        },
        description="Item bank: questions and published series mapped to common indicators with scale and sample type.",
    ),
    Contract(
        "survey_published",
        {"indicator": "VARCHAR", "area_code": "VARCHAR", "wave_label": "VARCHAR", "period_start": "DATE",
         "period_end": "DATE", "statistic": "VARCHAR", "value": "DOUBLE", "percent": "DOUBLE", "mean": "DOUBLE",
         "n": "BIGINT", "scale": "VARCHAR", "sample_type": "VARCHAR", "source": "VARCHAR"},
        key=("source", "indicator", "area_code", "breakdown", "breakdown_value", "wave_label", "statistic"),
        not_null=("indicator", "area_code", "wave_label", "statistic", "value", "scale", "sample_type", "source"),
        accepted={"statistic": ("percent", "mean", "balance"), "sample_type": ("probability", "opt-in")},
        area_columns=("area_code",),
        description="Published survey figures where no microdata exist; n is NULL where it was not published.",
    ),
    Contract(
        "fg_segments",
        {"session_id": "VARCHAR", "segment_id": "VARCHAR", "area_code": "VARCHAR", "participant_group": "VARCHAR", "text": "VARCHAR"},
        key=("session_id", "segment_id"),
        not_null=("session_id", "segment_id", "text"),
        area_columns=("area_code",),
        description="Coded focus-group segments (the file that holds each session; the latest load wins) with the "
        "session's area and participant group. text is the original passage: quotes are masked before they are shown "
        "or exported. passage_id groups segments covering the same text.",
    ),
    Contract(
        "fg_codes",
        {"session_id": "VARCHAR", "segment_id": "VARCHAR", "code": "VARCHAR"},
        key=("session_id", "segment_id", "code"),
        not_null=("session_id", "segment_id", "code"),
        description="Codes attached to focus-group segments, once per segment and code whoever gave it.",
    ),
    Contract(
        "fg_sessions",
        {"session_id": "VARCHAR", "session_date": "DATE", "area_code": "VARCHAR", "participant_group": "VARCHAR",
         "n_participants": "BIGINT", "n_segments": "BIGINT", "n_passages": "BIGINT"},
        key=("session_id",),
        not_null=("session_id", "n_segments", "n_passages"),
        area_columns=("area_code",),
        description="One row per focus-group session: date, area, participant group, number of participants "
        "(NULL where no file gives them) and the segments loaded for it. No participant names.",
    ),
    Contract(
        "fg_codebook",
        {"code": "VARCHAR", "description": "VARCHAR", "parent_code": "VARCHAR", "expected_count": "BIGINT",
         "n_segments": "BIGINT"},
        key=("code",),
        not_null=("code", "n_segments"),
        description="Focus-group codes with description and parent; expected_count is the tool's own count of "
        "uses (Taguette), n_segments the segments carrying the code in fg_codes.",
    ),
    Contract(
        "fg_session_participants",
        {"session_id": "VARCHAR", "participants": "VARCHAR"},
        key=("session_id",),
        not_null=("session_id", "participants"),
        description="Names to mask in each session's quotes (';'-separated). Read only by the masking step; never shown.",
    ),
    Contract(
        "ingest_log",
        {"file_name": "VARCHAR", "sha256": "VARCHAR", "kind": "VARCHAR", "format": "VARCHAR", "rows": "BIGINT",
         "loaded_at": "TIMESTAMP WITH TIME ZONE", "status": "VARCHAR", "message": "VARCHAR"},
        not_null=("file_name", "sha256", "status"),
        accepted={"status": ("accepted", "rejected")},
        description="Every file offered to the ingest, accepted or rejected, with its reason.",
    ),
)

PUBLIC_TABLES: tuple[str, ...] = tuple(c.table for c in CONTRACTS)


def check(con: duckdb.DuckDBPyConnection, contract: Contract) -> list[str]:
    """Failures of one contract as sentences (empty when it holds)."""
    failures = []
    actual = dict(
        con.execute(
            "select column_name, data_type from information_schema.columns where table_name = $t",
            {"t": contract.table},
        ).fetchall()
    )
    if not actual:
        return [f"{contract.table}: table is missing"]
    for column, expected in contract.columns.items():
        if column not in actual:
            failures.append(f"{contract.table}.{column}: column is missing")
        elif actual[column] != expected:
            failures.append(f"{contract.table}.{column}: type {actual[column]}, contract says {expected}")
    if failures:
        return failures
    table = contract.table  # identifiers below come from this module's constants only
    for column in contract.not_null:
        nulls = con.execute(f'select count(*) from {table} where "{column}" is null').fetchone()[0]
        if nulls:
            failures.append(f"{table}.{column}: {nulls} null value(s)")
    if contract.key:
        cols = ", ".join(f'"{c}"' for c in contract.key)
        dupes = con.execute(f"select count(*) from (select {cols} from {table} group by all having count(*) > 1)").fetchone()[0]
        if dupes:
            failures.append(f"{table}: {dupes} duplicate key(s) on ({', '.join(contract.key)})")
    for column, values in contract.accepted.items():
        bad = con.execute(
            f'select distinct "{column}" from {table} where "{column}" is not null and not list_contains($values, "{column}")',
            {"values": list(values)},
        ).fetchall()
        if bad:
            failures.append(f"{table}.{column}: unexpected value(s) {sorted(str(b[0]) for b in bad)}")
    for column in contract.area_columns:
        orphans = con.execute(
            f'select count(*) from {table} t where t."{column}" is not null and not exists (select 1 from areas a where a.area_code = t."{column}")'
        ).fetchone()[0]
        if orphans:
            failures.append(f"{table}.{column}: {orphans} row(s) with an area_code not in areas")
    return failures


def check_all(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Failures of every contract."""
    return [failure for contract in CONTRACTS for failure in check(con, contract)]
