"""Cached access to the warehouse: the one place that opens it and caches query results.

The connection is a ``cache_resource`` keyed on ``(snapshot path, data_version)``: after a
build swaps a new file in, the next rerun reads the sidecar and opens the new snapshot,
while sessions mid-rerun finish on the old one. Query results are ``cache_data`` keyed on the
query name, its parameters and the data version, never on object identity (STYLE §5.8).
"""
from __future__ import annotations

from pathlib import Path

import polars as pl
import streamlit as st

from pipelines.warehouse import read_version
from pipelines.settings import Settings, load_settings
from pipelines.warehouse import current_snapshot, open_warehouse, run_query


@st.cache_resource(max_entries=1)
def settings() -> Settings:
    return load_settings()


def data_version() -> dict | None:
    """The sidecar of the last build (cheap: one small file read per rerun)."""
    return read_version(settings())


@st.cache_resource(max_entries=3)
def _connection(path: str, version: str):
    return open_warehouse(Path(path))


def connection():
    version = data_version()
    return _connection(str(current_snapshot(settings())), version["data_version"] if version else "")


@st.cache_data(max_entries=512, show_spinner=False)
def _cached_query(name: str, version: str, params: tuple[tuple[str, object], ...]) -> pl.DataFrame:
    return run_query(connection(), name, **dict(params))


def query(name: str, **params: object) -> pl.DataFrame:
    """A named query (``pipelines/sql/queries/<name>.sql``) with bound parameters, cached per version."""
    version = data_version()
    return _cached_query(name, version["data_version"] if version else "", tuple(sorted(params.items())))
