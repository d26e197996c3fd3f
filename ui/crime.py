"""The crime page's numbers: named queries combined with ``analysis`` calls, cached per data version.

Everything here returns codes and numbers; ``pages/crime.py`` words them through the catalogue.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date

import numpy as np
import plotly.graph_objects as go
import polars as pl
import pyarrow as pa

from analysis.change import BaselineResult, ChangeResult, baseline_band, compare_count_columns, compare_counts
from analysis.errors import AnalysisError
from analysis.periods import Period, period_of, resolve_preset, same_period_last_year, same_period_previous_years
from analysis.rates import RateResult, poisson_rate
from pipelines.thread_safe_polars import map_distinct, to_arrow_table
from ui import data
from ui.charts import encoded_figure
from ui.charts.crime import ranking_figure, trend_figure
from ui.charts.maps import choropleth_figure, load_geojson
from ui.i18n import translate

DEFAULT_GROUP = "burglary"
# Finest calendar period first: the page shows the finest calendar period type the data have
# for the area and group; data that come only in ISO weeks (a district's weekly template) are
# shown in weeks, with the weekly presets of ``analysis.periods``.
PERIOD_TYPES = ("month", "quarter", "half_year", "year", "week")
# Groups that are totals of others (StatBank "… i alt") are listed first in the CompStat table.
TOTAL_GROUPS = ("total", "property", "violence", "sexual")
BAND_YEARS = 3


@dataclass(frozen=True)
class CrimeView:
    """Everything the crime page shows for one area, offence group and period.

    Attributes:
        offence_group: the group shown.
        period_type: the data period used (``month``, ``quarter`` …).
        period: the chosen span; ``before``: the same span a year earlier.
        count / count_before: offences in each span.
        rate: per 1,000 inhabitants (None without a population).
        population_year: the 1 January population year used for the latest period.
        population_is_latest_available: the period is newer than the population data.
        change: exact Poisson comparison with the same span a year earlier (None when the
            data do not cover that span: no data is not zero).
        baseline: the span against the same span in the previous 3 years (None if fewer).
        series: ``period_start``, ``count``, ``rate_per_1000``, ``band_low``, ``band_high``.
        areas: municipalities/LSOAs to rank and map (``crime_compare_areas.sql`` with the
            counts of ``crime_areas_compare.sql``) plus ``pct_change`` and ``verdict``.
        groups: CompStat rows per offence group with ``verdict``, ``pct_change``, ``p_value``.
        events: ``event_date``, ``label_da``/``label_en``/``label_uk``, ``source``.
        notices: codes for the page (``preset_too_fine``, ``population_latest``, ``summed``).
    """

    offence_group: str
    period_type: str
    period: Period
    before: Period
    count: int
    count_before: int
    rate: RateResult | None
    population_year: int | None
    population_is_latest_available: bool
    change: ChangeResult | None
    baseline: BaselineResult | None
    series: pl.DataFrame
    areas: pl.DataFrame
    groups: pl.DataFrame
    events: pl.DataFrame
    notices: tuple[str, ...]


@data.shared_per_version(max_entries=512)
def offence_groups(area_code: str) -> tuple[str, ...]:
    """Offence groups with data for an area, burglary first when present (cached per data version).

    The first is the group the page opens with (and the one ``ui/prefetch.py`` computes)."""
    groups = data.query("crime_offence_groups", area_code=area_code)["offence_group"].unique().sort().to_list()
    return tuple(sorted(groups, key=lambda g: (g != DEFAULT_GROUP, g in TOTAL_GROUPS, g)))


@data.shared_per_version(max_entries=4)
def unknown_offences(lang: str) -> pa.Table:
    """Offence labels the taxonomy does not know, with their rows and totals, headed in ``lang``."""
    words = functools.partial(translate, lang)
    return to_arrow_table(data.query("crime_unknown_offences").select(
        pl.col("offence_name").alias(words("crime.col.offence_name")),
        pl.col("row_count").alias(words("crime.col.row_count")),
        pl.col("total").alias(words("crime.col.total")),
    ))


def _span_sum(series: pl.DataFrame, period: Period) -> pl.DataFrame:
    return series.filter((pl.col("period_start") >= period.start) & (pl.col("period_end") <= period.end))


@data.shared_per_version(max_entries=256)
def crime_view(area_code: str, offence_group: str, preset: str, custom_start: date | None, custom_end: date | None) -> CrimeView | None:
    """The page's numbers (cached per data version); None when the area has no data for the group."""
    available = data.query("crime_offence_groups", area_code=area_code).filter(pl.col("offence_group") == offence_group)
    if available.is_empty():
        return None
    types = set(available["period_type"])
    period_type = next(t for t in PERIOD_TYPES if t in types)
    last_end = available.filter(pl.col("period_type") == period_type)["last_end"].max()
    latest = period_of(last_end, period_type)
    notices = []
    try:
        period = resolve_preset(preset, latest=latest, custom_start=custom_start, custom_end=custom_end)
    except AnalysisError:
        notices.append("preset_too_fine")
        period = resolve_preset("last_12_months", latest=latest)
    before = same_period_last_year(period)
    series = data.query("crime_series", area_code=area_code, offence_group=offence_group, period_type=period_type)
    current, previous = _span_sum(series, period), _span_sum(series, before)
    count, count_before = int(current["count"].sum()), int(previous["count"].sum())
    population = current["population"].mean() if current["population"].null_count() < current.height else None
    population_before = previous["population"].mean() if previous.height and previous["population"].null_count() < previous.height else None
    rate = poisson_rate(count, population) if population else None
    latest_row = current.sort("period_start").tail(1)
    population_year = latest_row["population_year"][0] if latest_row.height else None
    is_latest = bool(current["population_is_latest_available"].any()) if current.height else False
    if is_latest:
        notices.append("population_latest")
    if current.height and (current["count_source"] == "summed").any():
        notices.append("summed")
    # Exposure = days × inhabitants, so a growing population is not read as more crime.
    exposure = period.days * (population or 1.0)
    exposure_before = before.days * (population_before or population or 1.0)
    change = compare_counts(count, count_before, exposure=exposure, exposure_before=exposure_before) if previous.height else None
    if change is None:
        notices.append("no_comparison")
    history = [int(_span_sum(series, p)["count"].sum()) for p in same_period_previous_years(period, years=BAND_YEARS)]
    complete = all(_span_sum(series, p).height for p in same_period_previous_years(period, years=BAND_YEARS))
    baseline = baseline_band(count, history) if complete else None
    scope_code = comparison_scope(area_code)
    counts = data.query(
        "crime_areas_compare", scope_code=scope_code, offence_group=offence_group, period_type=period_type,
        period_start=period.start, period_end=period.end, before_start=before.start, before_end=before.end,
    )
    areas = data.query("crime_compare_areas", scope_code=scope_code, area_code=area_code).join(counts, on="area_code", how="left")
    groups = data.query(
        "crime_groups_compare", area_code=area_code, period_type=period_type,
        period_start=period.start, period_end=period.end, before_start=before.start, before_end=before.end,
    )
    events = data.query("crime_events", area_code=area_code, offence_group=offence_group)
    return CrimeView(
        offence_group=offence_group,
        period_type=period_type,
        period=period,
        before=before,
        count=count,
        count_before=count_before,
        rate=rate,
        population_year=population_year,
        population_is_latest_available=is_latest,
        change=change,
        baseline=baseline,
        series=_with_band(series),
        areas=_with_change(areas, "count", "count_before"),
        groups=_with_change(groups, "count", "count_before").sort(
            pl.col("offence_group").is_in(TOTAL_GROUPS).not_(), "offence_group"
        ),
        events=events,
        notices=tuple(notices),
    )


def ranks_by_rate(view: CrimeView) -> bool:
    """The ranking and map show rates when any compared area has a population, else counts."""
    return view.areas["rate_per_1000"].null_count() < view.areas.height


def map_country(view: CrimeView) -> str | None:
    """The country whose boundary file (``MAP_FILES``) the compared areas are drawn from, if any."""
    countries = view.areas["country"].drop_nulls()
    return countries.first() if countries.len() and countries.first() in MAP_FILES else None


@dataclass(frozen=True)
class CrimeFigures:
    """The crime page's charts for one view in one language (``ranking``/``map`` None when
    there is nothing to rank or no boundary file)."""

    trend: go.Figure
    ranking: go.Figure | None
    map: go.Figure | None


@data.shared_per_version(max_entries=512)
def crime_figures(area_code: str, offence_group: str, preset: str, custom_start: date | None, custom_end: date | None,
                  lang: str) -> CrimeFigures | None:
    """The charts of ``crime_view``'s view in ``lang``, cached with it per data version.

    Every session is handed the same figure objects; ``st.plotly_chart`` only reads a figure
    (it serialises a copy). Building them took ~10–15 ms of each rerun, the map most; they are
    kept with their arrays encoded (``encoded_figure``), which ``st.plotly_chart`` redid each time.
    """
    view = crime_view(area_code, offence_group, preset, custom_start, custom_end)
    if view is None:
        return None
    events = view.events.with_columns(label=view.events[f"label_{lang}"])
    trend = trend_figure(view.series, events, lang=lang, count_label=translate(lang, "crime.trend.count"),
                         band_label=translate(lang, "crime.trend.band"))
    ranking = map_figure = None
    if view.areas.height:
        by_rate = ranks_by_rate(view)
        value = "rate_per_1000" if by_rate else "count"
        value_label = translate(lang, "crime.col.rate" if by_rate else "crime.col.count")
        areas = labelled_areas(view, lang)
        ranking = ranking_figure(areas, lang=lang, value=value, value_label=value_label)
        country = map_country(view)
        if country is not None:
            file, feature_key = MAP_FILES[country]
            chosen = view.areas.filter("is_chosen")["map_key"]
            map_figure = choropleth_figure(areas, load_geojson(file), key="map_key", value=value, feature_key=feature_key,
                                           name="label", highlight=chosen.first() if chosen.len() else None, lang=lang)
    return CrimeFigures(encoded_figure(trend), None if ranking is None else encoded_figure(ranking),
                        None if map_figure is None else encoded_figure(map_figure))


@dataclass(frozen=True)
class CrimeTables:
    """The crime page's tables for one view in one language, as Arrow tables ``st.dataframe``
    sends as they are (columns headed in the language).

    Attributes:
        trend: the series (period start, count, rate per 1,000, baseline band).
        events: the events marked on the trend (date, label, source).
        ranking: ``ranking_table`` (no rows when there is nothing to rank).
        groups: ``groups_table``.
    """

    trend: pa.Table
    events: pa.Table
    ranking: pa.Table
    groups: pa.Table


@data.shared_per_version(max_entries=512)
def crime_tables(area_code: str, offence_group: str, preset: str, custom_start: date | None, custom_end: date | None,
                 lang: str) -> CrimeTables | None:
    """The tables of ``crime_view``'s view in ``lang``, cached with it per data version.

    Deriving and converting them (a label column, two translated tables, six polars-to-Arrow
    conversions) was ~15 ms of every rerun, more with several sessions at once.
    """
    view = crime_view(area_code, offence_group, preset, custom_start, custom_end)
    if view is None:
        return None
    words = functools.partial(translate, lang)
    trend = view.series.select(
        pl.col("period_start").alias(words("crime.col.period")), pl.col("count").alias(words("crime.col.count")),
        pl.col("rate_per_1000").alias(words("crime.col.rate")), pl.col("band_low").alias(words("crime.col.band_low")),
        pl.col("band_high").alias(words("crime.col.band_high")),
    )
    events = view.events.select(
        pl.col("event_date").alias(words("crime.col.event_date")), pl.col(f"label_{lang}").alias(words("crime.col.event")),
        pl.col("source").alias(words("crime.col.source")),
    )
    return CrimeTables(
        trend=to_arrow_table(trend),
        events=to_arrow_table(events),
        ranking=to_arrow_table(ranking_table(view, lang, words)),
        groups=to_arrow_table(groups_table(view, words)),
    )


def comparison_scope(area_code: str) -> str:
    """The area whose municipalities (or LSOAs) the ranking and map compare.

    A country, region, police district or force: its own; a municipality or LSOA: those of
    its parent (its police district or force), with itself marked.
    """
    picker = data.query("areas_for_picker").filter(pl.col("area_code") == area_code)
    if picker.height and picker["level"][0] in ("municipality", "lsoa") and picker["parent_code"][0]:
        return picker["parent_code"][0]
    return area_code


def _with_change(frame: pl.DataFrame, now: str, then: str) -> pl.DataFrame:
    """Add ``pct_change``, ``p_value`` and ``verdict`` (exact Poisson test, equal exposures)."""
    both = (frame[now].is_not_null() & frame[then].is_not_null()).to_numpy()
    pct = np.full(frame.height, np.nan)
    p_values = np.full(frame.height, np.nan)
    verdicts = np.full(frame.height, None, dtype=object)
    if both.any():
        # One vectorised test for all rows: the per-row compare_counts with its exact interval
        # (unused here) took most of an uncached rerun at national scale.
        columns = compare_count_columns(frame[now].to_numpy()[both].astype(np.int64), frame[then].to_numpy()[both].astype(np.int64))
        pct[both], p_values[both], verdicts[both] = columns.pct_change, columns.p_value, columns.verdict
    return frame.with_columns(
        pl.Series("pct_change", pct, dtype=pl.Float64, nan_to_null=True),
        pl.Series("p_value", p_values, dtype=pl.Float64, nan_to_null=True),
        pl.Series("verdict", verdicts.tolist(), dtype=pl.Utf8),
    )


def _with_band(series: pl.DataFrame) -> pl.DataFrame:
    """Add each period's 3-year baseline band (same period in the 3 previous years)."""
    counts = dict(zip(series["period_start"].to_list(), series["count"].to_list()))
    lows, highs = [], []
    for start, count in zip(series["period_start"].to_list(), series["count"].to_list()):
        earlier = []
        for years in range(1, BAND_YEARS + 1):
            try:
                earlier.append(counts.get(start.replace(year=start.year - years)))
            except ValueError:  # 29 February
                earlier.append(None)
        if any(c is None for c in earlier):
            lows.append(None), highs.append(None)
            continue
        band = baseline_band(int(count), [int(c) for c in earlier])
        lows.append(band.band_low), highs.append(band.band_high)
    return series.with_columns(pl.Series("band_low", lows, dtype=pl.Float64), pl.Series("band_high", highs, dtype=pl.Float64))


def area_display_name(row: dict, lang: str) -> str:
    """An area's name in the page's language (municipalities keep their Danish name)."""
    if lang == "en" and row.get("name_en"):
        return row["name_en"]
    if lang == "uk" and row.get("name_uk"):
        return row["name_uk"]
    return row["area_name"]


def labelled_areas(view: CrimeView, lang: str) -> pl.DataFrame:
    """The compared areas with a ``label`` column in the page's language."""
    return view.areas.with_columns(
        pl.Series("label", [area_display_name(r, lang) for r in view.areas.iter_rows(named=True)], dtype=pl.Utf8)
    )


def ranking_table(view: CrimeView, lang: str, translate) -> pl.DataFrame:
    """The ranking as a table with translated headers, highest rate (or count) first."""
    areas = labelled_areas(view, lang)
    order = "rate_per_1000" if areas["rate_per_1000"].null_count() < areas.height else "count"
    return areas.sort(order, descending=True, nulls_last=True).select(
        pl.col("label").alias(translate("crime.col.area")),
        pl.col("count").alias(translate("crime.col.count")),
        pl.col("count_before").alias(translate("crime.col.count_before")),
        pl.col("rate_per_1000").round(2).alias(translate("crime.col.rate")),
        pl.col("pct_change").round(1).alias(translate("crime.col.pct_change")),
        pl.col("verdict").replace_strict(_VERDICTS, [translate(f"crime.verdict_short.{v}") for v in _VERDICTS], default=None)
        .alias(translate("crime.col.verdict")),
    )


def groups_table(view: CrimeView, translate) -> pl.DataFrame:
    """The CompStat table with translated group names and verdicts."""
    return view.groups.select(
        map_distinct(view.groups["offence_group"], lambda g: translate(f"crime.group.{g}"), dtype=pl.Utf8).alias(translate("crime.col.offence_group")),
        pl.col("count").alias(translate("crime.col.count")),
        pl.col("count_before").alias(translate("crime.col.count_before")),
        pl.col("pct_change").round(1).alias(translate("crime.col.pct_change")),
        pl.col("p_value").round(4).alias(translate("crime.col.p_value")),
        pl.col("verdict").replace_strict(_VERDICTS, [translate(f"crime.verdict_short.{v}") for v in _VERDICTS], default=None)
        .alias(translate("crime.col.verdict")),
    )


_VERDICTS = ("significant_increase", "significant_decrease", "within_normal_variation", "too_few_to_judge")

# Boundary file and feature property per country of the mapped areas.
MAP_FILES = {"DK": ("dk_kommuner_dagi2014.geojson", "KOMKODE"), "GB": ("london_lsoa2011.geojson", "LSOA11CD")}
