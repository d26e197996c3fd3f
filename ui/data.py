"""Cached access to the warehouse: the one place that opens it and caches query results.

The connection is a ``cache_resource`` keyed on ``(snapshot path, data_version)``: after a
build swaps a new file in, the next rerun reads the sidecar and opens the new snapshot,
while sessions mid-rerun finish on the old one. Query results are cached keyed on the query
name, its parameters and the data version, never on object identity (STYLE §5.8).

Results are kept in this process and handed to every session as the same object
(``shared_per_version``), not copied: ``st.cache_data`` hashed the arguments and unpickled
the result on every call, ~2 ms a query, a dozen queries a rerun, on every rerun of every
session. Nothing changes a result in place: polars frames are only ever derived from
(``tests/test_layers.py`` keeps polars' in-place methods out of ``ui/`` and ``pages/``).
"""
from __future__ import annotations

import functools
import os
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Callable, TypeVar

import polars as pl
import streamlit as st

from pipelines.settings import Settings, load_settings
from pipelines.warehouse import open_warehouse, read_version, run_query, snapshot_path

T = TypeVar("T")


@st.cache_resource(max_entries=1, show_spinner=False)
def settings() -> Settings:
    return load_settings()


_sidecar_lock = threading.Lock()
_sidecar: dict[Path, tuple[tuple[int, int, int], dict | None]] = {}


def _kept_sidecar() -> dict | None:
    """The sidecar of the last build as kept here (never handed out: callers get copies). Read
    again only when the file changed (a build replaces it with a new file): one ``stat`` per call."""
    path = settings().version_path
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        return None
    stamp = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
    cached = _sidecar.get(path)
    if cached is None or cached[0] != stamp:
        cached = (stamp, read_version(settings()))
        with _sidecar_lock:
            _sidecar[path] = cached
    return cached[1]


def data_version() -> dict | None:
    """The sidecar of the last build (a copy), however often a rerun asks."""
    version = _kept_sidecar()
    return dict(version) if version is not None else None


def version_key() -> tuple[str, str]:
    """(data folder, data version): the key of everything cached per version."""
    version = _kept_sidecar()
    return str(settings().data_dir), version["data_version"] if version else ""


def shared_per_version(max_entries: int) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Memoise a function per data folder and data version, least recently used out first.

    Arguments are positional only (they form the key with the version); ``.clear()`` empties it.

    Every caller gets the same object, so the function must return values nobody changes (polars
    frames, frozen dataclasses of them). Two sessions missing the same entry at once both
    compute it; the entry then holds one of the equal results. An exception is not cached.
    """
    def decorate(function: Callable[..., T]) -> Callable[..., T]:
        entries: OrderedDict[tuple, T] = OrderedDict()
        lock = threading.Lock()

        @functools.wraps(function)
        def cached(*args: object) -> T:
            key = (version_key(), args)
            with lock:
                if key in entries:
                    entries.move_to_end(key)
                    return entries[key]
            value = function(*args)
            with lock:
                entries[key] = value
                while len(entries) > max_entries:
                    entries.popitem(last=False)
            return value

        cached.clear = entries.clear  # type: ignore[attr-defined]
        return cached

    return decorate


@st.cache_resource(max_entries=3, show_spinner=False)  # no spinner: ui/prefetch.py calls it from its thread
def _connection(path: str, version: str):
    return open_warehouse(Path(path))


def connection():
    version = _kept_sidecar()
    return _connection(str(snapshot_path(settings(), version)), version["data_version"] if version else "")


@shared_per_version(max_entries=512)
def _cached_query(name: str, params: tuple[tuple[str, object], ...]) -> pl.DataFrame:
    return run_query(connection(), name, **dict(params))


def query(name: str, **params: object) -> pl.DataFrame:
    """A named query (``pipelines/sql/queries/<name>.sql``) with bound parameters, cached per version."""
    return _cached_query(name, tuple(sorted(params.items())))
