"""The audit log: an append-only JSON-lines file outside the read-only warehouse.

One line per event, written with a single ``write`` on a file opened in append mode (so lines
from concurrent sessions never interleave on POSIX for lines of this size), in
``settings.state_dir / "audit.jsonl"``, which survives rebuilds. Fields of every line:

- ``at``: UTC time, ISO 8601 with seconds (``2026-03-01T12:00:00Z``);
- ``event``: ``"suppression"``, ``"export"`` (and, later, ``"sign_in"``);
- ``tier``: the access tier the event happened under (``"public"`` until sign-in exists);
- ``what``: what was shown or exported (e.g. ``{"survey": …, "row": …, "col": …}``);
- ``counts``: numbers about the event (cells suppressed by reason, rows exported).

Values of suppressed cells are never written: only where they are and why.
"""
from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from pipelines.settings import Settings

AUDIT_FILE = "audit.jsonl"
Event = Literal["suppression", "export", "sign_in"]


def audit_path(settings: Settings) -> Path:
    """Where the audit log lives (``state_dir/audit.jsonl``)."""
    return settings.state_dir / AUDIT_FILE


def record_event(
    settings: Settings,
    event: Event,
    *,
    tier: str,
    what: dict[str, Any],
    counts: dict[str, int] | None = None,
    at: datetime | None = None,
) -> dict[str, Any]:
    """Append one event to the audit log.

    Args:
        settings: where the state folder is.
        event: the kind of event.
        tier: the access tier in force.
        what: what the event concerns; JSON-serialisable (non-JSON values are written with ``str``).
        counts: small integer counts (e.g. ``{"primary": 2, "secondary": 3}``).
        at: the event time (defaults to now, UTC).

    Returns:
        The record as written.
    """
    moment = (at or datetime.now(UTC)).astimezone(UTC)
    record = {
        "at": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "event": event,
        "tier": tier,
        "what": what,
        "counts": counts or {},
    }
    path = audit_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(record, ensure_ascii=False, default=str, sort_keys=False) + "\n"
    with path.open("a", encoding="utf-8") as handle:
        handle.write(line)
    return record


def read_events(settings: Settings, *, event: Event | None = None) -> list[dict[str, Any]]:
    """Every event in the log, oldest first (optionally only one kind); empty if no log yet."""
    path = audit_path(settings)
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            if event is None or record["event"] == event:
                out.append(record)
    return out
