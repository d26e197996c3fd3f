"""Shared fixtures: one demo warehouse per test session, built through the real pipeline.

``demo_settings`` ingests ``data/samples`` and builds into a temporary folder, and points
``CSDASH_DATA_DIR`` at it so AppTest runs of ``dashboard.py`` read the same warehouse.
Tests that change data build their own warehouse with ``fresh_settings``.
"""
from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest

from pipelines.demo import build_demo
from pipelines.settings import Settings, load_settings

REPO_ROOT = Path(__file__).resolve().parents[1]

# Most tests build warehouses of their own; a background prefetch of every area's crime view
# for each would only load the machine. tests/ui/test_prefetch.py and the fresh-server test of
# tests/bench/test_protocol_sessions.py switch it on.
os.environ.setdefault("CSDASH_PREFETCH_VIEWS", "0")


@pytest.fixture(scope="session")
def demo_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    data_dir = tmp_path_factory.mktemp("demo-warehouse")
    os.environ["CSDASH_DATA_DIR"] = str(data_dir)
    settings = load_settings()
    build_demo(settings)
    return settings


@pytest.fixture
def fresh_settings(tmp_path: Path) -> Settings:
    """Settings pointing at an empty data folder of the test's own (nothing ingested yet)."""
    return replace(load_settings(), data_dir=tmp_path / "data")


@pytest.fixture
def app_env(demo_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The environment AppTest needs: the demo warehouse and the repository as working folder."""
    monkeypatch.setenv("CSDASH_DATA_DIR", str(demo_settings.data_dir))
    monkeypatch.chdir(REPO_ROOT)
    # ``from dashboard import PAGES`` (test collection) runs the entry script once, which
    # caches the settings read before this fixture set the environment; forget them.
    from ui import data

    data.settings.clear()
    return demo_settings
