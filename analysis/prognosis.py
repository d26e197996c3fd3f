"""Traffic: is a year's count a marked change? A prognosis from the previous 10 years' trend,
and a comparison with last year.

Idea: Vejdirektoratet's yearly accident statistics call a year's change *markant* only when it
falls outside what the development of the preceding years leads one to expect. We make that
precise as follows (a prediction interval for a new observation from a generalised linear
model; McCullagh & Nelder 1989, *Generalized Linear Models*, 2nd ed., §2.5 (IRLS), §6.2
(log-linear Poisson models), ch. 9 (quasi-likelihood)):

1. **Trend.** For the ``window`` (default 10) years before the judged year, fit
   ``log E[y_t] = a + b·(t − t*) + log e_t`` by Poisson maximum likelihood (iteratively
   reweighted least squares in numpy; ``e_t`` an optional exposure such as population, else 1;
   ``t*`` is the judged year, so ``a`` is the log prognosis). The covariance is
   ``φ·(XᵀWX)⁻¹`` with the Pearson dispersion ``φ̂ = X²/(n − 2)``; ``dispersion="quasi"``
   (default) uses ``φ = max(1, φ̂)`` — extra-Poisson variation widens the interval, but it is
   never narrower than Poisson; ``dispersion="poisson"`` uses ``φ = 1``.
2. **Prognosis.** ``expected = exp(a) · e_{t*}``.
3. **Prediction interval.** The new count given its mean is Poisson (``φ = 1``) or negative
   binomial with variance ``φ·μ`` (``φ > 1``); the mean is uncertain, ``log μ ~ N(â, se(â)²)``.
   The predictive distribution is that mixture, integrated with 60-point Gauss–Hermite
   quadrature; the interval is its ``alpha/2`` and ``1 − alpha/2`` quantiles (whole counts).
4. **Verdict.** ``markedly_above`` when the observed count exceeds the interval,
   ``markedly_below`` when it is under it, else ``as_expected``; ``too_few_to_judge`` when the
   trend years hold fewer than ``min_total`` (default 10) events. Tail probabilities
   ``P(Y ≥ observed)`` and ``P(Y ≤ observed)`` are reported too.
5. **Against last year**: the exact conditional Poisson test of ``analysis.change``.

Verdicts are codes; the UI words them.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
import polars as pl
from scipy import stats

from analysis.change import ChangeResult, compare_counts
from analysis.errors import AnalysisError

PrognosisVerdict = Literal["markedly_above", "markedly_below", "as_expected", "too_few_to_judge"]
Dispersion = Literal["quasi", "poisson"]

_NODES, _WEIGHTS = np.polynomial.hermite_e.hermegauss(60)
_WEIGHTS = _WEIGHTS / math.sqrt(2 * math.pi)
_MAX_ITERATIONS = 100
_TOLERANCE = 1e-12


@dataclass(frozen=True)
class TrendFit:
    """A log-linear Poisson trend fitted by maximum likelihood.

    Attributes:
        intercept: log expected count per unit exposure at ``centre`` (R: ``coef(fit)[1]``
            of ``glm(y ~ I(t - centre) + offset(log(e)), family = poisson)``).
        slope: change of the log expected count per year (``coef(fit)[2]``).
        centre: the year the intercept refers to.
        covariance: 2×2 covariance of (intercept, slope), already multiplied by the dispersion
            used (R: ``vcov(fit)`` for ``family = quasipoisson`` when φ̂ > 1).
        dispersion: Pearson dispersion ``X²/(n − 2)`` (R: ``summary(quasi_fit)$dispersion``).
        dispersion_used: the φ in ``covariance`` (1 or ``max(1, φ̂)``).
        n_years: number of years fitted.
        iterations: IRLS iterations used.
    """

    intercept: float
    slope: float
    centre: int
    covariance: tuple[tuple[float, float], tuple[float, float]]
    dispersion: float
    dispersion_used: float
    n_years: int
    iterations: int


@dataclass(frozen=True)
class PrognosisResult:
    """A year judged against the trend of the previous years and against last year.

    Attributes:
        year: the judged year.
        observed: its count.
        expected: the prognosis (expected count from the trend); ``None`` with too few events.
        pi_low: lower end of the prediction interval (a whole count).
        pi_high: upper end of the prediction interval.
        p_above: ``P(Y ≥ observed)`` under the predictive distribution.
        p_below: ``P(Y ≤ observed)``.
        annual_change_pct: the trend's change per year in percent, ``(exp(b) − 1)·100``.
        years_used: the trend years.
        fit: the fitted trend (``None`` with too few events).
        alpha: 1 − coverage of the interval.
        verdict: see the module docstring.
        versus_last_year: exact test against the previous year (``None`` if it is missing).
        method: ``loglinear_poisson_trend``.
    """

    year: int
    observed: int
    expected: float | None
    pi_low: int | None
    pi_high: int | None
    p_above: float | None
    p_below: float | None
    annual_change_pct: float | None
    years_used: tuple[int, ...]
    fit: TrendFit | None
    alpha: float
    verdict: PrognosisVerdict
    versus_last_year: ChangeResult | None
    method: str = "loglinear_poisson_trend"


def fit_loglinear_trend(
    years: np.ndarray | list[int],
    counts: np.ndarray | list[int],
    *,
    exposures: np.ndarray | list[float] | None = None,
    centre: int | None = None,
    dispersion: Dispersion = "quasi",
) -> TrendFit:
    """Fit ``log E[y] = a + b·(year − centre) + log(exposure)`` by Poisson maximum likelihood.

    Args:
        years: calendar years (at least 3 distinct).
        counts: counts per year (whole numbers ≥ 0).
        exposures: exposure per year (> 0), e.g. population; ``None`` means 1.
        centre: the year the intercept refers to; default the last year + 1.
        dispersion: ``quasi`` (φ = max(1, φ̂)) or ``poisson`` (φ = 1) for the covariance.

    Returns:
        A ``TrendFit``.

    Raises:
        AnalysisError: ``invalid_count``, ``invalid_exposure``, ``too_few_years``,
            ``trend_not_estimable`` (e.g. all events in the first or the last year, where the
            maximum-likelihood slope is infinite).
    """
    t = np.asarray(years, dtype=float)
    y = np.asarray(counts, dtype=float)
    if t.shape != y.shape or len(np.unique(t)) < 3:
        raise AnalysisError(
            "A trend needs counts for at least three different years.",
            detail=f"{len(np.unique(t))} distinct year(s).",
            code="too_few_years",
            source="years",
        )
    if np.any(~np.isfinite(y) | (y < 0) | (y != np.floor(y))):
        raise AnalysisError("Counts must be whole numbers ≥ 0.", code="invalid_count", source="counts")
    e = np.ones_like(y) if exposures is None else np.asarray(exposures, dtype=float)
    if e.shape != y.shape or np.any(~np.isfinite(e) | (e <= 0)):
        raise AnalysisError("Exposures must be positive numbers, one per year.", code="invalid_exposure", source="exposures")
    if y.sum() == 0:
        raise AnalysisError(
            "No events in the trend years: there is no trend to estimate.",
            code="trend_not_estimable",
            source="counts",
        )
    centre_year = int(t.max()) + 1 if centre is None else int(centre)
    design = np.column_stack([np.ones_like(t), t - centre_year])
    offset = np.log(e)
    beta = np.array([math.log(y.sum() / e.sum()), 0.0])
    converged = False
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for iteration in range(1, _MAX_ITERATIONS + 1):
            eta = design @ beta + offset
            mu = np.exp(eta)
            working = eta - offset + (y - mu) / mu
            information = design.T @ (mu[:, None] * design)
            try:
                new_beta = np.linalg.solve(information, design.T @ (mu * working))
            except np.linalg.LinAlgError:
                break
            if not np.all(np.isfinite(new_beta)):
                break
            step = np.max(np.abs(new_beta - beta))
            beta = new_beta
            if step < _TOLERANCE * (1 + np.max(np.abs(beta))):
                converged = True
                break
    if not converged:
        raise AnalysisError(
            "The trend cannot be estimated from these counts.",
            detail="The maximum-likelihood fit did not converge; typically all events fall in the first or last year.",
            hint="Judge the year against last year only.",
            code="trend_not_estimable",
            source="counts",
        )
    mu = np.exp(design @ beta + offset)
    information = design.T @ (mu[:, None] * design)
    pearson = float(np.sum((y - mu) ** 2 / mu))
    phi_hat = pearson / (len(y) - 2)
    phi = max(1.0, phi_hat) if dispersion == "quasi" else 1.0
    covariance = phi * np.linalg.inv(information)
    return TrendFit(
        intercept=float(beta[0]),
        slope=float(beta[1]),
        centre=centre_year,
        covariance=((float(covariance[0, 0]), float(covariance[0, 1])), (float(covariance[1, 0]), float(covariance[1, 1]))),
        dispersion=phi_hat,
        dispersion_used=phi,
        n_years=len(y),
        iterations=iteration,
    )


def predictive_cdf(y: np.ndarray | int, *, log_mean: float, se: float, dispersion: float = 1.0) -> np.ndarray:
    """``P(Y ≤ y)`` for a Poisson (φ = 1) or negative-binomial (variance φμ) count whose log mean
    is normal with mean ``log_mean`` and standard deviation ``se`` (Gauss–Hermite, 60 nodes).

    Args:
        y: whole counts.
        log_mean: centre of the log mean.
        se: standard error of the log mean (≥ 0).
        dispersion: φ ≥ 1.

    Returns:
        The predictive CDF at each ``y``.
    """
    values = np.atleast_1d(np.asarray(y, dtype=float))
    means = np.exp(log_mean + se * _NODES)
    if dispersion <= 1.0:
        per_node = stats.poisson.cdf(values[:, None], means[None, :])
    else:
        per_node = stats.nbinom.cdf(values[:, None], means[None, :] / (dispersion - 1.0), 1.0 / dispersion)
    return per_node @ _WEIGHTS


def judge_against_prognosis(
    frame: pl.DataFrame,
    *,
    year: int,
    year_col: str = "year",
    count_col: str = "count",
    exposure_col: str | None = None,
    window: int = 10,
    min_years: int = 5,
    alpha: float = 0.05,
    dispersion: Dispersion = "quasi",
    min_total: int = 10,
) -> PrognosisResult:
    """Judge a year's count against the prognosis from the previous years and against last year.

    Args:
        frame: one row per year for one area and one measure (e.g. killed or seriously
            injured), with the judged year and the years before it.
        year: the year to judge.
        year_col: column of calendar years.
        count_col: column of counts.
        exposure_col: optional column of exposure (e.g. population); the prognosis is then
            for the judged year's exposure.
        window: how many previous years make the trend (10, as Vejdirektoratet).
        min_years: fewest trend years accepted (years may be missing inside the window).
        alpha: 1 − coverage of the prediction interval; also the level of the test
            against last year.
        dispersion: ``quasi`` or ``poisson`` (see the module docstring).
        min_total: fewer events than this in the trend years gives ``too_few_to_judge``.

    Returns:
        A ``PrognosisResult``.

    Raises:
        AnalysisError: ``missing_column``, ``duplicate_year``, ``year_missing``,
            ``insufficient_history`` and those of ``fit_loglinear_trend``.
    """
    for column in (year_col, count_col, *([exposure_col] if exposure_col else [])):
        if column not in frame.columns:
            raise AnalysisError(
                "A column is missing.",
                detail=f"Missing {column!r}; the frame has {frame.columns}.",
                code="missing_column",
                source=column,
            )
    if frame[year_col].n_unique() != frame.height:
        raise AnalysisError(
            "Each year may appear only once.",
            detail="Aggregate to one row per year (and area, measure) first.",
            code="duplicate_year",
            source=year_col,
        )
    rows = {int(r[year_col]): r for r in frame.iter_rows(named=True)}
    if year not in rows:
        raise AnalysisError("The judged year has no count.", detail=f"No row for {year}.", code="year_missing", source=year_col)
    observed = _whole(rows[year][count_col], count_col)
    history_years = [t for t in range(year - window, year) if t in rows and rows[t][count_col] is not None]
    if len(history_years) < min_years:
        raise AnalysisError(
            "Too few earlier years for a prognosis.",
            detail=f"{len(history_years)} of the {window} years before {year} have counts; at least {min_years} are needed.",
            code="insufficient_history",
            source=year_col,
        )
    counts = [_whole(rows[t][count_col], count_col) for t in history_years]
    exposures = None if exposure_col is None else [rows[t][exposure_col] for t in history_years]
    exposure_now = 1.0 if exposure_col is None else rows[year][exposure_col]
    versus = None
    if year - 1 in rows and rows[year - 1][count_col] is not None:
        versus = compare_counts(
            observed,
            _whole(rows[year - 1][count_col], count_col),
            exposure=1.0 if exposure_col is None else exposure_now,
            exposure_before=1.0 if exposure_col is None else rows[year - 1][exposure_col],
            alpha=alpha,
        )
    if sum(counts) < min_total:
        return PrognosisResult(
            year, observed, None, None, None, None, None, None, tuple(history_years), None, alpha, "too_few_to_judge", versus
        )
    fit = fit_loglinear_trend(history_years, counts, exposures=exposures, centre=year, dispersion=dispersion)
    if exposure_now is None or not math.isfinite(float(exposure_now)) or float(exposure_now) <= 0:
        raise AnalysisError("The judged year needs a positive exposure.", code="invalid_exposure", source=exposure_col or "")
    log_mean = fit.intercept + math.log(float(exposure_now))
    se = math.sqrt(fit.covariance[0][0])
    low, high = _quantiles(log_mean, se, fit.dispersion_used, alpha)
    p_below = float(predictive_cdf(observed, log_mean=log_mean, se=se, dispersion=fit.dispersion_used)[0])
    p_above = 1.0 - (
        float(predictive_cdf(observed - 1, log_mean=log_mean, se=se, dispersion=fit.dispersion_used)[0]) if observed > 0 else 0.0
    )
    if observed > high:
        verdict: PrognosisVerdict = "markedly_above"
    elif observed < low:
        verdict = "markedly_below"
    else:
        verdict = "as_expected"
    return PrognosisResult(
        year=year,
        observed=observed,
        expected=math.exp(log_mean),
        pi_low=low,
        pi_high=high,
        p_above=p_above,
        p_below=p_below,
        annual_change_pct=(math.exp(fit.slope) - 1.0) * 100.0,
        years_used=tuple(history_years),
        fit=fit,
        alpha=alpha,
        verdict=verdict,
        versus_last_year=versus,
    )


def _quantiles(log_mean: float, se: float, dispersion: float, alpha: float) -> tuple[int, int]:
    """Smallest whole counts with predictive CDF ≥ alpha/2 and ≥ 1 − alpha/2 (bisection)."""

    def quantile(level: float) -> int:
        low, high = -1, max(1, math.ceil(math.exp(log_mean + 4 * se)))
        while predictive_cdf(high, log_mean=log_mean, se=se, dispersion=dispersion)[0] < level:
            high *= 2
        # Invariant: CDF(low) < level <= CDF(high).
        while high - low > 1:
            middle = (low + high) // 2
            if predictive_cdf(middle, log_mean=log_mean, se=se, dispersion=dispersion)[0] >= level:
                high = middle
            else:
                low = middle
        return high

    return quantile(alpha / 2), quantile(1 - alpha / 2)


def _whole(value: object, name: str) -> int:
    as_float = float(value) if value is not None else math.nan
    if not math.isfinite(as_float) or as_float < 0 or as_float != int(as_float):
        raise AnalysisError("Counts must be whole numbers ≥ 0.", detail=f"{name}={value!r}", code="invalid_count", source=name)
    return int(as_float)
