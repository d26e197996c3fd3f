"""The protocol client drives a real ``streamlit run dashboard.py`` as the frontend does.

Not a timing test: it checks that reruns sent over the websocket really run, render the area
chosen in the sidebar, and that the forward-message cache round trip works.
"""
from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bench.concurrent_sessions import _areas
from bench.protocol_sessions import AREA_KEY, StreamlitSession, drive, warm_up
from pipelines.settings import Settings
from tests.browser.harness import dashboard_server


@pytest.fixture(scope="module")
def server_url(demo_settings: Settings, tmp_path_factory: pytest.TempPathFactory):
    with dashboard_server(demo_settings.data_dir, log_dir=tmp_path_factory.mktemp("protocol-logs")) as server:
        asyncio.run(warm_up(server.url, query_string="lang=da"))
        yield server.url


@pytest.fixture(scope="module")
def areas(demo_settings: Settings) -> dict[str, str]:
    return _areas(demo_settings.data_dir)


def test_a_pick_reruns_the_crime_page_for_the_new_area(server_url: str, areas: dict[str, str]):
    async def scenario():
        client = StreamlitSession(server_url, page_name="crime", query_string="lang=da")
        try:
            opened = await client.open()
            code = "DK-K0751"  # Aarhus: the demo's crime data cover it, so the page draws its charts
            chosen = await client.choose(AREA_KEY, client.option_label(AREA_KEY, areas[code]))
            again = await client.choose(AREA_KEY, client.option_label(AREA_KEY, areas[code]))
            return client, opened, code, chosen, again
        finally:
            await client.close()

    client, opened, code, chosen, again = asyncio.run(scenario())
    assert opened.shows(areas["DK-PK02"]) and opened.titles[0].startswith("Kriminalitet")
    assert chosen.new_run and chosen.shows(areas[code]), chosen
    assert not chosen.shows(areas["DK-PK02"])  # the check can fail: the old area is gone
    assert f"area={code}" in chosen.query_string.split("&")
    assert client.selected(AREA_KEY).strip() == areas[code]
    # The unchanged trend chart (a cacheable message of >= 10 kB) comes back as a reference
    # to the client's cache, and the run is still complete.
    assert again.references >= 1 and again.shows(areas[code])
    assert client.unmodelled_widgets == set()


def test_two_sessions_at_once_time_only_reruns_that_showed_their_area(server_url: str, areas: dict[str, str]):
    result = asyncio.run(drive(server_url, areas, query_string="lang=da", sessions=2, reruns=3))
    assert result.errors == () and result.failures == ()
    assert len(result.samples) == 6 and len(result.opened) == 2
    assert all(seconds > 0 for seconds in result.samples)
    # Session offsets 1 and 6 into the district-first list: six different areas, all first visits.
    assert result.first_visits == 6


def test_drive_needs_a_duration_or_a_count(server_url: str, areas: dict[str, str]):
    with pytest.raises(ValueError):
        asyncio.run(drive(server_url, areas, sessions=1))


def test_eight_sessions_opening_together_on_a_fresh_server_each_keep_their_first_pick(demo_settings: Settings, areas, tmp_path: Path):
    """No warm-up: sessions whose first runs overlap the server's very first one (Streamlit's
    legacy ``pages/`` run) and the first imports of the page's libraries. Each session's first
    pick must show its area (it was dropped in 7 of 8), and no run may fail on a half-imported
    module ("partially initialized module 'pandas'")."""
    # With the background prefetch of every area's crime view running meanwhile, as in production.
    with dashboard_server(demo_settings.data_dir, log_dir=tmp_path / "logs", extra_env={"CSDASH_PREFETCH_VIEWS": "1"}) as server:
        result = asyncio.run(drive(server.url, areas, query_string="lang=da", sessions=8, reruns=1))
    assert result.errors == () and result.failures == ()
    assert len(result.samples) == 8


def test_pauses_between_changes_are_waited(server_url: str, areas: dict[str, str]):
    import time

    start = time.monotonic()
    result = asyncio.run(drive(server_url, areas, query_string="lang=da", sessions=1, reruns=2, pause=(0.5, 0.5)))
    assert result.failures == () and len(result.samples) == 2
    assert time.monotonic() - start >= 1.0  # a pause after each of the two changes
