"""Follow-up chart builders are pure: a frame in, a figure out, colours from the palette."""
from __future__ import annotations

from datetime import date

import polars as pl

from ui.charts import PALETTE
from ui.charts.followups import CHANNEL_COLOURS, channel_mix_figure, charge_rate_figure, followup_trend_figure, ranking_figure

LABELS = {"phone": "By phone", "in_person": "In person", "not_reached": "Not reached", "unknown": "Not stated"}


def test_channel_mix_keeps_counts_and_colours() -> None:
    frame = pl.DataFrame({"channel": ["phone", "in_person", "not_reached"], "count": [747, 213, 218]})
    figure = channel_mix_figure(frame, lang="da", labels=LABELS)
    bar = figure.data[0]
    assert list(bar.x) == [747, 213, 218] and list(bar.y) == ["By phone", "In person", "Not reached"]
    assert list(bar.marker.color) == [CHANNEL_COLOURS[c] for c in ("phone", "in_person", "not_reached")]
    assert figure.layout.separators == ",."


def test_trend_stacks_one_trace_per_channel_present() -> None:
    trend = pl.DataFrame({
        "period_start": [date(2025, 1, 1), date(2025, 1, 1), date(2025, 4, 1)],
        "period_end": [date(2025, 3, 31), date(2025, 3, 31), date(2025, 6, 30)],
        "period_type": ["quarter"] * 3, "channel": ["phone", "not_reached", "phone"], "count": [10, 2, 12],
    })
    figure = followup_trend_figure(trend, lang="en", labels=LABELS, period_text=["2025 Q1", "2025 Q2"])
    assert [t.name for t in figure.data] == ["By phone", "Not reached"]
    assert list(figure.data[0].x) == ["2025 Q1", "2025 Q2"] and list(figure.data[0].y) == [10, 12]
    assert figure.layout.barmode == "stack"


def test_ranking_highlights_the_selected_area() -> None:
    ranking = pl.DataFrame({"is_selected": [False, True], "per_1000": [2.5, 1.5], "total": [500, 300]})
    figure = ranking_figure(ranking, lang="en", value="per_1000", names=["A", "B"])
    assert list(figure.data[0].marker.color) == [PALETTE["primary"], PALETTE["highlight"]]


def test_charge_rate_dots_with_asymmetric_intervals_and_uncertain_in_grey() -> None:
    rates = pl.DataFrame({
        "proportion": [0.0764, 11 / 30, 1.2], "ci_low": [0.072, 0.2187, None], "ci_high": [0.081, 0.5449, None],
        "precision": ["ok", "wide_interval", "not_a_proportion"],
    })
    figure = charge_rate_figure(rates, lang="en", names=["DK", "Holbæk", "Lejre"])
    dots = figure.data[0]
    assert [round(x, 2) for x in dots.x] == [7.64, 36.67, 120.0]
    assert round(dots.error_x.arrayminus[1], 2) == round((11 / 30 - 0.2187) * 100, 2)
    assert dots.error_x.array[2] is None
    assert list(dots.marker.color) == [PALETTE["primary"], PALETTE["neutral"], PALETTE["neutral"]]
