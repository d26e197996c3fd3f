"""Tests for ``analysis.rates``.

Oracles:
- Exact Poisson (Garwood) limits as tabulated in the literature (e.g. Sahai & Khurshid 1993;
  x = 0: 0–3.689, x = 1: 0.0253–5.572, x = 5: 1.6235–11.668, x = 10: 4.7954–18.390), and R's help
  page for ``poisson.test``: ``poisson.test(137, 24.19893)`` → rate 5.661407, 95 % CI
  4.753125–6.692709.
- Newcombe (1998), *Statist. Med.* 17:857–872, Table I: Wilson (method 3) and Clopper–Pearson
  (method 5) limits for 81/263, 15/148, 0/20 and 1/29.
- ``scipy.stats.binomtest(x, n).proportion_ci(method="wilson"/"exact")`` as a second implementation.
- Published figures (issue 4, MANIFEST §4): charge rate 1,143 of 14,956 = 7.6 %; reach rate
  960 of 1,178 = 81.5 %; share 1,178 of 6,355 = 18.5 %.
- Ranking: brute-force pairwise comparison of intervals written out in the test.
"""
from __future__ import annotations

import itertools

import numpy as np
import polars as pl
import pytest
from scipy import stats

from analysis.errors import AnalysisError
from analysis.rates import add_proportion_columns, add_rate_columns, poisson_rate, proportion, rank_by_rate


@pytest.mark.parametrize(
    ("count", "low", "high"),
    [(0, 0.0, 3.689), (1, 0.0253, 5.572), (2, 0.2422, 7.225), (3, 0.6187, 8.767), (5, 1.6235, 11.668), (10, 4.7954, 18.390)],
)
def test_garwood_limits_match_published_table(count, low, high):
    """Oracle: published exact Poisson 95 % limits for small counts (Sahai & Khurshid 1993 review)."""
    result = poisson_rate(count, 1000, per=1000)
    assert result.ci_low == pytest.approx(low, abs=6e-4)
    assert result.ci_high == pytest.approx(high, abs=6e-4)


def test_rate_matches_r_poisson_test_help_example():
    """Oracle: R ?poisson.test — poisson.test(137, 24.19893): 5.661407, CI 4.753125 6.692709."""
    result = poisson_rate(137, 24.19893, per=1)
    assert result.rate == pytest.approx(5.661407, abs=5e-7)
    assert result.ci_low == pytest.approx(4.753125, abs=5e-7)
    assert result.ci_high == pytest.approx(6.692709, abs=5e-7)
    assert result.precision == "ok"


def test_rate_per_1000_and_per_100000_scale_the_same_interval():
    """Oracle: hand arithmetic — 33 burglaries (City of London, January 2020) among 8,000 people is
    4.125 per 1,000 and 412.5 per 100,000; the Garwood limits scale by the same factor."""
    per_1000 = poisson_rate(33, 8000)
    per_100k = poisson_rate(33, 8000, per=100_000)
    assert per_1000.rate == pytest.approx(4.125)
    assert per_100k.rate == pytest.approx(412.5)
    assert per_100k.ci_low == pytest.approx(per_1000.ci_low * 100)
    assert per_1000.ci_low == pytest.approx(stats.chi2.ppf(0.025, 66) / 2 / 8)
    assert poisson_rate(9, 8000).precision == "few_events"


@pytest.mark.parametrize("population", [0, -10, float("nan"), None])
def test_rate_without_population_is_refused(population):
    """Oracle: documented error code."""
    with pytest.raises(AnalysisError) as caught:
        poisson_rate(5, population)
    assert caught.value.code == "invalid_population"


def test_rate_columns_keep_areas_without_population():
    """Oracle: Garwood limits from scipy.stats.chi2 for each row; null population → null rate."""
    frame = pl.DataFrame({"area": ["A", "B", "Uoplyst kommune"], "n": [12, 0, 7], "pop": [6000, 2500, None]})
    out = add_rate_columns(frame, count="n", population="pop")
    assert frame.columns == ["area", "n", "pop"]
    assert out["rate"].to_list()[:2] == pytest.approx([2.0, 0.0])
    assert out["rate"][2] is None and out["rate_ci_high"][2] is None
    assert out["rate_precision"].to_list() == ["ok", "few_events", "no_population"]
    assert out["rate_ci_high"][1] == pytest.approx(stats.chi2.ppf(0.975, 2) / 2 / 2.5)
    assert out["rate_ci_low"][0] == pytest.approx(stats.chi2.ppf(0.025, 24) / 2 / 6)


def test_rate_columns_refuse_bad_counts_and_missing_columns():
    """Oracle: documented error codes."""
    frame = pl.DataFrame({"n": [1.5, 2.0], "pop": [10, 10]})
    with pytest.raises(AnalysisError) as caught:
        add_rate_columns(frame, count="n", population="pop")
    assert caught.value.code == "invalid_count"
    with pytest.raises(AnalysisError) as caught:
        add_rate_columns(frame, count="count", population="pop")
    assert caught.value.code == "missing_column"
    with pytest.raises(AnalysisError) as caught:
        add_rate_columns(pl.DataFrame({"n": [None, 1], "pop": [1, 1]}), count="n", population="pop")
    assert caught.value.code == "invalid_count"


@pytest.mark.parametrize(
    ("x", "n", "wilson", "exact"),
    [
        (81, 263, (0.2553, 0.3662), (0.2527, 0.3676)),
        (15, 148, (0.0624, 0.1605), (0.0578, 0.1617)),
        (0, 20, (0.0000, 0.1611), (0.0000, 0.1684)),
        (1, 29, (0.0061, 0.1718), (0.0009, 0.1776)),
    ],
)
def test_proportion_intervals_match_newcombe_1998_table(x, n, wilson, exact):
    """Oracle: Newcombe (1998) Table I, methods 3 (Wilson) and 5 (Clopper–Pearson), 4 decimals."""
    result = proportion(x, n)
    assert (round(result.ci_low, 4), round(result.ci_high, 4)) == wilson
    assert (round(result.exact_ci_low, 4), round(result.exact_ci_high, 4)) == exact


def test_proportion_intervals_equal_scipy_binomtest_on_a_grid():
    """Oracle: scipy.stats.binomtest(x, n).proportion_ci(method='wilson' / 'exact'), all x for n ≤ 40
    and a few large n, at 95 % and 90 %."""
    pairs = [(x, n) for n in range(1, 41) for x in range(n + 1)] + [(1143, 14956), (960, 1178), (1178, 6355)]
    frame = pl.DataFrame({"x": [p[0] for p in pairs], "n": [p[1] for p in pairs]})
    for alpha in (0.05, 0.10):
        out = add_proportion_columns(frame, successes="x", trials="n", alpha=alpha)
        for (x, n), row in zip(pairs, out.iter_rows(named=True)):
            test = stats.binomtest(x, n)
            wilson = test.proportion_ci(confidence_level=1 - alpha, method="wilson")
            exact = test.proportion_ci(confidence_level=1 - alpha, method="exact")
            assert row["ci_low"] == pytest.approx(wilson.low, abs=1e-12)
            assert row["ci_high"] == pytest.approx(wilson.high, abs=1e-12)
            assert row["exact_ci_low"] == pytest.approx(exact.low, abs=1e-10)
            assert row["exact_ci_high"] == pytest.approx(exact.high, abs=1e-10)


@pytest.mark.parametrize(
    ("x", "n", "published_pct"),
    [(1143, 14956, 7.6), (960, 1178, 81.5), (1178, 6355, 18.5), (747 + 213, 1178, 81.5)],
)
def test_published_percentages(x, n, published_pct):
    """Oracle: Rigspolitiet's published figures (issue 4): charge rate 7.6 %, reach rate 81.5 %,
    Midt- og Vestsjællands Politi's share of the national total 18.5 %."""
    result = proportion(x, n)
    assert round(result.proportion * 100, 1) == published_pct
    assert result.precision == "ok"
    assert result.ci_low < result.proportion < result.ci_high


@pytest.mark.parametrize(("x", "n"), [(0, 4), (11, 30), (0, 3), (2, 5)])
def test_small_case_numbers_are_flagged_uncertain(x, n):
    """Oracle: the Wilson width from scipy.binomtest exceeds 20 points for 0 of 4 (0 %) and 11 of 30 (36.7 %)."""
    ci = stats.binomtest(x, n).proportion_ci(method="wilson")
    assert ci.high - ci.low > 0.20
    assert proportion(x, n).precision == "wide_interval"


def test_no_cases_gives_no_estimate():
    """Oracle: 0 of 0 has no proportion (documented code)."""
    result = proportion(0, 0)
    assert (result.proportion, result.ci_low, result.exact_ci_high, result.precision) == (None, None, None, "no_cases")


def test_more_successes_than_trials_is_refused():
    """Oracle: documented error code."""
    with pytest.raises(AnalysisError) as caught:
        proportion(5, 4)
    assert caught.value.code == "successes_exceed_trials"


def _brute_force_rank_ranges(rates, lows, highs):
    """Independent pairwise loops: best = 1 + #clearly above, worst = n − #clearly below."""
    n = len(rates)
    out = []
    for i in range(n):
        above = sum(1 for j in range(n) if j != i and lows[j] > highs[i])
        below = sum(1 for j in range(n) if j != i and highs[j] < lows[i])
        rank = 1 + sum(1 for j in range(n) if rates[j] > rates[i])
        out.append((rank, 1 + above, n - below))
    return out


def test_ranking_rank_ranges_equal_brute_force_on_random_areas():
    """Oracle: brute-force pairwise interval comparison (seeded random areas)."""
    rng = np.random.default_rng(3)
    for _ in range(20):
        k = int(rng.integers(2, 15))
        frame = pl.DataFrame(
            {
                "area": [f"area{i:02d}" for i in range(k)],
                "n": rng.poisson(rng.uniform(0, 80, size=k)).tolist(),
                "pop": rng.integers(500, 60_000, size=k).tolist(),
            }
        )
        ranked = rank_by_rate(frame, area="area", count="n", population="pop")
        expected = _brute_force_rank_ranges(
            ranked["rate"].to_list(), ranked["rate_ci_low"].to_list(), ranked["rate_ci_high"].to_list()
        )
        got = list(zip(ranked["rank"].to_list(), ranked["rank_best"].to_list(), ranked["rank_worst"].to_list()))
        assert got == expected
        assert ranked["rate"].to_list() == sorted(ranked["rate"].to_list(), reverse=True)
        for i, j in itertools.pairwise(range(k)):
            row_i, row_j = ranked.row(i, named=True), ranked.row(j, named=True)
            overlap = row_i["rate_ci_low"] <= row_j["rate_ci_high"] and row_j["rate_ci_low"] <= row_i["rate_ci_high"]
            assert row_i["overlaps_next"] == overlap


def test_ranking_hand_example_separates_only_what_intervals_separate():
    """Oracle: hand-worked — A 200/10,000 (20 per 1,000, CI ≈ 17.3–23.0) is clearly above B
    50/10,000 (5.0, CI ≈ 3.7–6.6); C 6/1,000 (6.0, CI ≈ 2.2–13.1) overlaps B but not A.
    Ranks: A 1 (1..1); C 2 (2..3); B 3 (2..3). Unknown-population area last, unranked."""
    frame = pl.DataFrame(
        {"area": ["A", "B", "C", "Uoplyst"], "n": [200, 50, 6, 9], "pop": [10_000, 10_000, 1_000, None]}
    )
    ranked = rank_by_rate(frame, area="area", count="n", population="pop")
    assert ranked["area"].to_list() == ["A", "C", "B", "Uoplyst"]
    assert ranked["rank"].to_list() == [1, 2, 3, None]
    assert ranked["rank_best"].to_list() == [1, 2, 2, None]
    assert ranked["rank_worst"].to_list() == [1, 3, 3, None]
    assert ranked["overlaps_next"].to_list() == [False, True, None, None]
    ascending = rank_by_rate(frame, area="area", count="n", population="pop", descending=False)
    assert ascending["area"].to_list() == ["B", "C", "A", "Uoplyst"]
    assert ascending["rank_worst"].to_list()[:3] == [2, 2, 3]


def test_ranking_ties_share_the_smaller_rank_and_duplicates_are_refused():
    """Oracle: 'min' ranking — equal rates 10/1,000 and 50/5,000 both rank 2 after 52/5,000."""
    frame = pl.DataFrame({"area": ["a", "b", "c"], "n": [10, 50, 52], "pop": [1000, 5000, 5000]})
    ranked = rank_by_rate(frame, area="area", count="n", population="pop")
    assert ranked["rank"].to_list() == [1, 2, 2]
    with pytest.raises(AnalysisError) as caught:
        rank_by_rate(pl.concat([frame, frame]), area="area", count="n", population="pop")
    assert caught.value.code == "duplicate_area"
