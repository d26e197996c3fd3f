"""Focus groups on the dashboard: sessions in the sidebar's frame, themes, co-occurrence and
coder agreement (``fg_*`` named queries + ``analysis.qualitative``), and their widgets.

Quotes (masking, vetting, export) are in ``ui/quotes.py``. Codes and participant groups are the
researchers' own words and are shown as written, whatever the interface language.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from itertools import combinations

import polars as pl
import streamlit as st

from analysis.errors import AnalysisError
from analysis.qualitative import code_cooccurrence, code_frequency, cohens_kappa
from ui import data
from ui.charts.focus_groups import cooccurrence_figure, theme_figure
from ui.frame import Frame, area_label, t
from ui.i18n import format_day, format_number, format_percent, translate
from ui.tables import table_ui

GROUPINGS: dict[str, str] = {"session": "session_id", "participant_group": "participant_group", "area": "area_code"}
MAX_CODES = 12  # codes in the charts; the tables list all of them


@dataclass(frozen=True)
class AgreementRow:
    """Cohen's kappa between two coders of one file, over the passages of the sessions both coded."""

    source_file: str
    coder_a: str
    coder_b: str
    n_passages: int
    pooled_kappa: float | None
    mean_observed_agreement: float
    per_code: pl.DataFrame


@dataclass(frozen=True)
class FocusView:
    """Everything the page shows for one area and period, except the quotes."""

    sessions: pl.DataFrame
    coded: pl.DataFrame
    agreement: tuple[AgreementRow, ...]
    n_without_area: int


def _version() -> str:
    version = data.data_version()
    return version["data_version"] if version else ""


@st.cache_data(max_entries=128, show_spinner=False)
def _focus_view(area_code: str, start: date, end: date, version: str) -> FocusView:
    params = {"area_code": area_code, "period_start": start, "period_end": end}
    sessions = data.query("fg_sessions_in_scope", **params)
    coded = data.query("fg_passage_codes", **params)
    without_area = data.query("fg_sessions_without_area")["n_sessions"][0]
    return FocusView(sessions, coded, _agreement(coded), int(without_area))


def focus_view(frame: Frame) -> FocusView:
    """Sessions, coded passages and agreement for the frame's area (and below) and period."""
    return _focus_view(frame.area_code, frame.period.start, frame.period.end, _version())


def _agreement(coded: pl.DataFrame) -> tuple[AgreementRow, ...]:
    """Kappa for every pair of coders within one file, on the sessions both of them coded."""
    rows = []
    used = coded.filter(pl.col("code").is_not_null() & pl.col("coder").is_not_null())
    for sha in sorted(used["source_sha256"].unique().to_list()):
        in_file = coded.filter(pl.col("source_sha256") == sha)
        coders = sorted(used.filter(pl.col("source_sha256") == sha)["coder"].unique().to_list())
        for coder_a, coder_b in combinations(coders, 2):
            by_a = set(used.filter((pl.col("source_sha256") == sha) & (pl.col("coder") == coder_a))["session_id"])
            by_b = set(used.filter((pl.col("source_sha256") == sha) & (pl.col("coder") == coder_b))["session_id"])
            both = in_file.filter(pl.col("session_id").is_in(sorted(by_a & by_b)))
            try:
                result = cohens_kappa(both, coder_a=coder_a, coder_b=coder_b)
            except AnalysisError:
                continue  # no session coded by both: nothing to compare
            rows.append(
                AgreementRow(
                    in_file["source_file"][0] or sha[:12], coder_a, coder_b, result.n_segments,
                    result.pooled_kappa, result.mean_observed_agreement, result.per_code,
                )
            )
    return tuple(rows)


def _area_name(lang: str, row: dict) -> str:
    return area_label(row, lang) if row.get("area_name") else (row.get("area_code") or "–")


def group_labels(view: FocusView, grouping: str, lang: str) -> dict[str, str]:
    """Group key -> display name for a grouping, in the order of the sessions."""
    column = GROUPINGS[grouping]
    labels: dict[str, str] = {}
    for row in view.sessions.iter_rows(named=True):
        key = row[column] if row[column] is not None else ""
        if grouping == "area":
            labels.setdefault(key, _area_name(lang, row))
        elif grouping == "session":
            labels.setdefault(key, f"{key} ({format_day(lang, row['session_date'])})" if row["session_date"] else key)
        else:
            labels.setdefault(key, key or t("focus.group_unknown"))
    return labels


def sessions_ui(frame: Frame, view: FocusView) -> None:
    """Metrics, the one-line summary and the notes on undated and area-less sessions."""
    lang, sessions = frame.lang, view.sessions
    passages = view.coded.select("session_id", "segment_id").unique().height
    codes = view.coded["code"].drop_nulls().n_unique()
    columns = st.columns(4)
    columns[0].metric(t("focus.metric.sessions"), format_number(lang, sessions.height), border=True)
    columns[1].metric(t("focus.metric.passages"), format_number(lang, passages), border=True)
    columns[2].metric(t("focus.metric.participants"), format_number(lang, sessions["n_participants"].sum()), border=True)
    columns[3].metric(t("focus.metric.codes"), format_number(lang, codes), border=True)
    st.markdown(t("focus.summary", sessions=format_number(lang, sessions.height), passages=format_number(lang, passages),
                  start=format_day(lang, frame.period.start), end=format_day(lang, frame.period.end)))
    undated = sessions.filter(pl.col("is_undated"))["session_id"].to_list()
    if undated:
        st.caption(t("focus.undated_note", n=format_number(lang, len(undated)), sessions=", ".join(undated)))
    if view.n_without_area:
        st.caption(t("focus.no_area_note", n=format_number(lang, view.n_without_area)))
    with st.expander(t("focus.sessions_table")):
        table = pl.DataFrame({
            t("focus.col.session"): sessions["session_id"],
            t("focus.col.date"): [format_day(lang, d) if d else t("focus.no_date") for d in sessions["session_date"]],
            t("focus.col.area"): [_area_name(lang, r) for r in sessions.iter_rows(named=True)],
            t("focus.col.group"): sessions["participant_group"],
            t("focus.col.participants"): sessions["n_participants"],
            t("focus.col.passages"): sessions["n_passages"],
        })
        table_ui(table, hide_index=True, key="focus__sessions_table")


def themes_ui(frame: Frame, view: FocusView) -> None:
    """Theme chart: passages per code, split by session, participant group or area."""
    lang = frame.lang
    st.subheader(t("focus.themes_heading"))
    # the language is bound now: Streamlit may call format_func outside this run
    grouping = st.radio(t("focus.group_by"), list(GROUPINGS), format_func=lambda g: translate(lang, f"focus.grouping.{g}"),
                        horizontal=True, key="focus__group_by")
    overall = code_frequency(view.coded, by=())
    if overall.height == 0:
        st.info(t("focus.no_codes"))
        return
    top = overall.row(0, named=True)
    st.markdown(t("focus.themes_summary", code=top["code"], n=format_number(lang, top["n_segments"]),
                  total=format_number(lang, top["n_segments_total"]), share=format_percent(lang, top["share"] * 100)))
    column = GROUPINGS[grouping]
    coded = view.coded.with_columns(pl.col(column).fill_null("").cast(pl.String).alias("group"))
    by_group = code_frequency(coded, by=("group",))
    codes = overall["code"].head(MAX_CODES).to_list()
    labels = group_labels(view, grouping, lang)
    if overall.height > MAX_CODES:
        st.caption(t("focus.top_codes_note", shown=format_number(lang, MAX_CODES), total=format_number(lang, overall.height)))
    st.plotly_chart(theme_figure(by_group, lang=lang, codes=codes, group_labels=labels, axis_title=t("focus.axis_passages")),
                    key="focus__theme_chart")
    with st.expander(t("focus.table")):
        table = by_group.with_columns(pl.col("group").replace_strict(labels, default=pl.col("group")))
        table_ui(table.select(
            pl.col("group").alias(t(f"focus.grouping.{grouping}")),
            pl.col("code").alias(t("focus.col.code")),
            pl.col("n_segments").alias(t("focus.col.passages_with_code")),
            pl.col("n_segments_total").alias(t("focus.col.passages")),
            (pl.col("share") * 100).round(1).alias(t("focus.col.share")),
        ), hide_index=True, key="focus__theme_table")


def cooccurrence_ui(frame: Frame, view: FocusView) -> None:
    """Heatmap of codes given to the same passage, with its summary and table."""
    lang = frame.lang
    overall = code_frequency(view.coded, by=())
    codes = overall["code"].head(MAX_CODES).to_list()
    if len(codes) < 2:
        return
    st.subheader(t("focus.cooc_heading"))
    matrix = code_cooccurrence(view.coded, codes=codes)
    pairs = matrix.filter(pl.col("code_a") < pl.col("code_b")).sort(["n_segments", "code_a", "code_b"], descending=[True, False, False])
    best = pairs.row(0, named=True)
    if best["n_segments"] == 0:
        st.markdown(t("focus.cooc_none"))
    else:
        st.markdown(t("focus.cooc_summary", a=best["code_a"], b=best["code_b"], n=format_number(lang, best["n_segments"])))
    st.plotly_chart(cooccurrence_figure(matrix, lang=lang, codes=codes, colour_title=t("focus.axis_passages")), key="focus__cooc_chart")
    with st.expander(t("focus.table")):
        table_ui(pairs.filter(pl.col("n_segments") > 0).rename({
            "code_a": t("focus.col.code_a"), "code_b": t("focus.col.code_b"), "n_segments": t("focus.col.passages_both"),
        }), hide_index=True, key="focus__cooc_table")


def agreement_ui(frame: Frame, view: FocusView) -> None:
    """Cohen's kappa per pair of coders in a file that has more than one coder."""
    if not view.agreement:
        return
    lang = frame.lang
    st.subheader(t("focus.kappa_heading"))
    st.caption(t("focus.kappa_help"))
    for row in view.agreement:
        st.markdown(t("focus.kappa_summary", a=row.coder_a, b=row.coder_b, file=row.source_file,
                      kappa=format_number(lang, row.pooled_kappa, decimals=2), n=format_number(lang, row.n_passages)))
    table = pl.DataFrame({
        t("focus.col.file"): [r.source_file for r in view.agreement],
        t("focus.col.coder_a"): [r.coder_a for r in view.agreement],
        t("focus.col.coder_b"): [r.coder_b for r in view.agreement],
        t("focus.col.passages"): [r.n_passages for r in view.agreement],
        t("focus.col.kappa"): [None if r.pooled_kappa is None else round(r.pooled_kappa, 3) for r in view.agreement],
        t("focus.col.agreement"): [round(r.mean_observed_agreement * 100, 1) for r in view.agreement],
    })
    table_ui(table, hide_index=True, key="focus__kappa_table")
    with st.expander(t("focus.kappa_per_code")):
        per_code = pl.concat([r.per_code.with_columns(pl.lit(f"{r.coder_a} / {r.coder_b}").alias("pair")) for r in view.agreement])
        table_ui(per_code.select(
            pl.col("pair").alias(t("focus.col.pair")),
            pl.col("code").alias(t("focus.col.code")),
            pl.col("n_both").alias(t("focus.col.both")),
            pl.col("n_a_only").alias(t("focus.col.a_only")),
            pl.col("n_b_only").alias(t("focus.col.b_only")),
            pl.col("kappa").round(3).alias(t("focus.col.kappa")),
        ), hide_index=True, key="focus__kappa_codes")
