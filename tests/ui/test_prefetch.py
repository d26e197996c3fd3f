"""ui.prefetch: every area's default crime view is computed once per data version, in the background."""
from __future__ import annotations

import threading
import time

import pytest

from tests.apptest import open_page
from ui import crime, data, prefetch
from ui.frame import DEFAULT_PRESET


@pytest.fixture
def prefetch_on(app_env, monkeypatch):
    monkeypatch.setenv("CSDASH_PREFETCH_VIEWS", "1")
    data.settings.clear()
    for cached in (data._cached_query, crime.offence_groups, crime.crime_view, crime.crime_figures, crime.crime_tables):
        cached.clear()
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


def test_the_charts_and_tables_are_prefetched_in_the_default_language(prefetch_on, monkeypatch) -> None:
    prefetch.prefetch_default_views(data.version_key(), pause_s=0)
    built, tabled = [], []
    real_figure, real_table = crime.trend_figure, crime.ranking_table
    monkeypatch.setattr(crime, "trend_figure", lambda *args, **kwargs: built.append(1) or real_figure(*args, **kwargs))
    monkeypatch.setattr(crime, "ranking_table", lambda *args, **kwargs: tabled.append(1) or real_table(*args, **kwargs))
    group, default = crime.offence_groups("DK-PK02")[0], data.settings().default_language
    figures = crime.crime_figures("DK-PK02", group, DEFAULT_PRESET, None, None, default)
    assert figures.trend is not None and figures.ranking is not None and figures.map is not None
    assert crime.crime_tables("DK-PK02", group, DEFAULT_PRESET, None, None, default).ranking.num_rows > 1
    assert built == [] and tabled == []
    assert crime.crime_figures("DK-PK02", group, DEFAULT_PRESET, None, None, "uk") is not None  # built when asked
    assert crime.crime_tables("DK-PK02", group, DEFAULT_PRESET, None, None, "uk") is not None
    assert built == [1] and tabled == [1]


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


def test_it_waits_while_a_session_script_runs(prefetch_on, queries) -> None:
    version = data.version_key()
    result: list[int] = []
    with prefetch.session_run():  # a session's script is running
        worker = threading.Thread(target=lambda: result.append(prefetch.prefetch_default_views(version, pause_s=0)))
        worker.start()
        worker.join(timeout=1.5)
        assert worker.is_alive() and not [name for name in queries if name.startswith("crime_")], queries
    worker.join(timeout=120)  # the script finished: it goes on
    assert not worker.is_alive() and result[0] >= 20


def test_a_script_that_stops_or_raises_is_counted_out(prefetch_on) -> None:
    with pytest.raises(RuntimeError):
        with prefetch.session_run():
            with prefetch.session_run():  # two sessions at once
                raise RuntimeError("st.rerun and st.stop leave by exceptions too")
    assert prefetch._running == 0
    assert prefetch._wait_for_quiet(data.version_key(), longest_s=0.1)


def test_constant_load_slows_it_down_but_does_not_stop_it(prefetch_on) -> None:
    with prefetch.session_run():
        started = time.monotonic()
        assert prefetch._wait_for_quiet(data.version_key(), longest_s=0.3)
        assert 0.3 <= time.monotonic() - started < 5


def test_the_overview_of_every_area_is_prefetched_for_the_default_period(prefetch_on, queries) -> None:
    from ui import overview
    from ui.frame import sidebar_period

    prefetch.prefetch_default_views(data.version_key(), pause_s=0)
    queries.clear()
    at = open_page("pages/overview.py", query={"lang": "da"})
    at.selectbox(key="frame__area").set_value("DK-K0751").run()
    assert not at.exception and "Aarhus" in at.title[0].value
    assert "area_summary" not in queries, queries
    assert overview.area_summary("DK-K0751", sidebar_period("last_12_months")).height == 5
