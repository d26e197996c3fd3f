"""The errors the pipelines raise, each carrying what a user needs to fix the input.

One base class for the layer (house style §5.9). ``IngestRejected`` is the one a reader
raises for a bad file: it names the file, the line, the column and the reason, and the
whole file is rejected.
"""
from __future__ import annotations


class PipelineError(Exception):
    """Base of every error raised in ``pipelines``.

    Attributes:
        title: one-line summary for a user.
        detail: what exactly went wrong.
        hint: what to do about it (may be empty).
        code: a stable machine-readable code, asserted by tests.
        source: the file, sheet or column concerned (may be empty).
    """

    code = "pipeline_error"

    def __init__(self, title: str, detail: str = "", *, hint: str = "", source: str = "") -> None:
        super().__init__(title)
        self.title = title
        self.detail = detail
        self.hint = hint
        self.source = source

    def __str__(self) -> str:
        parts = [self.title]
        if self.detail:
            parts.append(self.detail)
        if self.hint:
            parts.append(f"Hint: {self.hint}")
        return "\n".join(parts)


class IngestRejected(PipelineError):
    """A file that cannot be loaded; it is rejected whole and nothing already loaded changes.

    Args:
        file: the file's name as the user gave it.
        reason: what is wrong, in plain words.
        line: 1-based physical line in the file (header is line 1), or None if not line-bound.
        column: the column's name (or letter / index) concerned, or None.
        hint: what to do about it.
    """

    code = "ingest_rejected"

    def __init__(
        self,
        file: str,
        reason: str,
        *,
        line: int | None = None,
        column: str | None = None,
        hint: str = "",
    ) -> None:
        self.file = file
        self.line = line
        self.column = column
        self.reason = reason
        where = [f"file {file}"]
        if line is not None:
            where.append(f"line {line}")
        if column is not None:
            where.append(f"column {column}")
        super().__init__(
            f"Rejected {file}: {reason}",
            ", ".join(where) + f": {reason}",
            hint=hint,
            source=file,
        )


class UnknownKind(IngestRejected):
    """No reader recognises the file and no ``--kind`` was given."""

    code = "unknown_kind"


class BuildFailed(PipelineError):
    """A warehouse build or its contracts failed; the last good warehouse is untouched."""

    code = "build_failed"


class WarehouseMissing(PipelineError):
    """No warehouse has been built yet at the configured path."""

    code = "warehouse_missing"
