"""The priority register on the dashboard ("you said, we did"): record priorities and actions,
show each with the measured change in its statistic, export the register.

This module writes, through ``pipelines.priorities``, to a SQLite file under
``settings.state_dir`` — never to the warehouse, which stays read-only — so entries survive
rebuilds and restarts.
"""
from __future__ import annotations

import io
from datetime import date

import polars as pl
import streamlit as st

from analysis.priorities import PriorityChange, change_since
from pipelines.priorities import Action, PriorityInvalid, Priority, add_action, add_priority, export_frame, list_actions, list_priorities, register_path
from pipelines.thread_safe_polars import to_pandas
from ui import data
from ui.access import current_tier
from ui.crime import offence_groups
from ui.frame import Frame, area_label, t
from ui.i18n import catalogue, format_day, format_number, format_percent, translate

_FINEST = ("month", "quarter", "half_year", "year")


def _register():
    return register_path(data.settings().state_dir)


def _version() -> str:
    version = data.data_version()
    return version["data_version"] if version else ""


@st.cache_data(max_entries=256, show_spinner=False)
def _priority_change(area_code: str, group: str, agreed_on: date, alpha: float, version: str) -> PriorityChange | None:
    available = data.query("crime_offence_groups", area_code=area_code)
    types = set(available.filter(pl.col("offence_group") == group)["period_type"].to_list())
    kind = next((k for k in _FINEST if k in types), None)
    if kind is None:
        return None
    series = data.query("crime_series", area_code=area_code, offence_group=group, period_type=kind)
    return change_since(series.select("period_start", "period_end", "count").drop_nulls("count"), agreed_on, alpha=alpha)


def group_label(group: str, lang: str) -> str:
    """An offence group's display name (the crime page's catalogue), or the code itself."""
    key = f"crime.group.{group}"
    return catalogue(lang).get(key, group)


def _descendants(area_code: str) -> tuple[str, ...]:
    areas = data.query("areas_for_picker")
    children: dict[str, list[str]] = {}
    for row in areas.iter_rows(named=True):
        children.setdefault(row["parent_code"], []).append(row["area_code"])
    out, todo = [], [area_code]
    while todo:
        code = todo.pop()
        out.append(code)
        todo.extend(children.get(code, []))
    return tuple(out)


def _invalid_message(error: PriorityInvalid) -> str:
    return t(f"priorities.invalid.{error.rule}", field=t(f"priorities.field.{error.field}"), limit=error.limit)


def _change_text(lang: str, change: PriorityChange | None) -> str:
    if change is None:
        return translate(lang, "priorities.change.no_statistic")
    if change.status != "measured":
        return translate(lang, f"priorities.change.{change.status}")
    result = change.change
    pct = "–" if result.pct_change is None else format_percent(lang, result.pct_change)
    return translate(
        lang,
        "priorities.change.measured",
        since=format_number(lang, result.count),
        since_start=format_day(lang, change.since_start),
        since_end=format_day(lang, change.since_end),
        before=format_number(lang, result.count_before),
        before_start=format_day(lang, change.before_start),
        before_end=format_day(lang, change.before_end),
        pct=pct,
        verdict=translate(lang, f"priorities.verdict.{result.verdict}"),
    )


def change_text(lang: str, change: PriorityChange | None) -> str:
    """The measured change of a priority's statistic as one sentence in ``lang``."""
    return _change_text(lang, change)


def priorities_with_change(area_code: str) -> list[tuple[Priority, PriorityChange | None, tuple[Action, ...]]]:
    """Every priority of an area and the areas below it, with the change in its statistic since it
    was agreed (the same cached call the register tab shows) and its actions, for meeting slides."""
    path = _register()
    if not path.exists():
        return []
    priorities = list_priorities(path, area_codes=_descendants(area_code))
    actions = list_actions(path)
    alpha = data.settings().default_alpha
    return [
        (p, _priority_change(p.area_code, p.measure_code, p.agreed_on, alpha, _version()), tuple(a for a in actions if a.priority_id == p.priority_id))
        for p in priorities
    ]


def _add_priority_ui(frame: Frame) -> None:
    groups = offence_groups(frame.area_code)
    with st.form("priorities__new", clear_on_submit=True):
        st.markdown(t("priorities.new_heading", area=frame.area_name))
        text = st.text_input(t("priorities.field.text"), key="priorities__text", max_chars=500)
        group = st.selectbox(t("priorities.field.measure_code"), groups, format_func=lambda g: group_label(g, frame.lang), key="priorities__measure",
                             index=0 if groups else None)
        agreed = st.date_input(t("priorities.field.agreed_on"), key="priorities__agreed", format="YYYY-MM-DD", max_value=date.today())
        if st.form_submit_button(t("priorities.add"), key="priorities__add"):
            try:
                add_priority(_register(), area_code=frame.area_code, measure_code=group or "", text=text, agreed_on=agreed)
            except PriorityInvalid as error:
                st.error(_invalid_message(error))
            else:
                st.success(t("priorities.added"))


def _add_action_ui(lang: str, priorities: tuple[Priority, ...]) -> None:
    if not priorities:
        return
    names = {p.priority_id: f"{p.text} ({format_day(lang, p.agreed_on)})" for p in priorities}
    with st.form("priorities__action", clear_on_submit=True):
        st.markdown(t("priorities.action_heading"))
        chosen = st.selectbox(t("priorities.field.priority_id"), list(names), format_func=lambda k: names.get(k, str(k)), key="priorities__action_priority")
        done = st.date_input(t("priorities.field.done_on"), key="priorities__action_date", format="YYYY-MM-DD", max_value=date.today())
        text = st.text_input(t("priorities.field.action_text"), key="priorities__action_text", max_chars=500)
        who = st.text_input(t("priorities.field.who"), key="priorities__action_who", max_chars=100)
        if st.form_submit_button(t("priorities.add_action"), key="priorities__action_add"):
            try:
                add_action(_register(), priority_id=chosen, done_on=done, text=text, who=who)
            except PriorityInvalid as error:
                st.error(_invalid_message(error))
            else:
                st.success(t("priorities.action_added"))


def _export_ui(lang: str) -> None:
    frame = export_frame(_register())
    if frame.height == 0:
        return
    left, right = st.columns(2)
    left.download_button(t("priorities.export_csv"), frame.write_csv().encode("utf-8"), file_name="priorities.csv", mime="text/csv",
                         key="priorities__export_csv")
    buffer = io.BytesIO()
    to_pandas(frame).to_excel(buffer, index=False, engine="openpyxl")
    right.download_button(t("priorities.export_xlsx"), buffer.getvalue(), file_name="priorities.xlsx",
                          mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="priorities__export_xlsx")


def priorities_ui(frame: Frame) -> None:
    """The register tab: forms first (they write), then every priority of the area and below."""
    lang = frame.lang
    st.caption(t("priorities.intro"))
    # Only police edit the register (issue 10); other tiers read it. The forms are not drawn at
    # all, so no widget of another tier can reach the writes below.
    can_edit = current_tier().can_edit_priorities
    if can_edit:
        _add_priority_ui(frame)
    else:
        st.info(t("access.register_read_only"), icon=":material/lock:")
    scope = _descendants(frame.area_code)
    priorities = list_priorities(_register(), area_codes=scope)
    if can_edit:
        _add_action_ui(lang, priorities)
    if not priorities:
        st.info(t("priorities.empty"))
        return
    actions = list_actions(_register())
    rows = {r["area_code"]: r for r in data.query("areas_for_picker").iter_rows(named=True)}
    alpha = data.settings().default_alpha
    st.subheader(t("priorities.list_heading", n=format_number(lang, len(priorities))))
    for priority in priorities:
        with st.container(border=True):
            area = area_label(rows[priority.area_code], lang) if priority.area_code in rows else priority.area_code
            st.markdown(t("priorities.item", text=priority.text, area=area, measure=group_label(priority.measure_code, lang),
                          agreed=format_day(lang, priority.agreed_on)))
            change = _priority_change(priority.area_code, priority.measure_code, priority.agreed_on, alpha, _version())
            st.markdown(_change_text(lang, change))
            own = [a for a in actions if a.priority_id == priority.priority_id]
            if own:
                for action in own:
                    st.markdown(t("priorities.action_item", date=format_day(lang, action.done_on), text=action.text, who=action.who))
            else:
                st.caption(t("priorities.no_actions"))
    _export_ui(lang)
