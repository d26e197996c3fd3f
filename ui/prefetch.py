"""Compute every area's default crime view in the background, once per data version.

At a meeting several people open the dashboard together and each chooses their own area at
once. Each uncached crime view is ~100–150 ms of work on this 2-CPU machine (six queries, exact
Poisson comparisons, the baseline band of every period), so eight first choices at the same
moment queued behind each other for over a second (``bench/RESULTS.md``). After the first run on
a new data version, one background thread computes the view a person first sees for every area
of the sidebar (its first offence group, the sidebar's default period) and its charts in the
default language into the shared cache (``ui.data.shared_per_version``); a first choice then
reads it. Other groups, periods and languages are computed when asked. The thread pauses
between areas, so that sessions keep the CPU, and stops when a newer build appears.
``prefetch_views=0`` turns it off.
"""
from __future__ import annotations

import logging
import threading
import time

from streamlit.runtime.scriptrunner_utils.script_run_context import add_script_run_ctx, get_script_run_ctx

from ui import crime, data
from ui.frame import DEFAULT_PRESET

_LOGGER = logging.getLogger(__name__)
# Seconds the thread sleeps between areas: the sessions' runs go first.
PAUSE_S = 0.05

_lock = threading.Lock()
_started: set[tuple[str, str]] = set()


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


def prefetch_default_views(version: tuple[str, str], pause_s: float = PAUSE_S) -> int:
    """Compute each sidebar area's default crime view while ``version`` is current.

    Returns:
        How many views were computed (areas without crime data have none).
    """
    done = 0
    for area_code in data.query("areas_for_picker")["area_code"].to_list():
        if data.version_key() != version:
            return done  # a newer build: its own thread starts on its first run
        try:
            groups = crime.offence_groups(area_code)
            if groups and crime.crime_view(area_code, groups[0], DEFAULT_PRESET, None, None) is not None:
                crime.crime_figures(area_code, groups[0], DEFAULT_PRESET, None, None, data.settings().default_language)
                done += 1
        except Exception:  # one area's failure must not stop the others; the page will show it
            _LOGGER.exception("prefetching the crime view of %s failed", area_code)
        time.sleep(pause_s)
    return done
