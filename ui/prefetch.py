"""Compute every area's default overview and crime view in the background, once per data version.

At a meeting several people open the dashboard together and each chooses their own area at
once. Each uncached crime view is ~100–150 ms of work on this 2-CPU machine (six queries, exact
Poisson comparisons, the baseline band of every period), so eight first choices at the same
moment queued behind each other for over a second (``bench/RESULTS.md``). After the first run on
a new data version, one background thread computes what a person first sees for every area of
the sidebar in the sidebar's default period: the overview's summary (a ~13 ms query) and the
crime view of its first offence group with its charts and tables in the default language, into
the shared cache (``ui.data.shared_per_version``); a first choice then reads it. Other groups, periods and languages are computed when asked. The thread stops when a
newer build appears; ``prefetch_views=0`` turns it off.

It only works while no session's script is running (``session_run``, around the entry script):
on 2 CPUs it competed with the sessions for the interpreter, and the overview page's reruns of
the first half minute after a start were slowed by it (``bench/RESULTS.md``).
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from streamlit.runtime.scriptrunner_utils.script_run_context import add_script_run_ctx, get_script_run_ctx

from ui import crime, data, overview
from ui.frame import DEFAULT_PRESET, sidebar_period

_LOGGER = logging.getLogger(__name__)
T = TypeVar("T")
# Seconds the thread sleeps between areas: what a finished run still sends goes first.
PAUSE_S = 0.05

# Seconds a step waits for the sessions at most: under constant load it still goes on, slowly
# (and a script that never finished cannot stop it for good).
LONGEST_WAIT_S = 5.0

_lock = threading.Lock()
_started: set[tuple[str, str]] = set()
# Scripts running now, in every session of this process.
_running = 0
_quiet = threading.Condition()


@contextmanager
def session_run() -> Iterator[None]:
    """Mark a session's script run (the whole entry script): the prefetch waits until none runs.

    ``st.rerun`` and ``st.stop`` leave through here too (as exceptions), and are counted out.
    """
    global _running
    with _quiet:
        _running += 1
    try:
        yield
    finally:
        with _quiet:
            _running -= 1
            if not _running:
                _quiet.notify_all()


def _wait_for_quiet(version: tuple[str, str], longest_s: float = LONGEST_WAIT_S) -> bool:
    """Block until no session's script runs, or ``longest_s`` passed; False if a newer build
    appeared meanwhile."""
    deadline = time.monotonic() + longest_s
    with _quiet:
        while _running and time.monotonic() < deadline:
            _quiet.wait(timeout=min(1.0, max(deadline - time.monotonic(), 0.0)))
            if data.version_key() != version:
                return False
    return data.version_key() == version


def start_prefetch() -> threading.Thread | None:
    """Start the background computation for the current data version, once per process.

    Returns:
        The thread started, or None (already started for this version, or switched off).
    """
    if not data.settings().prefetch_views or data.data_version() is None:
        return None
    version = data.version_key()
    with _lock:
        if version in _started:
            return None
        _started.add(version)
    thread = threading.Thread(target=prefetch_default_views, args=(version,), name="prefetch-views", daemon=True)
    # The cached functions it calls look up Streamlit's runtime through the run's context.
    add_script_run_ctx(thread, get_script_run_ctx())
    thread.start()
    return thread


class _NewerBuild(Exception):
    """A newer build appeared: this version's prefetch stops (the new one starts on its first run)."""


def _when_quiet(version: tuple[str, str], function: Callable[..., T], *args: object) -> T:
    """``function(*args)`` once no session's script runs (a step is ~10–80 ms of work)."""
    if not _wait_for_quiet(version):
        raise _NewerBuild
    return function(*args)


def prefetch_default_views(version: tuple[str, str], pause_s: float = PAUSE_S) -> int:
    """Compute each sidebar area's default overview and crime view while ``version`` is current.

    Returns:
        How many crime views were computed (areas without crime data have none).
    """
    done = 0
    language = data.settings().default_language
    period = sidebar_period(DEFAULT_PRESET)
    try:
        for area_code in data.query("areas_for_picker")["area_code"].to_list():
            try:
                _when_quiet(version, overview.area_summary, area_code, period)
                groups = crime.offence_groups(area_code)
                view = (area_code, groups[0], DEFAULT_PRESET, None, None) if groups else None
                if view and _when_quiet(version, crime.crime_view, *view) is not None:
                    _when_quiet(version, crime.crime_figures, *view, language)
                    _when_quiet(version, crime.crime_tables, *view, language)
                    done += 1
            except _NewerBuild:
                raise
            except Exception:  # one area's failure must not stop the others; the page will show it
                _LOGGER.exception("prefetching the views of %s failed", area_code)
            time.sleep(pause_s)
    except _NewerBuild:
        pass
    return done
