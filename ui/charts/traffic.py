"""Traffic figures: KSI trend with provisional years marked, and the road-user breakdown.

Pure builders: a frame and the already-translated labels in, a ``go.Figure`` out.
"""
from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from ui.charts import PALETTE, base_layout, separators


def trend_figure(
    years: pl.DataFrame,
    *,
    value: str,
    lang: str,
    title: str,
    final_label: str,
    provisional_label: str,
    band: tuple[int, int, int] | None = None,
    band_label: str = "",
) -> go.Figure:
    """Bars per year, final years in the primary colour and provisional ones hatched in the
    secondary colour; optionally the prediction interval of one year as an error bar.

    Args:
        years: one row per year with ``year``, ``value`` and ``is_provisional``.
        value: the column to draw (e.g. ``ksi``).
        lang: interface language (number separators).
        title: the chart's one message.
        final_label: legend text for final years.
        provisional_label: legend text for provisional years.
        band: ``(year, low, high)`` of the prognosis interval, or ``None``.
        band_label: legend text of the interval.
    """
    rows = years.filter(pl.col(value).is_not_null())
    figure = go.Figure()
    for is_provisional, label, colour, pattern in (
        (False, final_label, PALETTE["primary"], ""),
        (True, provisional_label, PALETTE["secondary"], "/"),
    ):
        part = rows.filter(pl.col("is_provisional") == is_provisional)
        if part.height:
            figure.add_bar(
                x=part["year"].to_list(),
                y=part[value].to_list(),
                name=label,
                marker={"color": colour, "pattern": {"shape": pattern}},
            )
    if band is not None:
        year, low, high = band
        figure.add_scatter(
            x=[year],
            y=[(low + high) / 2],
            mode="markers",
            marker={"color": PALETTE["neutral"], "size": 1},
            error_y={"type": "data", "symmetric": True, "array": [(high - low) / 2], "color": PALETTE["neutral"], "thickness": 3, "width": 14},
            name=band_label,
        )
    base_layout(figure, title=title)
    figure.update_layout(separators=separators(lang), barmode="overlay")
    figure.update_xaxes(dtick=1)
    return figure


def road_user_figure(frame: pl.DataFrame, *, value: str, label: str, lang: str, title: str) -> go.Figure:
    """Horizontal bars of ``value`` per road user (``label`` holds the translated name)."""
    rows = frame.filter(pl.col(value).is_not_null()).sort(value)
    figure = go.Figure(go.Bar(x=rows[value].to_list(), y=rows[label].to_list(), orientation="h", marker={"color": PALETTE["primary"]}))
    base_layout(figure, title=title)
    figure.update_layout(separators=separators(lang), showlegend=False)
    return figure
