"""One ingest path for every file: recognise, read, check, keep in the landing store, log.

A file is rejected whole: if its reader or the raw-table contract finds a problem, nothing of
it is stored and the rejection (file, line, column, reason) is logged. A file whose sha256 was
already accepted is a no-op. The dashboard's upload and the command line both call
``ingest_paths``.
"""
from __future__ import annotations

import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Literal

import polars as pl

from pipelines import landing
from pipelines.errors import IngestRejected
from pipelines.kinds import Kind, kind_named, recognise
from pipelines.readers.base import ParsedFile, cast_keeping_enums
from pipelines.readers.survey_description import SUFFIX as DESCRIPTION_SUFFIX
from pipelines.settings import Settings

Outcome = Literal["accepted", "duplicate", "rejected", "checked"]
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class IngestResult:
    """What happened to one file."""

    file_name: str
    outcome: Outcome
    kind: str
    rows: int
    message: str
    notices: tuple[str, ...] = ()
    error: IngestRejected | None = None


def expand_paths(paths: list[Path]) -> list[Path]:
    """Files named directly, plus the visible files inside named folders, in sorted order."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out.extend(sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")))
        else:
            out.append(path)
    return out


def _conform(parsed: ParsedFile, kind: Kind, file_name: str) -> dict[str, pl.DataFrame]:
    """Check each frame against its raw table's declared columns and types."""
    tables = {}
    for table, frame in parsed.tables.items():
        schema = kind.raw_schemas.get(table)
        if schema is None:
            raise AssertionError(f"reader of {kind.name} produced undeclared table {table}")
        if list(frame.columns) != list(schema):
            raise AssertionError(f"{kind.name} produced {table} with columns {frame.columns}, declared {list(schema)}")
        tables[table] = cast_keeping_enums(frame, dict(schema))
    return tables


def ingest_file(
    path: Path,
    *,
    settings: Settings,
    kind_name: str | None = None,
    dry_run: bool = False,
    origin: str = "user",
    display_name: str | None = None,
) -> IngestResult:
    """Ingest one file (see module docstring). Internal errors propagate; bad input does not.

    Args:
        path: the file on disk.
        settings: where the landing store is.
        kind_name: force a kind instead of recognising it from the header.
        dry_run: read and check only; store and log nothing.
        origin: ``"user"`` or ``"demo"``; the build marks a warehouse as demo data when every
            accepted file came from the demo.
        display_name: the name to report and keep (an upload's original name).
    """
    name = display_name or path.name
    landing_dir = settings.landing_dir
    if not path.exists():
        return IngestResult(name, "rejected", "", 0, f"{name}: no such file")
    kind_label = kind_name or ""
    # The file is hashed on a thread of its own while it is read (hashlib and polars both let
    # go of the GIL), instead of before: a duplicate is read for nothing, every other file is
    # not held up by its hash.
    with ThreadPoolExecutor(max_workers=1) as pool:
        hashing = pool.submit(landing.sha256_of, path)
        rejected: IngestRejected | None = None
        try:
            kind = kind_named(kind_name) if kind_name else recognise(path)
            kind_label = kind.name
            parsed = kind.read(path)
        except IngestRejected as error:
            rejected = error
        except KeyError:
            rejected = IngestRejected(name, f"unknown kind '{kind_name}'")
            return IngestResult(name, "rejected", kind_label, 0, rejected.detail, error=rejected)
        sha = hashing.result()
    if sha in landing.accepted_shas(landing_dir):
        return IngestResult(name, "duplicate", "", 0, f"{name}: already loaded (sha256 {sha[:12]}…); nothing changed")
    if rejected is not None:
        if display_name and rejected.file != display_name:
            rejected = IngestRejected(display_name, rejected.reason, line=rejected.line, column=rejected.column, hint=rejected.hint)
        if not dry_run:
            with landing.landing_lock(landing_dir):
                _log(landing_dir, name, sha, kind_label, "", 0, "rejected", rejected.detail, origin)
        return IngestResult(name, "rejected", kind_label, 0, rejected.detail, error=rejected)
    tables = _conform(parsed, kind, name)
    if dry_run:
        return IngestResult(name, "checked", kind.name, parsed.rows, f"{name}: {parsed.rows} rows would be loaded as {kind.name}", parsed.notices)
    loaded_at = datetime.now(timezone.utc).replace(microsecond=0)
    stamped = {
        table: frame.with_columns(
            # One value per file: as an enum of one value it is written to Parquet as a
            # dictionary of one entry instead of being hashed row by row (DuckDB reads VARCHAR).
            pl.lit(sha, dtype=pl.Enum([sha])).alias("source_sha256"),
            pl.lit(loaded_at).dt.replace_time_zone(None).alias("loaded_at"),
        )
        for table, frame in tables.items()
    }
    with landing.landing_lock(landing_dir):
        if sha in landing.accepted_shas(landing_dir):  # another writer got there first
            return IngestResult(name, "duplicate", kind.name, 0, f"{name}: already loaded; nothing changed")
        landing.store_file(landing_dir, path, sha, stamped)
        message = "; ".join(parsed.notices)
        _log(landing_dir, name, sha, kind.name, parsed.format, parsed.rows, "accepted", message, origin, loaded_at)
    return IngestResult(name, "accepted", kind.name, parsed.rows, f"{name}: {parsed.rows} rows loaded as {kind.name}", parsed.notices)


def _log(landing_dir, name, sha, kind, fmt, rows, status, message, origin, loaded_at=None) -> None:
    """Append one ingest_log record; the caller holds the landing lock."""
    stamp = (loaded_at or datetime.now(timezone.utc).replace(microsecond=0)).isoformat()
    landing.append_log(landing_dir, landing.LogRecord(name, sha, kind, fmt, rows, stamp, status, message, origin))


def ingest_paths(
    paths: list[Path],
    *,
    settings: Settings,
    kind_name: str | None = None,
    dry_run: bool = False,
    origin: str = "user",
    progress: Progress | None = None,
) -> list[IngestResult]:
    """Ingest several files (folders are expanded), each accepted or rejected on its own.

    A description file named in the same command (``<data file>.survey.toml``) is put beside
    its data file for the read even when the two live in different folders, as they do when a
    user ingests a public file together with one of the descriptions in ``data/surveys/``.
    """
    files = expand_paths(paths)
    results = []
    with tempfile.TemporaryDirectory(prefix="ingest-pairs-") as pairs:
        for number, path in enumerate(files, start=1):
            if progress:
                progress(number, len(files), path.name)
            readable = _beside_its_description(path, files, Path(pairs))
            results.append(
                ingest_file(readable, settings=settings, kind_name=kind_name, dry_run=dry_run, origin=origin, display_name=path.name)
            )
    return results


def _beside_its_description(path: Path, files: list[Path], folder: Path) -> Path:
    """``path`` itself, or a link to it in a folder of its own next to a link to the description
    given elsewhere in the same command."""
    named = {f.name: f for f in files if f.name.lower().endswith(DESCRIPTION_SUFFIX)}
    for candidate in (path.name + DESCRIPTION_SUFFIX, path.stem + DESCRIPTION_SUFFIX):
        if (path.parent / candidate).exists() or candidate not in named:
            continue
        pair = Path(tempfile.mkdtemp(dir=folder))
        (pair / path.name).symlink_to(path.resolve())
        (pair / candidate).symlink_to(named[candidate].resolve())
        return pair / path.name
    return path
