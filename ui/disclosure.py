"""Disclosure control for any page: the one engine (``analysis.disclosure``) plus the audit log.

A page that publishes a count table calls ``protect_counts`` before drawing it; suppressed
numbers come back flagged (``is_suppressed``) and are shown with ``suppressed_text``. Each
distinct suppression (table, data version, tier) is logged once per session, not on every
rerun. The threshold comes from the session's access tier (``current_tier``; ``public`` until
sign-in exists, issue 10).
"""
from __future__ import annotations

import json
from typing import Any

import polars as pl
import streamlit as st

from analysis.disclosure import SuppressedTable, suppress
from pipelines.export_cli import suppress_logged, threshold_for
from ui import data

_LOGGED = "disclosure__logged"


def current_tier() -> str:
    """The session's access tier (``public`` until sign-in sets another)."""
    return st.session_state.get("access_tier", "public")


def current_threshold() -> int:
    """The disclosure threshold of the session's tier."""
    return threshold_for(current_tier(), data.settings())


def protect_counts(
    frame: pl.DataFrame,
    *,
    value: str,
    row: str,
    col: str,
    by: tuple[str, ...] = (),
    what: dict[str, Any],
    totals: bool = True,
    threshold: int | None = None,
) -> SuppressedTable:
    """Suppress small cells of a count table (with complementary suppression) and log it once.

    Args:
        frame: one row per ``by`` × ``row`` × ``col``; ``value`` holds the count.
        value, row, col, by, totals: as ``analysis.disclosure.suppress``.
        what: what the table is (page, variables, filters), for the audit log.
        threshold: overrides the tier's threshold (tests).

    Returns:
        The engine's ``SuppressedTable``.
    """
    limit = current_threshold() if threshold is None else threshold
    version = (data.data_version() or {}).get("data_version", "")
    key = json.dumps([what, version, current_tier(), limit], sort_keys=True, default=str)
    logged = st.session_state.setdefault(_LOGGED, set())
    if key in logged:
        return suppress(frame, value=value, row=row, col=col, by=list(by), threshold=limit, totals=totals)
    table = suppress_logged(
        data.settings(), frame, value=value, row=row, col=col, by=by, threshold=limit,
        tier=current_tier(), what={**what, "data_version": version}, totals=totals,
    )
    logged.add(key)
    return table
