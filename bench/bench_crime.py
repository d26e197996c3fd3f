"""Benchmark of the crime page: 10 million synthetic incidents as counts, through the real pipeline.

    python -m bench.bench_crime [--months 120] [--repeat 7]

Writes a seeded StatBank BULK-style semicolon file (98 municipalities × 16 offences × 120
months, Poisson counts scaled so the incidents total about 10 million), ingests and builds it
with the product's pipeline into a temporary folder, then times (median of ``--repeat`` runs):

* each named query the crime page runs, against a hand-written DuckDB query over the public
  ``crime_counts`` table giving the same numbers (the ratio target is ≤ 1.5);
* a rerun of the page under AppTest (target < 300 ms).

Prints the medians; it is not a timed test.
"""
from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np

from pipelines.build import build_warehouse
from pipelines.ingest import ingest_paths
from pipelines.settings import load_settings
from pipelines.warehouse import open_warehouse, run_query

OFFENCES = (
    "Indbrud i beboelser", "Indbrud i forretning mv.", "Indbrud i ubeboede bygninger", "Tyveri fra bil",
    "Tyveri/brugstyveri af bil", "Butikstyveri", "Tyveri/brugstyveri af cykel", "Lomme- og tasketyveri",
    "Andre tyverier", "Røveri", "Hærværk", "Bedrageri", "Vold mod person", "Narkotikabesiddelse",
    "Seksualforbrydelser i alt", "Voldsforbrydelser i alt",
)
TARGET_INCIDENTS = 10_000_000


def write_counts(path: Path, months: int, seed: int = 20240601) -> int:
    """Write the synthetic BULK file; returns the number of incidents it holds."""
    import csv

    reference = Path(__file__).resolve().parents[1] / "data" / "reference" / "areas.csv"
    with reference.open(encoding="utf-8") as handle:
        municipalities = [r["area_name"] for r in csv.DictReader(handle) if r["level"] == "municipality" and r["area_code"] not in ("DK-KUNK", "DK-K0411")]
    rng = np.random.default_rng(seed)
    sizes = rng.lognormal(0.0, 0.8, len(municipalities))
    weights = rng.uniform(0.2, 2.0, len(OFFENCES))
    cells = len(municipalities) * len(OFFENCES) * months
    mean = np.outer(sizes, weights)
    mean = mean / mean.sum() * TARGET_INCIDENTS / months
    total = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write("OMRÅDE;OVERTRÆD;TID;INDHOLD\n")
        first = 2025 * 12 - months  # months ending December 2024
        for m in range(months):
            year, month = divmod(first + m, 12)
            label = f"{year}M{month + 1:02d}"
            counts = rng.poisson(mean)
            total += int(counts.sum())
            lines = [f"{area};{offence};{label};{counts[i, j]}" for i, area in enumerate(municipalities) for j, offence in enumerate(OFFENCES) if counts[i, j]]
            handle.write("\n".join(lines) + "\n")
    print(f"wrote {cells:,} cells, {total:,} incidents")
    return total


def _median_ms(fn, repeat: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


HAND_WRITTEN = {
    # The trend of Østjyllands Politi's burglaries: municipalities summed per month.
    "crime_series": (
        "select c.period_start, sum(c.count) from crime_counts c join areas a on a.area_code = c.area_code "
        "where a.parent_code = 'DK-PK02' and c.offence_code = 'burglary_home' and c.period_type = 'month' "
        "group by c.period_start order by c.period_start",
        {"area_code": "DK-PK02", "offence_group": "burglary", "period_type": "month"},
    ),
    # The district's municipalities, 12 months and the 12 months before.
    "crime_areas_compare": (
        "select c.area_code, sum(c.count) filter (where c.period_start >= date '2024-01-01'), "
        "sum(c.count) filter (where c.period_start < date '2024-01-01') from crime_counts c join areas a on a.area_code = c.area_code "
        "where a.parent_code = 'DK-PK02' and c.offence_code = 'burglary_home' and c.period_type = 'month' "
        "and c.period_start >= date '2023-01-01' group by c.area_code",
        {"scope_code": "DK-PK02", "offence_group": "burglary", "period_type": "month", "period_start": date(2024, 1, 1),
         "period_end": date(2024, 12, 31), "before_start": date(2023, 1, 1), "before_end": date(2023, 12, 31)},
    ),
    # The district's municipalities to rank and map, with names and boundary keys.
    "crime_compare_areas": (
        "select area_code, area_name, name_en, name_uk, level, map_key, country, area_code = 'DK-PK02' "
        "from areas where parent_code = 'DK-PK02' and level = 'municipality' order by area_code",
        {"scope_code": "DK-PK02", "area_code": "DK-PK02"},
    ),
    # Every offence group of the district, this year and last.
    "crime_groups_compare": (
        "select c.offence_group, sum(c.count) filter (where c.period_start >= date '2024-01-01'), "
        "sum(c.count) filter (where c.period_start < date '2024-01-01') from crime_counts c join areas a on a.area_code = c.area_code "
        "where a.parent_code = 'DK-PK02' and c.period_type = 'month' and c.period_start >= date '2023-01-01' group by c.offence_group",
        {"area_code": "DK-PK02", "period_type": "month", "period_start": date(2024, 1, 1), "period_end": date(2024, 12, 31),
         "before_start": date(2023, 1, 1), "before_end": date(2023, 12, 31)},
    ),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--months", type=int, default=120)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-crime-"))
    settings = replace(load_settings(), data_dir=work / "data")
    source = work / "straf_bench_bulk.csv"
    write_counts(source, args.months)
    start = time.perf_counter()
    [result] = ingest_paths([source], settings=settings, kind_name="crime_statbank")
    print(f"ingest: {result.outcome}, {result.rows:,} rows, {time.perf_counter() - start:.1f} s")
    start = time.perf_counter()
    build = build_warehouse(settings)
    print(f"build: {time.perf_counter() - start:.1f} s, crime_counts {build.tables['crime_counts']:,} rows")
    con = open_warehouse(settings.warehouse_path)
    print(f"{'query':24} {'page ms':>9} {'hand ms':>9} {'ratio':>6}")
    for name, (sql, params) in HAND_WRITTEN.items():
        page = _median_ms(lambda: run_query(con, name, **params), args.repeat)
        hand = _median_ms(lambda: con.cursor().sql(sql).pl(), args.repeat)  # same output type as the page
        print(f"{name:24} {page:9.2f} {hand:9.2f} {page / hand:6.2f}")
    con.close()
    os.environ["CSDASH_DATA_DIR"] = str(settings.data_dir)
    # A page's own rerun is timed here, not the background prefetch (the sessions' lines have it).
    os.environ["CSDASH_PREFETCH_VIEWS"] = "0"
    from tests.apptest import open_page

    at = open_page("pages/crime.py", query={"lang": "da", "area": "DK-PK02", "period": "last_12_months"})
    assert not at.exception, at.exception
    rerun = _median_ms(lambda: at.run(), args.repeat)
    print(f"page rerun (AppTest, cached): {rerun:.0f} ms")


if __name__ == "__main__":
    main()
