"""Layers point one way (STYLE §5.2): pages → ui → analysis, pipelines.

Walks every module with ``ast`` and checks its imports against the table below.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

FORBIDDEN: dict[str, tuple[str, ...]] = {
    "analysis": ("streamlit", "plotly", "duckdb", "pipelines", "ui", "requests", "urllib", "socket"),
    "pipelines": ("streamlit", "plotly", "analysis", "ui"),
    "ui": ("pipelines.ingest", "pipelines.build", "pipelines.demo", "pipelines.vetting"),
    "pages": ("duckdb", "scipy", "pipelines", "analysis.survey", "analysis.crosstab", "analysis.change"),
}
# The one ui module that writes data (first-start demo build and uploads) may call the ingest.
ALLOWED: dict[str, tuple[str, ...]] = {
    "ui/ingest_ui.py": ("pipelines.ingest", "pipelines.demo", "pipelines.build"),
    # quotes are vetted in the dashboard; the vetting file lives outside the warehouse
    "ui/quotes.py": ("pipelines.vetting",),
    # The export command's orchestration (query → analysis → disclosure → writers), shared by
    # the command line and the Cross-tabs page; pipelines/export_cli.py's docstring says why.
    "pipelines/export_cli.py": ("analysis",),
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _modules(layer: str) -> list[Path]:
    return sorted((ROOT / layer).rglob("*.py"))


@pytest.mark.parametrize("layer", list(FORBIDDEN))
def test_layer_imports_point_one_way(layer: str) -> None:
    offences = []
    for path in _modules(layer):
        relative = path.relative_to(ROOT).as_posix()
        allowed = ALLOWED.get(relative, ())
        for name in _imports(path):
            for banned in FORBIDDEN[layer]:
                if (name == banned or name.startswith(banned + ".")) and not any(
                    name == ok or name.startswith(ok + ".") for ok in allowed
                ):
                    offences.append(f"{relative} imports {name}")
    assert not offences, offences


def test_analysis_does_no_file_io() -> None:
    offences = [
        f"{path.relative_to(ROOT)} calls {call}"
        for path in _modules("analysis")
        for call in ("open(", "read_csv(", "read_parquet(", "write_csv(", ".read_text(", ".write_text(")
        if call in path.read_text(encoding="utf-8")
    ]
    assert not offences, offences


SQL = re.compile(r"\bselect\b[\s\S]{0,300}?\bfrom\b|\bgroup by\b", re.IGNORECASE)


def test_pages_hold_no_sql() -> None:
    offences = [str(path.relative_to(ROOT)) for path in _modules("pages") if SQL.search(path.read_text(encoding="utf-8"))]
    assert not offences, offences


def test_server_code_avoids_the_polars_calls_that_deadlock_it() -> None:
    """No ``map_elements``/``map_batches``, polars ``to_pandas`` or bare ``st.dataframe`` in the server's code.

    With several sessions at once they deadlocked the server (``pipelines/thread_safe_polars.py``
    says how, and offers ``map_distinct``/``map_rows``/``to_pandas``; tables go through
    ``ui.tables.table_ui``). ``analysis`` is included: the pages call it.
    """
    server_code = [path for layer in ("pages", "ui", "pipelines", "analysis") for path in _modules(layer)] + [ROOT / "dashboard.py"]
    offences = [
        f"{path.relative_to(ROOT)} uses {name}"
        for path in server_code
        for name in ("map_elements(", "map_batches(", "map_groups(", ".to_pandas()")
        if name in path.read_text(encoding="utf-8") and path.name != "thread_safe_polars.py"
    ] + [
        f"{path.relative_to(ROOT)} calls st.dataframe (use ui.tables.table_ui)"
        for path in server_code
        if "st.dataframe(" in path.read_text(encoding="utf-8") and path.name != "tables.py"
    ]
    assert not offences, offences


# polars' methods that change a frame in place (every other method returns a new frame).
IN_PLACE = re.compile(r"\.(insert_column|replace_column|shrink_to_fit|set_sorted)\(|in_place\s*=\s*True")


def test_dashboard_code_never_changes_a_shared_result_in_place() -> None:
    """ui.data hands every session the same cached frames (no copies), so the dashboard's code
    derives new frames and never changes one in place."""
    offences = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in [*_modules("pages"), *_modules("ui"), ROOT / "dashboard.py"]
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if IN_PLACE.search(line)
    ]
    assert not offences, offences
