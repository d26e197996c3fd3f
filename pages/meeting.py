"""Meeting mode: an agenda of slides for one area and period in the audience's language,
presented one at a time (arrow keys, full screen), and the same slides as an HTML/PDF/PPTX pack."""
from __future__ import annotations

import streamlit as st

from ui.frame import current_frame, keep_page_param, t
from ui.meeting.present import FULLSCREEN_CSS, KEY_FULL, current_index, export_ui, meeting_slides, navigation_ui, setup_ui, slide_ui

frame = current_frame()
fullscreen = bool(st.session_state.get(KEY_FULL))
if fullscreen:
    st.html(FULLSCREEN_CSS)
else:
    st.title(t("meeting.page.title", area=frame.area_name))
    st.caption(t("meeting.page.intro"))
with st.container() if not fullscreen else st.expander(t("meeting.page.items")):
    lang, items = setup_ui(frame)
if not items:
    st.info(t("meeting.page.empty"))
    st.stop()
slides = meeting_slides(frame, lang, items)
if "priorities" in items and not fullscreen and not any(slide.key == "priorities" for slide in slides):
    st.caption(t("meeting.page.no_register"))
index = current_index(len(slides))
keep_page_param("slide", str(index))
navigation_ui(index, len(slides))
slide_ui(slides[index], lang)

if not fullscreen:
    export_ui(frame, lang, items)
