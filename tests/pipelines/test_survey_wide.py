"""The wide survey tables (``pipelines.survey_wide``) and the two named queries that read them.

Oracle: the long public tables themselves. Each test builds a small warehouse with the marts'
columns (``survey_respondents``, ``survey_answers``, ``survey_items``, ``survey_indicators``,
``survey_waves``), builds the wide tables, and compares what the queries return with the same
rows derived directly from the long ``survey_answers`` as the queries used to (a join per item;
for ``crosstab_sums``, those rows summed per group) — including a wave that did not ask a question, user-missing answers, a non-integer code, a
respondent without an area, and filters. The end-to-end numbers (R ``survey`` output through
the whole warehouse) are checked in ``test_export_cli.py`` and the page tests.
"""
from __future__ import annotations

import duckdb
import polars as pl
import pytest

from pipelines.errors import BuildFailed
from pipelines.survey_wide import build_survey_wide_tables, checked_identifier, survey_allow_list
from pipelines.warehouse import run_query

RESPONDENTS = pl.DataFrame(
    {
        "survey_id": ["s1"] * 6 + ["s2"] * 2,
        "wave": ["w2", "w1", "w1", "w2", "w1", "w2", "a", "a"],
        "respondent_id": ["r1", "r2", "r3", "r4", "r5", "r6", "x1", "x2"],
        "area_code": ["B", "A", "B", None, "A", "A", "A", "A"],
        "weight": [1.5, 2.0, 0.5, 1.0, 3.0, 1.25, 1.0, 1.0],
        "stratum": ["s", "s", "t", "t", "s", "t", None, None],
        "psu": ["1", "2", "3", "4", "5", "6", None, None],
    }
)
# (respondent, item, value): q1 asked in both waves (r3 user-missing -> NULL), q2 only in w1
# (2.5 is a non-integer code), g a breakdown in both waves.
ANSWERS = [
    ("r1", "q1", 4.0), ("r2", "q1", 1.0), ("r3", "q1", None), ("r4", "q1", 3.0), ("r5", "q1", 4.0), ("r6", "q1", 10.0),
    ("r2", "q2", 2.5), ("r3", "q2", 1.0), ("r5", "q2", None),
    ("r1", "g", 1.0), ("r2", "g", 2.0), ("r3", "g", 1.0), ("r4", "g", 2.0), ("r5", "g", 1.0), ("r6", "g", 2.0),
]


def _warehouse(items: tuple[str, ...] = ("g", "q1", "q2", "never_answered")) -> duckdb.DuckDBPyConnection:
    waves = dict(zip(RESPONDENTS["respondent_id"], RESPONDENTS["wave"]))
    answers = pl.DataFrame(
        [("s1", waves[r], r, item, value, None) for r, item, value in ANSWERS],
        schema={"survey_id": pl.String, "wave": pl.String, "respondent_id": pl.String, "item": pl.String,
                "value": pl.Float64, "missing_code": pl.String},
        orient="row",
    )
    con = duckdb.connect()
    tables = {
        "survey_respondents": RESPONDENTS,
        "survey_answers": answers,
        "survey_items": pl.DataFrame({"survey_id": ["s1"] * len(items), "item": list(items)}),
        "survey_indicators": pl.DataFrame({"source": ["s1", "s3"], "source_kind": ["microdata", "microdata"], "item": ["q1", "q9"]}),
        "survey_waves": pl.DataFrame({"survey_id": ["s1", "s1", "s2"], "wave": ["w1", "w2", "a"], "wave_order": [1, 2, 1]}),
    }
    for name, frame in tables.items():
        con.register("frame", frame)
        con.execute(f"create table {name} as select * from frame")  # fixed test names
        con.unregister("frame")
    return con


@pytest.fixture()
def con():
    connection = _warehouse()
    build_survey_wide_tables(connection)
    yield connection
    connection.close()


def test_identifiers_outside_the_allow_pattern_are_refused_never_quoted_around() -> None:
    assert checked_identifier("trust_police_2", what="item") == '"trust_police_2"'
    for bad in ('q1"; drop table survey_answers; --', "Q1", "q 1", "", "tillid_æ", "q-1"):
        with pytest.raises(BuildFailed):
            checked_identifier(bad, what="item")


def test_a_bad_item_name_fails_the_build_step_before_any_sql_is_run() -> None:
    connection = _warehouse(items=("q1", 'x" varchar); drop table survey_answers; --'))
    with pytest.raises(BuildFailed, match="may only contain"):
        build_survey_wide_tables(connection)
    assert connection.execute("select count(*) from survey_answers").fetchall()[0][0] == len(ANSWERS)


def test_every_survey_of_the_allow_list_gets_a_table_with_one_row_per_respondent(con) -> None:
    assert survey_allow_list(con) == {"s1": ["g", "never_answered", "q1", "q2"], "s2": [], "s3": ["q9"]}
    counts = {s: con.execute(f"select count(*) from mart_survey_wide__{s}").fetchall()[0][0] for s in ("s1", "s2", "s3")}
    assert counts == {"s1": 6, "s2": 2, "s3": 0}
    wide = con.sql("select * from mart_survey_wide__s1 order by respondent_row").pl()
    # sorted by wave (order), then area: zone maps can skip waves and areas
    assert wide["respondent_id"].to_list() == ["r2", "r5", "r3", "r6", "r1", "r4"]
    assert wide["respondent_row"].to_list() == list(range(6))
    assert wide.schema["code__q1"] == pl.Categorical and wide.schema["wave"] == pl.Categorical


def test_values_codes_and_asked_flags_equal_the_long_answers(con) -> None:
    wide = con.sql("select * from mart_survey_wide__s1").pl()
    long = {(r, item): value for r, item, value in ANSWERS}
    for row in wide.iter_rows(named=True):
        for item in ("g", "q1", "q2", "never_answered"):
            key = (row["respondent_id"], item)
            assert row[f"asked__{item}"] is (key in long)
            assert row[f"item__{item}"] == long.get(key)
            value = long.get(key)
            expected_code = None if value is None else (str(int(value)) if value == int(value) else str(value))
            assert row[f"code__{item}"] == expected_code
    respondents = RESPONDENTS.filter(pl.col("survey_id") == "s1")
    assert dict(zip(wide["respondent_id"], wide["weight"])) == dict(zip(respondents["respondent_id"], respondents["weight"]))
    assert dict(zip(wide["respondent_id"], wide["area_code"].cast(pl.String))) == dict(
        zip(respondents["respondent_id"], respondents["area_code"])
    )


# The rows survey_item_respondents returned when it joined the long answers to the respondents.
LONG_ITEM_ROWS = """
select r.wave, r.area_code, r.weight, r.stratum, r.psu, a.value, g.value as group_value
from survey_answers a
join survey_respondents r using (survey_id, wave, respondent_id)
left join survey_answers g on g.survey_id = a.survey_id and g.wave = a.wave
    and g.respondent_id = a.respondent_id and g.item = $breakdown
where a.survey_id = 's1' and a.item = $item
"""


@pytest.mark.parametrize("item", ["q1", "q2", "never_answered"])
@pytest.mark.parametrize("breakdown", ["", "g", "q2"])
def test_survey_item_respondents_returns_the_rows_of_the_long_join(con, item: str, breakdown: str) -> None:
    ours = run_query(con, "survey_item_respondents", survey_id="s1", item=item, breakdown=breakdown)
    expected = con.sql(LONG_ITEM_ROWS, params={"item": item, "breakdown": breakdown}).pl()
    assert ours.columns == ["wave", "area_code", "weight", "stratum", "psu", "value", "group_value"]
    assert ours.schema == expected.schema
    key = ["wave", "area_code", "weight"]
    assert ours.sort(key, nulls_last=True).equals(expected.sort(key, nulls_last=True))


def test_names_are_looked_up_by_duckdb_not_spliced_into_sql(con) -> None:
    with pytest.raises(duckdb.Error):
        run_query(con, "survey_item_respondents", survey_id="s1", item='q1"] from survey_answers; --', breakdown="")
    with pytest.raises(duckdb.Error):
        run_query(con, "survey_item_respondents", survey_id="s1; drop table survey_answers", item="q1", breakdown="")
    assert con.execute("select count(*) from survey_answers").fetchall()[0][0] == len(ANSWERS)


def _code(value: float | None) -> str | None:
    if value is None:
        return None
    return str(int(value)) if value == int(value) else str(value)


def _expected_crosstab(row: str, col: str, layer: str, filters: list[tuple[str, str]]) -> pl.DataFrame:
    """The respondent rows crosstab_sums groups, built in Python from the long answers (the query's documented rules)."""
    answers = {(r, item): value for r, item, value in ANSWERS}
    order = {"w1": 1.0, "w2": 2.0}
    out = []
    for resp in RESPONDENTS.filter(pl.col("survey_id") == "s1").iter_rows(named=True):
        def dim(name: str) -> tuple[str | None, float | None]:
            if name == "":
                return None, None
            if name == "wave":
                return resp["wave"], order[resp["wave"]]
            if name == "area":
                return resp["area_code"], None
            value = answers.get((resp["respondent_id"], name))
            return _code(value), value

        wanted: dict[str, set[str]] = {}
        for d, c in filters:
            wanted.setdefault(d, set()).add(c)
        selected = all(dim(d)[0] in codes for d, codes in wanted.items())
        (rc, rr), (cc, cr), (lc, lr) = dim(row), dim(col), dim(layer)
        out.append({"weight": resp["weight"], "stratum": resp["stratum"], "psu": resp["psu"], "is_selected": selected,
                    "row_code": rc, "row_rank": rr, "col_code": cc, "col_rank": cr, "layer_code": lc, "layer_rank": lr})
    return pl.DataFrame(out, schema={"weight": pl.Float64, "stratum": pl.String, "psu": pl.String, "is_selected": pl.Boolean,
                                     "row_code": pl.String, "row_rank": pl.Float64, "col_code": pl.String,
                                     "col_rank": pl.Float64, "layer_code": pl.String, "layer_rank": pl.Float64})


def _expected_sums(rows: pl.DataFrame, *, design: bool) -> pl.DataFrame:
    """crosstab_sums' groups summed here from those respondent rows (outside the filters: no row code)."""
    keys = ["row_code", "col_code", "layer_code", "stratum", "psu"]
    w = pl.col("weight")
    return (
        rows.with_columns(
            pl.when(pl.col("is_selected")).then(pl.col("row_code")).alias("row_code"),
            *(pl.col(c) if design else pl.lit(None, dtype=pl.String).alias(c) for c in ("stratum", "psu")),
        )
        .group_by(keys)
        .agg(
            pl.col("row_rank", "col_rank", "layer_rank").min(),
            pl.len().cast(pl.Int64).alias("n_rows"),
            (w > 0).sum().cast(pl.Int64).alias("n_positive"),
            w.sum().alias("weight_sum"),
            (w * w).sum().alias("weight_sq_sum"),
            w.min().alias("weight_min"),
            w.null_count().cast(pl.Int64).alias("n_weight_missing"),
        )
        .select(*keys, "row_rank", "col_rank", "layer_rank", "n_rows", "n_positive", "weight_sum", "weight_sq_sum",
                "weight_min", "n_weight_missing")
    )


@pytest.mark.parametrize("design", [True, False], ids=["strata_psu", "no_design"])
@pytest.mark.parametrize(
    ("row", "col", "layer", "filters"),
    [
        ("q1", "area", "", []),
        ("q2", "g", "wave", []),
        ("wave", "q1", "area", []),
        ("q1", "g", "", [("g", "1")]),
        ("q1", "area", "", [("wave", "w1"), ("q2", "2.5"), ("q2", "1")]),
        ("g", "wave", "", [("area", "A"), ("q1", "4"), ("q1", "99")]),
    ],
)
def test_crosstab_sums_sum_the_rows_of_the_long_answers(con, row, col, layer, filters, design) -> None:
    ours = run_query(con, "crosstab_sums", survey_id="s1", row=row, col=col, layer=layer,
                     filter_dims=[d for d, _ in filters], filter_codes=[c for _, c in filters], strata=design, psu=design)
    ours = ours.with_columns(pl.col("row_code", "col_code", "layer_code", "stratum", "psu").cast(pl.String))
    expected = _expected_sums(_expected_crosstab(row, col, layer, filters), design=design)
    assert ours.columns == expected.columns
    key = ["row_code", "col_code", "layer_code", "stratum", "psu"]
    ours, expected = ours.sort(key, nulls_last=True), expected.sort(key, nulls_last=True)
    assert ours.drop("weight_sum", "weight_sq_sum").equals(expected.drop("weight_sum", "weight_sq_sum"))
    for name in ("weight_sum", "weight_sq_sum"):  # sums of the same weights, perhaps in another order
        assert ours[name].to_list() == pytest.approx(expected[name].to_list(), rel=1e-15)
