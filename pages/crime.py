"""Crime: counts, rates and honest change statements for the chosen area, offence group and period."""
from __future__ import annotations

import streamlit as st

from ui import crime
from ui.frame import current_frame, keep_page_param, page_param, t
from ui.i18n import format_day, format_number, format_p_value, format_percent
from ui.tables import table_ui

frame = current_frame()
lang = frame.lang
st.title(t("crime.title", area=frame.area_name))
groups = crime.offence_groups(frame.area_code)
if not groups:
    st.info(t("crime.no_groups"))
    st.stop()
page_param("offence", key="crime__offence", options=groups, default=groups[0])
group = st.selectbox(t("crime.offence"), groups, format_func=lambda g: t(f"crime.group.{g}"), key="crime__offence")
keep_page_param("offence", group)
custom = (frame.period.start, frame.period.end) if frame.preset == "custom" else (None, None)
view = crime.crime_view(frame.area_code, group, frame.preset, *custom)
if view is None:
    st.info(t("crime.no_data"))
    st.stop()
st.caption(t("crime.period", start=format_day(lang, view.period.start), end=format_day(lang, view.period.end),
             period_type=t(f"crime.period_type.{view.period_type}"),
             before_start=format_day(lang, view.before.start), before_end=format_day(lang, view.before.end)))
for code in view.notices:
    st.caption(t(f"crime.{code}", year=view.population_year))

cards = st.columns(3)
cards[0].metric(t("crime.count"), format_number(lang, view.count), help=t("crime.count_help"), border=True)
if view.rate:
    cards[1].metric(t("crime.rate"), format_number(lang, view.rate.rate, decimals=2), border=True,
                    help=t("crime.rate_help", low=format_number(lang, view.rate.ci_low, decimals=2), high=format_number(lang, view.rate.ci_high, decimals=2)))
else:
    cards[1].metric(t("crime.rate"), "–", help=t("crime.rate_none"), border=True)
if view.change:
    cards[2].metric(t("crime.change"), t("crime.change_value", count_before=format_number(lang, view.count_before), count=format_number(lang, view.count)),
                    delta=format_percent(lang, view.change.pct_change) if view.change.pct_change is not None else None, delta_color="inverse", border=True)
    verdict = t(f"crime.verdict.{view.change.verdict}", p=format_p_value(lang, view.change.p_value))
    st.markdown(f"**{t('crime.change')}:** {verdict}")
else:
    cards[2].metric(t("crime.change"), "–", help=t("crime.no_comparison"), border=True)
if view.baseline:
    st.markdown(t("crime.baseline_sentence", low=format_number(lang, view.baseline.band_low, decimals=0),
                  high=format_number(lang, view.baseline.band_high, decimals=0), verdict=t(f"crime.baseline.{view.baseline.verdict}")))

st.subheader(t("crime.trend.title"))
figures = crime.crime_figures(frame.area_code, group, frame.preset, *custom, lang)
tables = crime.crime_tables(frame.area_code, group, frame.preset, *custom, lang)
st.plotly_chart(figures.trend, key="crime__trend")
last = view.series.tail(1).row(0, named=True)
st.caption(t("crime.trend.summary", n=view.series.height, first=format_day(lang, view.series["period_start"][0]),
             last=format_day(lang, last["period_start"]), count=format_number(lang, last["count"])))
with st.expander(t("crime.table")):
    table_ui(tables.trend, key="crime__trend_table")
    table_ui(tables.events, key="crime__events_table")

st.subheader(t("crime.ranking.title"))
ranking = tables.ranking
if ranking.num_rows:
    by_rate = crime.ranks_by_rate(view)
    st.plotly_chart(figures.ranking, key="crime__ranking")
    top = [column[0].as_py() for column in ranking.columns]
    st.caption(t("crime.ranking.summary", n=ranking.num_rows, top=top[0], rate=format_number(lang, top[3], decimals=2)) if by_rate
               else t("crime.ranking.summary_counts", n=ranking.num_rows, top=top[0], count=format_number(lang, top[1])))
    with st.expander(t("crime.table")):
        table_ui(ranking, key="crime__ranking_table")
    if figures.map is not None:
        st.subheader(t("crime.map.title", value=t("crime.col.rate" if by_rate else "crime.col.count")))
        st.plotly_chart(figures.map, key="crime__map")
        st.caption(t("crime.map.summary", n=view.areas["map_key"].is_not_null().sum()))
        with st.expander(t("crime.table")):
            table_ui(ranking, key="crime__map_table")
    else:
        st.caption(t("crime.map.no_geo"))
else:
    st.info(t("crime.ranking.none"))

st.subheader(t("crime.groups.title"))
table_ui(tables.groups, key="crime__groups_table")
st.caption(t("crime.groups.summary", n=view.groups.height, up=(view.groups["verdict"] == "significant_increase").sum(),
             down=(view.groups["verdict"] == "significant_decrease").sum()))
unknown = crime.unknown_offences(lang)
if unknown.num_rows:
    with st.expander(t("crime.unknown.title")):
        st.caption(t("crime.unknown.caption"))
        table_ui(unknown, key="crime__unknown_table")
