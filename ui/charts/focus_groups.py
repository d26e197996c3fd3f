"""Focus-group charts: themes (code frequency per group) and code co-occurrence; pure builders."""
from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from ui.charts import PALETTE, base_layout, separators


def theme_figure(
    frequency: pl.DataFrame,
    *,
    lang: str,
    codes: list[str],
    group_labels: dict[str, str],
    axis_title: str,
    title: str | None = None,
) -> go.Figure:
    """Horizontal bars: passages per code, one bar colour per group (session, participant group or area).

    Args:
        frequency: ``code_frequency`` output with a ``group`` column (the group's key, as text)
            and ``n_segments``.
        lang: language, for number separators.
        codes: the codes to show, most frequent first (codes keep their original language).
        group_labels: group key -> display name, in legend order.
        axis_title: the value axis title.
        title: the chart's message.
    """
    colours = PALETTE["sequence"]
    figure = go.Figure()
    for number, (group, label) in enumerate(group_labels.items()):
        rows = frequency.filter((pl.col("group") == group) & pl.col("code").is_in(codes))
        counts = dict(zip(rows["code"].to_list(), rows["n_segments"].to_list()))
        figure.add_trace(
            go.Bar(
                name=label,
                y=codes,
                x=[counts.get(code, 0) for code in codes],
                orientation="h",
                marker_color=colours[number % len(colours)],
                hovertemplate="%{y}: %{x:,d}<extra>" + label.replace("%", "%%") + "</extra>",
            )
        )
    figure.update_layout(barmode="stack")
    figure.update_xaxes(title=axis_title)
    figure.update_yaxes(autorange="reversed", gridcolor=None)
    # after base_layout, which resets the separators
    return base_layout(figure, title=title, height=max(320, 60 + 32 * len(codes))).update_layout(separators=separators(lang))


def cooccurrence_figure(matrix: pl.DataFrame, *, lang: str, codes: list[str], colour_title: str, title: str | None = None) -> go.Figure:
    """Heatmap of passages sharing two codes; the diagonal (a code with itself) is left blank.

    Args:
        matrix: ``code_cooccurrence`` output (``code_a``, ``code_b``, ``n_segments``).
        lang: language, for number separators.
        codes: codes in display order.
        colour_title: the colour bar's title.
        title: the chart's message.
    """
    cells = {(a, b): n for a, b, n in matrix.select("code_a", "code_b", "n_segments").iter_rows()}
    z = [[None if a == b else cells.get((a, b), 0) for b in codes] for a in codes]
    figure = go.Figure(
        go.Heatmap(
            z=z,
            x=codes,
            y=codes,
            colorscale=[[0, "#ffffff"], [1, PALETTE["primary"]]],
            zmin=0,
            texttemplate="%{z:,d}",
            hovertemplate="%{y} + %{x}: %{z:,d}<extra></extra>",
            colorbar={"title": {"text": colour_title}},
            xgap=1,
            ygap=1,
        )
    )
    figure.update_yaxes(autorange="reversed", gridcolor=None)
    figure.update_xaxes(tickangle=-35)
    return base_layout(figure, title=title, height=max(360, 120 + 34 * len(codes))).update_layout(separators=separators(lang))
