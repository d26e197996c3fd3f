"""The demo warehouse: the committed synthetic samples in ``data/samples`` ingested and built.

Samples are marked ``origin="demo"`` in the ingest log; while every accepted file is a demo
file, the build flags the warehouse as demo data and the dashboard shows a banner.
"""
from __future__ import annotations

from typing import Callable

from pipelines.build import BuildResult, build_warehouse
from pipelines.errors import BuildFailed
from pipelines.ingest import ingest_paths
from pipelines.settings import Settings

# Files in data/samples that are not inputs (the generator's own notes).
NOT_INPUTS = {"README.md", "make_samples.py"}


def build_demo(settings: Settings, *, progress: Callable[[int, int, str], None] | None = None) -> BuildResult:
    """Ingest every sample file and build; a sample that is rejected is a bug, so it fails."""
    files = sorted(p for p in settings.samples_dir.iterdir() if p.is_file() and p.name not in NOT_INPUTS and not p.name.startswith("."))
    results = ingest_paths(files, settings=settings, origin="demo", progress=progress)
    rejected = [r.message for r in results if r.outcome == "rejected"]
    if rejected:
        raise BuildFailed("A demo sample was rejected", "\n".join(rejected))
    return build_warehouse(settings, progress=progress)
