"""The overview page's numbers: what the warehouse holds for an area and period, per topic."""
from __future__ import annotations

import polars as pl

from analysis.periods import Period
from ui import data


def area_summary(area_code: str, period: Period) -> pl.DataFrame:
    """Rows and their total per topic (``area_summary.sql``) for the area and its descendants,
    cached per data version; ``ui/prefetch.py`` fills it for every area's default period."""
    return data.query("area_summary", area_code=area_code, period_start=period.start, period_end=period.end)
