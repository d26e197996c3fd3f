"""ui.trust on the demo warehouse: the Chuhuiv-like baseline reproduces the published 62.8 %.

Oracle: the Chuhuiv survey of January–February 2017 published 62.8 % who did not or rather did
not trust the police. The demo file is built to match it; here it is recomputed through ingest →
warehouse → ``analysis.survey.weighted_proportion`` (weighted, user-missing 9 excluded).
"""
from __future__ import annotations

import polars as pl

from ui import trust


def test_demo_baseline_distrust_is_the_published_62_8_percent(app_env) -> None:
    estimates = trust.trend("chuhuiv_trust_2017", "trust_police")
    baseline = estimates.filter((pl.col("area_code") == trust.ALL_AREAS) & (pl.col("wave") == "2017-baseline"))
    assert round(100 - baseline["value"][0], 1) == 62.8
    assert baseline["statistic"][0] == "percent"
    assert baseline["ci_low"][0] < baseline["value"][0] < baseline["ci_high"][0]


def test_before_after_is_an_independent_samples_test_of_first_and_last_wave(app_env) -> None:
    result = trust.before_after("chuhuiv_trust_2017", "trust_police")
    assert result.samples == "independent"
    assert (result.reference, result.value) == ("2017-baseline", "2017-followup")
    assert round(1 - result.estimate_reference, 3) == 0.628
    assert result.verdict in ("significant_increase", "significant_decrease", "no_significant_change")


def test_comparability_refuses_other_scales_and_accepts_identical_series(app_env) -> None:
    series = {s.key: s for s in trust.series_list()}
    microdata = series["microdata:chuhuiv_trust_2017:trust_police"]
    published = series["published:Tryghedsundersøgelsen (demo):trust_police"]
    verdicts = dict((other.key, c) for other, c in trust.comparisons(microdata, [published, microdata]))
    assert verdicts[published.key].reasons == ("different_scale",)
    assert microdata.key not in verdicts
