"""Keep Streamlit's full garbage collection after every script run short.

Streamlit calls ``gc.collect(2)`` after every run (``runner.postScriptGC``) so that cyclic
garbage is returned at once. A full collection walks every object the collector tracks, and a
dashboard process tracks about 230,000 once its pages have been opened: the functions, classes
and dictionaries of scipy, polars, plotly, babel … and the boundary files. On this 2-CPU
machine that walk took 100–140 ms after every run, holding the GIL, so with eight sessions each
one also waited for the others' collections (``bench/RESULTS.md``).

Those objects live as long as the process. Each time a run finds that modules were imported
since the last time, everything alive is moved to the permanent generation (``gc.freeze``),
which collections skip; objects made afterwards (each run's frames, figures, session state)
are collected as before. A frozen object is still freed when its last reference goes; only a
frozen cycle would stay, and freezing happens a bounded number of times (once per batch of
first imports, about once per page a process opens), right after a full collection so that no
garbage is frozen.
"""
from __future__ import annotations

import gc
import sys
import threading

_lock = threading.Lock()
_modules_when_frozen = 0


def freeze_long_lived_objects() -> bool:
    """Freeze what is alive if modules were imported since the last freeze; True if it froze."""
    global _modules_when_frozen
    if len(sys.modules) == _modules_when_frozen:
        return False
    with _lock:
        if len(sys.modules) == _modules_when_frozen:
            return False
        gc.collect()
        gc.freeze()
        _modules_when_frozen = len(sys.modules)
        return True
