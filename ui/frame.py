"""The sidebar frame every page shares: language, area and period, mirrored in the URL.

On a session's first run the frame is read from ``st.query_params`` (so a copied link reopens
the same view); on every run the chosen values are written back. Pages read the frame with
``current_frame()`` and translate with ``t()``.
"""
from __future__ import annotations

import re
import sys
from collections.abc import Container
from dataclasses import dataclass
from datetime import date

import polars as pl
import streamlit as st

from analysis.errors import AnalysisError
from analysis.periods import PRESETS, Period, period_of, resolve_preset
from ui import data
from ui.i18n import LANGUAGES, format_day, translate

DEFAULT_AREA = "DK-PK02"  # Østjyllands Politi, the seed plan's first district
DEFAULT_PRESET = "last_12_months"
KEY_LANG, KEY_AREA, KEY_PERIOD, KEY_FROM, KEY_TO = "frame__lang", "frame__area", "frame__period", "frame__from", "frame__to"


@dataclass(frozen=True)
class Frame:
    """What the user chose in the sidebar."""

    lang: str
    area_code: str
    area_name: str
    period: Period
    preset: str


def lang() -> str:
    chosen = st.session_state.get(KEY_LANG)
    if chosen in LANGUAGES:
        return chosen
    wanted = st.query_params.get("lang")
    return wanted if wanted in LANGUAGES else data.settings().default_language


def t(key: str, **params: object) -> str:
    """Translate ``key`` into the session's language."""
    return translate(lang(), key, **params)


def area_label(row: dict, language: str) -> str:
    """An area's display name in a language.

    Danish areas keep their Danish name in Danish; a foreign area shown in Danish uses its
    English (Latin-script) name, as Danish texts write "Kharkiv oblast", not "Харківська область".
    """
    if language == "en" and row.get("name_en"):
        return row["name_en"]
    if language == "uk" and row.get("name_uk"):
        return row["name_uk"]
    if language == "da" and row.get("country") not in (None, "DK") and row.get("name_en"):
        return row["name_en"]
    return row["area_name"]


def ordered_areas(areas: pl.DataFrame) -> list[tuple[str, int]]:
    """Area codes in tree order (parent, then its children) with their depth, for the picker."""
    children: dict[str | None, list[str]] = {}
    for row in areas.sort("area_code").iter_rows(named=True):
        children.setdefault(row["parent_code"], []).append(row["area_code"])
    codes = set(areas["area_code"])
    roots = [c for parent, kids in children.items() if parent is None or parent not in codes for c in kids]
    out: list[tuple[str, int]] = []

    def walk(code: str, depth: int) -> None:
        out.append((code, depth))
        for child in children.get(code, []):
            walk(child, depth + 1)

    for root in sorted(roots, key=lambda c: (c != "DK", c)):
        walk(root, 0)
    return out


@dataclass(frozen=True)
class AreaPicker:
    """The area picker's content in one language (the same for every session and rerun).

    Attributes:
        rows: area code → its ``areas_for_picker`` row (read only).
        options: area codes in tree order (``ordered_areas``).
        labels: area code → its option text, indented by its depth.
    """

    rows: dict[str, dict]
    options: tuple[str, ...]
    labels: dict[str, str]


@data.shared_per_version(max_entries=8)
def area_picker(language: str) -> AreaPicker:
    """The picker for ``language``, built once per data version: the tree walk and a label per
    area were ~10 ms of every rerun of every page (124 areas at national scale)."""
    areas = data.query("areas_for_picker")
    rows = {r["area_code"]: r for r in areas.iter_rows(named=True)}
    tree = ordered_areas(areas)
    return AreaPicker(rows, tuple(code for code, _ in tree),
                      {code: "\u2003" * depth + area_label(rows[code], language) for code, depth in tree})


@data.shared_per_version(max_entries=2)
def _latest_data_day() -> date | None:
    spans = data.query("data_periods").drop_nulls("last_end")
    return spans["last_end"].max() if spans.height else None


def latest_data_day() -> date:
    """The last day any topic has data for (today without data)."""
    return _latest_data_day() or date.today()


def sidebar_period(preset: str, custom_start: date | None = None, custom_end: date | None = None) -> Period:
    """The period a sidebar preset stands for: in months, up to the month of the newest data (a
    topic with coarser data re-resolves the preset itself).

    Raises:
        AnalysisError: a custom span that cannot be resolved.
    """
    return resolve_preset(preset, latest=period_of(latest_data_day(), "month"), custom_start=custom_start, custom_end=custom_end)


def _seed_from_url(area_codes: Container[str]) -> None:
    """Copy the URL's view into the widgets' state once per session."""
    if st.session_state.get("frame__seeded"):
        return
    params = st.query_params
    # Pages read their own parameters (page_param) after the sidebar has rewritten the URL.
    st.session_state["frame__url_at_start"] = params.to_dict()
    if params.get("lang") in LANGUAGES:
        st.session_state[KEY_LANG] = params["lang"]
    if params.get("area") in area_codes:
        st.session_state[KEY_AREA] = params["area"]
    if params.get("period") in PRESETS:
        st.session_state[KEY_PERIOD] = params["period"]
    for key, name in ((KEY_FROM, "from"), (KEY_TO, "to")):
        try:
            st.session_state[key] = date.fromisoformat(params.get(name, ""))
        except ValueError:
            pass
    st.session_state["frame__seeded"] = True


def sidebar_frame_ui() -> Frame:
    """Draw language, area and period pickers in the sidebar and mirror them in the URL."""
    _seed_from_url(area_picker(lang()).rows)
    language = lang()
    st.session_state[KEY_LANG] = language
    with st.sidebar:
        st.selectbox(translate(language, "frame.language"), list(LANGUAGES), format_func=LANGUAGES.get, key=KEY_LANG)
        language = st.session_state[KEY_LANG]
        picker = area_picker(language)
        rows, options = picker.rows, picker.options
        if st.session_state.get(KEY_AREA) not in rows:
            st.session_state[KEY_AREA] = DEFAULT_AREA if DEFAULT_AREA in rows else (options[0] if options else None)
        st.selectbox(translate(language, "frame.area"), options, format_func=picker.labels.__getitem__, key=KEY_AREA)
        if st.session_state.get(KEY_PERIOD) not in PRESETS:
            st.session_state[KEY_PERIOD] = DEFAULT_PRESET
        st.selectbox(
            translate(language, "frame.period"),
            list(PRESETS),
            format_func=lambda preset: translate(language, f"frame.preset.{preset}"),
            key=KEY_PERIOD,
        )
        latest = latest_data_day()
        preset = st.session_state[KEY_PERIOD]
        custom_start = custom_end = None
        if preset == "custom":
            st.session_state.setdefault(KEY_FROM, date(latest.year, 1, 1))
            st.session_state.setdefault(KEY_TO, latest)
            custom_start = st.date_input(translate(language, "frame.from"), key=KEY_FROM, format="YYYY-MM-DD")
            custom_end = st.date_input(translate(language, "frame.to"), key=KEY_TO, format="YYYY-MM-DD")
        try:
            period = sidebar_period(preset, custom_start, custom_end)
        except AnalysisError as error:
            st.warning(f"{error.title} {error.detail}")
            preset = DEFAULT_PRESET
            period = sidebar_period(preset)
        span = translate(language, "frame.period_span", start=format_day(language, period.start), end=format_day(language, period.end))
        # "1. okt. 2025" would otherwise be read as a numbered Markdown list.
        st.caption(re.sub(r"^(\d+)\.", r"\1\\.", span))
    area_code = st.session_state[KEY_AREA]
    query = {"lang": language, "area": area_code, "period": preset}
    if preset == "custom":
        query.update({"from": period.start.isoformat(), "to": period.end.isoformat()})
    query.update(st.session_state.get("frame__page_params", {}))
    if dict(st.query_params) != query:
        st.query_params.from_dict(query)
    frame = Frame(language, area_code, area_label(rows[area_code], language) if area_code in rows else area_code, period, preset)
    st.session_state["frame"] = frame
    return frame


def page_param(name: str, *, key: str, options: list[str], default: str) -> str:
    """Seed a page-level widget from the URL once, so its choice is part of the permalink.

    Call before drawing the widget with ``key=key``; then call ``keep_page_param``.

    Args:
        name: the URL parameter (e.g. ``offence``).
        key: the widget's session-state key (e.g. ``crime__offence``).
        options: the values the widget offers; anything else in the URL is ignored.
        default: used when neither the session nor the URL holds a valid value.

    Returns:
        The value the widget will show.
    """
    state = st.session_state
    if state.get(key) not in options:
        wanted = state.get("frame__url_at_start", {}).get(name)
        state[key] = wanted if wanted in options else (default if default in options else options[0])
    return state[key]


def keep_page_param(name: str, value: str) -> None:
    """Mirror a page-level choice in ``st.query_params`` (the sidebar keeps it on later runs)."""
    st.session_state.setdefault("frame__page_params", {})[name] = value
    if st.query_params.get(name) != value:
        st.query_params[name] = value


def leave_legacy_pages_mode() -> None:
    """Rerun at once if Streamlit ran the entry script in its legacy ``pages/`` folder mode.

    On a server process's very first run Streamlit wraps ``dashboard.py`` as a page of the
    ``pages/`` folder (multipage v1) and only switches that off once ``st.navigation`` has been
    called. Widget IDs include the running script's hash, which differs between that wrapped
    first run and every later run, so the first click or choice of the first session after a
    server start was silently dropped (a "Sign in" click did nothing, the sidebar jumped back).
    Call first thing in the entry script: the legacy mode is switched off and the run restarts
    as every later one, before any widget is drawn.
    """
    from streamlit.runtime.pages_manager import PagesManager

    # Asked per run, not only through the process-wide flag: when several sessions start
    # together on a fresh server, the first one clears the flag while the others' first runs
    # are already wrapped, and those runs must restart too (their first choice was dropped).
    if PagesManager.uses_pages_directory or _run_is_wrapped_as_legacy_page():
        PagesManager.uses_pages_directory = False
        st.rerun()


def _run_is_wrapped_as_legacy_page() -> bool:
    """Whether Streamlit's legacy ``pages/`` handling (``_mpa_v1``) is running this script."""
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_name == "_mpa_v1":
            return True
        frame = frame.f_back
    return False


def current_frame() -> Frame:
    """The frame the entry script drew for this rerun.

    On a server process's very first run Streamlit still applies its legacy handling of a
    ``pages/`` folder and may run a page without ``dashboard.py`` (it only switches that off
    once ``st.navigation`` has been called). A page reached that way reruns the app through the
    entry script, which restores the frame and keeps the requested page.
    """
    if "frame" not in st.session_state:
        from streamlit.runtime.pages_manager import PagesManager

        PagesManager.uses_pages_directory = False
        st.rerun()
    return st.session_state["frame"]
