"""Coded focus-group segments: code frequencies, code co-occurrence and agreement between coders.

Methods and references:

- **Code frequency** is the number of distinct segments carrying a code in each group
  (session, participant group, area...), beside the number of segments in that group. A
  segment coded twice with the same code counts once. This is the "code frequency" or
  "segments per code" table of MAXQDA and ATLAS.ti.
- **Co-occurrence** is ``C = XᵀX``, where ``X`` is the 0/1 segment × code incidence matrix, so
  ``C[a, b]`` is the number of segments carrying both codes and ``C[a, a]`` is the number of
  segments carrying ``a``. This is the segment-level count of ATLAS.ti's code co-occurrence
  table and of MAXQDA's Code Relations Browser ("codes on the same segment").
- **Cohen's kappa** (Cohen 1960, *Educ. Psychol. Meas.* 20:37–46) is computed per code, on
  the presence or absence of the code in each segment as judged by two coders:
  ``κ = (p_o − p_e) / (1 − p_e)``, with ``p_e = p_A·p_B + (1 − p_A)(1 − p_B)``. The overall
  figure is the **pooled kappa** of De Vries, Elliott, Kanouse & Teleki (2008, *Field Methods*
  20:272–282): ``κ_pooled = (mean p_o − mean p_e) / (1 − mean p_e)`` over the codes. Per code,
  the kappa equals ``sklearn.metrics.cohen_kappa_score`` on the two 0/1 vectors.

The frames in are the raw tables' shapes (``raw_fg_segments``, ``raw_fg_codes``,
``raw_fg_sessions``), or the long frame ``coded_segments`` builds from them. Nothing here reads
files or formats sentences: results are frames and numbers, plus status codes.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Sequence

import numpy as np
import polars as pl

from analysis.errors import AnalysisError

SEGMENT_KEY = ("session_id", "segment_id")
SESSION_FIELDS = ("session_date", "area_label", "participant_group", "n_participants")


@dataclass(frozen=True)
class KappaResult:
    """Agreement between two coders over the same segments.

    Attributes:
        coder_a: the first coder's name, as in the ``coder`` column.
        coder_b: the second coder's name.
        n_segments: number of segments compared (every segment in the frame).
        per_code: one row per code: ``code``, ``n_segments``, ``n_both``, ``n_a_only``,
            ``n_b_only``, ``n_neither``, ``observed_agreement`` (p_o), ``expected_agreement``
            (p_e), ``kappa`` (null when p_e = 1: both coders used or omitted the code on
            every segment) and ``status`` (``"ok"`` or ``"undefined_no_variation"``).
        pooled_kappa: De Vries et al. (2008) pooled kappa over the codes, or None when it
            is undefined (mean p_e = 1).
        mean_observed_agreement: mean of p_o over the codes.
        mean_expected_agreement: mean of p_e over the codes.
    """

    coder_a: str
    coder_b: str
    n_segments: int
    per_code: pl.DataFrame
    pooled_kappa: float | None
    mean_observed_agreement: float
    mean_expected_agreement: float


def coded_segments(
    segments: pl.DataFrame,
    codes: pl.DataFrame,
    *,
    sessions: pl.DataFrame | None = None,
    unit: Literal["segment", "span"] = "segment",
) -> pl.DataFrame:
    """One row per (segment, code, coder), with segments that carry no code kept once.

    Args:
        segments: rows shaped like ``raw_fg_segments`` (needs ``session_id``,
            ``segment_id``; ``document``, ``start_pos``, ``end_pos`` for ``unit="span"``).
        codes: rows shaped like ``raw_fg_codes`` (``session_id``, ``segment_id``, ``code``,
            ``coder``). Codes whose segment is not in ``segments`` are dropped.
        sessions: optional rows shaped like ``raw_fg_sessions``. Several rows for one
            session (a tool export plus a sessions template) are merged, taking the
            first non-null value of each field. Their ``session_date``, ``area_label``,
            ``participant_group`` and ``n_participants`` are joined on ``session_id``.
        unit: ``"segment"`` keeps the tool's segments. ``"span"`` merges segments of one
            document with identical start and end positions into one, with segment id
            ``"<document>:<start>-<end>"``. NVivo's REFI-QDA export writes one selection per
            code, so the same passage is several segments until merged. Segments without
            positions are kept as they are.

    Returns:
        Columns ``session_id``, ``segment_id``, ``code`` (null for an uncoded segment),
        ``coder`` (the code's coder), then the session fields when ``sessions`` is given.
        Exact duplicate rows are removed.

    Raises:
        AnalysisError: a required column is missing (code ``missing_column``).
    """
    _require(segments, SEGMENT_KEY, "segments")
    _require(codes, (*SEGMENT_KEY, "code"), "codes")
    if unit == "span":
        _require(segments, ("document", "start_pos", "end_pos"), "segments")
        span_id = pl.format("{}:{}-{}", "document", "start_pos", "end_pos")
        has_span = pl.col("start_pos").is_not_null() & pl.col("end_pos").is_not_null()
        mapping = segments.select(*SEGMENT_KEY, pl.when(has_span).then(span_id).otherwise(pl.col("segment_id")).alias("unit_id"))
    elif unit == "segment":
        mapping = segments.select(*SEGMENT_KEY, pl.col("segment_id").alias("unit_id"))
    else:
        raise AnalysisError(f"Unknown unit {unit!r}", code="bad_argument", source="unit", hint="Use 'segment' or 'span'.")
    mapping = mapping.unique()
    coder = pl.col("coder") if "coder" in codes.columns else pl.lit(None, dtype=pl.String)
    coded = (
        codes.select(*SEGMENT_KEY, pl.col("code").cast(pl.String), coder.cast(pl.String).alias("coder"))
        .join(mapping, on=list(SEGMENT_KEY), how="inner")
        .select("session_id", pl.col("unit_id").alias("segment_id"), "code", "coder")
    )
    all_units = mapping.select("session_id", pl.col("unit_id").alias("segment_id")).unique()
    uncoded = all_units.join(coded.select(SEGMENT_KEY).unique(), on=list(SEGMENT_KEY), how="anti").with_columns(
        pl.lit(None, dtype=pl.String).alias("code"), pl.lit(None, dtype=pl.String).alias("coder")
    )
    long = pl.concat([coded, uncoded], how="vertical").unique(maintain_order=True).sort(
        "session_id", "segment_id", "code", "coder", nulls_last=True
    )
    if sessions is None:
        return long
    _require(sessions, ("session_id",), "sessions")
    fields = [f for f in SESSION_FIELDS if f in sessions.columns]
    merged = sessions.group_by("session_id", maintain_order=True).agg(pl.col(f).drop_nulls().first() for f in fields)
    return long.join(merged, on="session_id", how="left")


def code_frequency(coded: pl.DataFrame, *, by: Sequence[str] = ("session_id",)) -> pl.DataFrame:
    """How many segments carry each code, per group.

    Args:
        coded: the long frame of ``coded_segments`` (``session_id``, ``segment_id``,
            ``code``; null ``code`` = a segment without codes, counted in the group's total).
        by: grouping columns, e.g. ``("session_id",)``, ``("participant_group",)``,
            ``("area_label",)`` or ``()`` for all segments together. A null group value
            (e.g. unknown participant group) is a group of its own.

    Returns:
        One row per group and code: the ``by`` columns, ``code``, ``n_segments`` (distinct
        segments carrying the code; a segment coded twice with it counts once),
        ``n_segments_total`` (distinct segments in the group, coded or not), ``share``
        (``n_segments / n_segments_total``) and ``n_sessions`` (sessions in the group
        where the code occurs). Sorted by group, then most frequent code first.

    Raises:
        AnalysisError: a required column is missing (code ``missing_column``).
    """
    by = list(by)
    _require(coded, (*SEGMENT_KEY, "code", *by), "coded")
    unit_columns = list(dict.fromkeys([*by, *SEGMENT_KEY]))
    keyed = coded.select(*unit_columns, "code")
    units = keyed.select(unit_columns).unique()
    counts = (
        keyed.filter(pl.col("code").is_not_null())
        .unique()
        .group_by([*by, "code"])
        .agg(pl.len().alias("n_segments"), pl.col("session_id").n_unique().alias("n_sessions"))
    )
    if by:
        totals = units.group_by(by).agg(pl.len().alias("n_segments_total"))
        out = counts.join(totals, on=by, how="left", nulls_equal=True)
    else:
        out = counts.with_columns(pl.lit(units.height).alias("n_segments_total"))
    return (
        out.with_columns(
            pl.col("n_segments").cast(pl.Int64),
            pl.col("n_segments_total").cast(pl.Int64),
            pl.col("n_sessions").cast(pl.Int64),
            (pl.col("n_segments") / pl.col("n_segments_total")).alias("share"),
        )
        .select(*by, "code", "n_segments", "n_segments_total", "share", "n_sessions")
        .sort([*by, "n_segments", "code"], descending=[*([False] * len(by)), True, False], nulls_last=True)
    )


def code_cooccurrence(coded: pl.DataFrame, *, codes: Sequence[str] | None = None) -> pl.DataFrame:
    """Number of segments carrying both codes, for every pair of codes (a full, symmetric grid).

    Args:
        coded: the long frame of ``coded_segments`` (``session_id``, ``segment_id``,
            ``code``). Coders are ignored: a segment carries a code if anyone gave it.
        codes: the codes to include, in this order; by default every code in ``coded``,
            sorted by name. A listed code that never occurs gets a row of zeros.

    Returns:
        Columns ``code_a``, ``code_b``, ``n_segments``; one row per ordered pair, so it
        pivots straight into a heatmap. The diagonal (``code_a == code_b``) is the number
        of segments carrying the code.

    Raises:
        AnalysisError: a required column is missing (code ``missing_column``).
    """
    _require(coded, (*SEGMENT_KEY, "code"), "coded")
    present = coded.filter(pl.col("code").is_not_null()).select(*SEGMENT_KEY, "code").unique()
    names = list(codes) if codes is not None else sorted(present["code"].unique().to_list())
    index = {name: i for i, name in enumerate(names)}
    present = present.filter(pl.col("code").is_in(names))
    units = present.select(SEGMENT_KEY).unique().with_row_index("row")
    cells = present.join(units, on=list(SEGMENT_KEY)).with_columns(
        pl.col("code").replace_strict(index, return_dtype=pl.Int64).alias("col")
    )
    incidence = np.zeros((units.height, len(names)), dtype=np.int64)
    incidence[cells["row"].to_numpy(), cells["col"].to_numpy()] = 1
    matrix = incidence.T @ incidence
    return pl.DataFrame(
        {
            "code_a": [a for a in names for _ in names],
            "code_b": [b for _ in names for b in names],
            "n_segments": matrix.reshape(-1).tolist(),
        },
        schema={"code_a": pl.String, "code_b": pl.String, "n_segments": pl.Int64},
    )


def cohens_kappa(
    coded: pl.DataFrame,
    *,
    coder_a: str,
    coder_b: str,
    codes: Sequence[str] | None = None,
) -> KappaResult:
    """Cohen's kappa between two coders, per code (presence/absence) and pooled.

    Every segment in ``coded`` is a unit of comparison, including segments that neither
    coder coded (rows with a null ``code``) and segments coded only by other people. So
    pass only the segments both coders worked on, e.g. the sessions both coded.

    Args:
        coded: the long frame of ``coded_segments`` with a ``coder`` column.
        coder_a: one coder, as written in ``coder``.
        coder_b: the other coder.
        codes: codes to compare; by default every code either coder used, sorted.

    Returns:
        A ``KappaResult``.

    Raises:
        AnalysisError: a column is missing (``missing_column``), the two coders are the
            same (``same_coder``), a coder has no code in the frame (``coder_not_found``),
            or there are no segments or codes to compare (``nothing_to_compare``).
    """
    _require(coded, (*SEGMENT_KEY, "code", "coder"), "coded")
    if coder_a == coder_b:
        raise AnalysisError("Agreement needs two different coders", code="same_coder", source="coder_b")
    used = coded.filter(pl.col("code").is_not_null())
    for coder, argument in ((coder_a, "coder_a"), (coder_b, "coder_b")):
        if used.filter(pl.col("coder") == coder).height == 0:
            raise AnalysisError(f"Coder {coder!r} has applied no code in these segments", code="coder_not_found", source=argument)
    units = coded.select(SEGMENT_KEY).unique().sort(SEGMENT_KEY)
    names = list(codes) if codes is not None else sorted(used.filter(pl.col("coder").is_in([coder_a, coder_b]))["code"].unique().to_list())
    if units.height == 0 or not names:
        raise AnalysisError("There are no segments or codes to compare", code="nothing_to_compare")
    n = units.height
    rows = []
    for name in names:
        a = _presence(units, used, coder_a, name)
        b = _presence(units, used, coder_b, name)
        n_both = int(np.sum(a & b))
        n_a_only = int(np.sum(a & ~b))
        n_b_only = int(np.sum(~a & b))
        n_neither = n - n_both - n_a_only - n_b_only
        p_o = (n_both + n_neither) / n
        p_a = (n_both + n_a_only) / n
        p_b = (n_both + n_b_only) / n
        p_e = p_a * p_b + (1 - p_a) * (1 - p_b)
        defined = not np.isclose(p_e, 1.0)
        rows.append(
            {
                "code": name,
                "n_segments": n,
                "n_both": n_both,
                "n_a_only": n_a_only,
                "n_b_only": n_b_only,
                "n_neither": n_neither,
                "observed_agreement": p_o,
                "expected_agreement": p_e,
                "kappa": (p_o - p_e) / (1 - p_e) if defined else None,
                "status": "ok" if defined else "undefined_no_variation",
            }
        )
    per_code = pl.DataFrame(
        rows,
        schema={
            "code": pl.String,
            "n_segments": pl.Int64,
            "n_both": pl.Int64,
            "n_a_only": pl.Int64,
            "n_b_only": pl.Int64,
            "n_neither": pl.Int64,
            "observed_agreement": pl.Float64,
            "expected_agreement": pl.Float64,
            "kappa": pl.Float64,
            "status": pl.String,
        },
    )
    mean_p_o = float(per_code["observed_agreement"].mean())
    mean_p_e = float(per_code["expected_agreement"].mean())
    pooled = None if np.isclose(mean_p_e, 1.0) else (mean_p_o - mean_p_e) / (1 - mean_p_e)
    return KappaResult(
        coder_a=coder_a,
        coder_b=coder_b,
        n_segments=n,
        per_code=per_code,
        pooled_kappa=pooled,
        mean_observed_agreement=mean_p_o,
        mean_expected_agreement=mean_p_e,
    )


def _presence(units: pl.DataFrame, used: pl.DataFrame, coder: str, code: str) -> np.ndarray:
    """0/1 vector over ``units``: did ``coder`` give ``code`` to the segment."""
    marked = used.filter((pl.col("coder") == coder) & (pl.col("code") == code)).select(SEGMENT_KEY).unique().with_columns(pl.lit(True).alias("hit"))
    return units.join(marked, on=list(SEGMENT_KEY), how="left", maintain_order="left")["hit"].fill_null(False).to_numpy().astype(bool)


def _require(frame: pl.DataFrame, columns: Sequence[str], name: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise AnalysisError(
            f"The {name} frame has no column {missing[0]!r}",
            code="missing_column",
            source=missing[0],
            detail=f"Columns present: {', '.join(frame.columns)}.",
        )
