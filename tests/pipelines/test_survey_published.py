"""Published survey figures: the three real files and the template, with rejections."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from pipelines.errors import IngestRejected
from pipelines.kinds import recognise
from pipelines.readers.survey_published import (
    PUBLISHED_TEMPLATE,
    read_chicago_sentiment,
    read_dk_tryghed,
    read_published_template,
    read_ua_trust,
)
from tests.realdata import REALDATA

REPO = Path(__file__).resolve().parents[2]
DK = REALDATA / "dk_tryghed" / "tryghedsundersoegelse_published_figures.csv"
UA = REALDATA / "ua_trust_police" / "ukraine_trust_national_police_published.csv"
CHICAGO = REALDATA / "chicago_sentiment" / "Police_Sentiment_Scores.csv"


def test_each_real_file_is_recognised_as_its_kind() -> None:
    assert recognise(DK).name == "survey_published_dk_tryghed"
    assert recognise(UA).name == "survey_published_ua"
    assert recognise(CHICAGO).name == "survey_published_chicago"


def test_tryghed_keeps_all_47_figures_with_n_only_where_published() -> None:
    frame = read_dk_tryghed(DK).tables["raw_survey_published"]
    assert frame.height == 47
    row = frame.filter((pl.col("area_label") == "Midt- og Vestsjællands Politi") & (pl.col("indicator") == "trust_police")
                       & (pl.col("period_start") == date(2022, 1, 1)))
    assert row["value"].to_list() == [84.9] and row["n"].to_list() == [None]
    national = frame.filter((pl.col("area_label") == "Hele landet") & (pl.col("wave_label") == "2021") & (pl.col("indicator") == "feel_safe_neighbourhood"))
    assert national["n"].to_list() == [27510]
    women = frame.filter(pl.col("breakdown_value") == "female")
    assert women.select("area_label", "value").rows() == [("Hele landet", 89.0)]
    assert frame.filter(pl.col("period_start").is_null()).height == 4  # the TV2 rows without a year


def test_ukrainian_polls_give_trust_distrust_and_balance_with_periods() -> None:
    frame = read_ua_trust(UA).tables["raw_survey_published"]
    sofia = frame.filter((pl.col("indicator") == "trust_police") & (pl.col("wave_label") == "2017-05-26/2017-06-01"))
    assert sofia.select("value", "n", "period_start", "period_end").rows() == [(23.3, 1217, date(2017, 5, 26), date(2017, 6, 1))]
    kiis = frame.filter((pl.col("indicator") == "distrust_police") & (pl.col("wave_label") == "2018-11/2018-12"))
    assert kiis.select("value", "period_start", "period_end").rows() == [(64.7, date(2018, 11, 1), date(2018, 12, 31))]
    undated = frame.filter(pl.col("wave_label") == "unknown (2020/2021)")
    assert undated["period_start"].null_count() == undated.height > 0


def test_chicago_scores_are_means_from_an_opt_in_sample_with_us_dates() -> None:
    parsed = read_chicago_sentiment(CHICAGO)
    frame = parsed.tables["raw_survey_published"]
    assert set(frame["statistic"]) == {"mean"} and set(frame["sample_type"]) == {"opt-in"} and set(frame["scale"]) == {"0-100"}
    assert frame["n"].null_count() == frame.height
    first = frame.filter((pl.col("area_label") == "Chicago police area SOUTH") & (pl.col("indicator") == "feel_safe_neighbourhood")
                         & pl.col("breakdown").is_null() & (pl.col("period_start") == date(2017, 12, 10)))
    assert first.select("value", "period_end").rows() == [(65.88, date(2017, 12, 16))]
    listen = frame.filter((pl.col("indicator") == "police_listen") & (pl.col("breakdown") == "sex"))
    assert set(listen["breakdown_value"]) <= {"female", "male"} and listen.height > 0
    assert any("repeated" in n for n in parsed.notices)


def test_template_rejects_a_percent_above_100_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "figures.csv"
    path.write_text(
        "source,indicator,area,period,statistic,value,n,scale,sample_type\n"
        "Tryghed,trust_police,Aarhus,2023,percent,86.5,412,5-point,probability\n"
        "Tryghed,trust_police,Randers,2023,percent,186.5,,5-point,probability\n",
        encoding="utf-8",
    )
    assert recognise(path).name == "survey_published_template"
    with pytest.raises(IngestRejected) as caught:
        read_published_template(path)
    assert (caught.value.line, caught.value.column) == (3, "value")


def test_template_file_and_readme_follow_the_spec() -> None:
    committed = REPO / "data" / "templates" / "survey_published.csv"
    rows = read_published_template(committed).tables["raw_survey_published"]
    assert rows.height >= 2
    readme = (REPO / "data" / "templates" / "README.md").read_text(encoding="utf-8")
    assert PUBLISHED_TEMPLATE.describe() in readme
