"""The priority register ("you said, we did"): priorities agreed at a meeting and the actions
recorded against them.

Stored in a small SQLite file (``settings.state_dir / "priorities.sqlite3"``) outside the
read-only warehouse, so a rebuild never touches it and it survives restarts. Every function
takes the file's path, opens it, does one thing in one transaction and closes it (SQLite
serialises writers; a dashboard session never holds the file open). The tables are created on
first use. Input is validated before anything is written; a bad value raises
``PriorityInvalid`` naming the field and the reason.

A priority is measured by a statistic of the warehouse: for now the count of one offence group
(``measure_kind = "crime_offence_group"``, ``measure_code`` = an ``offence_group`` of
``mart_crime_area_group_period``, e.g. ``burglary``) in the priority's area, so the meeting can
see how that count changed since the date it was agreed.
"""
from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

import polars as pl

from pipelines.errors import PipelineError

FILE_NAME = "priorities.sqlite3"
MEASURE_KINDS: tuple[str, ...] = ("crime_offence_group",)
MAX_TEXT = 500
MAX_WHO = 100
EARLIEST = date(2000, 1, 1)

_SCHEMA = """
create table if not exists priorities (
    priority_id integer primary key,
    area_code text not null,
    measure_kind text not null,
    measure_code text not null,
    text text not null,
    agreed_on text not null,   -- ISO date the meeting agreed the priority
    created_at text not null   -- UTC timestamp of the entry
);
create table if not exists actions (
    action_id integer primary key,
    priority_id integer not null references priorities(priority_id),
    done_on text not null,     -- ISO date of the action
    text text not null,
    who text not null,
    created_at text not null
);
"""


class PriorityInvalid(PipelineError):
    """A priority or action that cannot be stored.

    Attributes:
        field: the input concerned (``text``, ``agreed_on``, ``who``, …).
        reason: what is wrong, in English (logs, command line).
        rule: a stable code the dashboard translates: ``required``, ``too_long``, ``not_a_date``,
            ``too_old``, ``future``, ``unknown_kind``, ``unknown_priority``, ``before_agreed``.
        limit: the limit concerned (a length or a date as text), if any.
    """

    code = "priority_invalid"

    def __init__(self, field: str, reason: str, *, rule: str, limit: str = "") -> None:
        self.field = field
        self.reason = reason
        self.rule = rule
        self.limit = limit
        super().__init__(f"{field}: {reason}", reason, source=field)


@dataclass(frozen=True)
class Priority:
    """One agreed priority."""

    priority_id: int
    area_code: str
    measure_kind: str
    measure_code: str
    text: str
    agreed_on: date
    created_at: str


@dataclass(frozen=True)
class Action:
    """One action recorded against a priority."""

    action_id: int
    priority_id: int
    done_on: date
    text: str
    who: str
    created_at: str


def register_path(state_dir: Path) -> Path:
    """Where the register lives under a settings' ``state_dir``."""
    return Path(state_dir) / FILE_NAME


def _connect(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(path, timeout=10)
    con.execute("pragma foreign_keys = on")
    con.executescript(_SCHEMA)
    return con


def _now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def _text(value: str, field: str, limit: int) -> str:
    cleaned = " ".join((value or "").split())
    if not cleaned:
        raise PriorityInvalid(field, "a text is required", rule="required")
    if len(cleaned) > limit:
        raise PriorityInvalid(field, f"at most {limit} characters (got {len(cleaned)})", rule="too_long", limit=str(limit))
    return cleaned


def _day(value: object, field: str, *, today: date) -> date:
    if not isinstance(value, date) or isinstance(value, datetime):
        raise PriorityInvalid(field, f"'{value}' is not a date", rule="not_a_date")
    if value < EARLIEST:
        raise PriorityInvalid(field, f"{value.isoformat()} is before {EARLIEST.isoformat()}", rule="too_old", limit=EARLIEST.isoformat())
    if value > today:
        raise PriorityInvalid(field, f"{value.isoformat()} is in the future", rule="future")
    return value


def add_priority(
    path: Path,
    *,
    area_code: str,
    measure_code: str,
    text: str,
    agreed_on: date,
    measure_kind: str = "crime_offence_group",
    today: date | None = None,
) -> Priority:
    """Store a new priority.

    Args:
        path: the register file (created if missing).
        area_code: the area it concerns (an ``areas.area_code``).
        measure_code: the statistic it is measured by (an offence code for ``crime_offence``).
        text: what was agreed, e.g. "Fewer burglaries in Bispehaven" (1–500 characters).
        agreed_on: the meeting's date (not in the future, not before 2000).
        measure_kind: one of ``MEASURE_KINDS``.
        today: the date "now" is judged against (tests); defaults to today's date.

    Returns:
        The stored ``Priority``.

    Raises:
        PriorityInvalid: naming the field and the reason.
    """
    today = today or date.today()
    if not (area_code or "").strip():
        raise PriorityInvalid("area_code", "an area is required", rule="required")
    if measure_kind not in MEASURE_KINDS:
        raise PriorityInvalid("measure_kind", f"'{measure_kind}' is not one of {', '.join(MEASURE_KINDS)}", rule="unknown_kind")
    if not (measure_code or "").strip():
        raise PriorityInvalid("measure_code", "a statistic to measure the priority by is required", rule="required")
    clean_text = _text(text, "text", MAX_TEXT)
    day = _day(agreed_on, "agreed_on", today=today)
    created = _now()
    with closing(_connect(path)) as con, con:
        cursor = con.execute(
            "insert into priorities (area_code, measure_kind, measure_code, text, agreed_on, created_at) values (?, ?, ?, ?, ?, ?)",
            (area_code.strip(), measure_kind, measure_code.strip(), clean_text, day.isoformat(), created),
        )
        priority_id = int(cursor.lastrowid)
    return Priority(priority_id, area_code.strip(), measure_kind, measure_code.strip(), clean_text, day, created)


def add_action(path: Path, *, priority_id: int, done_on: date, text: str, who: str, today: date | None = None) -> Action:
    """Record an action against a priority.

    Args:
        path: the register file.
        priority_id: the priority's id (must exist).
        done_on: when it was done (not before the priority was agreed, not in the future).
        text: what was done (1–500 characters).
        who: who did it, e.g. "Lokalpolitiet Holbæk" (1–100 characters).
        today: the date "now" is judged against (tests).

    Returns:
        The stored ``Action``.

    Raises:
        PriorityInvalid: naming the field and the reason.
    """
    today = today or date.today()
    clean_text = _text(text, "text", MAX_TEXT)
    clean_who = _text(who, "who", MAX_WHO)
    day = _day(done_on, "done_on", today=today)
    created = _now()
    with closing(_connect(path)) as con, con:
        row = con.execute("select agreed_on from priorities where priority_id = ?", (priority_id,)).fetchone()
        if row is None:
            raise PriorityInvalid("priority_id", f"there is no priority {priority_id}", rule="unknown_priority")
        if day < date.fromisoformat(row[0]):
            raise PriorityInvalid("done_on", f"{day.isoformat()} is before the priority was agreed ({row[0]})", rule="before_agreed", limit=row[0])
        cursor = con.execute(
            "insert into actions (priority_id, done_on, text, who, created_at) values (?, ?, ?, ?, ?)",
            (priority_id, day.isoformat(), clean_text, clean_who, created),
        )
        action_id = int(cursor.lastrowid)
    return Action(action_id, priority_id, day, clean_text, clean_who, created)


def list_priorities(path: Path, *, area_codes: tuple[str, ...] | None = None) -> tuple[Priority, ...]:
    """Stored priorities, newest agreement first (all, or those of the given areas)."""
    if not Path(path).exists():
        return ()
    with closing(_connect(path)) as con:
        rows = con.execute(
            "select priority_id, area_code, measure_kind, measure_code, text, agreed_on, created_at from priorities order by agreed_on desc, priority_id desc"
        ).fetchall()
    out = tuple(Priority(r[0], r[1], r[2], r[3], r[4], date.fromisoformat(r[5]), r[6]) for r in rows)
    return out if area_codes is None else tuple(p for p in out if p.area_code in area_codes)


def list_actions(path: Path) -> tuple[Action, ...]:
    """Every stored action, by priority and date."""
    if not Path(path).exists():
        return ()
    with closing(_connect(path)) as con:
        rows = con.execute(
            "select action_id, priority_id, done_on, text, who, created_at from actions order by priority_id, done_on, action_id"
        ).fetchall()
    return tuple(Action(r[0], r[1], date.fromisoformat(r[2]), r[3], r[4], r[5]) for r in rows)


EXPORT_SCHEMA: dict[str, pl.DataType] = {
    "priority_id": pl.Int64,
    "area_code": pl.Utf8,
    "measure_kind": pl.Utf8,
    "measure_code": pl.Utf8,
    "priority": pl.Utf8,
    "agreed_on": pl.Date,
    "action_id": pl.Int64,
    "action_done_on": pl.Date,
    "action": pl.Utf8,
    "action_by": pl.Utf8,
}


def export_frame(path: Path) -> pl.DataFrame:
    """The whole register as one table for export: one row per action (a priority with no
    action has one row with empty action columns)."""
    priorities = list_priorities(path)
    actions = list_actions(path)
    rows = []
    for p in sorted(priorities, key=lambda p: p.priority_id):
        own = [a for a in actions if a.priority_id == p.priority_id] or [None]
        for a in own:
            rows.append(
                {
                    "priority_id": p.priority_id,
                    "area_code": p.area_code,
                    "measure_kind": p.measure_kind,
                    "measure_code": p.measure_code,
                    "priority": p.text,
                    "agreed_on": p.agreed_on,
                    "action_id": None if a is None else a.action_id,
                    "action_done_on": None if a is None else a.done_on,
                    "action": None if a is None else a.text,
                    "action_by": None if a is None else a.who,
                }
            )
    return pl.DataFrame(rows, schema=EXPORT_SCHEMA)
