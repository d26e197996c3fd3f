"""Export the public tables of a built warehouse as partitioned Parquet for distributed engines.

``python -m pipelines export-parquet [DIR]`` writes ``<DIR>/<table>/`` (default
``<data_dir>/parquet``) with DuckDB's ``COPY … (FORMAT parquet, PARTITION_BY …)``: tables with
periods are partitioned Hive-style by ``period_type`` and ``year`` (of ``period_start``), survey
tables by ``survey_id`` and ``wave``; small tables are one file. Spark, Trino, Athena, BigQuery or
DuckDB itself read the folders as they are. Each table is written to a temporary folder and then
renamed into place, so a reader never sees half a table.
"""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from pipelines import contracts
from pipelines.settings import Settings
from pipelines.warehouse import open_warehouse

# Partition columns by table; a table not listed is written unpartitioned.
PARTITIONS: dict[str, tuple[str, ...]] = {
    "crime_counts": ("period_type", "year"),
    "traffic_counts": ("period_type", "year"),
    "followups": ("period_type", "year"),
    "survey_respondents": ("survey_id", "wave"),
    "survey_answers": ("survey_id", "wave"),
}


def export_parquet(settings: Settings, out: Path | None = None) -> dict[str, int]:
    """Write every public table of the current warehouse as Parquet; returns rows per table.

    Args:
        settings: where the warehouse is.
        out: target folder (default ``<data_dir>/parquet``); each table gets ``out/<table>/``.
    """
    out = out or settings.data_dir / "parquet"
    out.mkdir(parents=True, exist_ok=True)
    con = open_warehouse(settings.warehouse_path)
    written: dict[str, int] = {}
    try:
        for table in contracts.PUBLIC_TABLES:  # identifiers from the allow-list only
            columns = {row[0] for row in con.execute("select column_name from information_schema.columns where table_name = $t", {"t": table}).fetchall()}
            partition = PARTITIONS.get(table, ())
            select = f"select * from {table}"
            if "year" in partition:
                select = f"select *, year(period_start) as year from {table}"
            if not set(partition) <= columns | {"year"} or ("year" in partition and "period_start" not in columns):
                partition = ()
            staging = Path(tempfile.mkdtemp(dir=out, prefix=f".{table}-"))
            if partition:
                con.execute(f"copy ({select}) to '{staging / 'data'}' (format parquet, partition_by ({', '.join(partition)}))")
            else:
                (staging / "data").mkdir()
                con.execute(f"copy ({select}) to '{staging / 'data' / 'part-0.parquet'}' (format parquet)")
            final = out / table
            if final.exists():
                shutil.rmtree(final)
            (staging / "data").rename(final)
            shutil.rmtree(staging, ignore_errors=True)
            written[table] = con.execute(f"select count(*) from {table}").fetchone()[0]
    finally:
        con.close()
    return written
