"""Fixtures for the browser tests: the real server on the demo warehouse and headless Chromium.

Without ``/usr/bin/chromium`` the tests fail with a clear message on CI (``CI=true``; ``.ci/run``
installs it) and are skipped with the reason elsewhere.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

import pytest

from pipelines.settings import Settings
from tests.browser.harness import CHROMIUM, NO_SAVE_PICKER_SCRIPT, REPO_ROOT, DashboardServer, dashboard_server, launch_chromium

ARTIFACTS = REPO_ROOT / "test-artifacts"


def _require_browser() -> None:
    missing = []
    if not CHROMIUM.exists():
        missing.append(f"{CHROMIUM} is missing (install Debian's chromium: `apt-get install -y chromium chromium-driver`)")
    try:
        import playwright  # noqa: F401
    except ImportError:
        missing.append("the playwright package is missing (`python -m pip install -r requirements-test.txt`)")
    if not missing:
        return
    message = "browser tests cannot run: " + "; ".join(missing)
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    """A headless system Chromium driven by Playwright, for the whole session."""
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="session")
def server(demo_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[DashboardServer]:
    """``streamlit run dashboard.py`` on the session's demo warehouse (read-only use)."""
    _require_browser()
    with dashboard_server(demo_settings.data_dir, log_dir=tmp_path_factory.mktemp("server-logs")) as running:
        yield running


@pytest.fixture
def context(chromium):
    """A fresh browser context (own cookies and storage) per test."""
    context = chromium.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True, locale="en-GB")
    context.add_init_script(NO_SAVE_PICKER_SCRIPT)
    context.set_default_timeout(60_000)
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
