"""Tests of analysis.survey against R ``survey`` and published ESS figures.

Oracles:

- R 4.2.2 with ``survey`` 4.1.1 and ``haven`` 2.5.1: ``tests/golden/survey_r.R`` (with
  ``golden_designs.R``) wrote ``survey_r_proportions.csv``, ``survey_r_means.csv`` and
  ``survey_r_compare.csv`` from the real ESS files. Conventions aligned to: designs as in
  ``golden_designs.R`` (PSU = 0-based row position within country in file order, modulo 20;
  strata = country, ``nest=TRUE``); ``svyby`` domains on the whole design; ``na.rm=TRUE``;
  ``svyciprop`` logit and beta intervals; ``deff="replace"``; mean intervals
  ``confint(svymean, df=degf(domain))``; a single-PSU stratum under
  ``survey.lonely.psu="remove"``.
- The ESS 2018 course file of weighted country means (``ess2018_country_mean_trust.csv``) and
  the ESS Norway means in ``shared/realdata/MANIFEST.md`` (7.5659; men 7.5038, women 7.6329).

pytest never runs R; it reads the committed CSVs.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pyreadstat
import pytest
from polars.testing import assert_frame_equal

from analysis.errors import AnalysisError
from analysis.results import IndicatorMeta
from analysis.survey import (
    compare_proportions,
    comparability,
    weighted_mean,
    weighted_proportion,
)
from tests.realdata import REALDATA

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
ESS = REALDATA / "survey_ess"
POINT_TOL = 1e-8  # estimates, SEs, design effects (relative)
CI_TOL = 1e-6  # interval ends (absolute, proportion scale or variable units)

DESIGNS = {
    "srs": {"weight": "weight"},
    "strata_psu": {"weight": "weight", "strata": "country", "psu": "psu"},
    "strata_only": {"weight": "weight", "strata": "country"},
    "lonely": {"weight": "weight", "strata": "country", "psu": "psu_lonely"},
}
NORWAY_DESIGNS = {
    "srs": {"weight": "pspwght"},
    "strata_only": {"weight": "pspwght", "strata": "region"},
}


def _read_golden(name: str) -> pl.DataFrame:
    text = ("case", "dataset", "design", "by", "group", "variable", "value", "reference")
    frame = pl.read_csv(GOLDEN / name, infer_schema_length=0, null_values=["NA"])
    return frame.with_columns(
        pl.col(c).cast(pl.Float64) for c in frame.columns if c not in text
    ).with_columns(pl.col(c).fill_null("") for c in ("by", "group") if c in frame.columns)


@pytest.fixture(scope="module")
def ess() -> pl.DataFrame:
    frame = pl.read_csv(ESS / "ess2018_extract_trust_police_weight.csv", null_values="NA")
    psu = pl.int_range(pl.len()).over("country") % 20
    return frame.with_columns(
        trust_hi=(pl.col("trust_police") >= 7).cast(pl.Int8),
        psu=psu,
        psu_lonely=pl.when(pl.col("country") == "Cyprus").then(0).otherwise(psu),
    )


@pytest.fixture(scope="module")
def norway() -> pl.DataFrame:
    data, _ = pyreadstat.read_dta(
        str(ESS / "ESS9NO_round9_norway_full.dta"),
        encoding="latin1",
        usecols=["trstplc", "pspwght", "gndr", "region"],
    )
    frame = pl.from_pandas(data)
    return frame.with_columns(
        gndr=pl.col("gndr").cast(pl.Int64).cast(pl.String),
        trust_hi=(pl.col("trstplc") >= 7).cast(pl.Int8),
    )


KEY_COLUMNS = ("country", "gender", "gndr", "region")


@pytest.fixture(scope="module", params=["string_keys", "categorical_keys"])
def key_type(request: pytest.FixtureRequest) -> str:
    """Run the golden checks with String and with Categorical key columns."""
    return request.param


def _with_keys(frame: pl.DataFrame, key_type: str) -> pl.DataFrame:
    if key_type == "string_keys":
        return frame
    return frame.with_columns(pl.col(c).cast(pl.Categorical) for c in KEY_COLUMNS if c in frame.columns)


def _assert_close(actual: pl.Series, expected: pl.Series, *, rtol: float = 0.0, atol: float = 0.0) -> None:
    a = actual.cast(pl.Float64).fill_null(np.nan).to_numpy()
    b = expected.cast(pl.Float64).to_numpy()
    np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, equal_nan=True, err_msg=actual.name)


PROPORTION_CASES = [
    (dataset, design, by)
    for dataset, design, by in _read_golden("survey_r_proportions.csv")
    .select("dataset", "design", "by")
    .unique(maintain_order=True)
    .iter_rows()
]


@pytest.mark.parametrize(("dataset", "design", "by"), PROPORTION_CASES)
def test_proportions_match_r_survey(
    dataset: str, design: str, by: str, key_type: str, ess: pl.DataFrame, norway: pl.DataFrame
) -> None:
    frame, options = (ess, DESIGNS[design]) if dataset == "ess2018" else (norway, NORWAY_DESIGNS[design])
    frame = _with_keys(frame, key_type)
    golden = _read_golden("survey_r_proportions.csv").filter(
        (pl.col("dataset") == dataset) & (pl.col("design") == design) & (pl.col("by") == by)
    ).sort("group")
    by_columns = [by] if by else []
    logit = weighted_proportion(frame, indicator="trust_hi", by=by_columns, **options).frame
    beta = weighted_proportion(frame, indicator="trust_hi", by=by_columns, ci="korn_graubard", **options).frame
    if by:
        assert logit[by].cast(pl.String).to_list() == golden["group"].to_list()
    _assert_close(logit["estimate"], golden["estimate"], rtol=POINT_TOL)
    _assert_close(logit["se"], golden["se"], rtol=POINT_TOL)
    _assert_close(logit["deff"], golden["deff"], rtol=POINT_TOL, atol=1e-12)
    _assert_close(logit["df"], golden["df"])
    _assert_close(logit["ci_low"], golden["ci_logit_low"], atol=CI_TOL)
    _assert_close(logit["ci_high"], golden["ci_logit_high"], atol=CI_TOL)
    _assert_close(beta["ci_low"], golden["ci_beta_low"], atol=CI_TOL)
    _assert_close(beta["ci_high"], golden["ci_beta_high"], atol=CI_TOL)


MEAN_CASES = [
    (dataset, design, variable, by)
    for dataset, design, variable, by in _read_golden("survey_r_means.csv")
    .select("dataset", "design", "variable", "by")
    .unique(maintain_order=True)
    .iter_rows()
]


@pytest.mark.parametrize(("dataset", "design", "variable", "by"), MEAN_CASES)
def test_means_match_r_survey(
    dataset: str, design: str, variable: str, by: str, key_type: str, ess: pl.DataFrame, norway: pl.DataFrame
) -> None:
    frame, options = (ess, DESIGNS[design]) if dataset == "ess2018" else (norway, NORWAY_DESIGNS[design])
    frame = _with_keys(frame, key_type)
    golden = _read_golden("survey_r_means.csv").filter(
        (pl.col("dataset") == dataset) & (pl.col("design") == design) & (pl.col("by") == by)
    ).sort("group")
    table = weighted_mean(frame, variable=variable, by=[by] if by else [], **options).frame
    _assert_close(table["estimate"], golden["estimate"], rtol=POINT_TOL)
    _assert_close(table["se"], golden["se"], rtol=POINT_TOL)
    _assert_close(table["deff"], golden["deff"], rtol=POINT_TOL)
    _assert_close(table["df"], golden["df"])
    _assert_close(table["ci_low"], golden["ci_low"], atol=CI_TOL)
    _assert_close(table["ci_high"], golden["ci_high"], atol=CI_TOL)


@pytest.mark.parametrize(
    ("case", "group", "reference", "samples"),
    [
        ("gender_same_design", "gender", "Male", "same_design"),
        ("norway_vs_rest", "country", None, "same_design"),
        ("norway_vs_finland_independent", "country", "Finland", "independent"),
    ],
)
@pytest.mark.parametrize("design", ["srs", "strata_psu"])
def test_differences_match_r_survey(
    case: str, group: str, reference: str | None, samples: str, design: str, key_type: str, ess: pl.DataFrame
) -> None:
    ess = _with_keys(ess, key_type)
    golden = _read_golden("survey_r_compare.csv").filter(
        (pl.col("case") == case) & (pl.col("design") == design)
    ).row(0, named=True)
    result = compare_proportions(
        ess,
        indicator="trust_hi",
        group=group,
        value=golden["value"],
        reference=reference,
        samples=samples,
        **DESIGNS[design],
    )
    assert result.difference == pytest.approx(golden["difference"], rel=POINT_TOL)
    assert result.se == pytest.approx(golden["se"], rel=POINT_TOL)
    assert result.ci_low == pytest.approx(golden["ci_low"], abs=CI_TOL)
    assert result.ci_high == pytest.approx(golden["ci_high"], abs=CI_TOL)
    assert result.p_value == pytest.approx(golden["p_value"], rel=1e-6, abs=1e-300)


def test_country_means_match_published_course_file(ess: pl.DataFrame) -> None:
    published = pl.read_csv(ESS / "ess2018_country_mean_trust.csv").select(
        pl.col("").alias("country"), pl.col("trust_police").alias("published")
    )
    ours = weighted_mean(ess, variable="trust_police", weight="weight", by=["country"]).frame
    joined = published.join(ours, on="country", how="left")
    assert joined.height == 19 and joined["estimate"].null_count() == 0
    np.testing.assert_array_equal(
        joined["estimate"].round(4).to_numpy(), joined["published"].round(4).to_numpy()
    )


def test_norway_trust_in_police_matches_the_manifest(norway: pl.DataFrame) -> None:
    overall = weighted_mean(norway, variable="trstplc", weight="pspwght")
    by_gender = weighted_mean(norway, variable="trstplc", weight="pspwght", by=["gndr"]).frame
    assert round(overall.frame["estimate"][0], 4) == 7.5659
    assert by_gender["estimate"].round(4).to_list() == [7.5038, 7.6329]  # 1 = male, 2 = female
    # The three Stata missing codes (.b, .c, .d) are excluded, counted and reported.
    assert overall.frame["n_missing"][0] == 3
    assert overall.frame["n_unweighted"][0] == 1403
    assert any(f.code == "missing_values_excluded" and f.params["count"] == 3 for f in overall.findings)


def test_equal_weights_without_design_give_deff_one_and_the_binomial_se() -> None:
    frame = pl.DataFrame({"y": [1, 0, 1, 1, 0, 0, 1, 0, 1, 1]})
    row = weighted_proportion(frame, indicator="y").frame.row(0, named=True)
    p, n = 0.6, 10
    assert row["estimate"] == pytest.approx(p)
    assert row["se"] == pytest.approx(np.sqrt(p * (1 - p) / (n - 1)))
    assert row["deff"] == pytest.approx(1.0)
    assert row["n_effective"] == pytest.approx(10.0)
    assert row["df"] == 9


def test_kish_effective_n_is_squared_sum_over_sum_of_squares() -> None:
    weights = [1.0, 2.0, 3.0, 4.0]
    frame = pl.DataFrame({"y": [1, 0, 1, 0], "w": weights})
    row = weighted_proportion(frame, indicator="y", weight="w").frame.row(0, named=True)
    assert row["n_effective"] == pytest.approx(sum(weights) ** 2 / sum(w * w for w in weights))
    assert row["weighted_n"] == pytest.approx(10.0)


def test_null_answers_are_excluded_and_counted_per_group() -> None:
    frame = pl.DataFrame({"g": ["a", "a", "a", "b", "b"], "y": [1, None, 0, None, None]})
    table = weighted_proportion(frame, indicator="y", by=["g"])
    rows = {r["g"]: r for r in table.frame.iter_rows(named=True)}
    assert (rows["a"]["n_unweighted"], rows["a"]["n_missing"], rows["a"]["estimate"]) == (2, 1, 0.5)
    # A group where everyone skipped the question: a row, no estimate, and a finding.
    assert (rows["b"]["n_unweighted"], rows["b"]["n_missing"], rows["b"]["estimate"]) == (0, 2, None)
    assert rows["b"]["is_unreliable"] and rows["b"]["unreliable_reason"] == "n_below_30"
    codes = {f.code for f in table.findings}
    assert {"missing_values_excluded", "no_valid_responses"} <= codes


def test_small_groups_and_imprecise_estimates_are_flagged_with_their_reason() -> None:
    big = pl.DataFrame({"g": ["big"] * 400, "y": [1] * 200 + [0] * 200})
    rare = pl.DataFrame({"g": ["rare"] * 400, "y": [1] * 4 + [0] * 396})
    small = pl.DataFrame({"g": ["small"] * 20, "y": [1] * 10 + [0] * 10})
    table = weighted_proportion(pl.concat([big, rare, small]), indicator="y", by=["g"]).frame
    reasons = dict(zip(table["g"].to_list(), table["unreliable_reason"].to_list()))
    assert reasons == {"big": None, "rare": "rse_above_30", "small": "n_below_30"}
    rare_row = table.filter(pl.col("g") == "rare").row(0, named=True)
    assert rare_row["se"] / rare_row["estimate"] > 0.3


def test_a_zero_estimate_gets_a_one_sided_interval_and_a_finding() -> None:
    frame = pl.DataFrame({"y": [0] * 50})
    for method in ("logit", "korn_graubard"):
        table = weighted_proportion(frame, indicator="y", ci=method)
        row = table.frame.row(0, named=True)
        assert row["estimate"] == 0 and row["ci_low"] == 0
        assert 0 < row["ci_high"] < 0.1
        assert any(f.code == "boundary_estimate" for f in table.findings)


def test_a_single_psu_stratum_is_reported_and_adds_no_variance(ess: pl.DataFrame) -> None:
    table = weighted_proportion(ess, indicator="trust_hi", by=["country"], **DESIGNS["lonely"])
    (finding,) = [f for f in table.findings if f.code == "single_psu_in_stratum"]
    assert finding.severity == "warning" and finding.params["strata"] == ["Cyprus"]
    cyprus = table.frame.filter(pl.col("country") == "Cyprus").row(0, named=True)
    assert cyprus["se"] == 0 and cyprus["df"] == 0 and cyprus["ci_low"] is None


def test_domains_use_the_whole_design_not_a_subset(ess: pl.DataFrame) -> None:
    # A domain made of half the PSUs of every stratum: as a domain the other PSUs still count
    # (with zero contributions, n_h = 20); analysed as a subset, each stratum would have 10.
    options = DESIGNS["strata_psu"]
    frame = ess.with_columns(first_half=pl.col("psu") < 10)
    domain = weighted_proportion(frame, indicator="trust_hi", by=["first_half"], **options).frame
    subset = weighted_proportion(frame.filter(pl.col("first_half")), indicator="trust_hi", **options).frame
    in_domain = domain.filter(pl.col("first_half")).row(0, named=True)
    assert in_domain["estimate"] == pytest.approx(subset["estimate"][0])
    assert abs(in_domain["se"] / subset["se"][0] - 1) > 0.01
    assert (in_domain["df"], subset["df"][0]) == (10 * 19 - 19, 10 * 19 - 19)


def test_integer_and_string_group_keys_give_the_same_table() -> None:
    # Nulls in keys and values and zero weights are handled whatever the key's type.
    frame = pl.DataFrame(
        {
            "area": [1, 1, 2, 2, 2, None, 3, 3, 1, 2],
            "psu": [10, 10, 11, 12, 12, 13, 14, 14, 15, 11],
            "y": [1, 0, None, 1, 1, 0, 0, 1, 1, None],
            "w": [1.0, 2.0, 0.5, 0.0, 1.5, 1.0, 2.0, 1.0, 0.5, 1.0],
        }
    )
    as_text = frame.with_columns(pl.col("area", "psu").cast(pl.String))
    for options in ({}, {"psu": "psu"}):
        integer = weighted_proportion(frame, indicator="y", weight="w", by=["area"], **options).frame
        text = weighted_proportion(as_text, indicator="y", weight="w", by=["area"], **options).frame
        assert_frame_equal(integer.drop("area"), text.drop("area"), rel_tol=1e-12, abs_tol=1e-15)
        assert integer["area"].cast(pl.String).to_list() == text["area"].to_list() == ["1", "2", "3"]


def test_input_frame_is_not_modified(ess: pl.DataFrame) -> None:
    before = ess.clone()
    weighted_proportion(ess, indicator="trust_hi", by=["country"], **DESIGNS["strata_psu"])
    assert ess.equals(before)


def test_an_independent_comparison_combines_the_two_standard_errors(ess: pl.DataFrame) -> None:
    result = compare_proportions(
        ess, indicator="trust_hi", group="country", value="Norway", reference="Finland",
        samples="independent", weight="weight",
    )
    norway = weighted_proportion(ess.filter(pl.col("country") == "Norway"), indicator="trust_hi", weight="weight")
    finland = weighted_proportion(ess.filter(pl.col("country") == "Finland"), indicator="trust_hi", weight="weight")
    se = np.hypot(norway.frame["se"][0], finland.frame["se"][0])
    assert result.se == pytest.approx(se)
    assert result.verdict == "significant_decrease"
    assert result.difference == pytest.approx(norway.frame["estimate"][0] - finland.frame["estimate"][0])


def test_verdicts_are_codes_by_direction_and_significance(ess: pl.DataFrame) -> None:
    up = compare_proportions(
        ess, indicator="trust_hi", group="country", value="Norway", samples="same_design", weight="weight"
    )
    flat = compare_proportions(
        ess, indicator="trust_hi", group="gender", value="Female", reference="Male",
        samples="same_design", weight="weight",
    )
    assert up.verdict == "significant_increase" and up.p_value < 0.05 and up.reference is None
    assert flat.verdict == "no_significant_change" and flat.p_value > 0.05


def test_comparing_with_an_absent_group_is_an_error(ess: pl.DataFrame) -> None:
    with pytest.raises(AnalysisError) as error:
        compare_proportions(
            ess, indicator="trust_hi", group="country", value="Norway", reference="Sweden",
            samples="independent", weight="weight",
        )
    assert error.value.code == "empty_comparison_group"


@pytest.mark.parametrize(
    ("frame", "options", "code", "source"),
    [
        (pl.DataFrame({"y": [0, 1, 2]}), {"indicator": "y"}, "indicator_not_binary", "y"),
        (pl.DataFrame({"y": [0, 1]}), {"indicator": "trust"}, "unknown_column", "trust"),
        (pl.DataFrame({"y": [0, 1], "w": [1.0, None]}), {"indicator": "y", "weight": "w"}, "missing_weight", "w"),
        (pl.DataFrame({"y": [0, 1], "w": [1.0, -2.0]}), {"indicator": "y", "weight": "w"}, "invalid_weight", "w"),
        (pl.DataFrame({"y": [0, 1], "w": [0.0, 0.0]}), {"indicator": "y", "weight": "w"}, "zero_total_weight", "w"),
        (
            pl.DataFrame({"y": [0, 1], "h": ["a", None]}),
            {"indicator": "y", "strata": "h"},
            "missing_design_variable",
            "h",
        ),
        (pl.DataFrame({"y": [0.0, float("nan")]}), {"indicator": "y"}, "invalid_value", "y"),
        (pl.DataFrame({"y": [0, 1], "_x": [1, 2]}), {"indicator": "y", "by": ["_x"]}, "reserved_column_name", "_x"),
    ],
)
def test_bad_input_raises_an_analysis_error_naming_the_column(
    frame: pl.DataFrame, options: dict, code: str, source: str
) -> None:
    with pytest.raises(AnalysisError) as error:
        weighted_proportion(frame, **options)
    assert error.value.code == code
    assert error.value.source == source
    assert source in str(error.value)


def test_comparability_requires_indicator_scale_and_sample_type_to_agree() -> None:
    base = IndicatorMeta("trust_police", "4_point", "probability")
    assert comparability(base, IndicatorMeta("trust_police", "4_point", "probability")).is_comparable
    scale = comparability(base, IndicatorMeta("trust_police", "yes_no", "probability"))
    assert (scale.is_comparable, scale.code) == (False, "different_scale")
    sample = comparability(base, IndicatorMeta("trust_police", "4_point", "opt_in"))
    assert sample.code == "different_sample_type"
    everything = comparability(base, IndicatorMeta("feel_safe", "0_100_mean", "opt_in"))
    assert everything.reasons == ("different_indicator", "different_scale", "different_sample_type")
    assert comparability(base, base).code == "comparable"
