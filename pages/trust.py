"""Trust & safety: survey trends per area with intervals, n and sample type; breakdowns;
before/after with a verdict; published figures with their n; comparability across sources.

The page follows the sidebar: only series with data for the chosen area (or the areas below it)
are offered, and an area without any says so and offers the areas that have data."""
from __future__ import annotations

import streamlit as st

from ui import trust
from ui.frame import current_frame, t
from ui.trust_sections import compare_ui, header_ui, keep_valid, microdata_ui, no_data_ui, published_ui, series_label

frame = current_frame()
st.title(t("trust.title", area=frame.area_name))
st.caption(t("trust.intro"))

every = trust.series_list()
if not every:
    st.info(t("trust.empty"))
    st.stop()
series = trust.series_in_area(every, frame.area_code)
if not series:
    no_data_ui(frame)
    st.stop()

by_key = {s.key: s for s in series}
# Labels are made now, in this run's language: a format_func that translates later would not.
labels = {s.key: series_label(s, frame.lang) for s in series}
keep_valid("trust__series", list(by_key))
chosen = by_key[st.selectbox(t("trust.series"), list(by_key), format_func=labels.get, key="trust__series")]
header_ui(chosen, frame.lang)
extra = compare_ui(chosen, every, frame.lang)

if chosen.source_kind == "microdata":
    microdata_ui(chosen, frame)
else:
    published_ui(chosen, frame, [s for s in extra if s.source_kind == "published"])
