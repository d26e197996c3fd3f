"""Benchmark of one weighted cross-tab with Rao–Scott over 1 million respondents, through the
query + analysis path the page and the command line use.

Run from the repository root::

    python bench/bench_crosstab.py [--runs 11] [--respondents 1000000]

A DuckDB file is filled with the public survey tables (``survey_respondents``,
``survey_answers``, ``survey_items``, ``survey_waves``, ``survey_indicators``; the marts'
columns) and the survey's wide table (``pipelines.survey_wide``, as the build makes it) for one seeded
synthetic survey (``numpy.random.default_rng(20240606)``): 2 waves, 12 areas, a log-normal
weight, a 4-point trust answer whose distribution varies by area, and gender. Timed cases,
median wall time over ``--runs`` runs after a warm-up:

- ``query``: the named query ``crosstab_frame`` (the needed columns of the wide table) to polars;
- ``analysis``: ``analysis.crosstab.weighted_crosstab`` on that frame (cells, SEs, logit CIs,
  deff, Rao–Scott first/second order and F, adjusted Wald, column letters);
- ``query + analysis``: ``pipelines.export_cli.respondent_frame`` + ``compute`` (the target:
  under 150 ms, issue 6);
- ``baseline``: the weighted cell totals in plain DuckDB SQL on the same tables (point
  estimates only — no variance, interval, deff or test — so a floor, not an equivalent).
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipelines.export_cli import CrosstabSpec, compute, respondent_frame  # noqa: E402
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


BASELINE = """
select r.area_code, a.value as trust, sum(r.weight) as weighted_n, count(*) as n
from survey_respondents r
join survey_answers a using (survey_id, wave, respondent_id)
where r.survey_id = 'bench' and a.item = 'trust_police'
group by all
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
        frame, codes = respondent_frame(con, spec)
        params = dict(survey_id=SURVEY, row="trust_police", col="area", layer="", filter_dims=[], filter_codes=[])
        cases = {
            "query (crosstab_frame → polars)": lambda: run_query(con, "crosstab_frame", **params),
            "query + respondent frame (respondent_frame)": lambda: respondent_frame(con, spec),
            "analysis (weighted_crosstab + Rao–Scott)": lambda: compute(frame, spec, codes),
            "query + analysis (target < 150 ms)": lambda: compute(*((lambda f: (f[0], spec, f[1]))(respondent_frame(con, spec)))),
            "baseline: plain DuckDB weighted counts": lambda: con.sql(BASELINE).pl(),
        }
        result = compute(frame, spec, codes)
        test = result.tests[0]
        load = os.getloadavg()[0]
        print(f"{args.respondents:,} respondents, {result.cells.height} cells, Rao–Scott F = {test.f_statistic:.3f}; "
              f"{os.cpu_count()} CPUs, load average {load:.1f} at start")
        for name, fn in cases.items():
            wall, cpu = _time(fn, args.runs)
            print(f"{name:45} median {wall:8.1f} ms wall  {cpu:8.1f} ms CPU")
        con.close()


if __name__ == "__main__":
    main()
