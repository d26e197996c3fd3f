"""ui.crime: the page's views, charts and tables, cached per data version and shared by sessions."""
from __future__ import annotations

import polars as pl

from pipelines.thread_safe_polars import to_arrow_table
from ui import crime, data
from ui.frame import DEFAULT_PRESET
from ui.i18n import translate


def test_offence_groups_put_burglary_first_and_are_shared(app_env) -> None:
    groups = crime.offence_groups("DK-PK02")
    assert groups[0] == crime.DEFAULT_GROUP and len(groups) == len(set(groups)) > 1
    assert isinstance(groups, tuple)  # shared by every session: nobody can change it
    assert crime.offence_groups("DK-PK02") is groups


def test_the_tables_are_the_views_tables_in_the_language(app_env) -> None:
    group = crime.offence_groups("DK-K0751")[0]  # Aarhus: ranked among its district's municipalities
    view = crime.crime_view("DK-K0751", group, DEFAULT_PRESET, None, None)
    for lang in ("da", "en", "uk"):
        words = lambda key, lang=lang: translate(lang, key)  # noqa: E731
        tables = crime.crime_tables("DK-K0751", group, DEFAULT_PRESET, None, None, lang)
        assert tables.ranking.equals(to_arrow_table(crime.ranking_table(view, lang, words)))
        assert tables.groups.equals(to_arrow_table(crime.groups_table(view, words)))
        assert tables.ranking.column_names[0] == translate(lang, "crime.col.area")
        headed = [translate(lang, f"crime.col.{key}") for key in ("period", "count", "rate", "band_low", "band_high")]
        assert tables.trend.column_names == headed
        assert tables.trend[headed[1]].to_pylist() == view.series["count"].to_list()
        assert tables.events.column_names == [translate(lang, f"crime.col.{key}") for key in ("event_date", "event", "source")]
        assert tables.events[translate(lang, "crime.col.event")].to_pylist() == view.events[f"label_{lang}"].to_list()
        assert crime.crime_tables("DK-K0751", group, DEFAULT_PRESET, None, None, lang) is tables
    # the ranking is ordered by rate, highest first, and Aarhus is among the municipalities
    rates = pl.from_arrow(tables.ranking)[translate("uk", "crime.col.rate")].drop_nulls().to_list()
    assert rates == sorted(rates, reverse=True) and len(rates) > 1


def test_no_tables_without_data(app_env) -> None:
    assert crime.crime_tables("DK-PK02", "no-such-group", DEFAULT_PRESET, None, None, "da") is None
    assert data.version_key()[1]  # the demo warehouse is built: None means no data, not no warehouse


def test_unknown_offence_labels_are_headed_in_the_language(app_env) -> None:
    rows = data.query("crime_unknown_offences")
    for lang in ("da", "en", "uk"):
        table = crime.unknown_offences(lang)
        assert table.column_names == [translate(lang, f"crime.col.{key}") for key in ("offence_name", "row_count", "total")]
        assert table.num_rows == rows.height
        assert table.column(0).to_pylist() == rows["offence_name"].to_list()
