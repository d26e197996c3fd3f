"""Read side of the warehouse: named queries over the public tables and marts.

Every query is a ``.sql`` file in ``sql/queries``; its name is the allow-list (no SQL is
assembled from user input) and its values are bound as ``$name`` parameters. ``ui/data.py``
caches these calls keyed on the data version.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import duckdb
import polars as pl

from pipelines.errors import WarehouseMissing
from pipelines.settings import Settings

QUERY_DIR = Path(__file__).resolve().parent / "sql" / "queries"

CONNECT_CONFIG = {
    # DuckDB would try to download extensions on first use; our machines are offline, so fail
    # at once instead of waiting on the network (STYLE §5.4).
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
}


def connect_read_only(path: Path) -> duckdb.DuckDBPyConnection:
    """Open a built warehouse read-only (what the dashboard and analysts' scripts use)."""
    return duckdb.connect(str(path), read_only=True, config=CONNECT_CONFIG)


def current_snapshot(settings: Settings) -> Path:
    """The file of the current build: the snapshot the sidecar names (a new path per build, so a
    process never gets a stale cached DuckDB instance), else ``warehouse.duckdb``."""
    return snapshot_path(settings, read_version(settings))


def snapshot_path(settings: Settings, version: dict | None) -> Path:
    """``current_snapshot`` for a sidecar the caller has read already (the dashboard keeps it)."""
    if version and version.get("snapshot"):
        snapshot = settings.data_dir / "snapshots" / version["snapshot"]
        if snapshot.exists():
            return snapshot
    return settings.warehouse_path


def read_version(settings: Settings) -> dict | None:
    """The sidecar written by the last successful build, or None before the first build."""
    try:
        return json.loads(settings.version_path.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return None


@lru_cache(maxsize=None)
def query_sql(name: str) -> str:
    """The text of a named query; unknown names are refused (the allow-list is the folder)."""
    path = QUERY_DIR / f"{name}.sql"
    if not name.replace("_", "").isalnum() or not path.is_file():
        raise KeyError(f"no query named {name!r}")
    return path.read_text(encoding="utf-8")


def query_names() -> tuple[str, ...]:
    return tuple(sorted(p.stem for p in QUERY_DIR.glob("*.sql")))


def open_warehouse(path: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to a built warehouse.

    Raises:
        WarehouseMissing: no warehouse has been built at ``path``.
    """
    if not path.exists():
        raise WarehouseMissing(
            "No warehouse yet",
            f"{path} does not exist.",
            hint="Run `python -m pipelines demo` or ingest files with `python -m pipelines ingest`.",
        )
    return connect_read_only(path)


def run_query(con: duckdb.DuckDBPyConnection, name: str, **params: object) -> pl.DataFrame:
    """Run a named query on its own cursor (DuckDB connections are not thread-safe)."""
    sql = query_sql(name)
    cursor = con.cursor()
    try:
        return cursor.sql(sql, params=params or None).pl()
    finally:
        cursor.close()
