"""Tests of analysis.crosstab against R ``survey`` and scipy.

Oracles:

- R 4.2.2 with ``survey`` 4.1.1: ``tests/golden/crosstab_r.R`` (with ``golden_designs.R``)
  wrote ``crosstab_r_cells.csv``, ``crosstab_r_margins.csv``, ``crosstab_r_tests.csv`` and
  ``crosstab_r_comparisons.csv``
  from the real ESS 2018 extract. Conventions aligned to: ``trust_cat`` = trust_police 0–4
  "low", 5–6 "mid", 7–10 "high"; designs "srs" (weights), "strata_psu" (strata = country,
  PSU = row position within country mod 20, ``nest=TRUE``) and "unit" (weights 1); cell percents
  as ``svyby(~I(category), ~domain, svymean, deff="replace")`` and ``svyciprop(method="logit")``
  ×100; margins as the same calls with the layer as domain; tests ``svychisq(statistic="Chisq"/"F"/"adjWald")`` on each layer's design, whose
  Pearson X² R scales to ``nrow(design)`` (we scale to complete rows, so the golden X² is
  rescaled by ``n_complete/n_rows`` before comparing); pairwise differences from
  ``svyglm(I(row==r) ~ 0 + domain)`` and its ``vcov``. R's interval for an empty cell is not a
  converged fit and is written NA; those cells are checked against our own rule instead.
- ``scipy.stats.chi2_contingency(observed, correction=False)`` for the Pearson statistic with
  unit weights.
- The respondent-row path for the summed path: ``crosstab_from_sums`` on per-(cell, stratum,
  PSU) sums taken by the test itself (each group split in two rows, which the contract adds
  together) gives ``weighted_crosstab``'s result on the rows to 1e-12, for every golden design,
  with a filter (domain estimation) and with layers.

pytest never runs R; it reads the committed CSVs.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest
from scipy import stats

from analysis.crosstab import SUM_COLUMNS, crosstab_from_sums, weighted_crosstab
from analysis.results import CrosstabResult
from analysis.errors import AnalysisError
from tests.realdata import REALDATA

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
POINT_TOL = 1e-8  # percents, SEs, design effects, test statistics (relative)
CI_TOL = 1e-6  # interval ends, percentage points (absolute)

DESIGNS = {
    "srs": {"weight": "weight"},
    "strata_psu": {"weight": "weight", "strata": "country", "psu": "psu"},
    "unit": {},
}
CASES = {
    "trustcat_by_gender": ("trust_cat", "gender", None),
    "trustcat_by_country": ("trust_cat", "country", None),
    "trustcat_by_gender_by_country": ("trust_cat", "gender", "country"),
    "trust_by_degree_by_country": ("trust_police", "degree_label", "country"),
}
TEXT = ("case", "design", "percent_base", "layer", "row", "col", "compare", "a", "b", "margin", "category")


def _read_golden(name: str) -> pl.DataFrame:
    frame = pl.read_csv(GOLDEN / name, infer_schema_length=0, null_values=["NA"])
    return frame.with_columns(
        *(pl.col(c).cast(pl.Float64) for c in frame.columns if c not in TEXT),
        *(pl.col(c).fill_null("") for c in ("layer", "col") if c in frame.columns),
    )


@pytest.fixture(scope="module")
def ess() -> pl.DataFrame:
    frame = pl.read_csv(
        REALDATA / "survey_ess" / "ess2018_extract_trust_police_weight.csv", null_values="NA"
    )
    trust = pl.col("trust_police")
    return frame.with_columns(
        psu=pl.int_range(pl.len()).over("country") % 20,
        trust_cat=pl.when(trust <= 4).then(pl.lit("low")).when(trust <= 6).then(pl.lit("mid")).otherwise(pl.lit("high")),
        degree_label=pl.col("degree").cast(pl.String).str.to_uppercase(),
    )


KEY_COLUMNS = ("country", "gender", "trust_cat", "degree_label")


@pytest.fixture(scope="module", params=["string_keys", "categorical_keys"])
def key_type(request: pytest.FixtureRequest) -> str:
    """Run the golden checks with String and with Categorical key columns."""
    return request.param


def _with_keys(frame: pl.DataFrame, key_type: str) -> pl.DataFrame:
    if key_type == "string_keys":
        return frame
    return frame.with_columns(pl.col(c).cast(pl.Categorical) for c in KEY_COLUMNS)


def _as_text(frame: pl.DataFrame, *columns: str) -> pl.DataFrame:
    return frame.with_columns(pl.col(c).cast(pl.String).fill_null("") for c in columns)


def _assert_close(actual: pl.Series, expected: pl.Series, *, rtol: float = 0.0, atol: float = 0.0) -> None:
    a = actual.cast(pl.Float64).fill_null(np.nan).to_numpy()
    b = expected.cast(pl.Float64).fill_null(np.nan).to_numpy()
    np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, equal_nan=True, err_msg=actual.name)


CELL_CASES = sorted(
    _read_golden("crosstab_r_cells.csv").select("case", "design", "percent_base").unique().iter_rows()
)


@pytest.mark.parametrize(("case", "design", "percent"), CELL_CASES)
def test_cells_match_r_survey(case: str, design: str, percent: str, key_type: str, ess: pl.DataFrame) -> None:
    row, col, layer = CASES[case]
    ess = _with_keys(ess, key_type)
    golden = _read_golden("crosstab_r_cells.csv").filter(
        (pl.col("case") == case) & (pl.col("design") == design) & (pl.col("percent_base") == percent)
    )
    result = weighted_crosstab(ess, row=row, col=col, layer=layer, percent=percent, **DESIGNS[design])
    cells = _as_text(result.cells, "layer", "row", "col")
    assert cells.height == golden.height
    joined = golden.join(cells, on=["layer", "row", "col"], how="left", suffix="_py")
    assert joined["percent_py"].null_count() == 0
    for name in ("percent", "se", "weighted_n", "unweighted_n"):
        _assert_close(joined[f"{name}_py"], joined[name], rtol=POINT_TOL, atol=1e-12)
    _assert_close(joined["deff_py"], joined["deff"], rtol=POINT_TOL)
    converged = joined.filter(pl.col("ci_low").is_not_null())
    _assert_close(converged["ci_low_py"], converged["ci_low"], atol=CI_TOL)
    _assert_close(converged["ci_high_py"], converged["ci_high"], atol=CI_TOL)
    # Empty cells: percent 0, no design effect, a one-sided interval.
    empty = joined.filter(pl.col("unweighted_n") == 0)
    assert (empty["percent_py"] == 0).all() and empty["deff_py"].is_null().all()
    assert (empty["ci_low_py"] == 0).all() and (empty["ci_high_py"] > 0).all()


MARGIN_CASES = sorted(_read_golden("crosstab_r_margins.csv").select("case", "design").unique().iter_rows())


@pytest.mark.parametrize(("case", "design"), MARGIN_CASES)
def test_margins_match_r_survey(case: str, design: str, key_type: str, ess: pl.DataFrame) -> None:
    row, col, layer = CASES[case]
    ess = _with_keys(ess, key_type)
    golden = _read_golden("crosstab_r_margins.csv").filter(
        (pl.col("case") == case) & (pl.col("design") == design)
    )
    result = weighted_crosstab(ess, row=row, col=col, layer=layer, compare="none", **DESIGNS[design])
    margins = _as_text(result.margins, "layer", "category")
    assert margins.height == golden.height
    joined = golden.join(margins, on=["layer", "margin", "category"], how="left", suffix="_py")
    for name in ("percent", "se", "deff", "weighted_n", "unweighted_n"):
        _assert_close(joined[f"{name}_py"], joined[name], rtol=POINT_TOL, atol=1e-12)
    _assert_close(joined["ci_low_py"], joined["ci_low"], atol=CI_TOL)
    _assert_close(joined["ci_high_py"], joined["ci_high"], atol=CI_TOL)


TEST_CASES = sorted(_read_golden("crosstab_r_tests.csv").select("case", "design").unique().iter_rows())


@pytest.mark.parametrize(("case", "design"), TEST_CASES)
def test_rao_scott_tests_match_r_svychisq(case: str, design: str, key_type: str, ess: pl.DataFrame) -> None:
    row, col, layer = CASES[case]
    ess = _with_keys(ess, key_type)
    golden = _read_golden("crosstab_r_tests.csv").filter(
        (pl.col("case") == case) & (pl.col("design") == design)
    ).sort("layer")
    result = weighted_crosstab(ess, row=row, col=col, layer=layer, compare="none", **DESIGNS[design])
    ours = pl.DataFrame([t.__dict__ for t in result.tests]).with_columns(
        pl.col("layer").cast(pl.String).fill_null("")
    ).sort("layer")
    assert ours["layer"].to_list() == golden["layer"].to_list()
    _assert_close(ours["n_rows"], golden["n_rows"])
    _assert_close(ours["n_complete"], golden["n_complete"])
    _assert_close(ours["pearson_x2"], golden["pearson_x2"] * golden["n_complete"] / golden["n_rows"], rtol=POINT_TOL)
    _assert_close(ours["first_order_df"], golden["chisq_df"])
    _assert_close(ours["first_order_p"], golden["chisq_p"], rtol=1e-6, atol=1e-12)
    _assert_close(ours["f_statistic"], golden["f"], rtol=POINT_TOL)
    _assert_close(ours["f_ndf"], golden["f_ndf"], rtol=POINT_TOL)
    _assert_close(ours["f_ddf"], golden["f_ddf"], rtol=POINT_TOL)
    _assert_close(ours["f_p"], golden["f_p"], rtol=1e-6, atol=1e-12)
    _assert_close(ours["adj_wald_f"], golden["adjwald_f"], rtol=POINT_TOL)
    _assert_close(ours["adj_wald_ndf"], golden["adjwald_ndf"])
    _assert_close(ours["adj_wald_ddf"], golden["adjwald_ddf"])
    _assert_close(ours["adj_wald_p"], golden["adjwald_p"], rtol=1e-6, atol=1e-12)
    # The second-order chi-square is R's F times its numerator df (the F's large-ddf limit).
    _assert_close(ours["second_order_x2"], golden["f"] * golden["f_ndf"], rtol=POINT_TOL)
    _assert_close(ours["second_order_df"], golden["f_ndf"], rtol=POINT_TOL)


COMPARISON_CASES = sorted(
    _read_golden("crosstab_r_comparisons.csv").select("case", "design", "compare").unique().iter_rows()
)


@pytest.mark.parametrize(("case", "design", "compare"), COMPARISON_CASES)
def test_pairwise_comparisons_and_letters_match_r_survey(
    case: str, design: str, compare: str, key_type: str, ess: pl.DataFrame
) -> None:
    row, col, layer = CASES[case]
    ess = _with_keys(ess, key_type)
    golden = _read_golden("crosstab_r_comparisons.csv").filter(
        (pl.col("case") == case) & (pl.col("design") == design) & (pl.col("compare") == compare)
    )
    result = weighted_crosstab(ess, row=row, col=col, layer=layer, compare=compare, **DESIGNS[design])
    ours = _as_text(result.comparisons, "layer", "row", "col", "a", "b")
    assert ours.height == golden.height
    joined = golden.join(ours, on=["row", "layer", "col", "a", "b"], how="left", suffix="_py")
    _assert_close(joined["difference_py"] / 100, joined["difference"], rtol=POINT_TOL, atol=1e-13)
    _assert_close(joined["se_py"] / 100, joined["se"], rtol=POINT_TOL)
    _assert_close(joined["p_value_py"], joined["p_value"], rtol=1e-6, atol=1e-12)

    # Letters from R's numbers: the higher cell of a significant pair gets the other's letter.
    letter_of = {category: letter for letter, category in result.letter_keys}
    moving = "col" if compare == "columns" else "layer"
    expected: dict[tuple[str, str, str], list[str]] = {}
    for r in golden.filter(pl.col("p_value") < 0.05).iter_rows(named=True):
        higher, lower = (r["a"], r["b"]) if r["difference"] > 0 else (r["b"], r["a"])
        key = (r["layer"] if moving == "col" else higher, r["row"], higher if moving == "col" else r["col"])
        expected.setdefault(key, []).append(letter_of[lower])
    cells = _as_text(result.cells, "layer", "row", "col")
    for r in cells.iter_rows(named=True):
        want = "".join(sorted(expected.get((r["layer"], r["row"], r["col"]), [])))
        assert r["letters"] == want, (r["layer"], r["row"], r["col"])


def test_unit_weights_give_scipy_pearson_statistic(ess: pl.DataFrame) -> None:
    result = weighted_crosstab(ess, row="trust_cat", col="country", compare="none")
    (test,) = result.tests
    observed = (
        ess.group_by("trust_cat", "country").len()
        .pivot(on="country", index="trust_cat", values="len")
        .fill_null(0)
        .drop("trust_cat")
        .to_numpy()
    )
    statistic, p_value, dof, _ = stats.chi2_contingency(observed, correction=False)
    assert test.pearson_x2 == pytest.approx(statistic, rel=1e-10)
    assert test.pearson_p == pytest.approx(p_value, rel=1e-8, abs=1e-300)
    assert test.pearson_df == dof


def test_unit_weights_on_a_small_table_give_scipy_pearson_statistic() -> None:
    frame = pl.DataFrame(
        {
            "answer": ["yes"] * 7 + ["no"] * 5 + ["yes"] * 2 + ["no"] * 9 + ["maybe"] * 4,
            "area": ["north"] * 12 + ["south"] * 11 + ["north", "south", "south", "north"],
        }
    )
    (test,) = weighted_crosstab(frame, row="answer", col="area").tests
    observed = frame.group_by("answer", "area").len().pivot(on="area", index="answer", values="len").fill_null(0)
    statistic = stats.chi2_contingency(observed.drop("answer").to_numpy(), correction=False)[0]
    assert test.pearson_x2 == pytest.approx(statistic, rel=1e-12)


@pytest.mark.parametrize(("percent", "group"), [("row", ["layer", "row"]), ("col", ["layer", "col"]), ("total", ["layer"])])
def test_percentages_sum_to_100_over_their_base(percent: str, group: list[str], ess: pl.DataFrame) -> None:
    result = weighted_crosstab(
        ess, row="trust_cat", col="gender", layer="country", percent=percent, weight="weight", compare="none"
    )
    sums = result.cells.group_by(group).agg(pl.col("percent").sum())["percent"].to_numpy()
    np.testing.assert_allclose(sums, 100.0, rtol=1e-12)
    margins = result.margins.group_by("layer", "margin").agg(pl.col("percent").sum())["percent"].to_numpy()
    np.testing.assert_allclose(margins, 100.0, rtol=1e-12)


def test_empty_cells_are_kept_and_reported(ess: pl.DataFrame) -> None:
    result = weighted_crosstab(
        ess, row="trust_police", col="degree_label", layer="country", weight="weight"
    )
    (finding,) = [f for f in result.findings if f.code == "empty_cells"]
    cells = {(c["layer"], c["row"], c["col"]) for c in finding.params["cells"]}
    assert cells == {(country, 0, "TRUE") for country in ("Hungary", "Netherlands", "Slovenia", "Switzerland")}
    missing = [f for f in result.findings if f.code == "missing_values_excluded"]
    assert missing and missing[0].params["count"] == 87
    assert result.cells.height == 19 * 11 * 2


def test_a_zero_weight_category_is_reported_not_dropped_and_left_out_of_the_test() -> None:
    frame = pl.DataFrame(
        {
            "answer": ["yes", "no", "yes", "no", "yes", "no", "maybe", "yes", "no", "yes"],
            "area": ["n", "n", "s", "s", "n", "s", "n", "s", "n", "n"],
            "w": [1.0, 2.0, 1.5, 1.0, 0.5, 2.0, 0.0, 1.0, 1.0, 2.0],
        }
    )
    result = weighted_crosstab(frame, row="answer", col="area", weight="w")
    (finding,) = [f for f in result.findings if f.code == "zero_weight_category"]
    assert finding.params == {"layer": None, "dimension": "row", "category": "maybe"}
    maybe = result.cells.filter(pl.col("row") == "maybe")
    assert maybe.height == 2 and (maybe["percent"] == 0).all() and maybe["unweighted_n"].sum() == 1
    (test,) = result.tests
    assert test.rows_tested == ("no", "yes")


def test_a_stratum_with_one_psu_is_reported() -> None:
    frame = pl.DataFrame(
        {
            "answer": ["a", "b", "a", "b", "a", "b", "a", "b"],
            "area": ["x", "x", "y", "y", "x", "y", "x", "y"],
            "stratum": [1, 1, 1, 1, 2, 2, 2, 2],
            "psu": [1, 1, 2, 2, 3, 3, 3, 3],
        }
    )
    result = weighted_crosstab(frame, row="answer", col="area", strata="stratum", psu="psu")
    (finding,) = [f for f in result.findings if f.code == "single_psu_in_stratum"]
    assert finding.params["strata"] == [2] and finding.severity == "warning"


def test_a_table_with_one_column_has_no_test_but_a_finding() -> None:
    frame = pl.DataFrame({"answer": ["a", "b", "a"], "area": ["x", "x", "x"]})
    result = weighted_crosstab(frame, row="answer", col="area")
    assert result.tests == ()
    assert any(f.code == "test_not_computable" for f in result.findings)
    assert result.cells["percent"].to_list() == pytest.approx([200 / 3, 100 / 3])


def test_a_layer_without_weight_or_without_a_value_is_reported() -> None:
    frame = pl.DataFrame(
        {
            "answer": ["a", "b", "a", "b", "a", "b", "a"],
            "area": ["x", "y", "y", "x", "x", "y", "x"],
            "wave": [1, 1, 1, 1, 2, 2, None],
            "w": [1.0, 2.0, 1.0, 1.5, 0.0, 0.0, 1.0],
        }
    )
    result = weighted_crosstab(frame, row="answer", col="area", layer="wave", weight="w")
    assert [t.layer for t in result.tests] == [1]
    assert {"layer": 2, "reason": "zero_weight"} in [f.params for f in result.findings if f.code == "test_not_computable"]
    assert result.cells.filter(pl.col("layer") == 2)["percent"].is_null().all()
    (missing,) = [f for f in result.findings if f.code == "missing_group_excluded"]
    assert missing.params == {"count": 1, "columns": ["wave"]}


def test_letters_mark_the_higher_column(ess: pl.DataFrame) -> None:
    result = weighted_crosstab(ess, row="trust_cat", col="country", weight="weight")
    letter_of = {category: letter for letter, category in result.letter_keys}
    high = result.cells.filter(pl.col("row") == "high")
    finland = high.filter(pl.col("col") == "Finland").row(0, named=True)
    bulgaria = high.filter(pl.col("col") == "Bulgaria").row(0, named=True)
    assert letter_of["Bulgaria"] in finland["letters"]
    assert letter_of["Finland"] not in bulgaria["letters"]


def test_bonferroni_never_adds_letters(ess: pl.DataFrame) -> None:
    plain = weighted_crosstab(ess, row="trust_cat", col="country", weight="weight")
    adjusted = weighted_crosstab(ess, row="trust_cat", col="country", weight="weight", adjust="bonferroni")
    for a, b in zip(plain.cells["letters"], adjusted.cells["letters"]):
        assert set(b) <= set(a)
    assert adjusted.comparisons["significant"].sum() < plain.comparisons["significant"].sum()


@pytest.mark.parametrize(
    ("options", "code", "source"),
    [
        ({"row": "trust_cat", "col": "gender", "percent": "row", "compare": "columns"}, "invalid_option", "compare"),
        ({"row": "trust_cat", "col": "gender", "compare": "layers"}, "invalid_option", "compare"),
        ({"row": "trust_cat", "col": "sex"}, "unknown_column", "sex"),
        ({"row": "trust_cat", "col": "gender", "weight": "age"}, "missing_weight", "age"),
    ],
)
def test_bad_options_raise_an_analysis_error(options: dict, code: str, source: str, ess: pl.DataFrame) -> None:
    with pytest.raises(AnalysisError) as error:
        weighted_crosstab(ess, **options)
    assert (error.value.code, error.value.source) == (code, source)


def test_input_frame_is_not_modified(ess: pl.DataFrame) -> None:
    before = ess.clone()
    weighted_crosstab(ess, row="trust_cat", col="gender", layer="country", **DESIGNS["strata_psu"])
    assert ess.equals(before)


# --------------------------------------------------------------------------- the summed path

SAME = 1e-12  # relative and absolute tolerance of "the same result" (sums added in another order)


def _sums(frame: pl.DataFrame, keys: list[str], weight: str | None) -> pl.DataFrame:
    """The ``crosstab_from_sums`` contract, summed here: every group split in two rows."""
    w = pl.col(weight) if weight else pl.lit(1.0)
    return (
        frame.with_columns((pl.int_range(pl.len()) % 2).alias("half"))
        .group_by([*keys, "half"])
        .agg(
            pl.len().alias("n_rows"),
            (w > 0).sum().alias("n_positive"),
            w.sum().alias("weight_sum"),
            (w * w).sum().alias("weight_sq_sum"),
            w.min().alias("weight_min"),
            pl.lit(0).alias("n_weight_missing"),
        )
        .drop("half")
    )


def _assert_same_frame(a: pl.DataFrame, b: pl.DataFrame) -> None:
    assert a.columns == b.columns and a.height == b.height
    for name in a.columns:
        if name == "se":
            # An SE is the root of a variance: where the variance is 0 in exact arithmetic (a 0 %
            # or 100 % cell), each order of summation leaves its own rounding residue (~1e-13
            # in percentage points squared), whose root is ~1e-7. So variances are compared.
            _assert_close(a[name] ** 2, b[name] ** 2, rtol=SAME, atol=SAME)
        elif a.schema[name].is_float():
            _assert_close(a[name], b[name], rtol=SAME, atol=SAME)
        else:
            assert a[name].cast(pl.String).to_list() == b[name].cast(pl.String).to_list(), name


def _assert_same_result(a: CrosstabResult, b: CrosstabResult) -> None:
    _assert_same_frame(a.cells, b.cells)
    _assert_same_frame(a.margins, b.margins)
    _assert_same_frame(a.comparisons, b.comparisons)
    assert len(a.tests) == len(b.tests)
    for ta, tb in zip(a.tests, b.tests):
        for field in ta.__dataclass_fields__:
            va, vb = getattr(ta, field), getattr(tb, field)
            if isinstance(va, float):
                np.testing.assert_allclose(va, vb, rtol=SAME, atol=SAME, equal_nan=True, err_msg=field)
            else:
                assert va == vb, field
    assert (a.letter_keys, a.design, a.findings) == (b.letter_keys, b.design, b.findings)


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("design", sorted(DESIGNS))
@pytest.mark.parametrize("percent", ["col", "row", "total"])
@pytest.mark.parametrize("filtered", [False, True], ids=["all", "filtered"])
def test_summed_path_gives_the_respondent_row_result(
    case: str, design: str, percent: str, filtered: bool, ess: pl.DataFrame
) -> None:
    row, col, layer = CASES[case]
    frame = ess
    if filtered:
        # R's subset(design, age >= 40): the others stay in the design, out of the table.
        frame = ess.with_columns(pl.when(pl.col("age") >= 40).then(pl.col(row)).alias(row))
    options = dict(DESIGNS[design], row=row, col=col, layer=layer, percent=percent)
    if percent != "col":
        options["compare"] = "layers" if layer else "none"
    keys = [k for k in dict.fromkeys([row, col, layer, options.get("strata"), options.get("psu")]) if k]
    expected = weighted_crosstab(frame, **options)
    got = crosstab_from_sums(_sums(frame, keys, options.get("weight")), **options)
    _assert_same_result(got, expected)
    if filtered and design == "strata_psu":
        # Domain estimation: every respondent counts in the design, fewer in the table.
        assert got.design.n_rows == ess.height and got.design.n_psu == expected.design.n_psu
        assert int(got.cells["unweighted_n"].sum()) < ess.height


def test_summed_path_without_weight_columns_is_the_unweighted_table(ess: pl.DataFrame) -> None:
    counts = ess.group_by("trust_cat", "country").agg(pl.len().alias("n_rows"))
    got = crosstab_from_sums(counts, row="trust_cat", col="country")
    _assert_same_result(got, weighted_crosstab(ess, row="trust_cat", col="country"))


@pytest.mark.parametrize(
    ("change", "code", "source"),
    [
        ({"weight_min": -1.0}, "invalid_weight", "weight"),
        ({"weight_sum": float("nan")}, "invalid_weight", "weight"),
        ({"n_weight_missing": 3}, "missing_weight", "weight"),
        ({"country": None}, "missing_design_variable", "country"),
        ({"n_rows": 0, "weight_sum": 0.0}, "empty_frame", ""),
    ],
)
def test_bad_sums_raise_an_analysis_error(change: dict, code: str, source: str, ess: pl.DataFrame) -> None:
    sums = _sums(ess, ["trust_cat", "gender", "country", "psu"], "weight")
    if code == "empty_frame":
        sums = sums.with_columns(**{name: pl.lit(value) for name, value in change.items()})
    else:
        first = pl.int_range(pl.len()) == 0
        sums = sums.with_columns(
            **{name: pl.when(first).then(pl.lit(value)).otherwise(pl.col(name)) for name, value in change.items()}
        )
    with pytest.raises(AnalysisError) as error:
        crosstab_from_sums(sums, row="trust_cat", col="gender", **DESIGNS["strata_psu"])
    assert (error.value.code, error.value.source) == (code, source)


def test_sum_columns_are_the_documented_contract() -> None:
    assert SUM_COLUMNS == ("n_rows", "n_positive", "weight_sum", "weight_sq_sum", "weight_min", "n_weight_missing")
    sums = pl.DataFrame({"answer": ["a", "b"], "area": ["x", "y"], "n_rows": [2, 3]})
    with pytest.raises(AnalysisError) as error:
        crosstab_from_sums(sums, row="answer", col="area", weight="w")
    assert (error.value.code, error.value.source) == ("unknown_column", "n_positive")


@pytest.mark.parametrize("seed", [0, 7])
def test_a_cell_or_margin_with_all_of_its_base_is_exactly_100_percent_with_no_variance(seed: int) -> None:
    # Area x answers only "a" (or nothing). Its total and the "a" cell's total are sums of the
    # same weights in different orders (missing answers and PSUs in between), which differ in
    # the last bit: that must not make 100 % into 100.00000000000003 % (no interval) or
    # 99.99999999999999 % (a logit interval from 99.99999999999997). The cell takes the
    # boundary rule of analysis.survey: Clopper–Pearson with n* = n·(t_{rows−1}/t_df)².
    rng = np.random.default_rng(seed)
    n = 600
    area = np.where(np.arange(n) < 200, "x", "y")
    answer = np.where((area == "x") | (rng.random(n) < 0.5), "a", "b").astype(object)
    answer[rng.random(n) < 0.1] = None
    frame = pl.DataFrame(
        {"answer": answer.tolist(), "area": area, "w": rng.lognormal(0, 0.7, n),
         "stratum": np.arange(n) % 2, "psu": rng.integers(0, 15, n)}
    )
    result = weighted_crosstab(frame, row="answer", col="area", weight="w", strata="stratum", psu="psu")
    cell = result.cells.filter((pl.col("row") == "a") & (pl.col("col") == "x")).row(0, named=True)
    assert (cell["percent"], cell["se"], cell["deff"], cell["ci_high"]) == (100.0, 0.0, None, 100.0)
    x = frame.filter(pl.col("area") == "x")
    df = x.select(pl.struct("stratum", "psu").n_unique() - pl.col("stratum").n_unique()).item()
    n_star = x["answer"].is_not_null().sum() * (stats.t.ppf(0.025, x.height - 1) / stats.t.ppf(0.025, df)) ** 2
    assert cell["ci_low"] == pytest.approx(100 * stats.beta.ppf(0.025, n_star, 1), rel=1e-12)
    # and a 100 % margin: the only answer in a layer (area x repeated as its own layer)
    layered = weighted_crosstab(
        frame.filter(pl.col("area") == "x").with_columns(pl.lit("x").alias("wave")).vstack(frame.with_columns(pl.lit("all").alias("wave"))),
        row="answer", col="stratum", layer="wave", weight="w", strata="stratum", psu="psu",
    )
    margin = layered.margins.filter((pl.col("layer") == "x") & (pl.col("margin") == "row")).row(0, named=True)
    assert (margin["category"], margin["percent"], margin["se"], margin["deff"], margin["ci_high"]) == (
        "a", 100.0, 0.0, None, 100.0
    )
