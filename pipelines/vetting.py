"""Quote vetting: which focus-group quotes a person has checked and cleared for a meeting pack.

The record lives outside the read-only warehouse, in a small SQLite file (by default
``settings.state_dir / "vetted_quotes.sqlite3"``), so it survives every rebuild. A quote is
keyed by ``session_id``, ``passage_id`` and the sha256 of its ORIGINAL text: when a corrected
transcript changes the passage, the old vetting no longer matches and the quote must be vetted
again. Each record keeps who vetted it, when (UTC), and the masked text exactly as it was shown
and approved. Only the masked text is stored here, never the original.
"""
from __future__ import annotations

import hashlib
import sqlite3
from contextlib import closing
from datetime import datetime, timezone
from pathlib import Path

import polars as pl

VETTING_FILE = "vetted_quotes.sqlite3"

_SCHEMA = """
create table if not exists vetted_quotes (
    session_id text not null,
    passage_id text not null,
    text_sha256 text not null,
    masked_text text not null,
    vetted_by text not null,
    vetted_at text not null,
    primary key (session_id, passage_id, text_sha256)
)
"""

VETTED_SCHEMA: dict[str, pl.DataType] = {
    "session_id": pl.String,
    "passage_id": pl.String,
    "text_sha256": pl.String,
    "masked_text": pl.String,
    "vetted_by": pl.String,
    "vetted_at": pl.Datetime("us", "UTC"),
}


def text_hash(text: str) -> str:
    """The sha256 (hex) of a passage's original text, as UTF-8; the vetting key's third part."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _connect(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path, timeout=10)
    connection.execute(_SCHEMA)
    return connection


def vet_quote(
    path: Path,
    *,
    session_id: str,
    passage_id: str,
    text_sha256: str,
    masked_text: str,
    vetted_by: str,
    vetted_at: datetime | None = None,
) -> None:
    """Record that ``vetted_by`` checked the masked quote and cleared it.

    Vetting the same passage and text again replaces the record (new person, time and masked
    text).

    Args:
        path: the vetting file (created with its folder if missing).
        session_id: the session, as in ``fg_segments``.
        passage_id: the passage, as in ``mart_fg_passages``.
        text_sha256: ``text_hash`` of the ORIGINAL passage text (the text itself is never stored).
        masked_text: the masked text the person saw and approved.
        vetted_by: who vetted it (a name or initials; not empty).
        vetted_at: when (default: now, UTC).

    Raises:
        ValueError: ``vetted_by`` is empty.
    """
    who = (vetted_by or "").strip()
    if not who:
        raise ValueError("vetted_by must name the person who vetted the quote")
    when = (vetted_at or datetime.now(timezone.utc)).astimezone(timezone.utc).replace(microsecond=0)
    with closing(_connect(path)) as connection, connection:
        connection.execute(
            "insert or replace into vetted_quotes values (?, ?, ?, ?, ?, ?)",
            (session_id, passage_id, text_sha256, masked_text, who, when.isoformat()),
        )


def unvet_quote(path: Path, *, session_id: str, passage_id: str, text_sha256: str) -> bool:
    """Withdraw the vetting of one passage's text (``text_sha256`` = ``text_hash`` of it).

    Returns:
        True when a record was removed.
    """
    if not path.exists():
        return False
    with closing(_connect(path)) as connection, connection:
        cursor = connection.execute(
            "delete from vetted_quotes where session_id = ? and passage_id = ? and text_sha256 = ?",
            (session_id, passage_id, text_sha256),
        )
        return cursor.rowcount > 0


def load_vetted(path: Path) -> pl.DataFrame:
    """Every vetting record (columns of ``VETTED_SCHEMA``); empty when the file does not exist.

    Join on ``session_id``, ``passage_id`` and ``text_sha256`` (of the current text) to find
    the quotes whose vetting still holds.
    """
    if not path.exists():
        return pl.DataFrame(schema=VETTED_SCHEMA)
    with closing(_connect(path)) as connection:
        rows = connection.execute(
            "select session_id, passage_id, text_sha256, masked_text, vetted_by, vetted_at from vetted_quotes order by vetted_at, session_id, passage_id"
        ).fetchall()
    frame = pl.DataFrame(rows, schema={**VETTED_SCHEMA, "vetted_at": pl.String}, orient="row")
    return frame.with_columns(pl.col("vetted_at").str.to_datetime(time_unit="us", time_zone="UTC"))
