"""Every setting of the project, declared once (Datasette's pattern).

Each ``Setting`` has a name, a default and a help text. ``load_settings()`` builds a frozen
``Settings`` from the defaults, overridden by environment variables ``CSDASH_<NAME>``
(upper case). ``tests/test_docs.py`` checks that every setting is documented in README.md.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, fields
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "data_dir",
        str(REPO_ROOT / "var"),
        "Folder holding the landing store, the ingest log and the built warehouse.",
    ),
    Setting(
        "samples_dir",
        str(REPO_ROOT / "data" / "samples"),
        "Folder of the synthetic demo files that `python -m pipelines demo` ingests.",
    ),
    Setting(
        "reference_dir",
        str(REPO_ROOT / "data" / "reference"),
        "Folder of the reference tables (areas, aliases, population, offences).",
    ),
    Setting(
        "default_language",
        "da",
        "Interface language when none is chosen: da, en or uk.",
    ),
    Setting(
        "min_cell_size",
        "5",
        "Disclosure threshold: published cells below this count are suppressed.",
    ),
    Setting(
        "default_alpha",
        "0.05",
        "Significance level for tests and 1 - confidence level for intervals.",
    ),
    Setting(
        "auto_build_demo",
        "1",
        "Build the demo warehouse on the dashboard's first start when none exists (1 or 0).",
    ),
    Setting(
        "public_base_url",
        "http://localhost:8501",
        "The dashboard's public address; meeting packs print permalinks under it.",
    ),
    Setting(
        "chromium_path",
        "/usr/bin/chromium",
        "Headless Chromium (Debian's `chromium` package) that renders meeting-pack PDFs and chart images.",
    ),
    Setting(
        "tier_rules",
        "",
        "TOML file of access-tier rules (thresholds, pages, exports, claim rules); empty = the built-in tiers, everyone public.",
    ),
    Setting(
        "prefetch_views",
        "1",
        "After the dashboard starts or a new build appears, compute every area's default overview and crime view in the background, while no session's script runs (1 or 0).",
    ),
)


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    samples_dir: Path
    reference_dir: Path
    default_language: str
    min_cell_size: int
    default_alpha: float
    auto_build_demo: bool
    public_base_url: str
    chromium_path: Path
    tier_rules: Path | None = None
    prefetch_views: bool = True

    @property
    def warehouse_path(self) -> Path:
        return self.data_dir / "warehouse.duckdb"

    @property
    def version_path(self) -> Path:
        """Sidecar JSON the build writes beside the warehouse (data version, demo flag)."""
        return self.data_dir / "warehouse.json"

    @property
    def landing_dir(self) -> Path:
        return self.data_dir / "landing"

    @property
    def state_dir(self) -> Path:
        """Files that live outside the read-only warehouse and survive rebuilds."""
        return self.data_dir / "state"


def _flag(text: str) -> bool:
    return text.strip().lower() in {"1", "true", "yes", "on"}


_CASTS = {
    "data_dir": Path,
    "samples_dir": Path,
    "reference_dir": Path,
    "default_language": str,
    "min_cell_size": int,
    "default_alpha": float,
    "auto_build_demo": _flag,
    "public_base_url": str,
    "chromium_path": Path,
    "tier_rules": lambda text: Path(text) if text.strip() else None,
    "prefetch_views": _flag,
}


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Settings from the defaults, overridden by ``CSDASH_<NAME>`` environment variables.

    Args:
        environ: the environment to read (defaults to ``os.environ``).

    Returns:
        A frozen ``Settings``.
    """
    env = os.environ if environ is None else environ
    values = {}
    for setting in SETTINGS:
        raw = env.get(f"CSDASH_{setting.name.upper()}", setting.default)
        values[setting.name] = _CASTS[setting.name](raw)
    assert {f.name for f in fields(Settings)} == set(values), "SETTINGS and Settings disagree"
    return Settings(**values)
