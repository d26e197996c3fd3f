"""Respondent-level survey readers, through the real ingest and build, on the real ESS files.

Oracles: the ESS reference values in ``shared/realdata/MANIFEST.md`` (weighted mean of
``trstplc`` with ``pspwght`` 7.5659; men 7.5038, women 7.6329; 3 missing answers), and the
course's published country means ``ess2018_country_mean_trust.csv`` (19 countries, 4 decimals).
"""
from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import polars as pl
import pyreadstat
import pytest

from pipelines.build import build_warehouse
from pipelines.errors import IngestRejected
from pipelines.ingest import ingest_paths
from pipelines.readers.survey import read_survey_microdata, sniff_survey_microdata
from pipelines.settings import load_settings
from pipelines.warehouse import open_warehouse
from tests.realdata import REALDATA

REPO = Path(__file__).resolve().parents[2]
ESS = REALDATA / "survey_ess"
NORWAY = "ESS9NO_round9_norway_full.dta"
EXTRACT = "ess2018_extract_trust_police_weight.csv"


def _with_description(folder: Path, name: str) -> Path:
    shutil.copy(ESS / name, folder / name)
    shutil.copy(REPO / "data" / "surveys" / f"{name}.survey.toml", folder / f"{name}.survey.toml")
    return folder / name


@pytest.fixture(scope="module")
def ess_warehouse(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("ess")
    inbox = root / "in"
    inbox.mkdir()
    _with_description(inbox, NORWAY)
    _with_description(inbox, EXTRACT)
    settings = replace(load_settings(), data_dir=root / "data")
    results = ingest_paths([inbox], settings=settings)
    build_warehouse(settings)
    con = open_warehouse(settings.warehouse_path)
    yield con, results
    con.close()


def test_both_ess_files_and_their_descriptions_are_accepted(ess_warehouse) -> None:
    _, results = ess_warehouse
    outcomes = {r.file_name: (r.outcome, r.kind) for r in results}
    assert outcomes[NORWAY] == ("accepted", "survey_microdata")
    assert outcomes[EXTRACT] == ("accepted", "survey_microdata")
    assert outcomes[f"{NORWAY}.survey.toml"] == ("accepted", "survey_description")
    norway = next(r for r in results if r.file_name == NORWAY)
    assert any("latin-1" in notice for notice in norway.notices), norway.notices


def test_norway_weighted_trust_mean_from_the_warehouse_matches_the_manifest(ess_warehouse) -> None:
    con, _ = ess_warehouse
    rows = con.sql(
        """
        select g.value as gndr, sum(r.weight * a.value) / sum(r.weight) as mean, count(*) as n
        from survey_answers a
        join survey_respondents r using (survey_id, wave, respondent_id)
        join survey_answers g using (survey_id, wave, respondent_id)
        where a.survey_id = 'ess9_no' and a.item = 'trstplc' and g.item = 'gndr' and a.value is not null
        group by grouping sets ((), (g.value))
        """
    ).pl()
    overall = rows.filter(pl.col("gndr").is_null())
    assert round(overall["mean"][0], 4) == 7.5659
    assert overall["n"][0] == 1406 - 3
    by_sex = dict(zip(rows.drop_nulls("gndr")["gndr"], rows.drop_nulls("gndr")["mean"]))
    assert round(by_sex[1.0], 4) == 7.5038  # male
    assert round(by_sex[2.0], 4) == 7.6329  # female


def test_stata_extended_missing_becomes_null_with_its_code_kept(ess_warehouse) -> None:
    con, _ = ess_warehouse
    missing = con.sql(
        "select missing_code, count(*) as n, count(value) as with_value from survey_answers "
        "where survey_id = 'ess9_no' and item = 'trstplc' and missing_code is not null group by 1 order by 1"
    ).pl()
    assert missing.rows() == [(".b", 1, 0), (".c", 2, 0)]
    item = con.execute("select value_labels, missing_codes, label, wording_uk from survey_items where survey_id = 'ess9_no' and item = 'trstplc'").fetchall()[0]
    labels = json.loads(item[0])
    assert labels["0"] == "No trust at all" and labels["10"] == "Complete trust" and labels[".c"] == "Don't know"
    assert json.loads(item[1]) == [".b", ".c", ".d"]
    assert item[2] == "Trust in the police"
    assert item[3].startswith("Наскільки")


def test_extract_weighted_country_means_match_the_published_course_means(ess_warehouse) -> None:
    con, _ = ess_warehouse
    means = con.sql(
        """
        select json_extract_string(i.value_labels, '$."' || cast(cast(c.value as integer) as varchar) || '"') as country,
               sum(r.weight * a.value) / sum(r.weight) as mean
        from survey_answers a
        join survey_respondents r using (survey_id, wave, respondent_id)
        join survey_answers c using (survey_id, wave, respondent_id)
        join survey_items i on i.survey_id = c.survey_id and i.item = c.item
        where a.survey_id = 'ess9_extract' and a.item = 'trust_police' and c.item = 'country' and a.value is not null
        group by 1
        """
    ).pl()
    oracle = pl.read_csv(ESS / "ess2018_country_mean_trust.csv").rename({"": "country"})
    joined = oracle.join(means, on="country", how="left")
    assert joined.height == 19 and joined["mean"].null_count() == 0
    for country, published, ours in joined.select("country", "trust_police", "mean").iter_rows():
        assert round(ours, 4) == round(published, 4), country


def test_age_is_grouped_at_the_description_bins(ess_warehouse) -> None:
    con, _ = ess_warehouse
    labels = json.loads(con.execute("select value_labels from survey_items where survey_id = 'ess9_no' and item = 'agea'").fetchall()[0][0])
    assert labels == {"1": "15–29", "2": "30–44", "3": "45–64", "4": "65+"}
    young = con.execute("select count(*) from survey_answers where survey_id = 'ess9_no' and item = 'agea' and value = 1").fetchall()[0][0]
    frame, _ = pyreadstat.read_dta(str(ESS / NORWAY), usecols=["agea"], encoding="latin1")
    assert young == int(((frame["agea"] >= 15) & (frame["agea"] < 30)).sum())


def test_a_data_file_without_description_is_rejected_with_the_expected_name(tmp_path: Path) -> None:
    shutil.copy(ESS / NORWAY, tmp_path / NORWAY)
    assert sniff_survey_microdata(tmp_path / NORWAY, "")
    with pytest.raises(IngestRejected) as caught:
        read_survey_microdata(tmp_path / NORWAY)
    assert f"{NORWAY}.survey.toml" in caught.value.hint


def test_a_csv_with_a_negative_weight_is_rejected_at_its_line_and_column(tmp_path: Path) -> None:
    data = tmp_path / "small.csv"
    data.write_text("id,trust,w\n1,3,1.0\n2,4,-0.5\n", encoding="utf-8")
    (tmp_path / "small.survey.toml").write_text(
        '[survey]\nid = "small"\nname = "Small"\nmode = "web"\nsample_type = "opt-in"\nweight = "w"\nrespondent_id = "id"\n'
        '[wave]\nfixed = "w1"\n[[waves]]\nid = "w1"\nlabel = "Wave 1"\n'
        '[[items]]\nvariable = "trust"\nindicator = "trust_police"\nscale = "4-point"\ntop_box = [3, 4]\n'
        'wording = { da = "Tillid?", en = "Trust?", uk = "Довіра?" }\n',
        encoding="utf-8",
    )
    with pytest.raises(IngestRejected) as caught:
        read_survey_microdata(data)
    assert (caught.value.line, caught.value.column) == (3, "w")


def test_a_description_naming_a_missing_variable_is_rejected_naming_it(tmp_path: Path) -> None:
    data = tmp_path / "small.csv"
    data.write_text("id,trust\n1,3\n", encoding="utf-8")
    (tmp_path / "small.csv.survey.toml").write_text(
        '[survey]\nid = "small"\nname = "Small"\nmode = "web"\nsample_type = "probability"\n'
        '[wave]\nfixed = "w1"\n[[waves]]\nid = "w1"\nlabel = "Wave 1"\n'
        '[[items]]\nvariable = "trust_in_police"\nindicator = "trust_police"\nscale = "4-point"\n'
        'wording = { da = "Tillid?", en = "Trust?", uk = "Довіра?" }\n',
        encoding="utf-8",
    )
    with pytest.raises(IngestRejected) as caught:
        read_survey_microdata(data)
    assert caught.value.column == "trust_in_police" and caught.value.line == 1
