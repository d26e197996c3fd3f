"""Choropleth maps that draw with no network: boundary polygons as filled scatter traces.

plotly's ``geo`` subplot fetches world topojson from a CDN even when hidden, and map tiles
need a tile server, so neither works offline. Here every feature's rings become one
``go.Scatter`` trace with ``fill="toself"`` on plain axes with equal aspect (longitude scaled
by cos(latitude) so shapes are not stretched). The figure also exports to static images.
Generic: crime, traffic and trust pages pass their own frame, key and value columns.
"""
from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import polars as pl

from ui.charts import PALETTE, house_layout
from ui.i18n import format_number

GEO_DIR = Path(__file__).resolve().parents[2] / "data" / "reference" / "geo"

# Light-to-dark blue sequence (colour-blind safe); missing values are grey.
_SCALE = ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c")
_MISSING = "#e0e0e0"


@lru_cache(maxsize=8)
def load_geojson(name: str) -> dict:
    """A boundary file from ``data/reference/geo`` (parsed once per process)."""
    return json.loads((GEO_DIR / name).read_text(encoding="utf-8"))


def _rings(geometry: dict) -> list[list[list[float]]]:
    if geometry["type"] == "Polygon":
        return list(geometry["coordinates"])
    if geometry["type"] == "MultiPolygon":
        return [ring for polygon in geometry["coordinates"] for ring in polygon]
    return []


# Per boundary file: the features' rings as coordinate arrays, built once per process (the
# files come from load_geojson's cache, so the same dict comes back); the dict is kept with
# its paths so an id is never reused for another file while cached.
_Path = tuple[str, np.ndarray, np.ndarray, list[float]]
_PATHS: dict[tuple[int, str], tuple[dict, list[_Path]]] = {}


def _feature_paths(geojson: dict, feature_key: str) -> list[_Path]:
    """Each feature's rings as one x and one y array (NaN between rings: plotly draws a gap,
    as with None), with each ring's first latitude, in the file's feature order. float32 keeps
    lon/lat to about a metre, far below a pixel, and halves what the browser is sent."""
    cached = _PATHS.get((id(geojson), feature_key))
    if cached is not None and cached[0] is geojson:
        return cached[1]
    paths: list[_Path] = []
    for feature in geojson["features"]:
        fid = feature["properties"].get(feature_key)
        rings = _rings(feature["geometry"])
        xs: list[float] = []
        ys: list[float] = []
        for ring in rings:
            xs.extend(p[0] for p in ring)
            ys.extend(p[1] for p in ring)
            xs.append(math.nan)
            ys.append(math.nan)
        paths.append((fid, np.asarray(xs, dtype=np.float32), np.asarray(ys, dtype=np.float32), [ring[0][1] for ring in rings if ring]))
    if len(_PATHS) >= 8:
        _PATHS.clear()
    _PATHS[(id(geojson), feature_key)] = (geojson, paths)
    return paths


def _colour(value: float | None, low: float, high: float) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return _MISSING
    if high <= low:
        return _SCALE[2]
    position = (value - low) / (high - low)
    return _SCALE[min(len(_SCALE) - 1, int(position * len(_SCALE)))]


def choropleth_figure(
    frame: pl.DataFrame,
    geojson: dict,
    *,
    key: str,
    value: str,
    feature_key: str,
    name: str | None = None,
    highlight: str | None = None,
    lang: str = "en",
    value_label: str = "",
    title: str | None = None,
    decimals: int = 1,
) -> go.Figure:
    """Filled polygons coloured by ``value`` in five equal-width classes.

    Args:
        frame: one row per area, with ``key`` (matching ``feature_key`` of the features) and
            ``value`` (null → grey, "no data").
        geojson: a FeatureCollection in lon/lat.
        key: the frame column holding the feature id.
        value: the frame column to colour by.
        feature_key: the feature property holding the id (e.g. ``KOMKODE``).
        name: frame column with display names for the hover text (defaults to ``key``).
        highlight: the id to outline (the chosen area), or None.
        lang: number separators follow the language.
        value_label: the value's name in the hover text.
        title: figure title.
        decimals: decimals in the hover text.

    Returns:
        A figure with one trace per drawn feature (features without a row are not drawn),
        built without plotly's property checks: show it as it is (updating it is unchecked).
    """
    rows = {r[key]: r for r in frame.iter_rows(named=True) if r[key] is not None}
    values = [r[value] for r in rows.values() if r[value] is not None]
    low, high = (min(values), max(values)) if values else (0.0, 0.0)
    traces = []
    latitudes: list[float] = []
    outline = []
    for fid, xs, ys, firsts in _feature_paths(geojson, feature_key):
        if fid not in rows:
            continue
        row = rows[fid]
        latitudes.extend(firsts)
        label = row[name] if name else fid
        number = row[value]
        shown = format_number(lang, number, decimals=decimals)
        traces.append({
            "type": "scatter", "x": xs, "y": ys, "mode": "lines", "fill": "toself", "fillcolor": _colour(number, low, high),
            "line": {"color": "white", "width": 0.5}, "hoverinfo": "text", "hoveron": "fills",
            "text": f"{label}: {shown} {value_label}".strip(), "name": str(label), "showlegend": False,
        })
        if fid == highlight:
            outline.append({"type": "scatter", "x": xs, "y": ys, "mode": "lines", "line": {"color": PALETTE["highlight"], "width": 3},
                            "hoverinfo": "skip", "showlegend": False, "name": f"{label} (highlight)"})
    mean_lat = sum(latitudes) / len(latitudes) if latitudes else 0.0
    layout = house_layout(
        lang=lang, title=title, height=560, hovermode="closest", xaxis={"visible": False},
        yaxis={"visible": False, "scaleanchor": "x", "scaleratio": 1 / max(math.cos(math.radians(mean_lat)), 0.1), "rangemode": "normal"},
    )
    # One trace per area, so hovering anywhere in an area names it. plotly's checks cost ~0.7 ms
    # per trace (98 municipalities: ~75 ms of an uncached crime rerun), so the figure is made
    # from plain dicts without them; tests/ui/test_charts_crime.py has plotly check the result.
    return go.Figure(data=traces + outline, layout=layout, _validate=False)


def legend_classes(frame: pl.DataFrame, value: str) -> list[tuple[float, float, str]]:
    """The five classes of ``choropleth_figure`` as (low, high, colour), for a text legend."""
    values = frame.get_column(value).drop_nulls()
    if values.is_empty():
        return []
    low, high = float(values.min()), float(values.max())
    width = (high - low) / len(_SCALE) if high > low else 0.0
    return [(low + i * width, low + (i + 1) * width, colour) for i, colour in enumerate(_SCALE)]
