"""Uploading on the Data sources page in a real browser: new data shows without a restart, and
a malformed file is rejected with its line, column and reason while the data stays as it was.

Uses a server of its own on a copy of the demo warehouse, so the other browser tests keep
seeing the unchanged demo.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pipelines.landing import read_log
from pipelines.warehouse import open_warehouse
from tests.browser.harness import dashboard_server, download_dataframe_csv, element_after_heading, wait_for_app
from ui.i18n import translate

pytestmark = pytest.mark.browser

GOOD = "area,offence,period,count\nAarhus,Browser test offence,2026M07,4\nAarhus,Browser test offence,2026M08,5\nRanders,Browser test offence,2026M08,6\n"
BAD = "area,offence,period,count\nAarhus,Browser test offence,2026M07,4\nAarhus,Browser test offence,2026M08,many\n"


@pytest.fixture(scope="module")
def upload_server(demo_settings, tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("upload-data") / "data"
    shutil.copytree(demo_settings.data_dir, data_dir, ignore=shutil.ignore_patterns("*.lock", ".lock"))
    with dashboard_server(data_dir, log_dir=tmp_path_factory.mktemp("upload-logs")) as running:
        yield running


def _open_sources(page, server) -> None:
    page.goto(f"{server.url}/data_sources?lang=en")
    wait_for_app(page)


def _table_rows(page, tmp_path: Path, name: str) -> dict[str, int]:
    container = element_after_heading(page, translate("en", "sources.tables"), "stDataFrame")
    rows = download_dataframe_csv(page, container, tmp_path / name)
    table, count = translate("en", "sources.col.table"), translate("en", "sources.col.rows")
    return {row[table]: int(row[count]) for row in rows}


def _log(page, tmp_path: Path, name: str) -> list[dict[str, str]]:
    container = element_after_heading(page, translate("en", "sources.log"), "stDataFrame")
    return download_dataframe_csv(page, container, tmp_path / name)


def _upload(page, path: Path) -> None:
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(path))
    page.locator('[data-testid="stFileChip"]').first.wait_for()
    page.get_by_role("button", name=translate("en", "sources.load"), exact=True).click()


def _upload_good(page, server, tmp_path: Path, name: str) -> tuple[dict[str, int], Path, str]:
    _open_sources(page, server)
    before = _table_rows(page, tmp_path, "tables-before.csv")
    sidebar = page.locator('[data-testid="stSidebarUserContent"]').inner_text()
    good = tmp_path / name
    good.write_text(GOOD.replace("Browser test offence", f"Browser test offence {name}"), encoding="utf-8")
    _upload(page, good)
    accepted = translate("en", "sources.accepted", file=good.name, rows=3, kind="crime_template")
    page.locator('[data-testid="stAlert"]').filter(has_text=accepted).wait_for()
    wait_for_app(page)
    return before, good, sidebar


def test_upload_is_ingested_built_and_the_new_version_shown(upload_server, page, tmp_path: Path) -> None:
    before, good, sidebar_before = _upload_good(page, upload_server, tmp_path, "browser_upload.csv")
    records = [r for r in read_log(upload_server.data_dir / "landing") if r.file_name == good.name]
    assert [(r.status, r.kind, r.rows) for r in records] == [("accepted", "crime_template", 3)]
    con = open_warehouse(upload_server.data_dir / "warehouse.duckdb")
    try:
        on_disk = con.execute("select count(*) from crime_counts").fetchone()[0]
    finally:
        con.close()
    assert on_disk == before["crime_counts"] + 3
    version = json.loads((upload_server.data_dir / "warehouse.json").read_text())["data_version"]
    sidebar = page.locator('[data-testid="stSidebarUserContent"]').inner_text()
    assert sidebar != sidebar_before and version in sidebar, "the sidebar does not show the new data version"
    assert upload_server.process.poll() is None, "the server restarted"


def test_uploaded_rows_appear_in_the_running_dashboard(upload_server, page, tmp_path: Path) -> None:
    before, good, _ = _upload_good(page, upload_server, tmp_path, "browser_upload_visible.csv")
    after = _table_rows(page, tmp_path, "tables-after.csv")
    assert after["crime_counts"] == before["crime_counts"] + 3
    log = _log(page, tmp_path, "log-after.csv")
    assert [(row["status"], row["kind"], row["rows"]) for row in log if row["file_name"] == good.name] == [("accepted", "crime_template", "3")]


def test_malformed_upload_is_rejected_with_line_and_column(upload_server, page, tmp_path: Path) -> None:
    _open_sources(page, upload_server)
    before = _table_rows(page, tmp_path, "tables-before.csv")
    bad = tmp_path / "browser_bad.csv"
    bad.write_text(BAD, encoding="utf-8")

    _upload(page, bad)
    expected = translate("en", "sources.rejected", file=bad.name, line=3, column="count", reason="'many' is not a whole number")
    page.locator('[data-testid="stAlert"]').filter(has_text=expected).wait_for()
    wait_for_app(page)

    assert _table_rows(page, tmp_path, "tables-after.csv") == before
    records = [r for r in read_log(upload_server.data_dir / "landing") if r.file_name == bad.name]
    assert [(r.status, r.rows) for r in records] == [("rejected", 0)]
    assert "line 3" in records[0].message and "count" in records[0].message
