"""Cross-tabs through the whole path: real ESS 2018 extract → ingest → warehouse → named query →
``analysis.crosstab`` → disclosure → export files and the command line.

Oracles:
- R ``survey`` 4.1.1 output in ``tests/golden/crosstab_r_*.csv`` (``tests/golden/crosstab_r.R``,
  designs in ``golden_designs.R``): cells (``svyby``/``svymean(deff="replace")``/
  ``svyciprop(method="logit")``) and tests (``svychisq`` Chisq/F/adjWald), to 1e-6. The test
  writes the same derived columns the R script makes (``trust_cat``; ``psu`` = row position
  within country modulo 20) into a copy of the real CSV and ingests it with a description, so
  the numbers pass through the reader, staging, marts, the wide table and the
  ``crosstab_sums`` query.
- The respondent-row path for the warehouse's sums: ``analysis.crosstab.weighted_crosstab`` on
  the respondents read from the wide table, with the filters applied in polars as R's
  ``subset`` (rows outside get no row value), gives the ``run_crosstab`` result to 1e-12 —
  strata and PSUs, filters, a layer, and the unweighted table.
- ``scipy.stats.chi2_contingency(correction=False)`` for the unweighted Pearson statistic.
- A linear program (``scipy.optimize.linprog``) for "a suppressed cell cannot be recovered
  from the row and column totals of the exported table".
"""
from __future__ import annotations

import csv
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import openpyxl
import polars as pl
import pytest
from scipy.optimize import linprog
from scipy.stats import chi2_contingency

from analysis.crosstab import weighted_crosstab
from pipelines.audit import read_events
from pipelines.build import build_warehouse
from pipelines.export_cli import CrosstabSpec, ExportRejected, export_crosstab, run_crosstab
from pipelines.ingest import ingest_paths
from pipelines.settings import load_settings
from pipelines.warehouse import open_warehouse
from tests.realdata import REALDATA

REPO = Path(__file__).resolve().parents[2]
GOLDEN = REPO / "tests" / "golden"
EXTRACT = REALDATA / "survey_ess" / "ess2018_extract_trust_police_weight.csv"
TOL = 1e-6

DESCRIPTION = """
[survey]
id = "{id}"
name = "ESS 2018 extract ({id})"
mode = "face-to-face"
sample_type = "probability"
weight = "weight"
{design}

[wave]
fixed = "ess9"

[[waves]]
id = "ess9"
label = "ESS9 2018"
fieldwork_start = 2018-08-27
fieldwork_end = 2019-12-31

[[items]]
variable = "trust_police"
indicator = "trust_police"
scale = "0-10"
top_box = [7, 8, 9, 10]
wording = {{ da = "Tillid til politiet (0–10)", en = "Trust in the police (0–10)", uk = "Довіра до поліції (0–10)" }}

[[breakdowns]]
variable = "trust_cat"
name = {{ da = "Tillid til politiet, grupperet", en = "Trust in the police, banded", uk = "Довіра до поліції, групи" }}

[[breakdowns]]
variable = "country"
name = {{ da = "Land", en = "Country", uk = "Країна" }}

[[breakdowns]]
variable = "gender"
name = {{ da = "Køn", en = "Gender", uk = "Стать" }}

[[breakdowns]]
variable = "degree"
name = {{ da = "Videregående uddannelse", en = "University degree", uk = "Вища освіта" }}
"""


def _derived_extract(folder: Path, survey_id: str, *, design: str) -> None:
    """The real extract plus R's derived columns, with a description beside it."""
    raw = pl.read_csv(EXTRACT, infer_schema=False)  # every field as its text: TRUE/FALSE/NA stay as written
    trust = raw["trust_police"].cast(pl.Int64)
    frame = raw.with_columns(
        pl.when(trust <= 4).then(pl.lit("low")).when(trust <= 6).then(pl.lit("mid")).otherwise(pl.lit("high")).alias("trust_cat"),
        (pl.int_range(pl.len()).over("country") % 20).cast(pl.String).alias("psu"),
        pl.lit(survey_id).alias("copy"),  # so the two copies differ (ingest skips identical files)
    )
    name = f"{survey_id}.csv"
    frame.write_csv(folder / name, null_value="NA")
    (folder / f"{name}.survey.toml").write_text(DESCRIPTION.format(id=survey_id, design=design), encoding="utf-8")


@pytest.fixture(scope="module")
def ess(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("ess_crosstab")
    inbox = root / "in"
    inbox.mkdir()
    _derived_extract(inbox, "ess_srs", design="")
    _derived_extract(inbox, "ess_strata_psu", design='strata = "country"\npsu = "psu"')
    settings = replace(load_settings(), data_dir=root / "data", min_cell_size=5)
    results = ingest_paths([inbox], settings=settings)
    assert all(r.outcome == "accepted" for r in results), [r.message for r in results]
    build_warehouse(settings)
    con = open_warehouse(settings.warehouse_path)
    yield con, settings
    con.close()


SURVEY = {"srs": "ess_srs", "strata_psu": "ess_strata_psu"}
CASES = {
    # case: (row, col, layer)
    "trustcat_by_gender": ("trust_cat", "gender", None),
    "trustcat_by_country": ("trust_cat", "country", None),
    "trustcat_by_gender_by_country": ("trust_cat", "gender", "country"),
    "trust_by_degree_by_country": ("trust_police", "degree", "country"),
}


def _close(ours: float, theirs: float) -> bool:
    return abs(ours - theirs) <= TOL * max(1.0, abs(theirs))


def _bundle(ess, design: str, case: str, percent: str = "col", weighted: bool = True):
    con, settings = ess
    row, col, layer = CASES[case]
    spec = CrosstabSpec(survey_id=SURVEY[design], row=row, col=col, layer=layer, percent=percent,
                        weighted=weighted, tier="research", threshold=1)
    return run_crosstab(con, spec, settings=settings)


GOLDEN_CELLS = pl.read_csv(GOLDEN / "crosstab_r_cells.csv", infer_schema_length=0)
CELL_GROUPS = sorted(set(GOLDEN_CELLS.select("case", "design", "percent_base").iter_rows()))


@pytest.mark.parametrize(("case", "design", "percent"), CELL_GROUPS)
def test_cells_match_r_survey_through_the_warehouse(ess, case: str, design: str, percent: str) -> None:
    golden = GOLDEN_CELLS.filter(
        (pl.col("case") == case) & (pl.col("design") == design) & (pl.col("percent_base") == percent)
    )
    bundle = _bundle(ess, design, case, percent)
    cells = bundle.result.cells
    ours = {
        (lay or "", r, c): rec
        for lay, r, c, rec in zip(
            bundle.cells.filter(pl.col("cell_type") == "cell")["layer"].fill_null(""),
            bundle.cells.filter(pl.col("cell_type") == "cell")["row"],
            bundle.cells.filter(pl.col("cell_type") == "cell")["col"],
            cells.iter_rows(named=True),
        )
    }
    assert len(ours) == golden.height
    for g in golden.iter_rows(named=True):
        mine = ours[(g["layer"] or "", g["row"], g["col"])]
        for name in ("percent", "se", "deff", "weighted_n", "ci_low", "ci_high"):
            if g[name] in (None, "NA", "NaN"):
                continue  # R gives no deff / logit interval for an empty cell
            assert mine[name] is not None and _close(mine[name], float(g[name])), (g, name, mine[name])
        assert mine["unweighted_n"] == int(g["unweighted_n"])


GOLDEN_TESTS = pl.read_csv(GOLDEN / "crosstab_r_tests.csv", infer_schema_length=0).filter(pl.col("design") != "unit")


@pytest.mark.parametrize(("case", "design"), sorted(set(GOLDEN_TESTS.select("case", "design").iter_rows())))
def test_rao_scott_tests_match_r_svychisq_through_the_warehouse(ess, case: str, design: str) -> None:
    golden = GOLDEN_TESTS.filter((pl.col("case") == case) & (pl.col("design") == design))
    bundle = _bundle(ess, design, case)
    labels = bundle.dimensions[CASES[case][2]].labels if CASES[case][2] else {}
    by_layer = {(labels.get(str(t.layer), str(t.layer)) if t.layer is not None else ""): t for t in bundle.result.tests}
    assert len(by_layer) == golden.height
    for g in golden.iter_rows(named=True):
        t = by_layer[g["layer"] or ""]
        pairs = [
            (t.f_statistic, "f"), (t.f_ndf, "f_ndf"), (t.f_ddf, "f_ddf"), (t.f_p, "f_p"),
            (t.first_order_p, "chisq_p"), (t.adj_wald_f, "adjwald_f"), (t.adj_wald_p, "adjwald_p"),
        ]
        if int(g["n_rows"]) == int(g["n_complete"]):
            # R scales the Pearson table to nrow(design); ours to the complete rows (same here).
            pairs.append((t.pearson_x2, "pearson_x2"))
        for ours, name in pairs:
            assert _close(ours, float(g[name])), (g["layer"], name, ours, g[name])
        assert t.n_complete == int(g["n_complete"])
    # The tests file of an export carries the same numbers.
    f_rows = bundle.tests.filter(pl.col("statistic") == "rao_scott_f")
    assert f_rows.height == golden.height


def test_unit_weights_pearson_equals_scipy_and_r(ess) -> None:
    bundle = _bundle(ess, "srs", "trustcat_by_country", weighted=False)
    cells = bundle.result.cells
    table = cells.pivot(on="col", index="row", values="unweighted_n").drop("row").to_numpy()
    statistic, p_value, dof, _ = chi2_contingency(table, correction=False)
    test = bundle.result.tests[0]
    assert test.pearson_x2 == pytest.approx(statistic, rel=1e-10)
    assert test.pearson_p == pytest.approx(p_value, rel=1e-8, abs=1e-300)
    assert test.pearson_df == dof
    golden = pl.read_csv(GOLDEN / "crosstab_r_tests.csv").filter(pl.col("design") == "unit")
    assert _close(test.pearson_x2, golden["pearson_x2"][0])
    assert _close(test.f_statistic, golden["f"][0])


def _published_grid(rows: list[dict], layer: str):
    """Inner cells and totals of one layer of an exported CSV: values (None = suppressed)."""
    part = [r for r in rows if (r["layer"] or "") == layer]
    row_names = sorted({r["row"] for r in part if r["cell_type"] == "cell"})
    col_names = sorted({r["col"] for r in part if r["cell_type"] == "cell"})
    value = lambda r: None if r["suppressed"] == "true" else float(r["unweighted_n"])  # noqa: E731
    cells = {(r["row"], r["col"]): value(r) for r in part if r["cell_type"] == "cell"}
    row_tot = {r["row"]: value(r) for r in part if r["cell_type"] == "row_total"}
    col_tot = {r["col"]: value(r) for r in part if r["cell_type"] == "col_total"}
    grand = [value(r) for r in part if r["cell_type"] == "table_total"][0]
    return row_names, col_names, cells, row_tot, col_tot, grand


def test_a_suppressed_cell_cannot_be_recovered_from_the_exported_totals(ess, tmp_path: Path) -> None:
    con, settings = ess
    spec = CrosstabSpec(survey_id="ess_srs", row="trust_police", col="degree", layer="country", tier="public", threshold=20)
    bundle = run_crosstab(con, spec, settings=settings)
    out = export_crosstab(bundle, "csv", tmp_path / "degree.csv", settings=settings)[0]
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    suppressed = [r for r in rows if r["suppressed"] == "true"]
    assert any(r["suppression"] == "primary" for r in suppressed)
    assert any(r["suppression"] == "secondary" for r in suppressed)
    assert all(r["percent"] == "" and r["unweighted_n"] == "" and r["note"] == "suppressed" for r in suppressed)
    checked = 0
    for layer in sorted({r["layer"] for r in suppressed}):
        row_names, col_names, cells, row_tot, col_tot, grand = _published_grid(rows, layer)
        unknown = [k for k, v in cells.items() if v is None]
        index = {k: i for i, k in enumerate(unknown)}
        extra = [("row", k) for k, v in row_tot.items() if v is None] + [("col", k) for k, v in col_tot.items() if v is None]
        extra += [("grand", None)] if grand is None else []
        for k in extra:
            index[k] = len(index)
        n = len(index)
        a_eq, b_eq = [], []

        def equation(members: list[tuple], total_key, total_value) -> None:
            coef, known = np.zeros(n), 0.0
            for key in members:
                if cells[key] is None:
                    coef[index[key]] += 1
                else:
                    known += cells[key]
            if total_value is None:
                coef[index[total_key]] -= 1
                a_eq.append(coef), b_eq.append(-known)
            else:
                a_eq.append(coef), b_eq.append(total_value - known)

        for r in row_names:
            equation([(r, c) for c in col_names if (r, c) in cells], ("row", r), row_tot[r])
        for c in col_names:
            equation([(r, c) for r in row_names if (r, c) in cells], ("col", c), col_tot[c])
        equation(list(cells), ("grand", None), grand)
        for key in unknown:
            objective = np.zeros(n)
            objective[index[key]] = 1
            low = linprog(objective, A_eq=np.array(a_eq), b_eq=b_eq, bounds=(0, None), method="highs")
            high = linprog(-objective, A_eq=np.array(a_eq), b_eq=b_eq, bounds=(0, None), method="highs")
            assert low.status == 0 and high.status == 0
            assert -high.fun - low.fun >= 1 - 1e-9, (layer, key, low.fun, -high.fun)
            checked += 1
    assert checked >= 4
    events = read_events(settings, event="suppression")
    assert events and events[-1]["what"]["row"] == "trust_police" and events[-1]["counts"]["primary"] >= 1
    assert "value" not in str(events[-1]["what"]["cells"][0])


def test_filters_keep_the_design_and_unknown_variables_are_refused(ess) -> None:
    con, settings = ess
    bundle = run_crosstab(
        con,
        CrosstabSpec(survey_id="ess_srs", row="trust_cat", col="gender", filters=(("country", ("1", "2")),), threshold=1),
        settings=settings,
    )
    countries = bundle.dimensions["country"].labels
    assert countries["1"] == "Austria"
    kept = int(bundle.result.cells["unweighted_n"].sum())
    assert 0 < kept < bundle.result.design.n_rows == 36015
    assert bundle.meta.filters == {"country": ["1", "2"]}
    with pytest.raises(ExportRejected) as error:
        run_crosstab(con, CrosstabSpec(survey_id="ess_srs", row="weight; drop table x", col="gender"), settings=settings)
    assert error.value.code == "export_rejected" and error.value.source == "row"


def test_the_command_line_writes_an_xlsx_with_table_and_method_sheets(ess, tmp_path: Path) -> None:
    _, settings = ess
    out = tmp_path / "cli.xlsx"
    env = {**os.environ, "CSDASH_DATA_DIR": str(settings.data_dir), "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-m", "pipelines", "export", "crosstab", "--survey", "ess_strata_psu", "--row", "trust_cat",
         "--col", "gender", "--filter", "degree=2", "--percent", "col", "--tier", "public", "--format", "xlsx", "--out", str(out)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    book = openpyxl.load_workbook(out)
    assert {"table", "method"} <= set(book.sheetnames)
    method = {row[0]: row[1] for row in book["method"].iter_rows(min_row=2, values_only=True)}
    assert "Taylor linearisation" in method["standard errors"]
    assert "strata: 19" in method["weighting"] and "PSUs: 380" in method["weighting"]
    assert method["filters"].startswith("University degree in") or "degree" in method["filters"]
    assert method["data version"]
    header = [c.value for c in book["table"][1]]
    assert header[:4] == ["cell_type", "layer", "row", "col"]
    bad = subprocess.run(
        [sys.executable, "-m", "pipelines", "export", "crosstab", "--survey", "ess_srs", "--row", "nope", "--col", "gender",
         "--format", "csv", "--out", str(tmp_path / "x.csv")],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120,
    )
    assert bad.returncode == 2 and "nope" in bad.stderr


SAME = 1e-12


def _same(a: pl.Series, b: pl.Series, name: str) -> None:
    a_values = a.cast(pl.Float64).fill_null(np.nan).to_numpy()
    b_values = b.cast(pl.Float64).fill_null(np.nan).to_numpy()
    if name == "se":  # compared as variances: a zero variance's rounding residue has a root of ~1e-7
        a_values, b_values = a_values**2, b_values**2
    np.testing.assert_allclose(a_values, b_values, rtol=SAME, atol=SAME, equal_nan=True, err_msg=name)


def _letter_sets(result) -> list[frozenset]:
    """Each cell's letters as the categories they name (independent of the lettering order)."""
    named = {letter: str(category) for letter, category in result.letter_keys}
    out = []
    for text in result.cells["letters"]:
        letters, i = [], 0
        while i < len(text):  # letters are A…Z then AA, AB…: take the longest key that matches
            size = max(k for k in (1, 2, 3) if text[i : i + k] in named)
            letters.append(named[text[i : i + size]])
            i += size
        out.append(frozenset(letters))
    return out


@pytest.mark.parametrize(
    ("survey", "row", "col", "layer", "filters", "weighted"),
    [
        ("ess_strata_psu", "trust_police", "degree", "country", (("gender", ("2",)),), True),
        ("ess_strata_psu", "trust_cat", "country", None, (("degree", ("1",)), ("country", ("1", "3", "5"))), True),
        ("ess_strata_psu", "trust_cat", "gender", None, (), True),
        # only the "high" band is left: every cell is 100 % of its column
        ("ess_srs", "trust_cat", "gender", "country", (("trust_police", ("7", "8", "9", "10")),), True),
        ("ess_srs", "trust_cat", "country", None, (("gender", ("1",)),), False),
    ],
)
def test_warehouse_sums_give_the_respondent_row_result(ess, survey, row, col, layer, filters, weighted) -> None:
    con, settings = ess
    spec = CrosstabSpec(survey_id=survey, row=row, col=col, layer=layer, filters=filters, weighted=weighted,
                        tier="research", threshold=1)
    ours = run_crosstab(con, spec, settings=settings).result

    wide = con.sql(f"select * from mart_survey_wide__{survey}").pl()  # the test's own fixed name
    code = {name: pl.col(f"code__{name}").cast(pl.String) for name in (row, col, layer) if name}
    selected = pl.all_horizontal(
        pl.lit(True), *(pl.col(f"code__{dim}").cast(pl.String).is_in(list(codes)) for dim, codes in filters)
    )
    frame = wide.select(
        "weight", "stratum", "psu",
        pl.when(selected).then(code[row]).alias("row"),
        code[col].alias("col"),
        *([code[layer].alias("layer")] if layer else []),
    )
    design = {"weight": "weight", "strata": "stratum", "psu": "psu"} if weighted and survey == "ess_strata_psu" else (
        {"weight": "weight"} if weighted else {}
    )
    theirs = weighted_crosstab(frame, row="row", col="col", layer="layer" if layer else None, **design)

    keys = ["layer", "row", "col"]
    a = ours.cells.with_columns(pl.col(keys).cast(pl.String), _letters=pl.Series(_letter_sets(ours), dtype=pl.Object))
    b = theirs.cells.with_columns(pl.col(keys).cast(pl.String), _letters=pl.Series(_letter_sets(theirs), dtype=pl.Object))
    a, b = a.sort(keys, nulls_last=True), b.sort(keys, nulls_last=True)
    assert a.select(keys).equals(b.select(keys))
    for name in ("percent", "se", "ci_low", "ci_high", "deff", "weighted_n", "unweighted_n", "base_weighted_n",
                 "base_unweighted_n", "df"):
        _same(a[name], b[name], name)
    assert a["_letters"].to_list() == b["_letters"].to_list()
    margin_keys = ["layer", "margin", "category"]
    ma = ours.margins.with_columns(pl.col("layer").cast(pl.String)).sort(margin_keys, nulls_last=True)
    mb = theirs.margins.with_columns(pl.col("layer").cast(pl.String)).sort(margin_keys, nulls_last=True)
    assert ma.select(margin_keys).equals(mb.select(margin_keys))
    for name in ("percent", "se", "ci_low", "ci_high", "deff", "weighted_n", "unweighted_n"):
        _same(ma[name], mb[name], name)
    tests_a = sorted(ours.tests, key=lambda t: str(t.layer))
    tests_b = sorted(theirs.tests, key=lambda t: str(t.layer))
    assert [str(t.layer) for t in tests_a] == [str(t.layer) for t in tests_b]
    if a["row"].n_unique() == 1:  # one row left: no test, and every cell exactly 100 % with SE 0
        assert not tests_a and (a["percent"] == 100).all() and (a["se"] == 0).all()
    else:
        assert tests_a
    for ta, tb in zip(tests_a, tests_b):
        for field in ("pearson_x2", "mean_deff", "first_order_x2", "second_order_x2", "second_order_df", "f_statistic",
                      "f_p", "adj_wald_f", "adj_wald_p", "n_rows", "n_complete", "design_df"):
            np.testing.assert_allclose(getattr(ta, field), getattr(tb, field), rtol=SAME, atol=SAME, err_msg=field)
    assert ours.design == theirs.design
    assert ours.design.n_rows == wide.height  # filtered-out respondents stay in the design
