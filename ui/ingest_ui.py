"""The two places the dashboard writes data: the first-start demo build and the upload.

Both go through the same ingest path and build as the command line (``pipelines.ingest``,
``pipelines.build``); this is the only ``ui`` module allowed to import them
(``tests/test_layers.py``). The warehouse itself is only ever opened read-only.
"""
from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import streamlit as st

from pipelines.errors import PipelineError
from ui import data
from ui.errors import show_error
from ui.frame import t

if TYPE_CHECKING:
    from pipelines.ingest import IngestResult


def ensure_warehouse_ui() -> bool:
    """Build the demo warehouse on first start, with a progress bar; False if there is none."""
    settings = data.settings()
    if settings.warehouse_path.exists():
        return True
    if not settings.auto_build_demo:
        st.info(t("setup.no_warehouse"))
        return False
    bar = st.progress(0.0, text=t("setup.building_demo"))

    def progress(step: int, steps: int, label: str) -> None:
        bar.progress(min(step / max(steps, 1), 1.0), text=f"{t('setup.building_demo')} ({label})")

    try:
        # Imported on demand, like ingest and build below: the readers' imports (pyreadstat,
        # openpyxl …) would otherwise delay every process's first page.
        from pipelines.demo import build_demo

        build_demo(settings, progress=progress)
    except PipelineError as error:
        show_error(error)
        return False
    bar.empty()
    return True


def upload_ui() -> None:
    """File uploader → ingest → build; shows each file's outcome with its reason."""
    files = st.file_uploader(t("sources.upload"), accept_multiple_files=True, key="sources__upload")
    if not files or not st.button(t("sources.load"), key="sources__load", type="primary"):
        return
    from pipelines.build import build_warehouse
    from pipelines.ingest import ingest_paths

    settings = data.settings()
    with tempfile.TemporaryDirectory() as folder, st.spinner(t("sources.loading")):
        paths = []
        for upload in files:
            path = Path(folder) / Path(upload.name).name
            path.write_bytes(upload.getvalue())
            paths.append(path)
        results = ingest_paths(paths, settings=settings)
        try:
            if any(r.outcome == "accepted" for r in results):
                build_warehouse(settings)
        except PipelineError as error:
            show_error(error)
            return
    st.session_state["sources__last_results"] = results
    st.rerun()


def upload_results_ui() -> None:
    """The outcome of the last upload, kept across the rerun that shows the new data."""
    results: list[IngestResult] = st.session_state.pop("sources__last_results", [])
    for result in results:
        if result.outcome == "accepted":
            st.success(t("sources.accepted", file=result.file_name, rows=result.rows, kind=result.kind))
            for notice in result.notices:
                st.caption(notice)
        elif result.outcome == "duplicate":
            st.info(t("sources.duplicate", file=result.file_name))
        else:
            error = result.error
            st.error(
                t(
                    "sources.rejected",
                    file=result.file_name,
                    line=error.line if error and error.line is not None else "–",
                    column=error.column if error and error.column else "–",
                    reason=error.reason if error else result.message,
                )
            )
