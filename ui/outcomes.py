"""Charge rates on the dashboard: cached ``outcomes_by_area`` + ``analysis.outcomes`` and the tab."""
from __future__ import annotations

from datetime import date

import polars as pl
import streamlit as st

from analysis.outcomes import charge_rates
from ui import data
from ui.charts.followups import charge_rate_figure
from ui.frame import Frame, area_label, t
from ui.i18n import format_day, format_number, format_percent
from ui.tables import table_ui


def _version() -> str:
    version = data.data_version()
    return version["data_version"] if version else ""


@st.cache_data(max_entries=256, show_spinner=False)
def _offences(area_code: str, version: str) -> pl.DataFrame:
    rows = data.query("outcomes_by_area", area_code=area_code)
    if rows.height == 0:
        return rows
    return rows.group_by("offence_code").agg(pl.col("offence_name").first(), pl.col("reported").sum()).sort("reported", descending=True)


@st.cache_data(max_entries=256, show_spinner=False)
def _rates(area_code: str, offence_code: str, start: date, end: date, alpha: float, version: str) -> pl.DataFrame:
    return charge_rates(data.query("outcomes_by_area", area_code=area_code), offence_code=offence_code, start=start, end=end, alpha=alpha)


def _pct(lang: str, value: float | None) -> str:
    return format_percent(lang, None if value is None else value * 100)


def outcomes_ui(frame: Frame) -> None:
    """The charges tab: an offence, the area's charge rate and its municipalities' with intervals."""
    lang = frame.lang
    offences = _offences(frame.area_code, _version())
    if offences.height == 0:
        st.info(t("outcomes.empty"))
        return
    names = dict(zip(offences["offence_code"], offences["offence_name"]))
    codes = offences["offence_code"].to_list()
    if st.session_state.get("outcomes__offence") not in codes:
        st.session_state["outcomes__offence"] = codes[0]
    offence = st.selectbox(t("outcomes.offence"), codes, format_func=lambda c: names.get(c, str(c)), key="outcomes__offence")
    rates = _rates(frame.area_code, offence, frame.period.start, frame.period.end, data.settings().default_alpha, _version())
    if rates.height == 0:
        st.info(t("outcomes.empty_period"))
        return
    first = rates.row(0, named=True)
    st.caption(t("outcomes.periods", n=format_number(lang, first["n_periods"]), kind=t(f"followups.period_type.{first['period_type']}"),
                 start=format_day(lang, first["first_start"]), end=format_day(lang, first["last_end"])))
    own = rates.filter(pl.col("depth") == 0)
    if own.height:
        row = own.row(0, named=True)
        cols = st.columns(3)
        cols[0].metric(t("outcomes.metric.reported"), format_number(lang, row["reported"]), border=True)
        cols[1].metric(t("outcomes.metric.charged"), format_number(lang, row["charged"]), border=True)
        cols[2].metric(t("outcomes.metric.rate"), _pct(lang, row["proportion"]), border=True,
                       help=t("outcomes.metric.rate_help", low=_pct(lang, row["ci_low"]), high=_pct(lang, row["ci_high"])))
        st.markdown(t(f"outcomes.summary.{row['precision']}", area=frame.area_name, charged=format_number(lang, row["charged"]),
                      reported=format_number(lang, row["reported"]), rate=_pct(lang, row["proportion"]),
                      low=_pct(lang, row["ci_low"]), high=_pct(lang, row["ci_high"])))
    labels = [frame.area_name if r["area_code"] is None else area_label(r, lang) for r in rates.iter_rows(named=True)]
    uncertain = rates.filter(pl.col("precision") == "wide_interval").height
    if uncertain:
        st.caption(t("outcomes.uncertain", n=format_number(lang, uncertain)))
    st.plotly_chart(charge_rate_figure(rates, lang=lang, names=labels), key="outcomes__chart")
    with st.expander(t("followups.table")):
        table = pl.DataFrame({
            t("followups.col.area"): labels,
            t("outcomes.col.reported"): rates["reported"],
            t("outcomes.col.charged"): rates["charged"],
            t("outcomes.col.rate"): [_pct(lang, v) for v in rates["proportion"]],
            t("outcomes.col.interval"): [f"{_pct(lang, lo)} – {_pct(lang, hi)}" if lo is not None else "–" for lo, hi in zip(rates["ci_low"], rates["ci_high"])],
            t("outcomes.col.precision"): [t(f"outcomes.precision.{p}") for p in rates["precision"]],
        })
        table_ui(table, hide_index=True, key="outcomes__table")
