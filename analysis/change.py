"""Is a change in a count real? An exact Poisson comparison of two periods and a 3-year baseline band.

**Two periods (``compare_counts``).** Counts ``k1`` (current) and ``k0`` (before) are taken as
independent Poisson variables with means ``λ1·e1`` and ``λ0·e0`` for exposures ``e`` (period
length in days, population-years, …). Conditional on the total ``n = k1 + k0``, ``k1`` is
binomial ``(n, p)`` with ``p = e1 / (e1 + e0)`` when the rates are equal. The two-sided exact
p-value is that binomial test (``scipy.stats.binomtest``: the outcomes no more probable than the
one observed, as R's ``binom.test``), and the rate ratio ``(k1/e1)/(k0/e0)`` gets the matching
exact interval by mapping the Clopper–Pearson interval for ``p`` through
``RR = p/(1-p) · e0/e1``. This is the conditional "C-test" of Przyborowski & Wilenski (1940,
*Biometrika* 31:313–323) and exactly what R's ``poisson.test(c(k1, k0), c(e1, e0))`` computes.
(``scipy.stats.poisson_means_test`` is a *different* test — the unconditional E-test of
Krishnamoorthy & Thomson (2004) — so it is not used.)

Verdict rule (``ChangeVerdict``):

* ``too_few_to_judge`` when ``k1 + k0 < min_total`` (default 10). Both counts below 5 always
  falls here (their total is at most 8). With so few events a percentage change is mostly noise
  ("+200 %" from 1 to 3), and statistical offices treat rates from so few events as unreliable
  (ONS marks rates from fewer than 20 deaths as unreliable; many dashboards use 10). The
  p-value and interval are still returned.
* otherwise ``significant_increase`` / ``significant_decrease`` when ``p < alpha`` (direction
  from the rate ratio), else ``within_normal_variation``.

**Baseline band (``baseline_band``).** The current count is set against the same period in
the previous years (3 by default; ``analysis.periods.same_period_previous_years``); the
baseline is their mean (scaled to the current exposure when exposures are given).
The dispersion ``φ̂ = Σ (c_i − μ_i)² / μ_i / (k − 1)`` (Pearson, quasi-Poisson) decides the
method when ``method="auto"``:

* ``exact_poisson`` (``φ̂ ≤ 1``, no sign of extra-Poisson variation): the band is the set of
  counts that the exact conditional test above, current period against the pooled baseline
  years (exposure ratio ``e : Σ e_i``), would not flag at ``alpha``. The verdict is that
  test's verdict.
* ``quasi_poisson`` (``φ̂ > 1``): a quasi-Poisson prediction band built the way of Farrington,
  Andrews, Beale & Catchpole (1996), *A statistical algorithm for the early detection of
  outbreaks of infectious disease*, J. R. Statist. Soc. A 159:547–563: dispersion floored at 1,
  normal quantile on the 2/3-power scale, where Poisson-like counts are nearly symmetric:
  ``band = (μ^{2/3} ± z · (2/3)·sqrt(φ̂ · μ^{1/3} · (1 + e/Σe_i)))^{3/2}``
  — the prediction error of a new count (variance ``φμ``) around a mean estimated from the
  baseline years (variance ``φμ·e/Σe_i``), by the delta method; ``z`` is the normal quantile
  and the lower end is floored at 0. Count above the band → ``above_baseline_band``.

Verdicts are codes; the UI words them.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy import stats

from analysis.errors import AnalysisError

ChangeVerdict = Literal[
    "significant_increase", "significant_decrease", "within_normal_variation", "too_few_to_judge"
]
BaselineVerdict = Literal[
    "above_baseline_band", "below_baseline_band", "within_baseline_band", "too_few_to_judge"
]
BaselineMethod = Literal["auto", "exact_poisson", "quasi_poisson"]

MIN_TOTAL = 10


@dataclass(frozen=True)
class ChangeResult:
    """Two counts compared with the exact conditional Poisson test.

    Attributes:
        count: events in the current period (R ``poisson.test``: ``x[1]``).
        count_before: events in the comparison period (``x[2]``).
        exposure: exposure of the current period (``T[1]``), e.g. days or population-years.
        exposure_before: exposure of the comparison period (``T[2]``).
        expected_count: count expected under equal rates, ``(k1+k0)·e1/(e1+e0)``
            (R: "expected count1").
        pct_change: change of the rate in percent, ``(RR − 1)·100``; ``None`` when there
            were no events before (no base to compare with).
        rate_ratio: ``(k1/e1)/(k0/e0)``; ``math.inf`` when ``k0 = 0 < k1``; ``None`` when both
            are 0 (R: "rate ratio").
        rate_ratio_ci_low: lower exact limit (R: ``conf.int[1]``); ``None`` when both are 0.
        rate_ratio_ci_high: upper exact limit (``conf.int[2]``, may be ``math.inf``).
        p_value: two-sided exact p-value (R: ``p.value``); 1.0 when both counts are 0.
        alpha: significance level used.
        verdict: see the module docstring.
        method: ``exact_conditional_poisson``.
    """

    count: int
    count_before: int
    exposure: float
    exposure_before: float
    expected_count: float
    pct_change: float | None
    rate_ratio: float | None
    rate_ratio_ci_low: float | None
    rate_ratio_ci_high: float | None
    p_value: float
    alpha: float
    verdict: ChangeVerdict
    method: str = "exact_conditional_poisson"


@dataclass(frozen=True)
class BaselineResult:
    """A count set against the band of the same period in previous years.

    Attributes:
        count: events in the current period.
        baseline_counts: the same period in the previous years, as given (most recent first).
        baseline_mean: the baseline expectation for the current period (mean of the
            baseline years, scaled to the current exposure).
        band_low: lower end of the band (counts at or above it are not "below").
        band_high: upper end of the band (counts at or below it are not "above").
        dispersion: Pearson dispersion ``φ̂`` of the baseline years (``nan`` with one year).
        method: ``exact_poisson`` or ``quasi_poisson`` (the method actually used).
        p_value: exact conditional p-value of the count against the pooled baseline
            (``exact_poisson`` only; ``None`` otherwise).
        alpha: level of the band (``1 − alpha`` coverage).
        verdict: see the module docstring.
    """

    count: int
    baseline_counts: tuple[int, ...]
    baseline_mean: float
    band_low: float
    band_high: float
    dispersion: float
    method: Literal["exact_poisson", "quasi_poisson"]
    p_value: float | None
    alpha: float
    verdict: BaselineVerdict


def compare_counts(
    count: int,
    count_before: int,
    *,
    exposure: float = 1.0,
    exposure_before: float = 1.0,
    alpha: float = 0.05,
    min_total: int = MIN_TOTAL,
) -> ChangeResult:
    """Compare a count with an earlier one by the exact conditional Poisson test.

    Args:
        count: events in the current period (non-negative integer).
        count_before: events in the comparison period (non-negative integer).
        exposure: current exposure (> 0): days in the period, or population × years. Use
            equal exposures (the default) for periods of equal length and population.
        exposure_before: comparison exposure (> 0).
        alpha: significance level, two-sided.
        min_total: below this many events in total the verdict is ``too_few_to_judge``.

    Returns:
        A ``ChangeResult``; its numbers equal R ``poisson.test(c(count, count_before),
        c(exposure, exposure_before))``.

    Raises:
        AnalysisError: ``invalid_count`` / ``invalid_exposure`` / ``invalid_alpha``.
    """
    k1 = _check_count(count, "count")
    k0 = _check_count(count_before, "count_before")
    e1 = _check_exposure(exposure, "exposure")
    e0 = _check_exposure(exposure_before, "exposure_before")
    _check_alpha(alpha)
    total = k1 + k0
    share = e1 / (e1 + e0)
    if total == 0:
        return ChangeResult(k1, k0, e1, e0, 0.0, None, None, None, None, 1.0, alpha, "too_few_to_judge")
    test = stats.binomtest(k1, total, share)
    # The exact (Clopper–Pearson) interval of the share as R's binom.test writes it, with beta
    # quantiles; scipy's proportion_ci(method="exact") finds the same bounds by root search,
    # ~7 ms a call, most of an uncached crime view.
    share_low = 0.0 if k1 == 0 else float(stats.beta.ppf(alpha / 2, k1, total - k1 + 1))
    share_high = 1.0 if k1 == total else float(stats.beta.ppf(1 - alpha / 2, k1 + 1, total - k1))
    odds_to_ratio = e0 / e1
    rate_ratio = math.inf if k0 == 0 else (k1 / e1) / (k0 / e0)
    ci_low = _odds(share_low) * odds_to_ratio
    ci_high = _odds(share_high) * odds_to_ratio
    pct = None if k0 == 0 else (rate_ratio - 1.0) * 100.0
    p_value = float(test.pvalue)
    if total < min_total:
        verdict: ChangeVerdict = "too_few_to_judge"
    elif p_value < alpha:
        verdict = "significant_increase" if rate_ratio > 1 else "significant_decrease"
    else:
        verdict = "within_normal_variation"
    return ChangeResult(
        count=k1,
        count_before=k0,
        exposure=e1,
        exposure_before=e0,
        expected_count=total * share,
        pct_change=pct,
        rate_ratio=rate_ratio,
        rate_ratio_ci_low=ci_low,
        rate_ratio_ci_high=ci_high,
        p_value=p_value,
        alpha=alpha,
        verdict=verdict,
    )


@dataclass(frozen=True)
class ChangeColumns:
    """``compare_counts`` with equal exposures for many pairs of counts at once.

    Attributes:
        pct_change: ``(k1/k0 − 1)·100`` per pair, ``nan`` where ``k0 = 0`` (no base).
        p_value: two-sided exact p-value per pair (1.0 where both counts are 0).
        verdict: the ``ChangeVerdict`` code per pair.
    """

    pct_change: np.ndarray
    p_value: np.ndarray
    verdict: np.ndarray


# Above this many events in a pair the symmetric shortcut below could in principle differ from
# binomtest's tolerance rule (see compare_count_columns); such pairs go through compare_counts.
_SYMMETRIC_MAX_TOTAL = 1_000_000


def compare_count_columns(
    counts: Sequence[int] | np.ndarray,
    counts_before: Sequence[int] | np.ndarray,
    *,
    alpha: float = 0.05,
    min_total: int = MIN_TOTAL,
) -> ChangeColumns:
    """The exact conditional Poisson test of ``compare_counts`` for many pairs with equal exposures.

    With equal exposures the conditional distribution of ``k1`` given ``n = k1 + k0`` is
    binomial ``(n, 1/2)``, which is symmetric, so the outcomes no more probable than the one
    observed are the two tails beyond ``min(k1, k0)`` and its mirror image, and the two-sided
    p-value is ``min(1, 2·P(X ≤ min(k1, k0)))`` (1 when ``k1 = k0``). The probability of the
    next outcome inward differs from the observed one by the factor ``max/(min+1)``, far more
    than R's relative tolerance 1e-7 for totals below a million, so the rule is the same as
    ``binomtest``'s; larger totals are computed pair by pair with ``compare_counts``. One
    vectorised ``binom.cdf`` call replaces a ``binomtest`` and an exact interval per pair
    (pages compare every area and offence group).

    Args:
        counts: events in the current period, one per pair (non-negative integers).
        counts_before: events in the comparison period of equal length, one per pair.
        alpha: significance level, two-sided.
        min_total: below this many events in a pair the verdict is ``too_few_to_judge``.

    Returns:
        A ``ChangeColumns``; entry ``i`` equals ``compare_counts(counts[i], counts_before[i])``
        (pct_change ``None`` shown as ``nan``).

    Raises:
        AnalysisError: ``invalid_count`` / ``invalid_alpha`` / ``length_mismatch``.
    """
    k1 = np.array([_check_count(c, "counts") for c in counts], dtype=np.int64)
    k0 = np.array([_check_count(c, "counts_before") for c in counts_before], dtype=np.int64)
    if k1.shape != k0.shape:
        raise AnalysisError(
            "Each count needs one count before.",
            detail=f"{k1.size} counts but {k0.size} counts before.",
            code="length_mismatch",
            source="counts_before",
        )
    _check_alpha(alpha)
    total = k1 + k0
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = np.where(k0 > 0, (k1 / np.where(k0 > 0, k0, 1) - 1.0) * 100.0, np.nan)
    p_value = np.minimum(1.0, 2.0 * stats.binom.cdf(np.minimum(k1, k0), total, 0.5))
    p_value = np.where(k1 == k0, 1.0, p_value)
    for i in np.flatnonzero(total > _SYMMETRIC_MAX_TOTAL):
        p_value[i] = compare_counts(int(k1[i]), int(k0[i]), alpha=alpha, min_total=min_total).p_value
    verdict = np.where(
        total < min_total,
        "too_few_to_judge",
        np.where(p_value < alpha, np.where(k1 > k0, "significant_increase", "significant_decrease"), "within_normal_variation"),
    ).astype(object)
    return ChangeColumns(pct_change=pct.astype(np.float64), p_value=p_value.astype(np.float64), verdict=verdict)


def baseline_band(
    count: int,
    baseline_counts: Sequence[int],
    *,
    exposure: float = 1.0,
    baseline_exposures: Sequence[float] | None = None,
    alpha: float = 0.05,
    method: BaselineMethod = "auto",
    min_total: int = MIN_TOTAL,
) -> BaselineResult:
    """Set a count against the band of the same period in the previous years.

    Args:
        count: events in the current period.
        baseline_counts: events in the same period of each previous year (3 for the usual
            3-year baseline; at least 1).
        exposure: current exposure (> 0), e.g. population; only the ratio to
            ``baseline_exposures`` matters.
        baseline_exposures: exposure of each baseline year; ``None`` means all equal to
            ``exposure``.
        alpha: 1 − coverage of the band.
        method: ``auto`` (exact when the baseline shows no overdispersion, else
            quasi-Poisson), ``exact_poisson`` or ``quasi_poisson`` (needs ≥ 2 baseline years).
        min_total: below this many events (current plus baseline) the verdict is
            ``too_few_to_judge``; the band is still returned.

    Returns:
        A ``BaselineResult``.

    Raises:
        AnalysisError: ``no_baseline``, ``invalid_count``, ``invalid_exposure``,
            ``exposure_length_mismatch``, ``baseline_needs_two_years``.
    """
    k = _check_count(count, "count")
    history = tuple(_check_count(c, "baseline_counts") for c in baseline_counts)
    if not history:
        raise AnalysisError(
            "A baseline needs at least one earlier period.",
            code="no_baseline",
            source="baseline_counts",
        )
    e = _check_exposure(exposure, "exposure")
    if baseline_exposures is None:
        exposures = (e,) * len(history)
    else:
        exposures = tuple(_check_exposure(x, "baseline_exposures") for x in baseline_exposures)
        if len(exposures) != len(history):
            raise AnalysisError(
                "Each baseline year needs one exposure.",
                detail=f"{len(history)} counts but {len(exposures)} exposures.",
                code="exposure_length_mismatch",
                source="baseline_exposures",
            )
    _check_alpha(alpha)
    pooled_count = sum(history)
    pooled_exposure = sum(exposures)
    rate = pooled_count / pooled_exposure
    mean = rate * e
    dispersion = _pearson_dispersion(history, exposures, rate)
    if method == "auto":
        chosen = "quasi_poisson" if dispersion > 1.0 else "exact_poisson"
    elif method in ("exact_poisson", "quasi_poisson"):
        chosen = method
    else:
        raise AnalysisError(
            "Unknown baseline method.",
            detail=f"{method!r} is not auto, exact_poisson or quasi_poisson.",
            code="unknown_method",
            source="method",
        )
    if chosen == "quasi_poisson" and len(history) < 2:
        raise AnalysisError(
            "A quasi-Poisson band needs at least two baseline years.",
            code="baseline_needs_two_years",
            source="baseline_counts",
        )
    too_few = k + pooled_count < min_total
    if chosen == "exact_poisson":
        test = compare_counts(
            k, pooled_count, exposure=e, exposure_before=pooled_exposure, alpha=alpha, min_total=0
        )
        low, high = _exact_band(pooled_count, e / (e + pooled_exposure), alpha)
        p_value: float | None = test.p_value
        if test.verdict == "significant_increase":
            verdict: BaselineVerdict = "above_baseline_band"
        elif test.verdict == "significant_decrease":
            verdict = "below_baseline_band"
        else:
            verdict = "within_baseline_band"
    else:
        low, high = _farrington_band(mean, max(dispersion, 1.0), e / pooled_exposure, alpha)
        p_value = None
        if k > high:
            verdict = "above_baseline_band"
        elif k < low:
            verdict = "below_baseline_band"
        else:
            verdict = "within_baseline_band"
    return BaselineResult(
        count=k,
        baseline_counts=history,
        baseline_mean=mean,
        band_low=low,
        band_high=high,
        dispersion=dispersion,
        method=chosen,  # type: ignore[arg-type]
        p_value=p_value,
        alpha=alpha,
        verdict="too_few_to_judge" if too_few else verdict,
    )


def _exact_band(pooled: int, share: float, alpha: float) -> tuple[float, float]:
    """Smallest and largest count the conditional test would not flag, given the pooled baseline."""

    def accepted(y: int) -> bool:
        if y < 0:
            return False
        # Nothing observed at all cannot be flagged.
        return y + pooled == 0 or stats.binomtest(y, y + pooled, share).pvalue >= alpha

    centre = pooled * share / (1.0 - share)
    # Start at the normal-approximation edges (prediction variance μ(1 + e/Σe)) and step
    # to the exact edge; the acceptance region is an interval around the centre.
    half_width = float(stats.norm.ppf(1 - alpha / 2)) * math.sqrt(centre / (1.0 - share))
    high = max(math.ceil(centre), math.floor(centre + half_width))
    while accepted(high + 1):
        high += 1
    while not accepted(high) and high > math.ceil(centre):
        high -= 1
    low = min(math.floor(centre), max(math.ceil(centre - half_width), 0))
    while accepted(low - 1):
        low -= 1
    while not accepted(low) and low < math.floor(centre):
        low += 1
    return float(low), float(high)


def _farrington_band(mean: float, dispersion: float, exposure_share: float, alpha: float) -> tuple[float, float]:
    z = float(stats.norm.ppf(1 - alpha / 2))
    centre = mean ** (2.0 / 3.0)
    half_width = z * (2.0 / 3.0) * math.sqrt(dispersion * mean ** (1.0 / 3.0) * (1.0 + exposure_share))
    low = max(centre - half_width, 0.0) ** 1.5
    high = (centre + half_width) ** 1.5
    return low, high


def _pearson_dispersion(counts: tuple[int, ...], exposures: tuple[float, ...], rate: float) -> float:
    if len(counts) < 2:
        return math.nan
    if rate == 0:
        return 0.0
    chi2 = sum((c - rate * x) ** 2 / (rate * x) for c, x in zip(counts, exposures))
    return chi2 / (len(counts) - 1)


def _odds(p: float) -> float:
    return math.inf if p >= 1.0 else p / (1.0 - p)


def _check_count(value: int, name: str) -> int:
    if isinstance(value, bool) or value is None:
        raise AnalysisError("A count must be a whole number ≥ 0.", detail=f"{name}={value!r}", code="invalid_count", source=name)
    as_float = float(value)
    if not math.isfinite(as_float) or as_float < 0 or as_float != int(as_float):
        raise AnalysisError("A count must be a whole number ≥ 0.", detail=f"{name}={value!r}", code="invalid_count", source=name)
    return int(as_float)


def _check_exposure(value: float, name: str) -> float:
    as_float = float(value)
    if not math.isfinite(as_float) or as_float <= 0:
        raise AnalysisError(
            "An exposure must be a positive number.",
            detail=f"{name}={value!r}",
            hint="Use the period length in days or the population; a missing population cannot be 0.",
            code="invalid_exposure",
            source=name,
        )
    return as_float


def _check_alpha(alpha: float) -> None:
    if not 0.0 < alpha < 1.0:
        raise AnalysisError("alpha must lie between 0 and 1.", detail=f"alpha={alpha!r}", code="invalid_alpha", source="alpha")
