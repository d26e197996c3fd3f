"""The Follow-ups page, driven through dashboard.py with AppTest.

Oracle: Rigspolitiet's published figures (``dk_tryghed/tryghedsopfoelgninger_published_figures.csv``):
6,355 nationally; Midt- og Vestsjællands Politi 1,178 = 747 / 213 / 218 by channel, "960 of
1,178" reached (81.5 %), 18.5 % of the national total; 5,036 in all districts in 2019H1. They
go through the real ingest → build → named query → page path.
"""
from __future__ import annotations

from dataclasses import replace

import pytest

from pipelines.build import build_warehouse
from pipelines.ingest import ingest_paths
from pipelines.settings import load_settings
from pipelines.warehouse import open_warehouse, run_query
from tests.apptest import open_page
from tests.conftest import REPO_ROOT
from tests.realdata import REALDATA
from ui import data

PUBLISHED = REALDATA / "dk_tryghed" / "tryghedsopfoelgninger_published_figures.csv"
PAGE = "pages/followups.py"


@pytest.fixture(scope="module")
def published_env(tmp_path_factory):
    """A warehouse holding only the published figures, built once for this module."""
    settings = replace(load_settings(), data_dir=tmp_path_factory.mktemp("published") / "data")
    results = ingest_paths([PUBLISHED], settings=settings)
    assert [r.outcome for r in results] == ["accepted"]
    build_warehouse(settings)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CSDASH_DATA_DIR", str(settings.data_dir))
        patch.chdir(REPO_ROOT)
        data.settings.clear()  # the settings resource was read from another environment
        yield settings
    data.settings.clear()


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_query_layer_gives_the_published_figures(published_env) -> None:
    con = open_warehouse(published_env.warehouse_path)
    try:
        district = run_query(con, "followups_scope", area_code="DK-PK08")
    finally:
        con.close()
    own = district.filter(district["is_selected"])
    assert dict(zip(own["channel"], own["count"])) == {"phone": 747, "in_person": 213, "not_reached": 218}
    national = district.filter(district["is_national"])
    assert sorted(national["count"].to_list()) == [5036, 6355]


def test_page_shows_the_district_figures_for_the_unstated_period(published_env) -> None:
    at = open_page(PAGE, query={"lang": "en", "area": "DK-PK08"})
    assert not at.exception, [e.value for e in at.exception]
    # The district has figures only for the unstated period, so that is chosen by default.
    metrics = _metrics(at)
    assert metrics["Follow-ups"] == "1,178"
    assert (metrics["By phone"], metrics["In person"], metrics["Not reached"]) == ("747", "213", "218")
    assert metrics["Reach rate"] == "81.5%"
    assert metrics["Share of national total"] == "18.5%"
    markdown = " ".join(m.value for m in at.markdown)
    assert "reached 960 of 1,178" in markdown
    assert any("remainder" in c.value for c in at.caption), "the derived 218 is explained"
    assert any("Period not stated" in c.value for c in at.caption)


def test_page_shows_6355_nationally_and_5036_for_2019h1(published_env) -> None:
    at = open_page(PAGE, query={"lang": "en", "area": "DK", "period": "last_12_months"})
    assert not at.exception, [e.value for e in at.exception]
    assert _metrics(at)["Follow-ups"] == "5,036"  # 2019H1 lies in the 12 months to June 2019
    box = at.selectbox(key="followups__period")
    assert box.options[1] == "Period not stated by the source: unknown (c. 2019)"
    box.select_index(1).run()
    assert _metrics(at)["Follow-ups"] == "6,355"


def test_page_in_danish_uses_danish_numbers(published_env) -> None:
    at = open_page(PAGE, query={"lang": "da", "area": "DK-PK08"})
    metrics = _metrics(at)
    assert metrics["Opfølgninger"] == "1.178"
    assert metrics["Kontaktrate"] == "81,5 %"
    assert metrics["Andel af landstallet"] == "18,5 %"
