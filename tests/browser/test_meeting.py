"""Meeting mode in a real browser: the arrow keys move the slides (Streamlit's button shortcuts)
and the slide index follows in the URL; full screen hides the sidebar; the pack downloads as a
PDF, a PPTX and an HTML file made on the server."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.browser.harness import page_url_path, wait_for_app, wait_for_idle
from ui.i18n import translate

pytestmark = pytest.mark.browser

QUERY = "lang=da&area=DK-PK02&period=last_quarter&items=crime,followups"


def _open(server, page, extra: str = "") -> None:
    page.goto(f"{server.url}/{page_url_path('pages/meeting.py')}?{QUERY}{extra}")
    wait_for_app(page)


def _slide_title(page) -> str:
    return page.locator(".st-key-meeting_slide h1").first.inner_text().strip()


def _wait_for_slide(page, n: int) -> None:
    page.wait_for_function(f"() => new URL(location.href).searchParams.get('slide') === '{n}'", timeout=60_000)
    wait_for_idle(page)


def test_arrow_keys_move_the_slides_and_the_url(server, page) -> None:
    _open(server, page)
    assert _slide_title(page) == "Møde: Østjyllands Politi"
    page.locator(".st-key-meeting_slide h1").first.click()  # focus the page, not a widget
    page.keyboard.press("ArrowRight")
    _wait_for_slide(page, 1)
    assert _slide_title(page) == translate("da", "crime.group.burglary")
    page.keyboard.press("ArrowRight")
    _wait_for_slide(page, 2)
    page.keyboard.press("ArrowLeft")
    _wait_for_slide(page, 1)
    assert _slide_title(page) == translate("da", "crime.group.burglary")


def test_full_screen_hides_the_sidebar(server, page, screenshot_dir: Path) -> None:
    _open(server, page, "&slide=1")
    assert page.locator("[data-testid='stSidebar']").is_visible()
    page.locator(".st-key-meeting__fullscreen label").click()
    wait_for_idle(page)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stSidebar\"]') || getComputedStyle(document.querySelector('[data-testid=\"stSidebar\"]')).display === 'none'")
    assert _slide_title(page) == translate("da", "crime.group.burglary")
    page.screenshot(path=str(screenshot_dir / "meeting_fullscreen_da.png"))


def test_the_pack_downloads_from_the_server(server, page, tmp_path: Path) -> None:
    _open(server, page)
    page.get_by_role("button", name=translate("da", "meeting.page.prepare")).click()
    page.get_by_role("button", name=translate("da", "meeting.page.download_pdf")).wait_for(timeout=180_000)
    files = {}
    for key in ("pdf", "pptx", "html"):
        with page.expect_download() as info:
            page.get_by_role("button", name=translate("da", f"meeting.page.download_{key}")).click()
        target = tmp_path / info.value.suggested_filename
        info.value.save_as(target)
        files[key] = target
    assert files["pdf"].read_bytes().startswith(b"%PDF")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(files["pdf"].read_bytes())).pages)
    assert "Østjyllands Politi" in text and "items=crime,followups" in text.replace("\n", "")
    assert files["pptx"].read_bytes().startswith(b"PK")
    assert files["html"].suffix == ".html" and b"Plotly.newPlot" in files["html"].read_bytes()
