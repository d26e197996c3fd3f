"""Drive the real dashboard: a ``streamlit run`` server process and Debian's Chromium.

Used by the browser tests (``tests/browser``) and by the benchmark (``bench/run.py``, which
measures the server process's peak memory while a browser loads every page). Everything is
loopback-only and every wait is bounded.

Chromium is the system package (``/usr/bin/chromium``, installed by ``.ci/run``); Playwright
only drives it — ``playwright install`` (which downloads a browser build) is never used.
Playwright's ``launch`` gives every browser a fresh temporary profile (its own
``--user-data-dir``), so no state leaks between runs.
"""
from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

REPO_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("CSDASH_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SERVER_START_TIMEOUT_S = 90
APP_TIMEOUT_MS = 60_000
APP = '[data-testid="stApp"]'
APP_IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"][data-test-connection-state="CONNECTED"]'

# Streamlit's dataframe "Download as CSV" prefers the File System Access API, which would open
# a native save dialog; without it, the bundled polyfill falls back to an ordinary download
# that the browser (and Playwright) can catch.
NO_SAVE_PICKER_SCRIPT = "delete window.showSaveFilePicker; window.showSaveFilePicker = undefined;"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class DashboardServer:
    """A running ``streamlit run dashboard.py`` process."""

    url: str
    process: subprocess.Popen
    data_dir: Path
    log_path: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def log_tail(self, n_chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-n_chars:]
        except FileNotFoundError:
            return ""


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


@contextlib.contextmanager
def dashboard_server(
    data_dir: Path, *, log_dir: Path, extra_env: dict[str, str] | None = None, port: int | None = None
) -> Iterator[DashboardServer]:
    """Start the dashboard on a free loopback port, wait for ``/_stcore/health``, stop it after.

    Args:
        data_dir: the ``CSDASH_DATA_DIR`` the server reads (a built warehouse should be there
            already, so the first start does not build the demo).
        log_dir: where the server's stdout/stderr go (shown when it fails to start).
        extra_env: more environment variables for the server.
        port: the port to listen on (default: a free one; sign-in tests need it in advance for
            the OIDC redirect address).

    Raises:
        RuntimeError: the server exited or did not become healthy in time (with its log).
    """
    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"streamlit-{port}.log"
    env = {**os.environ, "CSDASH_DATA_DIR": str(data_dir), "PYTHONUNBUFFERED": "1", **(extra_env or {})}
    command = [
        sys.executable, "-m", "streamlit", "run", "dashboard.py",
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--server.headless", "true",
        "--server.fileWatcherType", "none",
        "--browser.gatherUsageStats", "false",
    ]
    with log_path.open("w", encoding="utf-8") as log:
        process = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    server = DashboardServer(url, process, data_dir, log_path)
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while not _healthy(url):
            if process.poll() is not None:
                raise RuntimeError(f"streamlit exited with code {process.returncode}:\n{server.log_tail()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"streamlit was not healthy after {SERVER_START_TIMEOUT_S} s:\n{server.log_tail()}")
            time.sleep(0.2)
        yield server
    finally:
        stop_process(process)


def stop_process(process: subprocess.Popen) -> None:
    """Terminate a server process, killing it if it has not exited after 15 s."""
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=15)


def launch_chromium(playwright):
    """Launch the system Chromium headless with the project's flags (fresh temporary profile)."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS, timeout=APP_TIMEOUT_MS)


def wait_for_app(page, *, timeout_ms: int = APP_TIMEOUT_MS) -> None:
    """Wait until Streamlit has drawn the app and no script run is in progress."""
    page.wait_for_selector(APP, timeout=timeout_ms)
    # Every page opens with a title (tests/test_pages_smoke.py), so a heading in the main area
    # means the page script has run; then wait for the run to finish and nothing to be stale.
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=timeout_ms)
    wait_for_idle(page, timeout_ms=timeout_ms)


def wait_for_idle(page, *, timeout_ms: int = APP_TIMEOUT_MS) -> None:
    """Wait until no script run is in progress and no element is marked stale."""
    page.wait_for_selector(APP_IDLE, timeout=timeout_ms)
    page.wait_for_function(
        "() => !document.querySelector('[data-stale=\"true\"]') && !document.querySelector('[data-testid=\"stStatusWidget\"] [data-testid=\"stSpinner\"]')",
        timeout=timeout_ms,
    )


def page_url_path(script: str) -> str:
    """The URL path ``st.navigation`` gives a page script (``pages/data_sources.py`` → ``data_sources``)."""
    return Path(script).stem


def rss_peak_kib(pid: int) -> int:
    """Peak resident set size (VmHWM) of a process, in KiB, from ``/proc/<pid>/status``."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmHWM for pid {pid}")


def choose_option(page, key: str, option_text: str, *, timeout_ms: int = APP_TIMEOUT_MS) -> None:
    """Pick ``option_text`` in the selectbox whose widget key is ``key`` (typing filters the list)."""
    box = page.locator(f".st-key-{key} input[role='combobox']")
    box.click(timeout=timeout_ms)
    box.fill(option_text, timeout=timeout_ms)
    # Area options are indented with em spaces to show the hierarchy.
    pattern = re.compile(r"^\s*" + re.escape(option_text) + r"\s*$")
    page.get_by_role("option", name=pattern).first.click(timeout=timeout_ms)


def selected_option(page, key: str) -> str:
    """The text a selectbox shows (without the hierarchy's indentation)."""
    return page.locator(f".st-key-{key} input[role='combobox']").input_value().strip()


# Drawn: no skeleton placeholder left, and every plotly chart has its SVG (plotly.js draws a
# chart only once its lazily loaded component is in place and the chart is near the viewport).
RENDERED_JS = """() => !document.querySelector('[data-testid="stSkeleton"]')
    && Array.from(document.querySelectorAll('[data-testid="stPlotlyChart"]'))
        .every(chart => chart.querySelector('.js-plotly-plot .main-svg'))"""


def scroll_through(page, *, pause_ms: int = 150) -> None:
    """Scroll Streamlit's main container from top to bottom a viewport at a time (so lazily
    drawn elements enter the viewport once), then back to the top."""
    main = '[data-testid="stMain"]'
    height = page.evaluate(f"() => document.querySelector('{main}')?.scrollHeight || 0")
    step = max((page.viewport_size or {"height": 1000})["height"] - 100, 200)
    for top in range(0, int(height) + step, step):
        page.evaluate(f"(top) => document.querySelector('{main}')?.scrollTo(0, top)", top)
        page.wait_for_timeout(pause_ms)
    page.evaluate(f"() => document.querySelector('{main}')?.scrollTo(0, 0)")


def wait_for_render(page, *, timeout_ms: int = APP_TIMEOUT_MS) -> None:
    """Wait until the page is finished: the app idle, then scrolled through, then no skeleton
    and every plotly chart drawn, then idle again (a chart's first draw can trigger a rerun)."""
    wait_for_idle(page, timeout_ms=timeout_ms)
    scroll_through(page)
    page.wait_for_function(RENDERED_JS, timeout=timeout_ms)
    wait_for_idle(page, timeout_ms=timeout_ms)


def full_page_screenshot(page, path: Path) -> None:
    """A screenshot of the whole page once it is fully drawn (``wait_for_render``): Streamlit
    scrolls inside its own container, so the viewport is stretched to the content's height, and
    the charts (which plotly redraws on the resize) are waited for again."""
    wait_for_render(page)
    viewport = page.viewport_size or {"width": 1400, "height": 1000}
    height = page.evaluate(
        "() => Math.max(...['stMain', 'stAppViewContainer', 'stSidebarContent']"
        ".map(id => document.querySelector(`[data-testid=\"${id}\"]`)?.scrollHeight || 0))"
    )
    page.set_viewport_size({"width": viewport["width"], "height": max(viewport["height"], min(int(height) + 40, 12000))})
    try:
        wait_for_idle(page)
        page.wait_for_function(RENDERED_JS, timeout=APP_TIMEOUT_MS)
        # plotly redraws on the window's resize event after a short debounce; let it settle.
        page.wait_for_timeout(300)
        path.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(path), full_page=True, animations="disabled")
    finally:
        page.set_viewport_size(viewport)


def element_after_heading(page, heading: str, testid: str):
    """The first element with ``data-testid=testid`` in the section under the heading ``heading``
    (before the next heading: a later section's element that happens to render first must not
    be taken for it)."""
    finder = """([heading, testid]) => {
            const containers = Array.from(document.querySelectorAll('[data-testid="stMain"] [data-testid="stElementContainer"]'));
            let seen = false;
            for (let i = 0; i < containers.length; i++) {
                const c = containers[i];
                const h = c.querySelector('[data-testid="stHeading"]');
                if (h && h.innerText.trim() === heading) { seen = true; continue; }
                // The next heading ends the section: its element is not drawn yet.
                if (seen && h) return -1;
                if (seen && c.querySelector(`[data-testid="${testid}"]`)) return i;
            }
            return -1;
        }"""
    # Heavy elements (dataframes) are drawn by lazily loaded components: wait for them.
    try:
        page.wait_for_function(f"(args) => ({finder})(args) >= 0", arg=[heading, testid], timeout=APP_TIMEOUT_MS)
    except Exception as error:
        raise AssertionError(f"no {testid} after the heading {heading!r}") from error
    index = page.evaluate(finder, [heading, testid])
    return page.locator('[data-testid="stMain"] [data-testid="stElementContainer"]').nth(index)


def download_dataframe_csv(page, container, target: Path) -> list[dict[str, str]]:
    """Use a dataframe's own "Download as CSV" toolbar button; return the rows it exported."""
    container.scroll_into_view_if_needed()
    container.hover()
    button = container.locator('button[aria-label="Download as CSV"]')
    button.wait_for(state="attached", timeout=APP_TIMEOUT_MS)
    with page.expect_download(timeout=APP_TIMEOUT_MS) as info:
        # The toolbar floats over the heading above the grid, which can take the pointer;
        # a DOM click reaches the button's handler all the same.
        button.evaluate("button => button.click()")
    info.value.save_as(str(target))
    text = target.read_text(encoding="utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))
