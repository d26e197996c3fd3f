"""Code frequency, co-occurrence and Cohen's kappa.

Oracles:
- Cohen's kappa: the worked 2×2 examples in Wikipedia's "Cohen's kappa" article (κ = 0.4;
  and the two tables with the same p_o = 0.60 but κ = 0.1304 and κ = 0.2593), and
  ``sklearn.metrics.cohen_kappa_score`` (scikit-learn 1.9, a test-only requirement) on
  random codings. The pooled kappa of De Vries et al. (2008) is worked by hand below.
- Frequencies and co-occurrence on the real Taguette project: counts per tag and document
  from an SQL query on the SQLite file, and tag-pair counts enumerated with Python sets
  from the highlights CSV. Neither goes through the code under test.
"""
from __future__ import annotations

import csv
import itertools
import sqlite3
from collections import Counter, defaultdict

import numpy as np
import polars as pl
import pytest

from analysis.errors import AnalysisError
from analysis.qualitative import code_cooccurrence, code_frequency, coded_segments, cohens_kappa
from pipelines.readers.qualitative import read_taguette_highlights, read_taguette_project
from tests.realdata import REALDATA

TAGUETTE = REALDATA / "qualitative" / "taguette_serdif"
SEGMENTS = {"session_id": pl.String, "segment_id": pl.String, "document": pl.String, "start_pos": pl.Int64, "end_pos": pl.Int64}
CODES = {"session_id": pl.String, "segment_id": pl.String, "code": pl.String, "coder": pl.String}


def _segments(rows: list[tuple]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=SEGMENTS, orient="row")


def _codes(rows: list[tuple]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=CODES, orient="row")


def _two_coders(tables: dict[str, tuple[int, int, int, int]]) -> pl.DataFrame:
    """A coded frame where, for each code, (both, a only, b only, neither) segments are as given."""
    n = sum(tables[next(iter(tables))])
    segment_ids = [f"s{i:03d}" for i in range(n)]
    rows = []
    for code, (both, a_only, b_only, neither) in tables.items():
        assert both + a_only + b_only + neither == n
        labels = ["both"] * both + ["a"] * a_only + ["b"] * b_only + ["none"] * neither
        for segment, label in zip(segment_ids, labels):
            if label in ("both", "a"):
                rows.append(("S", segment, code, "A"))
            if label in ("both", "b"):
                rows.append(("S", segment, code, "B"))
    segments = _segments([("S", s, "S", None, None) for s in segment_ids])
    return coded_segments(segments, _codes(rows))


# --------------------------------------------------------------------------- coded_segments


def test_coded_segments_keeps_uncoded_segments_and_joins_merged_session_fields():
    segments = _segments([("S1", "1", "d", 0, 5), ("S1", "2", "d", 6, 9), ("S2", "3", "e", 0, 4)])
    codes = _codes([("S1", "1", "x", "A"), ("S1", "1", "x", "A"), ("S2", "3", "y", None), ("S9", "9", "z", "A")])
    sessions = pl.DataFrame(
        {
            "session_id": ["S1", "S1", "S2"],
            "session_date": [None, "2024-03-12", None],
            "area_label": ["Chuhuiv", None, "Aarhus"],
            "participant_group": [None, "residents", None],
        }
    ).with_columns(pl.col("session_date").str.to_date())
    coded = coded_segments(segments, codes, sessions=sessions)
    assert coded.select("session_id", "segment_id", "code").rows() == [("S1", "1", "x"), ("S1", "2", None), ("S2", "3", "y")]
    first = coded.row(0, named=True)
    assert (str(first["session_date"]), first["area_label"], first["participant_group"]) == ("2024-03-12", "Chuhuiv", "residents")


def test_coded_segments_span_unit_merges_identical_passages():
    # NVivo writes one selection per code: three selections, two of them on the same passage.
    segments = _segments([("S", "g1", "doc", 10, 20), ("S", "g2", "doc", 10, 20), ("S", "g3", "doc", 30, 40)])
    codes = _codes([("S", "g1", "x", "A"), ("S", "g2", "y", "A"), ("S", "g3", "x", "A")])
    by_segment = code_cooccurrence(coded_segments(segments, codes))
    by_span = code_cooccurrence(coded_segments(segments, codes, unit="span"))
    pair = (pl.col("code_a") == "x") & (pl.col("code_b") == "y")
    assert by_segment.filter(pair)["n_segments"].item() == 0
    assert by_span.filter(pair)["n_segments"].item() == 1
    assert set(coded_segments(segments, codes, unit="span")["segment_id"]) == {"doc:10-20", "doc:30-40"}


def test_missing_column_is_an_analysis_error():
    with pytest.raises(AnalysisError) as caught:
        coded_segments(pl.DataFrame({"session_id": ["S"]}), _codes([]))
    assert caught.value.code == "missing_column" and caught.value.source == "segment_id"


# --------------------------------------------------------------------------- frequency


def test_code_frequency_counts_a_segment_once_and_includes_uncoded_in_the_total():
    segments = _segments([("S1", "1", "d", None, None), ("S1", "2", "d", None, None), ("S1", "3", "d", None, None), ("S2", "4", "e", None, None)])
    codes = _codes([("S1", "1", "x", "A"), ("S1", "1", "x", "B"), ("S1", "2", "x", "A"), ("S1", "2", "y", "A"), ("S2", "4", "x", "A")])
    coded = coded_segments(segments, codes)
    per_session = code_frequency(coded)
    assert per_session.rows() == [
        ("S1", "x", 2, 3, 2 / 3, 1),
        ("S1", "y", 1, 3, 1 / 3, 1),
        ("S2", "x", 1, 1, 1.0, 1),
    ]
    overall = code_frequency(coded, by=())
    assert overall.rows() == [("x", 3, 4, 0.75, 2), ("y", 1, 4, 0.25, 1)]


def test_code_frequency_by_participant_group_keeps_unknown_group():
    coded = pl.DataFrame(
        {
            "session_id": ["S1", "S2", "S3"],
            "segment_id": ["1", "1", "1"],
            "code": ["x", "x", "x"],
            "participant_group": ["residents", "residents", None],
        }
    )
    result = code_frequency(coded, by=("participant_group",))
    assert result.rows() == [("residents", "x", 2, 2, 1.0, 2), (None, "x", 1, 1, 1.0, 1)]


def test_code_frequency_on_the_taguette_project_equals_sql_counts():
    parsed = read_taguette_project(TAGUETTE / "SERDIF_P2_ThematicAnalysis.taguette.sqlite3")
    coded = coded_segments(parsed.tables["raw_fg_segments"], parsed.tables["raw_fg_codes"], sessions=parsed.tables["raw_fg_sessions"])
    ours = {(r["session_id"], r["code"]): (r["n_segments"], r["n_segments_total"]) for r in code_frequency(coded).iter_rows(named=True)}
    path = TAGUETTE / "SERDIF_P2_ThematicAnalysis.taguette.sqlite3"
    with sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True) as con:
        counts = con.execute(
            "select d.name, t.path, count(distinct h.id) from highlights h join documents d on d.id = h.document_id "
            "join highlight_tags ht on ht.highlight_id = h.id join tags t on t.id = ht.tag_id group by 1, 2"
        ).fetchall()
        totals = dict(con.execute("select d.name, count(*) from highlights h join documents d on d.id = h.document_id group by 1").fetchall())
    assert ours == {(doc, tag): (n, totals[doc]) for doc, tag, n in counts}
    assert sum(n for n, _ in ours.values()) == 1930


# --------------------------------------------------------------------------- co-occurrence


def test_cooccurrence_hand_example_with_a_code_given_twice():
    codes = _codes(
        [
            ("S", "1", "x", "A"),
            ("S", "1", "x", "B"),  # the same code twice on one segment counts once
            ("S", "1", "y", "A"),
            ("S", "2", "x", "A"),
            ("S", "2", "z", "A"),
            ("S", "3", "y", "A"),
        ]
    )
    segments = _segments([("S", s, "d", None, None) for s in "1234"])
    matrix = code_cooccurrence(coded_segments(segments, codes), codes=["x", "y", "z", "never"])
    grid = matrix.pivot(on="code_b", index="code_a", values="n_segments").drop("code_a").to_numpy()
    assert grid.tolist() == [
        [2, 1, 1, 0],
        [1, 2, 0, 0],
        [1, 0, 1, 0],
        [0, 0, 0, 0],
    ]


def test_cooccurrence_on_taguette_highlights_equals_set_enumeration():
    path = TAGUETTE / "taguette_highlights_all_tags_20220303.csv"
    tags_of: dict[str, set[str]] = defaultdict(set)
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            tags_of[row["id"]].add(row["tag"])
    expected: Counter = Counter()
    for tags in tags_of.values():
        for a, b in itertools.product(sorted(tags), repeat=2):
            expected[(a, b)] += 1
    parsed = read_taguette_highlights(path)
    matrix = code_cooccurrence(coded_segments(parsed.tables["raw_fg_segments"], parsed.tables["raw_fg_codes"]))
    ours = {(a, b): n for a, b, n in matrix.iter_rows() if n}
    assert ours == dict(expected)
    assert matrix.height == 22 * 22
    assert sum(n for (a, b), n in ours.items() if a == b) == 1930


# --------------------------------------------------------------------------- Cohen's kappa


def test_kappa_wikipedia_worked_example_is_0_4():
    # 50 proposals: both yes 20, A yes/B no 5, A no/B yes 10, both no 15 -> p_o 0.7, p_e 0.5.
    result = cohens_kappa(_two_coders({"yes": (20, 5, 10, 15)}), coder_a="A", coder_b="B")
    row = result.per_code.row(0, named=True)
    assert row["observed_agreement"] == pytest.approx(0.7)
    assert row["expected_agreement"] == pytest.approx(0.5)
    assert row["kappa"] == pytest.approx(0.4)
    assert result.n_segments == 50


def test_kappa_same_agreement_different_kappa_and_pooled_by_hand():
    # Wikipedia's pair of tables with p_o = 0.60: kappa 0.1304 and 0.2593 (published to 4 d.p.).
    coded = _two_coders({"first": (45, 15, 25, 15), "second": (25, 35, 5, 35)})
    result = cohens_kappa(coded, coder_a="A", coder_b="B")
    kappas = dict(zip(result.per_code["code"], result.per_code["kappa"]))
    assert round(kappas["first"], 4) == 0.1304
    assert round(kappas["second"], 4) == 0.2593
    # Pooled (De Vries et al. 2008): mean p_o = (0.60 + 0.60) / 2 = 0.60;
    # p_e = 0.6·0.7 + 0.4·0.3 = 0.54 and 0.6·0.3 + 0.4·0.7 = 0.46, mean 0.50;
    # kappa_pooled = (0.60 - 0.50) / (1 - 0.50) = 0.2.
    assert result.mean_observed_agreement == pytest.approx(0.60)
    assert result.mean_expected_agreement == pytest.approx(0.50)
    assert result.pooled_kappa == pytest.approx(0.2)


def test_kappa_per_code_equals_sklearn_on_random_codings():
    from sklearn.metrics import cohen_kappa_score

    rng = np.random.default_rng(20240312)
    n_segments, codes = 60, ["a", "b", "c", "d"]
    presence_a = rng.random((n_segments, len(codes))) < [0.5, 0.2, 0.7, 0.35]
    flip = rng.random((n_segments, len(codes))) < 0.25
    presence_b = presence_a ^ flip
    rows = [
        ("S", f"{i}", code, coder)
        for coder, presence in (("A", presence_a), ("B", presence_b))
        for i in range(n_segments)
        for j, code in enumerate(codes)
        if presence[i, j]
    ]
    segments = _segments([("S", f"{i}", "d", None, None) for i in range(n_segments)])
    result = cohens_kappa(coded_segments(segments, _codes(rows)), coder_a="A", coder_b="B")
    for j, code in enumerate(codes):
        expected = cohen_kappa_score(presence_a[:, j], presence_b[:, j])
        assert result.per_code.filter(pl.col("code") == code)["kappa"].item() == pytest.approx(expected, rel=1e-12)


def test_kappa_counts_segments_neither_coder_coded_and_ignores_other_coders():
    segments = _segments([("S", s, "d", None, None) for s in "1234"])
    codes = _codes([("S", "1", "x", "A"), ("S", "1", "x", "B"), ("S", "2", "x", "A"), ("S", "3", "x", "C")])
    row = cohens_kappa(coded_segments(segments, codes), coder_a="A", coder_b="B").per_code.row(0, named=True)
    assert (row["n_both"], row["n_a_only"], row["n_b_only"], row["n_neither"]) == (1, 1, 0, 2)
    # p_o = 3/4; p_A = 1/2, p_B = 1/4; p_e = 1/8 + 3/8 = 1/2; kappa = (3/4 - 1/2) / (1/2) = 1/2.
    assert row["kappa"] == pytest.approx(0.5)


def test_kappa_undefined_when_both_coders_give_the_code_everywhere():
    coded = _two_coders({"always": (10, 0, 0, 0), "some": (4, 1, 1, 4)})
    result = cohens_kappa(coded, coder_a="A", coder_b="B")
    always = result.per_code.filter(pl.col("code") == "always").row(0, named=True)
    assert always["kappa"] is None and always["status"] == "undefined_no_variation"
    # Pooled still defined: mean p_o = (1 + 0.8)/2 = 0.9; p_e = 1 and 0.5·0.5·2 = 0.5, mean 0.75;
    # kappa_pooled = (0.9 - 0.75) / 0.25 = 0.6.
    assert result.pooled_kappa == pytest.approx(0.6)


@pytest.mark.parametrize(
    ("coder_a", "coder_b", "code"),
    [("A", "A", "same_coder"), ("A", "Z", "coder_not_found")],
)
def test_kappa_bad_coders_are_analysis_errors(coder_a, coder_b, code):
    coded = _two_coders({"x": (2, 1, 1, 2)})
    with pytest.raises(AnalysisError) as caught:
        cohens_kappa(coded, coder_a=coder_a, coder_b=coder_b)
    assert caught.value.code == code
