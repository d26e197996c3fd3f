"""Measured change in a priority's statistic since the meeting agreed it ("you said, we did").

Method: the whole data periods (months, quarters, …) that start after the agreement date form
the "since" window (at most ``max_periods``, the earliest ones); the same number of whole
periods that end before the agreement date form the "before" window. The two counts are
compared by the exact conditional Poisson test of ``analysis.change.compare_counts``
(Przyborowski & Wilenski 1940; R ``poisson.test``) with the windows' lengths in days as
exposures, so windows of unequal length are compared as rates. The period holding the
agreement date belongs to neither window (part of it was before, part after).

Status codes: ``too_early`` (no whole period after the date yet), ``no_data_before`` (no
whole period before it), else ``measured`` with the ``ChangeResult`` (verdict codes of
``analysis.change``).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

import polars as pl

from analysis.change import ChangeResult, compare_counts

PriorityStatus = Literal["too_early", "no_data_before", "measured"]


@dataclass(frozen=True)
class PriorityChange:
    """The statistic before and since a priority was agreed.

    Attributes:
        status: see the module docstring.
        n_periods: periods in each window (0 unless measured).
        since_start: first day of the "since" window.
        since_end: last day of the "since" window.
        before_start: first day of the "before" window.
        before_end: last day of the "before" window.
        change: the comparison (``None`` unless measured).
    """

    status: PriorityStatus
    n_periods: int = 0
    since_start: date | None = None
    since_end: date | None = None
    before_start: date | None = None
    before_end: date | None = None
    change: ChangeResult | None = None


def change_since(series: pl.DataFrame, agreed_on: date, *, max_periods: int = 12, alpha: float = 0.05) -> PriorityChange:
    """Compare the statistic since ``agreed_on`` with the same number of periods before it.

    Args:
        series: one row per data period of one type: ``period_start``, ``period_end`` (dates,
            inclusive) and ``count`` (nulls are not allowed; a period without data is absent).
        agreed_on: the date the priority was agreed.
        max_periods: at most this many periods in each window.
        alpha: significance level of the test.

    Returns:
        A ``PriorityChange``.
    """
    ordered = series.sort("period_start")
    after = ordered.filter(pl.col("period_start") > agreed_on).head(max_periods)
    if after.height == 0:
        return PriorityChange("too_early")
    before = ordered.filter(pl.col("period_end") < agreed_on).tail(after.height)
    if before.height == 0:
        return PriorityChange("no_data_before")
    n = min(after.height, before.height)
    after, before = after.head(n), before.tail(n)

    def days(frame: pl.DataFrame) -> float:
        return float(sum((e - s).days + 1 for s, e in frame.select("period_start", "period_end").iter_rows()))

    result = compare_counts(
        int(after["count"].sum()),
        int(before["count"].sum()),
        exposure=days(after),
        exposure_before=days(before),
        alpha=alpha,
    )
    return PriorityChange(
        "measured",
        n,
        after["period_start"].min(),
        after["period_end"].max(),
        before["period_start"].min(),
        before["period_end"].max(),
        result,
    )
