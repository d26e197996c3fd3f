"""Traffic safety on the dashboard: cached yearly figures, the judged year (prognosis from the
previous 10 years and the test against last year) and the widgets that show them.

Statistics come from ``analysis.prognosis`` (trend prognosis + exact Poisson test against last
year) and ``analysis.rates`` (per 100,000 with exact Garwood intervals); the marts already
hold the yearly figures per area (``mart_traffic_area_year``).
"""
from __future__ import annotations

from dataclasses import dataclass

import polars as pl
import streamlit as st

from analysis.errors import AnalysisError
from analysis.prognosis import PrognosisResult, judge_against_prognosis
from analysis.rates import RateResult, poisson_rate
from pipelines.thread_safe_polars import map_distinct, map_rows
from ui import data
from ui.charts.traffic import road_user_figure, trend_figure
from ui.frame import Frame, area_label, t
from ui.i18n import format_number, format_p_value, translate
from ui.tables import table_ui

MEASURES = ("injury_accidents", "killed", "seriously_injured", "slightly_injured", "ksi")
PER = 100_000


@dataclass(frozen=True)
class TrafficView:
    """What the traffic page shows for one area and the year the sidebar period ends in.

    Attributes:
        years: one row per year (``traffic_years``).
        year: the judged year: the latest complete year not after the period's end (None
            when the area has no traffic figures).
        row: that year's figures.
        measure: ``ksi`` when casualties by injury exist, else ``injury_accidents``.
        rates: per 100,000 inhabitants with exact intervals, per measure with a count.
        prognosis: the judged year against the trend and against last year.
        prognosis_error: the ``AnalysisError`` code when no prognosis could be made.
    """

    years: pl.DataFrame
    year: int | None
    row: dict | None
    measure: str
    rates: dict[str, RateResult]
    prognosis: PrognosisResult | None
    prognosis_error: str | None


def _version() -> str:
    version = data.data_version()
    return version["data_version"] if version else ""


@st.cache_data(max_entries=256, show_spinner=False)
def _view(area_code: str, last_year: int, alpha: float, version: str) -> TrafficView:
    years = data.query("traffic_years", area_code=area_code)
    complete = years.filter(pl.col("is_complete_year") & (pl.col("year") <= last_year))
    if complete.height == 0:
        return TrafficView(years, None, None, "ksi", {}, None, None)
    year = int(complete["year"].max())
    row = complete.filter(pl.col("year") == year).row(0, named=True)
    measure = "ksi" if row["ksi"] is not None else "injury_accidents"
    rates = {
        name: poisson_rate(row[name], row["population"], per=PER, alpha=alpha)
        for name in MEASURES
        if row[name] is not None and row["population"]
    }
    series = complete.filter(pl.col(measure).is_not_null()).select("year", pl.col(measure).alias("count"))
    try:
        prognosis, error = judge_against_prognosis(series, year=year, alpha=alpha), None
    except AnalysisError as exc:
        prognosis, error = None, exc.code
    return TrafficView(years, year, row, measure, rates, prognosis, error)


def traffic_view(frame: Frame) -> TrafficView:
    """The traffic figures for the sidebar's area, judged in the year its period ends in."""
    return _view(frame.area_code, frame.period.end.year, data.settings().default_alpha, _version())


def headline_ui(view: TrafficView, lang: str) -> None:
    """One metric per measure: the count, with the rate per 100,000 and its interval as help."""
    row = view.row or {}
    columns = st.columns(len(MEASURES))
    for column, name in zip(columns, MEASURES):
        rate = view.rates.get(name)
        help_text = (
            t("traffic.rate_help", rate=format_number(lang, rate.rate, decimals=1), low=format_number(lang, rate.ci_low, decimals=1),
              high=format_number(lang, rate.ci_high, decimals=1))
            if rate else t("traffic.no_rate")
        )
        column.metric(t(f"traffic.measure.{name}"), format_number(lang, row.get(name)), help=help_text, border=True)


def verdict_lines(view: TrafficView, lang: str) -> list[str]:
    """The judged year against the prognosis and against last year, as plain sentences in ``lang``
    (worded with ``lang``, not the session's language, so a meeting pack can use another one)."""
    measure = translate(lang, f"traffic.measure_in_text.{view.measure}")
    result = view.prognosis
    if result is None:
        return [translate(lang, f"traffic.no_prognosis.{view.prognosis_error or 'insufficient_history'}", year=view.year)]
    lines = [
        translate(
            lang,
            f"traffic.verdict.prognosis.{result.verdict}",
            measure=measure,
            year=result.year,
            observed=format_number(lang, result.observed),
            expected=format_number(lang, result.expected, decimals=1) if result.expected is not None else "–",
            low=format_number(lang, result.pi_low),
            high=format_number(lang, result.pi_high),
            first=min(result.years_used),
            last=max(result.years_used),
        )
    ]
    versus = result.versus_last_year
    if versus is not None:
        lines.append(
            translate(
                lang,
                f"traffic.verdict.change.{versus.verdict}",
                measure=measure,
                year=result.year,
                before=result.year - 1,
                observed=format_number(lang, versus.count),
                count_before=format_number(lang, versus.count_before),
                pct=format_number(lang, versus.pct_change, decimals=0) if versus.pct_change is not None else "–",
                p=format_p_value(lang, versus.p_value),
            )
        )
    return lines


def trend_ui(view: TrafficView, lang: str) -> None:
    """Trend of the judged measure, provisional years marked, with accessible table and summary."""
    band = None
    if view.prognosis is not None and view.prognosis.pi_low is not None:
        band = (view.prognosis.year, view.prognosis.pi_low, view.prognosis.pi_high)
    measure = view.measure
    title = t(f"traffic.trend_title.{measure}")
    figure = trend_figure(
        view.years, value=measure, lang=lang, title=title, final_label=t("traffic.final"),
        provisional_label=t("traffic.provisional"), band=band, band_label=t("traffic.prognosis_band"),
    )
    st.plotly_chart(figure, key="traffic__trend")
    shown = view.years.filter(pl.col(measure).is_not_null())
    if shown.height:
        first, last = shown.row(0, named=True), shown.row(-1, named=True)
        st.caption(t("traffic.trend_summary", measure=t(f"traffic.measure_in_text.{measure}"), first=first["year"],
                     first_value=format_number(lang, first[measure]), last=last["year"], last_value=format_number(lang, last[measure])))
    with st.expander(t("traffic.table")):
        table = view.years.select(
            pl.col("year").alias(t("traffic.col.year")),
            *[pl.col(name).alias(t(f"traffic.measure.{name}")) for name in MEASURES],
            pl.col("population").alias(t("traffic.col.population")),
            pl.when(pl.col("is_provisional")).then(pl.lit(t("traffic.provisional"))).otherwise(pl.lit(t("traffic.final"))).alias(t("traffic.col.status")),
        )
        table_ui(table, hide_index=True, key="traffic__trend_table")


def severity_ui(area_code: str, year: int, lang: str) -> None:
    """Collisions and casualties by collision severity (collision-level sources such as
    STATS19), 'unknown' kept as its own row."""
    rows = data.query("traffic_severity", area_code=area_code, year=year)
    if rows.height == 0:
        return
    st.subheader(t("traffic.severity_heading"))
    total_collisions, total_casualties = int(rows["collisions"].sum()), int(rows["casualties"].sum())
    st.caption(t("traffic.severity_summary", year=year, collisions=format_number(lang, total_collisions), casualties=format_number(lang, total_casualties)))
    table = rows.select(
        pl.col("severity").replace_strict({s: t(f"traffic.severity.{s}") for s in ("fatal", "serious", "slight", "unknown")}).alias(t("traffic.col.severity")),
        pl.col("collisions").alias(t("traffic.col.collisions")),
        pl.col("casualties").alias(t("traffic.col.casualties")),
    )
    table_ui(table, hide_index=True, key="traffic__severity")


def road_users_ui(area_code: str, year: int, measure: str, lang: str) -> None:
    """Casualties (or accidents) by road user in the judged year (or the latest earlier year with
    a breakdown), chart plus table."""
    rows = data.query("traffic_road_users", area_code=area_code, year=year)
    st.subheader(t("traffic.road_user_heading"))
    value = "casualties" if measure == "ksi" else "injury_accidents"
    rows = rows.filter(pl.col(value).is_not_null())
    if rows.height == 0:
        st.info(t("traffic.no_road_users", year=year))
        return
    year = int(rows["year"][0])  # the latest year with a breakdown, up to the judged year
    rows = rows.with_columns(map_distinct(rows["road_user"], lambda code: t(f"traffic.road_user.{code}"), dtype=pl.Utf8).alias("label"))
    st.plotly_chart(road_user_figure(rows, value=value, label="label", lang=lang, title=t(f"traffic.road_user_title.{value}", year=year)), key="traffic__road_users")
    top = rows.sort(value, descending=True).row(0, named=True)
    st.caption(t("traffic.road_user_summary", road_user=top["label"], value=format_number(lang, top[value]), year=year))
    with st.expander(t("traffic.table")):
        table_ui(
            rows.select(
                pl.col("label").alias(t("traffic.col.road_user")),
                *[pl.col(name).alias(t(f"traffic.measure.{name}")) for name in MEASURES],
            ),
            hide_index=True,
            key="traffic__road_user_table",
        )


def tips_ui(area_code: str, year: int, lang: str) -> None:
    """Citizens' tips beside injury accidents and KSI, for the area and its child areas."""
    rows = data.query("traffic_areas_tips", area_code=area_code, year=year)
    st.subheader(t("traffic.tips_heading"))
    if rows.height == 0:
        st.info(t("traffic.no_tips", year=year))
        return
    rows = rows.with_columns(
        map_rows(rows.select("area_name", "name_en", "name_uk"), lambda r: area_label(r, lang), name="label", dtype=pl.Utf8)
    )
    own = rows.filter(pl.col("area_code") == area_code)
    tips_total = int(own["tips"][0]) if own.height else int(rows["tips"].sum())
    st.caption(t("traffic.tips_summary", year=year, tips=format_number(lang, tips_total)))
    table_ui(
        rows.select(
            pl.col("label").alias(t("traffic.col.area")),
            pl.col("injury_accidents").alias(t("traffic.measure.injury_accidents")),
            pl.col("ksi").alias(t("traffic.measure.ksi")),
            pl.col("tips").alias(t("traffic.col.tips")),
        ),
        hide_index=True,
        key="traffic__tips",
    )
