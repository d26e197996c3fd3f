"""What a reader returns, and small shared helpers for reporting bad input precisely."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl


@dataclass(frozen=True)
class ParsedFile:
    """The rows a file contributes to the warehouse, before staging.

    Attributes:
        format: the concrete shape that was read, e.g. ``"statbank-matrix"``, ``"xlsx"``.
        tables: raw table name (``raw_<something>``) -> rows. Every frame for the same raw
            table must have the same columns and dtypes (the raw table's contract, declared
            beside its reader), except that a text column may be an Enum (see
            ``cast_keeping_enums``). The ingest adds ``source_sha256`` and ``loaded_at``.
        notices: things the user should know that did not stop the load (e.g. an
            encoding fallback, unknown labels kept as such).
        metadata: optional JSON-serialisable extras (variable labels, value labels...).
    """

    format: str
    tables: dict[str, pl.DataFrame]
    notices: tuple[str, ...] = ()
    metadata: dict = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return sum(frame.height for frame in self.tables.values())


def cast_keeping_enums(frame: pl.DataFrame, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """Cast ``frame`` to a raw table's declared dtypes, leaving an Enum where text is declared.

    An Enum column is text to every later step (Parquet stores it as a dictionary of strings,
    which DuckDB reads as VARCHAR); casting it to String would only write out every row's text
    and make the Parquet writer encode it again.

    Raises:
        polars.exceptions.InvalidOperationError: a value does not fit its declared dtype.
    """
    casts = {c: t for c, t in schema.items() if not (t == pl.Utf8 and isinstance(frame.schema[c], pl.Enum))}
    return frame.cast(casts, strict=True)


def head_text(path: Path, n_bytes: int = 4096) -> str:
    """The first bytes of a file decoded leniently, for sniffing a file's kind."""
    with path.open("rb") as handle:  # only the head: a national file is tens of MB
        raw = handle.read(n_bytes)
    for encoding in ("utf-8-sig", "latin-1"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return ""
