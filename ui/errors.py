"""The one path by which an error reaches a user: a title, the detail, and a hint."""
from __future__ import annotations

import streamlit as st

from pipelines.errors import PipelineError


def show_error(error: PipelineError) -> None:
    """Render a pipeline or analysis error for a user instead of a traceback."""
    st.error(error.title)
    if error.detail:
        st.markdown(f"```\n{error.detail}\n```")
    if error.hint:
        st.caption(error.hint)
