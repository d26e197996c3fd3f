"""Trust & safety page on the demo warehouse, in three languages.

Oracle: the published Chuhuiv baseline (January–February 2017), 62.8 % did not or rather did
not trust the police; the demo survey reproduces it and the page must show trust = 37.2 %
(100 − 62.8) for the baseline, computed through ingest → warehouse → analysis.survey.
The page follows the sidebar area; which published figures belong to Østjyllands Politi is
read from the demo CSV itself (the district and its municipalities Aarhus, Randers and Samsø).
"""
from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from tests.apptest import open_page

PAGE = "pages/trust.py"
PUBLISHED_CSV = Path(__file__).resolve().parents[1] / "data" / "samples" / "survey_published_tryghed_demo.csv"
EAST_JUTLAND = {"Østjyllands Politi", "Aarhus", "Randers", "Samsø"}


def _csv_rows(indicator: str, areas: set[str]) -> list[dict[str, str]]:
    with PUBLISHED_CSV.open(encoding="utf-8") as handle:
        return [r for r in csv.DictReader(handle) if r["indicator"] == indicator and r["area"] in areas]
BASELINE = {"da": "37,2 %", "en": "37.2%", "uk": "37,2 %"}


@pytest.mark.parametrize("lang", ["da", "en", "uk"])
def test_before_after_shows_the_published_baseline_and_a_verdict(app_env, lang: str) -> None:
    at = open_page(PAGE, query={"lang": lang, "area": "UA-63"})
    assert not at.exception, [e.value for e in at.exception]
    metrics = {m.label: m.value for m in at.metric}
    baseline = [v for k, v in metrics.items() if k in ("Baseline", "Før (baseline)", "Базове опитування")]
    assert baseline == [BASELINE[lang]]
    # 37.2 % → 50.3 % on about 600 respondents a wave: z ≈ 4.6, so p is far below 0.001 and
    # must read as a bound in the locale, never "p = 0.000".
    verdicts = [m.value for m in at.markdown if "p < " in m.value or "p = " in m.value]
    assert len(verdicts) == 1
    assert {"da": "p < 0,001", "en": "p < 0.001", "uk": "p < 0,001"}[lang] in verdicts[0]
    assert {"da": "Andelen steg", "en": "The share rose", "uk": "Частка зросла"}[lang] in verdicts[0]
    assert len(at.get("plotly_chart")) >= 2  # trend and breakdown
    wording = {"da": "Hvor meget stoler du på politiet?", "en": "How much do you trust the police?", "uk": "Наскільки ви довіряєте поліції?"}[lang]
    assert any(wording in m.value for m in at.markdown)


def test_trend_table_has_every_area_and_wave_with_n(app_env) -> None:
    at = open_page(PAGE, query={"lang": "en", "area": "UA-63"})
    table = at.dataframe[0].value
    assert len(table) == 8  # 3 areas + all areas, 2 waves
    assert set(table["Area"]) == {"All areas", "Chuhuiv", "Chuhuiv Raion (pre-2020)", "Pechenihy Raion (pre-2020)"}
    overall = table[(table["Area"] == "All areas")]
    assert list(overall["Estimate"]) == ["37.2%", "50.3%"]
    assert (table["n"] > 100).all()


def test_published_series_warns_where_n_was_not_published(app_env) -> None:
    at = open_page(PAGE, query={"lang": "en", "area": "DK-PK02"})
    at.selectbox(key="trust__series").set_value("published:Tryghedsundersøgelsen (demo):feel_safe_neighbourhood").run()
    assert not at.exception, [e.value for e in at.exception]
    rows = _csv_rows("feel_safe_neighbourhood", EAST_JUTLAND)
    missing = sum(not r["n"] for r in rows)
    assert (missing, len(rows)) == (3, 16)
    warnings = [w.value for w in at.warning]
    assert any(f"n not published for {missing} of {len(rows)} figures" in w for w in warnings), warnings


def test_east_jutland_shows_its_published_figures_and_no_chuhuiv_series(app_env) -> None:
    at = open_page(PAGE, query={"lang": "en", "area": "DK-PK02"})
    assert not at.exception, [e.value for e in at.exception]
    options = at.selectbox(key="trust__series").options
    assert options and all("Tryghedsundersøgelsen" in o for o in options), options
    assert not any("Chuhuiv" in o for o in options)
    table = at.dataframe[0].value
    assert set(table["Area"]) == {"East Jutland Police", "Aarhus", "Randers", "Samsø"}
    expected = {(r["area"].replace("Østjyllands Politi", "East Jutland Police"), r["period"]): float(r["value"])
                for r in _csv_rows("trust_police", EAST_JUTLAND)}
    assert {(r["Area"], r["Wave"]): r["Estimate"] for _, r in table.iterrows()} == expected
    trend = json.loads(at.get("plotly_chart")[0].proto.spec)  # the trend comes first, then the map
    lines = sorted(t["name"].split(" · ")[0] for t in trend["data"] if t.get("mode") == "lines+markers")
    assert lines == ["Aarhus", "East Jutland Police", "Randers", "Samsø"]


def test_a_municipality_shows_only_its_own_figures(app_env) -> None:
    at = open_page(PAGE, query={"lang": "da", "area": "DK-K0751"})
    assert not at.exception, [e.value for e in at.exception]
    assert set(at.dataframe[0].value["Område"]) == {"Aarhus"}


def test_an_area_below_the_survey_shows_its_own_line_without_a_total(app_env) -> None:
    at = open_page(PAGE, query={"lang": "en", "area": "UA-63-CHUHUIV-CITY"})
    assert not at.exception, [e.value for e in at.exception]
    table = at.dataframe[0].value
    assert set(table["Area"]) == {"Chuhuiv"}
    assert len(table) == 2


def test_an_area_without_data_says_so_and_switches_in_one_click(app_env) -> None:
    at = open_page(PAGE, query={"lang": "en", "area": "DK-PK05"})
    assert not at.exception, [e.value for e in at.exception]
    assert [i.value for i in at.info] == [
        "There are no survey results or published figures for South and Southern Jutland Police, nor for any area below it."
    ]
    assert not at.get("plotly_chart")
    buttons = {b.label: b for b in at.button}
    assert set(buttons) == {"Show East Jutland Police", "Show Central and West Zealand Police", "Show Kharkiv Oblast"}
    buttons["Show Kharkiv Oblast"].click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["frame__area"] == "UA-63"
    assert not at.info
    assert any("Chuhuiv" in o for o in at.selectbox(key="trust__series").options)


def test_sidebar_period_marks_the_waves_inside_it_and_keeps_the_trend(app_env) -> None:
    at = open_page(PAGE, query={"lang": "en", "area": "DK-PK02", "period": "custom", "from": "2021-01-01", "to": "2021-12-31"})
    assert not at.exception, [e.value for e in at.exception]
    assert any(c.value.startswith("The trend shows every wave") and "1 of 4 fall in the sidebar period" in c.value for c in at.caption)
    table = at.dataframe[0].value
    assert len(table) == 16
    assert set(table[table["In sidebar period"]]["Wave"]) == {"2021"}


def test_opt_in_or_other_scale_series_are_refused_with_the_reason(app_env) -> None:
    at = open_page(PAGE, query={"lang": "en", "area": "UA-63"})
    at.multiselect(key="trust__compare").set_value(["published:Tryghedsundersøgelsen (demo):trust_police"]).run()
    assert not at.exception, [e.value for e in at.exception]
    warnings = [w.value for w in at.warning]
    assert any("is not drawn" in w and "answer scale differs (4-point against 5-point)" in w for w in warnings), warnings
