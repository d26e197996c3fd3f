"""National-scale benchmark of the product's own pipeline and dashboard.

    python -m bench.run [--incidents 10000000] [--years 10] [--repeat 5] [--skip-browser]

Generates the seeded national data (``bench/generate.py``), ingests it with
``pipelines.ingest.ingest_paths`` and builds with ``build_warehouse`` into a temporary folder,
then measures medians over ``--repeat`` runs and prints each figure beside a plain-DuckDB
baseline for the same work and the ratio:

* ingest rows/s (baseline: DuckDB ``read_csv`` of the same files into a table);
* warehouse build (baseline: ``read_parquet`` of the landed rows into one table);
* the overview query (``area_summary``) (baseline: the same sums over a hand-made table);
* each page in ``dashboard.PAGES``: a rerun after a filter change, and a session's first render
  (AppTest through ``dashboard.py``);
* p95 rerun with 8 concurrent sessions (8 threads, each its own AppTest);
* peak memory (VmHWM) of a real ``streamlit run`` process while Chromium loads every page.
"""
from __future__ import annotations

import argparse
import logging
import os
import statistics
import tempfile
import threading
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

import duckdb

from bench.generate import write_crime
from pipelines.build import build_warehouse
from pipelines.ingest import ingest_paths
from pipelines.settings import load_settings
from pipelines.warehouse import open_warehouse, run_query

TARGETS = {"ingest": 1_000_000, "rerun_ms": 250, "first_ms": 1000, "p95_ms": 500, "memory_mb": 1024, "ratio": 1.5}


def _median(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _line(label: str, value: str, baseline: str = "", ratio: str = "", target: str = "") -> None:
    print(f"{label:44} {value:>14} {baseline:>14} {ratio:>7}  {target}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=10_000_000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--skip-browser", action="store_true", help="Skip the memory measurement in Chromium.")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="bench-national-"))
    made = write_crime(work / "input", incidents=args.incidents, years=args.years)
    print(f"generated {made.rows:,} weekly crime rows ({made.incidents:,} incidents) in {len(made.files)} files, {work}")
    _line("figure", "product", "plain DuckDB", "ratio", "target")

    # Ingest: a fresh landing store per run, so every run really ingests.
    def ingest_once() -> None:
        settings = replace(load_settings(), data_dir=Path(tempfile.mkdtemp(dir=work)))
        results = ingest_paths(list(made.files), settings=settings)
        assert all(r.outcome == "accepted" for r in results), [r.message for r in results if r.outcome != "accepted"]

    def baseline_ingest() -> None:
        con = duckdb.connect()
        con.execute("create table t as select * from read_csv($f, header = true)", {"f": [str(f) for f in made.files]})
        con.close()

    ingest_s = _median(ingest_once, max(1, args.repeat // 2))
    base_s = _median(baseline_ingest, args.repeat)
    _line("ingest rows/s", f"{made.rows / ingest_s:,.0f}", f"{made.rows / base_s:,.0f}", f"{ingest_s / base_s:.2f}", f">= {TARGETS['ingest']:,}")

    settings = replace(load_settings(), data_dir=work / "data")
    ingest_paths(list(made.files), settings=settings)
    build_s = _median(lambda: build_warehouse(settings), max(1, args.repeat // 2))
    parquet = sorted(str(p) for p in (settings.landing_dir / "parsed").rglob("raw_crime_counts.parquet"))
    base_build = _median(lambda: duckdb.connect().execute("create table t as select * from read_parquet($f)", {"f": parquet}), args.repeat)
    _line("warehouse build s", f"{build_s:.2f}", f"{base_build:.2f}", f"{build_s / base_build:.2f}")

    con = open_warehouse(settings.warehouse_path)
    params = {"area_code": "DK-PK02", "period_start": date(2025, 1, 1), "period_end": date(2025, 12, 31)}
    con.execute(
        "create temp table hand as select c.* from crime_counts c join area_tree t on t.descendant_code = c.area_code where t.ancestor_code = 'DK-PK02'"
    )
    page_q = _median(lambda: run_query(con, "area_summary", **params), args.repeat * 4)
    hand_q = _median(
        lambda: con.sql("select count(*), sum(count) from hand where period_start >= date '2025-01-01' and period_end <= date '2025-12-31'").pl(),
        args.repeat * 4,
    )
    _line("overview query ms (area_summary)", f"{page_q * 1000:.1f}", f"{hand_q * 1000:.1f}", f"{page_q / hand_q:.2f}", f"ratio <= {TARGETS['ratio']}")
    con.close()

    os.environ["CSDASH_DATA_DIR"] = str(settings.data_dir)
    logging.getLogger("streamlit").setLevel(logging.ERROR)  # AppTest's bare-mode warnings
    os.chdir(Path(__file__).resolve().parents[1])
    from dashboard import PAGES
    from tests.apptest import open_page

    areas = ("DK-PK02", "DK-K0751", "DK-PK01")
    for script, _, _ in PAGES:
        first = _median(lambda: open_page(script, query={"lang": "da"}), max(1, args.repeat // 2))
        at = open_page(script, query={"lang": "da"})
        if at.exception:  # a page that fails at national scale is a finding, not a reason to stop
            _line(f"{Path(script).stem}: PAGE RAISED AN EXCEPTION", "see log", "", "", "")
            continue
        state = {"i": 0}

        def change_filter() -> None:
            state["i"] += 1
            at.selectbox(key="frame__area").set_value(areas[state["i"] % len(areas)]).run()

        rerun = _median(change_filter, args.repeat)
        _line(f"{Path(script).stem}: rerun after filter ms", f"{rerun * 1000:.0f}", "", "", f"<= {TARGETS['rerun_ms']}")
        _line(f"{Path(script).stem}: first render ms", f"{first * 1000:.0f}", "", "", f"<= {TARGETS['first_ms']}")

    # 8 concurrent sessions, each rerunning the first page after a filter change.
    samples: list[float] = []
    lock = threading.Lock()

    def session(n: int) -> None:
        at = open_page(PAGES[0][0], query={"lang": "da"})
        for i in range(args.repeat * 2):
            start = time.perf_counter()
            at.selectbox(key="frame__area").set_value(areas[(n + i) % len(areas)]).run()
            with lock:
                samples.append(time.perf_counter() - start)

    threads = [threading.Thread(target=session, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    samples.sort()
    p95 = samples[int(0.95 * (len(samples) - 1))]
    _line("8 concurrent sessions: p95 rerun ms", f"{p95 * 1000:.0f}", "", "", f"<= {TARGETS['p95_ms']}")

    if not args.skip_browser:
        from playwright.sync_api import sync_playwright

        from tests.browser.harness import dashboard_server, launch_chromium, page_url_path, rss_peak_kib, wait_for_app

        with dashboard_server(settings.data_dir, log_dir=work / "logs") as server, sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            page = browser.new_page()
            for script, _, _ in PAGES:
                for lang in ("da", "en", "uk"):
                    path = "" if script == PAGES[0][0] else page_url_path(script)
                    page.goto(f"{server.url}/{path}?lang={lang}")
                    wait_for_app(page)
            peak = rss_peak_kib(server.pid) / 1024
            browser.close()
        _line("dashboard process peak memory MB (VmHWM)", f"{peak:.0f}", "", "", f"<= {TARGETS['memory_mb']}")


if __name__ == "__main__":
    main()
