"""The Traffic page, driven through dashboard.py with AppTest.

Demo warehouse (synthetic UHELD-shaped figures 2012–2024, provisional 2025 quarters): the page
shows the judged year's figures, the verdict sentences in each language, the trend chart and
its accessible table. STATS19: a collision file goes through ingest → build → page, and the
page's severity table equals the file's counts (computed here with the csv module).
"""
from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from pipelines.build import build_warehouse
from pipelines.ingest import ingest_paths
from tests.apptest import open_page
from tests.conftest import REPO_ROOT
from ui import data

PAGE = "pages/traffic.py"
STATS19 = Path(__file__).resolve().parent / "data" / "traffic" / "stats19_accidents_2019_sample.csv"


def _demo_csv(name: str) -> list[dict]:
    with (REPO_ROOT / "data" / "samples" / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=";" if "uheld" in name else ","))


@pytest.fixture
def demo_page_env(app_env):
    data.settings.clear()
    yield app_env
    data.settings.clear()


@pytest.mark.parametrize(
    ("lang", "killed_label", "provisional_word"),
    [("en", "Killed", "provisional"), ("da", "Dræbte", "foreløbige"), ("uk", "Загиблі", "попередні")],
)
def test_demo_district_shows_the_provisional_year_with_verdicts(demo_page_env, lang, killed_label, provisional_word) -> None:
    at = open_page(PAGE, query={"lang": lang, "area": "DK-PK02", "period": "last_12_months"})
    assert not at.exception, [e.value for e in at.exception]
    # Oracle: the provisional 2025 quarters of the district template, added up here.
    municipalities = {"Aarhus", "Randers", "Favrskov", "Norddjurs", "Syddjurs", "Odder", "Samsø"}
    killed = sum(int(r["count"]) for r in _demo_csv("traffic_district_template_2025_provisional.csv")
                 if r["area"] in municipalities and r["measure"] == "killed")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[killed_label] == str(killed)
    assert any("2025" in c.value and provisional_word in c.value for c in at.caption)
    sentences = [m.value for m in at.markdown]
    assert any("2015" in s and "2024" in s for s in sentences), sentences  # prognosis from the 10 previous years
    assert len(at.get("plotly_chart")) == 2  # trend and road users
    assert not any(m.value.startswith("[traffic.") for m in at.markdown)


def test_trend_table_holds_the_final_statbank_years(demo_page_env) -> None:
    at = open_page(PAGE, query={"lang": "en", "area": "DK-K0730", "period": "last_12_months"})
    assert not at.exception
    rows = _demo_csv("traffic_uheldk1_2012-2024.csv")
    expected = {
        int(r["TID"]): 0 for r in rows if r["OMRÅDE"] == "Randers"
    }
    for r in rows:
        if r["OMRÅDE"] == "Randers" and r["INDBLANDEDE TRANSPORTMIDLER"] == "I alt" and r["PERSONSKADE"] in ("Dræbte", "Alvorligt tilskadekomne"):
            expected[int(r["TID"])] += int(r["INDHOLD"])
    table = next(d.value for d in at.dataframe if "Killed or seriously injured (KSI)" in d.value.columns)
    shown = dict(zip(table["Year"], table["Killed or seriously injured (KSI)"]))
    assert {year: shown[year] for year in expected} == expected


@pytest.fixture
def stats19_env(fresh_settings, monkeypatch):
    results = ingest_paths([STATS19], settings=fresh_settings)
    assert [r.outcome for r in results] == ["accepted"]
    build_warehouse(fresh_settings)
    monkeypatch.setenv("CSDASH_DATA_DIR", str(fresh_settings.data_dir))
    monkeypatch.chdir(REPO_ROOT)
    data.settings.clear()  # the settings resource was read from another environment
    yield fresh_settings
    data.settings.clear()


def test_stats19_counts_by_severity_on_the_page_equal_the_file(stats19_env) -> None:
    collisions, casualties = Counter(), Counter()
    with STATS19.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            severity = {"1": "Fatal", "2": "Serious", "3": "Slight"}.get(row["accident_severity"], "Unknown")
            collisions[severity] += 1
            casualties[severity] += max(0, int(row["number_of_casualties"]))
    at = open_page(PAGE, query={"lang": "en", "area": "GB", "period": "last_12_months"})
    assert not at.exception, [e.value for e in at.exception]
    table = next(d.value for d in at.dataframe if "Severity" in d.value.columns)
    shown = {r["Severity"]: (r["Collisions"], r["Casualties"]) for r in table.to_dict("records")}
    assert shown == {s: (collisions[s], casualties[s]) for s in collisions}
    assert "Unknown" in shown  # the -1 codes are kept
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Injury accidents"] == str(sum(collisions.values()))
