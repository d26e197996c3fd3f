"""Benchmark: a trend of weighted top-box proportions with CIs for 12 areas × 8 waves over
1 million synthetic respondents, read THROUGH the survey's wide table (built by the warehouse's
own ``pipelines.survey_wide``) with the page's named query (``survey_item_respondents``) and
estimated with ``analysis.survey.weighted_proportion``.

Run: ``python -m bench.bench_survey_trend``. Prints the median (of 7 runs) of the query, the
estimate and both together, wall and CPU time, and the load average; the issue's target is
under 200 ms for query + estimate.
"""
from __future__ import annotations

import os
import statistics
import time

import duckdb
import numpy as np
import polars as pl

from analysis.survey import weighted_proportion
from pipelines.survey_wide import build_survey_wide_tables
from pipelines.warehouse import query_sql

N, WAVES, AREAS, RUNS = 1_000_000, 8, 12, 7


def _warehouse() -> duckdb.DuckDBPyConnection:
    rng = np.random.default_rng(20170201)
    respondents = pl.DataFrame({
        "survey_id": ["bench"] * N,
        "wave": rng.integers(1, WAVES + 1, N).astype(str),
        "respondent_id": np.arange(N).astype(str),
        "area_code": np.char.add("A", rng.integers(1, AREAS + 1, N).astype(str)),
        "weight": rng.uniform(0.5, 2.0, N),
        "stratum": [None] * N,
        "psu": [None] * N,
    }, schema_overrides={"stratum": pl.Utf8, "psu": pl.Utf8})
    values = rng.integers(1, 5, N).astype(float)
    values[rng.random(N) < 0.04] = np.nan
    answers = respondents.select("survey_id", "wave", "respondent_id").with_columns(
        pl.lit("trust_police").alias("item"), pl.Series("value", values).fill_nan(None), pl.lit(None, dtype=pl.Utf8).alias("missing_code"))
    con = duckdb.connect()
    con.register("r", respondents)
    con.register("a", answers)
    con.execute("create table survey_respondents as select * from r")
    con.execute("create table survey_answers as select * from a")
    # The marts the wide-table build reads (allow-list and wave order), with their columns.
    con.execute("create table survey_items as select 'bench' as survey_id, 'trust_police' as item")
    con.execute("create table survey_indicators as select 'bench' as source, 'microdata' as source_kind, 'trust_police' as item")
    con.execute("create table survey_waves as select 'bench' as survey_id, cast(range as varchar) as wave, range as wave_order "
                f"from range(1, {WAVES + 1})")
    # The wide table the named query reads, built by the warehouse's own build step.
    build_survey_wide_tables(con)
    return con


def main() -> None:
    con = _warehouse()
    sql = query_sql("survey_item_respondents")
    params = {"survey_id": "bench", "item": "trust_police", "breakdown": ""}

    def query() -> pl.DataFrame:
        return con.cursor().sql(sql, params=params).pl()

    def estimate(rows: pl.DataFrame) -> object:
        rows = rows.with_columns(pl.when(pl.col("value").is_null()).then(None).otherwise(pl.col("value").is_in([3.0, 4.0]).cast(pl.Float64)).alias("top_box"))
        return weighted_proportion(rows, indicator="top_box", weight="weight", by=("wave", "area_code"))

    rows = query()
    assert estimate(rows).frame.height == WAVES * AREAS  # also the warm-up
    cases = {
        "named query through the wide table": query,
        "weighted proportions + logit CIs": lambda: estimate(rows),
        "together (target < 200 ms)": lambda: estimate(query()),
    }
    load = os.getloadavg()[0]
    print(f"{N:,} respondents, {WAVES} waves x {AREAS} areas, median of {RUNS} runs; "
          f"{os.cpu_count()} CPUs, load average {load:.1f} at start")
    for name, fn in cases.items():
        wall, cpu = [], []
        for _ in range(RUNS):
            w0, c0 = time.perf_counter(), time.process_time()
            fn()
            wall.append(time.perf_counter() - w0)
            cpu.append(time.process_time() - c0)
        print(f"  {name:38} {statistics.median(wall) * 1000:8.1f} ms wall {statistics.median(cpu) * 1000:8.1f} ms CPU")


if __name__ == "__main__":
    main()
