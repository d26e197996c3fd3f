"""Cross-tab exports: query → design-based cross-tab → disclosure control → files, for the
command line (``python -m pipelines export crosstab …``) and for the Cross-tabs page.

**Why this module in ``pipelines`` may import ``analysis``** (the one documented exception in
``tests/test_layers.py``): the command line lives in ``pipelines/__main__.py``, and an export
needs the statistics (``analysis.crosstab``) and the one disclosure engine
(``analysis.disclosure``). Moving the Taylor linearisation and the Rao–Scott tests into SQL would
make a second implementation of statistics that are checked against R once, in ``analysis``;
putting the command in ``ui`` would make the command line import Streamlit. So the
orchestration is here, in one small module with no Streamlit, that the page (through
``ui/crosstab.py``) and the command line both call — one code path for what a page shows and
what a file contains. ``pipelines/__main__.py`` imports it only for the ``export`` command, and
the rest of ``pipelines`` still never imports ``analysis``. The file writers stay pure and
statistics-free in ``pipelines/exports.py``.

The flow: ``crosstab_variables`` (the allow-list of dimensions) → ``crosstab_sums`` (the
respondents of the survey's wide table, pivoted at build time, summed per cell, stratum and PSU
in DuckDB; names and values bound) → ``analysis.crosstab.crosstab_from_sums`` →
``analysis.disclosure.suppress`` on the unweighted counts with the tier's threshold (cells,
row, column and table totals published, so complementary suppression applies) → blanked,
labelled frames → ``pipelines.exports`` writers; every suppression and export is appended to the
audit log (``pipelines.audit``).
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from analysis.crosstab import SUM_COLUMNS, crosstab_from_sums
from analysis.disclosure import SuppressedTable, suppress
from analysis.errors import AnalysisError
from analysis.results import CrosstabResult, PercentBase
from pipelines.audit import record_event
from pipelines.errors import PipelineError
from pipelines.exports import FORMATS, ExportMeta, write_export
from pipelines.settings import Settings
from pipelines.tiers import TIER_NAMES, rules_for
from pipelines.warehouse import read_version, run_query
from pipelines.thread_safe_polars import map_distinct

TIERS: tuple[str, ...] = TIER_NAMES
SPECIAL_DIMENSIONS: tuple[str, ...] = ("wave", "area")
METHODS: tuple[tuple[str, str], ...] = (
    ("standard errors", "Taylor linearisation, with-replacement design (R survey: svydesign; strata and PSUs when the survey has them, otherwise each respondent is a PSU)"),
    ("confidence intervals", "95 % logit intervals for percentages, as R svyciprop(method = \"logit\"), on the domain's design degrees of freedom"),
    ("design effect", "against simple random sampling with replacement, as R svymean(deff = \"replace\")"),
    ("test", "Rao–Scott corrected chi-square per layer: first order (X²/mean deff), second order (Satterthwaite) and the F version, as R svychisq(statistic = \"Chisq\" / \"F\"); adjusted Wald as svychisq(statistic = \"adjWald\")"),
    ("column letters", "a cell's letters name the columns its percent is significantly higher than (two-sided z test, covariance of the two domains included)"),
    ("disclosure control", "cells with 0 < unweighted n < threshold are suppressed, with complementary suppression so that the published row, column and table totals cannot reveal them"),
)


class ExportRejected(PipelineError):
    """An export request that cannot be run (unknown survey, dimension, filter or option)."""

    code = "export_rejected"


@dataclass(frozen=True)
class CrosstabSpec:
    """What to cross-tabulate. Dimensions are item names of the survey or ``wave`` / ``area``.

    Attributes:
        survey_id: the survey (``survey_respondents.survey_id``).
        row: row dimension (usually a question).
        col: column dimension (a breakdown, ``area`` or ``wave``).
        layer: optional layer dimension (e.g. ``wave``); each layer is its own table and test.
        weighted: use the survey's weights and design (``False``: every respondent counts 1,
            no strata or PSUs).
        filters: ``(dimension, (code, …))`` pairs; a respondent is in the table when every
            filtered dimension takes one of its codes (the others stay in the design).
        percent: ``col``, ``row`` or ``total``.
        alpha: significance level (intervals at ``1 − alpha``).
        tier: access tier (``public``, ``council``, ``police``, ``research``).
        threshold: disclosure threshold; ``None`` means the tier's (today: ``min_cell_size``).
        lang: language of wording and labels (``da``, ``en``, ``uk``).
    """

    survey_id: str
    row: str
    col: str
    layer: str | None = None
    weighted: bool = True
    filters: tuple[tuple[str, tuple[str, ...]], ...] = ()
    percent: PercentBase = "col"
    alpha: float = 0.05
    tier: str = "public"
    threshold: int | None = None
    lang: str = "en"


@dataclass(frozen=True)
class Dimension:
    """One dimension's name, label, wording and ``code -> label`` map."""

    name: str
    label: str
    wording: str
    labels: dict[str, str]


@dataclass(frozen=True)
class CrosstabBundle:
    """Everything a page shows and an export writes for one cross-tab.

    Attributes:
        spec: the request, with the threshold resolved.
        result: the unsuppressed analysis result (for tests and internal use; never published).
        cells: published cells and totals, one row each: ``cell_type`` (``cell``,
            ``row_total``, ``col_total``, ``table_total``), ``layer``, ``row``, ``col`` (labels),
            ``layer_code``, ``row_code``, ``col_code``, ``percent``, ``se``, ``ci_low``,
            ``ci_high`` (percentage points), ``deff``, ``weighted_n``, ``unweighted_n``,
            ``letters``, ``suppressed``, ``suppression`` (``primary``/``secondary``/null),
            ``note`` (``suppressed`` for a suppressed number). Suppressed numbers are null.
        tests: one row per layer × statistic: ``layer``, ``statistic``, ``value``, ``df_num``,
            ``df_den``, ``p_value``, ``n``.
        letter_keys: ``(letter, label)`` pairs.
        suppression: the disclosure engine's result on the unweighted counts.
        meta: the facts for the method sheet.
        dimensions: row, col and layer dimensions.
    """

    spec: CrosstabSpec
    result: CrosstabResult
    cells: pl.DataFrame
    tests: pl.DataFrame
    letter_keys: tuple[tuple[str, str], ...]
    suppression: SuppressedTable
    meta: ExportMeta
    dimensions: dict[str, Dimension] = field(default_factory=dict)


def threshold_for(tier: str, settings: Settings) -> int:
    """The disclosure threshold of an access tier (``pipelines.tiers``, setting ``tier_rules``).

    Raises:
        ExportRejected: an unknown tier.
    """
    if tier not in TIERS:
        raise ExportRejected("Unknown access tier", f"{tier!r} is not one of {', '.join(TIERS)}.", source="tier")
    return rules_for(settings).tier(tier).threshold


def suppress_logged(
    settings: Settings,
    frame: pl.DataFrame,
    *,
    value: str,
    row: str,
    col: str,
    by: tuple[str, ...] = (),
    threshold: int,
    tier: str,
    what: dict[str, Any],
    totals: bool = True,
) -> SuppressedTable:
    """Apply the disclosure engine to a count table and log its suppressions (if any).

    Args:
        settings: where the audit log lives.
        frame: one row per ``by`` × ``row`` × ``col`` with the count in ``value``.
        value, row, col, by, totals: as ``analysis.disclosure.suppress``.
        threshold: the threshold in force.
        tier: the access tier, for the log.
        what: what the table is, for the log.

    Returns:
        The engine's ``SuppressedTable``.
    """
    table = suppress(frame, value=value, row=row, col=col, by=list(by), threshold=threshold, totals=totals)
    if table.log:
        counts = {
            "primary": sum(1 for r in table.log if r.reason == "primary"),
            "secondary": sum(1 for r in table.log if r.reason == "secondary"),
        }
        cells = [
            {"group": list(r.group), "row": r.row, "col": r.col, "reason": r.reason} for r in table.log
        ]
        record_event(settings, "suppression", tier=tier, what={**what, "threshold": threshold, "cells": cells}, counts=counts)
    return table


def _dimensions(
    con: duckdb.DuckDBPyConnection, spec: CrosstabSpec, surveys: pl.DataFrame | None = None
) -> dict[str, Dimension]:
    """Check every dimension against the allow-list and load its labels (``surveys``: the
    ``crosstab_surveys`` rows when the caller has them already)."""
    if surveys is None:
        surveys = run_query(con, "crosstab_surveys")
    if spec.survey_id not in surveys["survey_id"].to_list():
        raise ExportRejected(
            "Unknown survey",
            f"No respondent-level survey {spec.survey_id!r} in the warehouse.",
            hint="Surveys: " + (", ".join(surveys["survey_id"].to_list()) or "none loaded"),
            source="survey",
        )
    variables = run_query(con, "crosstab_variables", survey_id=spec.survey_id)
    known = {row["item"]: row for row in variables.iter_rows(named=True)}
    allowed = [*SPECIAL_DIMENSIONS, *known]
    names = {"row": spec.row, "col": spec.col, **({"layer": spec.layer} if spec.layer else {})}
    for dim, _ in spec.filters:
        names[f"filter:{dim}"] = dim
    for role, name in names.items():
        if name not in allowed:
            raise ExportRejected(
                f"Unknown {role.split(':')[0]} variable",
                f"{name!r} is not a variable of survey {spec.survey_id!r}.",
                hint="Choose one of: " + ", ".join(allowed),
                source=role,
            )
    if len({spec.row, spec.col, spec.layer} - {None}) < len([n for n in (spec.row, spec.col, spec.layer) if n]):
        raise ExportRejected("Row, column and layer must differ", f"{spec.row!r}, {spec.col!r}, {spec.layer!r}", source="row")
    out: dict[str, Dimension] = {}
    for name in {n for n in names.values()}:
        out[name] = _dimension(con, spec, name, known.get(name), surveys)
    return out


def _dimension(con, spec: CrosstabSpec, name: str, item: dict | None, surveys: pl.DataFrame) -> Dimension:
    lang = spec.lang
    if name == "wave":
        waves = surveys.filter(pl.col("survey_id") == spec.survey_id)["waves"][0]
        labels = {w["wave"]: w["wave_label"] or w["wave"] for w in waves}
        return Dimension("wave", {"da": "Bølge", "uk": "Хвиля"}.get(lang, "Wave"), "", labels)
    if name == "area":
        areas = run_query(con, "crosstab_area_names", survey_id=spec.survey_id)
        labels = {}
        for row in areas.iter_rows(named=True):
            local = row["area_name"] or row["area_code"].removeprefix("?:")
            labels[row["area_code"]] = (row.get(f"name_{lang}") if lang in ("en", "uk") else None) or local
        return Dimension("area", {"da": "Område", "uk": "Територія"}.get(lang, "Area"), "", labels)
    assert item is not None
    wording = item.get(f"wording_{lang}") or item.get("wording_en") or item.get("label") or name
    value_labels = json.loads(item["value_labels"]) if item.get("value_labels") else {}
    return Dimension(name, item.get("label") or name, wording, {str(k): str(v) for k, v in value_labels.items()})


def dimension_labels(con: duckdb.DuckDBPyConnection, survey_id: str, name: str, lang: str) -> dict[str, str]:
    """Code → label of one dimension of a survey (an item, ``wave`` or ``area``).

    Raises:
        ExportRejected: an unknown survey or dimension.
    """
    other = "wave" if name != "wave" else "area"
    spec = CrosstabSpec(survey_id=survey_id, row=name, col=other, lang=lang)
    return dict(_dimensions(con, spec)[name].labels)


def _order(frame: pl.DataFrame, prefix: str) -> list[str]:
    """The dimension's codes in display order: by rank (answer code, wave order), then code."""
    # Each code listed once at its lowest rank (the query gives each group's smallest), i.e. the
    # order of sorting every respondent's (code, rank) pair and keeping a code's first place.
    # Sorted by the codes' text, not by the ENUM dictionary's order.
    return (
        frame.group_by(f"{prefix}_code")
        .agg(pl.col(f"{prefix}_rank").min())
        .drop_nulls(f"{prefix}_code")
        .with_columns(pl.col(f"{prefix}_code").cast(pl.String))
        .sort(f"{prefix}_rank", f"{prefix}_code", nulls_last=True)
    )[f"{prefix}_code"].to_list()


def _ordered(frame: pl.DataFrame, prefix: str, order: list[str]) -> pl.Series:
    """The dimension's codes as an Enum in display order."""
    return frame[f"{prefix}_code"].cast(pl.Enum(order))


def cell_sums(
    con: duckdb.DuckDBPyConnection, spec: CrosstabSpec, *, strata: bool, psu: bool
) -> tuple[pl.DataFrame, list[str] | None]:
    """The respondents of a cross-tab summed in the warehouse, ready for ``crosstab_from_sums``.

    ``strata`` and ``psu`` say whether the survey's respondents have them (``crosstab_surveys``'
    ``has_strata`` / ``has_psu``); an unweighted table groups on neither. One row per
    (row, col, layer, stratum, PSU) from the named query ``crosstab_sums``:
    ``row`` and ``col`` (Enums of codes in display order), ``layer`` (the code's position in
    display order), ``stratum``, ``psu`` and the sums of ``analysis.crosstab.SUM_COLUMNS``;
    plus the layer codes in order (None without a layer). Respondents outside the filters are
    in groups with a null ``row`` (out of the table, still in the design, as R's ``subset``).
    """
    filters = [(dim, code) for dim, codes in spec.filters for code in codes]
    raw = run_query(
        con,
        "crosstab_sums",
        survey_id=spec.survey_id,
        row=spec.row,
        col=spec.col,
        layer=spec.layer or "",
        filter_dims=[d for d, _ in filters],
        filter_codes=[c for _, c in filters],
        strata=spec.weighted and strata,
        psu=spec.weighted and psu,
    )
    columns = [
        pl.col("stratum"),
        pl.col("psu"),
        _ordered(raw, "row", _order(raw, "row")).alias("row"),
        _ordered(raw, "col", _order(raw, "col")).alias("col"),
        pl.col(SUM_COLUMNS),
    ]
    if spec.layer:
        # The layer goes in as its position in display order (an integer), not an Enum:
        # analysis.crosstab's per-layer joins need a plain key type; compute() maps it back.
        order = _order(raw, "layer")
        columns.append(_ordered(raw, "layer", order).to_physical().cast(pl.Int64).alias("layer"))
        return raw.select(columns), order
    return raw.select(columns), None


def compute(sums: pl.DataFrame, spec: CrosstabSpec, layer_codes: list[str] | None = None) -> CrosstabResult:
    """Run the design-based cross-tab on ``cell_sums`` (weights and design when weighted).

    ``layer_codes`` maps the integer ``layer`` positions back to codes in the result.
    """
    weighted = spec.weighted
    has_strata = weighted and sums["stratum"].null_count() < sums.height
    has_psu = weighted and sums["psu"].null_count() < sums.height
    result = crosstab_from_sums(
        sums,
        row="row",
        col="col",
        layer="layer" if spec.layer else None,
        weight="weight" if weighted else None,
        strata="stratum" if has_strata else None,
        psu="psu" if has_psu else None,
        percent=spec.percent,
        alpha=spec.alpha,
    )
    return _decode_layer(result, layer_codes) if spec.layer and layer_codes is not None else result


def _decode_layer(result: CrosstabResult, codes: list[str]) -> CrosstabResult:
    """The result with layer positions replaced by the layer codes."""
    mapping = dict(enumerate(codes))

    def decode(frame: pl.DataFrame) -> pl.DataFrame:
        if "layer" not in frame.columns or frame.is_empty():
            return frame
        return frame.with_columns(pl.col("layer").replace_strict(mapping, default=None, return_dtype=pl.String))

    return replace(
        result,
        cells=decode(result.cells),
        margins=decode(result.margins),
        comparisons=decode(result.comparisons) if result.compare != "layers" else result.comparisons.with_columns(
            pl.col("a").replace_strict(mapping, default=None, return_dtype=pl.String),
            pl.col("b").replace_strict(mapping, default=None, return_dtype=pl.String),
        ),
        tests=tuple(replace(t, layer=mapping.get(t.layer, t.layer)) for t in result.tests),
        letter_keys=result.letter_keys if result.compare != "layers" else tuple((k, mapping.get(v, v)) for k, v in result.letter_keys),
    )


def _label(labels: dict[str, str], code: Any) -> str | None:
    if code is None:
        return None
    return labels.get(str(code), str(code))


def _strip_letters(letters: str, hidden: set[str]) -> str:
    """Drop letters that name a column whose cell in the same row is suppressed."""
    if not hidden or not letters:
        return letters
    return "".join(ch for ch in letters if ch not in hidden)


def _protected_cells(
    result: CrosstabResult, table: SuppressedTable, dims: dict[str, Dimension], spec: CrosstabSpec
) -> tuple[pl.DataFrame, tuple[tuple[str, str], ...]]:
    """Labelled cells and totals with suppressed numbers blanked."""
    numbers = ["percent", "se", "ci_low", "ci_high", "deff", "weighted_n", "unweighted_n"]
    row_dim, col_dim = dims[spec.row], dims[spec.col]
    layer_dim = dims.get(spec.layer) if spec.layer else None
    flags = table.frame.select("_layer", "row", "col", "is_suppressed", "suppression")
    cells = (
        result.cells.with_columns(
            pl.col("layer").cast(pl.String).fill_null("").alias("_layer"),
            pl.col("row").cast(pl.String),
            pl.col("col").cast(pl.String),
        )
        .join(flags, on=["_layer", "row", "col"], how="left")
    )
    letter_of = {str(category): letter for letter, category in result.letter_keys}
    single = all(len(letter) == 1 for letter in letter_of.values())
    hidden: dict[tuple[str, str], set[str]] = {}
    for lay, r, c in cells.filter(pl.col("is_suppressed")).select("_layer", "row", "col").iter_rows():
        if c in letter_of:
            hidden.setdefault((lay, r), set()).add(letter_of[c])
    letters = [
        "" if sup else (_strip_letters(text, hidden.get((lay, r), set())) if single else text)
        for lay, r, text, sup in cells.select("_layer", "row", "letters", "is_suppressed").iter_rows()
    ]
    cells = cells.with_columns(pl.Series("letters", letters, dtype=pl.String), pl.lit("cell").alias("cell_type"))

    margins = result.margins.with_columns(pl.col("layer").cast(pl.String).fill_null("").alias("_layer"))
    row_totals = margins.filter(pl.col("margin") == "row").rename({"category": "row"}).join(
        table.row_totals.select("_layer", pl.col("row").cast(pl.String), "is_suppressed", "suppression"),
        on=["_layer", "row"],
        how="left",
    ).with_columns(pl.lit(None, dtype=pl.String).alias("col"), pl.lit("row_total").alias("cell_type"))
    col_totals = margins.filter(pl.col("margin") == "col").rename({"category": "col"}).join(
        table.col_totals.select("_layer", pl.col("col").cast(pl.String), "is_suppressed", "suppression"),
        on=["_layer", "col"],
        how="left",
    ).with_columns(pl.lit(None, dtype=pl.String).alias("row"), pl.lit("col_total").alias("cell_type"))
    grand = (
        cells.group_by("_layer", maintain_order=True)
        .agg(pl.col("weighted_n").sum(), pl.col("unweighted_n").sum())
        .join(table.grand_totals.select("_layer", "is_suppressed", "suppression"), on="_layer", how="left")
        .with_columns(
            pl.lit(100.0).alias("percent"),
            pl.lit(None, dtype=pl.String).alias("row"),
            pl.lit(None, dtype=pl.String).alias("col"),
            pl.lit("table_total").alias("cell_type"),
        )
    )
    columns = ["cell_type", "_layer", "row", "col", *numbers, "letters", "is_suppressed", "suppression"]
    parts = []
    for part in (cells, row_totals, col_totals, grand):
        for name in columns:
            if name not in part.columns:
                part = part.with_columns(pl.lit(None).alias(name))
        parts.append(part.select(columns))
    frame = pl.concat(parts, how="vertical_relaxed").with_columns(pl.col("is_suppressed").fill_null(False))
    blank = pl.col("is_suppressed")
    frame = frame.with_columns(
        *(pl.when(blank).then(None).otherwise(pl.col(n)).alias(n) for n in numbers),
        pl.when(blank).then(pl.lit("suppressed")).otherwise(None).alias("note"),
    )
    layer_labels = layer_dim.labels if layer_dim else {}
    frame = frame.select(
        "cell_type",
        map_distinct(frame["_layer"], lambda v: _label(layer_labels, v) if v else None, dtype=pl.String).alias("layer"),
        map_distinct(frame["row"], lambda v: _label(row_dim.labels, v), dtype=pl.String).alias("row"),
        map_distinct(frame["col"], lambda v: _label(col_dim.labels, v), dtype=pl.String).alias("col"),
        *numbers,
        pl.col("letters").fill_null(""),
        pl.col("is_suppressed").alias("suppressed"),
        "suppression",
        "note",
        pl.when(pl.col("_layer") != "").then(pl.col("_layer")).alias("layer_code"),
        pl.col("row").alias("row_code"),
        pl.col("col").alias("col_code"),
    ).with_columns(pl.col("unweighted_n").cast(pl.Int64))
    keys = tuple((letter, _label(col_dim.labels, category) or "") for letter, category in result.letter_keys)
    return frame, keys


def _tests_frame(result: CrosstabResult, dims: dict[str, Dimension], spec: CrosstabSpec) -> pl.DataFrame:
    layer_labels = dims[spec.layer].labels if spec.layer else {}
    rows = []
    for t in result.tests:
        layer = _label(layer_labels, t.layer) if t.layer is not None else None
        base = {"layer": layer, "n": t.n_complete}
        rows += [
            {**base, "statistic": "pearson_chisq", "value": t.pearson_x2, "df_num": float(t.pearson_df), "df_den": None, "p_value": t.pearson_p},
            {**base, "statistic": "rao_scott_first_order_chisq", "value": t.first_order_x2, "df_num": float(t.first_order_df), "df_den": None, "p_value": t.first_order_p},
            {**base, "statistic": "rao_scott_second_order_chisq", "value": t.second_order_x2, "df_num": t.second_order_df, "df_den": None, "p_value": t.second_order_p},
            {**base, "statistic": "rao_scott_f", "value": t.f_statistic, "df_num": t.f_ndf, "df_den": t.f_ddf, "p_value": t.f_p},
            {**base, "statistic": "adjusted_wald_f", "value": t.adj_wald_f, "df_num": float(t.adj_wald_ndf), "df_den": float(t.adj_wald_ddf), "p_value": t.adj_wald_p},
            {**base, "statistic": "mean_design_effect", "value": t.mean_deff, "df_num": None, "df_den": None, "p_value": None},
        ]
    schema = {"layer": pl.String, "statistic": pl.String, "value": pl.Float64, "df_num": pl.Float64,
              "df_den": pl.Float64, "p_value": pl.Float64, "n": pl.Int64}
    return pl.DataFrame(rows, schema=schema, orient="row").select(list(schema))


def _meta(
    survey: dict[str, Any], spec: CrosstabSpec, dims: dict[str, Dimension], result: CrosstabResult, version: str,
    threshold: int,
) -> ExportMeta:
    design = result.design
    if not spec.weighted:
        weighting = "unweighted (every respondent counts 1; simple random sampling assumed)"
    else:
        parts = [f"weight variable of the survey ({design.weight})" if design.weight else "equal weights"]
        parts.append(f"strata: {design.n_strata}" if design.strata else "no strata")
        parts.append(f"PSUs: {design.n_psu}" if design.psu else "each respondent its own PSU")
        weighting = "; ".join(parts)
    waves = "; ".join(
        f"{w['wave_label'] or w['wave']}: {w['fieldwork_start']} – {w['fieldwork_end']}" for w in survey["waves"]
    )
    filters = {dim: list(codes) for dim, codes in spec.filters}
    filter_text = "; ".join(
        f"{dims[d].label} in {', '.join(_label(dims[d].labels, c) or c for c in codes)}" for d, codes in spec.filters
    ) or "none"
    facts: list[tuple[str, str]] = [
        ("survey", f"{survey['survey_name']} ({spec.survey_id})"),
        ("row variable", f"{spec.row}: {dims[spec.row].wording or dims[spec.row].label}"),
        ("column variable", f"{spec.col}: {dims[spec.col].wording or dims[spec.col].label}"),
        ("layer variable", f"{spec.layer}: {dims[spec.layer].wording or dims[spec.layer].label}" if spec.layer else "none"),
        ("percentages", {"col": "column percentages", "row": "row percentages", "total": "total percentages"}[spec.percent]),
        ("weighting", weighting),
        ("filters", filter_text),
        ("sample type", str(survey["sample_type"])),
        ("mode", str(survey["mode"])),
        ("sample size", f"{design.n_rows} respondents in the design; {int(result.cells['unweighted_n'].sum())} in the table"),
        ("fieldwork", waves),
        ("data version", version),
        ("date of export", datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")),
        ("access tier", spec.tier),
        ("disclosure threshold", str(threshold)),
        ("significance level", str(spec.alpha)),
        *METHODS,
    ]
    value_labels = {name: dims[name].labels for name in (spec.row, spec.col, spec.layer) if name and dims[name].labels}
    return ExportMeta(
        title=f"{spec.row} × {spec.col}" + (f" by {spec.layer}" if spec.layer else "") + f", {spec.percent} %",
        facts=tuple(facts),
        filters=filters,
        data_version=version,
        value_labels=value_labels,
        variable_labels={
            "percent": "Weighted percent (percentage points)" if spec.weighted else "Percent",
            "se": "Standard error (percentage points)",
            "ci_low": "95 % CI lower bound (logit)",
            "ci_high": "95 % CI upper bound (logit)",
            "deff": "Design effect (SRS with replacement)",
            "weighted_n": "Weighted N",
            "unweighted_n": "Unweighted n",
        },
    )


def run_crosstab(
    con: duckdb.DuckDBPyConnection, spec: CrosstabSpec, *, settings: Settings, data_version: str = ""
) -> CrosstabBundle:
    """Query, compute, protect and label one cross-tab (what the page shows and files contain).

    Args:
        con: a read-only warehouse connection.
        spec: the request.
        settings: for the threshold and the audit log.
        data_version: the warehouse's data version (read from the sidecar when empty).

    Returns:
        A ``CrosstabBundle``; suppressions are logged to the audit log.

    Raises:
        ExportRejected: an unknown survey, variable, tier or an empty table.
    """
    threshold = spec.threshold if spec.threshold is not None else threshold_for(spec.tier, settings)
    if spec.threshold is not None and spec.tier not in TIERS:
        threshold_for(spec.tier, settings)
    version = data_version or (read_version(settings) or {}).get("data_version", "")
    surveys = run_query(con, "crosstab_surveys")
    dims = _dimensions(con, spec, surveys)
    survey = surveys.filter(pl.col("survey_id") == spec.survey_id).row(0, named=True)
    sums, layer_codes = cell_sums(con, spec, strata=survey["has_strata"], psu=survey["has_psu"])
    try:
        result = compute(sums, spec, layer_codes)
    except AnalysisError as error:
        raise ExportRejected(error.title, getattr(error, "detail", "") or "", source=error.source or "") from error
    counts = result.cells.select(
        pl.col("layer").cast(pl.String).fill_null("").alias("_layer"),
        pl.col("row").cast(pl.String),
        pl.col("col").cast(pl.String),
        "unweighted_n",
    )
    what = {"table": "crosstab", "survey": spec.survey_id, "row": spec.row, "col": spec.col, "layer": spec.layer,
            "filters": {d: list(c) for d, c in spec.filters}, "data_version": version}
    table = suppress_logged(
        settings, counts, value="unweighted_n", row="row", col="col", by=("_layer",),
        threshold=threshold, tier=spec.tier, what=what,
    )
    cells, keys = _protected_cells(result, table, dims, spec)
    return CrosstabBundle(
        spec=CrosstabSpec(**{**spec.__dict__, "threshold": threshold}),
        result=result,
        cells=cells,
        tests=_tests_frame(result, dims, spec),
        letter_keys=keys,
        suppression=table,
        meta=_meta(survey, spec, dims, result, version, threshold),
        dimensions=dims,
    )


def _sav_frame(bundle: CrosstabBundle) -> tuple[pl.DataFrame, ExportMeta]:
    """Cells with layer/row/col as whole-number codes carrying SPSS value labels."""
    cells = bundle.cells
    labels: dict[str, dict[str, str]] = {}
    columns = []
    for name in ("layer", "row", "col", "cell_type"):
        values = [v for v in cells[name].unique(maintain_order=True).to_list() if v is not None]
        mapping = {v: i + 1 for i, v in enumerate(values)}
        labels[name] = {str(i): v for v, i in mapping.items()}
        columns.append(pl.col(name).replace_strict(mapping, default=None, return_dtype=pl.Int64).alias(name))
    frame = cells.with_columns(columns).with_columns(pl.col("suppressed").cast(pl.Int64))
    labels["suppressed"] = {"0": "published", "1": "suppressed"}
    meta = ExportMeta(
        title=bundle.meta.title,
        facts=bundle.meta.facts,
        filters=bundle.meta.filters,
        data_version=bundle.meta.data_version,
        value_labels={k: v for k, v in labels.items() if v},
        variable_labels=bundle.meta.variable_labels,
    )
    return frame, meta


def export_crosstab(bundle: CrosstabBundle, fmt: str, out: Path, *, settings: Settings) -> list[Path]:
    """Write a bundle in one format and log the export.

    Returns:
        Every file written.

    Raises:
        ExportRejected: the bundle's tier may not export in that format (checked here, where
            every page download and every command-line export passes, not only in the menu).
    """
    tier = rules_for(settings).tier(bundle.spec.tier)
    if not tier.may_export(fmt):
        raise ExportRejected(
            "Export format not allowed", f"The {tier.name} tier may export {', '.join(tier.exports) or 'nothing'}, not {fmt}.",
            source="format",
        )
    cells, meta = (_sav_frame(bundle) if fmt == "sav" else (bundle.cells, bundle.meta))
    paths = write_export(out, fmt, cells, bundle.tests, meta)  # type: ignore[arg-type]
    spec = bundle.spec
    record_event(
        settings,
        "export",
        tier=spec.tier,
        what={"table": "crosstab", "survey": spec.survey_id, "row": spec.row, "col": spec.col, "layer": spec.layer,
              "filters": {d: list(c) for d, c in spec.filters}, "format": fmt, "files": [p.name for p in paths],
              "data_version": bundle.meta.data_version},
        counts={"rows": bundle.cells.height, "suppressed": int(bundle.cells["suppressed"].sum())},
    )
    return paths


def parse_filters(values: list[str]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``["gender=1", "wave=2017-baseline,2017-followup"]`` → ``(("gender", ("1",)), …)``.

    Raises:
        ExportRejected: a filter without ``=`` or without codes.
    """
    out: dict[str, list[str]] = {}
    for text in values:
        dim, sep, codes = text.partition("=")
        parts = [c.strip() for c in codes.split(",") if c.strip()]
        if not sep or not dim.strip() or not parts:
            raise ExportRejected("Bad filter", f"{text!r} is not DIMENSION=CODE[,CODE…].", source="filter")
        out.setdefault(dim.strip(), []).extend(parts)
    return tuple((d, tuple(c)) for d, c in out.items())


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``python -m pipelines export crosstab``."""
    parser.add_argument("--survey", required=True, help="Survey id (survey_respondents.survey_id).")
    parser.add_argument("--row", required=True, help="Row variable: an item of the survey, 'wave' or 'area'.")
    parser.add_argument("--col", required=True, help="Column variable: an item, 'wave' or 'area'.")
    parser.add_argument("--layer", default=None, help="Optional layer variable (e.g. wave).")
    parser.add_argument("--weight", choices=("survey", "none"), default="survey",
                        help="'survey': the survey's weight and design (default); 'none': unweighted.")
    parser.add_argument("--filter", action="append", default=[], metavar="DIM=CODE[,CODE]",
                        help="Keep respondents whose DIM has one of the codes; repeat for more filters.")
    parser.add_argument("--percent", choices=("col", "row", "total"), default="col")
    parser.add_argument("--tier", choices=TIERS, default="public", help="Access tier (sets the disclosure threshold).")
    parser.add_argument("--lang", choices=("da", "en", "uk"), default="en", help="Language of wording and labels.")
    parser.add_argument("--format", required=True, choices=FORMATS)
    parser.add_argument("--out", required=True, type=Path, help="Output file (CSV also writes _tests.csv and _meta.json).")


def run_cli(args: argparse.Namespace, settings: Settings) -> int:
    """Run ``export crosstab`` from parsed arguments; prints the files written. Returns 0."""
    from pipelines.warehouse import open_warehouse

    spec = CrosstabSpec(
        survey_id=args.survey,
        row=args.row,
        col=args.col,
        layer=args.layer,
        weighted=args.weight == "survey",
        filters=parse_filters(args.filter),
        percent=args.percent,
        alpha=settings.default_alpha,
        tier=args.tier,
        lang=args.lang,
    )
    con = open_warehouse(settings.warehouse_path)
    try:
        bundle = run_crosstab(con, spec, settings=settings)
    finally:
        con.close()
    for path in export_crosstab(bundle, args.format, args.out, settings=settings):
        print(path)
    suppressed = int(bundle.cells["suppressed"].sum())
    if suppressed:
        print(f"{suppressed} number(s) suppressed (threshold {bundle.spec.threshold}); see the audit log.", file=sys.stderr)
    return 0

