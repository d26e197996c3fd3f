"""Design-based weighted proportions and means, with Taylor-linearised standard errors.

**Design.** Respondents carry a weight ``w`` (equal weights when none is given), optionally a
stratum ``h`` and a primary sampling unit (PSU) ``p``; without a PSU column each respondent
is its own PSU, without strata there is one stratum. PSUs are taken as nested in strata
(R ``svydesign(..., nest=TRUE)``). The variance is the with-replacement ("ultimate cluster")
estimator, no finite population correction, exactly as R ``survey`` computes it for
``svydesign(ids=~psu, strata=~h, weights=~w)`` (Wolter 2007, *Introduction to Variance
Estimation*, §6.11; Lumley 2010, *Complex Surveys*, ch. 2–3).

**Estimator.** A proportion or mean in a domain ``d`` is the ratio ``R = Y/X`` with
``Y = Σ_d w·y`` and ``X = Σ_d w`` over the domain's respondents with a non-null value.
Its linearised variance is

    V(R) = Σ_h n_h/(n_h-1) · Σ_{i∈h} (z_hi − z̄_h)²,   z_hi = Σ_{j∈PSU hi, j∈d} w_j (y_j − R) / X,

where ``n_h`` counts **all** PSUs of stratum ``h`` in the whole frame, so PSUs without
respondents of the domain enter with ``z = 0``. This is proper domain estimation, identical to
R ``svyby(~y, ~d, design, svymean)`` (``survey`` subsets a design but keeps ``n_h`` from the
full design), not the naive analysis of a subset. Respondents whose value is null are treated
the same way (out of the domain), as ``svymean(..., na.rm=TRUE)`` does. The sums are taken with
vectorised polars group-bys: one pass over the respondents, then sums over PSUs and strata.
A stratum with a single PSU contributes nothing to the variance (R
``options(survey.lonely.psu="remove")``) and is reported as a finding; R's default stops.

**Intervals for proportions.**

- ``"logit"`` (R ``svyciprop(method="logit")``): ``expit(logit(R) ± t_{df,1−α/2} · se/(R(1−R)))``,
  with ``df`` the degrees of freedom of the domain's design — PSUs minus strata among the
  domain's rows, as ``degf()`` of the design ``svyby`` passes to ``svyciprop`` (rows whose
  value is null count, because ``svyciprop`` evaluates ``degf`` before dropping them).
- ``"korn_graubard"`` (R ``svyciprop(method="beta")``; Korn & Graubard 1998, *Survey
  Methodology* 24:193–201): Clopper–Pearson with the effective sample size
  ``n* = R(1−R)/V(R) · (t_{m−1,α/2} / t_{df,α/2})²`` (``m`` = rows of the domain), lower
  ``Beta⁻¹(α/2; n*R, n*(1−R)+1)``, upper ``Beta⁻¹(1−α/2; n*R+1, n*(1−R))``.
- When ``R`` is 0 or 1 both methods return that Clopper–Pearson interval with ``n*`` the
  domain's respondents with a positive weight (times the same t ratio), ``[0, u]`` or ``[l, 1]``,
  and a ``boundary_estimate`` finding; R gives ``NaN`` there (no variance, no convergence).
- No interval (null) when the domain's ``df`` is not positive, as R's ``NaN``.

**Means** get ``R ± t_{df,1−α/2}·se`` (R ``confint(svymean(...), df=degf(domain))``).

**Design effect** (R ``svymean(deff="replace")``): ``V(R)`` over the variance under simple
random sampling with replacement, ``s²_w/(n−1)`` with ``s²_w = Σw(y−R)²/Σw`` and ``n`` the
domain's respondents with a positive weight. **Kish effective n**: ``(Σw)²/Σw²``.

**Reliability.** ``is_unreliable`` when fewer than 30 respondents (``"n_below_30"``) or a
relative standard error above 30 % (``"rse_above_30"``); the first reason found is given.

**Comparisons** (``compare_proportions``): the difference of two proportions, with
``var = V₁ + V₂`` for independent samples (e.g. two survey waves, each its own design) or the
linearised variance of the difference of two domains of the same design, covariance included
(area against the rest of the survey); a two-sided Wald test with the normal distribution
(R ``svycontrast`` on ``svyglm(y ~ 0 + group)``).

**Comparability** (``comparability``): two figures compare only when they measure the same
indicator on the same answer scale from the same kind of sample.

Checked against R ``survey`` 4.1.1 output committed in ``tests/golden/`` with the script that
made it, and against the published ESS figures in ``shared/realdata``.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import polars as pl
import scipy.sparse as sparse
from scipy import stats

from analysis.errors import AnalysisError
from analysis.results import (
    Comparability,
    DesignSummary,
    EstimateTable,
    Finding,
    IndicatorMeta,
    ProportionCi,
    ProportionComparison,
    Verdict,
)

MIN_RELIABLE_N = 30
MAX_RELIABLE_RSE = 0.30

# Internal column names all start with "_"; user columns named like them would collide.
_W, _H, _P = "_w", "_h", "_p"
_DOMAIN, _CATEGORY = "_domain", "_category"
_SUMS = ("_x", "_y", "_xx", "_yy", "_xy", "_wyy")
_COUNTS = ("_n_rows", "_n_valid", "_n_pos", "_n_pos_valid")


@dataclass(frozen=True)
class _Design:
    """Column names of the design; ``None`` where the design has no such variable."""

    weight: str | None
    strata: str | None
    psu: str | None


@dataclass(frozen=True)
class _Sizes:
    """PSUs per stratum in the whole frame and the variance factors derived from them."""

    frame: pl.DataFrame  # _h, _n_h, _sc = n_h/(n_h-1) (0 for a single PSU), _g = sc/n_h
    summary: DesignSummary
    findings: tuple[Finding, ...]


@dataclass(frozen=True)
class _Moments:
    """Linearisation sums for every (domain, category), and what the covariances need."""

    estimates: pl.DataFrame  # domain + category keys, _X, _Y, _est, _var, _df, counts
    strata: pl.DataFrame  # per domain × stratum × category: _s1, _A, _B
    domains: pl.DataFrame  # per domain × stratum: _s0, _C, _sc, _g
    psu: pl.DataFrame | None  # per domain × stratum × PSU × category: _Yk, _Xp (PSU designs)
    domain: tuple[str, ...]
    category: tuple[str, ...]


# --------------------------------------------------------------------------- validation


def _check_columns(frame: pl.DataFrame, names: Sequence[str | None]) -> None:
    for name in names:
        if name is not None and name.startswith("_"):
            raise AnalysisError(
                f"Column name {name!r} starts with an underscore",
                detail="Names starting with '_' are reserved for the analysis's own columns.",
                hint="Rename the column.",
                code="reserved_column_name",
                source=name,
            )
        if name is not None and name not in frame.columns:
            raise AnalysisError(
                f"Column {name!r} is not in the data",
                detail=f"Available columns: {', '.join(frame.columns)}.",
                hint="Check the survey description for the variable's name.",
                code="unknown_column",
                source=name,
            )


def _check_design(
    frame: pl.DataFrame, design: _Design, extra: dict[str, pl.Expr] | None = None
) -> dict[str, Any]:
    """Validate weights and design variables; evaluate the caller's ``extra`` checks in the same pass.

    Returns the values of the ``extra`` expressions plus ``min_weight``.
    """
    if frame.height == 0:
        raise AnalysisError(
            "There are no respondents to analyse",
            detail="The data frame has no rows.",
            hint="Widen the filters.",
            code="empty_frame",
        )
    checks: dict[str, pl.Expr] = dict(extra or {})
    if design.weight is not None:
        if not frame.schema[design.weight].is_numeric():
            raise AnalysisError(
                f"Weight column {design.weight!r} is not numeric",
                detail=f"Its type is {frame.schema[design.weight]}.",
                code="invalid_weight",
                source=design.weight,
            )
        w = pl.col(design.weight).cast(pl.Float64)
        checks.update(
            _bad_weights=(w.is_nan() | w.is_infinite() | (w < 0)).sum(),
            _total_weight=w.sum(),
            min_weight=w.min(),
        )
    values = frame.select(**checks).row(0, named=True) if checks else {}
    values.setdefault("min_weight", 1.0)
    if design.weight is not None:
        if nulls := frame[design.weight].null_count():
            raise AnalysisError(
                f"Weight column {design.weight!r} has {nulls} missing values",
                detail="Every respondent in a weighted analysis needs a weight.",
                hint="Give respondents without a weight the weight 0, or drop them explicitly.",
                code="missing_weight",
                source=design.weight,
            )
        if values["_bad_weights"]:
            raise AnalysisError(
                f"Weight column {design.weight!r} has {values['_bad_weights']} negative or non-finite values",
                code="invalid_weight",
                source=design.weight,
            )
        if not values["_total_weight"] > 0:
            raise AnalysisError(
                f"The weights in {design.weight!r} sum to zero",
                code="zero_total_weight",
                source=design.weight,
            )
    for name in (design.strata, design.psu):
        if name is not None and (missing := frame[name].null_count()):
            raise AnalysisError(
                f"Design variable {name!r} has {missing} missing values",
                detail="Every respondent must belong to a stratum and a PSU.",
                code="missing_design_variable",
                source=name,
            )
    return values


def _stratum_sizes(agg: pl.DataFrame, design: _Design, n_rows: int) -> _Sizes:
    """PSUs of every stratum, from ``_aggregate`` (which keeps every row, whatever its values)."""
    if design.psu is not None:
        counts = agg.group_by(_H).agg(pl.col(_P).n_unique().alias("_n_h"))
    else:
        counts = agg.group_by(_H).agg(pl.col("_n_rows").sum().alias("_n_h"))
    counts = counts.with_columns(pl.col("_n_h").cast(pl.Float64))
    n_h = pl.col("_n_h")
    sizes = counts.with_columns(
        pl.when(n_h > 1).then(n_h / (n_h - 1)).otherwise(0.0).alias("_sc"),
    ).with_columns((pl.col("_sc") / n_h).alias("_g"))
    lonely = sizes.filter(n_h == 1)[_H].sort().to_list()
    findings = ()
    if lonely:
        findings = (
            Finding(
                "single_psu_in_stratum",
                "warning",
                {"strata": lonely, "count": len(lonely), "strata_column": design.strata},
            ),
        )
    n_psu = int(counts["_n_h"].sum())
    summary = DesignSummary(
        weight=design.weight,
        strata=design.strata,
        psu=design.psu,
        n_rows=n_rows,
        n_strata=counts.height,
        n_psu=n_psu,
        df=n_psu - counts.height,
    )
    return _Sizes(frame=sizes, summary=summary, findings=findings)


# --------------------------------------------------------------------------- linearisation


def _aggregate(
    frame: pl.DataFrame,
    design: _Design,
    *,
    keys: dict[str, str | None],
    form: Literal["category", "proportion", "mean"],
    value: pl.Expr | None = None,
    value_nulls: bool = False,
    valid: pl.Expr | None = None,
    positive_weights: bool = False,
) -> pl.DataFrame:
    """The one pass over respondents: sums per key × stratum (× PSU); every row is kept.

    ``keys`` maps internal key names to source columns (``None``: constant).
    Per group: ``_x = Σw`` and ``_y = Σw·y`` over valid rows (for ``"category"`` forms a row
    counts for its own category, so ``y = 1``), ``_xx = Σw²``, ``_yy = Σ(wy)²``, ``_xy = Σw·wy``,
    ``_wyy = Σw·y²``, and the counts ``_n_rows``, ``_n_valid``, ``_n_pos`` (w > 0) and
    ``_n_pos_valid``. Only the sums a form needs are computed; the others are derived (for a
    0/1 ``y``, ``y² = y``). For ``"category"`` forms ``valid`` says which rows are in the table
    (``None``: all); for value forms ``value_nulls`` says whether ``value`` has nulls to mask.
    ``positive_weights`` skips counting weights above zero when the minimum weight is positive.
    """
    has_psu = design.psu is not None
    # Group by each source column once: a key that repeats another (strata = the column
    # variable) or is constant (no layer, no strata) is added after the group-by, which
    # keeps the one pass over the respondents as cheap as the data allow.
    sources = {**keys, _H: design.strata}
    if has_psu:
        sources[_P] = design.psu
    group = list(dict.fromkeys(s for s in sources.values() if s is not None))
    agg = _group_sums(
        frame, design, group, form=form, value=value, value_nulls=value_nulls, valid=valid,
        positive_weights=positive_weights,
    ).select(
        *((pl.col(s) if s is not None else pl.lit(0)).alias(name) for name, s in sources.items()),
        pl.exclude(group),
    )
    derived: dict[str, pl.Expr] = {}
    if form == "category":
        derived.update(_y=pl.col("_x"), _yy=pl.col("_xx"), _xy=pl.col("_xx"), _wyy=pl.lit(0.0))
    elif form == "proportion":
        derived.update(_yy=pl.col("_xy"), _wyy=pl.col("_y"))
    missing = [name for name in _COUNTS if name not in agg.columns]
    if "_n_valid" in missing:
        derived["_n_valid"] = pl.col("_n_rows")
    if "_n_pos" in missing:
        derived["_n_pos"] = pl.col("_n_rows")
    if "_n_pos_valid" in missing:
        # Not counted because every weight is positive (then it is n_valid) or every row is
        # valid (then it is n_pos), or both (n_rows).
        if "_n_valid" not in missing:
            derived["_n_pos_valid"] = pl.col("_n_valid")
        elif "_n_pos" not in missing:
            derived["_n_pos_valid"] = pl.col("_n_pos")
        else:
            derived["_n_pos_valid"] = pl.col("_n_rows")
    if derived:
        agg = agg.with_columns(**derived)
    return agg.with_columns(pl.col(_COUNTS).cast(pl.Int64), pl.col(_SUMS).cast(pl.Float64))


def _group_sums(
    frame: pl.DataFrame,
    design: _Design,
    group: list[str],
    *,
    form: Literal["category", "proportion", "mean"],
    value: pl.Expr | None,
    value_nulls: bool,
    valid: pl.Expr | None,
    positive_weights: bool,
) -> pl.DataFrame:
    """The polars group-by behind ``_aggregate``: only the sums and counts ``form`` needs."""
    lf = frame.lazy().select(
        *group,
        (pl.col(design.weight).cast(pl.Float64) if design.weight else pl.lit(1.0)).alias(_W),
        *([value.alias("_value")] if value is not None else []),
        *([valid.alias("_valid")] if valid is not None else []),
    )
    w = pl.col(_W)
    if form == "category":
        ok = pl.col("_valid") if valid is not None else None
    else:
        # A null value makes w·y null, and sums skip nulls; x needs the same mask.
        ok = pl.col("_value").is_not_null() if value_nulls else None
    x = w if ok is None else pl.when(ok).then(w)
    aggs = [x.sum().alias("_x"), (x * x).sum().alias("_xx"), pl.len().alias("_n_rows")]
    if form != "category":
        v = pl.col("_value")
        aggs += [(w * v).sum().alias("_y"), (w * w * v).sum().alias("_xy")]
        if form == "mean":
            aggs += [(w * w * v * v).sum().alias("_yy"), (w * v * v).sum().alias("_wyy")]
    if ok is not None:
        aggs.append(ok.sum().alias("_n_valid"))
    if not positive_weights:
        aggs.append((w > 0).sum().alias("_n_pos"))
        if ok is not None:
            aggs.append(((w > 0) & ok).sum().alias("_n_pos_valid"))
    if not group:
        return lf.select(aggs).collect()
    # polars' streaming engine groups a million respondents in about half the time of the
    # in-memory one on 2 CPUs (bench/bench_survey_trend.py), and is no slower on small samples.
    return lf.group_by(group).agg(aggs).collect(engine="streaming")


def _linearise(
    agg: pl.DataFrame,
    *,
    domain: Sequence[str],
    category: Sequence[str],
    has_psu: bool,
    sizes: _Sizes,
) -> _Moments:
    """Ratio estimates and linearised variances per (domain, category) from ``_aggregate``.

    ``category`` rows with a null key are respondents outside every category (e.g. a missing
    row variable): they count for the domain's rows and df, never for estimates.
    """
    dom = list(domain) or [_DOMAIN]
    cat = list(category) or [_CATEGORY]
    frame = agg.lazy()
    if not domain:
        frame = frame.with_columns(pl.lit(0).alias(_DOMAIN))
    if not category:
        frame = frame.with_columns(pl.lit(0).alias(_CATEGORY))
    frame = frame.filter(pl.all_horizontal(pl.col(dom).is_not_null()))
    counts = [pl.col(name).sum() for name in _COUNTS]

    psu = None
    if has_psu:
        psu = (
            frame.group_by([*dom, _H, _P, *cat])
            .agg(
                pl.col("_y").sum().alias("_Yk"),
                pl.col("_x").sum().alias("_Xk"),
                pl.col("_xx").sum().alias("_w2"),
                pl.col("_wyy").sum().alias("_wyy"),
                *counts,
            )
            .with_columns(pl.col("_Xk").sum().over([*dom, _H, _P]).alias("_Xp"))
            .collect()
        )
        strata = psu.lazy().group_by([*dom, _H, *cat]).agg(
            pl.col("_Yk").sum().alias("_s1"),
            (pl.col("_Yk") ** 2).sum().alias("_A"),
            (pl.col("_Yk") * pl.col("_Xp")).sum().alias("_B"),
            pl.col("_Xk").sum().alias("_xk"),
            pl.col("_w2").sum(),
            pl.col("_wyy").sum(),
            *counts,
        )
        domains = psu.lazy().group_by([*dom, _H]).agg(
            pl.col("_Xk").sum().alias("_s0"),
            (pl.col("_Xk") * pl.col("_Xp")).sum().alias("_C"),
            pl.col("_w2").sum(),
            pl.col("_wyy").sum(),
            *counts,
            pl.col(_P).filter(pl.col("_n_pos") > 0).n_unique().alias("_npsu"),
        )
    else:
        strata = frame.group_by([*dom, _H, *cat]).agg(
            pl.col("_y").sum().alias("_s1"),
            pl.col("_yy").sum().alias("_A"),
            pl.col("_xy").sum().alias("_B"),
            pl.col("_x").sum().alias("_xk"),
            pl.col("_xx").sum().alias("_w2"),
            pl.col("_wyy").sum().alias("_wyy"),
            *counts,
        )
        domains = strata.group_by([*dom, _H]).agg(
            pl.col("_xk").sum().alias("_s0"),
            pl.col("_w2").sum().alias("_C"),
            pl.col("_w2").sum(),
            pl.col("_wyy").sum(),
            *counts,
            pl.col("_n_pos").sum().alias("_npsu"),
        )
    factors = sizes.frame.lazy().select(_H, "_n_h", "_sc", "_g")
    domains = domains.join(factors, on=_H, how="left").collect()
    strata = (
        strata.join(domains.lazy().select(*dom, _H, "_s0", "_sc", "_g"), on=[*dom, _H], how="left")
        .filter(pl.all_horizontal(pl.col(cat).is_not_null()))
        .collect()
    )
    sc, g = pl.col("_sc"), pl.col("_g")
    per_domain = domains.lazy().group_by(dom).agg(
        pl.col("_s0").sum().alias("_X"),
        (sc * pl.col("_C") - g * pl.col("_s0") ** 2).sum().alias("_Q"),
        (sc * pl.col("_C")).sum().alias("_ZC"),
        (pl.col("_npsu").sum() - (pl.col("_npsu") > 0).sum()).cast(pl.Int64).alias("_df"),
        pl.col("_w2").sum().alias("_w2_domain"),
        pl.col("_wyy").sum().alias("_wyy_domain"),
        pl.col("_n_rows").sum().alias("_n_rows"),
        pl.col("_n_valid").sum().alias("_n_valid"),
        pl.col("_n_pos_valid").sum().alias("_n_pos_valid"),
    )
    per_category = strata.lazy().group_by([*dom, *cat]).agg(
        pl.col("_s1").sum().alias("_Y"),
        (sc * pl.col("_A") - g * pl.col("_s1") ** 2).sum().alias("_P1"),
        (sc * pl.col("_B") - g * pl.col("_s1") * pl.col("_s0")).sum().alias("_P2"),
        (sc * pl.col("_A")).sum().alias("_ZA"),
        (sc * pl.col("_B")).sum().alias("_ZB"),
        pl.col("_xk").sum().alias("_weighted_k"),
        pl.col("_n_valid").sum().alias("_n_k"),
        pl.col("_n_pos_valid").sum().alias("_n_pos_k"),
    )
    p = pl.col("_Y") / pl.col("_X")
    estimates = (
        per_category.join(per_domain, on=dom, how="left")
        .with_columns(p.alias("_est"))
        .with_columns(
            (
                (pl.col("_P1") - 2 * pl.col("_est") * pl.col("_P2") + pl.col("_est") ** 2 * pl.col("_Q"))
                / pl.col("_X") ** 2
            ).alias("_var")
        )
        .collect()
    )
    return _Moments(
        estimates=estimates,
        strata=strata,
        domains=domains,
        psu=psu,
        domain=tuple(dom),
        category=tuple(cat),
    )


def _index(frame: pl.DataFrame, columns: Sequence[str]) -> np.ndarray:
    """Dense 0-based codes of the distinct values of ``columns``, row by row (in sort order)."""
    return frame.select(pl.struct(list(columns)).rank("dense")).to_series().to_numpy().astype(np.int64) - 1


def _covariance(
    moments: _Moments, items: pl.DataFrame, *, totals: bool = False
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """Linearised covariance matrix of the estimates named by ``items`` (domain + category keys).

    ``items`` may name (domain, category) pairs without respondents: their estimate is 0.
    Entry (i, j) is ``[Σ_h sc_h Σ_p z̃_pi z̃_pj − Σ_h g_h S̃_hi S̃_hj] / (X_i X_j)`` with
    ``z̃_pi = Y_pi − p_i X_p`` the PSU total of the unnormalised influence and ``S̃`` its stratum
    sum. Estimates in different domains covary through shared PSUs and strata. With
    ``totals=True`` it returns a pair: that matrix and the covariance of the weighted totals
    ``Y`` (R ``svytotal``; the same sums with ``p = 0`` and no division by ``X``).
    """
    dom, cat = list(moments.domain), list(moments.category)
    keys = [*dom, *cat]
    est = moments.estimates.select(*keys, "_est", "_ZA", "_ZB")
    per_domain = moments.estimates.unique(subset=dom).select(*dom, "_ZC")
    table = (
        items.select(keys)
        .with_row_index("_i")
        .join(est, on=keys, how="left")
        .join(moments.domains.group_by(dom).agg(pl.col("_s0").sum().alias("_X")), on=dom, how="left")
        .join(per_domain, on=dom, how="left")
        .with_columns(pl.col("_est", "_ZA", "_ZB", "_ZC").fill_null(0.0))
        .sort("_i")
    )
    n = table.height
    p = table["_est"].to_numpy()
    x = table["_X"].to_numpy()

    # Stratum sums S̃_hi = s1 − p·s0 for every stratum where the item's domain has rows.
    strat = (
        table.select("_i", *keys, "_est")
        .join(moments.domains.select(*dom, _H, "_s0", "_g"), on=dom, how="inner")
        .join(moments.strata.select(*keys, _H, "_s1"), on=[*keys, _H], how="left")
        .with_columns(pl.col("_s1").fill_null(0.0))
        .with_columns(((pl.col("_s1") - pl.col("_est") * pl.col("_s0")) * pl.col("_g").sqrt()).alias("_u"))
    )
    strata_index = _index(strat, [_H])
    n_strata = int(strata_index.max()) + 1 if strat.height else 0

    def cross(values: np.ndarray) -> np.ndarray:
        u = sparse.csr_matrix((values, (strata_index, strat["_i"].to_numpy())), shape=(n_strata, n))
        return (u.T @ u).toarray()

    uu = cross(strat["_u"].to_numpy())
    uu_tot = cross((strat["_s1"] * strat["_g"].sqrt()).to_numpy()) if totals else None
    if moments.psu is None:
        # Each respondent is its own PSU and lies in one domain and one category, so PSU
        # cross-products vanish between domains and between categories of a domain.
        same = _index(table, dom)
        same = same[:, None] == same[None, :]
        za, zb, zc = (table[c].to_numpy() for c in ("_ZA", "_ZB", "_ZC"))
        zz_tot = np.diag(za)
        zz = zz_tot + same * (-np.outer(p, zb) - np.outer(zb, p) + np.outer(p, p) * zc[:, None])
    else:
        # PSU totals as sparse matrices, rows scaled by sqrt(sc_h): Y (PSU × items) and
        # X (PSU × domains). Then z̃ = Y − X[:, d]·diag(p) and
        # Z'Z = Y'Y − (Y'X)[:, d]·diag(p) − its transpose + p p' ∘ (X'X)[d, d].
        root_sc = moments.domains.select(_H, pl.col("_sc").sqrt().alias("_root_sc")).unique(subset=[_H])
        psu_index = moments.psu.select(_H, _P).unique().with_row_index("_pi")
        domain_index = table.select(dom).unique(maintain_order=True).with_row_index("_di")
        item_domain = table.join(domain_index, on=dom, how="left", maintain_order="left")["_di"].to_numpy()
        y_entries = (
            moments.psu.select(*keys, _H, _P, "_Yk")
            .join(table.select("_i", *keys), on=keys, how="inner")
            .join(psu_index, on=[_H, _P], how="left")
            .join(root_sc, on=_H, how="left")
        )
        x_entries = (
            moments.psu.group_by([*dom, _H, _P])
            .agg(pl.col("_Xp").first())
            .join(domain_index, on=dom, how="inner")
            .join(psu_index, on=[_H, _P], how="left")
            .join(root_sc, on=_H, how="left")
        )
        n_psu, n_dom = psu_index.height, domain_index.height
        y_mat = sparse.csr_matrix(
            ((y_entries["_Yk"] * y_entries["_root_sc"]).to_numpy(), (y_entries["_pi"].to_numpy(), y_entries["_i"].to_numpy())),
            shape=(n_psu, n),
        )
        x_mat = sparse.csr_matrix(
            ((x_entries["_Xp"] * x_entries["_root_sc"]).to_numpy(), (x_entries["_pi"].to_numpy(), x_entries["_di"].to_numpy())),
            shape=(n_psu, n_dom),
        )
        yy = zz_tot = (y_mat.T @ y_mat).toarray()
        yx = (y_mat.T @ x_mat).toarray()[:, item_domain] * p[None, :]
        xx = (x_mat.T @ x_mat).toarray()[np.ix_(item_domain, item_domain)]
        zz = yy - yx - yx.T + np.outer(p, p) * xx
    with np.errstate(divide="ignore", invalid="ignore"):
        cov = (zz - uu) / np.outer(x, x)
    return (cov, zz_tot - uu_tot) if totals else cov


# --------------------------------------------------------------------------- intervals


def _t_quantile(q: float, df: np.ndarray) -> np.ndarray:
    out = np.full(df.shape, np.nan)
    ok = df > 0
    out[ok] = stats.t.ppf(q, df[ok])
    return out


def _proportion_intervals(
    p: np.ndarray,
    var: np.ndarray,
    df: np.ndarray,
    n_rows: np.ndarray,
    n_pos: np.ndarray,
    *,
    method: ProportionCi,
    alpha: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Logit or Korn–Graubard intervals (see the module docstring); returns low, high, boundary."""
    df = df.astype(float)
    n_rows = n_rows.astype(float)
    low = np.full(p.shape, np.nan)
    high = np.full(p.shape, np.nan)
    se = np.sqrt(np.clip(var, 0.0, None))
    inner = (p > 0) & (p < 1) & (df > 0)
    boundary = ((p == 0) | (p == 1)) & (df > 0) & (n_pos > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        t_ratio = (_t_quantile(alpha / 2, n_rows - 1) / _t_quantile(alpha / 2, df)) ** 2
        if method == "logit":
            t = _t_quantile(1 - alpha / 2, df)
            eta = np.log(p / (1 - p))
            half = t * se / (p * (1 - p))
            low[inner] = (1 / (1 + np.exp(-(eta - half))))[inner]
            high[inner] = (1 / (1 + np.exp(-(eta + half))))[inner]
        else:
            n_eff = p * (1 - p) / var * t_ratio
            a = n_eff * p
            b = n_eff * (1 - p)
            ok = inner & np.isfinite(n_eff) & (n_eff > 0)
            low[ok] = stats.beta.ppf(alpha / 2, a[ok], b[ok] + 1)
            high[ok] = stats.beta.ppf(1 - alpha / 2, a[ok] + 1, b[ok])
        n_star = n_pos.astype(float) * t_ratio
    zero = boundary & (p == 0)
    one = boundary & (p == 1)
    low[zero] = 0.0
    high[zero] = stats.beta.ppf(1 - alpha / 2, 1.0, n_star[zero])
    low[one] = stats.beta.ppf(alpha / 2, n_star[one], 1.0)
    high[one] = 1.0
    return low, high, boundary


def _reliability(n: np.ndarray, estimate: np.ndarray, se: np.ndarray) -> list[str | None]:
    with np.errstate(divide="ignore", invalid="ignore"):
        rse = se / np.abs(estimate)
    reasons: list[str | None] = []
    for n_i, rse_i in zip(n, rse):
        if n_i < MIN_RELIABLE_N:
            reasons.append("n_below_30")
        elif np.isfinite(rse_i) and rse_i > MAX_RELIABLE_RSE:
            reasons.append("rse_above_30")
        else:
            reasons.append(None)
    return reasons


def _float_series(name: str, values: np.ndarray) -> pl.Series:
    """A Float64 series with NaN turned into null (not computable)."""
    return pl.Series(name, np.asarray(values, dtype=np.float64), dtype=pl.Float64, nan_to_null=True)


# --------------------------------------------------------------------------- public API


def _value_moments(
    frame: pl.DataFrame,
    design: _Design,
    *,
    variable: str,
    statistic: Literal["proportion", "mean"],
    by: Sequence[str],
) -> tuple[_Moments, _Sizes, dict[str, Any]]:
    """Validate, aggregate in one pass and linearise a proportion or mean per ``by`` domain."""
    dtype = frame.schema[variable]
    if not (dtype.is_numeric() or dtype == pl.Boolean):
        raise AnalysisError(
            f"Column {variable!r} is not numeric",
            detail=f"Its type is {dtype}.",
            code="not_numeric",
            source=variable,
        )
    value = pl.col(variable).cast(pl.Float64)
    extra: dict[str, pl.Expr] = {}
    if dtype.is_float():
        extra["nan"] = value.is_nan().sum()
    if statistic == "proportion" and dtype != pl.Boolean:
        extra["not_binary"] = ((value != 0) & (value != 1)).sum()
    if statistic == "mean":
        # Centre the variable: the variance is shift-invariant and the sums lose fewer digits.
        extra["shift"] = value.mean()
    if by:
        extra["null_by"] = pl.any_horizontal(pl.col(by).is_null()).sum()
    checks = _check_design(frame, design, extra)
    if checks.get("nan"):
        raise AnalysisError(
            f"Column {variable!r} has {checks['nan']} NaN values",
            hint="Use null for missing answers.",
            code="invalid_value",
            source=variable,
        )
    if checks.get("not_binary"):
        raise AnalysisError(
            f"Indicator {variable!r} has {checks['not_binary']} values other than 0 and 1",
            hint="Recode the answers that count (e.g. the top box) to 1 and the others to 0.",
            code="indicator_not_binary",
            source=variable,
        )
    checks["shift"] = checks.get("shift") or 0.0
    checks.setdefault("null_by", 0)
    agg = _aggregate(
        frame,
        design,
        keys={name: name for name in by},
        form=statistic,
        value=value - checks["shift"] if checks["shift"] else value,
        value_nulls=frame[variable].null_count() > 0,
        positive_weights=checks["min_weight"] > 0,
    )
    sizes = _stratum_sizes(agg, design, frame.height)
    moments = _linearise(agg, domain=by, category=(), has_psu=design.psu is not None, sizes=sizes)
    return moments, sizes, checks


def _estimate(
    frame: pl.DataFrame,
    *,
    variable: str,
    statistic: Literal["proportion", "mean"],
    weight: str | None,
    by: Sequence[str],
    strata: str | None,
    psu: str | None,
    ci: Literal["logit", "korn_graubard", "t"],
    alpha: float,
) -> EstimateTable:
    by = [by] if isinstance(by, str) else list(by)
    if not 0 < alpha < 1:
        raise AnalysisError(f"alpha must be between 0 and 1, not {alpha}", code="invalid_option", source="alpha")
    design = _Design(weight, strata, psu)
    _check_columns(frame, [variable, weight, strata, psu, *by])
    moments, sizes, checks = _value_moments(frame, design, variable=variable, statistic=statistic, by=by)
    shift = checks["shift"]
    est = moments.estimates.sort(by) if by else moments.estimates

    x = est["_X"].to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        centred = est["_est"].to_numpy()
    centred = np.where(x > 0, centred, np.nan)
    var = np.where(x > 0, est["_var"].to_numpy(), np.nan)
    se = np.sqrt(np.clip(var, 0.0, None))
    df = est["_df"].to_numpy()
    n_valid = est["_n_valid"].to_numpy()
    n_pos = est["_n_pos_valid"].to_numpy()
    estimate = centred + shift
    with np.errstate(divide="ignore", invalid="ignore"):
        if statistic == "proportion":
            s2 = centred * (1 - centred)
        else:
            s2 = est["_wyy_domain"].to_numpy() / x - centred**2
        deff = var / (s2 / (n_pos - 1))
        n_effective = x**2 / est["_w2_domain"].to_numpy()
    findings: list[Finding] = list(sizes.findings)
    if statistic == "proportion":
        low, high, boundary = _proportion_intervals(
            centred, var, df, est["_n_rows"].to_numpy(), n_pos, method=ci, alpha=alpha
        )
        if boundary.any():
            findings.append(
                Finding("boundary_estimate", "info", {"groups": int(boundary.sum())})
            )
    else:
        half = _t_quantile(1 - alpha / 2, df.astype(float)) * se
        low, high = estimate - half, estimate + half
    n_missing = est["_n_rows"].to_numpy() - n_valid
    if (total_missing := int(n_missing.sum())) > 0:
        findings.append(Finding("missing_values_excluded", "info", {"count": total_missing, "column": variable}))
    if checks["null_by"]:
        findings.append(Finding("missing_group_excluded", "info", {"count": checks["null_by"], "columns": by}))
    if (n_valid == 0).any():
        findings.append(Finding("no_valid_responses", "warning", {"groups": int((n_valid == 0).sum())}))
    reasons = _reliability(n_valid, estimate, se)
    out = pl.DataFrame(
        [
            *(est[c] for c in by),
            _float_series("estimate", estimate),
            _float_series("se", se),
            _float_series("ci_low", low),
            _float_series("ci_high", high),
            _float_series("deff", deff),
            pl.Series("n_unweighted", n_valid, dtype=pl.Int64),
            pl.Series("n_missing", n_missing, dtype=pl.Int64),
            pl.Series("weighted_n", x, dtype=pl.Float64),
            _float_series("n_effective", n_effective),
            pl.Series("df", df, dtype=pl.Int64),
            pl.Series("is_unreliable", [r is not None for r in reasons], dtype=pl.Boolean),
            pl.Series("unreliable_reason", reasons, dtype=pl.String),
        ]
    )
    return EstimateTable(
        frame=out,
        statistic=statistic,
        variable=variable,
        ci_method=ci,
        alpha=alpha,
        design=sizes.summary,
        findings=tuple(findings),
    )


def weighted_proportion(
    frame: pl.DataFrame,
    *,
    indicator: str,
    weight: str | None = None,
    by: Sequence[str] = (),
    strata: str | None = None,
    psu: str | None = None,
    ci: ProportionCi = "logit",
    alpha: float = 0.05,
) -> EstimateTable:
    """Weighted proportion of respondents with ``indicator == 1``, per ``by`` group.

    Args:
        frame: one row per respondent; not modified.
        indicator: 0/1 (or boolean) column; null rows are excluded and counted in ``n_missing``.
        weight: weight column (non-negative, no nulls); ``None`` for equal weights.
        by: grouping columns; each group is a domain of the whole design. Rows with a null
            group value are left out of every group (reported as a finding).
        strata: strata column, or ``None``.
        psu: PSU column (nested in strata), or ``None`` when respondents are the PSUs.
        ci: ``"logit"`` (R ``svyciprop(method="logit")``) or ``"korn_graubard"`` (R ``"beta"``).
        alpha: one minus the interval's level.

    Returns:
        An ``EstimateTable`` (columns documented there), sorted by the ``by`` columns;
        estimates and intervals are proportions between 0 and 1.

    Raises:
        AnalysisError: unknown column (``unknown_column``), a non-binary indicator
            (``indicator_not_binary``), missing or invalid weights or design variables.
    """
    return _estimate(
        frame,
        variable=indicator,
        statistic="proportion",
        weight=weight,
        by=by,
        strata=strata,
        psu=psu,
        ci=ci,
        alpha=alpha,
    )


def weighted_mean(
    frame: pl.DataFrame,
    *,
    variable: str,
    weight: str | None = None,
    by: Sequence[str] = (),
    strata: str | None = None,
    psu: str | None = None,
    alpha: float = 0.05,
) -> EstimateTable:
    """Weighted mean of ``variable`` per ``by`` group (e.g. a 0–10 trust score).

    Args:
        frame: one row per respondent; not modified.
        variable: numeric column; null rows are excluded and counted in ``n_missing``.
        weight: weight column (non-negative, no nulls); ``None`` for equal weights.
        by: grouping columns; each group is a domain of the whole design.
        strata: strata column, or ``None``.
        psu: PSU column (nested in strata), or ``None``.
        alpha: one minus the interval's level; the interval uses ``t`` on the group's df.

    Returns:
        An ``EstimateTable`` sorted by the ``by`` columns, in the variable's units.

    Raises:
        AnalysisError: unknown or non-numeric column, missing or invalid weights.
    """
    return _estimate(
        frame,
        variable=variable,
        statistic="mean",
        weight=weight,
        by=by,
        strata=strata,
        psu=psu,
        ci="t",
        alpha=alpha,
    )


def _verdict(difference: float, p_value: float, alpha: float) -> Verdict:
    if p_value < alpha and difference > 0:
        return "significant_increase"
    if p_value < alpha and difference < 0:
        return "significant_decrease"
    return "no_significant_change"


def compare_proportions(
    frame: pl.DataFrame,
    *,
    indicator: str,
    group: str,
    value: Any,
    reference: Any = None,
    samples: Literal["independent", "same_design"],
    weight: str | None = None,
    strata: str | None = None,
    psu: str | None = None,
    alpha: float = 0.05,
) -> ProportionComparison:
    """Test the difference between the proportion in ``value`` and in ``reference``.

    Wave to wave: ``group="wave", value=<later wave>, reference=<earlier wave>,
    samples="independent"`` (each wave its own sample and design). Area against the rest:
    ``group="area", value=<area>, reference=None, samples="same_design"`` (the two are
    domains of one survey and share its strata and PSUs).

    Args:
        frame: one row per respondent; not modified.
        indicator: 0/1 column; nulls excluded.
        group: column that tells the two sides apart.
        value: the group value whose proportion is compared.
        reference: the value compared with; ``None`` for every other non-null value.
        samples: ``"independent"`` (variance ``V₁ + V₂``, each side's design on its own rows)
            or ``"same_design"`` (linearised variance of the difference, covariance included).
        weight: weight column or ``None``.
        strata: strata column or ``None``.
        psu: PSU column or ``None``.
        alpha: significance level; the interval's level is ``1 - alpha``.

    Returns:
        A ``ProportionComparison`` with ``difference = value − reference`` (proportions,
        not percentage points), its SE, interval, p-value and verdict code.

    Raises:
        AnalysisError: a side without respondents (``empty_comparison_group``) or invalid input.
    """
    if samples not in ("independent", "same_design"):
        raise AnalysisError(f"Unknown samples option {samples!r}", code="invalid_option", source="samples")
    _check_columns(frame, [indicator, group])
    side = pl.when(pl.col(group) == value).then(pl.lit("value"))
    if reference is None:
        side = side.when(pl.col(group).is_not_null()).then(pl.lit("reference"))
    else:
        side = side.when(pl.col(group) == reference).then(pl.lit("reference"))
    side_column = "comparison_side"
    while side_column in frame.columns:
        side_column += "_"
    labelled = frame.with_columns(side.otherwise(None).alias(side_column))
    counts = labelled.group_by(side_column).len()
    for name, label in (("value", value), ("reference", reference)):
        if counts.filter(pl.col(side_column) == name).height == 0:
            raise AnalysisError(
                f"No respondents in {group} = {label!r}" if label is not None else f"No other {group} to compare with",
                code="empty_comparison_group",
                source=group,
            )
    common = dict(indicator=indicator, weight=weight, strata=strata, psu=psu, alpha=alpha)
    if samples == "independent":
        sides = {
            name: weighted_proportion(labelled.filter(pl.col(side_column) == name), **common)
            for name in ("value", "reference")
        }
        rows = {name: table.frame.row(0, named=True) for name, table in sides.items()}
        variance = rows["value"]["se"] ** 2 + rows["reference"]["se"] ** 2
        findings = tuple(f for t in sides.values() for f in t.findings)
    else:
        table = weighted_proportion(labelled, by=[side_column], **common)
        rows = {r[side_column]: r for r in table.frame.iter_rows(named=True)}
        # The covariance needs the linearisation sums, so redo them (cheap: one pass).
        moments, _, _ = _value_moments(
            labelled, _Design(weight, strata, psu), variable=indicator, statistic="proportion", by=[side_column]
        )
        items = pl.DataFrame({side_column: ["value", "reference"], _CATEGORY: [0, 0]})
        cov = _covariance(moments, items)
        variance = cov[0, 0] + cov[1, 1] - 2 * cov[0, 1]
        findings = table.findings
    if rows["value"]["estimate"] is None or rows["reference"]["estimate"] is None:
        raise AnalysisError(
            "A side of the comparison has no valid answers",
            code="empty_comparison_group",
            source=indicator,
        )
    difference = rows["value"]["estimate"] - rows["reference"]["estimate"]
    se = math.sqrt(max(variance, 0.0))
    z = difference / se if se > 0 else math.nan
    p_value = float(2 * stats.norm.sf(abs(z))) if se > 0 else math.nan
    half = stats.norm.ppf(1 - alpha / 2) * se
    extra: list[Finding] = []
    small = [name for name in ("value", "reference") if rows[name]["n_unweighted"] < MIN_RELIABLE_N]
    if small:
        extra.append(Finding("small_sample", "warning", {"sides": small, "min_n": MIN_RELIABLE_N}))
    return ProportionComparison(
        value=value,
        reference=reference,
        samples=samples,
        estimate_value=rows["value"]["estimate"],
        estimate_reference=rows["reference"]["estimate"],
        n_value=rows["value"]["n_unweighted"],
        n_reference=rows["reference"]["n_unweighted"],
        difference=difference,
        se=se,
        ci_low=difference - half,
        ci_high=difference + half,
        z=z,
        p_value=p_value,
        verdict=_verdict(difference, p_value, alpha) if se > 0 else "no_significant_change",
        alpha=alpha,
        findings=(*findings, *extra),
    )


def comparability(a: IndicatorMeta, b: IndicatorMeta) -> Comparability:
    """Decide whether two indicator figures may be compared (e.g. on one trend line).

    They compare when they measure the same indicator on the same answer scale (yes/no,
    4-point, 5-point, 0–10, 0–100 mean) from the same kind of sample (probability / opt-in).
    A top-box share of a 4-point item is not the "yes" share of a yes/no item, and an opt-in
    panel's figure is not an estimate for the population a probability sample describes.

    Args:
        a: the first figure's metadata.
        b: the second figure's metadata.

    Returns:
        ``Comparability`` with every reason found, in the order ``different_indicator``,
        ``different_scale``, ``different_sample_type``.
    """
    reasons = tuple(
        code
        for code, differs in (
            ("different_indicator", a.indicator != b.indicator),
            ("different_scale", a.scale != b.scale),
            ("different_sample_type", a.sample_type != b.sample_type),
        )
        if differs
    )
    return Comparability(
        is_comparable=not reasons,
        code=reasons[0] if reasons else "comparable",
        reasons=reasons,
    )
