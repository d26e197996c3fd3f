"""Cached wrappers for the Trust & safety page: named survey queries + ``analysis.survey``.

The page follows the sidebar's area: a series is offered when it has data for the chosen area
or an area below it (``area_tree``), and its estimates and figures are limited to those areas.
Respondent rows come from ``survey_item_respondents`` into these functions only; what leaves
them is estimates per wave, area or group (weighted proportion of the item's top box, or the
weighted mean when the item has no top box), with intervals, n, effective n, design effect
and reliability flags, computed by ``analysis.survey`` under the survey's design (weights,
strata and PSUs when the description names them). Results are cached on primitives plus the
data version (STYLE §5.8).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl
import streamlit as st

from analysis.results import Comparability, IndicatorMeta, ProportionComparison
from analysis.survey import comparability, compare_proportions, weighted_mean, weighted_proportion
from pipelines.thread_safe_polars import map_distinct
from ui import data
from ui.frame import area_label

ALL_AREAS = "__all__"
# The item bank's scale and sample-type names → analysis.results literals.
SCALES = {"binary": "yes_no", "4-point": "4_point", "5-point": "5_point", "0-10": "0_10", "0-100": "0_100_mean"}
SAMPLE_TYPES = {"probability": "probability", "opt-in": "opt_in"}


@dataclass(frozen=True)
class Series:
    """One series of the item bank (a survey question, or a published source × indicator)."""

    key: str
    source_kind: str
    source: str
    survey_name: str
    indicator: str
    item: str | None
    scale: str
    statistic: str
    sample_type: str
    wording: dict[str, str | None]

    def meta(self) -> IndicatorMeta:
        """The series as ``analysis`` sees it, for the comparability rule."""
        return IndicatorMeta(self.indicator, SCALES.get(self.scale, self.scale), SAMPLE_TYPES[self.sample_type])


def _version() -> str:
    version = data.data_version()
    return version["data_version"] if version else ""


def series_list() -> list[Series]:
    """Every series in the item bank, microdata first."""
    rows = data.query("survey_series")
    out = []
    for r in rows.iter_rows(named=True):
        key = f"{r['source_kind']}:{r['source']}:{r['item'] or r['indicator']}"
        out.append(Series(key, r["source_kind"], r["source"], r["survey_name"], r["indicator"], r["item"], r["scale"],
                          r["statistic"], r["sample_type"], {lang: r[f"wording_{lang}"] for lang in ("da", "en", "uk")}))
    return out


def coverage(area_code: str) -> pl.DataFrame:
    """Where every series has data, with ``in_scope`` for the chosen area and the areas below it.

    Returns:
        One row per source × area with data: ``source_kind, source, indicator`` (null for
        microdata: a survey covers all its questions), ``area_code, n_rows, in_scope`` and the
        area to suggest instead (``suggest_code`` and its names).
    """
    return data.query("survey_coverage", area_code=area_code)


def _covers(frame: pl.DataFrame, series: Series) -> pl.DataFrame:
    own = frame.filter((pl.col("source_kind") == series.source_kind) & (pl.col("source") == series.source))
    return own if series.source_kind == "microdata" else own.filter(pl.col("indicator") == series.indicator)


def scope_codes(series: Series, area_code: str) -> list[str]:
    """The areas (the chosen one or below it) where ``series`` has data, sorted."""
    return sorted(_covers(coverage(area_code).filter(pl.col("in_scope")), series)["area_code"].to_list())


def has_areas(series: Series) -> bool:
    """Whether the series' data name areas at all (a survey without an area variable does not)."""
    return _covers(coverage(ALL_AREAS), series).height > 0


def series_in_area(series: list[Series], area_code: str) -> list[Series]:
    """The series with data for ``area_code`` or an area below it, in item-bank order, plus the
    surveys whose respondents have no area (they belong to no area, so no area can hide them)."""
    return [s for s in series if scope_codes(s, area_code) or not has_areas(s)]


def suggested_areas(lang: str) -> list[tuple[str, str]]:
    """Areas to switch to when the chosen one has no data: ``(code, name)`` sorted by name.

    Each is the highest area below country level above some data (a police district, an
    oblast), so one click shows every series there.
    """
    rows = coverage(ALL_AREAS).filter(pl.col("suggest_code").is_not_null() & ~pl.col("suggest_is_unknown").fill_null(False))
    out = {
        r["suggest_code"]: area_label({"area_name": r["suggest_name"], "name_en": r["suggest_name_en"], "name_uk": r["suggest_name_uk"]}, lang)
        for r in rows.iter_rows(named=True)
    }
    return sorted(out.items(), key=lambda item: item[1])


def overlaps(start: date | None, end: date | None, period_start: date, period_end: date) -> bool:
    """Whether the span ``start``–``end`` (end unknown: one day) shares a day with the period."""
    if start is None:
        return False
    return start <= period_end and (end or start) >= period_start


def comparisons(chosen: Series, others: list[Series]) -> list[tuple[Series, Comparability]]:
    """The comparability verdict of every other series of the same indicator family."""
    return [(other, comparability(chosen.meta(), other.meta())) for other in others if other.key != chosen.key]


def item_meta(survey_id: str) -> pl.DataFrame:
    """Questions and breakdowns of one survey with labels (one row per variable)."""
    return data.query("survey_item_meta", survey_id=survey_id)


def waves(survey_id: str) -> pl.DataFrame:
    """The survey's waves in order, with a plotting date (fieldwork midpoint)."""
    frame = data.query("survey_waves_of", survey_id=survey_id)
    return frame.with_columns(
        pl.when(pl.col("fieldwork_start").is_not_null() & pl.col("fieldwork_end").is_not_null())
        .then(pl.col("fieldwork_start") + (pl.col("fieldwork_end") - pl.col("fieldwork_start")) / 2)
        .otherwise(pl.col("fieldwork_start"))
        .alias("wave_date")
    )


def _respondents(survey_id: str, item: str, breakdown: str, area_code: str) -> tuple[pl.DataFrame, list[float]]:
    meta = item_meta(survey_id).filter(pl.col("item") == item)
    top_box = json.loads(meta["top_box"][0] or "[]") if meta.height else []
    rows = data.query("survey_item_respondents", survey_id=survey_id, item=item, breakdown=breakdown)
    covered = coverage(area_code).filter((pl.col("source_kind") == "microdata") & (pl.col("source") == survey_id))
    if area_code != ALL_AREAS and covered.height:
        rows = rows.filter(pl.col("area_code").is_in(covered.filter(pl.col("in_scope"))["area_code"].implode()))
    rows = rows.with_columns(
        pl.col("area_code").fill_null(ALL_AREAS),
        pl.when(pl.col("value").is_null()).then(None).otherwise(pl.col("value").is_in(top_box).cast(pl.Float64)).alias("top_box"),
    )
    return rows, top_box


def _design(rows: pl.DataFrame) -> dict[str, str | None]:
    return {
        "weight": "weight",
        "strata": "stratum" if rows["stratum"].null_count() < rows.height else None,
        "psu": "psu" if rows["psu"].null_count() < rows.height else None,
    }


def _estimate(rows: pl.DataFrame, top_box: list[float], by: tuple[str, ...], alpha: float) -> pl.DataFrame:
    design = _design(rows)
    if top_box:
        table = weighted_proportion(rows, indicator="top_box", by=by, alpha=alpha, **design)
        scale = 100.0
    else:
        table = weighted_mean(rows, variable="value", by=by, alpha=alpha, **design)
        scale = 1.0
    return table.frame.with_columns(
        (pl.col("estimate") * scale).alias("value"),
        (pl.col("ci_low") * scale).alias("ci_low"),
        (pl.col("ci_high") * scale).alias("ci_high"),
        (pl.col("se") * scale).alias("se"),
        pl.lit("percent" if top_box else "mean").alias("statistic"),
    )


@st.cache_data(max_entries=64, show_spinner=False)
def _trend(survey_id: str, item: str, area_code: str, version: str, alpha: float) -> pl.DataFrame:
    rows, top_box = _respondents(survey_id, item, "", area_code)
    if rows.height == 0:
        return pl.DataFrame()
    estimates = _estimate(rows, top_box, ("wave", "area_code"), alpha)
    if rows["area_code"].n_unique() > 1:
        # The line over all surveyed areas in scope; with one area it would repeat that area's.
        total = _estimate(rows, top_box, ("wave",), alpha).with_columns(pl.lit(ALL_AREAS).alias("area_code"))
        estimates = pl.concat([estimates, total], how="diagonal_relaxed")
    return estimates.join(waves(survey_id).select("wave", "wave_label", "wave_order", "wave_date"), on="wave", how="left").sort("area_code", "wave_order")


def trend(survey_id: str, item: str, area_code: str = ALL_AREAS, *, alpha: float = 0.05) -> pl.DataFrame:
    """Estimates per wave for each surveyed area in ``area_code``'s scope (the area and the areas
    below it; ``ALL_AREAS``: every respondent), plus every wave over all of them (in the result's
    ``area_code == ALL_AREAS``) when there are several. Empty when no respondent lives in the scope.

    Returns:
        Columns ``wave, wave_label, wave_order, wave_date, area_code, value`` (percent 0–100 of
        the top box, or the mean), ``se, ci_low, ci_high`` (same unit), ``deff, n_unweighted,
        n_effective, weighted_n, is_unreliable, unreliable_reason, statistic``.
    """
    return _trend(survey_id, item, area_code, _version(), alpha)


@st.cache_data(max_entries=64, show_spinner=False)
def _breakdown(survey_id: str, item: str, breakdown: str, area_code: str, version: str, alpha: float) -> pl.DataFrame:
    rows, top_box = _respondents(survey_id, item, breakdown, area_code)
    rows = rows.filter(pl.col("group_value").is_not_null())
    if rows.height == 0:
        return pl.DataFrame()
    estimates = _estimate(rows, top_box, ("wave", "group_value"), alpha)
    labels = item_meta(survey_id).filter(pl.col("item") == breakdown)
    names = json.loads(labels["value_labels"][0] or "{}") if labels.height else {}
    estimates = estimates.with_columns(
        map_distinct(estimates["group_value"], lambda v: names.get(_code(v), _code(v)), dtype=pl.Utf8).alias("group_label")
    )
    return estimates.join(waves(survey_id).select("wave", "wave_label", "wave_order"), on="wave", how="left").sort("wave_order", "group_value")


def breakdown(survey_id: str, item: str, variable: str, area_code: str = ALL_AREAS, *, alpha: float = 0.05) -> pl.DataFrame:
    """Estimates per wave and group of a breakdown variable (with the group's value label), over
    the respondents in ``area_code``'s scope."""
    return _breakdown(survey_id, item, variable, area_code, _version(), alpha)


def _code(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


@st.cache_data(max_entries=64, show_spinner=False)
def _before_after(survey_id: str, item: str, area_code: str, version: str, alpha: float) -> ProportionComparison | None:
    rows, top_box = _respondents(survey_id, item, "", area_code)
    if not top_box:
        return None
    order = waves(survey_id).filter(pl.col("n_respondents") > 0)
    if order.height < 2:
        return None
    first, last = order["wave"][0], order["wave"][-1]
    rows = rows.filter(pl.col("wave").is_in([first, last]))
    if rows.filter(pl.col("wave") == first).height == 0 or rows.filter(pl.col("wave") == last).height == 0:
        return None
    return compare_proportions(rows, indicator="top_box", group="wave", value=last, reference=first,
                               samples="independent", alpha=alpha, **_design(rows))


def before_after(survey_id: str, item: str, area_code: str = ALL_AREAS, *, alpha: float = 0.05) -> ProportionComparison | None:
    """First wave (baseline) against the last (follow-up) for the item's top box, over the
    respondents in ``area_code``'s scope (the area and the areas below it; ``ALL_AREAS``: all);
    None when the item has no top box or either wave has no respondents there."""
    return _before_after(survey_id, item, area_code, _version(), alpha)


def published(source: str, indicator: str) -> pl.DataFrame:
    """One published series with ``n_missing`` (n not published) and ``is_unreliable`` flags."""
    frame = data.query("survey_published_series", source=source, indicator=indicator)
    return frame.with_columns(
        pl.col("n").is_null().alias("n_missing"),
        (pl.col("n").is_not_null() & (pl.col("n") < 30)).alias("is_unreliable"),
        pl.coalesce("period_start", pl.lit(None, dtype=pl.Date)).alias("x"),
    )


def area_names(lang: str) -> dict[str, str]:
    """Area code → display name for every area survey respondents live in."""
    rows = data.query("survey_area_names")
    return {r["area_code"]: area_label(r, lang) for r in rows.iter_rows(named=True)}


def area_name(row: dict, lang: str) -> str:
    """A published row's area in the language (unknown areas show their label)."""
    if row.get("area_name") is None:
        return str(row["area_code"]).removeprefix("?:")
    return area_label(row, lang)


def midpoint(start: date | None, end: date | None) -> date | None:
    """The middle day of a period (for plotting), or its start when the end is unknown."""
    if start is None:
        return None
    if end is None:
        return start
    return start + timedelta(days=(end - start).days // 2)
