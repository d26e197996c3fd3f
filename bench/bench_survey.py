"""Benchmark of analysis.survey and analysis.crosstab on 1 million synthetic respondents.

Run from the repository root::

    python -m bench.bench_survey [--runs 11] [--respondents 1000000]

The respondents are seeded (``numpy.random.default_rng(20240605)``): 8 waves × 12 areas, a
log-normal weight, a 0/1 trust indicator whose rate varies by area and wave, a 5-point answer,
and, for the design variant, strata = area and 40 PSUs per area and wave. Printed for each
case: the median wall time (and CPU time) over ``--runs`` runs after one warm-up run, and the same weighted
proportions / weighted counts computed by plain DuckDB SQL on the same in-memory frame as a
baseline. The baseline gives point estimates and weighted sums only, no design-based variance,
interval, design effect or test, so it is a floor, not an equivalent.

The cross-tab cases run ``weighted_crosstab`` on the respondent rows, and (last case)
``crosstab_from_sums`` on the sums per cell and PSU that DuckDB took from the same frame (the
form the warehouse's ``crosstab_sums`` query gives the Cross-tabs page, whose own benchmark is
``bench/bench_crosstab.py``), here with strata and 3,840 PSUs; its baseline column times that
DuckDB query.

Targets (issues 5 and 6): trend of weighted proportions with CIs for 12 areas × 8 waves under
200 ms median; one weighted cross-tab with Rao–Scott under 150 ms median.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis.crosstab import crosstab_from_sums, weighted_crosstab  # noqa: E402
from analysis.survey import weighted_proportion  # noqa: E402

SEED = 20240605
WAVES = 8
AREAS = 12
PSU_PER_AREA_WAVE = 40


def synthetic_respondents(n: int, seed: int = SEED) -> pl.DataFrame:
    """Seeded respondents: wave, area, weight, trust_hi (0/1), trust_answer (1-5), strata, psu."""
    rng = np.random.default_rng(seed)
    wave = rng.integers(1, WAVES + 1, n)
    area = rng.integers(1, AREAS + 1, n)
    weight = rng.lognormal(mean=0.0, sigma=0.5, size=n)
    rate = 0.45 + 0.02 * (area - 6) / 6 + 0.01 * (wave - 4)
    trust_hi = (rng.random(n) < rate).astype(np.int8)
    answer = np.where(trust_hi == 1, rng.integers(4, 6, n), rng.integers(1, 4, n))
    psu = rng.integers(0, PSU_PER_AREA_WAVE, n) + PSU_PER_AREA_WAVE * (wave - 1)
    return pl.DataFrame(
        {
            "wave": wave.astype(np.int32),
            "area": pl.Series([f"area_{a:02d}" for a in range(1, AREAS + 1)])
            .gather(area - 1)
            .cast(pl.Categorical),
            "weight": weight,
            "trust_hi": trust_hi,
            "trust_answer": answer.astype(np.int8),
            "psu": psu.astype(np.int32),
        }
    )


def median_ms(func: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median wall and CPU (all threads of this process) milliseconds of ``runs`` calls after a warm-up."""
    func()
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        func()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--respondents", type=int, default=1_000_000)
    args = parser.parse_args()
    if args.runs < 7:
        parser.error("use at least 7 runs")

    frame = synthetic_respondents(args.respondents)
    con = duckdb.connect()
    con.register("respondents", frame.with_columns(pl.col("area").cast(pl.String)).to_arrow())

    duck_trend_sql = """
        select area, wave,
               sum(weight * trust_hi) / sum(weight) as estimate,
               sum(weight) as weighted_n, count(*) as n,
               sum(weight * weight) as w2, sum(weight * weight * trust_hi) as w2y
        from respondents group by area, wave order by area, wave
    """
    duck_crosstab_sql = """
        with cells as (
            select trust_answer, area, sum(weight) as weighted_n, count(*) as n
            from respondents group by trust_answer, area
        )
        select *, 100 * weighted_n / sum(weighted_n) over (partition by area) as percent
        from cells order by area, trust_answer
    """
    # The sums crosstab_from_sums takes, as the warehouse's crosstab_sums query makes them.
    sums_sql = """
        select trust_answer, area, psu, count(*) as n_rows, count(*) filter (where weight > 0) as n_positive,
               sum(weight) as weight_sum, sum(weight * weight) as weight_sq_sum, min(weight) as weight_min,
               count(*) - count(weight) as n_weight_missing
        from respondents group by all
    """
    sums = con.sql(sums_sql).pl()
    cases = [
        (
            "trend: 12 areas x 8 waves, logit CIs (weights only)",
            lambda: weighted_proportion(frame, indicator="trust_hi", weight="weight", by=("area", "wave")),
            lambda: con.sql(duck_trend_sql).to_arrow_table(),
            200,
        ),
        (
            "trend: 12 areas x 8 waves, logit CIs (strata = area, 40 PSUs per area x wave)",
            lambda: weighted_proportion(
                frame, indicator="trust_hi", weight="weight", by=("area", "wave"), strata="area", psu="psu"
            ),
            lambda: con.sql(duck_trend_sql).to_arrow_table(),
            200,
        ),
        (
            "cross-tab: 5-point answer x 12 areas, Rao-Scott + letters (weights only)",
            lambda: weighted_crosstab(frame, row="trust_answer", col="area", weight="weight"),
            lambda: con.sql(duck_crosstab_sql).to_arrow_table(),
            150,
        ),
        (
            "cross-tab: 5-point answer x 12 areas, Rao-Scott + letters (strata = area, PSUs)",
            lambda: weighted_crosstab(
                frame, row="trust_answer", col="area", weight="weight", strata="area", psu="psu"
            ),
            lambda: con.sql(duck_crosstab_sql).to_arrow_table(),
            150,
        ),
        (
            "cross-tab from sums per cell x PSU (strata = area, PSUs; duckdb = the sums query)",
            lambda: crosstab_from_sums(sums, row="trust_answer", col="area", weight="weight", strata="area", psu="psu"),
            lambda: con.sql(sums_sql).pl(),
            150,
        ),
    ]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"{args.respondents:,} respondents, median of {args.runs} runs (after 1 warm-up); "
        f"{os.cpu_count()} CPUs, load average {load:.1f} at start"
    )
    print("wall = elapsed time (the target); cpu = CPU time of all this process's threads")
    print(f"{'case':<80} {'wall ms':>8} {'cpu ms':>7} {'duckdb wall':>12} {'duckdb cpu':>11} {'ratio':>6}  target")
    for name, ours, baseline, target in cases:
        ours_wall, ours_cpu = median_ms(ours, args.runs)
        base_wall, base_cpu = median_ms(baseline, args.runs)
        verdict = "ok" if ours_wall < target else "over"
        print(
            f"{name:<80} {ours_wall:8.1f} {ours_cpu:7.1f} {base_wall:12.1f} {base_cpu:11.1f} "
            f"{ours_wall / base_wall:6.1f}  {target} ms {verdict}"
        )


if __name__ == "__main__":
    main()
