"""The meeting page's widgets: agenda set-up, one slide at a time, and the pack download.

The slide index lives in ``st.session_state["meeting__slide"]`` and in the URL (``slide=``), so
a copied link reopens the same slide; the agenda is in the URL as ``items=crime,traffic,…``.
Next/previous are buttons with Streamlit's own keyboard shortcuts (the arrow keys).
"""
from __future__ import annotations

from datetime import datetime, timezone

import streamlit as st

from ui import data
from ui.frame import Frame, keep_page_param, page_param, t
from ui.i18n import LANGUAGES, translate
from ui.meeting.pack import MeetingPack, export_pack, pack_html
from ui.meeting.render import RendererMissing, renderer_problem
from ui.meeting.slides import Slide
from ui.meeting.topics import AGENDA_ITEMS, agenda_slides
from ui.tables import table_ui

KEY_LANG, KEY_ITEMS, KEY_SLIDE, KEY_FULL, KEY_PACK = "meeting__lang", "meeting__items", "meeting__slide", "meeting__fullscreen", "meeting__pack"

# Full screen: hide Streamlit's chrome and the sidebar; large type inside the slide.
FULLSCREEN_CSS = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"], [data-testid="stToolbar"],
[data-testid="stDecoration"], [data-testid="stSidebarNav"] { display: none !important; }
.block-container, [data-testid="stMainBlockContainer"] { padding-top: 1rem !important; max-width: 100% !important; }
</style>"""
SLIDE_CSS = """<style>
.st-key-meeting_slide h1 { font-size: 2.6rem; }
.st-key-meeting_slide p, .st-key-meeting_slide li { font-size: 1.45rem; line-height: 1.4; }
.st-key-meeting_slide [data-testid="stMetricValue"], .st-key-meeting_slide [data-testid="stMetricValue"] * { font-size: 2.4rem !important; font-weight: 700; }
.st-key-meeting_slide [data-testid="stCaptionContainer"] p { font-size: 0.95rem; }
</style>"""


def _md(text: str) -> str:
    """Text shown through markdown without being read as markdown or LaTeX."""
    for char in ("\\", "$", "*", "_", "[", "]", "<", "`", "#"):
        text = text.replace(char, "\\" + char)
    return text


def setup_ui(frame: Frame) -> tuple[str, tuple[str, ...]]:
    """Meeting language (default: the sidebar's) and agenda items (default: all; from the URL)."""
    state = st.session_state
    if state.get(KEY_LANG) not in LANGUAGES:
        state[KEY_LANG] = frame.lang
    if KEY_ITEMS not in state:
        wanted = str(state.get("frame__url_at_start", {}).get("items", ""))
        state[KEY_ITEMS] = [item for item in wanted.split(",") if item in AGENDA_ITEMS] or list(AGENDA_ITEMS)
    ui_lang = frame.lang  # bound now: Streamlit may call format functions outside this run
    left, right = st.columns([1, 3])
    lang = left.selectbox(t("meeting.page.language"), list(LANGUAGES), format_func=LANGUAGES.get, key=KEY_LANG)
    items = right.multiselect(t("meeting.page.items"), list(AGENDA_ITEMS), format_func=lambda i: translate(ui_lang, f"meeting.item.{i}"), key=KEY_ITEMS)
    keep_page_param("items", ",".join(items))
    return lang, tuple(items)


def meeting_slides(frame: Frame, lang: str, items: tuple[str, ...]) -> list[Slide]:
    """The agenda's slides as the page shows them (footers stamped now)."""
    slides, _ = agenda_slides(frame, lang, items)
    return slides


def _move(step: int, total: int) -> None:
    current = int(st.session_state.get(KEY_SLIDE, "0"))
    st.session_state[KEY_SLIDE] = str(min(max(current + step, 0), total - 1))


def current_index(total: int) -> int:
    """The slide to show: from the session, else the URL's ``slide=``, else the first."""
    value = page_param("slide", key=KEY_SLIDE, options=[str(i) for i in range(total)], default="0")
    return int(value)


def navigation_ui(index: int, total: int) -> bool:
    """Previous / next (arrow keys), the position, and the full-screen switch; returns full screen."""
    left, middle, right, switch = st.columns([1, 1, 1, 1], vertical_alignment="center")
    left.button(t("meeting.page.previous"), key="meeting__previous", icon=":material/arrow_back:", shortcut="Left",
                on_click=_move, args=(-1, total), disabled=index == 0, width="stretch")
    right.button(t("meeting.page.next"), key="meeting__next", icon=":material/arrow_forward:", shortcut="Right",
                 on_click=_move, args=(1, total), disabled=index >= total - 1, width="stretch")
    middle.markdown(t("meeting.page.position", n=index + 1, total=total))
    return switch.toggle(t("meeting.page.fullscreen"), key=KEY_FULL)


def slide_ui(slide: Slide, lang: str) -> None:
    """One slide in large type: title, message, big numbers, chart, quote, warnings, notes, footer."""
    st.html(SLIDE_CSS)
    with st.container(key="meeting_slide", border=True):
        st.markdown(f"# {_md(slide.title)}")
        st.markdown(_md(slide.message))
        if slide.headline:
            for column, (label, value) in zip(st.columns(len(slide.headline)), slide.headline):
                column.metric(label, value, border=True)
        if slide.figure is not None or slide.quote:
            chart, quote = st.columns([2, 1]) if slide.figure is not None and slide.quote else (st.container(), st.container())
            if slide.figure is not None:
                chart.plotly_chart(slide.figure, key=f"meeting__chart_{slide.key}")
            if slide.quote:
                quote.markdown("> " + _md(slide.quote))
        elif slide.key == "title" and slide.table.height:
            st.markdown("\n".join(f"{n}. {_md(item)}" for n, item in enumerate(slide.table.to_series(0).to_list(), start=1)))
        if slide.warnings:
            st.warning("\n".join(f"- {_md(w)}" for w in slide.warnings))
        if slide.table.height and slide.key != "title":
            with st.expander(translate(lang, "meeting.page.table")):
                table_ui(slide.table, hide_index=True, key=f"meeting__table_{slide.key}")
                if slide.alt_text:
                    st.caption(_md(slide.alt_text))
        if slide.notes:
            st.caption(f"**{_md(translate(lang, 'meeting.pack.notes'))}:** {_md(slide.notes)}")
        st.caption(_md(slide.footer))


def export_ui(frame: Frame, lang: str, items: tuple[str, ...]) -> None:
    """Make the pack on the server (fresh slides, export time now) and offer the three files."""
    st.subheader(t("meeting.page.export_heading"))
    st.caption(t("meeting.page.export_help"))
    settings = data.settings()
    version = (data.data_version() or {}).get("data_version", "")
    wanted = (lang, frame.area_code, frame.preset, frame.period.start, frame.period.end, items, version)
    problem = renderer_problem(settings.chromium_path)
    if st.button(t("meeting.page.prepare"), key="meeting__prepare", icon=":material/description:"):
        with st.spinner(t("meeting.page.preparing")):
            slides, context = agenda_slides(frame, lang, items, made_at=datetime.now(timezone.utc))
            if problem:
                st.session_state[KEY_PACK] = (wanted, pack_html(slides, context).encode("utf-8"), None)
            else:
                try:
                    st.session_state[KEY_PACK] = (wanted, None, export_pack(slides, context, chromium_path=settings.chromium_path))
                except RendererMissing:
                    st.session_state[KEY_PACK] = (wanted, pack_html(slides, context).encode("utf-8"), None)
    if problem:
        st.caption(t("meeting.page.no_renderer", path=str(settings.chromium_path)))
    made = st.session_state.get(KEY_PACK)
    if not made or made[0] != wanted:
        return
    _, html_only, pack = made
    stem = pack.stem if isinstance(pack, MeetingPack) else f"meeting_{frame.area_code}_{frame.preset}_{lang}_{version}"
    columns = st.columns(3)
    columns[0].download_button(t("meeting.page.download_html"), pack.html if pack else html_only, file_name=f"{stem}.html", mime="text/html",
                               key="meeting__download_html", on_click="ignore")
    if pack:
        columns[1].download_button(t("meeting.page.download_pdf"), pack.pdf, file_name=f"{stem}.pdf", mime="application/pdf",
                                   key="meeting__download_pdf", on_click="ignore")
        columns[2].download_button(t("meeting.page.download_pptx"), pack.pptx, file_name=f"{stem}.pptx",
                                   mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
                                   key="meeting__download_pptx", on_click="ignore")
