"""Benchmark: a trend of weighted top-box proportions with CIs for 12 areas × 8 waves over
1 million synthetic respondents, read THROUGH the survey marts with the page's named query
(``survey_item_respondents``) and estimated with ``analysis.survey.weighted_proportion``.

Run: ``python -m bench.bench_survey_trend``. Prints the median (of 7 runs) of the query, the
estimate and both together; the issue's target is under 200 ms for the estimate.
"""
from __future__ import annotations

import statistics
import time
from pathlib import Path

import duckdb
import numpy as np
import polars as pl

from analysis.survey import weighted_proportion
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
    # The pre-joined mart the named query reads, built by the warehouse's own model.
    mart = (Path(__file__).resolve().parents[1] / "pipelines" / "sql" / "marts" / "mart_survey_item_respondents.sql").read_text(encoding="utf-8")
    con.execute(f"create table mart_survey_item_respondents as {mart}")
    return con


def main() -> None:
    con = _warehouse()
    sql = query_sql("survey_item_respondents")
    params = {"survey_id": "bench", "item": "trust_police", "breakdown": ""}
    query_times, estimate_times = [], []
    for _ in range(RUNS):
        start = time.perf_counter()
        rows = con.cursor().sql(sql, params=params).pl()
        middle = time.perf_counter()
        rows = rows.with_columns(pl.when(pl.col("value").is_null()).then(None).otherwise(pl.col("value").is_in([3.0, 4.0]).cast(pl.Float64)).alias("top_box"))
        table = weighted_proportion(rows, indicator="top_box", weight="weight", by=("wave", "area_code"))
        end = time.perf_counter()
        query_times.append(middle - start)
        estimate_times.append(end - middle)
    assert table.frame.height == WAVES * AREAS
    q, e = statistics.median(query_times) * 1000, statistics.median(estimate_times) * 1000
    print(f"{N:,} respondents, {WAVES} waves x {AREAS} areas, median of {RUNS} runs:")
    print(f"  named query through the marts: {q:8.1f} ms")
    print(f"  weighted proportions + logit CIs: {e:8.1f} ms")
    print(f"  together: {q + e:8.1f} ms")


if __name__ == "__main__":
    main()
