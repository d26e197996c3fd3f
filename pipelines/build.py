"""The warehouse build: reference seeds + raw tables → staging views → marts, then contracts,
into a NEW DuckDB file that is swapped in atomically.

The order of the SQL models is data (``MODELS``), as in Kedro's pipeline definition. A staging
model becomes a view and a mart a table, decided by its folder (as dbt does). The build never
writes into the file a dashboard has open: it writes ``.warehouse-<id>.duckdb`` beside it, runs
the contracts, closes it, moves it to ``snapshots/`` under a name of its own and atomically
points ``warehouse.duckdb`` at it (see ``_publish``). Readers that already have the old file
open keep reading it; new connections see the new one. A failed build removes
its temporary file and leaves the last good warehouse untouched.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import duckdb
import polars as pl

from pipelines import contracts, landing
from pipelines.area_names import NORMALISE_AREA_NAME_SQL
from pipelines.errors import BuildFailed
from pipelines.kinds import raw_schemas
from pipelines.settings import Settings
from pipelines.survey_wide import build_survey_wide_tables
from pipelines.warehouse import CONNECT_CONFIG

SQL_DIR = Path(__file__).resolve().parent / "sql"
log = logging.getLogger(__name__)

# (folder, model name) in build order. Staging models are views, marts are tables.
MODELS: tuple[tuple[str, str], ...] = (
    ("staging", "stg_extra_areas"),
    ("staging", "stg_area_aliases"),
    ("staging", "stg_area_labels"),
    ("staging", "stg_crime_counts"),
    ("staging", "stg_crime__offence_labels"),
    ("staging", "stg_followups"),
    ("staging", "stg_crime_outcomes"),
    ("staging", "stg_traffic__counts"),
    ("staging", "stg_traffic__collisions"),
    ("staging", "stg_traffic__tips"),
    ("staging", "stg_survey__latest_loads"),
    ("staging", "stg_survey__respondents"),
    ("staging", "stg_survey__answers"),
    ("staging", "stg_survey__descriptions"),
    ("staging", "stg_survey__waves"),
    ("staging", "stg_survey__item_defs"),
    ("staging", "stg_survey__variables"),
    ("staging", "stg_survey__published"),
    ("staging", "stg_fg__segment_loads"),
    ("staging", "stg_fg__segments"),
    ("staging", "stg_fg__codes"),
    ("staging", "stg_fg__sessions"),
    ("staging", "stg_fg__codebook"),
    ("staging", "stg_area_labels_seen"),
    ("marts", "areas"),
    ("marts", "area_tree"),
    ("marts", "population"),
    ("marts", "crime_counts"),
    ("marts", "mart_crime_area_group_period"),
    ("marts", "mart_crime_scope_period"),
    ("marts", "mart_crime_compare_scope"),
    ("marts", "mart_crime_compare_counts"),
    ("marts", "traffic_counts"),
    ("marts", "traffic_tips"),
    ("marts", "mart_traffic_year"),
    ("marts", "mart_traffic_area_year"),
    ("marts", "followups"),
    ("marts", "mart_followups_area_period"),
    ("marts", "crime_outcomes"),
    ("marts", "survey_respondents"),
    ("marts", "survey_answers"),
    ("marts", "survey_items"),
    ("marts", "survey_waves"),
    ("marts", "survey_indicators"),
    ("marts", "survey_published"),
    ("marts", "fg_sessions"),
    ("marts", "fg_session_participants"),
    ("marts", "fg_segments"),
    ("marts", "fg_codes"),
    ("marts", "fg_codebook"),
    ("marts", "mart_fg_passages"),
    ("marts", "mart_fg_passage_codes"),
    ("marts", "unmapped_area_labels"),
)

# Staging models built as tables rather than views: small results that many models read, so
# they are computed once instead of once per reader (as dbt's per-model materialisation).
MATERIALISED: frozenset[str] = frozenset({"stg_area_labels"})

# Reference CSVs loaded as ``ref_<name>``; every column is read as text (codes keep leading
# zeros) and staging casts.
SEEDS: tuple[str, ...] = ("areas", "area_aliases", "population", "offences", "offence_labels", "events")



@dataclass(frozen=True)
class BuildResult:
    """A finished build.

    Attributes:
        data_version: content hash of the inputs and the code (see ``_data_version``).
        built_at: ISO 8601 time of the build (UTC).
        is_demo: every accepted file came from the demo.
        tables: row counts of the public tables.
        seconds: wall-clock seconds of each step, in build order: ``raw tables`` (seeds, raw
            tables, ingest log), each model by name, ``contracts``, ``survey wide tables`` and
            ``checkpoint``. ``python -m bench.run --build-profile`` prints the largest.
    """

    data_version: str
    built_at: str
    is_demo: bool
    tables: dict[str, int]
    seconds: dict[str, float] = field(default_factory=dict)


def _model_sql(folder: str, name: str) -> str:
    return (SQL_DIR / folder / f"{name}.sql").read_text(encoding="utf-8")


def _data_version(shas: set[str], settings: Settings) -> str:
    """A content hash of the inputs and the code that shapes them (SQL models, the Python steps of
    the build such as the wide survey tables, and the reference seeds)."""
    digest = hashlib.sha256()
    for sha in sorted(shas):
        digest.update(sha.encode())
    code = sorted(SQL_DIR.rglob("*.sql")) + sorted(SQL_DIR.parent.glob("*.py"))
    for path in code + [settings.reference_dir / f"{s}.csv" for s in SEEDS]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


# DuckDB's type of each polars dtype a raw schema declares (an empty raw table is created from
# its declaration in SQL: registering an empty polars frame per table cost ~10 ms each).
_DUCKDB_TYPES = {pl.Utf8: "varchar", pl.Int64: "bigint", pl.Float64: "double", pl.Date: "date", pl.Boolean: "boolean"}


def _load_raw_tables(con: duckdb.DuckDBPyConnection, landing_dir: Path, shas: set[str]) -> None:
    for table, schema in raw_schemas().items():
        files = landing.parsed_files(landing_dir, table, shas)
        if files:
            con.execute(
                f"create table {table} as select * from read_parquet($files, union_by_name = true)",
                {"files": [str(f) for f in files]},
            )
        elif all(dtype in _DUCKDB_TYPES for dtype in schema.values()):
            columns = ", ".join(f'"{name}" {_DUCKDB_TYPES[dtype]}' for name, dtype in schema.items())
            con.execute(f"create table {table} ({columns}, source_sha256 varchar, loaded_at timestamp)")
        else:
            empty = pl.DataFrame(schema={**schema, "source_sha256": pl.Utf8, "loaded_at": pl.Datetime("us")})
            con.register("empty_frame", empty)
            con.execute(f"create table {table} as select * from empty_frame")
            con.unregister("empty_frame")


def _load_seeds(con: duckdb.DuckDBPyConnection, reference_dir: Path) -> None:
    for seed in SEEDS:
        con.execute(
            f"create table ref_{seed} as select * from read_csv($path, header = true, all_varchar = true)",
            {"path": str(reference_dir / f"{seed}.csv")},
        )


def _load_ingest_log(con: duckdb.DuckDBPyConnection, records: list[landing.LogRecord]) -> None:
    frame = pl.DataFrame(
        [r.__dict__ for r in records],
        schema={
            "file_name": pl.Utf8, "sha256": pl.Utf8, "kind": pl.Utf8, "format": pl.Utf8,
            "rows": pl.Int64, "loaded_at": pl.Utf8, "status": pl.Utf8, "message": pl.Utf8, "origin": pl.Utf8,
        },
    )
    con.register("log_frame", frame)
    con.execute(
        "create table ingest_log as select file_name, sha256, kind, format, rows, "
        "cast(loaded_at as timestamptz) as loaded_at, status, message, origin from log_frame"
    )
    con.unregister("log_frame")


SNAPSHOTS_KEPT = 3


def _publish(built: Path, settings: Settings) -> Path:
    """Move a finished build into ``snapshots/`` under a name of its own and make
    ``warehouse.duckdb`` (the analysts' stable name) a hard link to it, atomically.

    Why a new name per build: DuckDB keeps one database instance per path in a process, so a
    dashboard that still holds a connection to ``warehouse.duckdb`` would be handed the OLD
    instance when it reconnects to the same path after a swap. The dashboard therefore opens
    the snapshot the sidecar names, which is a different path for every build.
    """
    folder = settings.data_dir / "snapshots"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%f")
    snapshot = folder / f"warehouse-{stamp}-{os.getpid()}.duckdb"
    os.replace(built, snapshot)
    link = settings.data_dir / f".warehouse-link-{os.getpid()}"
    link.unlink(missing_ok=True)
    try:
        os.link(snapshot, link)
    except OSError:  # a file system without hard links: a copy is as good, only bigger
        shutil.copy2(snapshot, link)
    os.replace(link, settings.warehouse_path)
    return snapshot


def _prune_snapshots(settings: Settings, *, keep: str) -> None:
    """Delete all but the newest snapshots; sessions mid-rerun on an older one keep their open
    file (POSIX keeps an unlinked open file readable)."""
    snapshots = sorted((settings.data_dir / "snapshots").glob("warehouse-*.duckdb"))
    for old in snapshots[:-SNAPSHOTS_KEPT]:
        if old.name != keep:
            old.unlink(missing_ok=True)


def build_warehouse(settings: Settings, *, progress: Callable[[int, int, str], None] | None = None) -> BuildResult:
    """Build a new warehouse from the landing store and swap it in.

    Args:
        settings: where the landing store, the reference tables and the warehouse are.
        progress: called with (step, steps, label) as the build advances.

    Returns:
        The new data version, its build time, whether it holds only demo data, and row counts
        of the public tables.

    Raises:
        BuildFailed: a model or a contract failed; the previous warehouse is untouched.
    """
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with landing.landing_lock(settings.landing_dir):
        records = landing.read_log(settings.landing_dir)
        shas = {r.sha256 for r in records if r.status == "accepted"}
        origins = {r.origin for r in records if r.status == "accepted"}
        version = _data_version(shas, settings)
        fd, tmp_name = tempfile.mkstemp(dir=settings.data_dir, prefix=".warehouse-", suffix=".duckdb")
        os.close(fd)
        tmp = Path(tmp_name)
        tmp.unlink()  # DuckDB must create the file itself
        steps = len(MODELS) + 3
        seconds: dict[str, float] = {}
        clock = time.perf_counter()

        def timed(step: str) -> None:
            nonlocal clock
            now = time.perf_counter()
            seconds[step] = now - clock
            log.debug("build step %s: %.3f s", step, seconds[step])
            clock = now

        try:
            con = duckdb.connect(str(tmp), config=CONNECT_CONFIG)
            try:
                con.execute(NORMALISE_AREA_NAME_SQL)
                _load_seeds(con, settings.reference_dir)
                _load_raw_tables(con, settings.landing_dir, shas)
                _load_ingest_log(con, records)
                timed("raw tables")
                if progress:
                    progress(1, steps, "raw tables")
                for number, (folder, name) in enumerate(MODELS, start=2):
                    sql = _model_sql(folder, name)
                    relation = "view" if folder == "staging" and name not in MATERIALISED else "table"
                    try:
                        con.execute(f"create or replace {relation} {name} as {sql}")
                    except duckdb.Error as exc:
                        raise BuildFailed(f"Model {folder}/{name}.sql failed", str(exc), source=f"{name}.sql") from exc
                    timed(name)
                    if progress:
                        progress(number, steps, name)
                failures = contracts.check_all(con)
                timed("contracts")
                if failures:
                    raise BuildFailed("Data contracts failed", "\n".join(failures))
                # After the contracts: survey_answers' keys are unique, so each respondent's row
                # in the wide tables carries exactly its answers (pipelines/survey_wide.py).
                build_survey_wide_tables(con)
                timed("survey wide tables")
                built_at = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
                is_demo = origins == {"demo"}
                con.execute(
                    "create table data_version as select $v as data_version, cast($t as timestamptz) as built_at, $d as is_demo",
                    {"v": version, "t": built_at, "d": is_demo},
                )
                counts = {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in contracts.PUBLIC_TABLES}
                con.execute("checkpoint")
                timed("checkpoint")
            finally:
                con.close()
            if progress:
                progress(steps - 1, steps, "swap")
            snapshot = _publish(tmp, settings)
            sidecar = {"data_version": version, "built_at": built_at, "is_demo": is_demo, "snapshot": snapshot.name}
            fd, side_tmp = tempfile.mkstemp(dir=settings.data_dir, prefix=".warehouse-json-")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(sidecar, handle)
            os.replace(side_tmp, settings.version_path)
            _prune_snapshots(settings, keep=snapshot.name)
        finally:
            for leftover in (tmp, Path(str(tmp) + ".wal")):
                leftover.unlink(missing_ok=True)
    if progress:
        progress(steps, steps, "done")
    return BuildResult(version, built_at, is_demo, counts, seconds)
