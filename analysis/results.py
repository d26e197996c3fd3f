"""Frozen result types shared by the analysis modules, and the generic ``Finding``.

Results carry numbers and codes only. Sentences for users are made in ``ui`` from the codes
(house style §5.6): ``verdict="significant_increase"`` here, "Trust rose …" there. Frames are
polars; each field's R ``survey`` equivalent is stated where there is one.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import polars as pl

Severity = Literal["info", "warning"]
Scale = Literal["yes_no", "4_point", "5_point", "0_10", "0_100_mean"]
SampleType = Literal["probability", "opt_in"]
Verdict = Literal["significant_increase", "significant_decrease", "no_significant_change"]
ProportionCi = Literal["logit", "korn_graubard"]
PercentBase = Literal["col", "row", "total"]


@dataclass(frozen=True)
class Finding:
    """Something about a result the reader should know, as a code plus its parameters.

    Attributes:
        code: stable machine-readable code, e.g. ``"single_psu_in_stratum"``; the UI
            translates it.
        severity: ``"warning"`` when an estimate may mislead, ``"info"`` otherwise.
        params: the numbers and names the message needs (counts, strata, cells).
    """

    code: str
    severity: Severity
    params: dict[str, Any]


@dataclass(frozen=True)
class DesignSummary:
    """The sampling design an estimate was computed under.

    Attributes:
        weight: weight column, or ``None`` for equal weights.
        strata: strata column, or ``None`` for one stratum.
        psu: primary sampling unit column, or ``None`` when each respondent is its own PSU.
        n_rows: rows in the frame (every row belongs to the design, whatever its values).
        n_strata: strata in the design.
        n_psu: PSUs in the design.
        df: design degrees of freedom, PSUs minus strata (R ``degf(design)``).
    """

    weight: str | None
    strata: str | None
    psu: str | None
    n_rows: int
    n_strata: int
    n_psu: int
    df: int


@dataclass(frozen=True)
class EstimateTable:
    """Weighted proportions or means, one row per ``by`` group.

    ``frame`` columns (R equivalents for ``svyby(~y, ~by, design, …)``):

    - the ``by`` columns;
    - ``estimate``: weighted proportion (0–1) or mean (``svymean`` coefficient);
    - ``se``: Taylor-linearised standard error (``SE(svymean)``);
    - ``ci_low``, ``ci_high``: interval at level ``1 - alpha``; for proportions
      ``svyciprop(method="logit")`` or ``"beta"`` (Korn–Graubard), for means
      ``confint(svymean, df=degf(domain))``;
    - ``deff``: design effect against simple random sampling with replacement
      (``svymean(deff="replace")``);
    - ``n_unweighted``: respondents in the group with a non-null value;
    - ``n_missing``: respondents in the group whose value is null (excluded);
    - ``weighted_n``: sum of weights over ``n_unweighted``;
    - ``n_effective``: Kish's effective sample size ``(Σw)² / Σw²``;
    - ``df``: degrees of freedom of the group's design, PSUs minus strata among the group's
      rows (``degf(subset(design, group))``, as ``svyciprop`` uses under ``svyby``);
    - ``is_unreliable``, ``unreliable_reason``: ``"n_below_30"`` when
      ``n_unweighted < 30``, else ``"rse_above_30"`` when ``se / |estimate| > 0.3``, else null.

    Attributes:
        frame: the table described above.
        statistic: ``"proportion"`` or ``"mean"``.
        variable: the indicator or variable estimated.
        ci_method: ``"logit"``, ``"korn_graubard"`` or ``"t"`` (means).
        alpha: one minus the interval's level.
        design: the design the estimates were computed under.
        findings: notes about the result (missing values, single-PSU strata, …).
    """

    frame: pl.DataFrame
    statistic: Literal["proportion", "mean"]
    variable: str
    ci_method: Literal["logit", "korn_graubard", "t"]
    alpha: float
    design: DesignSummary
    findings: tuple[Finding, ...]


@dataclass(frozen=True)
class ProportionComparison:
    """The difference of two weighted proportions and its test.

    ``difference = estimate_value - estimate_reference``. The test is a two-sided Wald test
    with the normal distribution: ``z = difference / se``; the interval is
    ``difference ± z_{1-alpha/2} · se`` (R: ``svycontrast`` on ``svyglm(y ~ 0 + group)`` and
    ``confint`` for the same design; ``sqrt(var1 + var2)`` for independent samples).

    Attributes:
        value: the group compared (e.g. the later wave, or the area).
        reference: the group compared with; ``None`` means every other group ("rest").
        samples: ``"independent"`` (each side its own design, no covariance) or
            ``"same_design"`` (two domains of one design, covariance included).
        estimate_value: proportion in ``value``.
        estimate_reference: proportion in ``reference``.
        n_value: respondents with a non-null indicator in ``value``.
        n_reference: respondents with a non-null indicator in ``reference``.
        difference: ``estimate_value - estimate_reference``.
        se: standard error of the difference.
        ci_low: lower end of the interval for the difference.
        ci_high: upper end of the interval for the difference.
        z: the Wald statistic.
        p_value: two-sided p-value.
        verdict: ``"significant_increase"`` / ``"significant_decrease"`` when ``p_value <
            alpha`` (direction of ``difference``), else ``"no_significant_change"``.
        alpha: significance level.
        findings: notes (e.g. a side with fewer than 30 respondents).
    """

    value: Any
    reference: Any
    samples: Literal["independent", "same_design"]
    estimate_value: float
    estimate_reference: float
    n_value: int
    n_reference: int
    difference: float
    se: float
    ci_low: float
    ci_high: float
    z: float
    p_value: float
    verdict: Verdict
    alpha: float
    findings: tuple[Finding, ...]


@dataclass(frozen=True)
class IndicatorMeta:
    """What an indicator measures and how, enough to decide whether two figures compare.

    Attributes:
        indicator: the common indicator code (e.g. ``"trust_police"``) from the item bank.
        scale: answer scale of the item it comes from.
        sample_type: ``"probability"`` or ``"opt_in"``.
    """

    indicator: str
    scale: Scale
    sample_type: SampleType


@dataclass(frozen=True)
class Comparability:
    """Whether two indicator figures can be compared, and if not, why.

    Attributes:
        is_comparable: ``True`` only when ``reasons`` is empty.
        code: ``"comparable"`` or the first reason.
        reasons: every reason found, in the order ``"different_indicator"``,
            ``"different_scale"``, ``"different_sample_type"``.
    """

    is_comparable: bool
    code: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class RaoScottTest:
    """Design-based test of independence of ``row`` and ``col`` in one layer.

    With ``X²`` the Pearson statistic of the weighted table scaled to ``n_complete`` and
    ``δ`` the eigenvalues of the generalised design-effect matrix ``Δ`` (``k =
    (r-1)(c-1)`` of them; Rao & Scott 1981, 1984):

    Attributes:
        layer: the layer's value (``None`` when there are no layers).
        n_rows: rows of the layer (respondents, with any values).
        n_complete: rows with both ``row`` and ``col`` present; the table is scaled to it.
        design_df: PSUs minus strata among the layer's rows (R: ``nu`` in ``svychisq``).
        pearson_x2: ``X²`` (R ``svychisq(statistic="Chisq")$statistic``; R scales to
            ``nrow(design)``, which differs only when ``row`` or ``col`` has missing values).
        pearson_df: ``k``.
        pearson_p: ``P(χ²_k > X²)``, the unadjusted p-value (no design correction).
        mean_deff: ``δ̄ = tr(Δ)/k``, the mean generalised design effect.
        deff_cv2: ``a²``, the squared coefficient of variation of the ``δ``.
        first_order_x2: ``X²/δ̄`` (first-order Rao–Scott).
        first_order_df: ``k``.
        first_order_p: ``P(χ²_k > X²/δ̄)`` (R ``svychisq(statistic="Chisq")$p.value``).
        second_order_x2: ``X²/(δ̄(1+a²)) = X²·tr(Δ)/tr(Δ²)`` (Satterthwaite second order).
        second_order_df: ``k/(1+a²) = tr(Δ)²/tr(Δ²)``.
        second_order_p: ``P(χ²_df > second_order_x2)`` (the limit of R's F p-value as the
            denominator df grows).
        f_statistic: ``X²/tr(Δ)`` (R ``svychisq(statistic="F")$statistic``).
        f_ndf: ``second_order_df`` (R ``parameter["ndf"]``).
        f_ddf: ``second_order_df · design_df`` (R ``parameter["ddf"]``).
        f_p: ``P(F_{ndf,ddf} > f_statistic)`` (R ``svychisq(statistic="F")$p.value``).
        adj_wald_f: adjusted Wald F (R ``svychisq(statistic="adjWald")$statistic``).
        adj_wald_ndf: ``k``.
        adj_wald_ddf: ``design_df - k + 1``.
        adj_wald_p: its p-value.
        rows_tested: row categories in the test (zero-weight categories are left out).
        cols_tested: column categories in the test.
    """

    layer: Any
    n_rows: int
    n_complete: int
    design_df: int
    pearson_x2: float
    pearson_df: int
    pearson_p: float
    mean_deff: float
    deff_cv2: float
    first_order_x2: float
    first_order_df: int
    first_order_p: float
    second_order_x2: float
    second_order_df: float
    second_order_p: float
    f_statistic: float
    f_ndf: float
    f_ddf: float
    f_p: float
    adj_wald_f: float
    adj_wald_ndf: int
    adj_wald_ddf: int
    adj_wald_p: float
    rows_tested: tuple[Any, ...]
    cols_tested: tuple[Any, ...]


@dataclass(frozen=True)
class CrosstabResult:
    """A weighted cross-tabulation with intervals, design effects, tests and letters.

    ``cells`` columns, one row per layer × row × col (every combination of the categories
    present in the layer, empty cells included): ``layer``, ``row``, ``col``, ``percent``,
    ``se``, ``ci_low``, ``ci_high`` (percentage points; the interval is R
    ``svyciprop(method="logit")`` on the cell's percent base, ×100), ``deff``
    (``svymean(deff="replace")``), ``weighted_n``, ``unweighted_n`` (the cell's own totals),
    ``base_weighted_n``, ``base_unweighted_n`` (the percent base's totals), ``df``, and
    ``letters`` (see ``comparisons``).

    ``margins`` columns: ``layer``, ``margin`` (``"row"`` or ``"col"``), ``category``,
    ``percent`` (share of the layer's weighted total), ``se``, ``ci_low``, ``ci_high``,
    ``deff``, ``weighted_n``, ``unweighted_n``.

    ``comparisons`` columns, one row per pair compared: ``compare`` (``"columns"`` or
    ``"layers"``), ``layer`` and ``col`` (the fixed coordinates; null for the compared
    dimension), ``row``, ``a``, ``b`` (the two categories compared), ``difference`` (``a − b``
    in percentage points), ``se`` (percentage points, covariance included), ``z``,
    ``p_value`` (two-sided normal), ``significant`` (``p_value < alpha``, after the
    adjustment). A cell's ``letters`` are the letters of the columns (or layers) its percent
    is significantly *higher* than, the convention of SPSS "compare column proportions".

    Attributes:
        cells: the cells frame.
        margins: the margins frame.
        tests: one Rao–Scott test per layer.
        comparisons: the pairwise comparisons frame (empty when ``compare`` is ``None``).
        letter_keys: ``(letter, category)`` pairs: which column or layer each letter means.
        row: row variable.
        col: column variable.
        layer: layer variable or ``None``.
        percent: percent base, ``"col"``, ``"row"`` or ``"total"``.
        compare: what the letters compare, ``"columns"``, ``"layers"`` or ``None``.
        alpha: significance level and one minus the interval's level.
        design: the design of the whole frame.
        findings: empty cells, zero-weight categories, single-PSU strata, untestable tables.
    """

    cells: pl.DataFrame
    margins: pl.DataFrame
    tests: tuple[RaoScottTest, ...]
    comparisons: pl.DataFrame
    letter_keys: tuple[tuple[str, Any], ...]
    row: str
    col: str
    layer: str | None
    percent: PercentBase
    compare: Literal["columns", "layers"] | None
    alpha: float
    design: DesignSummary
    findings: tuple[Finding, ...]
