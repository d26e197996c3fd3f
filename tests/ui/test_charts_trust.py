"""Trust charts: one line and one CI ribbon per area, n in hover and legend, unreliable points
greyed, the sidebar period shaded only where it meets the data."""
from __future__ import annotations

from datetime import date

import polars as pl

from ui.charts import PALETTE
from ui.charts.trust import breakdown_figure, trend_figure


def _trend() -> pl.DataFrame:
    return pl.DataFrame({
        "area_code": ["A", "A", "B", "B"],
        "x": [date(2017, 2, 1), date(2017, 12, 1)] * 2,
        "value": [37.2, 50.3, 40.0, 45.0],
        "ci_low": [33.2, 46.2, 30.0, 35.0],
        "ci_high": [41.3, 54.5, 50.0, 55.0],
        "n": [585, 582, 25, None],
        "is_unreliable": [False, False, True, False],
    })


def test_trend_has_a_ribbon_and_a_line_per_area_with_n_in_hover_and_legend() -> None:
    figure = trend_figure(_trend(), group="area_code", names={"A": "Chuhuiv", "B": "Pechenihy"}, lang="en",
                          y_title="%", badge="probability", n_missing_text="n ?")
    lines = [t for t in figure.data if t.mode == "lines+markers"]
    ribbons = [t for t in figure.data if t.fill == "toself"]
    assert [t.name for t in lines] == ["Chuhuiv · n=582 · probability", "Pechenihy · n ? · probability"]
    assert len(ribbons) == 2
    # n is in every point's hover, not printed on the points (labels overlapped).
    assert list(lines[0].text) == ["n=585", "n=582"]
    assert list(lines[1].text) == ["n=25", "n ?"]
    assert all("%{text}" in t.hovertemplate for t in lines)
    assert not any("text" in (t.mode or "") for t in figure.data)
    assert lines[1].marker.color[0] == PALETTE["neutral"] and lines[1].marker.symbol[0] == "circle-open"
    assert figure.layout.separators == ".,"


def test_breakdown_bars_carry_asymmetric_intervals() -> None:
    frame = pl.DataFrame({
        "wave_label": ["Baseline", "Baseline"], "group_label": ["Male", "Female"], "value": [40.0, 34.8],
        "ci_low": [33.0, 29.0], "ci_high": [47.5, 41.0], "n_unweighted": [233, 352], "is_unreliable": [False, False],
    })
    figure = breakdown_figure(frame, lang="da", y_title="%")
    bar = figure.data[0]
    assert list(bar.error_y.array) == [7.5, 6.200000000000003]
    assert list(bar.error_y.arrayminus) == [7.0, 5.799999999999997]
    assert list(bar.text) == ["n=233", "n=352"]
    assert figure.layout.separators == ",."


def test_sidebar_period_is_shaded_only_where_it_meets_the_data() -> None:
    kwargs = {"group": "area_code", "names": {}, "lang": "en", "y_title": "%", "badge": "probability"}
    inside = trend_figure(_trend(), highlight=(date(2017, 10, 1), date(2018, 9, 30)), highlight_text="Period", **kwargs)
    (band,) = inside.layout.shapes
    assert (band.x0, band.x1) == (date(2017, 10, 1), date(2018, 1, 1))  # clipped: last point + 31 days
    far = trend_figure(_trend(), highlight=(date(2025, 1, 1), date(2025, 12, 31)), **kwargs)
    assert far.layout.shapes == ()
