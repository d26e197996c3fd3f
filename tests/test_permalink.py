"""A copied URL reopens the same view: language, area and period come back from the query."""
from __future__ import annotations

from tests.apptest import open_page


def test_permalink_restores_language_area_and_period(app_env):
    at = open_page(query={"lang": "en", "area": "DK-K0751", "period": "custom", "from": "2020-01-01", "to": "2020-06-30"})
    assert not at.exception
    assert at.session_state["frame__lang"] == "en"
    assert at.session_state["frame__area"] == "DK-K0751"
    assert at.session_state["frame__period"] == "custom"
    frame = at.session_state["frame"]
    assert (frame.period.start.isoformat(), frame.period.end.isoformat()) == ("2020-01-01", "2020-06-30")
    assert at.title[0].value == "Overview: Aarhus"
    assert dict(at.query_params) == {"lang": ["en"], "area": ["DK-K0751"], "period": ["custom"], "from": ["2020-01-01"], "to": ["2020-06-30"]} or \
        dict(at.query_params) == {"lang": "en", "area": "DK-K0751", "period": "custom", "from": "2020-01-01", "to": "2020-06-30"}


def test_choices_are_written_to_the_url(app_env):
    at = open_page(query={"lang": "da"})
    at.selectbox(key="frame__area").set_value("DK-PK08")
    at.selectbox(key="frame__period").set_value("last_year")
    at.selectbox(key="frame__lang").set_value("uk")
    at.run()
    params = {k: (v[0] if isinstance(v, list) else v) for k, v in dict(at.query_params).items()}
    assert params == {"lang": "uk", "area": "DK-PK08", "period": "last_year"}
    assert at.title[0].value.startswith("Огляд")


def test_unknown_values_in_the_url_fall_back_to_defaults(app_env):
    at = open_page(query={"lang": "xx", "area": "NOWHERE", "period": "forever"})
    assert not at.exception
    assert at.session_state["frame__area"] == "DK-PK02"
    assert at.session_state["frame__period"] == "last_12_months"
