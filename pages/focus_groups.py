"""Focus groups: themes, codes given together, agreement between coders, and masked quotes."""
from __future__ import annotations

import streamlit as st

from ui.access import guard_page
from ui.focus_groups import agreement_ui, cooccurrence_ui, focus_view, sessions_ui, themes_ui
from ui.frame import current_frame, t
from ui.quotes import quotes_ui

frame = current_frame()
guard_page(__file__)
st.title(t("focus.title", area=frame.area_name))
st.caption(t("focus.intro"))

view = focus_view(frame)
if view.sessions.height == 0:
    st.info(t("focus.empty"))
    if view.n_without_area:
        st.caption(t("focus.no_area_note", n=view.n_without_area))
    st.stop()

sessions_ui(frame, view)
themes_ui(frame, view)
cooccurrence_ui(frame, view)
agreement_ui(frame, view)
quotes_ui(frame)
