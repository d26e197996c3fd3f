"""ui.collector: long-lived objects leave the collector's walk once per batch of imports."""
from __future__ import annotations

import gc
import sys
import types
import weakref

import pytest

from tests.apptest import open_page
from ui import collector


@pytest.fixture
def thawed():
    """Each test starts with nothing frozen and leaves nothing frozen behind."""
    gc.unfreeze()
    collector._modules_when_frozen = 0
    yield
    gc.unfreeze()
    collector._modules_when_frozen = 0


def test_freezes_once_per_batch_of_new_modules(thawed) -> None:
    tracked = len(gc.get_objects())
    assert collector.freeze_long_lived_objects() is True
    assert gc.get_freeze_count() >= tracked // 2  # what was tracked is now frozen
    assert len(gc.get_objects()) < tracked // 10
    assert collector.freeze_long_lived_objects() is False  # nothing imported since

    sys.modules["tests_collector_new_module"] = types.ModuleType("tests_collector_new_module")
    try:
        assert collector.freeze_long_lived_objects() is True
    finally:
        del sys.modules["tests_collector_new_module"]


def test_garbage_is_collected_before_freezing(thawed) -> None:
    class Node:
        pass

    node = Node()
    node.itself = node  # a cycle: only the collector frees it
    gone = weakref.ref(node)
    del node
    collector.freeze_long_lived_objects()
    assert gone() is None  # collected, not frozen for the life of the process


def test_a_dashboard_run_leaves_the_collector_a_short_walk(app_env, thawed) -> None:
    """Through dashboard.py: after a page has been opened, the after-run full collection walks
    the objects of the runs, not the modules the page imported."""
    at = open_page("pages/crime.py")
    at.run()  # the run after the page's imports freezes them
    assert not at.exception
    assert gc.get_freeze_count() > 50_000
    assert len(gc.get_objects()) < 20_000
