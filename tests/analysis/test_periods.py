"""Tests for ``analysis.periods``.

Oracles: pandas' period calendar (``pd.Period`` with freq ``M``/``Q``/``Y``/``W-SUN`` and its
period arithmetic), Python's ``strptime("%G-W%V-%u")`` for ISO weeks, published calendar facts
(2020 has 53 ISO weeks; 2024 is a leap year), and the preset definitions of the brief worked by
hand for a fixed "latest data" period (never today's date).
"""
from __future__ import annotations

import random
from datetime import date, datetime, timedelta

import pandas as pd
import pytest

from analysis.errors import AnalysisError
from analysis.periods import (
    PRESETS,
    Period,
    period_of,
    previous_period,
    resolve_preset,
    same_period_last_year,
    same_period_previous_years,
    shift_period,
    span,
    split_period,
)

_PANDAS_FREQ = {"month": "M", "quarter": "Q", "year": "Y", "week": "W-SUN"}


def _pandas_bounds(day: date, kind: str, steps: int = 0) -> tuple[date, date]:
    period = pd.Period(day, freq=_PANDAS_FREQ[kind]) + steps
    return period.start_time.date(), period.end_time.date()


def _random_days(n: int) -> list[date]:
    rng = random.Random(42)
    return [date(1990, 1, 1) + timedelta(days=rng.randrange(0, 365 * 50)) for _ in range(n)]


@pytest.mark.parametrize("kind", ["week", "month", "quarter", "year"])
def test_period_of_matches_pandas_calendar(kind):
    """Oracle: pd.Period(day, freq).start_time/end_time for 400 random days (W-SUN = ISO Monday–Sunday weeks)."""
    for day in _random_days(400):
        period = period_of(day, kind)
        assert (period.start, period.end) == _pandas_bounds(day, kind), (day, kind)
        assert period.start <= day <= period.end


def test_half_year_is_two_pandas_quarters():
    """Oracle: a half year spans pandas quarters 1–2 or 3–4."""
    for day in _random_days(200):
        half = period_of(day, "half_year")
        first_quarter = pd.Period(day, freq="Q").quarter <= 2
        q_start = date(day.year, 1 if first_quarter else 7, 1)
        assert half.start == _pandas_bounds(q_start, "quarter")[0]
        assert half.end == _pandas_bounds(q_start, "quarter", 1)[1]
        assert half.label == f"{day.year}-H{1 if first_quarter else 2}"


def test_week_labels_are_iso_weeks():
    """Oracle: strptime %G-W%V-%u and the calendar fact that 2020-W53 runs 28 Dec 2020–3 Jan 2021."""
    week = period_of(date(2021, 1, 2), "week")
    assert week.label == "2020-W53"
    assert week.start == datetime.strptime("2020-W53-1", "%G-W%V-%u").date() == date(2020, 12, 28)
    assert week.end == date(2021, 1, 3)


@pytest.mark.parametrize("kind", ["week", "month", "quarter", "year"])
@pytest.mark.parametrize("steps", [-25, -13, -12, -4, -1, 1, 3, 12, 53])
def test_shift_period_matches_pandas_period_arithmetic(kind, steps):
    """Oracle: pandas Period + n."""
    for day in _random_days(40):
        shifted = shift_period(period_of(day, kind), steps)
        assert (shifted.start, shifted.end) == _pandas_bounds(day, kind, steps)


LATEST_MONTH = period_of(date(2022, 5, 1), "month")
LATEST_QUARTER = period_of(date(2022, 4, 1), "quarter")
LATEST_DECEMBER = period_of(date(2021, 12, 1), "month")


@pytest.mark.parametrize(
    ("latest", "preset", "start", "end", "period_type"),
    [
        # Monthly data up to May 2022 (hand-worked from the preset definitions).
        (LATEST_MONTH, "last_month", date(2022, 5, 1), date(2022, 5, 31), "month"),
        (LATEST_MONTH, "last_quarter", date(2022, 1, 1), date(2022, 3, 31), "quarter"),
        (LATEST_MONTH, "year_to_date", date(2022, 1, 1), date(2022, 5, 31), "year_to_date"),
        (LATEST_MONTH, "last_12_months", date(2021, 6, 1), date(2022, 5, 31), "rolling_12_months"),
        (LATEST_MONTH, "last_year", date(2021, 1, 1), date(2021, 12, 31), "year"),
        # Monthly data up to December 2021: the quarter and the year are complete.
        (LATEST_DECEMBER, "last_quarter", date(2021, 10, 1), date(2021, 12, 31), "quarter"),
        (LATEST_DECEMBER, "last_year", date(2021, 1, 1), date(2021, 12, 31), "year"),
        (LATEST_DECEMBER, "last_12_months", date(2021, 1, 1), date(2021, 12, 31), "rolling_12_months"),
        # Quarterly data (StatBank STRAF11) up to 2022K2.
        (LATEST_QUARTER, "last_quarter", date(2022, 4, 1), date(2022, 6, 30), "quarter"),
        (LATEST_QUARTER, "year_to_date", date(2022, 1, 1), date(2022, 6, 30), "year_to_date"),
        (LATEST_QUARTER, "last_12_months", date(2021, 7, 1), date(2022, 6, 30), "rolling_12_months"),
        (LATEST_QUARTER, "last_year", date(2021, 1, 1), date(2021, 12, 31), "year"),
    ],
)
def test_presets_resolve_relative_to_latest_data(latest, preset, start, end, period_type):
    """Oracle: the brief's preset definitions worked by hand for fixed latest periods."""
    period = resolve_preset(preset, latest=latest)
    assert (period.start, period.end, period.period_type) == (start, end, period_type)


def test_rolling_12_months_is_twelve_whole_months_and_365_or_366_days():
    """Oracle: pandas period_range of 12 monthly periods; 2024 is a leap year (366 days)."""
    latest = period_of(date(2024, 12, 1), "month")
    rolling = resolve_preset("last_12_months", latest=latest)
    months = split_period(rolling)
    expected = pd.period_range(end=pd.Period("2024-12", freq="M"), periods=12, freq="M")
    assert [(m.start, m.end) for m in months] == [
        (p.start_time.date(), p.end_time.date()) for p in expected
    ]
    assert rolling.days == 366
    assert rolling.label == "2024-01/2024-12"


def test_weekly_presets_use_iso_weeks():
    """Oracle: strptime %G-W%V-%u; 2020 has 53 ISO weeks."""
    latest = period_of(date(2021, 1, 3), "week")  # 2020-W53

    def monday(label: str) -> date:
        return datetime.strptime(f"{label}-1", "%G-W%V-%u").date()

    four = resolve_preset("last_month", latest=latest)
    assert (four.start, four.end) == (monday("2020-W50"), date(2021, 1, 3))
    assert len(split_period(four)) == 4
    thirteen = resolve_preset("last_quarter", latest=latest)
    assert thirteen.start == monday("2020-W41") and len(split_period(thirteen)) == 13
    fifty_two = resolve_preset("last_12_months", latest=latest)
    assert fifty_two.start == monday("2020-W02") and len(split_period(fifty_two)) == 52
    ytd = resolve_preset("year_to_date", latest=latest)
    assert ytd.start == monday("2020-W01") == date(2019, 12, 30)
    full_year = resolve_preset("last_year", latest=latest)
    assert (full_year.period_type, full_year.start, full_year.end) == ("iso_year", date(2019, 12, 30), date(2021, 1, 3))
    assert len(split_period(full_year)) == 53


def test_weekly_last_year_before_the_year_is_complete_is_the_previous_iso_year():
    """Oracle: strptime — ISO year 2020 runs from 2019-12-30 (W01 Monday) to 2021-01-03 (W53 Sunday)."""
    latest = period_of(datetime.strptime("2021-W10-1", "%G-W%V-%u").date(), "week")
    full_year = resolve_preset("last_year", latest=latest)
    assert (full_year.start, full_year.end) == (
        datetime.strptime("2020-W01-1", "%G-W%V-%u").date(),
        datetime.strptime("2020-W53-7", "%G-W%V-%u").date(),
    )


def test_custom_period_is_widened_to_whole_data_periods_and_clipped_to_latest():
    """Oracle: pandas month bounds of the given days; the end is clipped at the latest data month."""
    period = resolve_preset(
        "custom", latest=LATEST_MONTH, custom_start=date(2021, 2, 10), custom_end=date(2030, 1, 1)
    )
    assert period.start == _pandas_bounds(date(2021, 2, 10), "month")[0]
    assert period.end == LATEST_MONTH.end
    assert (period.period_type, period.granularity, period.label) == ("custom", "month", "2021-02/2022-05")


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({}, "custom_dates_missing"),
        ({"custom_start": date(2021, 5, 1), "custom_end": date(2021, 4, 1)}, "custom_dates_reversed"),
        ({"custom_start": date(2023, 1, 1), "custom_end": date(2023, 2, 1)}, "custom_after_latest_data"),
    ],
)
def test_bad_custom_periods_are_rejected_with_a_code(kwargs, code):
    """Oracle: the brief's rule — never guess a period."""
    with pytest.raises(AnalysisError) as caught:
        resolve_preset("custom", latest=LATEST_MONTH, **kwargs)
    assert caught.value.code == code


@pytest.mark.parametrize(("preset", "kind"), [("last_quarter", "year"), ("last_month", "quarter"), ("last_quarter", "half_year")])
def test_presets_finer_than_the_data_are_refused(preset, kind):
    """Oracle: a quarter cannot be cut out of annual data (no guessing)."""
    with pytest.raises(AnalysisError) as caught:
        resolve_preset(preset, latest=period_of(date(2021, 1, 1), kind))
    assert caught.value.code == "preset_finer_than_data"


def test_unknown_preset_and_span_as_latest_are_refused():
    """Oracle: the documented error codes."""
    with pytest.raises(AnalysisError) as caught:
        resolve_preset("yesterday", latest=LATEST_MONTH)  # type: ignore[arg-type]
    assert caught.value.code == "unknown_preset"
    rolling = resolve_preset("last_12_months", latest=LATEST_MONTH)
    with pytest.raises(AnalysisError) as caught:
        resolve_preset("last_year", latest=rolling)
    assert caught.value.code == "not_a_data_period"


@pytest.mark.parametrize("kind", ["month", "quarter", "year"])
def test_same_period_last_year_of_calendar_periods_matches_pandas(kind):
    """Oracle: pandas Period minus 12 months / 4 quarters / 1 year."""
    steps = {"month": -12, "quarter": -4, "year": -1}[kind]
    for day in _random_days(100):
        last_year = same_period_last_year(period_of(day, kind))
        assert (last_year.start, last_year.end) == _pandas_bounds(day, kind, steps)


def test_same_week_last_year_and_week_53():
    """Oracle: strptime — 2021-W05 → 2020-W05; 2020-W53 → 2019-W52 (2019 has 52 ISO weeks)."""
    w05 = same_period_last_year(period_of(date(2021, 2, 3), "week"))
    assert (w05.label, w05.start) == ("2020-W05", datetime.strptime("2020-W05-1", "%G-W%V-%u").date())
    w53 = same_period_last_year(period_of(date(2020, 12, 30), "week"))
    assert (w53.label, w53.start) == ("2019-W52", datetime.strptime("2019-W52-1", "%G-W%V-%u").date())


def test_same_period_last_year_of_year_to_date_in_a_leap_year():
    """Oracle: calendar — Jan–Feb 2024 ends on the 29th; Jan–Feb 2023 ends on the 28th."""
    ytd = resolve_preset("year_to_date", latest=period_of(date(2024, 2, 1), "month"))
    assert ytd.end == date(2024, 2, 29)
    before = same_period_last_year(ytd)
    assert (before.start, before.end, before.period_type) == (date(2023, 1, 1), date(2023, 2, 28), "year_to_date")


def test_same_period_previous_years_for_the_baseline():
    """Oracle: pandas quarters 4, 8, 12 back (the 3-year baseline of analysis.change)."""
    quarter = period_of(date(2022, 4, 1), "quarter")
    periods = same_period_previous_years(quarter, years=3)
    assert [(p.start, p.end) for p in periods] == [
        _pandas_bounds(quarter.start, "quarter", -4 * k) for k in (1, 2, 3)
    ]


def test_previous_period_of_a_span_is_the_same_number_of_data_periods_before():
    """Oracle: pandas Period arithmetic on the first and last month."""
    ytd = resolve_preset("year_to_date", latest=LATEST_MONTH)  # Jan–May 2022
    before = previous_period(ytd)
    assert (before.start, before.end) == (
        _pandas_bounds(date(2022, 1, 1), "month", -5)[0],
        _pandas_bounds(date(2022, 5, 1), "month", -5)[1],
    )
    assert before.period_type == "year_to_date" and len(split_period(before)) == 5
    assert previous_period(LATEST_QUARTER).label == "2022-Q1"
    iso_2020 = resolve_preset("last_year", latest=period_of(date(2021, 1, 3), "week"))
    assert previous_period(iso_2020).start == datetime.strptime("2019-W01-1", "%G-W%V-%u").date()


def test_split_period_refuses_a_period_that_is_not_whole_data_periods():
    """Oracle: 10 January is not the start of a month."""
    odd = Period(date(2022, 1, 10), date(2022, 3, 31), "custom", "odd", "month")
    with pytest.raises(AnalysisError) as caught:
        split_period(odd)
    assert caught.value.code == "period_not_aligned"


def test_span_must_run_forward_over_one_kind():
    """Oracle: the documented error code."""
    with pytest.raises(AnalysisError) as caught:
        span(LATEST_MONTH, shift_period(LATEST_MONTH, -1), period_type="custom")
    assert caught.value.code == "invalid_span"


def test_period_days_is_the_exposure_length():
    """Oracle: calendar — Q1 2024 has 31+29+31 = 91 days; an ISO week has 7."""
    assert period_of(date(2024, 2, 1), "quarter").days == 91
    assert period_of(date(2024, 2, 1), "week").days == 7


def test_presets_constant_lists_every_preset():
    """Oracle: the brief's preset list (plus last_month)."""
    assert set(PRESETS) == {"last_month", "last_quarter", "year_to_date", "last_12_months", "last_year", "custom"}
