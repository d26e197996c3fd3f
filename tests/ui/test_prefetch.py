"""ui.prefetch: every area's default crime view is computed once per data version, in the background."""
from __future__ import annotations

import threading

import pytest

from tests.apptest import open_page
from ui import crime, data, prefetch
from ui.frame import DEFAULT_PRESET


@pytest.fixture
def prefetch_on(app_env, monkeypatch):
    monkeypatch.setenv("CSDASH_PREFETCH_VIEWS", "1")
    data.settings.clear()
    crime.crime_view.clear()
    crime.crime_figures.clear()
    monkeypatch.setattr(prefetch, "_started", set())
    yield app_env
    data.settings.clear()


@pytest.fixture
def queries(monkeypatch):
    """The names of the warehouse queries run from now on."""
    names: list[str] = []
    real = data.run_query
    monkeypatch.setattr(data, "run_query", lambda con, name, **params: names.append(name) or real(con, name, **params))
    return names


def test_every_area_with_crime_data_gets_its_default_view(prefetch_on, queries) -> None:
    areas = data.query("areas_for_picker")["area_code"].to_list()
    with_crime = [code for code in areas if crime.offence_groups(code)]
    assert len(with_crime) >= 20  # the demo: its districts, their municipalities, regions, the country
    done = prefetch.prefetch_default_views(data.version_key(), pause_s=0)
    assert done == len(with_crime)
    queries.clear()
    for code in with_crime:  # what the crime page asks for when an area is first chosen
        assert crime.crime_view(code, crime.offence_groups(code)[0], DEFAULT_PRESET, None, None) is not None
    assert queries == []  # all answered from the shared cache


def test_the_charts_are_prefetched_in_the_default_language(prefetch_on, monkeypatch) -> None:
    prefetch.prefetch_default_views(data.version_key(), pause_s=0)
    built = []
    real = crime.trend_figure
    monkeypatch.setattr(crime, "trend_figure", lambda *args, **kwargs: built.append(1) or real(*args, **kwargs))
    group = crime.offence_groups("DK-PK02")[0]
    figures = crime.crime_figures("DK-PK02", group, DEFAULT_PRESET, None, None, data.settings().default_language)
    assert figures.trend is not None and figures.ranking is not None and figures.map is not None
    assert built == []
    assert crime.crime_figures("DK-PK02", group, DEFAULT_PRESET, None, None, "uk") is not None  # built when asked
    assert built == [1]


def test_a_first_choice_on_the_crime_page_runs_no_crime_query_after_the_prefetch(prefetch_on, queries) -> None:
    at = open_page("pages/crime.py", query={"lang": "da"})
    thread = next(t for t in threading.enumerate() if t.name == "prefetch-views")
    thread.join(timeout=120)
    assert not thread.is_alive()
    queries.clear()
    at.selectbox(key="frame__area").set_value("DK-K0751").run()  # Aarhus, never opened in this test
    assert not at.exception
    assert "Aarhus" in at.title[0].value
    assert not [name for name in queries if name.startswith("crime_")], queries


def test_started_once_per_data_version_and_not_when_switched_off(prefetch_on, monkeypatch) -> None:
    started = []
    monkeypatch.setattr(prefetch, "prefetch_default_views", lambda version: started.append(version))
    first = prefetch.start_prefetch()
    first.join(timeout=10)
    assert prefetch.start_prefetch() is None  # same version: not again
    assert started == [data.version_key()]
    monkeypatch.setenv("CSDASH_PREFETCH_VIEWS", "0")
    data.settings.clear()
    monkeypatch.setattr(prefetch, "_started", set())
    assert prefetch.start_prefetch() is None
