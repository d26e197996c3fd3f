"""Charge rates (*sigtelsesprocent*): charged ÷ reported per area, with intervals.

Method: for each area the reported offences and charges of the chosen offence are added over
the chosen periods (stated periods wholly inside the span, of the finest period type present,
so a year and its quarters are never added together). The charge rate is ``charged /
reported`` with the Wilson and Clopper–Pearson intervals and the precision code of
``analysis.rates.add_proportion_columns`` (Wilson 1927; Clopper & Pearson 1934), so a 0 % or a
36.7 % on a handful of cases is marked ``wide_interval``. StatBank counts charges made in a
period, which may concern offences reported earlier or name several persons, so charges can
exceed reports; such a rate is a ratio, not a proportion, and gets no interval and the
precision code ``not_a_proportion``.
"""
from __future__ import annotations

from datetime import date

import polars as pl

from analysis.rates import MAX_WIDTH, add_proportion_columns

_PERIOD_ORDER: tuple[str, ...] = ("week", "month", "quarter", "half_year", "year")


def charge_rates(
    rows: pl.DataFrame,
    *,
    offence_code: str,
    start: date,
    end: date,
    alpha: float = 0.05,
    max_width: float = MAX_WIDTH,
) -> pl.DataFrame:
    """Charge rate per area for one offence over the periods inside ``start``–``end``.

    Args:
        rows: ``outcomes_by_area`` rows (``area_code``, ``depth``, ``offence_code``,
            ``period_type``, ``period_start``, ``period_end``, ``reported``, ``charged`` and
            the area's names).
        offence_code: the offence to rate.
        start: first day of the span (inclusive).
        end: last day of the span (inclusive).
        alpha: 1 − coverage of the intervals.
        max_width: Wilson width above which the precision is ``wide_interval``.

    Returns:
        One row per area: ``area_code``, ``area_name``, ``name_en``, ``name_uk``, ``depth``,
        ``period_type``, ``n_periods``, ``first_start``, ``last_end``, ``reported``,
        ``charged``, ``proportion`` (fraction), ``ci_low``, ``ci_high``, ``exact_ci_low``,
        ``exact_ci_high`` and ``precision`` (``ok``, ``wide_interval``, ``no_cases``,
        ``not_a_proportion``); sorted by depth then by the rate, highest first. Empty when the
        offence has no figures in the span. When the area itself has no figures, a depth-0 row
        with a NULL ``area_code`` holds the sum of the shallowest level below it.
    """
    inside = rows.filter(
        (pl.col("offence_code") == offence_code) & (pl.col("period_start") >= start) & (pl.col("period_end") <= end)
    )
    if inside.height == 0:
        return pl.DataFrame()
    present = set(inside["period_type"].to_list())
    kind = next(t for t in _PERIOD_ORDER if t in present)
    totals = (
        inside.filter(pl.col("period_type") == kind)
        .group_by("area_code", "area_name", "name_en", "name_uk", "depth")
        .agg(
            pl.lit(kind).alias("period_type"),
            pl.col("period_start").n_unique().alias("n_periods"),
            pl.col("period_start").min().alias("first_start"),
            pl.col("period_end").max().alias("last_end"),
            pl.col("reported").sum().cast(pl.Int64),
            pl.col("charged").sum().cast(pl.Int64),
        )
    )
    if totals.filter(pl.col("depth") == 0).height == 0:
        # The area has no figures of its own: add up the shallowest level below it that has
        # figures (its municipalities), which never mixes two levels of the same area.
        shallowest = totals["depth"].min()
        summed = (
            totals.filter(pl.col("depth") == shallowest)
            .group_by("period_type")
            .agg(
                pl.lit(None, dtype=pl.Utf8).alias("area_code"),
                *(pl.lit(None, dtype=pl.Utf8).alias(c) for c in ("area_name", "name_en", "name_uk")),
                pl.lit(0, dtype=totals["depth"].dtype).alias("depth"),
                pl.col("n_periods").max(),
                pl.col("first_start").min(),
                pl.col("last_end").max(),
                pl.col("reported").sum(),
                pl.col("charged").sum(),
            )
            .select(totals.columns)
        )
        totals = pl.concat([summed, totals], how="vertical")
    proper = totals.filter(pl.col("charged") <= pl.col("reported"))
    ratio = totals.filter(pl.col("charged") > pl.col("reported"))
    rated = add_proportion_columns(proper, successes="charged", trials="reported", alpha=alpha, max_width=max_width)
    ratio = ratio.with_columns(
        (pl.col("charged") / pl.col("reported")).alias("proportion"),
        *(pl.lit(None, dtype=pl.Float64).alias(c) for c in ("ci_low", "ci_high", "exact_ci_low", "exact_ci_high")),
        pl.lit("not_a_proportion").alias("precision"),
    )
    return pl.concat([rated, ratio], how="vertical").sort(
        ["depth", "proportion", "area_code"], descending=[False, True, False], nulls_last=True
    )
