"""Every table the dashboard shows goes through ``table_ui``.

A polars frame is handed to Streamlit as an Arrow table, which Streamlit sends as it is. Given
the polars frame itself, Streamlit converts it with polars' ``to_pandas``, and that hangs the
whole server when several sessions do it at once (``pipelines/thread_safe_polars.py``).
"""
from __future__ import annotations

from typing import Any

import polars as pl
import streamlit as st

from pipelines.thread_safe_polars import to_arrow_table


def table_ui(data: Any, **kwargs: Any) -> Any:
    """``st.dataframe`` for a polars frame (or anything else ``st.dataframe`` takes)."""
    return st.dataframe(to_arrow_table(data) if isinstance(data, pl.DataFrame) else data, **kwargs)
