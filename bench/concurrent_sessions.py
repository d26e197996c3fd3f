"""Eight people at once against a real server: area changes timed in Chromium, and peak memory.

``python -m bench.run`` calls ``measure``; on its own::

    python -m bench.concurrent_sessions DATA_DIR [--seconds 40] [--page pages/crime.py]

starts ``streamlit run dashboard.py`` on a built warehouse (``tests/browser/harness.py``), opens
8 pages in one headless Chromium (one browser context each: 8 independent sessions) and in
all 8 at once, over and over, picks another area in the sidebar and times, in the browser,
from Enter on the option until the app is idle again: the page title names the new area,
no script run in progress, nothing stale, no spinner, no skeleton, and every plotly chart in
view drawn. The same is done against a bare Streamlit page (one selectbox, one plain DuckDB
query, a metric) served the same way, as the baseline. The server's peak RSS (VmHWM) is read
at the end. AppTest is not used: it is not thread-safe, so sessions in threads fail.

Areas are taken round-robin from a list that starts with the districts, each session at its
own offset, so early changes show areas no session has opened yet (uncached results) and
later ones a mix; the count of first visits is reported beside the percentiles.
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterator

from pipelines.warehouse import current_snapshot, open_warehouse, run_query
from pipelines.settings import load_settings
from tests.browser.harness import (
    APP,
    APP_IDLE,
    CHROMIUM,
    CHROMIUM_ARGS,
    REPO_ROOT,
    _healthy,
    dashboard_server,
    free_port,
    page_url_path,
    rss_peak_kib,
    stop_process,
)

SESSIONS = 8
DEFAULT_AREA = "DK-PK02"  # what ui.frame shows first, and the bare page's first option
TIMEOUT_MS = 90_000
# The clock runs in the page: from Enter on the option (a capturing listener notes its time)
# until a poll finds the app idle and drawn, so Playwright's own round trips are not counted.
# Idle and drawn: what harness.wait_for_idle and RENDERED_JS check, limited to charts in view
# (plotly.js draws a chart only once it is near the viewport). Done once the title changed
# (the run for the new area has drawn) — or, 10 s after Enter, if it did not change (the key
# went to another option: a misfire, retried and not counted). Returns [ms, title] or false.
CLICK_CLOCK_JS = "document.addEventListener('keydown', (e) => { if (e.key === 'Enter') window.__benchClick = performance.now(); }, true);"
DONE_JS = r"""(before) => {
    const app = document.querySelector('[data-testid="stApp"]');
    const title = document.querySelector('[data-testid="stMain"] h1');
    if (!app || !title) return false;
    const waited = performance.now() - window.__benchClick;
    if (title.innerText === before && waited < 10000) return false;
    if (app.getAttribute('data-test-script-state') !== 'notRunning') return false;
    if (app.getAttribute('data-test-connection-state') !== 'CONNECTED') return false;
    if (document.querySelector('[data-stale="true"]')) return false;
    if (document.querySelector('[data-testid="stStatusWidget"] [data-testid="stSpinner"]')) return false;
    if (document.querySelector('[data-testid="stSkeleton"]')) return false;
    const height = window.innerHeight;
    const drawn = Array.from(document.querySelectorAll('[data-testid="stPlotlyChart"]')).every(chart => {
        const box = chart.getBoundingClientRect();
        return box.bottom < 0 || box.top > height || chart.querySelector('.js-plotly-plot .main-svg');
    });
    return drawn && [Math.max(waited, 0.001), title.innerText];
}"""
# The picker's list re-renders while it filters; Enter is pressed once the option the list
# highlights (the input's aria-activedescendant, else the first) is the typed name.
CHOSEN_OPTION_JS = r"""(name) => {
    const box = document.querySelector(".st-key-frame__area input[role='combobox']");
    const active = box && box.getAttribute('aria-activedescendant');
    const option = (active && document.getElementById(active)) || document.querySelector('[role="option"]');
    return !!option && option.innerText.trim() === name;
}"""
NAMED_JS = r"""([name, title]) => new RegExp('(^|[^\\p{L}])' + name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + '($|[^\\p{L}])', 'u').test(title)"""

BARE_SCRIPT = '''"""Baseline: the same sidebar choice, one plain DuckDB query, a title and a metric."""
import os

import duckdb
import streamlit as st

AREAS = {areas!r}
area = st.sidebar.selectbox("area", list(AREAS), index=list(AREAS).index({default!r}), format_func=AREAS.get, key="frame__area")
con = duckdb.connect({snapshot!r}, read_only=True)
total = con.execute(
    "select sum(c.count) from crime_counts c join area_tree t on t.descendant_code = c.area_code "
    "where t.ancestor_code = $area and c.period_start >= date '2025-01-01'",
    {{"area": area}},
).fetchone()[0]
con.close()
st.title(AREAS[area])
st.metric("total", total)
'''


@dataclass(frozen=True)
class LoadResult:
    """Area-change times of all sessions (seconds), first visits among them, picks that went to
    another option (retried, not counted), failed sessions."""

    samples: tuple[float, ...]
    first_visits: int
    misfires: int
    errors: tuple[str, ...]

    def percentile(self, q: float) -> float:
        ordered = sorted(self.samples)
        return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def _areas(data_dir: Path) -> dict[str, str]:
    """Area code → Danish picker label, districts first, then municipalities."""
    con = open_warehouse(current_snapshot(replace(load_settings(), data_dir=data_dir)))
    try:
        rows = run_query(con, "areas_for_picker").to_dicts()
    finally:
        con.close()
    picked = sorted((r for r in rows if r.get("level") in ("police_district", "municipality")),
                    key=lambda r: (r["level"] != "police_district", r["area_code"]))
    return {r["area_code"]: r["area_name"] for r in picked}


@contextlib.contextmanager
def _bare_server(data_dir: Path, areas: dict[str, str], work: Path) -> Iterator[str]:
    script = work / "bare_page.py"
    snapshot = str(current_snapshot(replace(load_settings(), data_dir=data_dir)))
    script.write_text(BARE_SCRIPT.format(areas=areas, snapshot=snapshot, default=DEFAULT_AREA), encoding="utf-8")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
               "--server.address", "127.0.0.1", "--server.headless", "true",
               "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"]
    with (work / f"bare-{port}.log").open("w") as log:
        process = subprocess.Popen(command, cwd=work, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 90
        while not _healthy(url):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the bare Streamlit page did not start")
            time.sleep(0.2)
        yield url
    finally:
        stop_process(process)


def area_schedule(codes: list[str], session: int) -> Iterator[str]:
    """The areas session ``session`` picks, in order: round-robin from its own offset, never the
    area it shows already (choosing that runs nothing)."""
    current, i = DEFAULT_AREA, 0
    while True:
        code = codes[(session * 5 + 1 + i) % len(codes)]
        i += 1
        if code != current:
            current = code
            yield code


async def _choose(page, name: str) -> tuple[float | None, int]:
    """Choose an area by typing its name in the sidebar picker and pressing Enter.

    Returns:
        (seconds from Enter until done, or None if every try picked another option; misfires).
    """
    box = page.locator(".st-key-frame__area input[role='combobox']")
    title = page.locator('[data-testid="stMain"] h1').first
    for misfires in range(3):
        before = await title.inner_text()
        await box.click(timeout=TIMEOUT_MS)
        await box.fill(name, timeout=TIMEOUT_MS)
        await page.wait_for_function(CHOSEN_OPTION_JS, arg=name, timeout=TIMEOUT_MS, polling=20)
        await box.press("Enter", timeout=TIMEOUT_MS)
        done = await page.wait_for_function(DONE_JS, arg=before, timeout=TIMEOUT_MS, polling=20)
        ms, shown = await done.json_value()
        if await page.evaluate(NAMED_JS, [name, shown]):
            return float(ms) / 1000, misfires
    return None, 3


async def _load(url: str, areas: dict[str, str], seconds: float) -> LoadResult:
    from playwright.async_api import async_playwright

    codes = list(areas)
    seen: set[str] = set()
    samples: list[float] = []
    errors: list[str] = []
    first_visits = 0
    misfires = [0]

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS, timeout=TIMEOUT_MS)

        async def session(n: int) -> None:
            nonlocal first_visits
            context = await browser.new_context(viewport={"width": 1400, "height": 1000})
            await context.add_init_script(CLICK_CLOCK_JS)
            page = await context.new_page()
            try:
                await page.goto(url, timeout=TIMEOUT_MS)
                await page.wait_for_selector(APP, timeout=TIMEOUT_MS)
                await page.wait_for_selector('[data-testid="stMain"] h1', timeout=TIMEOUT_MS)
                await page.wait_for_selector(APP_IDLE, timeout=TIMEOUT_MS)
                arrived()
                await everyone.wait()  # every session is open before the clock runs
                end = time.monotonic() + seconds
                schedule = area_schedule(codes, n)
                while time.monotonic() < end:
                    code = next(schedule)
                    first = code not in seen
                    seen.add(code)
                    seconds_taken, missed = await _choose(page, areas[code])
                    misfires[0] += missed
                    if seconds_taken is None:
                        continue
                    samples.append(seconds_taken)
                    first_visits += first
            except Exception as exc:  # a failed session is reported, the others go on
                errors.append(f"{type(exc).__name__}: {str(exc).splitlines()[0][:120] if str(exc) else ''}")
                arrived()
            finally:
                await context.close()

        everyone = asyncio.Event()
        opened = [0]

        def arrived() -> None:
            opened[0] += 1
            if opened[0] >= SESSIONS:
                everyone.set()

        await asyncio.gather(*(session(n) for n in range(SESSIONS)))
        await browser.close()
    return LoadResult(tuple(samples), first_visits, misfires[0], tuple(errors))


def measure(data_dir: Path, work: Path, *, seconds: float = 40, script: str = "pages/overview.py") -> dict:
    """Run the dashboard and the bare baseline under 8 concurrent browser sessions.

    Args:
        data_dir: a data folder with a built warehouse (``CSDASH_DATA_DIR``).
        work: a scratch folder for logs and the bare script.
        seconds: how long the sessions keep changing areas, per server.
        script: the dashboard page the sessions open (``pages/overview.py`` is the root).

    Returns:
        ``{"dashboard": LoadResult, "bare": LoadResult, "peak_mb": float}``.
    """
    from dashboard import PAGES

    areas = _areas(data_dir)
    path = "" if script == PAGES[0][0] else page_url_path(script)
    with dashboard_server(data_dir, log_dir=work / "logs") as server:
        dashboard = asyncio.run(_load(f"{server.url}/{path}?lang=da", areas, seconds))
        peak_mb = rss_peak_kib(server.pid) / 1024
    with _bare_server(data_dir, areas, work) as url:
        bare = asyncio.run(_load(url, areas, seconds))
    return {"dashboard": dashboard, "bare": bare, "peak_mb": peak_mb}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--seconds", type=float, default=40)
    parser.add_argument("--page", default="pages/overview.py")
    args = parser.parse_args(argv)
    import tempfile

    os.chdir(REPO_ROOT)
    result = measure(args.data_dir, Path(tempfile.mkdtemp(prefix="bench-concurrent-")), seconds=args.seconds, script=args.page)
    for label in ("dashboard", "bare"):
        r: LoadResult = result[label]
        if r.samples:
            print(f"{label}: n={len(r.samples)} first visits={r.first_visits} misfires={r.misfires} p50={r.percentile(0.5) * 1000:.0f} ms "
                  f"p95={r.percentile(0.95) * 1000:.0f} ms median={statistics.median(r.samples) * 1000:.0f} ms errors={list(r.errors)}")
        else:
            print(f"{label}: no samples, errors={list(r.errors)}")
    print(f"peak RSS {result['peak_mb']:.0f} MB")


if __name__ == "__main__":
    main()
