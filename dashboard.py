"""Entry point: page config, first-start demo build, sidebar frame and navigation."""
from __future__ import annotations

import streamlit as st

from ui import access, data
from ui.collector import freeze_long_lived_objects
from ui.frame import leave_legacy_pages_mode, sidebar_frame_ui, t
from ui.ingest_ui import ensure_warehouse_ui
from ui.prefetch import session_run, start_prefetch

# (page script, title key, icon). Order is the menu's order.
PAGES = (
    ("pages/overview.py", "nav.overview", ":material/dashboard:"),
    ("pages/crime.py", "nav.crime", ":material/local_police:"),
    ("pages/followups.py", "nav.followups", ":material/call:"),
    ("pages/traffic.py", "nav.traffic", ":material/traffic:"),
    ("pages/trust.py", "nav.trust", ":material/handshake:"),
    ("pages/crosstabs.py", "nav.crosstabs", ":material/table_chart:"),
    ("pages/focus_groups.py", "nav.focus_groups", ":material/forum:"),
    ("pages/meeting.py", "nav.meeting", ":material/co_present:"),
    ("pages/data_sources.py", "nav.data_sources", ":material/database:"),
)

# The background prefetch (ui/prefetch.py) works only while no session's script runs.
with session_run():
    leave_legacy_pages_mode()
    # Before this run's own objects exist: what the earlier runs imported is frozen (ui/collector.py).
    freeze_long_lived_objects()
    st.set_page_config(page_title="Tryghed · Safety · Безпека", page_icon=":material/shield:", layout="wide")

    if ensure_warehouse_ui():
        frame = sidebar_frame_ui()
        start_prefetch()  # once per data version: every area's default crime view, in the background
        version = data.data_version() or {}
        if version.get("is_demo"):
            st.warning(t("banner.demo"), icon=":material/science:")
        # The tier comes from the verified sign-in only (never the URL); the menu lists only the
        # tier's pages, and a page asked for by URL outside them gets a message and nothing else.
        tier = access.resolve_tier()
        access.sidebar_access_ui(tier)
        allowed = access.allowed_pages(PAGES, tier)
        navigation = st.navigation([st.Page(path, title=t(title), icon=icon) for path, title, icon in allowed])
        st.sidebar.caption(t("frame.data_version", version=version.get("data_version", "–")))
        requested = access.requested_page()
        if requested is not None and not tier.may_open(requested):
            access.refuse_page_ui(requested)
        navigation.run()
