"""Streamlit helpers shared by the pages: sidebar frame, cached data access, charts, messages.

pandas and pyarrow are imported here, once, while Python's import lock for ``ui`` makes every
other session's script wait: otherwise they are first imported lazily inside running sessions
(plotly imports pandas on first use, polars imports pyarrow inside ``to_pandas``), and several
sessions starting together on a fresh server raised "partially initialized module 'pandas'" or
hung in the import.
"""
import pandas  # noqa: F401
import plotly.graph_objects  # noqa: F401
import pyarrow  # noqa: F401
