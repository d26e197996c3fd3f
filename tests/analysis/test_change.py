"""Tests for ``analysis.change``.

Oracles:
- R's own help page for ``poisson.test`` (package stats, R ≥ 3.0; example "Comparison with a
  different rate"): ``poisson.test(c(11, 6+8+7), c(800, 1083+1050+878))`` prints
  ``count1 = 11, expected count1 = 6.7174, p-value = 0.07967``, 95 % CI ``0.8584264 4.2772659``,
  rate ratio ``1.971488``. R is not installed here; the values are the published ones.
- An independent construction of the conditional distribution from ``scipy.stats.poisson.pmf``
  (not ``binom``), with R's two-sided rule (outcomes with probability ≤ observed × (1 + 1e-7)).
- The defining property of exact (Clopper–Pearson) limits, checked with ``scipy.stats.binom.cdf``.
- ``scipy.stats.binomtest`` for the acceptance region of the exact baseline band.
- The Farrington et al. (1996) 2/3-power band worked by hand (arithmetic in the docstring).
"""
from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from analysis.change import baseline_band, compare_counts
from analysis.errors import AnalysisError


def test_matches_r_poisson_test_help_page_example():
    """Oracle: R ?poisson.test — p 0.07967, CI 0.8584264–4.2772659, RR 1.971488, expected 6.7174."""
    result = compare_counts(11, 6 + 8 + 7, exposure=800, exposure_before=1083 + 1050 + 878)
    assert round(result.p_value, 5) == 0.07967
    assert result.rate_ratio_ci_low == pytest.approx(0.8584264, abs=5e-8)
    assert result.rate_ratio_ci_high == pytest.approx(4.2772659, abs=5e-8)
    assert result.rate_ratio == pytest.approx(1.971488, abs=5e-7)
    assert result.expected_count == pytest.approx(6.7174, abs=5e-5)
    assert result.verdict == "within_normal_variation"
    assert result.pct_change == pytest.approx((1.971488 - 1) * 100, abs=1e-4)


def _conditional_p_from_poisson_pmf(k1: int, k0: int, e1: float, e0: float) -> float:
    """Two-sided p-value built from Poisson pmfs: P(K1=j | K1+K0=n) = f(j;e1) f(n-j;e0) / f(n;e1+e0)."""
    n = k1 + k0
    j = np.arange(n + 1)
    # Log scale so that large n does not underflow; the rate λ = 1 cancels.
    probs = np.exp(stats.poisson.logpmf(j, e1) + stats.poisson.logpmf(n - j, e0) - stats.poisson.logpmf(n, e1 + e0))
    observed = probs[k1]
    return float(min(1.0, probs[probs <= observed * (1 + 1e-7)].sum()))


@pytest.mark.parametrize(
    ("k1", "k0", "e1", "e0"),
    [(11, 21, 8.0, 30.11), (33, 14, 1, 1), (5, 19, 1, 1), (40, 40, 91, 90), (0, 12, 1, 2), (17, 3, 2.5, 1.0), (120, 150, 1, 1)],
)
def test_p_value_equals_independent_poisson_construction(k1, k0, e1, e0):
    """Oracle: the conditional distribution assembled from scipy.stats.poisson.pmf."""
    result = compare_counts(k1, k0, exposure=e1, exposure_before=e0)
    assert result.p_value == pytest.approx(_conditional_p_from_poisson_pmf(k1, k0, e1, e0), rel=1e-9, abs=1e-14)


@pytest.mark.parametrize(("k1", "k0", "e1", "e0"), [(11, 21, 800, 3011), (33, 14, 1, 1), (3, 9, 1, 1), (60, 45, 366, 365)])
def test_rate_ratio_interval_has_the_exact_tail_property(k1, k0, e1, e0):
    """Oracle: definition of exact limits via scipy.stats.binom.cdf — at the upper limit
    P(K1 ≤ k1) = α/2, at the lower limit P(K1 ≥ k1) = α/2, with p(RR) = RR·e1 / (RR·e1 + e0)."""
    result = compare_counts(k1, k0, exposure=e1, exposure_before=e0)
    n = k1 + k0

    def p_of(ratio: float) -> float:
        return ratio * e1 / (ratio * e1 + e0)

    assert stats.binom.cdf(k1, n, p_of(result.rate_ratio_ci_high)) == pytest.approx(0.025, rel=1e-6)
    assert stats.binom.sf(k1 - 1, n, p_of(result.rate_ratio_ci_low)) == pytest.approx(0.025, rel=1e-6)


def test_poisson_means_test_is_a_different_test_and_not_an_oracle():
    """Oracle check asked for in the brief: scipy.stats.poisson_means_test is the E-test
    (Krishnamoorthy & Thomson 2004), not the conditional test — on R's example it gives
    p ≈ 0.139 versus 0.0797, so it cannot serve as an identity oracle."""
    e_test = stats.poisson_means_test(11, 800, 21, 1083 + 1050 + 878)
    ours = compare_counts(11, 21, exposure=800, exposure_before=3011)
    assert abs(e_test.pvalue - ours.p_value) > 0.03


def test_small_counts_are_too_few_to_judge_even_with_big_percentages():
    """Oracle: the documented rule — total < 10 (1 → 3 is "+200 %" but too few)."""
    result = compare_counts(3, 1)
    assert result.pct_change == pytest.approx(200.0)
    assert result.verdict == "too_few_to_judge"
    assert compare_counts(4, 4).verdict == "too_few_to_judge"
    assert compare_counts(9, 0).verdict == "too_few_to_judge"
    assert compare_counts(10, 0).verdict == "significant_increase"


def test_verdicts_follow_p_value_and_direction():
    """Oracle: binomtest(33, 47, 0.5) p ≈ 0.0081 (< 0.05) and binomtest(15, 25, 0.5) p ≈ 0.42 — City of
    London burglaries January (33) against February (14) 2020, MANIFEST §6."""
    up = compare_counts(33, 14)
    assert up.p_value == pytest.approx(stats.binomtest(33, 47, 0.5).pvalue, rel=1e-12)
    assert up.verdict == "significant_increase"
    down = compare_counts(14, 33)
    assert down.verdict == "significant_decrease"
    assert compare_counts(15, 10).verdict == "within_normal_variation"


def test_exposure_scale_does_not_matter_and_unequal_periods_are_adjusted():
    """Oracle: binomtest with p = 91/(91+90) (Q2 has 91 days, Q1 of a common year 90)."""
    a = compare_counts(40, 30, exposure=91, exposure_before=90)
    b = compare_counts(40, 30, exposure=91 * 1000, exposure_before=90 * 1000)
    assert a.p_value == pytest.approx(b.p_value, rel=1e-12)
    assert a.p_value == pytest.approx(stats.binomtest(40, 70, 91 / 181).pvalue, rel=1e-12)


def test_zero_base_and_zero_counts():
    """Oracle: R poisson.test conventions — RR = Inf with CI upper Inf when x[2] = 0; nothing to test when both are 0."""
    result = compare_counts(30, 0)
    assert result.rate_ratio == math.inf and result.rate_ratio_ci_high == math.inf
    assert result.pct_change is None
    assert result.p_value == pytest.approx(2 * 0.5**30, rel=1e-9)
    none = compare_counts(0, 0)
    assert (none.rate_ratio, none.pct_change, none.p_value, none.verdict) == (None, None, 1.0, "too_few_to_judge")
    drop = compare_counts(0, 30)
    assert (drop.rate_ratio, drop.rate_ratio_ci_low, drop.pct_change) == (0.0, 0.0, -100.0)


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"count": -1, "count_before": 3}, "invalid_count"),
        ({"count": 2.5, "count_before": 3}, "invalid_count"),
        ({"count": 2, "count_before": float("nan")}, "invalid_count"),
        ({"count": 2, "count_before": 3, "exposure": 0}, "invalid_exposure"),
        ({"count": 2, "count_before": 3, "exposure_before": -5}, "invalid_exposure"),
        ({"count": 2, "count_before": 3, "alpha": 1.5}, "invalid_alpha"),
    ],
)
def test_bad_input_is_rejected_with_a_code(kwargs, code):
    """Oracle: the documented error codes."""
    with pytest.raises(AnalysisError) as caught:
        compare_counts(**kwargs)
    assert caught.value.code == code


@pytest.mark.parametrize(("history", "pooled_share"), [((20, 21, 19), 0.25), ((5, 7, 6), 0.25), ((100, 96, 104), 0.25)])
def test_exact_band_edges_are_where_binomtest_starts_to_reject(history, pooled_share):
    """Oracle: scipy.stats.binomtest(y, y + Σhistory, 1/4) — the band is exactly the counts not flagged."""
    result = baseline_band(sum(history) // 3, history, method="exact_poisson")
    pooled = sum(history)
    low, high = int(result.band_low), int(result.band_high)

    def p(y: int) -> float:
        return stats.binomtest(y, y + pooled, pooled_share).pvalue

    assert all(p(y) >= 0.05 for y in range(low, high + 1))
    assert p(high + 1) < 0.05
    assert low == 0 or p(low - 1) < 0.05
    for y in range(max(low - 3, 0), high + 4):
        verdict = baseline_band(y, history, method="exact_poisson").verdict
        inside = low <= y <= high
        assert (verdict in ("within_baseline_band", "too_few_to_judge")) == inside, y


def test_exact_band_flags_what_the_two_period_test_flags():
    """Oracle: compare_counts against the pooled baseline with exposures 1 : 3 equals binomtest(k, k+S, 1/4)."""
    result = baseline_band(45, (20, 21, 19))
    assert result.method == "exact_poisson"
    assert result.baseline_mean == pytest.approx(20.0)
    assert result.p_value == pytest.approx(stats.binomtest(45, 105, 0.25).pvalue, rel=1e-12)
    assert result.verdict == "above_baseline_band"


@pytest.mark.parametrize("mean", [2.0, 20.0, 150.0])
def test_exact_band_false_alarm_rate_is_at_most_alpha(mean):
    """Oracle: an exact test's size is ≤ α. For a stable Poisson(mean) series the probability
    that the current count falls outside the band is summed exactly over the pooled baseline
    S ~ Poisson(3·mean) and the current count Y ~ Poisson(mean) with scipy.stats.poisson."""
    lo_s, hi_s = (int(x) for x in stats.poisson.interval(1 - 1e-9, 3 * mean))
    size = 0.0
    for pooled in range(lo_s, hi_s + 1):
        band = baseline_band(0, (pooled, 0, 0), method="exact_poisson")
        outside = stats.poisson.cdf(band.band_low - 1, mean) + stats.poisson.sf(band.band_high, mean)
        size += stats.poisson.pmf(pooled, 3 * mean) * outside
    assert size <= 0.05


def test_quasi_poisson_band_worked_by_hand():
    """Oracle: hand arithmetic of the Farrington-style band for history (10, 20, 30):
    μ = 20; φ̂ = ((10−20)² + 0 + (30−20)²)/20/2 = 5; 20^(2/3) = 7.368063; 20^(1/3) = 2.714418;
    half width = 1.959964 · (2/3) · sqrt(5 · 2.714418 · 4/3) = 5.558397;
    band = (7.368063 ∓ 5.558397)^(3/2) = (2.434433, 46.47500)."""
    result = baseline_band(45, (10, 20, 30))
    assert result.method == "quasi_poisson"
    assert result.dispersion == pytest.approx(5.0)
    assert result.band_low == pytest.approx(2.434433, abs=2e-6)
    assert result.band_high == pytest.approx(46.47500, abs=2e-5)
    assert result.verdict == "within_baseline_band"
    assert baseline_band(47, (10, 20, 30)).verdict == "above_baseline_band"
    assert baseline_band(2, (10, 20, 30)).verdict == "below_baseline_band"
    assert result.p_value is None


def test_quasi_band_with_dispersion_below_one_is_the_poisson_band_on_the_same_scale():
    """Oracle: hand arithmetic — φ̂ floored at 1; history (20, 21, 19): μ = 20,
    half width = 1.959964·(2/3)·sqrt(2.714418·4/3) = 2.485791;
    band = (7.368063 ∓ 2.485791)^(3/2) = (10.78780, 30.93208)."""
    result = baseline_band(25, (20, 21, 19), method="quasi_poisson")
    assert result.dispersion == pytest.approx(0.05)
    assert result.band_low == pytest.approx(10.78780, abs=1e-5)
    assert result.band_high == pytest.approx(30.93208, abs=1e-5)


def test_baseline_with_exposures_scales_the_mean():
    """Oracle: hand arithmetic — 300 events over exposures 100+100+100 and current exposure 120:
    μ = 300/300·120 = 120; exact share = 120/(120+300)."""
    result = baseline_band(150, (100, 100, 100), exposure=120, baseline_exposures=(100, 100, 100))
    assert result.baseline_mean == pytest.approx(120.0)
    assert result.p_value == pytest.approx(stats.binomtest(150, 450, 120 / 420).pvalue, rel=1e-12)


def test_baseline_too_few_events_is_said_so():
    """Oracle: documented rule — fewer than 10 events in current plus baseline periods."""
    assert baseline_band(2, (1, 0, 2)).verdict == "too_few_to_judge"


@pytest.mark.parametrize(
    ("args", "kwargs", "code"),
    [
        ((5, ()), {}, "no_baseline"),
        ((5, (3, 4)), {"baseline_exposures": (1.0,)}, "exposure_length_mismatch"),
        ((5, (3,)), {"method": "quasi_poisson"}, "baseline_needs_two_years"),
        ((5, (3, 4)), {"method": "bayes"}, "unknown_method"),
        ((5, (3, -4)), {}, "invalid_count"),
    ],
)
def test_bad_baseline_input_is_rejected_with_a_code(args, kwargs, code):
    """Oracle: the documented error codes."""
    with pytest.raises(AnalysisError) as caught:
        baseline_band(*args, **kwargs)
    assert caught.value.code == code


def test_count_columns_equal_the_independent_construction_and_binomtest():
    """Oracles: the conditional distribution from Poisson pmfs (above) and scipy.stats.binomtest
    (R binom.test's rule) for every pair, including ties, a zero base, tails on both sides,
    the 10-event threshold and an odd and even total."""
    from analysis.change import compare_count_columns

    rng = np.random.default_rng(11)
    pairs = [(33, 14), (14, 33), (0, 0), (5, 5), (10, 0), (0, 10), (9, 0), (7, 2), (120, 150), (40, 41), (41, 40), (1, 0)]
    pairs += [tuple(int(x) for x in rng.poisson(rng.uniform(0, 400), size=2)) for _ in range(60)]
    k1, k0 = zip(*pairs)
    columns = compare_count_columns(k1, k0)
    for i, (a, b) in enumerate(pairs):
        if a + b:
            assert columns.p_value[i] == pytest.approx(_conditional_p_from_poisson_pmf(a, b, 1.0, 1.0), rel=1e-9, abs=1e-14)
            assert columns.p_value[i] == pytest.approx(stats.binomtest(a, a + b, 0.5).pvalue, rel=1e-9, abs=1e-14)
        else:
            assert columns.p_value[i] == 1.0
        one = compare_counts(a, b)
        assert columns.verdict[i] == one.verdict
        assert (math.isnan(columns.pct_change[i]) and one.pct_change is None) or columns.pct_change[i] == pytest.approx(one.pct_change, rel=1e-12)


def test_count_columns_large_totals_and_bad_input():
    """Oracle: scipy.stats.binomtest for a pair above the symmetric shortcut's limit; bad input keeps the codes."""
    from analysis.change import compare_count_columns

    columns = compare_count_columns([600_500], [600_000])
    assert columns.p_value[0] == pytest.approx(stats.binomtest(600_500, 1_200_500, 0.5).pvalue, rel=1e-9)
    with pytest.raises(AnalysisError) as error:
        compare_count_columns([1, 2], [3])
    assert error.value.code == "length_mismatch"
    with pytest.raises(AnalysisError) as error:
        compare_count_columns([-1], [3])
    assert error.value.code == "invalid_count"
