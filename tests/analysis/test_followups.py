"""Follow-up summaries against Rigspolitiet's published figures (the oracle: 6,355 nationally;
Midt- og Vestsjællands Politi 1,178 = 747 phone + 213 in person + 218 not reached; "960 of
1,178" reached = 81.5 %; 18.5 % of the national total) and hand-checked small frames."""
from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from scipy import stats

from analysis.followups import choose_periods, followup_trend, rank_followups, summarise_followups, unstated_periods

SCHEMA = {
    "area_code": pl.Utf8, "area_name": pl.Utf8, "name_en": pl.Utf8, "name_uk": pl.Utf8, "level": pl.Utf8,
    "is_selected": pl.Boolean, "is_national": pl.Boolean, "is_peer": pl.Boolean,
    "channel": pl.Utf8, "reason": pl.Utf8, "period_type": pl.Utf8, "period_start": pl.Date, "period_end": pl.Date,
    "period_label": pl.Utf8, "period_key": pl.Utf8, "count": pl.Int64, "is_derived": pl.Boolean,
    "population_year": pl.Int64, "population": pl.Int64,
}
UNSTATED = "unstated:unknown (c. 2019)"


def _row(area: str, channel: str, count: int, *, selected: bool, national: bool, peer: bool, key: str = UNSTATED,
         start: date | None = None, end: date | None = None, kind: str | None = None, population: int | None = None,
         derived: bool = False) -> dict:
    return {
        "area_code": area, "area_name": area, "name_en": area, "name_uk": area, "level": "x",
        "is_selected": selected, "is_national": national, "is_peer": peer, "channel": channel, "reason": "unknown",
        "period_type": kind, "period_start": start, "period_end": end,
        "period_label": None if kind else "unknown (c. 2019)", "period_key": key, "count": count, "is_derived": derived,
        "population_year": None if population is None else (start.year if start else None), "population": population,
    }


def _published_scope() -> pl.DataFrame:
    rows = [
        _row("DK", "unknown", 6355, selected=False, national=True, peer=False),
        _row("DK-PK08", "phone", 747, selected=True, national=False, peer=True),
        _row("DK-PK08", "in_person", 213, selected=True, national=False, peer=True),
        _row("DK-PK08", "not_reached", 218, selected=True, national=False, peer=True, derived=True),
        _row("DK", "unknown", 5036, selected=False, national=True, peer=False, key="half_year:2019-01-01",
             start=date(2019, 1, 1), end=date(2019, 6, 30), kind="half_year", population=5806081),
    ]
    return pl.DataFrame(rows, schema=SCHEMA)


def test_published_district_figures() -> None:
    rows = _published_scope()
    (choice,) = unstated_periods(rows)
    assert choice.unstated_label == "unknown (c. 2019)"
    summary = summarise_followups(rows, choice)
    assert summary.total == 1178
    assert dict(summary.by_channel) == {"phone": 747, "in_person": 213, "not_reached": 218, "unknown": 0}
    assert (summary.reached, summary.attempted) == (960, 1178)
    assert round(summary.reach_rate * 100, 1) == 81.5
    assert summary.national_total == 6355
    assert round(summary.share_of_national * 100, 1) == 18.5
    assert summary.per_1000 is None and "no_population" in summary.findings
    assert "derived_figures" in summary.findings
    # Wilson interval, independently from scipy's implementation.
    wilson = stats.binomtest(960, 1178).proportion_ci(confidence_level=0.95, method="wilson")
    assert summary.reach_ci_low == pytest.approx(wilson.low, rel=1e-10)
    assert summary.reach_ci_high == pytest.approx(wilson.high, rel=1e-10)


def test_half_year_in_the_frame_gives_5036_nationally() -> None:
    rows = _published_scope().with_columns(is_selected=pl.col("area_code") == "DK")
    choice = choose_periods(rows, start=date(2018, 7, 1), end=date(2019, 6, 30))
    assert choice.period_keys == ("half_year:2019-01-01",)
    summary = summarise_followups(rows, choice)
    assert summary.total == 5036
    assert summary.share_of_national == 1.0
    assert summary.per_1000 == pytest.approx(5036 / 5806081 * 1000)
    # Garwood interval: chi-square quantiles (R poisson.test(5036)$conf.int), scaled per 1,000.
    scale = 1000 / 5806081
    assert summary.per_1000_ci_low == pytest.approx(stats.chi2.ppf(0.025, 2 * 5036) / 2 * scale, rel=1e-10)
    assert summary.per_1000_ci_high == pytest.approx(stats.chi2.ppf(0.975, 2 * 5036 + 2) / 2 * scale, rel=1e-10)
    assert "channel_unknown" in summary.findings and summary.reach_rate is None


def test_period_not_wholly_inside_the_frame_is_not_used() -> None:
    rows = _published_scope().with_columns(is_selected=pl.col("area_code") == "DK")
    assert choose_periods(rows, start=date(2019, 4, 1), end=date(2019, 6, 30)) is None


def _quarters() -> pl.DataFrame:
    rows = []
    for area, counts, pop in (("A", (10, 20), 1000), ("B", (30, 30), 2000), ("N", (100, 120), 10000)):
        for q, count in enumerate(counts):
            start = date(2025, 1 + 3 * q, 1)
            end = date(2025, 3 + 3 * q, 31 if q == 0 else 30)
            rows.append(_row(area, "phone", count, selected=area == "A", national=area == "N", peer=area in "AB",
                             key=f"quarter:{start}", start=start, end=end, kind="quarter", population=pop))
    # A half-year figure over the same months must not be added to its quarters.
    rows.append(_row("A", "phone", 999, selected=True, national=False, peer=True, key="half_year:2025-01-01",
                     start=date(2025, 1, 1), end=date(2025, 6, 30), kind="half_year", population=1000))
    return pl.DataFrame(rows, schema=SCHEMA)


def test_finest_period_type_is_used_and_never_mixed() -> None:
    rows = _quarters()
    choice = choose_periods(rows, start=date(2025, 1, 1), end=date(2025, 6, 30))
    assert choice.period_type == "quarter" and len(choice.period_keys) == 2
    summary = summarise_followups(rows, choice)
    assert summary.total == 30
    assert summary.national_total == 220 and summary.share_of_national == pytest.approx(30 / 220)
    assert summary.per_1000 == pytest.approx(30.0)
    trend = followup_trend(rows)
    assert trend["count"].to_list() == [10, 20]


def test_ranking_by_rate_per_1000() -> None:
    rows = _quarters()
    choice = choose_periods(rows, start=date(2025, 1, 1), end=date(2025, 6, 30))
    ranking = rank_followups(rows, choice)
    # 30/1,000 and 60/2,000 are both 30 per 1,000: a tie shares rank 1 (then by area code).
    assert ranking["area_code"].to_list() == ["A", "B"]
    assert ranking["per_1000"].to_list() == pytest.approx([30.0, 30.0])
    assert ranking["rank"].to_list() == [1, 1]
    assert ranking["share_of_national"].to_list() == pytest.approx([30 / 220, 60 / 220])
