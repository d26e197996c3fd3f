"""README command 1 on a fresh machine: with no warehouse, the dashboard builds the demo one on
its first start and says that demo data are in use."""
from __future__ import annotations

from tests.apptest import open_page
from ui.i18n import translate


def test_first_start_builds_the_demo_warehouse_and_shows_the_banner(tmp_path, monkeypatch):
    data_dir = tmp_path / "fresh"
    monkeypatch.setenv("CSDASH_DATA_DIR", str(data_dir))
    from ui import data

    data.settings.clear()  # the cached settings of other tests point elsewhere
    try:
        at = open_page(timeout=300)
        assert not at.exception, [e.value for e in at.exception]
        assert (data_dir / "warehouse.duckdb").exists()
        assert [w.value for w in at.warning][0] == translate("da", "banner.demo")
        assert at.title[0].value == translate("da", "overview.title", area="Østjyllands Politi")
    finally:
        data.settings.clear()
