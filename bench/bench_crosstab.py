"""Benchmark of one weighted cross-tab with Rao–Scott over 1 million respondents, through the
query + analysis path the page and the command line use.

Run from the repository root::

    python -m bench.bench_crosstab [--runs 11] [--respondents 1000000]

A DuckDB file is filled with the public survey tables (``survey_respondents``,
``survey_answers``, ``survey_items``, ``survey_waves``, ``survey_indicators``; the marts'
columns) and the survey's wide table (``pipelines.survey_wide``, as the build makes it) for one seeded
synthetic survey (``numpy.random.default_rng(20240606)``): 2 waves, 12 areas, a log-normal
weight, a 4-point trust answer whose distribution varies by area, and gender. Timed cases,
median wall time (and CPU time) over ``--runs`` runs after a warm-up:

- ``query``: the named query ``crosstab_sums`` (the wide table's respondents summed per
  cell, stratum and PSU in DuckDB) to polars;
- ``query + display order``: ``pipelines.export_cli.cell_sums`` (that query plus the codes'
  display order as Enums);
- ``analysis``: ``analysis.crosstab.crosstab_from_sums`` on those sums through
  ``export_cli.compute`` (cells, SEs, logit CIs, deff, Rao–Scott first/second order and F,
  adjusted Wald, column letters);
- ``query + analysis``: ``cell_sums`` + ``compute``, the path of the page and the command line
  (the target: under 150 ms, issue 6);
- ``respondent rows``: ``analysis.crosstab.weighted_crosstab`` on the same million respondents
  as a polars frame (the same statistics; sums taken by polars; for comparison, the frame's
  read not counted);
- ``baseline``: plain DuckDB weighted cell totals and counts (``sum(weight)``, ``count(*)``
  by area and answer) from the same wide table — point estimates only, no variance, interval,
  deff or test, so a floor, not an equivalent. The ratio printed is query + analysis over it.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis.crosstab import weighted_crosstab  # noqa: E402
from pipelines.export_cli import CrosstabSpec, cell_sums, compute  # noqa: E402
from pipelines.survey_wide import build_survey_wide_tables  # noqa: E402
from pipelines.warehouse import connect_read_only, run_query  # noqa: E402

SEED = 20240606
AREAS = 12
SURVEY = "bench"


def _warehouse(path: Path, n: int) -> None:
    rng = np.random.default_rng(SEED)
    wave = np.where(rng.random(n) < 0.5, "w1", "w2")
    area = rng.integers(0, AREAS, n)
    shift = area / (AREAS * 2)
    trust = np.clip(np.floor(rng.random(n) * 4 + shift).astype(int) + 1, 1, 4).astype(float)
    gender = rng.integers(1, 3, n).astype(float)
    respondents = pl.DataFrame(
        {
            "survey_id": SURVEY,
            "wave": wave,
            "respondent_id": np.arange(n).astype(str),
            "area_code": np.char.add("A", area.astype(str)),
            "weight": rng.lognormal(0, 0.4, n),
            "stratum": pl.Series([None] * n, dtype=pl.String),
            "psu": pl.Series([None] * n, dtype=pl.String),
        }
    )
    answers = pl.concat(
        [
            respondents.select("survey_id", "wave", "respondent_id").with_columns(
                pl.lit(item).alias("item"), pl.Series("value", values), pl.lit(None, dtype=pl.String).alias("missing_code")
            )
            for item, values in (("trust_police", trust), ("gender", gender))
        ]
    ).sort("survey_id", "item", "wave", "respondent_id")
    items = pl.DataFrame(
        {
            "survey_id": [SURVEY, SURVEY],
            "item": ["trust_police", "gender"],
            "label": ["Trust in the police", "Gender"],
            "value_labels": ['{"1": "No", "2": "Rather no", "3": "Rather yes", "4": "Yes"}', '{"1": "Male", "2": "Female"}'],
            "missing_codes": ["[]", "[]"],
            "role": ["item", "breakdown"],
            "scale": ["4-point", "categorical"],
            "wording_da": [None, None],
            "wording_en": ["How much do you trust the police?", None],
            "wording_uk": [None, None],
        }
    )
    waves = pl.DataFrame(
        {"survey_id": [SURVEY] * 2, "survey_name": ["Bench"] * 2, "wave": ["w1", "w2"], "wave_label": ["W1", "W2"],
         "wave_order": [1, 2], "mode": ["web"] * 2, "sample_type": ["probability"] * 2,
         "fieldwork_start": [date(2024, 3, 1), date(2024, 9, 1)], "fieldwork_end": [date(2024, 3, 31), date(2024, 9, 30)],
         "n_respondents": [int((wave == "w1").sum()), int((wave == "w2").sum())]}
    )
    indicators = pl.DataFrame({"source": [SURVEY], "source_kind": ["microdata"], "item": ["trust_police"]})
    con = duckdb.connect(str(path))
    for name, frame in (("survey_respondents", respondents), ("survey_answers", answers),
                        ("survey_items", items), ("survey_waves", waves), ("survey_indicators", indicators)):
        con.register("frame", frame)
        con.execute(f"create table {name} as select * from frame")  # bench-only setup, fixed names
        con.unregister("frame")
    # The wide table the named query reads, built by the warehouse's own build step.
    build_survey_wide_tables(con)
    con.close()


BASELINE = f"""
select area_code, code__trust_police, sum(weight) as weighted_n, count(*) as n
from mart_survey_wide__{SURVEY}
group by all
"""
RESPONDENTS = f"""
select weight, area_code, code__trust_police as trust_police from mart_survey_wide__{SURVEY}
"""


def _time(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    fn()  # warm-up
    wall, cpu = [], []
    for _ in range(runs):
        w0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - w0)
        cpu.append(time.process_time() - c0)
    return statistics.median(wall) * 1000, statistics.median(cpu) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--respondents", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.duckdb"
        _warehouse(path, args.respondents)
        con = connect_read_only(path)
        spec = CrosstabSpec(survey_id=SURVEY, row="trust_police", col="area")
        # The survey's design facts, as run_crosstab reads them (once per request, not timed).
        survey = run_query(con, "crosstab_surveys").row(0, named=True)
        design = dict(strata=survey["has_strata"], psu=survey["has_psu"])
        sums, codes = cell_sums(con, spec, **design)
        respondents = con.sql(RESPONDENTS).pl()
        params = dict(survey_id=SURVEY, row="trust_police", col="area", layer="", filter_dims=[], filter_codes=[], **design)

        def query_and_analysis() -> object:
            frame, layer_codes = cell_sums(con, spec, **design)
            return compute(frame, spec, layer_codes)

        cases = {
            "query (crosstab_sums → polars)": lambda: run_query(con, "crosstab_sums", **params),
            "query + display order (cell_sums)": lambda: cell_sums(con, spec, **design),
            "analysis (crosstab_from_sums + Rao–Scott)": lambda: compute(sums, spec, codes),
            "query + analysis (target < 150 ms)": query_and_analysis,
            "respondent rows (weighted_crosstab)": lambda: weighted_crosstab(
                respondents, row="trust_police", col="area_code", weight="weight"
            ),
            "baseline: plain DuckDB weighted counts": lambda: con.sql(BASELINE).pl(),
        }
        result = compute(sums, spec, codes)
        test = result.tests[0]
        rows = weighted_crosstab(respondents, row="trust_police", col="area_code", weight="weight")
        keys = [pl.col("row").cast(pl.String), pl.col("col").cast(pl.String)]
        both = result.cells.with_columns(keys).join(rows.cells.with_columns(keys), on=["row", "col"])
        assert both.height == result.cells.height == rows.cells.height
        difference = (both["percent"] - both["percent_right"]).abs().max()
        load = os.getloadavg()
        print(f"{args.respondents:,} respondents as {sums.height} sum rows, {result.cells.height} cells, "
              f"Rao–Scott F = {test.f_statistic:.3f}; {os.cpu_count()} CPUs, "
              f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} at start")
        print(f"sums path vs respondent rows: largest difference of a cell percent {difference:.1e} points")
        medians = {}
        for name, fn in cases.items():
            wall, cpu = _time(fn, args.runs)
            medians[name] = wall
            print(f"{name:45} median {wall:8.1f} ms wall  {cpu:8.1f} ms CPU")
        ratio = medians["query + analysis (target < 150 ms)"] / medians["baseline: plain DuckDB weighted counts"]
        print(f"query + analysis / baseline: {ratio:.2f}x; load average {os.getloadavg()[0]:.2f} at end")
        con.close()


if __name__ == "__main__":
    main()
