"""Traffic safety: injury accidents, killed and seriously injured (KSI), the judged year against
its 10-year prognosis and last year, severity and road users, and citizens' tips."""
from __future__ import annotations

import streamlit as st

from ui.frame import current_frame, t
from ui.traffic import headline_ui, road_users_ui, severity_ui, tips_ui, traffic_view, trend_ui, verdict_lines

frame = current_frame()
st.title(t("traffic.title", area=frame.area_name))

view = traffic_view(frame)
if view.year is None:
    st.info(t("traffic.empty"))
    st.stop()

status = t("traffic.provisional") if view.row["is_provisional"] else t("traffic.final")
st.caption(t("traffic.year_caption", year=view.year, status=status))
if view.row["population_year"] is not None and view.row["population_year"] < view.year:
    st.caption(t("traffic.population_note", year=view.row["population_year"]))

headline_ui(view, frame.lang)
for line in verdict_lines(view, frame.lang):
    st.markdown(line)

trend_ui(view, frame.lang)
severity_ui(frame.area_code, view.year, frame.lang)
road_users_ui(frame.area_code, view.year, view.measure, frame.lang)
tips_ui(frame.area_code, view.year, frame.lang)
