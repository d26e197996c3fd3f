"""Importing pipelines makes polars run lazy queries on its in-memory engine (see pipelines/__init__)."""
from __future__ import annotations

import polars as pl

import pipelines  # noqa: F401


def test_in_memory_engine_is_the_default_for_every_process_using_the_warehouse() -> None:
    assert pl.Config.state()["POLARS_ENGINE_AFFINITY"] == "in-memory"
