"""Charge rates against the published figure (1,143 charged of 14,956 reported burglaries =
7.6 %, the sigtelsesprocent quoted in issue 4) and scipy's own interval implementations."""
from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from scipy import stats

from analysis.outcomes import charge_rates

SCHEMA = {"area_code": pl.Utf8, "area_name": pl.Utf8, "name_en": pl.Utf8, "name_uk": pl.Utf8, "depth": pl.Int64,
          "offence_code": pl.Utf8, "period_type": pl.Utf8, "period_start": pl.Date, "period_end": pl.Date,
          "reported": pl.Int64, "charged": pl.Int64}


def _rows(items: list[tuple]) -> pl.DataFrame:
    rows = []
    for area, depth, kind, start, end, reported, charged in items:
        rows.append({"area_code": area, "area_name": area, "name_en": area, "name_uk": area, "depth": depth,
                     "offence_code": "burglary", "period_type": kind, "period_start": start, "period_end": end,
                     "reported": reported, "charged": charged})
    return pl.DataFrame(rows, schema=SCHEMA)


Y2019 = ("year", date(2019, 1, 1), date(2019, 12, 31))


def test_published_charge_rate_and_uncertain_small_areas() -> None:
    rows = _rows([("DK", 0, *Y2019, 14956, 1143), ("A", 1, *Y2019, 4, 0), ("B", 1, *Y2019, 30, 11), ("C", 1, *Y2019, 9, 12)])
    rates = charge_rates(rows, offence_code="burglary", start=date(2019, 1, 1), end=date(2019, 12, 31))
    by_area = {r["area_code"]: r for r in rates.iter_rows(named=True)}
    national = by_area["DK"]
    assert round(national["proportion"] * 100, 1) == 7.6
    assert national["precision"] == "ok"
    wilson = stats.binomtest(1143, 14956).proportion_ci(0.95, method="wilson")
    exact = stats.binomtest(1143, 14956).proportion_ci(0.95, method="exact")
    assert (national["ci_low"], national["ci_high"]) == pytest.approx((wilson.low, wilson.high), rel=1e-10)
    assert (national["exact_ci_low"], national["exact_ci_high"]) == pytest.approx((exact.low, exact.high), rel=1e-10)
    assert by_area["A"]["proportion"] == 0 and by_area["A"]["precision"] == "wide_interval"
    assert round(by_area["B"]["proportion"] * 100, 1) == 36.7 and by_area["B"]["precision"] == "wide_interval"
    assert by_area["C"]["precision"] == "not_a_proportion" and by_area["C"]["ci_low"] is None
    assert rates["area_code"].to_list()[0] == "DK"


def test_finest_period_type_inside_the_span_only() -> None:
    rows = _rows([
        ("A", 0, "quarter", date(2019, 1, 1), date(2019, 3, 31), 10, 2),
        ("A", 0, "quarter", date(2019, 4, 1), date(2019, 6, 30), 20, 3),
        ("A", 0, *Y2019, 999, 99),  # the year is not wholly inside the span, and quarters are finer anyway
    ])
    rates = charge_rates(rows, offence_code="burglary", start=date(2019, 1, 1), end=date(2019, 12, 31))
    row = rates.row(0, named=True)
    assert (row["period_type"], row["n_periods"], row["reported"], row["charged"]) == ("quarter", 2, 30, 5)
    assert charge_rates(rows, offence_code="theft", start=date(2019, 1, 1), end=date(2019, 12, 31)).height == 0


def test_area_without_own_figures_gets_the_sum_of_its_municipalities() -> None:
    rows = _rows([("A", 1, *Y2019, 30, 11), ("B", 1, *Y2019, 70, 9)])
    rates = charge_rates(rows, offence_code="burglary", start=date(2019, 1, 1), end=date(2019, 12, 31))
    total = rates.row(0, named=True)
    assert (total["area_code"], total["depth"], total["reported"], total["charged"]) == (None, 0, 100, 20)
    assert total["proportion"] == pytest.approx(0.2)
