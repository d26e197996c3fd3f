"""Trust & safety page on the demo warehouse, in three languages.

Oracle: the published Chuhuiv baseline (January–February 2017), 62.8 % did not or rather did
not trust the police; the demo survey reproduces it and the page must show trust = 37.2 %
(100 − 62.8) for the baseline, computed through ingest → warehouse → analysis.survey.
"""
from __future__ import annotations

import pytest

from tests.apptest import open_page

PAGE = "pages/trust.py"
BASELINE = {"da": "37,2 %", "en": "37.2%", "uk": "37,2 %"}


@pytest.mark.parametrize("lang", ["da", "en", "uk"])
def test_before_after_shows_the_published_baseline_and_a_verdict(app_env, lang: str) -> None:
    at = open_page(PAGE, query={"lang": lang, "area": "UA-63"})
    assert not at.exception, [e.value for e in at.exception]
    metrics = {m.label: m.value for m in at.metric}
    baseline = [v for k, v in metrics.items() if k in ("Baseline", "Før (baseline)", "Базове опитування")]
    assert baseline == [BASELINE[lang]]
    verdicts = [m.value for m in at.markdown if "p = " in m.value]
    assert len(verdicts) == 1
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
    warnings = [w.value for w in at.warning]
    assert any("n not published for 6 of 32 figures" in w for w in warnings), warnings


def test_opt_in_or_other_scale_series_are_refused_with_the_reason(app_env) -> None:
    at = open_page(PAGE, query={"lang": "en", "area": "UA-63"})
    at.multiselect(key="trust__compare").set_value(["published:Tryghedsundersøgelsen (demo):trust_police"]).run()
    assert not at.exception, [e.value for e in at.exception]
    warnings = [w.value for w in at.warning]
    assert any("is not drawn" in w and "answer scale differs (4-point against 5-point)" in w for w in warnings), warnings
