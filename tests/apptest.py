"""Run the dashboard under AppTest the way a user reaches a page: through ``dashboard.py``."""
from __future__ import annotations

from pathlib import Path

from streamlit import config as _config
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

DASHBOARD = str(Path(__file__).resolve().parents[1] / "dashboard.py")


_pages_manager_init = PagesManager.__init__


def _init_without_legacy_pages(self, *args, **kwargs) -> None:
    """AppTest forgets between runs that ``st.navigation`` switched off the legacy handling of
    the ``pages/`` folder, and then reruns a page without ``dashboard.py``. A real server
    remembers it for the life of the process; this makes AppTest do the same."""
    _pages_manager_init(self, *args, **kwargs)
    PagesManager.uses_pages_directory = False


PagesManager.__init__ = _init_without_legacy_pages

# The deployed app shows only an error's type (.streamlit/config.toml); tests need the message.
_config.set_option("client.showErrorDetails", "full")


def open_page(
    page: str | None = None,
    *,
    query: dict[str, str] | None = None,
    timeout: float = 60,
    user: dict | None = None,
    secrets: dict | None = None,
) -> AppTest:
    """An AppTest of ``dashboard.py``, optionally with URL query parameters, switched to ``page``
    (e.g. ``"pages/crime.py"``) and run. ``user`` is what the run reads as ``st.user`` (e.g.
    ``{"is_logged_in": True, "email": …, "groups": […]}`` for a signed-in user; default: not
    signed in, the public tier). ``secrets`` is what the run reads as ``st.secrets`` (e.g. an
    ``auth`` table: sign-in configured)."""
    at = AppTest.from_file(DASHBOARD, default_timeout=timeout)
    at.user = dict(user) if user is not None else {"is_logged_in": False}
    for key, value in (secrets or {}).items():
        at.secrets[key] = value
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    if page is not None:
        at.switch_page(page)
        at.run()
    return at
