"""Rates per population with exact Poisson intervals, proportions with Wilson and Clopper–Pearson
intervals, and a ranking of areas that shows which ranks the intervals cannot separate.

**Rates.** ``rate = count / population × per`` (``per`` = 1,000 for crime, 100,000 for road
casualties). The interval is the exact Poisson (Garwood 1936, *Biometrika* 28:437–442) interval
for the count, ``[χ²(α/2; 2k)/2, χ²(1−α/2; 2k+2)/2]``, scaled the same way; it equals R
``poisson.test(k, T)$conf.int`` (reviewed by Sahai & Khurshid 1993, *Biometrical J.* 35:857–867). Population is treated
as known (a census count), as in official rate tables.

**Proportions** (charge rate *sigtelsesprocent*, reach rate, share of a total): point estimate
``x/n``; the **Wilson** score interval (Wilson 1927, *JASA* 22:209–212), recommended for display
by Brown, Cai & DasGupta (2001, *Statist. Sci.* 16:101–133), and the **Clopper–Pearson** exact
interval (1934, *Biometrika* 26:404–413) via beta quantiles; both as in Newcombe (1998,
*Statist. Med.* 17:857–872, methods 3 and 5) and ``scipy.stats.binomtest(...).proportion_ci``
(``wilson`` / ``exact``). A proportion whose Wilson interval is wider than ``max_width``
(default 0.20 = 20 percentage points) gets the precision code ``wide_interval``: a 0 % or a
36.7 % charge rate on a handful of cases (0 of 4, 11 of 30) is then shown as uncertain. ``n = 0``
gives ``no_cases``.

**Ranking.** Areas are ordered by rate (highest first by default). Because a rate is an
estimate, each area also gets the range of ranks its interval allows (Goldstein & Spiegelhalter
1996, *J. R. Statist. Soc. A* 159:385–443, on league tables): ``rank_best`` is 1 + the number
of areas whose interval lies wholly above this one, ``rank_worst`` is the number of areas minus
those wholly below. ``overlaps_next`` marks an area whose interval overlaps the next-ranked
area's, i.e. the order of the two is not established.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
import polars as pl
from scipy import stats

from analysis.errors import AnalysisError

RatePrecision = Literal["ok", "few_events", "no_population"]
ProportionPrecision = Literal["ok", "wide_interval", "no_cases"]

MIN_EVENTS = 10
MAX_WIDTH = 0.20


@dataclass(frozen=True)
class RateResult:
    """A count per population with its exact Poisson interval.

    Attributes:
        count: events.
        population: population at risk (persons; for a rate per year the period's population).
        per: multiplier (1,000 or 100,000).
        rate: ``count / population × per`` (R: ``poisson.test(k, T)$estimate × per``).
        ci_low: Garwood lower limit on the same scale (``conf.int[1]``).
        ci_high: Garwood upper limit (``conf.int[2]``).
        alpha: 1 − coverage.
        precision: ``few_events`` when ``count < min_events`` (default 10), else ``ok``.
    """

    count: int
    population: float
    per: float
    rate: float
    ci_low: float
    ci_high: float
    alpha: float
    precision: RatePrecision


@dataclass(frozen=True)
class ProportionResult:
    """A proportion with Wilson and Clopper–Pearson intervals (all as fractions 0..1).

    Attributes:
        successes: x (e.g. charged, reached).
        trials: n (e.g. reported, attempted).
        proportion: ``x/n``; ``None`` when ``n = 0``.
        ci_low: Wilson lower limit (the interval to show).
        ci_high: Wilson upper limit.
        exact_ci_low: Clopper–Pearson lower limit (R ``binom.test(x, n)$conf.int[1]``).
        exact_ci_high: Clopper–Pearson upper limit.
        alpha: 1 − coverage.
        precision: ``ok``, ``wide_interval`` (Wilson width > ``max_width``) or ``no_cases``.
    """

    successes: int
    trials: int
    proportion: float | None
    ci_low: float | None
    ci_high: float | None
    exact_ci_low: float | None
    exact_ci_high: float | None
    alpha: float
    precision: ProportionPrecision


def poisson_rate(
    count: int,
    population: float,
    *,
    per: float = 1000.0,
    alpha: float = 0.05,
    min_events: int = MIN_EVENTS,
) -> RateResult:
    """Rate per ``per`` inhabitants with an exact (Garwood) Poisson interval.

    Args:
        count: events (whole number ≥ 0).
        population: persons at risk (> 0).
        per: 1,000 for crime, 100,000 for road casualties.
        alpha: 1 − coverage.
        min_events: below this many events ``precision`` is ``few_events``.

    Returns:
        A ``RateResult``.

    Raises:
        AnalysisError: ``invalid_count``, ``invalid_population``, ``invalid_alpha``.
    """
    _check_alpha(alpha)
    counts = _counts(np.array([count], dtype=float), "count")
    population_value = float(population) if population is not None else math.nan
    if not math.isfinite(population_value) or population_value <= 0:
        raise AnalysisError(
            "A rate needs a positive population.",
            detail=f"population={population!r}",
            hint="Areas without a population (e.g. 'Uoplyst kommune') have counts but no rate.",
            code="invalid_population",
            source="population",
        )
    low, high = _garwood(counts, alpha)
    scale = per / population_value
    k = int(counts[0])
    return RateResult(
        count=k,
        population=population_value,
        per=float(per),
        rate=k * scale,
        ci_low=float(low[0]) * scale,
        ci_high=float(high[0]) * scale,
        alpha=alpha,
        precision="few_events" if k < min_events else "ok",
    )


def add_rate_columns(
    frame: pl.DataFrame,
    *,
    count: str,
    population: str,
    per: float = 1000.0,
    alpha: float = 0.05,
    min_events: int = MIN_EVENTS,
) -> pl.DataFrame:
    """Add ``rate``, ``rate_ci_low``, ``rate_ci_high`` and ``rate_precision`` to a frame.

    Args:
        frame: one row per area × period (not modified).
        count: column of event counts (no nulls).
        population: column of populations; null or 0 gives null rates with precision
            ``no_population`` (an area such as "Uoplyst kommune" keeps its count).
        per: 1,000 or 100,000.
        alpha: 1 − coverage.
        min_events: below this many events the precision is ``few_events``.

    Returns:
        A new frame with the four columns appended.

    Raises:
        AnalysisError: ``missing_column``, ``invalid_count``, ``invalid_alpha``.
    """
    _check_alpha(alpha)
    _require(frame, (count, population))
    counts = _counts(frame[count].cast(pl.Float64).to_numpy(), count)
    pops = frame[population].cast(pl.Float64).fill_null(float("nan")).to_numpy()
    has_pop = np.isfinite(pops) & (pops > 0)
    low, high = _garwood(counts, alpha)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(has_pop, per / np.where(has_pop, pops, 1.0), np.nan)
    precision = np.where(~has_pop, "no_population", np.where(counts < min_events, "few_events", "ok"))
    return frame.with_columns(
        pl.Series("rate", counts * scale, dtype=pl.Float64).fill_nan(None),
        pl.Series("rate_ci_low", low * scale, dtype=pl.Float64).fill_nan(None),
        pl.Series("rate_ci_high", high * scale, dtype=pl.Float64).fill_nan(None),
        pl.Series("rate_precision", precision, dtype=pl.String),
    )


def proportion(
    successes: int,
    trials: int,
    *,
    alpha: float = 0.05,
    max_width: float = MAX_WIDTH,
) -> ProportionResult:
    """A proportion with Wilson and Clopper–Pearson intervals and a precision code.

    Args:
        successes: x, whole number with ``0 ≤ x ≤ n``.
        trials: n, whole number ≥ 0.
        alpha: 1 − coverage.
        max_width: a Wilson interval wider than this (as a fraction) is ``wide_interval``.

    Returns:
        A ``ProportionResult`` (fractions; multiply by 100 for percent).

    Raises:
        AnalysisError: ``invalid_count``, ``successes_exceed_trials``, ``invalid_alpha``.
    """
    frame = add_proportion_columns(
        pl.DataFrame({"x": [successes], "n": [trials]}, schema={"x": pl.Float64, "n": pl.Float64}),
        successes="x",
        trials="n",
        alpha=alpha,
        max_width=max_width,
    )
    row = frame.row(0, named=True)
    return ProportionResult(
        successes=int(row["x"]),
        trials=int(row["n"]),
        proportion=row["proportion"],
        ci_low=row["ci_low"],
        ci_high=row["ci_high"],
        exact_ci_low=row["exact_ci_low"],
        exact_ci_high=row["exact_ci_high"],
        alpha=alpha,
        precision=row["precision"],
    )


def add_proportion_columns(
    frame: pl.DataFrame,
    *,
    successes: str,
    trials: str,
    alpha: float = 0.05,
    max_width: float = MAX_WIDTH,
) -> pl.DataFrame:
    """Add ``proportion``, Wilson ``ci_low``/``ci_high``, Clopper–Pearson ``exact_ci_low``/
    ``exact_ci_high`` and ``precision`` (all fractions) to a frame.

    Args:
        frame: one row per area (not modified).
        successes: column of x (no nulls).
        trials: column of n (no nulls); rows with n = 0 get null estimates and ``no_cases``.
        alpha: 1 − coverage.
        max_width: Wilson width above which the precision is ``wide_interval``.

    Returns:
        A new frame with the six columns appended.

    Raises:
        AnalysisError: ``missing_column``, ``invalid_count``, ``successes_exceed_trials``,
            ``invalid_alpha``.
    """
    _check_alpha(alpha)
    _require(frame, (successes, trials))
    x = _counts(frame[successes].cast(pl.Float64).to_numpy(), successes)
    n = _counts(frame[trials].cast(pl.Float64).to_numpy(), trials)
    if np.any(x > n):
        raise AnalysisError(
            "More successes than trials.",
            detail=f"{successes} exceeds {trials} in {int(np.sum(x > n))} row(s).",
            code="successes_exceed_trials",
            source=successes,
        )
    has_cases = n > 0
    safe_n = np.where(has_cases, n, 1.0)
    p = x / safe_n
    z = float(stats.norm.ppf(1 - alpha / 2))
    denominator = 1 + z**2 / safe_n
    centre = (p + z**2 / (2 * safe_n)) / denominator
    half = z / denominator * np.sqrt(p * (1 - p) / safe_n + z**2 / (4 * safe_n**2))
    # Clamp the Wilson limits to [0, 1]: at x = 0 or x = n they are 0 or 1 up to rounding.
    wilson_low = np.where(x == 0, 0.0, np.clip(centre - half, 0.0, 1.0))
    wilson_high = np.where(x == n, 1.0, np.clip(centre + half, 0.0, 1.0))
    with np.errstate(invalid="ignore"):
        exact_low = np.where(x == 0, 0.0, stats.beta.ppf(alpha / 2, x, n - x + 1))
        exact_high = np.where(x == n, 1.0, stats.beta.ppf(1 - alpha / 2, x + 1, n - x))
    precision = np.where(~has_cases, "no_cases", np.where(wilson_high - wilson_low > max_width, "wide_interval", "ok"))

    def masked(values: np.ndarray, name: str) -> pl.Series:
        return pl.Series(name, np.where(has_cases, values, np.nan), dtype=pl.Float64).fill_nan(None)

    return frame.with_columns(
        masked(p, "proportion"),
        masked(wilson_low, "ci_low"),
        masked(wilson_high, "ci_high"),
        masked(exact_low, "exact_ci_low"),
        masked(exact_high, "exact_ci_high"),
        pl.Series("precision", precision, dtype=pl.String),
    )


def rank_by_rate(
    frame: pl.DataFrame,
    *,
    area: str,
    count: str,
    population: str,
    per: float = 1000.0,
    alpha: float = 0.05,
    descending: bool = True,
) -> pl.DataFrame:
    """Order areas by rate and show which ranks their intervals cannot separate.

    Args:
        frame: one row per area (not modified).
        area: column naming the area (unique).
        count: column of event counts.
        population: column of populations; areas without one are kept, unranked, at the end.
        per: 1,000 or 100,000.
        alpha: 1 − coverage of the rate intervals.
        descending: rank 1 is the highest rate (default) or the lowest.

    Returns:
        The frame with the rate columns of ``add_rate_columns`` plus ``rank`` (1 = first,
        ties share the smaller rank), ``rank_best``, ``rank_worst`` (the range of ranks the
        intervals allow) and ``overlaps_next`` (interval overlaps the next-ranked area's;
        null for the last), sorted by rank.

    Raises:
        AnalysisError: ``missing_column``, ``duplicate_area`` and those of ``add_rate_columns``.
    """
    _require(frame, (area,))
    if frame[area].n_unique() != frame.height:
        raise AnalysisError(
            "Each area may appear only once in a ranking.",
            detail=f"Column {area} has repeated values.",
            code="duplicate_area",
            source=area,
        )
    with_rates = add_rate_columns(frame, count=count, population=population, per=per, alpha=alpha)
    ranked = with_rates.filter(pl.col("rate").is_not_null()).sort(
        ["rate", area], descending=[descending, False]
    )
    unranked = with_rates.filter(pl.col("rate").is_null())
    rate = ranked["rate"].to_numpy()
    low = ranked["rate_ci_low"].to_numpy()
    high = ranked["rate_ci_high"].to_numpy()
    n = ranked.height
    if descending:
        ahead = low[None, :] > high[:, None]  # [i, j]: j is clearly above i
        behind = high[None, :] < low[:, None]
        first_rank = 1 + (rate[None, :] > rate[:, None]).sum(axis=1)
    else:
        ahead = high[None, :] < low[:, None]
        behind = low[None, :] > high[:, None]
        first_rank = 1 + (rate[None, :] < rate[:, None]).sum(axis=1)
    overlaps = [bool(low[i] <= high[i + 1] and low[i + 1] <= high[i]) for i in range(n - 1)]
    ranked = ranked.with_columns(
        pl.Series("rank", first_rank, dtype=pl.Int64),
        pl.Series("rank_best", 1 + ahead.sum(axis=1), dtype=pl.Int64),
        pl.Series("rank_worst", n - behind.sum(axis=1), dtype=pl.Int64),
        pl.Series("overlaps_next", [*overlaps, None] if n else [], dtype=pl.Boolean),
    )
    return pl.concat([ranked, unranked], how="diagonal")


def _garwood(counts: np.ndarray, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    with np.errstate(invalid="ignore"):
        low = np.where(counts == 0, 0.0, stats.chi2.ppf(alpha / 2, 2 * counts) / 2)
    high = stats.chi2.ppf(1 - alpha / 2, 2 * counts + 2) / 2
    return low, high


def _counts(values: np.ndarray, name: str) -> np.ndarray:
    bad = ~np.isfinite(values) | (values < 0) | (values != np.floor(values))
    if np.any(bad):
        raise AnalysisError(
            "Counts must be whole numbers ≥ 0.",
            detail=f"{int(np.sum(bad))} bad value(s) in {name}.",
            code="invalid_count",
            source=name,
        )
    return values.astype(float)


def _require(frame: pl.DataFrame, columns: tuple[str, ...]) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise AnalysisError(
            "A column is missing.",
            detail=f"Missing {missing}; the frame has {frame.columns}.",
            code="missing_column",
            source=missing[0],
        )


def _check_alpha(alpha: float) -> None:
    if not 0.0 < alpha < 1.0:
        raise AnalysisError("alpha must lie between 0 and 1.", detail=f"alpha={alpha!r}", code="invalid_alpha", source="alpha")
