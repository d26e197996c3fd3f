"""Weighted cross-tabulations with design-based intervals, Rao–Scott tests and column letters.

**Cells.** Every cell percent is a weighted proportion in a domain of the whole design, with
the Taylor-linearised variance of ``analysis.survey`` (with-replacement design, strata and
PSUs when given; R ``survey`` conventions). The percent base decides the domain: the column
within the layer for ``percent="col"`` (R ``svyby(~row, ~col+layer, design, svymean)``), the row
for ``"row"``, the layer for ``"total"``. Intervals are logit intervals on the domain's degrees
of freedom (R ``svyciprop(method="logit")``), design effects are against simple random sampling
with replacement (R ``svymean(deff="replace")``); percent, SE and interval are in percentage
points. Empty cells stay in the table (percent 0, SE 0) with a Clopper–Pearson-type upper
limit (see ``analysis.survey``); their design effect is undefined (null), as in R. A cell that
holds all of its domain's respondents (of positive weight) is exactly 100 % with SE 0 and the
same boundary interval, whatever the rounding of the two sums it divides (so is a margin).
Margins are each row's and column's share of the layer (R ``svyby(~I(row==r), ~layer,
design, svymean)``); a margin is a sum of cell proportions, so its variance is the sum of the
cells' covariance block.

**Tests** (Rao & Scott 1981, *JASA* 76:221–230; 1984, *Ann. Statist.* 12:46–60), per layer,
exactly as R ``svychisq(~row+col, design)`` computes them: ``X²`` is Pearson's statistic of
the weighted table scaled to the layer's complete rows; with ``p̂`` the cell proportions,
``V`` their linearised covariance, ``D = diag(p̂)`` and ``C`` a basis of the interaction
contrasts orthogonal to the main effects (rows fastest), the generalised design-effect matrix is
``Δ = (CᵀD⁻¹C / n)⁻¹ (CᵀD⁻¹ V D⁻¹C)``. First order: ``X²/δ̄`` on ``k = (r−1)(c−1)`` df
(R ``statistic="Chisq"``). Second order (Satterthwaite): ``X²·tr Δ / tr Δ²`` on
``(tr Δ)²/tr Δ²`` df. F version: ``X²/tr Δ`` on ``((tr Δ)²/tr Δ², that · ν)`` df with ``ν``
the layer's PSUs minus strata (R ``statistic="F"``, the default). The adjusted Wald test is
R ``statistic="adjWald"``: the Wald statistic of ``N_rc − N_r·N_c/N`` (estimated totals)
scaled by ``(ν−k+1)/(kν)`` on ``(k, ν−k+1)`` df. Row or column categories with zero total
weight in a layer are left out of its test (R would return NaN) and reported as findings.
Each field's R equivalent is listed in ``analysis.results.RaoScottTest``.

**Letters.** Columns (or layers) are lettered A, B, C… in sorted order. For each row, every
pair of columns is compared with a design-based z test on the difference of the two percents;
its variance includes the covariance of the two domains, which is not zero when they share
PSUs or strata (R: ``svycontrast`` on ``svyglm(I(row==r) ~ 0 + col)``). A cell carries the
letters of the columns its percent is significantly higher than at ``alpha`` (the SPSS
"compare column proportions" convention), optionally Bonferroni-adjusted within each row.
``compare="layers"`` compares the same cell across layers instead, e.g. with ``layer="wave"``
for wave-to-wave letters.

**Sums.** Every statistic above depends on the respondents only through sums per (layer, row,
col, stratum, PSU): ``Σw``, ``Σw²`` and counts (without PSUs each respondent is its own PSU, and
the with-replacement variance needs only ``Σw`` and ``Σw²`` per cell and stratum). So
``crosstab_from_sums`` takes those sums, computed wherever the data are (a ``GROUP BY`` in the
warehouse), and ``weighted_crosstab`` sums its respondent rows into the same form and runs the
same code.

Checked against R ``survey`` 4.1.1 output committed in ``tests/golden/`` with the script that
made it, and against ``scipy.stats.chi2_contingency`` with unit weights.
"""
from __future__ import annotations

import dataclasses
import math
from typing import Any, Literal

import numpy as np
import polars as pl
from scipy import linalg, stats

from analysis.errors import AnalysisError
from analysis.results import CrosstabResult, Finding, PercentBase, RaoScottTest
from analysis.survey import (
    _H,
    _P,
    _check_columns,
    _check_design,
    _covariance,
    _Design,
    _float_series,
    _group_sums,
    _index,
    _linearise,
    _Moments,
    _proportion_intervals,
    _stratum_sizes,
)

_LAYER, _ROW, _COL = "_layer", "_row", "_col"
_DOMAINS: dict[str, tuple[list[str], list[str]]] = {
    "col": ([_LAYER, _COL], [_ROW]),
    "row": ([_LAYER, _ROW], [_COL]),
    "total": ([_LAYER], [_ROW, _COL]),
}


def _letters(n: int) -> list[str]:
    """A, B, …, Z, AA, AB, … (spreadsheet style) for ``n`` categories."""
    out = []
    for i in range(n):
        name, i = "", i + 1
        while i:
            i, rest = divmod(i - 1, 26)
            name = chr(65 + rest) + name
        out.append(name)
    return out


def _grid(agg: pl.DataFrame) -> pl.DataFrame:
    """Every row × col combination of the categories present (with complete rows) in each layer."""
    present = agg.filter(pl.col("_n_valid") > 0)
    rows = present.select(_LAYER, _ROW).unique()
    cols = present.select(_LAYER, _COL).unique()
    return rows.join(cols, on=_LAYER, how="inner").sort(_LAYER, _ROW, _COL)


def _cell_estimates(
    grid: pl.DataFrame, moments: _Moments, *, alpha: float
) -> pl.DataFrame:
    """Percent, SE, logit interval, deff and df of every grid cell for one percent base."""
    dom, cat = list(moments.domain), list(moments.category)
    per_domain = moments.estimates.unique(subset=dom).select(
        *dom, "_X", "_df", "_n_rows", "_n_valid", "_n_pos_valid"
    )
    table = grid.join(per_domain, on=dom, how="left").join(
        moments.estimates.select(*dom, *cat, "_Y", "_var", "_n_pos_k"), on=[*dom, *cat], how="left"
    )
    x = table["_X"].fill_null(0.0).to_numpy()
    y = table["_Y"].fill_null(0.0).to_numpy()
    var = table["_var"].fill_null(0.0).to_numpy()
    df = table["_df"].fill_null(0).to_numpy()
    n_pos = table["_n_pos_valid"].fill_null(0).to_numpy()
    # A cell holding all of its domain's respondents with a positive weight is 100 % with no
    # variance (every influence value is 0). Y and X are sums of the same weights in another
    # order, so Y/X may be 1 ± 1e-16 and the variance a rounding residue: set both exactly.
    full = (table["_n_pos_k"].fill_null(0).to_numpy() == n_pos) & (x > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(full, 1.0, np.where(x > 0, y / x, np.nan))
        var = np.where(full, 0.0, np.where(x > 0, var, np.nan))
        deff = var / (p * (1 - p) / (n_pos - 1))
    low, high, _ = _proportion_intervals(
        p, var, df, table["_n_rows"].fill_null(0).to_numpy(), n_pos, method="logit", alpha=alpha
    )
    se = np.sqrt(np.clip(var, 0.0, None))
    return grid.with_columns(
        _float_series("percent", 100 * p),
        _float_series("se", 100 * se),
        _float_series("ci_low", 100 * low),
        _float_series("ci_high", 100 * high),
        _float_series("deff", deff),
        pl.Series("base_weighted_n", x, dtype=pl.Float64),
        pl.Series("base_unweighted_n", table["_n_valid"].fill_null(0).to_numpy(), dtype=pl.Int64),
        pl.Series("df", df, dtype=pl.Int64),
    )


def _orthonormal_contrasts(k: int) -> np.ndarray:
    """``k × (k−1)`` orthonormal basis of the vectors orthogonal to the ones vector."""
    return linalg.null_space(np.ones((1, k)))


def _rao_scott(
    layer: Any,
    p: np.ndarray,
    v: np.ndarray,
    v_totals: np.ndarray,
    total: float,
    *,
    n_rows: int,
    n_complete: int,
    nu: int,
    rows: tuple[Any, ...],
    cols: tuple[Any, ...],
) -> RaoScottTest:
    """One layer's tests from cell proportions ``p`` (r × c) and covariances (cells rows fastest)."""
    r, c = p.shape
    k = (r - 1) * (c - 1)
    p_vec = p.reshape(-1, order="F")
    p_row, p_col = p.sum(axis=1), p.sum(axis=0)
    expected = np.outer(p_row, p_col)
    x2 = n_complete * float(((p - expected) ** 2 / expected).sum())

    contrasts = np.kron(_orthonormal_contrasts(c), _orthonormal_contrasts(r))
    inv_p = np.where(p_vec > 0, 1 / np.where(p_vec > 0, p_vec, 1), 0.0)
    weighted = contrasts * inv_p[:, None]
    denom = contrasts.T @ weighted / n_complete
    numer = weighted.T @ v @ weighted
    delta = np.linalg.solve(denom, numer)
    trace = float(np.trace(delta))
    trace2 = float(np.trace(delta @ delta))
    mean_deff = trace / k
    d0 = trace**2 / trace2
    f_stat = x2 / trace
    second = x2 * trace / trace2

    # Adjusted Wald: Y_rc = N_rc − N_r N_c / N, linearised through the cell totals.
    totals = p_vec * total
    row_tot = np.tile(p_row * total, c)
    col_tot = np.repeat(p_col * total, r)
    row_of = np.tile(np.arange(r), c)
    col_of = np.repeat(np.arange(c), r)
    jac = (
        np.eye(r * c)
        - (row_of[:, None] == row_of[None, :]) * col_tot[:, None] / total
        - (col_of[:, None] == col_of[None, :]) * row_tot[:, None] / total
        + (row_tot * col_tot)[:, None] / total**2
    )
    y = totals - row_tot * col_tot / total
    use = (row_of > 0) & (col_of > 0)
    v_y = jac @ v_totals @ jac.T
    wald = float(y[use] @ np.linalg.solve(v_y[np.ix_(use, use)], y[use]))
    adj_ddf = nu - k + 1
    adj_f = wald * adj_ddf / (k * nu)
    return RaoScottTest(
        layer=layer,
        n_rows=n_rows,
        n_complete=n_complete,
        design_df=nu,
        pearson_x2=x2,
        pearson_df=k,
        pearson_p=float(stats.chi2.sf(x2, k)),
        mean_deff=mean_deff,
        deff_cv2=trace2 / k / mean_deff**2 - 1,
        first_order_x2=x2 / mean_deff,
        first_order_df=k,
        first_order_p=float(stats.chi2.sf(x2 / mean_deff, k)),
        second_order_x2=second,
        second_order_df=d0,
        second_order_p=float(stats.chi2.sf(second, d0)),
        f_statistic=f_stat,
        f_ndf=d0,
        f_ddf=d0 * nu,
        f_p=float(stats.f.sf(f_stat, d0, d0 * nu)),
        adj_wald_f=adj_f,
        adj_wald_ndf=k,
        adj_wald_ddf=adj_ddf,
        adj_wald_p=float(stats.f.sf(adj_f, k, adj_ddf)) if adj_ddf > 0 else math.nan,
        rows_tested=rows,
        cols_tested=cols,
    )


def _layer_tables(
    moments: _Moments, grid: pl.DataFrame, counts: pl.DataFrame, *, alpha: float
) -> tuple[list[RaoScottTest], pl.DataFrame, list[Finding]]:
    """Rao–Scott tests and the row and column margins of every layer, from one covariance.

    ``moments`` has the layer as domain and the cell as category. A margin is a sum of cell
    proportions, so its variance is the sum of the cells' covariance block.
    """
    cells = grid.sort(_LAYER, _COL, _ROW)  # rows fastest within a layer, as R's interaction(row, col)
    v_prop, v_tot = _covariance(moments, cells, totals=True)
    per_layer = {
        row[_LAYER]: row
        for row in moments.estimates.unique(subset=[_LAYER])
        .select(_LAYER, "_X", "_df", "_n_rows", "_n_valid", "_n_pos_valid")
        .iter_rows(named=True)
    }
    table = (
        cells.with_row_index("_i")
        .join(moments.estimates.select(_LAYER, _ROW, _COL, "_Y", "_n_pos_k"), on=[_LAYER, _ROW, _COL], how="left")
        .with_columns(pl.col("_Y").fill_null(0.0), pl.col("_n_pos_k").fill_null(0))
    )
    tests: list[RaoScottTest] = []
    findings: list[Finding] = []
    margin_parts: list[dict[str, Any]] = []
    for layer_frame in table.partition_by(_LAYER, maintain_order=True):
        layer = layer_frame[_LAYER][0]
        info = per_layer[layer]
        rows = layer_frame[_ROW].unique().sort().to_list()
        cols = layer_frame[_COL].unique().sort().to_list()
        idx = layer_frame["_i"].to_numpy().reshape((len(rows), len(cols)), order="F")
        total = info["_X"]
        if not total > 0:
            findings.append(Finding("test_not_computable", "warning", {"layer": layer, "reason": "zero_weight"}))
            continue
        p = layer_frame["_Y"].to_numpy().reshape((len(rows), len(cols)), order="F") / total
        n_pos = layer_frame["_n_pos_k"].to_numpy().reshape((len(rows), len(cols)), order="F")
        for margin, categories, blocks, shares, counts_pos in (
            ("row", rows, [idx[r, :] for r in range(len(rows))], p.sum(axis=1), n_pos.sum(axis=1)),
            ("col", cols, [idx[:, c] for c in range(len(cols))], p.sum(axis=0), n_pos.sum(axis=0)),
        ):
            for category, block, share, count in zip(categories, blocks, shares, counts_pos):
                # As for cells: a margin with all of the layer's respondents of positive weight is
                # exactly 100 % with no variance (the summed shares are 1 ± 1e-16).
                full = count == info["_n_pos_valid"]
                margin_parts.append(
                    {
                        _LAYER: layer, "margin": margin, "category": category, "_est": 1.0 if full else share,
                        "_var": 0.0 if full else float(v_prop[np.ix_(block, block)].sum()), "_df": info["_df"],
                        "_n_rows": info["_n_rows"], "_n_pos_valid": info["_n_pos_valid"],
                    }
                )
        keep_rows = p.sum(axis=1) > 0
        keep_cols = p.sum(axis=0) > 0
        tested_rows = tuple(r for r, k in zip(rows, keep_rows) if k)
        tested_cols = tuple(c for c, k in zip(cols, keep_cols) if k)
        if len(tested_rows) < 2 or len(tested_cols) < 2:
            findings.append(
                Finding(
                    "test_not_computable",
                    "info",
                    {"layer": layer, "rows": len(tested_rows), "cols": len(tested_cols)},
                )
            )
            continue
        sub = idx[np.ix_(keep_rows, keep_cols)].reshape(-1, order="F")
        try:
            tests.append(
                _rao_scott(
                    layer,
                    p[np.ix_(keep_rows, keep_cols)],
                    v_prop[np.ix_(sub, sub)],
                    v_tot[np.ix_(sub, sub)],
                    total,
                    n_rows=info["_n_rows"],
                    n_complete=info["_n_valid"],
                    nu=info["_df"],
                    rows=tested_rows,
                    cols=tested_cols,
                )
            )
        except np.linalg.LinAlgError:
            findings.append(Finding("test_not_computable", "warning", {"layer": layer, "reason": "singular"}))

    parts = pl.DataFrame(margin_parts, infer_schema_length=None).with_columns(
        pl.col(_LAYER).cast(grid.schema[_LAYER])
    )
    share = parts["_est"].to_numpy()
    var = parts["_var"].to_numpy()
    n_pos = parts["_n_pos_valid"].to_numpy()
    low, high, _ = _proportion_intervals(
        share, var, parts["_df"].to_numpy(), parts["_n_rows"].to_numpy(), n_pos, method="logit", alpha=alpha
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        deff = var / (share * (1 - share) / (n_pos - 1))
    margin_counts = pl.concat(
        [
            counts.group_by(_LAYER, key)
            .agg(pl.col("weighted_n", "unweighted_n").sum())
            .select(_LAYER, pl.lit(margin).alias("margin"), pl.col(key).cast(pl.String).alias("category"),
                    "weighted_n", "unweighted_n")
            for margin, key in (("row", _ROW), ("col", _COL))
        ]
    )
    margins = (
        parts.select(
            _LAYER,
            "margin",
            pl.col("category").cast(pl.String),
            _float_series("percent", 100 * share),
            _float_series("se", 100 * np.sqrt(np.clip(var, 0.0, None))),
            _float_series("ci_low", 100 * low),
            _float_series("ci_high", 100 * high),
            _float_series("deff", deff),
        )
        .join(margin_counts, on=[_LAYER, "margin", "category"], how="left")
        .with_columns(pl.col("weighted_n").fill_null(0.0), pl.col("unweighted_n").fill_null(0).cast(pl.Int64))
    )
    return tests, margins, findings


def _comparisons(
    cells: pl.DataFrame,
    moments: _Moments,
    *,
    compare: Literal["columns", "layers"],
    alpha: float,
    adjust: Literal["none", "bonferroni"],
) -> tuple[pl.DataFrame, dict[int, str], tuple[tuple[str, Any], ...]]:
    """Pairwise z tests and the letters they give each cell (index into ``cells``)."""
    dom, cat = list(moments.domain), list(moments.category)
    cov = _covariance(moments, cells.select(dom + cat))
    percent = cells["percent"].to_numpy() / 100
    # A 0 % or 100 % cell has no variance, so no covariance either (its linearised covariances
    # are 0 in exact arithmetic; computed, they are rounding residues).
    degenerate = (percent == 0) | (percent == 1)
    cov[degenerate, :] = 0.0
    cov[:, degenerate] = 0.0
    moving = _COL if compare == "columns" else _LAYER
    fixed = [c for c in (_LAYER, _ROW, _COL) if c != moving]
    categories = cells[moving].unique().sort().to_list()
    letter_names = _letters(len(categories))
    moving_rank = _index(cells, [moving])  # position of each cell's category in ``categories``
    family = _index(cells, fixed)
    usable = ~np.isnan(percent)
    first, second = [], []
    for f in np.unique(family):
        members = np.flatnonzero((family == f) & usable)
        members = members[np.argsort(moving_rank[members], kind="stable")]
        a, b = np.triu_indices(len(members), k=1)
        first.append(members[a])
        second.append(members[b])
    i = np.concatenate(first) if first else np.empty(0, dtype=np.int64)
    j = np.concatenate(second) if second else np.empty(0, dtype=np.int64)
    diff = percent[i] - percent[j]
    var = cov[i, i] + cov[j, j] - 2 * cov[i, j]
    se = np.sqrt(np.clip(var, 0.0, None))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(se > 0, diff / se, np.nan)
    p_value = 2 * stats.norm.sf(np.abs(z))
    if adjust == "bonferroni":
        pairs_in_family = np.bincount(family[i], minlength=family.max() + 1)[family[i]]
        p_value = np.minimum(1.0, p_value * pairs_in_family)
    significant = np.nan_to_num(p_value, nan=1.0) < alpha
    letters: dict[int, list[int]] = {}
    for a, b, d in zip(i[significant], j[significant], diff[significant]):
        higher, lower = (a, b) if d > 0 else (b, a)
        letters.setdefault(int(higher), []).append(int(moving_rank[lower]))
    joined = {k: "".join(letter_names[r] for r in sorted(v)) for k, v in letters.items()}
    frame = pl.DataFrame(
        {
            "compare": pl.Series([compare] * len(i), dtype=pl.String),
            "layer": cells[_LAYER].gather(i),
            "row": cells[_ROW].gather(i),
            "col": cells[_COL].gather(i),
            "a": cells[moving].gather(i),
            "b": cells[moving].gather(j),
            "difference": 100 * diff,
            "se": 100 * se,
            "z": _float_series("z", z),
            "p_value": _float_series("p_value", p_value),
            "significant": significant,
        }
    ).with_columns(pl.lit(None, dtype=cells.schema[moving]).alias({_LAYER: "layer", _COL: "col"}[moving]))
    return frame, joined, tuple(zip(letter_names, categories))


#: Columns of a pre-summed frame besides its keys (see ``crosstab_from_sums``). ``n_rows`` is
#: always read; the others only for a weighted table.
SUM_COLUMNS: tuple[str, ...] = (
    "n_rows", "n_positive", "weight_sum", "weight_sq_sum", "weight_min", "n_weight_missing",
)


def _check_options(
    percent: str, compare: str | None, layer: str | None, alpha: float
) -> Literal["columns", "layers", "none"]:
    """Validate the table options; returns ``compare`` with its default resolved."""
    if percent not in _DOMAINS:
        raise AnalysisError(f"Unknown percent base {percent!r}", code="invalid_option", source="percent")
    if compare is None:
        compare = "columns" if percent == "col" else "none"
    if compare == "columns" and percent != "col":
        raise AnalysisError(
            "Column letters compare column percents",
            detail=f"percent={percent!r} was asked for with compare='columns'.",
            hint="Use percent='col', or compare='layers' / 'none'.",
            code="invalid_option",
            source="compare",
        )
    if compare == "layers" and layer is None:
        raise AnalysisError("compare='layers' needs a layer variable", code="invalid_option", source="compare")
    if not 0 < alpha < 1:
        raise AnalysisError(f"alpha must be between 0 and 1, not {alpha}", code="invalid_option", source="alpha")
    return compare  # type: ignore[return-value]


def _keyed(frame: pl.DataFrame, keys: dict[str, str | None], sums: list[pl.Expr]) -> pl.DataFrame:
    """``frame`` with its key columns under the internal names (``None``: the constant 0)."""
    return frame.select(
        *((pl.col(s) if s is not None else pl.lit(0)).alias(name) for name, s in keys.items()), *sums
    )


def _respondent_sums(
    frame: pl.DataFrame, design: _Design, keys: dict[str, str | None], *, positive_weights: bool
) -> pl.DataFrame:
    """Respondent rows summed to the ``crosstab_from_sums`` contract (internal key names).

    Each source column is grouped on once (strata may be the column variable), as
    ``analysis.survey._aggregate`` does.
    """
    group = list(dict.fromkeys(s for s in keys.values() if s is not None))
    sums = _group_sums(
        frame, design, group, form="category", value=None, value_nulls=False, valid=None,
        positive_weights=positive_weights,
    )
    n_pos = pl.col("_n_pos") if "_n_pos" in sums.columns else pl.col("_n_rows")
    return _keyed(
        sums,
        keys,
        [
            pl.col("_n_rows").alias("n_rows"),
            n_pos.alias("n_positive"),
            pl.col("_x").alias("weight_sum"),
            pl.col("_xx").alias("weight_sq_sum"),
        ],
    )


def _check_sums(sums: pl.DataFrame, design: _Design) -> None:
    """What ``_check_design`` checks on respondent rows, checked on their sums."""
    checks: dict[str, pl.Expr] = {"n": pl.col("n_rows").sum(), "n_null": pl.col("n_rows").null_count()}
    if design.weight is not None:
        checks.update(
            missing=pl.col("n_weight_missing").sum(),
            negative=(pl.col("weight_min") < 0).any(),
            non_finite=(~pl.col("weight_sum").is_finite()).any(),
            total=pl.col("weight_sum").sum(),
        )
    for name, column in (("strata", _H), ("psu", _P)):
        if getattr(design, name) is not None:
            checks[name] = pl.col("n_rows").filter(pl.col(column).is_null()).sum()
    values = sums.select(**checks).row(0, named=True)
    if values["n_null"]:
        raise AnalysisError("Column 'n_rows' has missing counts", code="invalid_sums", source="n_rows")
    if not values["n"]:
        raise AnalysisError(
            "There are no respondents to analyse",
            detail="The sums count no respondents.",
            hint="Widen the filters.",
            code="empty_frame",
        )
    if design.weight is not None:
        if values["missing"]:
            raise AnalysisError(
                f"Weight {design.weight!r} has {values['missing']} missing values",
                detail="Every respondent in a weighted analysis needs a weight.",
                hint="Give respondents without a weight the weight 0, or drop them explicitly.",
                code="missing_weight",
                source=design.weight,
            )
        if values["negative"] or values["non_finite"]:
            raise AnalysisError(
                f"Weight {design.weight!r} has negative or non-finite values",
                code="invalid_weight",
                source=design.weight,
            )
        if not values["total"] > 0:
            raise AnalysisError(
                f"The weights in {design.weight!r} sum to zero", code="zero_total_weight", source=design.weight
            )
    for name in ("strata", "psu"):
        if values.get(name):
            raise AnalysisError(
                f"Design variable {getattr(design, name)!r} has {values[name]} missing values",
                detail="Every respondent must belong to a stratum and a PSU.",
                code="missing_design_variable",
                source=getattr(design, name),
            )


def crosstab_from_sums(
    sums: pl.DataFrame,
    *,
    row: str,
    col: str,
    weight: str | None = None,
    layer: str | None = None,
    strata: str | None = None,
    psu: str | None = None,
    percent: PercentBase = "col",
    alpha: float = 0.05,
    compare: Literal["columns", "layers", "none"] | None = None,
    adjust: Literal["none", "bonferroni"] = "none",
) -> CrosstabResult:
    """``weighted_crosstab`` from respondents already summed per cell, stratum and PSU.

    Every statistic of the cross-tab depends on the respondents only through sums per
    (layer, row, col, stratum, PSU): with PSUs the linearised variance needs each PSU's total
    per cell; without them each respondent is its own PSU and ``Σw`` and ``Σw²`` per
    (cell, stratum) are enough. So the sums can be taken where the data live (e.g. a
    ``GROUP BY`` in the warehouse) and only they are passed here. ``weighted_crosstab`` sums its
    respondent rows into this form and runs the same code.

    Args:
        sums: one row per group of respondents, keyed by the columns named by ``row``,
            ``col``, ``layer``, ``strata`` and ``psu`` (several rows with the same keys are
            added together). Key semantics are those of ``weighted_crosstab``: a null
            ``row`` or ``col`` keeps the group in the design but out of the table (missing
            answers, respondents outside a filter), a null ``layer`` keeps it out of every
            layer. Sum columns (``SUM_COLUMNS``): ``n_rows`` respondents (always);
            for a weighted table also ``weight_sum`` (Σw), ``weight_sq_sum`` (Σw²),
            ``n_positive`` (respondents with w > 0), ``weight_min`` (smallest weight) and
            ``n_weight_missing`` (respondents without a weight, an error unless 0).
            Every respondent of the design must be in some group; not modified.
        row: row key column.
        col: column key column.
        weight: the weight the sums were taken with (named in the result's design);
            ``None`` for an unweighted table (only ``n_rows`` is read, every respondent
            counts 1).
        layer: optional layer key column.
        strata: strata key column, or ``None``.
        psu: PSU key column (nested in strata), or ``None`` when respondents are the PSUs
            (then the groups must not be finer than respondents sharing every key).
        percent: as ``weighted_crosstab``.
        alpha: as ``weighted_crosstab``.
        compare: as ``weighted_crosstab``.
        adjust: as ``weighted_crosstab``.

    Returns:
        The ``CrosstabResult`` ``weighted_crosstab`` returns for the respondents summed.

    Raises:
        AnalysisError: unknown column, invalid weight sums or design, or an option that
            does not fit (``invalid_option``).
    """
    compare = _check_options(percent, compare, layer, alpha)
    design = _Design(weight, strata, psu)
    needed = ["n_rows", *(SUM_COLUMNS[1:] if weight is not None else ())]
    _check_columns(sums, [row, col, layer, strata, psu, *needed])
    keys = {_LAYER: layer, _ROW: row, _COL: col, _H: strata, **({_P: psu} if psu else {})}
    if weight is not None:
        values = [pl.col(name) for name in ("n_rows", "n_positive", "weight_sum", "weight_sq_sum")]
    else:
        values = [pl.col("n_rows")]
    keyed = _keyed(sums, keys, [*values, *(pl.col(c) for c in SUM_COLUMNS[4:] if weight is not None)])
    _check_sums(keyed, design)
    return _crosstab(keyed, design, row=row, col=col, layer=layer, percent=percent, alpha=alpha,
                     compare=compare, adjust=adjust)


def weighted_crosstab(
    frame: pl.DataFrame,
    *,
    row: str,
    col: str,
    weight: str | None = None,
    layer: str | None = None,
    strata: str | None = None,
    psu: str | None = None,
    percent: PercentBase = "col",
    alpha: float = 0.05,
    compare: Literal["columns", "layers", "none"] | None = None,
    adjust: Literal["none", "bonferroni"] = "none",
) -> CrosstabResult:
    """Cross-tabulate ``row`` by ``col`` (per ``layer``) with weights and the survey design.

    The respondents are summed per cell, stratum and PSU in one pass and the table is
    computed from those sums by the code of ``crosstab_from_sums``.

    Args:
        frame: one row per respondent; not modified. Rows with a null ``row`` or ``col`` are
            left out of the table (but stay in the design, as in R); rows with a null
            ``layer`` are left out of every layer.
        row: row variable (e.g. the answer categories).
        col: column variable (e.g. area, gender, wave).
        weight: weight column (non-negative, no nulls); ``None`` for an unweighted table.
        layer: optional layer variable (e.g. wave); each layer is its own table and test.
        strata: strata column, or ``None``.
        psu: PSU column (nested in strata), or ``None``.
        percent: ``"col"`` (each column sums to 100), ``"row"`` or ``"total"`` (each layer
            sums to 100).
        alpha: significance level of tests and letters; intervals are at ``1 − alpha``.
        compare: ``"columns"`` (letters for columns, needs ``percent="col"``), ``"layers"``
            (the same cell across layers) or ``"none"``; ``None`` means ``"columns"`` for
            column percents and ``"none"`` otherwise.
        adjust: ``"bonferroni"`` multiplies each p-value by the number of pairs compared in
            its row; ``"none"`` by default.

    Returns:
        A ``CrosstabResult``; its fields and their R equivalents are documented there.
        Percentages, SEs and intervals are in percentage points.

    Raises:
        AnalysisError: unknown column, invalid weights or design, or an option that does not
            fit (``invalid_option``).
    """
    compare = _check_options(percent, compare, layer, alpha)
    design = _Design(weight, strata, psu)
    _check_columns(frame, [row, col, layer, weight, strata, psu])
    checks = _check_design(frame, design)
    keys = {_LAYER: layer, _ROW: row, _COL: col, _H: strata, **({_P: psu} if psu else {})}
    sums = _respondent_sums(frame, design, keys, positive_weights=checks["min_weight"] > 0)
    return _crosstab(sums, design, row=row, col=col, layer=layer, percent=percent, alpha=alpha,
                     compare=compare, adjust=adjust)


def _crosstab(
    sums: pl.DataFrame,
    design: _Design,
    *,
    row: str,
    col: str,
    layer: str | None,
    percent: PercentBase,
    alpha: float,
    compare: Literal["columns", "layers", "none"],
    adjust: Literal["none", "bonferroni"],
) -> CrosstabResult:
    """The cross-tab from checked sums whose keys carry the internal names."""
    valid = pl.col(_ROW).is_not_null() & pl.col(_COL).is_not_null()
    if design.weight is not None:
        x, xx, n_pos = pl.col("weight_sum"), pl.col("weight_sq_sum"), pl.col("n_positive")
    else:
        x = xx = pl.col("n_rows").cast(pl.Float64)
        n_pos = pl.col("n_rows")
    # The form analysis.survey._aggregate gives a "category" table: a group is in the table
    # (valid) or not as a whole, since its row and column are keys. Rows with the same keys
    # (which the contract allows) are added first.
    keys = [_LAYER, _ROW, _COL, _H, *([_P] if design.psu is not None else [])]
    in_table = pl.when(valid)
    agg = sums.group_by(keys).agg(
        pl.col(c).sum() for c in ("n_rows", *(("n_positive", "weight_sum", "weight_sq_sum") if design.weight else ()))
    ).select(
        *keys,
        in_table.then(x).otherwise(0.0).cast(pl.Float64).alias("_x"),
        in_table.then(xx).otherwise(0.0).cast(pl.Float64).alias("_xx"),
        pl.col("n_rows").cast(pl.Int64).alias("_n_rows"),
        in_table.then(pl.col("n_rows")).otherwise(0).cast(pl.Int64).alias("_n_valid"),
        n_pos.cast(pl.Int64).alias("_n_pos"),
        in_table.then(n_pos).otherwise(0).cast(pl.Int64).alias("_n_pos_valid"),
    ).with_columns(_y=pl.col("_x"), _yy=pl.col("_xx"), _xy=pl.col("_xx"), _wyy=pl.lit(0.0))
    counted = agg.select(
        n=pl.col("_n_rows").sum(),
        missing=pl.col("_n_rows").filter(~valid).sum(),
        missing_layer=pl.col("_n_rows").filter(pl.col(_LAYER).is_null()).sum(),
    ).row(0, named=True)
    has_psu = design.psu is not None
    sizes = _stratum_sizes(agg, design, counted["n"])
    grid = _grid(agg.filter(pl.col(_LAYER).is_not_null()))
    if grid.height == 0:
        raise AnalysisError(
            "No respondent has both variables",
            detail=f"Every row has {row!r} or {col!r} missing.",
            code="empty_table",
            source=f"{row}, {col}",
        )

    def moments_for(base: str) -> _Moments:
        domain, category = _DOMAINS[base]
        return _linearise(agg, domain=domain, category=category, has_psu=has_psu, sizes=sizes)

    cell_moments = moments_for(percent)
    cells = _cell_estimates(grid, cell_moments, alpha=alpha)
    counts = (
        agg.filter(valid)
        .group_by(_LAYER, _ROW, _COL)
        .agg(pl.col("_x").sum().alias("weighted_n"), pl.col("_n_valid").sum().alias("unweighted_n"))
    )
    cells = cells.join(counts, on=[_LAYER, _ROW, _COL], how="left").with_columns(
        pl.col("weighted_n").fill_null(0.0), pl.col("unweighted_n").fill_null(0).cast(pl.Int64)
    ).sort(_LAYER, _ROW, _COL)

    findings: list[Finding] = list(sizes.findings)
    total_moments = cell_moments if percent == "total" else moments_for("total")
    tests, margins, table_findings = _layer_tables(total_moments, grid, counts, alpha=alpha)
    zero = margins.filter(pl.col("weighted_n") == 0)
    for layer_value, margin, category in zero.select(_LAYER, "margin", "category").iter_rows():
        findings.append(
            Finding(
                "zero_weight_category",
                "warning",
                {"layer": layer_value if layer else None, "dimension": margin, "category": category},
            )
        )

    empty = cells.filter(pl.col("unweighted_n") == 0)
    if empty.height:
        findings.append(
            Finding(
                "empty_cells",
                "info",
                {
                    "count": empty.height,
                    "cells": [
                        {"layer": lv if layer else None, "row": r, "col": c}
                        for lv, r, c in empty.select(_LAYER, _ROW, _COL).iter_rows()
                    ],
                },
            )
        )
    findings.extend(table_findings)
    if counted["missing"]:
        findings.append(
            Finding("missing_values_excluded", "info", {"count": counted["missing"], "columns": [row, col]})
        )
    if layer and counted["missing_layer"]:
        findings.append(
            Finding("missing_group_excluded", "info", {"count": counted["missing_layer"], "columns": [layer]})
        )

    letter_keys: tuple[tuple[str, Any], ...] = ()
    comparisons = pl.DataFrame()
    letters: dict[int, str] = {}
    if compare != "none":
        comparisons, letters, letter_keys = _comparisons(
            cells, cell_moments, compare=compare, alpha=alpha, adjust=adjust
        )
    if not layer and comparisons.height:
        comparisons = comparisons.with_columns(pl.lit(None, dtype=pl.String).alias("layer"))
    cells = cells.with_row_index("_i").with_columns(
        pl.col("_i").replace_strict(letters, default="", return_dtype=pl.String).alias("letters")
    )

    layer_out = pl.col(_LAYER).alias("layer") if layer else pl.lit(None, dtype=pl.String).alias("layer")
    cells = cells.select(
        layer_out,
        pl.col(_ROW).alias("row"),
        pl.col(_COL).alias("col"),
        "percent", "se", "ci_low", "ci_high", "deff", "weighted_n", "unweighted_n",
        "base_weighted_n", "base_unweighted_n", "df", "letters",
    )
    margins_frame = margins.select(layer_out, pl.exclude(_LAYER))
    if not layer:
        tests = [dataclasses.replace(t, layer=None) for t in tests]
    return CrosstabResult(
        cells=cells,
        margins=margins_frame,
        tests=tuple(tests),
        comparisons=comparisons,
        letter_keys=letter_keys,
        row=row,
        col=col,
        layer=layer,
        percent=percent,
        compare=None if compare == "none" else compare,
        alpha=alpha,
        design=sizes.summary,
        findings=tuple(findings),
    )
