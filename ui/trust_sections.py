"""The sections of the Trust & safety page, drawn with Streamlit (``*_ui`` functions).

Each section gets its numbers from ``ui.trust`` (cached estimates) and its words from the
``trust`` catalogue; every chart has a one-line summary and a table in an expander. Sections
follow the sidebar's area (the area and the areas below it); the sidebar period is shaded, not
filtered, because a trend needs every wave.
"""
from __future__ import annotations

import polars as pl
import streamlit as st

from analysis.results import Comparability
from pipelines.thread_safe_polars import map_rows
from ui import trust
from ui.charts.maps import choropleth_figure, load_geojson
from ui.charts.trust import breakdown_figure, trend_figure
from ui.frame import KEY_AREA, Frame, t
from ui.i18n import catalogue, format_day, format_number, format_p_value, format_percent
from ui.tables import table_ui


def _value(lang: str, value: float | None, statistic: str) -> str:
    return format_percent(lang, value) if statistic == "percent" else format_number(lang, value, decimals=2 if statistic == "mean" else 1)


def series_label(series: trust.Series, lang: str) -> str:
    """The series as offered in the picker: survey, question wording (published figures, which
    have none, show the indicator's name) and the kind of source."""
    name = series.wording.get(lang) or catalogue(lang).get(f"trust.indicator_{series.indicator}", series.indicator)
    return t("trust.series_option", survey=series.survey_name, name=name, kind=t(f"trust.kind_{series.source_kind}"))


def scale_name(series: trust.Series, lang: str) -> str:
    """The answer scale in the language (``4-point`` → ``4-бальна``); unknown scales as given."""
    return catalogue(lang).get("trust.scale_" + series.scale.replace("-", "_"), series.scale)


def badge(series: trust.Series) -> str:
    return t("trust.badge_probability" if series.sample_type == "probability" else "trust.badge_opt_in")


def _switch_area(code: str) -> None:
    """Button callback: runs before the rerun draws the sidebar, so its area widget may be set."""
    st.session_state[KEY_AREA] = code


def no_data_ui(frame: Frame) -> None:
    """Say plainly that the chosen area has no data, and offer the areas that have, one click each."""
    st.info(t("trust.no_data_here", area=frame.area_name))
    areas = trust.suggested_areas(frame.lang)
    if not areas:
        return
    st.markdown(t("trust.no_data_switch"))
    for code, name in areas:
        st.button(t("trust.switch_to", area=name), key=f"trust__goto_{code}", on_click=_switch_area, args=(code,))


def keep_valid(key: str, options: list[str]) -> None:
    """Forget a widget's stored choice when the options no longer hold it (e.g. after the
    sidebar area changed), so the widget falls back to its first option instead of failing."""
    if key in st.session_state and st.session_state[key] not in options:
        del st.session_state[key]


def _period_ui(frame: Frame, flags: list[bool]) -> None:
    period = frame.period
    span = {"start": format_day(frame.lang, period.start), "end": format_day(frame.lang, period.end), "total": len(flags)}
    inside = sum(flags)
    st.caption(t("trust.period_some", inside=inside, **span) if inside else t("trust.period_none", **span))


def header_ui(series: trust.Series, lang: str) -> None:
    """Wording in the chosen language, scale and sample type."""
    text = series.wording.get(lang)
    st.markdown(t("trust.wording", text=text) if text else t("trust.no_wording"))
    sample = t("trust.sample_probability" if series.sample_type == "probability" else "trust.sample_opt_in")
    st.caption(t("trust.scale", scale=scale_name(series, lang), sample=sample))


def _unreliable_ui(frame: pl.DataFrame, names: dict[str, str], wave_col: str) -> None:
    flagged = frame.filter(pl.col("is_unreliable").fill_null(False))
    if flagged.height:
        st.warning(t("trust.unreliable_heading") + "\n\n" + "\n".join(
            "- " + t("trust.unreliable_row", area=names.get(r["area_code"], r["area_code"]), wave=r[wave_col],
                     reason=t(f"trust.reason_{r['unreliable_reason']}"))
            for r in flagged.iter_rows(named=True)
        ))


def microdata_ui(series: trust.Series, frame: Frame) -> None:
    """Trend per area, breakdown and before/after for one survey question."""
    lang = frame.lang
    if not trust.has_areas(series):
        st.caption(t("trust.no_area_variable"))
    estimates = trust.trend(series.source, series.item, frame.area_code)
    waves = trust.waves(series.source)
    in_period = {r["wave"]: trust.overlaps(r["fieldwork_start"], r["fieldwork_end"], frame.period.start, frame.period.end)
                 for r in waves.iter_rows(named=True)}
    estimates = estimates.with_columns(pl.col("wave").replace_strict(in_period, default=False, return_dtype=pl.Boolean).alias("in_period"))
    names = {trust.ALL_AREAS: t("trust.all_areas"), **trust.area_names(lang)}
    names = {code: names.get(code, code) for code in estimates["area_code"].unique(maintain_order=True)}
    statistic = estimates["statistic"][0]
    y_title = t("trust.y_percent") if statistic == "percent" else t("trust.y_mean", scale=scale_name(series, lang))
    st.subheader(t("trust.trend_heading"))
    chart = estimates.rename({"wave_date": "x", "n_unweighted": "n"})
    st.plotly_chart(trend_figure(chart, group="area_code", names=names, lang=lang, y_title=y_title, badge=badge(series),
                                 highlight=(frame.period.start, frame.period.end), highlight_text=t("trust.period_band")), key="trust__trend")
    _period_ui(frame, [in_period[w] for w in waves.filter(pl.col("n_respondents") > 0)["wave"].to_list()])
    line = trust.ALL_AREAS if trust.ALL_AREAS in names else next(iter(names))
    overall = estimates.filter(pl.col("area_code") == line).sort("wave_order")
    st.markdown(t("trust.trend_summary", areas=estimates["area_code"].n_unique(), points=estimates.height,
                  value=_value(lang, overall["value"][-1], statistic), n=format_number(lang, overall["n_unweighted"][-1])))
    _unreliable_ui(estimates, names, "wave_label")
    with st.expander(t("trust.table")):
        table_ui(_table(estimates, names, lang, statistic, "area_code", t("trust.col_area")), hide_index=True, key="trust__trend_table")

    before_after_ui(series, frame, names, statistic)

    st.subheader(t("trust.breakdown_heading"))
    meta = trust.item_meta(series.source).filter(pl.col("role") == "breakdown")
    if meta.height == 0:
        st.info(t("trust.breakdown_none"))
        return
    labels = {r["item"]: (r[f"wording_{lang}"] or r["item"]) for r in meta.iter_rows(named=True)}
    keep_valid("trust__breakdown", list(labels))
    variable = st.selectbox(t("trust.breakdown_choice"), list(labels), format_func=labels.get, key="trust__breakdown")
    groups = trust.breakdown(series.source, series.item, variable, frame.area_code)
    if groups.height:
        st.plotly_chart(breakdown_figure(groups, lang=lang, y_title=y_title), key="trust__breakdown_chart")
        st.markdown(t("trust.breakdown_summary", groups=groups["group_label"].n_unique()))
        with st.expander(t("trust.table")):
            table_ui(_table(groups.rename({"group_label": "group"}), {}, lang, statistic, "group", t("trust.col_group")).drop(t("trust.col_in_period")),
                         hide_index=True, key="trust__breakdown_table")


def before_after_ui(series: trust.Series, frame: Frame, names: dict[str, str], statistic: str) -> None:
    """Baseline against follow-up, with the wave-to-wave verdict sentence."""
    lang = frame.lang
    st.subheader(t("trust.before_after_heading"))
    if statistic != "percent":
        st.info(t("trust.before_after_mean"))
        return
    waves = trust.waves(series.source).filter(pl.col("n_respondents") > 0)
    if waves.height < 2:
        st.info(t("trust.before_after_none"))
        return
    options = sorted(names, key=lambda code: code != trust.ALL_AREAS)
    default = frame.area_code if frame.area_code in options else options[0]
    keep_valid("trust__ba_area", options)
    area = st.selectbox(t("trust.before_after_area"), options, index=options.index(default), format_func=names.get, key="trust__ba_area")
    # "All areas" here means every surveyed area in the sidebar's area, not the whole survey.
    result = trust.before_after(series.source, series.item, frame.area_code if area == trust.ALL_AREAS else area)
    if result is None:
        st.info(t("trust.before_after_none"))
        return
    st.caption(t("trust.before_after_caption", first=waves["wave_label"][0], last=waves["wave_label"][-1]))
    left, middle, right = st.columns(3)
    left.metric(t("trust.baseline"), format_percent(lang, 100 * result.estimate_reference), help=f"n = {format_number(lang, result.n_reference)}")
    middle.metric(t("trust.followup"), format_percent(lang, 100 * result.estimate_value), help=f"n = {format_number(lang, result.n_value)}")
    right.metric(t("trust.change"), t("trust.points", value=format_number(lang, 100 * result.difference, decimals=1)))
    st.markdown(t(
        f"trust.verdict_{result.verdict}",
        before=format_percent(lang, 100 * result.estimate_reference), after=format_percent(lang, 100 * result.estimate_value),
        diff=format_number(lang, 100 * result.difference, decimals=1), low=format_number(lang, 100 * result.ci_low, decimals=1),
        high=format_number(lang, 100 * result.ci_high, decimals=1), p=format_p_value(lang, result.p_value),
    ))


def _table(frame: pl.DataFrame, names: dict[str, str], lang: str, statistic: str, key: str, key_title: str) -> pl.DataFrame:
    rows = []
    for r in frame.iter_rows(named=True):
        rows.append({
            key_title: names.get(r[key], r[key]) if names else r[key],
            t("trust.col_wave"): r["wave_label"],
            t("trust.col_value"): _value(lang, r["value"], statistic),
            t("trust.col_ci"): f"{format_number(lang, r['ci_low'], decimals=1)} – {format_number(lang, r['ci_high'], decimals=1)}",
            t("trust.col_n"): r["n_unweighted"],
            t("trust.col_n_eff"): round(r["n_effective"], 1),
            t("trust.col_deff"): round(r["deff"], 3) if r["deff"] is not None else None,
            t("trust.col_flag"): t(f"trust.reason_{r['unreliable_reason']}") if r["is_unreliable"] else t("trust.flag_ok"),
            t("trust.col_in_period"): bool(r.get("in_period")),
        })
    return pl.DataFrame(rows)


def published_ui(series: trust.Series, frame: Frame, extra: list[trust.Series]) -> None:
    """Published figures per area over time, with n badges and the "n not published" warning."""
    lang = frame.lang

    def in_scope(other: trust.Series) -> pl.DataFrame:
        codes = trust.scope_codes(other, frame.area_code)
        rows = trust.published(other.source, other.indicator)
        return rows.filter(pl.col("breakdown").is_null() & pl.col("area_code").is_in(codes)).with_columns(pl.lit(other.key).alias("series"))

    figures = pl.concat([in_scope(series)] + [in_scope(other) for other in extra], how="diagonal_relaxed")
    figures = figures.with_columns(
        map_rows(
            figures.select("period_start", "period_end"),
            lambda s: trust.overlaps(s["period_start"], s["period_end"], frame.period.start, frame.period.end),
            name="in_period", dtype=pl.Boolean,
        )
    )
    dated = figures.drop_nulls("period_start")
    dated = dated.with_columns(
        map_rows(dated.select("period_start", "period_end"), lambda s: trust.midpoint(s["period_start"], s["period_end"]), name="x", dtype=pl.Date)
    )
    # Lines (all in the sidebar's area): the chosen area first, then the areas below it with most figures, 8 at most.
    areas = dated.group_by("area_code").len().sort("len", "area_code", descending=[True, False])["area_code"].to_list()
    chosen = [a for a in areas if a == frame.area_code] or areas[:8]
    dated = dated.filter(pl.col("area_code").is_in(chosen + [a for a in areas if a not in chosen][: max(0, 8 - len(chosen))]))
    names = {r["area_code"]: trust.area_name(r, lang) for r in figures.iter_rows(named=True)}
    dated = dated.with_columns((pl.col("area_code") + pl.lit(" | ") + pl.col("series")).alias("line"))
    line_names = {r["line"]: names[r["area_code"]] + ("" if r["series"] == series.key else f" ({r['series'].split(':')[1]})")
                  for r in dated.iter_rows(named=True)}
    statistic = series.statistic
    y_title = {"percent": t("trust.y_published_percent"), "mean": t("trust.y_published_mean", scale=scale_name(series, lang))}.get(statistic, t("trust.y_published_balance"))
    st.subheader(t("trust.trend_heading"))
    st.plotly_chart(trend_figure(dated, group="line", names=line_names, lang=lang, y_title=y_title, badge=badge(series),
                                 n_missing_text=t("trust.n_missing_badge"), highlight=(frame.period.start, frame.period.end),
                                 highlight_text=t("trust.period_band")), key="trust__published")
    own = figures.filter(pl.col("series") == series.key)
    periods = own.drop_nulls("period_start").unique(["period_start", "period_end"])
    _period_ui(frame, periods["in_period"].to_list())
    latest = own.drop_nulls("period_start").sort("period_start")
    if latest.height:
        st.markdown(t("trust.published_summary", points=own.height, areas=own["area_code"].n_unique(),
                      value=_value(lang, latest["value"][-1], statistic), wave=latest["wave_label"][-1]))
    missing = int(own["n_missing"].sum())
    if missing:
        st.warning(t("trust.n_not_published", count=missing, total=own.height))
    approximate = int(own["is_approximate"].fill_null(False).sum())
    if approximate:
        st.caption(t("trust.approximate", count=approximate))
    with st.expander(t("trust.table")):
        table_ui(own.select(
            pl.col("area_code").replace_strict(names, default=pl.col("area_code")).alias(t("trust.col_area")),
            pl.col("wave_label").alias(t("trust.col_wave")), pl.col("value").alias(t("trust.col_value")),
            pl.col("n").alias(t("trust.col_n")), pl.col("in_period").alias(t("trust.col_in_period")),
        ), hide_index=True, key="trust__published_table")
    map_ui(own, lang)


def map_ui(figures: pl.DataFrame, lang: str) -> None:
    """The latest figure per municipality on the offline municipality map (Danish data)."""
    municipalities = figures.filter((pl.col("level") == "municipality") & pl.col("map_key").is_not_null()).drop_nulls("period_start")
    st.subheader(t("trust.map_heading"))
    if municipalities.height == 0:
        st.caption(t("trust.map_none"))
        return
    latest = municipalities.sort("period_start").group_by("area_code").last()
    latest = latest.with_columns(map_rows(
        latest.select("area_code", "area_name", "name_en", "name_uk"), lambda r: trust.area_name(r, lang), name="display", dtype=pl.Utf8))
    figure = choropleth_figure(latest, load_geojson("dk_kommuner_dagi2014.geojson"), key="map_key", value="value",
                               feature_key="KOMKODE", name="display", lang=lang)
    st.plotly_chart(figure, key="trust__map")
    st.caption(t("trust.map_caption", wave=", ".join(sorted(set(latest["wave_label"].to_list())))))


def compare_ui(series: trust.Series, others: list[trust.Series], lang: str) -> list[trust.Series]:
    """Offer other series of the same indicator; draw only comparable ones, refuse the rest with why."""
    st.subheader(t("trust.compare_heading"))
    candidates = [(o, c) for o, c in trust.comparisons(series, others) if o.indicator == series.indicator]
    if not candidates:
        st.caption(t("trust.compare_none"))
        return []
    labels = {o.key: f"{o.survey_name} ({o.scale}, {o.sample_type})" for o, _ in candidates}
    chosen = st.multiselect(t("trust.compare_choice"), list(labels), format_func=labels.get, key="trust__compare",
                            placeholder=t("trust.compare_placeholder"))
    drawn = []
    for other, verdict in candidates:
        if other.key not in chosen:
            continue
        if verdict.is_comparable:
            st.info(t("trust.comparable", name=labels[other.key]))
            drawn.append(other)
        else:
            st.warning(t("trust.refused", name=labels[other.key], reasons="; ".join(_reason(r, series, other) for r in verdict.reasons)))
    return drawn


def _reason(code: str, a: trust.Series, b: trust.Series) -> str:
    pair = {"different_scale": (a.scale, b.scale), "different_sample_type": (a.sample_type, b.sample_type)}.get(code, ("", ""))
    return t(f"trust.reason_{code}", a=pair[0], b=pair[1])
