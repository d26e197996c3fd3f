"""Follow-ups on the dashboard: cached summaries (``followups_scope`` + ``analysis.followups``)
and the widgets that show them."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl
import streamlit as st

from analysis.followups import (
    CHANNELS,
    FollowupSummary,
    PeriodChoice,
    choose_periods,
    followup_trend,
    rank_followups,
    summarise_followups,
    unstated_periods,
)
from ui import data
from ui.charts.followups import channel_mix_figure, followup_trend_figure, ranking_figure
from ui.frame import Frame, area_label, t
from ui.i18n import format_day, format_number, format_percent, translate
from ui.tables import table_ui

FRAME_OPTION = "frame"


@dataclass(frozen=True)
class FollowupsView:
    """Everything the follow-ups tab shows for one area and period choice."""

    options: tuple[tuple[str, str | None], ...]  # (option key, unstated label or None)
    choice: PeriodChoice | None
    summary: FollowupSummary | None
    trend: pl.DataFrame
    ranking: pl.DataFrame


def _version() -> str:
    version = data.data_version()
    return version["data_version"] if version else ""


@st.cache_data(max_entries=256, show_spinner=False)
def _followups_view(area_code: str, start: date, end: date, option: str, alpha: float, version: str) -> FollowupsView:
    rows = data.query("followups_scope", area_code=area_code)
    unstated = unstated_periods(rows)
    in_frame = choose_periods(rows, start=start, end=end)
    options = ((FRAME_OPTION, None),) + tuple((c.period_keys[0], c.unstated_label) for c in unstated)
    choice = in_frame if option == FRAME_OPTION else next((c for c in unstated if c.period_keys[0] == option), None)
    summary = summarise_followups(rows, choice, alpha=alpha) if choice is not None else None
    ranking = rank_followups(rows, choice) if choice is not None else pl.DataFrame()
    return FollowupsView(options, choice, summary, followup_trend(rows), ranking)


def followups_view(frame: Frame, option: str) -> FollowupsView:
    """The follow-ups of the frame's area: in the sidebar period (``"frame"``) or one unstated period."""
    return _followups_view(frame.area_code, frame.period.start, frame.period.end, option, data.settings().default_alpha, _version())


def period_text(lang: str, period_type: str, start: date) -> str:
    """A period's display label, e.g. ``2025K1`` (da), ``2025 Q1`` (en)."""
    number = {"quarter": (start.month - 1) // 3 + 1, "half_year": 1 if start.month <= 6 else 2, "month": start.month}.get(period_type, 0)
    return t(f"followups.period_fmt.{period_type}", year=start.year, n=number, day=format_day(lang, start))


def _option_label(lang: str, frame: Frame, option: tuple[str, str | None]) -> str:
    key, label = option
    # ``translate`` with the language captured, not ``t``: AppTest calls format functions
    # outside a script run, where the session's language is not available.
    if key == FRAME_OPTION:
        return translate(lang, "followups.option_frame", start=format_day(lang, frame.period.start), end=format_day(lang, frame.period.end))
    return translate(lang, "followups.option_unstated", label=label)


def followups_ui(frame: Frame) -> None:
    """The follow-ups tab: period choice, metrics, findings, channel mix, trend and ranking."""
    lang = frame.lang
    default = followups_view(frame, FRAME_OPTION)
    options = default.options
    keys = [k for k, _ in options]
    if st.session_state.get("followups__period") not in keys:
        st.session_state["followups__period"] = FRAME_OPTION if default.summary is not None or len(keys) == 1 else keys[1]
    labels = dict(options)
    option = st.selectbox(
        t("followups.period_choice"), keys, format_func=lambda k: _option_label(lang, frame, (k, labels[k])) if k in labels else str(k), key="followups__period"
    )
    view = followups_view(frame, option)
    if view.summary is None:
        st.info(t("followups.empty"))
        return
    summary, choice = view.summary, view.choice
    if choice.period_type is not None:
        st.caption(
            t(
                "followups.periods_used",
                n=format_number(lang, len(choice.period_keys)),
                kind=t(f"followups.period_type.{choice.period_type}"),
                start=format_day(lang, choice.first_start),
                end=format_day(lang, choice.last_end),
            )
        )
    else:
        st.caption(t("followups.period_not_stated", label=choice.unstated_label))
    _metrics_ui(lang, summary)
    for code in summary.findings:
        st.caption(t(f"followups.finding.{code}", year=summary.population_year or ""))
    channel_names = {c: t(f"followups.channel.{c}") for c in CHANNELS}
    mix = pl.DataFrame({"channel": [c for c, _ in summary.by_channel], "count": [n for _, n in summary.by_channel]}).filter(pl.col("count") > 0)
    st.subheader(t("followups.mix_heading"))
    counts = {channel: format_number(lang, n) for channel, n in summary.by_channel}
    st.markdown(t("followups.mix_summary", total=format_number(lang, summary.total), phone=counts["phone"],
                  in_person=counts["in_person"], not_reached=counts["not_reached"]))
    st.plotly_chart(channel_mix_figure(mix, lang=lang, labels=channel_names), key="followups__mix_chart")
    with st.expander(t("followups.table")):
        table_ui(mix.with_columns(pl.col("channel").replace_strict(channel_names)).rename(
            {"channel": t("followups.col.channel"), "count": t("followups.col.count")}), hide_index=True, key="followups__mix_table")
    _trend_ui(lang, view.trend, channel_names)
    _ranking_ui(lang, view.ranking)


def _metrics_ui(lang: str, summary: FollowupSummary) -> None:
    counts = dict(summary.by_channel)
    first = st.columns(4)
    first[0].metric(t("followups.metric.total"), format_number(lang, summary.total), border=True)
    first[1].metric(t("followups.channel.phone"), format_number(lang, counts["phone"]), border=True)
    first[2].metric(t("followups.channel.in_person"), format_number(lang, counts["in_person"]), border=True)
    first[3].metric(t("followups.channel.not_reached"), format_number(lang, counts["not_reached"]), border=True)
    second = st.columns(3)
    reach = None if summary.reach_rate is None else summary.reach_rate * 100
    second[0].metric(
        t("followups.metric.reach"),
        format_percent(lang, reach),
        help=t("followups.metric.reach_help", reached=format_number(lang, summary.reached), attempted=format_number(lang, summary.attempted),
               low=format_percent(lang, None if summary.reach_ci_low is None else summary.reach_ci_low * 100),
               high=format_percent(lang, None if summary.reach_ci_high is None else summary.reach_ci_high * 100)),
        border=True,
    )
    share = None if summary.share_of_national is None else summary.share_of_national * 100
    second[1].metric(t("followups.metric.share"), format_percent(lang, share),
                     help=t("followups.metric.share_help", national=format_number(lang, summary.national_total)), border=True)
    second[2].metric(t("followups.metric.per_1000"), format_number(lang, summary.per_1000, decimals=1),
                     help=t("followups.metric.per_1000_help", population=format_number(lang, summary.population), year=summary.population_year or "–",
                            low=format_number(lang, summary.per_1000_ci_low, decimals=2), high=format_number(lang, summary.per_1000_ci_high, decimals=2)),
                     border=True)
    if summary.attempted:
        st.markdown(t("followups.reach_summary", reached=format_number(lang, summary.reached), attempted=format_number(lang, summary.attempted), rate=format_percent(lang, reach)))


def _trend_ui(lang: str, trend: pl.DataFrame, channel_names: dict[str, str]) -> None:
    if trend.height == 0:
        return
    st.subheader(t("followups.trend_heading"))
    kind = trend["period_type"][0]
    starts = trend["period_start"].unique().sort().to_list()
    texts = [period_text(lang, kind, s) for s in starts]
    totals = trend.group_by("period_start").agg(pl.col("count").sum()).sort("period_start")
    st.markdown(t("followups.trend_summary", n=format_number(lang, len(starts)), first=texts[0], last=texts[-1],
                  last_total=format_number(lang, totals["count"][-1])))
    st.plotly_chart(followup_trend_figure(trend, lang=lang, labels=channel_names, period_text=texts), key="followups__trend_chart")
    with st.expander(t("followups.table")):
        wide = trend.with_columns(pl.col("channel").replace_strict(channel_names)).pivot("channel", index="period_start", values="count").sort("period_start")
        table_ui(wide.with_columns(pl.Series(t("followups.col.period"), texts)).drop("period_start"), hide_index=True, key="followups__trend_table")


def _ranking_ui(lang: str, ranking: pl.DataFrame) -> None:
    if ranking.height < 2:
        return
    st.subheader(t("followups.ranking_heading"))
    value = "per_1000" if ranking["per_1000"].drop_nulls().len() else "total"
    names = [area_label(r, lang) for r in ranking.iter_rows(named=True)]
    top = ranking.row(0, named=True)
    st.markdown(t(f"followups.ranking_summary.{value}", area=names[0], value=format_number(lang, top[value], decimals=1 if value == "per_1000" else 0)))
    st.plotly_chart(ranking_figure(ranking, lang=lang, value=value, names=names), key="followups__ranking_chart")
    with st.expander(t("followups.table")):
        table = pl.DataFrame({
            t("followups.col.rank"): ranking["rank"],
            t("followups.col.area"): names,
            t("followups.col.count"): ranking["total"],
            t("followups.col.per_1000"): ranking["per_1000"].round(1),
            t("followups.col.rank_range"): [
                "–" if best is None else (str(best) if best == worst else f"{best}–{worst}")
                for best, worst in zip(ranking.get_column("rank_best", default=pl.Series([None] * ranking.height)),
                                       ranking.get_column("rank_worst", default=pl.Series([None] * ranking.height)))
            ],
            t("followups.col.share"): (ranking["share_of_national"] * 100).round(1),
        })
        table_ui(table, hide_index=True, key="followups__ranking_table")
