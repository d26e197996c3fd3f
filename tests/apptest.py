"""Run the dashboard under AppTest the way a user reaches a page: through ``dashboard.py``."""
from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

DASHBOARD = str(Path(__file__).resolve().parents[1] / "dashboard.py")


def open_page(page: str | None = None, *, query: dict[str, str] | None = None, timeout: float = 60) -> AppTest:
    """An AppTest of ``dashboard.py``, optionally with URL query parameters, switched to ``page``
    (e.g. ``"pages/crime.py"``) and run."""
    at = AppTest.from_file(DASHBOARD, default_timeout=timeout)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    if page is not None:
        at.switch_page(page)
        at.run()
    return at
