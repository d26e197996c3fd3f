"""Tests for ``analysis.prognosis``.

Oracles:
- Hand-checkable series: a constant series (prognosis = its mean, slope 0) and a series lying
  exactly on an exponential, 1, 2, 4, …, 512 (the Poisson MLE reproduces it, so the prognosis
  for the next year is 1,024).
- An independent Poisson-regression fit: ``scipy.optimize.minimize`` on the Poisson negative
  log-likelihood (BFGS, written out in the test), and its covariance from a finite-difference
  Hessian of that likelihood.
- The Poisson (φ = 1) closed form for the Pearson dispersion, computed in the test.
- Monte-Carlo simulation (numpy, seeded) of the predictive distribution that the interval is
  defined from: draw log μ ~ N(â, se²), then Y ~ Poisson(μ) or NB(mean μ, variance φμ).
- ``analysis.change.compare_counts`` (itself checked against R) for the comparison with last year.
"""
from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest
from scipy import optimize, stats

from analysis.change import compare_counts
from analysis.errors import AnalysisError
from analysis.prognosis import fit_loglinear_trend, judge_against_prognosis, predictive_cdf

YEARS = list(range(2010, 2020))


def _frame(counts: list[int], *, first: int = 2010, **extra: list) -> pl.DataFrame:
    return pl.DataFrame({"year": list(range(first, first + len(counts))), "count": counts, **extra})


def test_constant_series_prognosis_is_the_mean():
    """Oracle: hand — a constant series of 50 has slope 0 and prognosis 50; the MLE intercept is log 50."""
    fit = fit_loglinear_trend(YEARS, [50] * 10)
    assert fit.intercept == pytest.approx(math.log(50), abs=1e-12)
    assert fit.slope == pytest.approx(0.0, abs=1e-12)
    result = judge_against_prognosis(_frame([50] * 10 + [50]), year=2020)
    assert result.expected == pytest.approx(50.0, rel=1e-12)
    assert result.verdict == "as_expected"
    assert result.annual_change_pct == pytest.approx(0.0, abs=1e-9)


def test_series_on_an_exponential_is_reproduced():
    """Oracle: hand — counts 2^0..2^9 lie on log μ = (t−2010)·log 2; the next year's prognosis is 1,024."""
    counts = [2**i for i in range(10)]
    result = judge_against_prognosis(_frame(counts + [1024]), year=2020)
    assert result.expected == pytest.approx(1024.0, rel=1e-10)
    assert result.annual_change_pct == pytest.approx(100.0, rel=1e-10)
    assert result.fit.dispersion == pytest.approx(0.0, abs=1e-12)
    assert result.verdict == "as_expected"


def _scipy_poisson_fit(t: np.ndarray, y: np.ndarray, e: np.ndarray, centre: int) -> tuple[np.ndarray, np.ndarray]:
    """Independent fit: minimise the Poisson negative log-likelihood; Hessian by central differences."""
    x = t - centre

    def nll(beta: np.ndarray) -> float:
        eta = beta[0] + beta[1] * x + np.log(e)
        return float(np.sum(np.exp(eta) - y * eta))

    start = np.array([math.log(y.mean() / e.mean()), 0.0])
    best = optimize.minimize(nll, start, method="BFGS", options={"gtol": 1e-10})
    h = 1e-4
    hessian = np.zeros((2, 2))
    for i in range(2):
        for j in range(2):
            di, dj = np.eye(2)[i] * h, np.eye(2)[j] * h
            hessian[i, j] = (
                nll(best.x + di + dj) - nll(best.x + di - dj) - nll(best.x - di + dj) + nll(best.x - di - dj)
            ) / (4 * h * h)
    return best.x, np.linalg.inv(hessian)


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_fit_equals_independent_likelihood_maximisation(seed):
    """Oracle: scipy.optimize.minimize on the Poisson likelihood, with exposures, and its numeric Hessian."""
    rng = np.random.default_rng(seed)
    t = np.arange(2011, 2021, dtype=float)
    e = rng.uniform(40_000, 60_000, size=10)
    y = rng.poisson(e / 1000 * np.exp(-0.04 * (t - 2011))).astype(float)
    fit = fit_loglinear_trend(t, y, exposures=e, centre=2021, dispersion="poisson")
    beta, covariance = _scipy_poisson_fit(t, y, e, 2021)
    assert fit.intercept == pytest.approx(beta[0], abs=1e-6)
    assert fit.slope == pytest.approx(beta[1], abs=1e-6)
    assert np.array(fit.covariance) == pytest.approx(covariance, rel=1e-3)
    mu = e * np.exp(beta[0] + beta[1] * (t - 2021))
    assert fit.dispersion == pytest.approx(np.sum((y - mu) ** 2 / mu) / 8, rel=1e-5)


def test_quasi_dispersion_scales_the_covariance():
    """Oracle: hand — quasi-Poisson covariance = max(1, φ̂) × Poisson covariance; φ̂ > 1 for a zig-zag series."""
    counts = [60, 140, 70, 150, 65, 145, 75, 135, 70, 140]
    poisson = fit_loglinear_trend(YEARS, counts, dispersion="poisson")
    quasi = fit_loglinear_trend(YEARS, counts, dispersion="quasi")
    assert quasi.dispersion > 1
    assert quasi.dispersion_used == pytest.approx(quasi.dispersion)
    assert np.array(quasi.covariance) == pytest.approx(np.array(poisson.covariance) * quasi.dispersion, rel=1e-12)
    assert (quasi.intercept, quasi.slope) == (poisson.intercept, poisson.slope)


@pytest.mark.parametrize(("log_mean", "se", "phi"), [(math.log(85.0), 0.07, 1.0), (math.log(12.0), 0.3, 1.0), (math.log(300.0), 0.05, 4.0)])
def test_predictive_distribution_matches_monte_carlo(log_mean, se, phi):
    """Oracle: 400,000 seeded draws of log μ ~ N(log_mean, se²), then Y ~ Poisson(μ) (φ = 1) or
    negative binomial with variance φμ; CDF agrees within 4 Monte-Carlo standard errors."""
    rng = np.random.default_rng(11)
    mu = np.exp(rng.normal(log_mean, se, size=400_000))
    if phi == 1.0:
        draws = rng.poisson(mu)
    else:
        draws = rng.negative_binomial(mu / (phi - 1.0), 1.0 / phi)
    grid = np.unique(np.quantile(draws, [0.01, 0.025, 0.1, 0.5, 0.9, 0.975, 0.99]).astype(int))
    empirical = np.array([(draws <= g).mean() for g in grid])
    ours = predictive_cdf(grid, log_mean=log_mean, se=se, dispersion=phi)
    mc_se = np.sqrt(empirical * (1 - empirical) / draws.size)
    assert np.all(np.abs(ours - empirical) <= 4 * mc_se + 1e-4)


def test_interval_is_the_predictive_quantiles_and_verdict_follows_it():
    """Oracle: the interval limits are where predictive_cdf first reaches 2.5 % / 97.5 %, and the
    verdict is 'markedly_above' exactly for counts above the interval (scan of observed counts)."""
    counts = [120, 115, 118, 110, 104, 100, 99, 97, 90, 88]
    base = judge_against_prognosis(_frame(counts + [90]), year=2020)
    log_mean = math.log(base.expected)
    se = math.sqrt(base.fit.covariance[0][0])
    cdf = predictive_cdf(np.arange(0, 400), log_mean=log_mean, se=se, dispersion=base.fit.dispersion_used)
    assert base.pi_low == int(np.argmax(cdf >= 0.025))
    assert base.pi_high == int(np.argmax(cdf >= 0.975))
    for observed in range(base.pi_low - 3, base.pi_high + 4):
        result = judge_against_prognosis(_frame(counts + [observed]), year=2020)
        expected_verdict = (
            "markedly_above" if observed > base.pi_high else "markedly_below" if observed < base.pi_low else "as_expected"
        )
        assert result.verdict == expected_verdict
        assert result.p_below == pytest.approx(cdf[observed], abs=1e-12)


def test_jump_is_marked_and_compared_with_last_year():
    """Oracle: compare_counts (checked against R poisson.test) for 120 vs 88; a falling trend
    from 120 to 88 predicts about 85, so 120 is markedly above."""
    counts = [120, 115, 118, 110, 104, 100, 99, 97, 90, 88]
    result = judge_against_prognosis(_frame(counts + [120]), year=2020)
    assert result.verdict == "markedly_above"
    assert result.versus_last_year == compare_counts(120, 88)
    assert result.p_above < 0.025


def test_exposure_makes_the_prognosis_a_rate_trend():
    """Oracle: hand — counts proportional to population (1 per 1,000, constant rate) give slope 0 and a
    prognosis of 1 per 1,000 of the judged year's population (70,000 → 70)."""
    population = [50_000 + 2_000 * i for i in range(11)]
    counts = [p // 1000 for p in population[:10]] + [70]
    population[-1] = 70_000
    result = judge_against_prognosis(_frame(counts, population=population), year=2020, exposure_col="population")
    assert result.fit.slope == pytest.approx(0.0, abs=1e-10)
    assert result.expected == pytest.approx(70.0, rel=1e-10)
    assert result.versus_last_year == compare_counts(70, 68, exposure=70_000, exposure_before=68_000)


def test_missing_years_inside_the_window_are_allowed_down_to_min_years():
    """Oracle: the documented rule — 5 of the 10 previous years suffice; 4 do not."""
    frame = _frame([50] * 10 + [50]).filter(~pl.col("year").is_in([2011, 2013, 2015, 2017, 2019]))
    result = judge_against_prognosis(frame, year=2020)
    assert result.years_used == (2010, 2012, 2014, 2016, 2018)
    assert result.versus_last_year is None
    with pytest.raises(AnalysisError) as caught:
        judge_against_prognosis(frame.filter(pl.col("year") != 2010), year=2020)
    assert caught.value.code == "insufficient_history"


def test_too_few_events_are_not_judged():
    """Oracle: the documented rule — fewer than 10 events in the trend years."""
    result = judge_against_prognosis(_frame([1, 0, 0, 2, 0, 1, 0, 0, 1, 0, 3]), year=2020)
    assert result.verdict == "too_few_to_judge"
    assert result.expected is None
    assert result.versus_last_year == compare_counts(3, 0)


def test_all_events_in_the_last_year_cannot_give_a_trend():
    """Oracle: the Poisson MLE slope is +∞ when only the last trend year has events (no finite maximum)."""
    with pytest.raises(AnalysisError) as caught:
        judge_against_prognosis(_frame([0] * 9 + [12, 5]), year=2020)
    assert caught.value.code == "trend_not_estimable"


@pytest.mark.parametrize(
    ("frame", "kwargs", "code"),
    [
        (pl.DataFrame({"year": [2019, 2019], "count": [1, 2]}), {"year": 2019}, "duplicate_year"),
        (_frame([5] * 11), {"year": 2030}, "year_missing"),
        (_frame([5] * 11), {"year": 2020, "count_col": "n"}, "missing_column"),
        (_frame([5] * 10 + [-1]), {"year": 2020}, "invalid_count"),
    ],
)
def test_bad_input_is_rejected_with_a_code(frame, kwargs, code):
    """Oracle: the documented error codes."""
    with pytest.raises(AnalysisError) as caught:
        judge_against_prognosis(frame, **kwargs)
    assert caught.value.code == code


def test_fit_requires_three_years():
    """Oracle: two points cannot give a trend with an error estimate (n − 2 = 0)."""
    with pytest.raises(AnalysisError) as caught:
        fit_loglinear_trend([2019, 2020], [3, 4])
    assert caught.value.code == "too_few_years"


def test_poisson_quantiles_when_the_mean_is_known_precisely():
    """Oracle: scipy.stats.poisson.ppf — with se → 0 the predictive distribution is Poisson(μ)."""
    cdf = predictive_cdf(np.arange(0, 200), log_mean=math.log(80.0), se=1e-9)
    assert int(np.argmax(cdf >= 0.975)) == int(stats.poisson.ppf(0.975, 80.0))
    assert int(np.argmax(cdf >= 0.025)) == int(stats.poisson.ppf(0.025, 80.0))
