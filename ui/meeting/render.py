"""Headless Chromium for the meeting pack: the PDF (the pack's HTML printed on A4 landscape) and
the PPTX's chart images (plotly.js's own ``Plotly.toImage`` in the browser).

The browser is Debian's ``chromium`` package (setting ``chromium_path``, default
``/usr/bin/chromium``), driven by Playwright; ``playwright install`` (which downloads a browser
build) is never used. Every request leaving the page is aborted, so rendering never touches the
network: the HTML carries plotly.js inline.
"""
from __future__ import annotations

import base64
import json
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable, TypeVar

import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
# A4 landscape at CSS's 96 px per inch: the screen layout is the printed one.
A4_LANDSCAPE_PX = {"width": 1123, "height": 794}
TIMEOUT_MS = 60_000

T = TypeVar("T")


class RendererMissing(RuntimeError):
    """No usable Chromium (or no Playwright): the PDF and PPTX cannot be made."""


def renderer_problem(chromium_path: Path) -> str | None:
    """Why the renderer cannot run here, or None when it can."""
    if not Path(chromium_path).exists():
        return f"{chromium_path} is missing (install Debian's chromium package)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed"
    return None


def _in_thread(work: Callable[[], T]) -> T:
    # Playwright's sync API refuses to run in a thread that has an asyncio loop; a fresh worker
    # thread never has one, wherever the caller runs (a Streamlit script, a test, a callback).
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()


def render(chromium_path: Path, *, html: str | None, figures: list[tuple[go.Figure, int, int]]) -> tuple[bytes | None, list[bytes]]:
    """Print ``html`` to a PDF and export ``figures`` to PNG, with one browser start.

    Args:
        chromium_path: the Chromium executable.
        html: a self-contained page (plotly.js inline), or None for no PDF.
        figures: ``(figure, width_px, height_px)`` to export as PNG (drawn at twice that size).

    Returns:
        The PDF bytes (None without ``html``) and one PNG per figure, in order.

    Raises:
        RendererMissing: no Chromium at ``chromium_path`` or no Playwright.
    """
    problem = renderer_problem(chromium_path)
    if problem:
        raise RendererMissing(problem)
    return _in_thread(lambda: _render(Path(chromium_path), html, figures))


def _offline(page) -> None:
    page.route("http://**/*", lambda route: route.abort())
    page.route("https://**/*", lambda route: route.abort())


def _render(chromium_path: Path, html: str | None, figures: list[tuple[go.Figure, int, int]]) -> tuple[bytes | None, list[bytes]]:
    from playwright.sync_api import sync_playwright

    # One page does both jobs, so plotly.js (4.6 MB) is parsed once; a file:// page loads much
    # faster than the same text pushed through ``set_content``.
    page_html = html if html is not None else f"<!doctype html><html><head><meta charset='utf-8'><script>{get_plotlyjs()}</script></head><body></body></html>"
    with tempfile.TemporaryDirectory(prefix="meeting-pack-") as folder, sync_playwright() as playwright:
        path = Path(folder) / "pack.html"
        path.write_text(page_html, encoding="utf-8")
        browser = playwright.chromium.launch(executable_path=str(chromium_path), args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport=A4_LANDSCAPE_PX)
            page.set_default_timeout(TIMEOUT_MS)
            _offline(page)
            page.goto(path.as_uri(), wait_until="load")
            pdf = None
            if html is not None:
                page.wait_for_function("() => window.meetingPackReady === true")
                pdf = page.pdf(format="A4", landscape=True, print_background=True, prefer_css_page_size=True,
                               margin={"top": "0", "right": "0", "bottom": "0", "left": "0"})
            images = []
            for figure, width, height in figures:
                spec = json.loads(figure.to_json())
                url = page.evaluate(
                    "async ([spec, w, h]) => Plotly.toImage({data: spec.data, layout: spec.layout}, {format: 'png', width: w, height: h, scale: 2})",
                    [spec, width, height],
                )
                images.append(base64.b64decode(url.split(",", 1)[1]))
            return pdf, images
        finally:
            browser.close()
