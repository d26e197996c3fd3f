"""Traffic chart builders: provisional years drawn apart, the prognosis interval placed where
the numbers say, locale separators."""
from __future__ import annotations

import polars as pl

from ui.charts import PALETTE
from ui.charts.traffic import road_user_figure, trend_figure

YEARS = pl.DataFrame({"year": [2022, 2023, 2024], "ksi": [30, None, 25], "is_provisional": [False, False, True]})


def test_trend_separates_final_and_provisional_years_and_skips_missing_ones() -> None:
    figure = trend_figure(YEARS, value="ksi", lang="da", title="KSI", final_label="endelige", provisional_label="foreløbige",
                          band=(2024, 20, 34), band_label="interval")
    final, provisional, band = figure.data
    assert (list(final.x), list(final.y), final.name) == ([2022], [30], "endelige")
    assert (list(provisional.x), list(provisional.y), provisional.marker.pattern.shape) == ([2024], [25], "/")
    assert provisional.marker.color == PALETTE["secondary"]
    assert (band.y[0], band.error_y.array[0]) == (27, 7)  # 20–34 drawn as 27 ± 7
    assert figure.layout.separators == ",."


def test_road_users_are_sorted_and_labelled() -> None:
    frame = pl.DataFrame({"label": ["Cyclists", "Pedestrians"], "casualties": [12, 30]})
    figure = road_user_figure(frame, value="casualties", label="label", lang="en", title="t")
    assert list(figure.data[0].y) == ["Cyclists", "Pedestrians"] and list(figure.data[0].x) == [12, 30]
