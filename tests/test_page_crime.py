"""The crime page on the demo warehouse, in three languages, against hand-written SQL."""
from __future__ import annotations

import pytest

from pipelines.warehouse import open_warehouse
from tests.apptest import open_page


def _expected_burglary_last_12_months(settings) -> int:
    """Østjyllands Politi's burglaries in the 12 months up to the latest month, summed by hand."""
    con = open_warehouse(settings.warehouse_path)
    try:
        return con.cursor().execute(
            """
            with district as (select area_code from areas where parent_code = 'DK-PK02'),
                 rows as (select * from crime_counts where offence_code = 'burglary_home' and period_type = 'month'
                          and area_code in (select area_code from district)),
                 latest as (select max(period_start) as last_start from rows)
            select sum(count) from rows, latest
            where period_start > last_start - interval 12 month and period_start <= last_start
            """
        ).fetchone()[0]
    finally:
        con.close()


@pytest.mark.parametrize(
    ("lang", "count_label", "separator"),
    [("da", "Anmeldte forbrydelser", "."), ("en", "Reported offences", ","), ("uk", "Зареєстровані злочини", "\u00a0")],
)
def test_crime_page_headline_follows_area_period_and_language(app_env, lang, count_label, separator) -> None:
    at = open_page("pages/crime.py", query={"lang": lang, "area": "DK-PK02", "period": "last_12_months"})
    assert not at.exception
    expected = _expected_burglary_last_12_months(app_env)
    metric = next(m for m in at.metric if m.label == count_label)
    assert metric.value.replace(separator, "").replace(" ", "") == str(expected)
    assert at.query_params["offence"] in (["burglary"], "burglary")
    assert len(at.get("plotly_chart")) == 3  # trend, ranking, map
    assert len(at.dataframe) >= 5  # every chart has its table, plus the CompStat table
    assert any("p = " in m.value for m in at.markdown)


def test_offence_choice_is_read_from_the_permalink(app_env) -> None:
    at = open_page("pages/crime.py", query={"lang": "en", "area": "DK-PK02", "period": "last_year", "offence": "drugs"})
    assert not at.exception
    assert at.selectbox(key="crime__offence").value == "drugs"
    assert at.query_params["offence"] in (["drugs"], "drugs")
    assert "Drug offences" in at.selectbox(key="crime__offence").options


def test_weekly_only_data_are_shown_in_iso_weeks(fresh_settings, monkeypatch) -> None:
    """A district that reports only ISO weeks: the page uses weeks instead of failing."""
    from datetime import date, timedelta

    from pipelines.build import build_warehouse
    from pipelines.ingest import ingest_paths
    from tests.conftest import REPO_ROOT
    from ui import data

    source = fresh_settings.data_dir.parent / "weekly.csv"
    source.parent.mkdir(parents=True, exist_ok=True)
    monday = date.fromisocalendar(2023, 1, 1)
    rows = ["area,offence,period,count"]
    for week in range(104):  # ISO 2023W01 … 2024W52
        iso = (monday + timedelta(weeks=week)).isocalendar()
        rows.append(f"Aarhus,Indbrud i beboelser,{iso.year}W{iso.week:02d},{week % 7 + 1}")
    source.write_text("\n".join(rows) + "\n", encoding="utf-8")
    [result] = ingest_paths([source], settings=fresh_settings)
    assert result.outcome == "accepted", result.message
    build_warehouse(fresh_settings)
    monkeypatch.setenv("CSDASH_DATA_DIR", str(fresh_settings.data_dir))
    monkeypatch.chdir(REPO_ROOT)
    data.settings.clear()
    at = open_page("pages/crime.py", query={"lang": "en", "area": "DK-K0751", "period": "last_12_months"})
    assert not at.exception, at.exception
    # The latest 52 weeks (2024W01 … 2024W52) summed by hand: weeks 52 … 103 of the cycle above.
    expected = sum(week % 7 + 1 for week in range(52, 104))
    metric = next(m for m in at.metric if m.label == "Reported offences")
    assert metric.value.replace(",", "") == str(expected)
    assert any("weekly data (ISO weeks)" in c.value for c in at.caption)


def test_a_municipality_is_ranked_among_its_districts_municipalities(app_env) -> None:
    """Aarhus: the ranking lists every municipality of Østjyllands Politi, Aarhus included."""
    con = open_warehouse(app_env.warehouse_path)
    try:
        district = {r[0] for r in con.cursor().execute("select area_name from areas where parent_code = 'DK-PK02'").fetchall()}
    finally:
        con.close()
    at = open_page("pages/crime.py", query={"lang": "da", "area": "DK-K0751", "period": "last_12_months"})
    assert not at.exception, at.exception
    tables = [d.value for d in at.dataframe]
    ranking = next(t for t in tables if len(t) == len(district) and set(t.iloc[:, 0]) == district)
    assert "Aarhus" in set(ranking.iloc[:, 0])
