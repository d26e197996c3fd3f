"""Crime charts: the trend with its 3-year baseline band and event markers, and the ranking."""
from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from ui.charts import PALETTE, house_layout


def trend_figure(
    series: pl.DataFrame,
    events: pl.DataFrame,
    *,
    lang: str,
    count_label: str,
    band_label: str,
    title: str | None = None,
) -> go.Figure:
    """Counts per period with the baseline band (same period, previous 3 years) behind them.

    Args:
        series: ``period_start``, ``count``, ``band_low``, ``band_high`` (band null where
            there are fewer than 3 earlier years).
        events: ``event_date`` and ``label`` (already in the page's language).
        lang: for number separators.
        count_label: legend name of the counts.
        band_label: legend name of the band.
        title: the chart's one message.
    """
    banded = series.filter(pl.col("band_low").is_not_null())
    traces = []
    if banded.height:
        dates = banded["period_start"].to_numpy()
        traces.append(go.Scatter(x=dates, y=banded["band_high"].to_numpy(), mode="lines", line={"width": 0}, showlegend=False,
                                 hoverinfo="skip", name=band_label))
        traces.append(go.Scatter(x=dates, y=banded["band_low"].to_numpy(), mode="lines", line={"width": 0}, fill="tonexty",
                                 fillcolor=PALETTE["band"], name=band_label))
    traces.append(go.Scatter(x=series["period_start"].to_numpy(), y=series["count"].to_numpy(), mode="lines+markers",
                             line={"color": PALETTE["primary"], "width": 2}, name=count_label))
    top = float(series["count"].max() or 0)
    for row in events.iter_rows(named=True):
        traces.append(go.Scatter(x=[row["event_date"], row["event_date"]], y=[0, top * 1.05], mode="lines",
                                 line={"color": PALETTE["secondary"], "dash": "dot"}, name=row["label"],
                                 hovertext=row["label"], hoverinfo="text", showlegend=True))
    return go.Figure(data=traces, layout=house_layout(lang=lang, title=title, hovermode="x unified"))


def ranking_figure(areas: pl.DataFrame, *, lang: str, value: str, value_label: str, title: str | None = None) -> go.Figure:
    """Horizontal bars of ``value`` per area, largest on top; the chosen area highlighted.

    Args:
        areas: ``label``, ``is_chosen`` and the ``value`` column.
    """
    ordered = areas.filter(pl.col(value).is_not_null()).sort(value)
    colours = [PALETTE["highlight"] if chosen else PALETTE["primary"] for chosen in ordered["is_chosen"]]
    bars = go.Bar(x=ordered[value].to_numpy(), y=ordered["label"].to_list(), orientation="h", marker={"color": colours}, name=value_label)
    return go.Figure(data=[bars], layout=house_layout(lang=lang, title=title, height=max(300, 28 * ordered.height + 80),
                                                      showlegend=False, xaxis={"title": value_label}))
