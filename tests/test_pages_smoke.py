"""Every page renders without an exception in every language, through the entry script."""
from __future__ import annotations

import pytest

from dashboard import PAGES
from tests.apptest import open_page
from ui.i18n import LANGUAGES


@pytest.mark.parametrize("lang", list(LANGUAGES))
@pytest.mark.parametrize("page", [path for path, _, _ in PAGES])
def test_page_renders_without_exception(app_env, page: str, lang: str) -> None:
    at = open_page(page, query={"lang": lang})
    assert not at.exception, [e.value for e in at.exception]
    assert at.title, "every page has a title"
    assert not [m.value for m in at.markdown if "[" in m.value and "." in m.value and m.value.startswith("[")], "untranslated key shown"
