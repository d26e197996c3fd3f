"""The landing store: accepted source files kept by content (sha256) and the ingest log.

Layout under ``<data_dir>/landing``::

    files/<sha256>/<original file name>      the file exactly as received
    parsed/<sha256>/<raw table>.parquet      the rows its reader produced
    ingest_log.json                          one record per accepted or rejected file

Every write goes to a temporary name first and is renamed into place, so a crash leaves either
the old state or the new one, never half a file. Callers hold ``landing_lock`` while writing.
"""
from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterator, Literal

import polars as pl

LOG_NAME = "ingest_log.json"

Status = Literal["accepted", "rejected"]


@dataclass(frozen=True)
class LogRecord:
    """One line of ``ingest_log`` (also a public warehouse table)."""

    file_name: str
    sha256: str
    kind: str
    format: str
    rows: int
    loaded_at: str  # ISO 8601, UTC
    status: Status
    message: str
    origin: str  # "user" or "demo"


def sha256_of(path: Path) -> str:
    import hashlib

    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@contextlib.contextmanager
def landing_lock(landing_dir: Path) -> Iterator[None]:
    """Serialise writers (CLI runs, dashboard uploads) of one landing store."""
    landing_dir.mkdir(parents=True, exist_ok=True)
    with (landing_dir / ".lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def read_log(landing_dir: Path) -> list[LogRecord]:
    path = landing_dir / LOG_NAME
    if not path.exists():
        return []
    return [LogRecord(**item) for item in json.loads(path.read_text(encoding="utf-8"))]


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def append_log(landing_dir: Path, record: LogRecord) -> None:
    records = read_log(landing_dir) + [record]
    _write_atomically(
        landing_dir / LOG_NAME,
        json.dumps([asdict(r) for r in records], ensure_ascii=False, indent=1),
    )


def accepted_shas(landing_dir: Path) -> set[str]:
    return {r.sha256 for r in read_log(landing_dir) if r.status == "accepted"}


def store_file(landing_dir: Path, source: Path, sha256: str, tables: dict[str, pl.DataFrame]) -> None:
    """Keep the original file and its parsed rows under its sha256, all or nothing."""
    final_parsed = landing_dir / "parsed" / sha256
    final_files = landing_dir / "files" / sha256
    staging = Path(tempfile.mkdtemp(dir=landing_dir, prefix=".incoming-"))
    try:
        (staging / "parsed").mkdir()
        (staging / "files").mkdir()
        for table, frame in tables.items():
            # Read whole by the build, never filtered: lz4 and no column statistics keep the
            # write cheap (zstd + statistics were a third of a national ingest's time).
            frame.write_parquet(staging / "parsed" / f"{table}.parquet", compression="lz4", statistics=False)
        shutil.copy2(source, staging / "files" / source.name)
        for sub, final in (("parsed", final_parsed), ("files", final_files)):
            final.parent.mkdir(parents=True, exist_ok=True)
            if final.exists():  # left over from a crash before the log was written
                shutil.rmtree(final)
            os.replace(staging / sub, final)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def parsed_files(landing_dir: Path, table: str, shas: set[str]) -> list[Path]:
    """Parquet files of one raw table, for the accepted files only, in a stable order."""
    return sorted(
        path
        for sha in shas
        if (path := landing_dir / "parsed" / sha / f"{table}.parquet").exists()
    )
