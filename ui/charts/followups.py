"""Follow-up charts: channel mix, trend by period and channel, ranking of areas; pure builders."""
from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from ui.charts import PALETTE, base_layout, separators

CHANNEL_COLOURS: dict[str, str] = {
    "phone": PALETTE["primary"],
    "in_person": PALETTE["secondary"],
    "not_reached": PALETTE["negative"],
    "unknown": PALETTE["neutral"],
}


def channel_mix_figure(by_channel: pl.DataFrame, *, lang: str, labels: dict[str, str], title: str | None = None) -> go.Figure:
    """Horizontal bars of follow-ups per channel.

    Args:
        by_channel: columns ``channel`` (code) and ``count``.
        lang: language, for number separators.
        labels: channel code -> translated name.
        title: the chart's message.
    """
    figure = go.Figure(
        go.Bar(
            x=by_channel["count"].to_list(),
            y=[labels[c] for c in by_channel["channel"]],
            orientation="h",
            marker_color=[CHANNEL_COLOURS[c] for c in by_channel["channel"]],
            texttemplate="%{x:,d}",
            textposition="auto",
        )
    )
    base_layout(figure, title=title, height=300)
    figure.update_layout(separators=separators(lang))  # after base_layout, which resets it
    figure.update_yaxes(autorange="reversed")
    return figure


def followup_trend_figure(trend: pl.DataFrame, *, lang: str, labels: dict[str, str], period_text: list[str], title: str | None = None) -> go.Figure:
    """Stacked bars of follow-ups per period, one colour per channel.

    Args:
        trend: ``analysis.followups.followup_trend`` output.
        lang: language, for number separators.
        labels: channel code -> translated name.
        period_text: display label of each distinct ``period_start`` in order.
        title: the chart's message.
    """
    starts = trend["period_start"].unique().sort().to_list()
    text = dict(zip(starts, period_text))
    figure = go.Figure()
    for channel, colour in CHANNEL_COLOURS.items():
        part = trend.filter(pl.col("channel") == channel)
        if part.height == 0:
            continue
        figure.add_trace(go.Bar(name=labels[channel], x=[text[s] for s in part["period_start"]], y=part["count"].to_list(), marker_color=colour))
    base_layout(figure, title=title)
    figure.update_layout(barmode="stack", separators=separators(lang))
    return figure


def ranking_figure(ranking: pl.DataFrame, *, lang: str, value: str, names: list[str], title: str | None = None) -> go.Figure:
    """Horizontal bars of areas ranked by ``value`` (``per_1000`` or ``total``), the selected
    area highlighted.

    Args:
        ranking: ``analysis.followups.rank_followups`` output, in rank order.
        lang: language, for number separators.
        value: the column to draw.
        names: display name of each row, in order.
        title: the chart's message.
    """
    colours = [PALETTE["highlight"] if selected else PALETTE["primary"] for selected in ranking["is_selected"]]
    figure = go.Figure(
        go.Bar(
            x=ranking[value].to_list(),
            y=names,
            orientation="h",
            marker_color=colours,
            texttemplate="%{x:,.1f}" if value == "per_1000" else "%{x:,d}",
            textposition="auto",
        )
    )
    base_layout(figure, title=title, height=max(300, 40 * ranking.height + 80))
    figure.update_layout(separators=separators(lang))
    figure.update_yaxes(autorange="reversed")
    return figure


def charge_rate_figure(rates: pl.DataFrame, *, lang: str, names: list[str], title: str | None = None) -> go.Figure:
    """Charge rate per area as dots with their Wilson intervals (percent); an uncertain rate
    (wide interval) is drawn in the neutral colour so it does not read as a firm figure.

    Args:
        rates: ``analysis.outcomes.charge_rates`` output.
        lang: language, for number separators.
        names: display name of each row, in order.
        title: the chart's message.
    """
    percent = [None if v is None else v * 100 for v in rates["proportion"]]
    low = [None if (v is None or lo is None) else (v - lo) * 100 for v, lo in zip(rates["proportion"], rates["ci_low"])]
    high = [None if (v is None or hi is None) else (hi - v) * 100 for v, hi in zip(rates["proportion"], rates["ci_high"])]
    colours = [PALETTE["primary"] if p == "ok" else PALETTE["neutral"] for p in rates["precision"]]
    figure = go.Figure(
        go.Scatter(
            x=percent,
            y=names,
            mode="markers",
            marker={"color": colours, "size": 12},
            error_x={"type": "data", "symmetric": False, "array": high, "arrayminus": low, "color": PALETTE["neutral"]},
            hovertemplate="%{y}: %{x:.1f}%<extra></extra>",
        )
    )
    base_layout(figure, title=title, height=max(300, 36 * rates.height + 80))
    figure.update_layout(separators=separators(lang))
    figure.update_yaxes(autorange="reversed")
    figure.update_xaxes(ticksuffix=" %" if lang != "en" else "%")
    return figure
