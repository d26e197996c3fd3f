"""Trust & safety charts: trend lines with CI ribbons and n badges, breakdown bars.

Pure builders (frame in, figure out). Points flagged unreliable (n < 30 or RSE > 30 %) are drawn
grey and hollow. Every point's hover carries its n ("n ?" where n was not published) and the
sample type; the legend entry carries the n of the line's latest point. Labels drawn on the
points themselves overlapped as soon as two areas had close values, so there are none.
"""
from __future__ import annotations

from datetime import date, timedelta

import plotly.graph_objects as go
import polars as pl

from ui.charts import PALETTE, base_layout, separators
from ui.i18n import format_number


def _n_badge(lang: str, n: int | None, missing_text: str) -> str:
    return missing_text if n is None else f"n={format_number(lang, n)}"


def trend_figure(
    frame: pl.DataFrame,
    *,
    group: str,
    names: dict[str, str],
    lang: str,
    y_title: str,
    badge: str,
    n_missing_text: str = "n ?",
    x: str = "x",
    n: str = "n",
    title: str | None = None,
    highlight: tuple[date, date] | None = None,
    highlight_text: str = "",
) -> go.Figure:
    """One line per ``group`` value over ``x``, with a CI ribbon where ``ci_low``/``ci_high`` exist.

    Args:
        frame: columns ``x`` (date), ``value``, optional ``ci_low``/``ci_high``, ``n`` (null: not
            published), ``is_unreliable`` and the ``group`` column.
        group: column naming the line (e.g. ``area_code``).
        names: group value → legend name.
        lang: number separators and n formatting.
        y_title: axis title (percent or mean on its scale).
        badge: sample-type badge shown in every point's hover and the legend (e.g. "opt-in").
        n_missing_text: the label of a point whose n was not published.
        x: the x column; ``n``: the n column.
        title: the figure's title.
        highlight: a period (first and last day) to shade, e.g. the sidebar period; drawn only
            where it meets the data's span (padded by a month), so a period far from the data
            neither stretches the axis nor shades an empty chart.
        highlight_text: the shaded band's label.
    """
    figure = go.Figure()
    colours = PALETTE["sequence"]
    has_ci = "ci_low" in frame.columns
    for number, key in enumerate(frame[group].unique(maintain_order=True).to_list()):
        part = frame.filter(pl.col(group) == key).sort(x)
        colour = colours[number % len(colours)]
        latest_n = _n_badge(lang, part[n][-1], n_missing_text)
        name = f"{names.get(key, key)} · {latest_n} · {badge}"
        if has_ci and part["ci_low"].null_count() < part.height:
            band = part.drop_nulls("ci_low")
            figure.add_trace(go.Scatter(
                x=band[x].to_list() + band[x].reverse().to_list(),
                y=band["ci_high"].to_list() + band["ci_low"].reverse().to_list(),
                # mode "lines": plotly's default for short traces adds markers at the band's corners.
                mode="lines", fill="toself", fillcolor=_translucent(colour), line={"width": 0}, hoverinfo="skip",
                showlegend=False, name=f"{name} CI",
            ))
        unreliable = part["is_unreliable"].fill_null(False).to_list() if "is_unreliable" in part.columns else [False] * part.height
        labels = [_n_badge(lang, v, n_missing_text) for v in part[n].to_list()]
        figure.add_trace(go.Scatter(
            x=part[x].to_list(), y=part["value"].to_list(), mode="lines+markers", name=name,
            line={"color": colour, "width": 3},
            marker={"size": 11, "color": [PALETTE["neutral"] if u else colour for u in unreliable],
                    "symbol": ["circle-open" if u else "circle" for u in unreliable], "line": {"width": 2}},
            text=labels,
            hovertemplate="%{x|%Y-%m-%d}: %{y:.1f} (%{text}) · " + badge + "<extra>" + str(names.get(key, key)) + "</extra>",
        ))
    _shade(figure, frame[x], highlight, highlight_text)
    base_layout(figure, title=title)
    figure.update_layout(separators=separators(lang), yaxis_title=y_title)
    return figure


def _translucent(colour: str, alpha: float = 0.12) -> str:
    """A palette hex colour as a see-through fill, so each area's band matches its line."""
    red, green, blue = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red}, {green}, {blue}, {alpha})"


def _shade(figure: go.Figure, xs: pl.Series, period: tuple[date, date] | None, text: str) -> None:
    """Shade ``period`` where it meets the data's span padded by a month."""
    if period is None or xs.drop_nulls().len() == 0:
        return
    low = max(period[0], xs.min() - timedelta(days=31))
    high = min(period[1], xs.max() + timedelta(days=31))
    if low <= high:
        figure.add_vrect(x0=low, x1=high, fillcolor=PALETTE["highlight"], opacity=0.12, line_width=0,
                         annotation_text=text, annotation_position="top left")


def breakdown_figure(frame: pl.DataFrame, *, lang: str, y_title: str, title: str | None = None) -> go.Figure:
    """Bars per group (``group_label``) and wave (``wave_label``) with CI error bars and n."""
    figure = go.Figure()
    colours = PALETTE["sequence"]
    for number, wave in enumerate(frame["wave_label"].unique(maintain_order=True).to_list()):
        part = frame.filter(pl.col("wave_label") == wave)
        unreliable = part["is_unreliable"].fill_null(False).to_list()
        figure.add_trace(go.Bar(
            x=part["group_label"].to_list(), y=part["value"].to_list(), name=wave,
            marker={"color": [PALETTE["neutral"] if u else colours[number % len(colours)] for u in unreliable]},
            error_y={"type": "data", "symmetric": False,
                     "array": (part["ci_high"] - part["value"]).to_list(), "arrayminus": (part["value"] - part["ci_low"]).to_list()},
            # n at the bar's foot: at its top it collided with the interval's whisker.
            text=[f"n={format_number(lang, v)}" for v in part["n_unweighted"].to_list()], textposition="inside",
            insidetextanchor="start",
        ))
    base_layout(figure, title=title)
    figure.update_layout(separators=separators(lang), yaxis_title=y_title, barmode="group")
    return figure
