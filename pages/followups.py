"""Follow-ups: police follow-ups (tryghedsopfølgninger), charge rates, and the priority register."""
from __future__ import annotations

import streamlit as st

from ui.followups import followups_ui
from ui.outcomes import outcomes_ui
from ui.priorities import priorities_ui
from ui.frame import current_frame, t

frame = current_frame()
st.title(t("followups.title", area=frame.area_name))
st.caption(t("followups.intro"))

followups_tab, outcomes_tab, priorities_tab = st.tabs(
    [t("followups.tab_followups"), t("followups.tab_outcomes"), t("followups.tab_priorities")]
)
with followups_tab:
    followups_ui(frame)
with outcomes_tab:
    outcomes_ui(frame)
with priorities_tab:
    priorities_ui(frame)
