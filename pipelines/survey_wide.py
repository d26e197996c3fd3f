"""Wide survey tables: one row per respondent and one column per question, built once per build.

Why: a cross-tab or a trend needs, for a million respondents, the design columns beside one to
three answers. Rebuilding that row from the long ``survey_answers`` (one row per respondent and
item) on every request cost seconds (a pivot of two million rows per call). So the build pivots
each survey once into ``mart_survey_wide__<survey_id>``:

- ``respondent_row`` (0, 1, … in the table's order: a cheap key for a respondent),
  ``respondent_id``, ``wave``, ``wave_order``, ``area_code``, ``weight``, ``stratum``, ``psu``;
- ``item__<item>``: the answer as its numeric code (DOUBLE; NULL when user-missing or when the
  respondent's wave has no such question);
- ``asked__<item>``: whether the respondent has an answer row for the item at all (a NULL in
  ``item__<item>`` is either a missing answer or a question the respondent's wave did not ask;
  estimates keep the first and drop the second, as the long table's join did);
- ``code__<item>``: the same answer as its text code (``'1'``, ``'2.5'``: whole numbers without
  ``.0``, so codes match the value-label keys), and ``wave`` and ``area_code`` too, typed with one
  ENUM per survey (``mart_survey_wide__<survey_id>__code``). An ENUM reaches polars as a
  Categorical (a dictionary: a byte or two per row) instead of a million Python-visible strings;
  formatting the codes once here instead of per request is most of the cross-tab's speed-up.

Rows are sorted by wave and area so DuckDB's zone maps skip row groups when a query filters them.

**Identifiers.** Table, type and column names are made from survey ids and item names, so
they come from an allow-list (the surveys and items the warehouse itself lists in
``survey_respondents``, ``survey_items`` and ``survey_indicators``), must match
``^[a-z0-9_]+$`` (the readers store survey ids and items in that form: ``snake_case``) and are
double-quoted; every value is still a bound parameter. The named queries do not splice names
either: they pick the table with DuckDB's ``query_table('mart_survey_wide__' || $survey_id)``
and a column with ``columns(['item__' || $item])`` — both resolved by DuckDB's binder against the
catalogue from a bound VARCHAR, so a name never becomes SQL text and an unknown name is an error,
not an injection (callers check names against ``crosstab_variables`` / ``survey_item_meta`` first).
"""
from __future__ import annotations

import re

import duckdb

from pipelines.errors import BuildFailed

TABLE_PREFIX = "mart_survey_wide__"
IDENTIFIER = re.compile(r"^[a-z0-9_]+$")

# The text code of an answer, as the cross-tab queries show it: whole numbers without '.0'.
CODE_SQL = "case when {v} = trunc({v}) then cast(cast({v} as bigint) as varchar) else cast({v} as varchar) end"

ALLOW_LIST_SQL = """
select survey_id, item from survey_items
union
select source as survey_id, item from survey_indicators where source_kind = 'microdata' and item is not null
union
select distinct survey_id, null as item from survey_respondents
"""


def checked_identifier(name: str, *, what: str) -> str:
    """``name`` double-quoted for SQL, after checking it against ``^[a-z0-9_]+$``.

    Args:
        name: a table, type or column name made from a survey id or item name.
        what: what the name is, for the error.

    Raises:
        BuildFailed: the name has any other character (it is never quoted or escaped instead).
    """
    if not IDENTIFIER.fullmatch(name):
        raise BuildFailed(
            "Survey name not usable as a column or table name",
            f"The {what} {name!r} may only contain a-z, 0-9 and _.",
            source=what,
        )
    return f'"{name}"'


def wide_table_name(survey_id: str) -> str:
    """The wide table of a survey (unquoted)."""
    return f"{TABLE_PREFIX}{survey_id}"


def survey_allow_list(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """Survey id → its item names (sorted), from the built marts."""
    surveys: dict[str, set[str]] = {}
    for survey_id, item in con.execute(ALLOW_LIST_SQL).fetchall():
        surveys.setdefault(survey_id, set())
        if item is not None:
            surveys[survey_id].add(item)
    return {survey: sorted(items) for survey, items in sorted(surveys.items())}


def _create_one(con: duckdb.DuckDBPyConnection, survey_id: str, items: list[str]) -> None:
    table = checked_identifier(wide_table_name(survey_id), what="survey id")
    code_type = checked_identifier(f"{wide_table_name(survey_id)}__code", what="survey id")
    columns = {
        item: tuple(checked_identifier(f"{prefix}__{item}", what="item") for prefix in ("item", "code", "asked"))
        for item in items
    }
    params: dict[str, object] = {"survey_id": survey_id}
    item_params = {item: f"item_{number}" for number, item in enumerate(items)}
    params.update({name: item for item, name in item_params.items()})

    # Every code of the survey (waves, areas, answers) in one ENUM, so CASE and UNPIVOT over
    # several code columns stay in one type.
    con.execute(
        f"""
        create type {code_type} as enum (
            select code from (
                select wave as code from survey_respondents where survey_id = $survey_id
                union
                select area_code from survey_respondents where survey_id = $survey_id
                union
                select {CODE_SQL.format(v="value")} from survey_answers where survey_id = $survey_id
            )
            where code is not null
            order by code
        )
        """,
        {"survey_id": survey_id},
    )
    pivot = ",\n".join(
        f"max(value) filter (where item = ${item_params[item]}) as {value_col}, "
        f"count(*) filter (where item = ${item_params[item]}) > 0 as {asked_col}"
        for item, (value_col, _, asked_col) in columns.items()
    )
    answers_cte = (
        f"""answers as (
            select wave, respondent_id, {pivot}
            from survey_answers
            where survey_id = $survey_id
            group by wave, respondent_id
        ),"""
        if items
        else ""
    )
    answers_join = "left join answers using (wave, respondent_id)" if items else ""
    item_columns = "".join(
        f",\n answers.{value_col},\n cast({CODE_SQL.format(v='answers.' + value_col)} as {code_type}) as {code_col},"
        f"\n coalesce(answers.{asked_col}, false) as {asked_col}"
        for value_col, code_col, asked_col in columns.values()
    )
    con.execute(
        f"""
        create table {table} as
        with respondents as (
            select * from survey_respondents where survey_id = $survey_id
        ),

        waves as (
            select wave, wave_order from survey_waves where survey_id = $survey_id
        ),

        {answers_cte}

        final as (
            select
                respondents.respondent_id,
                cast(respondents.wave as {code_type}) as wave,
                waves.wave_order,
                cast(respondents.area_code as {code_type}) as area_code,
                respondents.weight,
                respondents.stratum,
                respondents.psu{item_columns}
            from respondents
            left join waves using (wave)
            {answers_join}
        )

        select (row_number() over (order by wave_order, wave, area_code, respondent_id)) - 1 as respondent_row, *
        from final
        order by respondent_row
        """,
        params,
    )
    [(built, expected)] = con.execute(
        f"select (select count(*) from {table}), (select count(*) from survey_respondents where survey_id = $survey_id)",
        {"survey_id": survey_id},
    ).fetchall()
    if built != expected:
        raise BuildFailed(
            "Wide survey table is incomplete",
            f"{wide_table_name(survey_id)} has {built} rows, survey_respondents {expected} for {survey_id!r}.",
            source="survey_wide",
        )


def build_survey_wide_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Create ``mart_survey_wide__<survey_id>`` for every survey of the warehouse.

    Run after the marts and their contracts (``survey_answers`` keys are then unique, so the
    pivot's ``max`` sees one answer per respondent and item).

    Args:
        con: the warehouse being built (read-write).

    Returns:
        The names of the tables created.

    Raises:
        BuildFailed: a survey id or item name is not a plain identifier, or a table lost rows.
    """
    created = []
    for survey_id, items in survey_allow_list(con).items():
        _create_one(con, survey_id, items)
        created.append(wide_table_name(survey_id))
    return created
