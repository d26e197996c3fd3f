"""The error the analysis layer raises when its input cannot give a valid result (house style §5.9)."""
from __future__ import annotations


class AnalysisError(Exception):
    """Base of every error raised in ``analysis``.

    Attributes:
        title: one-line summary for a user.
        detail: what exactly went wrong.
        hint: what to do about it (may be empty).
        code: a stable machine-readable code, asserted by tests.
        source: the column or argument concerned (may be empty).
    """

    def __init__(
        self,
        title: str,
        *,
        detail: str = "",
        hint: str = "",
        code: str = "analysis_error",
        source: str = "",
    ) -> None:
        super().__init__(title)
        self.title = title
        self.detail = detail
        self.hint = hint
        self.code = code
        self.source = source

    def __str__(self) -> str:
        parts = [self.title]
        if self.detail:
            parts.append(self.detail)
        if self.hint:
            parts.append(f"Hint: {self.hint}")
        return "\n".join(parts)
