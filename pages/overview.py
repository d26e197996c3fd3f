"""Overview: what the warehouse holds for the chosen area and period, topic by topic."""
from __future__ import annotations

import streamlit as st

from ui import overview
from ui.frame import current_frame, t
from ui.i18n import format_day, format_number

frame = current_frame()
st.title(t("overview.title", area=frame.area_name))
st.caption(t("overview.period", start=format_day(frame.lang, frame.period.start), end=format_day(frame.lang, frame.period.end)))

summary = overview.area_summary(frame.area_code, frame.period)
if summary["row_count"].sum() == 0:
    st.info(t("overview.empty"))
columns = st.columns(len(summary))
for column, row in zip(columns, summary.iter_rows(named=True)):
    column.metric(
        t(f"overview.topic.{row['table_name']}"),
        format_number(frame.lang, row["total"] or 0),
        help=t("overview.rows", rows=format_number(frame.lang, row["row_count"])),
        border=True,
    )
