"""Data sources: data version, public tables, ingest log, unmapped labels, and the upload."""
from __future__ import annotations

import streamlit as st

from ui import data
from ui.access import current_tier, may_upload
from ui.frame import current_frame, t
from ui.ingest_ui import upload_results_ui, upload_ui
from ui.tables import table_ui

frame = current_frame()
st.title(t("sources.title"))
upload_results_ui()

version = data.data_version() or {}
st.markdown(t("sources.version", version=version.get("data_version", "–"), built=version.get("built_at", "–")))
if version.get("is_demo"):
    st.caption(t("sources.demo_note"))

st.subheader(t("sources.upload_heading"))
tier = current_tier()
# Decided on the server: without the uploader widget no file reaches the ingest.
if may_upload(tier):
    st.caption(t("sources.upload_help"))
    upload_ui()
else:
    st.info(t("access.upload_police_only", tier=t(f"access.tier.{tier.name}")), icon=":material/lock:")

st.subheader(t("sources.tables"))
tables = data.query("public_table_rows")
table_ui(
    tables.rename({"table_name": t("sources.col.table"), "row_count": t("sources.col.rows")}),
    hide_index=True,
    key="sources__tables",
)

st.subheader(t("sources.log"))
log = data.query("ingest_log")
table_ui(log, hide_index=True, key="sources__log")

unmapped = data.query("unmapped_area_labels")
if unmapped.height:
    st.subheader(t("sources.unmapped"))
    st.caption(t("sources.unmapped_help"))
    table_ui(unmapped, hide_index=True, key="sources__unmapped")
