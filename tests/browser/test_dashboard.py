"""The dashboard in a real browser: languages, the sidebar frame, permalinks, exports, screenshots.

Runs ``streamlit run dashboard.py`` on the session's demo warehouse and drives Debian's
Chromium through Playwright. Expected texts come from the message catalogues, so the tests
follow the catalogues instead of copying strings.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from dashboard import PAGES
from pipelines.warehouse import open_warehouse, run_query
from tests.browser.harness import (
    choose_option,
    download_dataframe_csv,
    element_after_heading,
    full_page_screenshot,
    page_url_path,
    selected_option,
    wait_for_app,
    wait_for_idle,
)
from ui.frame import area_label
from ui.i18n import LANGUAGES, translate

pytestmark = pytest.mark.browser

SOURCES = "pages/data_sources.py"
AREA = "DK-K0751"  # Aarhus, a municipality of the default district
PRESET = "year_to_date"


def _page_url(server, script: str, **query: str) -> str:
    # st.navigation serves the first page at the root and the others at their script's stem.
    path = "" if script == PAGES[0][0] else page_url_path(script)
    params = "&".join(f"{k}={v}" for k, v in query.items())
    return f"{server.url}/{path}" + (f"?{params}" if params else "")


def _nav_titles(page) -> list[str]:
    return [text.strip() for text in page.locator('[data-testid="stSidebarNavLink"] [data-testid="stMarkdownContainer"]').all_inner_texts()]


def _title(page) -> str:
    return page.locator('[data-testid="stMain"] h1').first.inner_text().strip()


def _area_name(settings, code: str, lang: str) -> str:
    con = open_warehouse(settings.warehouse_path)
    try:
        rows = run_query(con, "areas_for_picker").filter(area_code=code).to_dicts()
    finally:
        con.close()
    assert rows, f"{code} is not in the demo warehouse's area picker"
    return area_label(rows[0], lang)


def test_switching_language_translates_title_and_navigation(server, page) -> None:
    page.goto(_page_url(server, SOURCES, lang="da"))
    wait_for_app(page)
    for lang in ("da", "en", "uk"):
        if lang != "da":
            choose_option(page, "frame__lang", LANGUAGES[lang])
            page.wait_for_url(f"**lang={lang}**")
            wait_for_idle(page)
        assert _title(page) == translate(lang, "sources.title")
        assert _nav_titles(page) == [translate(lang, key) for _, key, _ in PAGES]
        assert selected_option(page, "frame__lang") == LANGUAGES[lang]


def test_copied_url_reopens_language_area_and_period(server, demo_settings, chromium, page) -> None:
    page.goto(_page_url(server, SOURCES, lang="en"))
    wait_for_app(page)
    choose_option(page, "frame__lang", LANGUAGES["uk"])
    page.wait_for_url("**lang=uk**")
    wait_for_idle(page)
    area_name = _area_name(demo_settings, AREA, "uk")
    choose_option(page, "frame__area", area_name)
    page.wait_for_url(f"**area={AREA}**")
    wait_for_idle(page)
    choose_option(page, "frame__period", translate("uk", f"frame.preset.{PRESET}"))
    page.wait_for_url(f"**period={PRESET}**")
    wait_for_idle(page)
    copied = page.url
    sidebar = page.locator('[data-testid="stSidebarUserContent"]').inner_text()

    other = chromium.new_context(viewport={"width": 1400, "height": 1000})
    try:
        reopened = other.new_page()
        reopened.goto(copied)
        wait_for_app(reopened)
        assert selected_option(reopened, "frame__lang") == LANGUAGES["uk"]
        assert selected_option(reopened, "frame__area") == area_name
        assert selected_option(reopened, "frame__period") == translate("uk", f"frame.preset.{PRESET}")
        assert _title(reopened) == translate("uk", "sources.title")
        # The resolved period span and data version in the sidebar are the same too.
        assert reopened.locator('[data-testid="stSidebarUserContent"]').inner_text() == sidebar
        assert f"area={AREA}" in reopened.url and f"period={PRESET}" in reopened.url
    finally:
        other.close()


def test_every_export_downloads(server, demo_settings, page, tmp_path: Path) -> None:
    """Every ``st.download_button`` on every page delivers a non-empty file, and the Data
    sources page exports its ingest log as CSV with the demo's files in it."""
    delivered = []
    for script, _, _ in PAGES:
        page.goto(_page_url(server, script, lang="en"))
        wait_for_app(page)
        buttons = page.locator('[data-testid="stDownloadButton"] button')
        for number in range(buttons.count()):
            with page.expect_download() as info:
                buttons.nth(number).click()
            target = tmp_path / f"{page_url_path(script)}-{number}-{info.value.suggested_filename}"
            info.value.save_as(str(target))
            assert target.stat().st_size > 0, f"{script}: download {number} is empty"
            delivered.append(target.name)

    page.goto(_page_url(server, SOURCES, lang="en"))
    wait_for_app(page)
    log = download_dataframe_csv(page, element_after_heading(page, translate("en", "sources.log"), "stDataFrame"), tmp_path / "log.csv")
    samples = sorted(p.name for p in demo_settings.samples_dir.iterdir() if p.is_file() and p.name != "README.md")
    assert sorted(row["file_name"] for row in log if row["status"] == "accepted") == samples


@pytest.mark.parametrize("lang", list(LANGUAGES))
@pytest.mark.parametrize("script", [path for path, _, _ in PAGES])
def test_every_page_renders_and_is_screenshotted(server, page, screenshot_dir: Path, script: str, lang: str) -> None:
    page.goto(_page_url(server, script, lang=lang))
    wait_for_app(page)
    assert page.locator('[data-testid="stException"]').count() == 0, page.locator('[data-testid="stException"]').first.inner_text()
    title_key = next(key for path, key, _ in PAGES if path == script)
    current = page.locator('[data-testid="stSidebarNavLink"][aria-current="page"] [data-testid="stMarkdownContainer"]').inner_text().strip()
    assert current == translate(lang, title_key)
    target = screenshot_dir / f"{page_url_path(script)}-{lang}.png"
    full_page_screenshot(page, target)
    assert target.stat().st_size > 10_000
