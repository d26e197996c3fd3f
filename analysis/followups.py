"""Follow-up figures: totals, channel mix, reach rate, share of the national total, rate per
1,000 inhabitants, trend and ranking.

Method: counting and ratios of published counts, no model.

* **Total** of an area for a set of periods: the sum of its follow-ups (the warehouse has
  already taken an area's own figure when the source gives one, else the sum of the areas
  below it; ``mart_followups_area_period``).
* **Channel mix**: counts per channel (``phone``, ``in_person``, ``not_reached``, ``unknown``).
* **Reach rate** = reached ÷ attempted = (phone + in person) ÷ (phone + in person + not
  reached), over follow-ups whose channel is known (Rigspolitiet's "960 of 1,178 reached").
  Its interval is the Wilson score interval (Wilson 1927, *JASA* 22:209–212) from
  ``analysis.rates``.
* **Share of the national total** = area total ÷ national total over the *same* periods; not
  given when the national figure lacks one of them.
* **Per 1,000 inhabitants** = total ÷ population on 1 January of the last period's year × 1,000
  (the latest earlier year when that one is not yet published; the year is reported).
* **Periods**: stated periods within the chosen span are used, of one period type only (the
  finest present), so a half-year figure and the quarters inside it are never added together.
  Figures whose period the source does not state are summarised on their own, by their label.

Results carry codes (``findings``); the UI words them.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from analysis.rates import poisson_rate, proportion, rank_by_rate

CHANNELS: tuple[str, ...] = ("phone", "in_person", "not_reached", "unknown")
# Finest first: the period type used when a span holds figures of several types.
_PERIOD_ORDER: tuple[str, ...] = ("week", "month", "quarter", "half_year", "year")


@dataclass(frozen=True)
class PeriodChoice:
    """Which figures a summary is made of.

    Attributes:
        period_keys: ``period_key`` values of the figures used (``quarter:2025-01-01``, or
            ``unstated:<label>`` for a period the source does not state).
        period_type: the type of the stated periods, ``None`` for an unstated period.
        first_start: first day of the first period (``None`` when unstated).
        last_end: last day of the last period (``None`` when unstated).
        unstated_label: the source's text for an unstated period, else ``None``.
    """

    period_keys: tuple[str, ...]
    period_type: str | None
    first_start: date | None
    last_end: date | None
    unstated_label: str | None = None


@dataclass(frozen=True)
class FollowupSummary:
    """Follow-ups of one area over a ``PeriodChoice``.

    Attributes:
        total: all follow-ups.
        by_channel: ``(channel, count)`` in ``CHANNELS`` order, zeros included.
        reached: phone + in person.
        attempted: phone + in person + not reached (channel known).
        reach_rate: reached ÷ attempted (0–1), ``None`` when nothing has a known channel.
        reach_ci_low: lower Wilson limit, ``None`` with ``reach_rate``.
        reach_ci_high: upper Wilson limit.
        national_total: the country's total over the same periods, ``None`` when incomplete.
        share_of_national: total ÷ national_total (0–1), or ``None``.
        population: inhabitants used for the rate, ``None`` when not known.
        population_year: the year of that population figure.
        per_1000: total per 1,000 inhabitants, or ``None``.
        per_1000_ci_low: exact Poisson (Garwood) lower limit of the rate, or ``None``.
        per_1000_ci_high: upper limit, or ``None``.
        n_periods: how many periods were added up.
        has_derived: a figure used was computed by its source (e.g. a remainder).
        findings: codes: ``channel_unknown``, ``channel_partly_unknown``, ``derived_figures``,
            ``national_incomplete``, ``no_population``, ``population_earlier_year``.
    """

    total: int
    by_channel: tuple[tuple[str, int], ...]
    reached: int
    attempted: int
    reach_rate: float | None
    reach_ci_low: float | None
    reach_ci_high: float | None
    national_total: int | None
    share_of_national: float | None
    population: int | None
    population_year: int | None
    per_1000: float | None
    per_1000_ci_low: float | None
    per_1000_ci_high: float | None
    n_periods: int
    has_derived: bool
    findings: tuple[str, ...]


def choose_periods(rows: pl.DataFrame, *, start: date, end: date) -> PeriodChoice | None:
    """The stated periods of the selected area that lie wholly within ``start``–``end``.

    Args:
        rows: ``followups_scope`` rows (columns ``is_selected``, ``period_type``,
            ``period_start``, ``period_end``, ``period_key``).
        start: first day of the span (inclusive).
        end: last day of the span (inclusive).

    Returns:
        The periods of the finest type present, or ``None`` when there are none.
    """
    own = rows.filter(
        pl.col("is_selected") & pl.col("period_type").is_not_null() & (pl.col("period_start") >= start) & (pl.col("period_end") <= end)
    )
    if own.height == 0:
        return None
    present = set(own["period_type"].to_list())
    kind = next(t for t in _PERIOD_ORDER if t in present)
    chosen = own.filter(pl.col("period_type") == kind).unique("period_key").sort("period_start")
    return PeriodChoice(tuple(chosen["period_key"].to_list()), kind, chosen["period_start"].min(), chosen["period_end"].max())


def unstated_periods(rows: pl.DataFrame) -> tuple[PeriodChoice, ...]:
    """One choice per unstated period label the selected area has figures for (sorted by label)."""
    own = rows.filter(pl.col("is_selected") & pl.col("period_type").is_null())
    out = []
    for key, label in own.select("period_key", "period_label").unique().sort("period_label").iter_rows():
        out.append(PeriodChoice((key,), None, None, None, unstated_label=label))
    return tuple(out)


def _area_total(rows: pl.DataFrame, keys: tuple[str, ...]) -> tuple[int, bool]:
    """Total over ``keys`` and whether every key is present."""
    used = rows.filter(pl.col("period_key").is_in(list(keys)))
    complete = set(used["period_key"].to_list()) == set(keys)
    return int(used["count"].sum()), complete


def summarise_followups(rows: pl.DataFrame, choice: PeriodChoice, *, alpha: float = 0.05) -> FollowupSummary:
    """Summarise the selected area's follow-ups over the chosen periods.

    Args:
        rows: ``followups_scope`` rows for one selected area (flags ``is_selected``,
            ``is_national``; ``count``, ``channel``, ``population``, ``population_year``,
            ``is_derived``).
        choice: the periods to add up (``choose_periods`` / ``unstated_periods``).
        alpha: 1 − confidence level of the reach-rate interval.

    Returns:
        A ``FollowupSummary``; see its attributes for NULL handling.
    """
    keys = choice.period_keys
    own = rows.filter(pl.col("is_selected") & pl.col("period_key").is_in(list(keys)))
    total = int(own["count"].sum())
    counts = {c: int(own.filter(pl.col("channel") == c)["count"].sum()) for c in CHANNELS}
    reached = counts["phone"] + counts["in_person"]
    attempted = reached + counts["not_reached"]
    findings: list[str] = []
    reach = low = high = None
    if attempted:
        estimate = proportion(reached, attempted, alpha=alpha)
        reach, low, high = estimate.proportion, estimate.ci_low, estimate.ci_high
    if counts["unknown"] and attempted:
        findings.append("channel_partly_unknown")
    elif counts["unknown"]:
        findings.append("channel_unknown")
    has_derived = bool(own["is_derived"].any()) if own.height else False
    if has_derived:
        findings.append("derived_figures")
    national_rows = rows.filter(pl.col("is_national"))
    national_total, complete = _area_total(national_rows, keys)
    share = None
    if complete and national_total > 0:
        share = total / national_total
    else:
        national_total = None
        findings.append("national_incomplete")
    population = population_year = per_1000 = per_low = per_high = None
    last = own.filter(pl.col("population").is_not_null()).sort("period_start")
    if choice.period_type is not None and last.height:
        row = last.row(-1, named=True)
        population, population_year = int(row["population"]), int(row["population_year"])
        if population > 0:
            rate = poisson_rate(total, population, per=1000.0, alpha=alpha)
            per_1000, per_low, per_high = rate.rate, rate.ci_low, rate.ci_high
        if choice.last_end is not None and population_year < choice.last_end.year:
            findings.append("population_earlier_year")
    else:
        findings.append("no_population")
    return FollowupSummary(
        total=total,
        by_channel=tuple((c, counts[c]) for c in CHANNELS),
        reached=reached,
        attempted=attempted,
        reach_rate=reach,
        reach_ci_low=low,
        reach_ci_high=high,
        national_total=national_total,
        share_of_national=share,
        population=population,
        population_year=population_year,
        per_1000=per_1000,
        per_1000_ci_low=per_low,
        per_1000_ci_high=per_high,
        n_periods=len(keys),
        has_derived=has_derived,
        findings=tuple(findings),
    )


def followup_trend(rows: pl.DataFrame) -> pl.DataFrame:
    """The selected area's follow-ups per stated period and channel, of the finest period type.

    Args:
        rows: ``followups_scope`` rows.

    Returns:
        Columns ``period_start``, ``period_end``, ``period_type``, ``channel``, ``count``
        (one row per period and channel, sorted by period); empty when nothing is stated.
    """
    own = rows.filter(pl.col("is_selected") & pl.col("period_type").is_not_null())
    schema = {"period_start": pl.Date, "period_end": pl.Date, "period_type": pl.Utf8, "channel": pl.Utf8, "count": pl.Int64}
    if own.height == 0:
        return pl.DataFrame(schema=schema)
    present = set(own["period_type"].to_list())
    kind = next(t for t in _PERIOD_ORDER if t in present)
    return (
        own.filter(pl.col("period_type") == kind)
        .group_by("period_start", "period_end", "period_type", "channel")
        .agg(pl.col("count").sum().cast(pl.Int64))
        .sort("period_start", "channel")
        .select(list(schema))
    )


def rank_followups(rows: pl.DataFrame, choice: PeriodChoice, *, alpha: float = 0.05) -> pl.DataFrame:
    """Peers (police districts, or areas of the selected area's level) over the same periods.

    Args:
        rows: ``followups_scope`` rows (flag ``is_peer``).
        choice: the periods; a peer missing one of them is left out (its total would not be
            comparable).
        alpha: 1 − coverage of the rate intervals.

    Returns:
        Columns ``area_code``, ``area_name``, ``name_en``, ``name_uk``, ``is_selected``,
        ``total``, ``population``, ``share_of_national`` (NULL without a complete national
        figure), ``per_1000`` with its exact Poisson interval ``per_1000_ci_low`` /
        ``per_1000_ci_high``, and ``rank``, ``rank_best``, ``rank_worst``, ``overlaps_next``
        from ``analysis.rates.rank_by_rate`` (1 = most follow-ups per 1,000 inhabitants).
        Peers without a population come last, unranked. Without any population the rank is by
        total and the interval columns are NULL.
    """
    keys = list(choice.period_keys)
    national, complete = _area_total(rows.filter(pl.col("is_national")), choice.period_keys)
    peers = rows.filter(pl.col("is_peer") & pl.col("period_key").is_in(keys))
    if peers.height == 0:
        return pl.DataFrame()
    last_start = peers["period_start"].max()
    population = (
        pl.col("population").filter(pl.col("period_start") == last_start).max()
        if last_start is not None
        else pl.lit(None, dtype=pl.Int64)
    )
    per_area = (
        peers.group_by("area_code", "area_name", "name_en", "name_uk", "is_selected")
        .agg(
            pl.col("count").sum().cast(pl.Int64).alias("total"),
            pl.col("period_key").n_unique().alias("_n_periods"),
            population.cast(pl.Int64).alias("population"),
        )
        .filter(pl.col("_n_periods") == len(keys))
        .drop("_n_periods")
        .with_columns(
            (pl.col("total") / national if complete and national > 0 else pl.lit(None, dtype=pl.Float64)).alias("share_of_national")
        )
    )
    if per_area["population"].drop_nulls().len():
        ranked = rank_by_rate(per_area, area="area_code", count="total", population="population", per=1000.0, alpha=alpha)
        return ranked.rename({"rate": "per_1000", "rate_ci_low": "per_1000_ci_low", "rate_ci_high": "per_1000_ci_high"})
    return (
        per_area.with_columns(
            pl.lit(None, dtype=pl.Float64).alias("per_1000"),
            pl.lit(None, dtype=pl.Float64).alias("per_1000_ci_low"),
            pl.lit(None, dtype=pl.Float64).alias("per_1000_ci_high"),
            pl.col("total").rank(method="min", descending=True).cast(pl.Int64).alias("rank"),
        )
        .sort("rank", "area_code")
    )
