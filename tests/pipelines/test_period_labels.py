"""Tests for ``pipelines.period_labels``.

Oracles: pandas' own period calendar (``pd.Period(...).start_time / end_time``), Python's
``%G-W%V-%u`` ISO-week parser (an independent code path from ``date.fromisocalendar``), and
published calendar facts; real labels come from the files in ``shared/realdata``.
"""
from __future__ import annotations

import csv
import itertools
from datetime import date, datetime

import pandas as pd
import polars as pl
import pytest

from pipelines.period_labels import PeriodLabel, parse_period_column, parse_period_label
from tests.realdata import REALDATA


def _pandas_bounds(freq_label: str) -> tuple[date, date]:
    period = pd.Period(freq_label)
    return period.start_time.date(), period.end_time.date()


@pytest.mark.parametrize(
    ("label", "period_type", "pandas_label"),
    [
        ("2025K1", "quarter", "2025Q1"),
        ("2020Q2", "quarter", "2020Q2"),
        ("2020-Q4", "quarter", "2020Q4"),
        ("2021M03", "month", "2021-03"),
        ("2020-02", "month", "2020-02"),
        ("2021M02", "month", "2021-02"),
        ("2021", "year", "2021"),
    ],
)
def test_statbank_and_police_uk_labels_match_pandas_calendar(label, period_type, pandas_label):
    """Oracle: pandas.Period start_time/end_time (leap February included)."""
    start, end = _pandas_bounds(pandas_label)
    assert parse_period_label(label) == PeriodLabel(period_type, start, end)


@pytest.mark.parametrize(("label", "half"), [("2019H1", 1), ("2019-H2", 2)])
def test_half_years_are_two_pandas_quarters(label, half):
    """Oracle: a half year spans pandas quarters 2h-1 .. 2h."""
    start, _ = _pandas_bounds(f"2019Q{2 * half - 1}")
    _, end = _pandas_bounds(f"2019Q{2 * half}")
    assert parse_period_label(label) == PeriodLabel("half_year", start, end)


@pytest.mark.parametrize("label", ["2021U05", "2021W05", "2021-W05", "2021-w05"])
def test_week_labels_are_iso_weeks(label):
    """Oracle: strptime with %G-W%V-%u, and the calendar: 2021-W05 is 1–7 February 2021."""
    monday = datetime.strptime("2021-W05-1", "%G-W%V-%u").date()
    sunday = datetime.strptime("2021-W05-7", "%G-W%V-%u").date()
    assert (monday, sunday) == (date(2021, 2, 1), date(2021, 2, 7))
    assert parse_period_label(label) == PeriodLabel("week", monday, sunday)


def test_every_iso_week_of_several_years_agrees_with_strptime():
    """Oracle: strptime %G-W%V for every week 1..53 of 2015–2027 (valid or not)."""
    for year, week in itertools.product(range(2015, 2028), range(1, 54)):
        try:
            monday = datetime.strptime(f"{year}-W{week:02d}-1", "%G-W%V-%u").date()
        except ValueError:
            monday = None
        parsed = parse_period_label(f"{year}U{week:02d}")
        # strptime rolls week 53 of a 52-week year into the next year's week 1; that is not
        # a valid label, so it must be rejected here.
        if monday is None or monday.isocalendar()[:2] != (year, week):
            assert parsed is None, f"{year}U{week:02d}"
        else:
            assert parsed == PeriodLabel("week", monday, date.fromordinal(monday.toordinal() + 6))


def test_week_53_only_in_long_iso_years():
    """Oracle: published calendar — 2020 has 53 ISO weeks (W53 = 28 Dec 2020–3 Jan 2021), 2021 has 52."""
    assert parse_period_label("2020W53") == PeriodLabel("week", date(2020, 12, 28), date(2021, 1, 3))
    assert parse_period_label("2021W53") is None
    assert parse_period_label("2021W00") is None


@pytest.mark.parametrize(
    "label",
    [
        "",
        "   ",
        None,
        "unknown (c. 2019)",
        "2020-01-15",  # a single day is not a period
        "2007M01D01",  # StatBank daily label: a single day
        "2019:2020",  # range: start month unknown, never guess
        "2019/2020",
        "2021K5",
        "2021M13",
        "2021M00",
        "2021H3",
        "0101",  # a numeric code, not a year
        "20211",
        "2021-1",
        "K1 2021",
        True,
    ],
)
def test_blank_unknown_days_and_ranges_return_none(label):
    """Oracle: the brief's rule — unknown text, single days and ranges are not periods."""
    assert parse_period_label(label) is None


def test_integer_year_from_a_numeric_column():
    """Oracle: pandas Period('2021')."""
    assert parse_period_label(2021) == PeriodLabel("year", *_pandas_bounds("2021"))


def test_every_period_in_the_statbank_catalogue_parses_or_is_refused_by_shape():
    """Oracle: the StatBank table catalogue (real file); its period shapes are listed in MANIFEST §3.

    Every year/K/M/H/U label must parse with start <= end; every daily (``M..D..``) or range
    (``:``, ``/``) label must be refused.
    """
    path = REALDATA / "dk_meta" / "statbank_tables_catalog_2021-05.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    labels = {row[key] for row in rows for key in ("firstPeriod", "latestPeriod") if row[key]}
    parsed_counts = {"parsed": 0, "refused": 0}
    for label in labels:
        parsed = parse_period_label(label)
        if "D" in label or ":" in label or "/" in label:
            assert parsed is None, label
            parsed_counts["refused"] += 1
        else:
            assert parsed is not None, label
            assert parsed.period_start <= parsed.period_end
            parsed_counts["parsed"] += 1
    assert parsed_counts["parsed"] > 100 and parsed_counts["refused"] > 10


def test_straf11_header_has_62_consecutive_quarters():
    """Oracle: MANIFEST §1 — 62 quarters 2007K1..2022K2, each starting the day after the previous ends."""
    path = REALDATA / "dk_crime" / "straf11_total_kommune_quarterly_2007K1-2022K2_latin1.csv"
    with path.open(encoding="latin-1", newline="") as handle:
        header = next(csv.reader(handle))
    periods = [parse_period_label(label) for label in header[2:]]
    assert len(periods) == 62
    assert all(p is not None and p.period_type == "quarter" for p in periods)
    assert periods[0].period_start == date(2007, 1, 1)
    assert periods[-1].period_end == date(2022, 6, 30)
    for before, after in zip(periods, periods[1:]):
        assert (after.period_start - before.period_end).days == 1


def test_police_uk_months_and_tryghed_periods_from_real_files():
    """Oracle: MANIFEST §4 and §6 — police.uk ``Month`` is 2020-01..2020-12; tryghed has
    ``2019H1`` (first half of 2019) and an ``unknown (c. 2019)`` period that must not be guessed."""
    months = set()
    for path in sorted((REALDATA / "uk_police_street").glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            months |= {row["Month"] for row in csv.DictReader(handle)}
    parsed = sorted(parse_period_label(m) for m in months)
    assert [p.period_start for p in parsed] == [date(2020, m, 1) for m in range(1, 13)]
    assert {p.period_type for p in parsed} == {"month"}

    with (REALDATA / "dk_tryghed" / "tryghedsopfoelgninger_published_figures.csv").open(
        encoding="utf-8", newline=""
    ) as handle:
        labels = [row["period"] for row in csv.DictReader(handle)]
    results = {label: parse_period_label(label) for label in labels}
    assert results["2019H1"] == PeriodLabel("half_year", date(2019, 1, 1), date(2019, 6, 30))
    assert results["unknown (c. 2019)"] is None


def test_column_parser_keeps_row_order_and_nulls():
    """Oracle: element-wise parse_period_label on the same values (row count and order kept)."""
    labels = pl.Series("tid", ["2020K1", None, "x", "2020-03", "2020K1", "2020-03-01"])
    out = parse_period_column(labels)
    assert out.columns == ["period_label", "period_type", "period_start", "period_end"]
    assert out.height == labels.len()
    assert out["period_type"].to_list() == ["quarter", None, None, "month", "quarter", None]
    assert out["period_end"].to_list() == [
        date(2020, 3, 31), None, None, date(2020, 3, 31), date(2020, 3, 31), None
    ]


def test_column_parser_accepts_integer_years():
    """Oracle: pandas Period for the years 2019 and 2020."""
    out = parse_period_column(pl.Series("year", [2019, 2020], dtype=pl.Int64))
    assert out["period_label"].to_list() == ["2019", "2020"]
    assert out["period_start"].to_list() == [_pandas_bounds("2019")[0], _pandas_bounds("2020")[0]]
    assert out["period_end"].to_list() == [_pandas_bounds("2019")[1], _pandas_bounds("2020")[1]]
