"""Cached wrappers for the Cross-tabs page over ``pipelines.export_cli`` (the same code path as
the command line): the survey list, the dimension allow-list, one protected cross-tab and its
download files. Cached on primitives plus the data version (STYLE §5.8); respondent rows never
leave the warehouse (``run_crosstab`` reads their sums per cell, stratum and PSU). Display frames
are made here so the page stays thin.
"""
from __future__ import annotations

import io
import json
import tempfile
import zipfile
from collections.abc import Callable
from functools import partial
from pathlib import Path

import polars as pl
import streamlit as st

from pipelines.export_cli import (
    CrosstabBundle,
    CrosstabSpec,
    ExportRejected,
    dimension_labels,
    export_crosstab,
    run_crosstab,
)
from pipelines.exports import FORMATS
from ui import data
from ui.disclosure import current_threshold, current_tier
from ui.errors import show_error
from ui.i18n import format_number, format_p_value, format_percent, translate

MIME = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "application/zip",
    "sav": "application/octet-stream",
    "parquet": "application/vnd.apache.parquet",
}


def _version() -> str:
    version = data.data_version()
    return version["data_version"] if version else ""


def surveys() -> pl.DataFrame:
    """Surveys with respondent-level data (``crosstab_surveys``)."""
    return data.query("crosstab_surveys")


def dimensions(survey_id: str, lang: str) -> dict[str, str]:
    """The survey's cross-tab dimensions, name → display label (questions, breakdowns, wave, area)."""
    rows = data.query("crosstab_variables", survey_id=survey_id)
    out = {}
    for r in rows.iter_rows(named=True):
        text = r.get(f"wording_{lang}") if r["role"] == "breakdown" else None
        out[r["item"]] = text or r["label"] or r["item"]
    out["wave"] = translate(lang, "crosstabs.dim_wave")
    out["area"] = translate(lang, "crosstabs.dim_area")
    return out


def value_labels(survey_id: str, dimension: str, lang: str) -> dict[str, str]:
    """Code → label of one dimension (for filters)."""
    return _labels_cached(survey_id, dimension, lang, _version())


@st.cache_data(max_entries=64, show_spinner=False)
def _labels_cached(survey_id: str, dimension: str, lang: str, version: str) -> dict[str, str]:
    return dimension_labels(data.connection(), survey_id, dimension, lang)


@st.cache_data(max_entries=64, show_spinner=False)
def _crosstab_cached(spec: CrosstabSpec, version: str) -> CrosstabBundle:
    return run_crosstab(data.connection(), spec, settings=data.settings(), data_version=version)


def crosstab(
    survey_id: str,
    *,
    row: str,
    col: str,
    layer: str | None,
    weighted: bool,
    percent: str,
    filters: tuple[tuple[str, tuple[str, ...]], ...],
    lang: str,
) -> CrosstabBundle:
    """One protected cross-tab under the session's tier (cached per data version).

    Raises:
        ExportRejected: an unknown variable or an empty table.
    """
    spec = CrosstabSpec(
        survey_id=survey_id, row=row, col=col, layer=layer, weighted=weighted, filters=filters,
        percent=percent, alpha=data.settings().default_alpha, tier=current_tier(),
        threshold=current_threshold(), lang=lang,
    )
    return _crosstab_cached(spec, _version())


def _export_bytes(bundle: CrosstabBundle, fmt: str, settings) -> bytes:
    """Write the files into a temporary folder and return their bytes (CSV: a zip of the three)."""
    spec = bundle.spec
    with tempfile.TemporaryDirectory() as folder:
        name = f"crosstab_{spec.survey_id}_{spec.row}_by_{spec.col}"
        paths = export_crosstab(bundle, fmt, Path(folder) / f"{name}.{fmt}", settings=settings)
        if fmt != "csv":
            return paths[0].read_bytes()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in paths:
                archive.write(path, path.name)
        return buffer.getvalue()


def export_file(bundle: CrosstabBundle, fmt: str) -> tuple[str, Callable[[], bytes], str]:
    """``(file name, producer, mime type)`` for ``st.download_button``.

    The producer runs only when the user clicks (Streamlit calls it on another thread), so the
    export is written — and logged in the audit log — only when it is really downloaded. It
    uses no Streamlit call.
    """
    spec = bundle.spec
    name = f"crosstab_{spec.survey_id}_{spec.row}_by_{spec.col}." + ("zip" if fmt == "csv" else fmt)
    settings = data.settings()
    return name, partial(_export_bytes, bundle, fmt, settings), MIME[fmt]


def crosstab_or_error(**kwargs) -> CrosstabBundle | None:
    """``crosstab(**kwargs)``, or None after showing why it cannot be made."""
    try:
        return crosstab(**kwargs)
    except ExportRejected as error:
        show_error(error)
        return None


def table_n(bundle: CrosstabBundle, lang: str) -> str:
    """Respondents in the table (the unweighted total over its layers), formatted."""
    return format_number(lang, int(bundle.result.cells["unweighted_n"].sum()))


def display_cells(bundle: CrosstabBundle, lang: str) -> pl.DataFrame:
    """The published cells as text in the locale: %, 95 % CI, SE, deff, weighted N, n, letters.

    A suppressed number shows the catalogue's "suppressed" text instead of a value.
    """
    hidden = translate(lang, "crosstabs.suppressed")
    rows = []
    for r in bundle.cells.filter(pl.col("cell_type") == "cell").iter_rows(named=True):
        if r["suppressed"]:
            numbers = {k: hidden for k in ("percent", "ci", "se", "deff", "weighted_n", "unweighted_n")}
        else:
            numbers = {
                "percent": format_percent(lang, r["percent"]),
                "ci": f"{format_number(lang, r['ci_low'], decimals=1)}–{format_number(lang, r['ci_high'], decimals=1)}"
                if r["ci_low"] is not None else "–",
                "se": format_number(lang, r["se"], decimals=2),
                "deff": format_number(lang, r["deff"], decimals=2) if r["deff"] is not None else "–",
                "weighted_n": format_number(lang, r["weighted_n"], decimals=1),
                "unweighted_n": format_number(lang, r["unweighted_n"]),
            }
        rows.append({"layer": r["layer"] or "", "row": r["row"], "col": r["col"], **numbers, "letters": r["letters"]})
    frame = pl.DataFrame(rows, schema={k: pl.String for k in ("layer", "row", "col", "percent", "ci", "se", "deff", "weighted_n", "unweighted_n", "letters")})
    if bundle.spec.layer is None:
        frame = frame.drop("layer")
    return frame.rename({c: translate(lang, f"crosstabs.col_{c}") for c in frame.columns})


def display_tests(bundle: CrosstabBundle, lang: str) -> pl.DataFrame:
    """The test statistics per layer, formatted."""
    frame = bundle.tests.filter(pl.col("statistic") != "mean_design_effect")
    rows = [
        {
            "layer": r["layer"] or "",
            "statistic": translate(lang, f"crosstabs.stat_{r['statistic']}"),
            "value": format_number(lang, r["value"], decimals=3),
            "df": format_number(lang, r["df_num"], decimals=2) + (
                f"; {format_number(lang, r['df_den'], decimals=1)}" if r["df_den"] is not None else ""
            ),
            "p_value": format_p_value(lang, r["p_value"], with_symbol=False),
        }
        for r in frame.iter_rows(named=True)
    ]
    out = pl.DataFrame(rows, schema={k: pl.String for k in ("layer", "statistic", "value", "df", "p_value")})
    if bundle.spec.layer is None:
        out = out.drop("layer")
    return out.rename({c: translate(lang, f"crosstabs.col_{c}") for c in out.columns})


def test_summary(bundle: CrosstabBundle, lang: str) -> list[str]:
    """One sentence per layer: the Rao–Scott F test and whether it is significant."""
    out = []
    for r in bundle.tests.filter(pl.col("statistic") == "rao_scott_f").iter_rows(named=True):
        key = "crosstabs.test_significant" if r["p_value"] < bundle.spec.alpha else "crosstabs.test_not_significant"
        out.append(
            translate(
                lang,
                key,
                layer=(r["layer"] + ": ") if r["layer"] else "",
                f=format_number(lang, r["value"], decimals=2),
                p=format_p_value(lang, r["p_value"]),
                n=format_number(lang, r["n"]),
            )
        )
    return out


def suppression_note(bundle: CrosstabBundle, lang: str) -> str | None:
    """How many numbers were suppressed and why, or None."""
    cells = bundle.cells
    primary = int((cells["suppression"] == "primary").sum())
    secondary = int((cells["suppression"] == "secondary").sum())
    if not primary and not secondary:
        return None
    return translate(lang, "crosstabs.suppression_note", primary=primary, secondary=secondary, threshold=bundle.spec.threshold)


def letters_note(bundle: CrosstabBundle, lang: str) -> str:
    """Which column each letter stands for."""
    keys = ", ".join(f"{letter} = {label}" for letter, label in bundle.letter_keys)
    return translate(lang, "crosstabs.letters_note", keys=keys)


def method_facts(bundle: CrosstabBundle) -> str:
    """The method facts as JSON (shown in an expander)."""
    return json.dumps(dict(bundle.meta.facts), ensure_ascii=False, indent=1)


FORMATS_OFFERED: tuple[str, ...] = FORMATS
