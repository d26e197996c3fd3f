"""The README stays honest: every setting, page and public table it must name is in it."""
from __future__ import annotations

from pathlib import Path

import pytest

from dashboard import PAGES
from pipelines.contracts import CONTRACTS
from pipelines.settings import SETTINGS
from ui.i18n import translate

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.name)
def test_every_setting_is_documented(setting):
    assert f"`{setting.name}`" in README
    assert setting.help in README


@pytest.mark.parametrize(("page", "title_key"), [(path, key) for path, key, _ in PAGES])
def test_every_page_is_in_the_pages_table(page, title_key):
    assert f"| {translate('en', title_key)} |" in README, f"{page} ({translate('en', title_key)}) is not in README's Pages table"


@pytest.mark.parametrize("contract", CONTRACTS, ids=lambda c: c.table)
def test_every_public_table_is_documented(contract):
    assert f"| `{contract.table}` |" in README


def test_the_ci_script_runs_the_readme_test_command():
    ci = (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text(encoding="utf-8")
    command = "python -m pip install -r requirements-test.txt && python -m pytest"
    assert command in README
    assert command in ci
