"""Change since a priority was agreed: windows chosen by hand-checkable rules, and the test
against R ``poisson.test`` identities (via ``scipy.stats.binomtest``, the conditional form)."""
from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from scipy import stats

from analysis.priorities import change_since


def _months(counts: list[int], first: date = date(2024, 1, 1)) -> pl.DataFrame:
    rows = []
    for i, count in enumerate(counts):
        year, month = first.year + (first.month - 1 + i) // 12, (first.month - 1 + i) % 12 + 1
        start = date(year, month, 1)
        end = date(year + month // 12, month % 12 + 1, 1).toordinal() - 1
        rows.append({"period_start": start, "period_end": date.fromordinal(end), "count": count})
    return pl.DataFrame(rows)


def test_agreement_month_is_in_neither_window() -> None:
    series = _months([10, 10, 10, 10, 99, 5, 5, 5])  # Jan–Aug 2024; agreed in May
    result = change_since(series, date(2024, 5, 14))
    assert result.status == "measured" and result.n_periods == 3
    assert (result.since_start, result.since_end) == (date(2024, 6, 1), date(2024, 8, 31))
    assert (result.before_start, result.before_end) == (date(2024, 2, 1), date(2024, 4, 30))
    assert (result.change.count, result.change.count_before) == (15, 30)
    # Exposures are days: Jun–Aug = 92, Feb–Apr 2024 = 29 + 31 + 30 = 90.
    assert (result.change.exposure, result.change.exposure_before) == (92.0, 90.0)
    expected = stats.binomtest(15, 45, 92 / 182).pvalue
    assert result.change.p_value == pytest.approx(expected, rel=1e-12)


def test_too_early_and_no_data_before() -> None:
    series = _months([4, 4, 4])
    assert change_since(series, date(2024, 3, 31)).status == "too_early"
    assert change_since(series, date(2023, 12, 31)).status == "no_data_before"


def test_windows_are_capped() -> None:
    series = _months([3] * 40)
    result = change_since(series, date(2025, 6, 15), max_periods=12)
    assert result.n_periods == 12
    assert result.change.count == result.change.count_before == 36
    assert result.change.verdict == "within_normal_variation"
