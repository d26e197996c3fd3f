"""Pure plotly figure builders: a frame in, a ``go.Figure`` out, no ``st.*`` calls.

One module per topic (``crime.py``, ``traffic.py``, …). Colours come from ``PALETTE`` only, and
``base_layout`` gives every figure the same large, legible type for a projector.
"""
from __future__ import annotations

import plotly.graph_objects as go

# Colour-blind-safe (Okabe–Ito) with a dark blue primary that matches .streamlit/config.toml.
PALETTE: dict[str, str] = {
    "primary": "#1f4e79",
    "secondary": "#e69f00",
    "positive": "#009e73",
    "negative": "#d55e00",
    "neutral": "#7f7f7f",
    "band": "rgba(31, 78, 121, 0.15)",
    "highlight": "#cc79a7",
    "sequence": ("#1f4e79", "#e69f00", "#009e73", "#d55e00", "#56b4e9", "#cc79a7", "#f0e442", "#000000"),
}


_FONT = {"size": 15}
_LEGEND = {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0}
_XAXIS = {"showgrid": False}
_YAXIS = {"gridcolor": "#e5e5e5", "rangemode": "tozero"}


def _margin(title: str | None) -> dict:
    return {"l": 10, "r": 10, "t": 60 if title else 20, "b": 10}


def base_layout(figure: go.Figure, *, title: str | None = None, height: int = 420) -> go.Figure:
    """Apply the house layout: readable type, no clutter, title as the chart's one message.

    Leaves ``separators`` alone, so a builder may set the locale's before or after this call.
    """
    figure.update_layout(title=title, height=height, font=_FONT, margin=_margin(title), plot_bgcolor="white", legend=_LEGEND)
    figure.update_xaxes(_XAXIS)
    figure.update_yaxes(_YAXIS)
    return figure


def house_layout(*, lang: str, title: str | None = None, height: int = 420, xaxis: dict | None = None,
                 yaxis: dict | None = None, **settings: object) -> dict:
    """``base_layout``'s house layout as one dict, with the language's separators, for builders
    that make their figure in one ``go.Figure(data=…, layout=…)`` call.

    plotly checks every property once either way, but each ``update_layout``/``update_xaxes``
    call parses its keys again: a small figure took ~8 ms through ``base_layout`` and its
    updates, ~1.6 ms in one call, and the crime page draws three per uncached rerun.

    Args:
        xaxis / yaxis: settings laid over the house axes (e.g. a title, ``visible``).
        settings: any other layout property (``hovermode``, ``showlegend`` …).
    """
    layout = {
        "height": height, "font": _FONT, "margin": _margin(title), "plot_bgcolor": "white",
        "legend": _LEGEND, "separators": separators(lang), "xaxis": {**_XAXIS, **(xaxis or {})},
        "yaxis": {**_YAXIS, **(yaxis or {})}, **settings,
    }
    if title:
        layout["title"] = title
    return layout


def encoded_figure(figure: go.Figure) -> go.Figure:
    """The same figure with its arrays already in plotly.js's base64 form, for a figure that is
    built once and drawn on many reruns (a cached chart).

    ``st.plotly_chart`` calls ``figure.to_dict()`` on every rerun: a deep copy of the figure,
    then every numpy array encoded to base64. For a map of 98 municipalities (two float arrays
    per outline) that was ~30 ms a rerun, ~5 ms for a district's; with the arrays stored encoded
    (``to_dict``'s own output, taken unchecked: plotly checked it when it was built) the copy
    only shares strings. The JSON sent to the browser has the same content.
    """
    return go.Figure(figure.to_dict(), _validate=False)


def separators(lang: str) -> str:
    """plotly's decimal and thousands separators for a language (``",."`` for Danish)."""
    return {"da": ",.", "en": ".,", "uk": ", "}[lang]
