"""Focus groups through the real ingest → build: kinds, staging and marts.

Oracles:
- Taguette's codebook CSV (read here with the stdlib csv module): "number of highlights" per tag
  must equal the rows per tag in ``fg_codes`` after the build (1,930 in all, MANIFEST §10).
- ``project.qde`` of the NVivo export, parsed here with ElementTree: its 152 ``Code`` elements
  and 303 ``PlainTextSelection`` elements, and the source text in ``Sources/*.txt`` for the
  passages.
- ``analysis.qualitative.coded_segments(unit="span")`` for the passage grouping done in SQL.
- Hand-written template files for the merge of session metadata, latest-file-wins and the
  area resolution.
"""
from __future__ import annotations

import csv
import time
import xml.etree.ElementTree as ET
import zipfile
from collections import Counter
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from dataclasses import replace

from analysis.qualitative import coded_segments
from pipelines import kinds
from pipelines.build import build_warehouse
from pipelines.ingest import ingest_paths
from pipelines.readers import qualitative as q
from pipelines.readers.base import head_text
from pipelines.settings import load_settings
from pipelines.warehouse import open_warehouse
from tests.realdata import REALDATA

QUAL = REALDATA / "qualitative"
QDPX = QUAL / "refi_qda" / "nvivo12_export_oltas0517.qdpx"
TAGUETTE = QUAL / "taguette_serdif"
HIGHLIGHTS = TAGUETTE / "taguette_highlights_all_tags_20220303.csv"
CODEBOOK = TAGUETTE / "taguette_codebook_20220303_8.csv"
REPO = Path(__file__).resolve().parents[2]
NS = {"q": "urn:QDA-XML:project:1.0"}

FG_KINDS = ("refi_qda", "taguette_project", "taguette_highlights", "taguette_codebook", "fg_segments_template", "fg_sessions_template")


def _load(settings, *paths: Path):
    results = ingest_paths(list(paths), settings=settings)
    assert [r.outcome for r in results] == ["accepted"] * len(paths), [r.message for r in results]
    build_warehouse(settings)
    return open_warehouse(settings.warehouse_path)


def _rows(con, sql: str, **params) -> pl.DataFrame:
    return con.sql(sql, params=params or None).pl()


SEGMENTS_V1 = (
    "session,date,area,participant_group,coder,segment,text,codes\n"
    "S1,2026-03-02,Chuhuiv,residents,A,1,Темно на вулиці,освітлення;безпека\n"
    "S1,,,,A,2,Поліція приходить швидко,довіра\n"
    "S2,,Atlantis,youth,A,1,Nothing happens here,\n"
)
SEGMENTS_V2 = (
    "session,date,area,participant_group,coder,segment,text,codes\n"
    "S1,2026-03-02,Chuhuiv,residents,A,1,Темно на вулиці,освітлення\n"
)
SESSIONS = (
    "session,date,area,participant_group,n_participants,participants\n"
    "S1,,Чугуїв,,7,Олена Коваленко; Петро Шевчук\n"
    "S3,2026-05-01,Østjyllands Politi,beboere,5,Mette Kjær\n"
)


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory):
    """One warehouse for the read-only checks: both real tool exports plus the two templates."""
    folder = tmp_path_factory.mktemp("fg")
    (folder / "fg_v1.csv").write_text(SEGMENTS_V1, encoding="utf-8")
    (folder / "fg_sessions.csv").write_text(SESSIONS, encoding="utf-8")
    settings = replace(load_settings(), data_dir=folder / "data")
    connection = _load(settings, HIGHLIGHTS, CODEBOOK, QDPX, folder / "fg_v1.csv", folder / "fg_sessions.csv")
    yield connection
    connection.close()


QDPX_SESSIONS = ("videos_selection", "videos_10_selected")
TAGUETTE_SESSIONS = "session_id like 'P%.odt'"


# --------------------------------------------------------------------------- kinds


def test_focus_group_kinds_are_registered_in_the_brief_order():
    names = [k.name for k in kinds.KINDS]
    positions = [names.index(n) for n in FG_KINDS]
    assert positions == sorted(positions)


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        (QDPX, "refi_qda"),
        (TAGUETTE / "SERDIF_P2_ThematicAnalysis.taguette.sqlite3", "taguette_project"),
        (HIGHLIGHTS, "taguette_highlights"),
        (TAGUETTE / "taguette_highlights_PSSUQ_comments_20220301.csv", "taguette_highlights"),
        (CODEBOOK, "taguette_codebook"),
        (TAGUETTE / "taguette_codebook_20220223_0_first_iteration.csv", "taguette_codebook"),
        (REPO / "data" / "templates" / "focus_group_segments.csv", "fg_segments_template"),
        (REPO / "data" / "templates" / "focus_group_sessions.csv", "fg_sessions_template"),
    ],
    ids=lambda v: v.name if isinstance(v, Path) else v,
)
def test_each_focus_group_file_is_recognised_as_its_kind(path: Path, kind: str):
    assert kinds.recognise(path).name == kind


def _other_files() -> list[Path]:
    files = [p for p in REALDATA.rglob("*") if p.is_file() and "qualitative" not in p.parts]
    files += [p for p in (REPO / "data" / "templates").glob("*") if p.suffix in (".csv", ".xlsx") and not p.name.startswith("focus_group")]
    files += [p for p in (REPO / "data" / "samples").glob("*") if p.is_file() and "focus_group" not in p.name]
    return sorted(files)


def test_focus_group_sniffers_accept_no_other_kinds_file():
    sniffers = [kinds.kind_named(n).sniff for n in FG_KINDS]
    swallowed = [p.name for p in _other_files() for sniff in sniffers if sniff(p, head_text(p))]
    assert not swallowed


def test_templates_need_a_column_the_other_lacks(tmp_path: Path):
    # a header made only of columns both templates share is neither: each needs its own column
    shared = set(q.FG_SEGMENTS_TEMPLATE.header) & set(q.FG_SESSIONS_TEMPLATE.header)
    assert {c.name for c in q.FG_SEGMENTS_TEMPLATE.columns if c.required} - shared == {"text"}
    path = tmp_path / "other.csv"
    path.write_text("session,text,offence\nA,b,c\n", encoding="utf-8")
    assert not q.sniff_fg_segments_template(path, head_text(path))
    assert not q.sniff_fg_sessions_template(path, head_text(path))


# --------------------------------------------------------------------------- Taguette


def test_taguette_highlights_through_build_count_per_tag_equals_the_codebook(con):
    with CODEBOOK.open(encoding="utf-8", newline="") as handle:
        expected = {row["tag"]: int(row["number of highlights"]) for row in csv.DictReader(handle)}
    counts = dict(_rows(con, f"select code, count(*) as n from fg_codes where {TAGUETTE_SESSIONS} group by code").iter_rows())
    assert counts == expected
    assert sum(counts.values()) == 1930
    assert _rows(con, f"select count(*) as n from fg_segments where {TAGUETTE_SESSIONS}")["n"][0] == 1793
    # fg_codebook puts the tool's count beside the loaded one
    book = _rows(con, "select code, expected_count, n_segments from fg_codebook where expected_count is not null")
    assert book.height == 22 and (book["expected_count"] == book["n_segments"]).all()
    # 17 think-aloud transcripts, no metadata in the export
    sessions = _rows(con, f"select * from fg_sessions where {TAGUETTE_SESSIONS}")
    assert sessions.height == 17 and sessions["session_date"].null_count() == 17
    assert sessions["n_segments"].sum() == 1793


# --------------------------------------------------------------------------- REFI-QDA


def test_qdpx_through_build_keeps_every_code_and_passage(con):
    with zipfile.ZipFile(QDPX) as archive:
        root = ET.fromstring(archive.read("project.qde"))
        sources = {
            s.get("name"): archive.read("Sources/" + s.get("plainTextPath").removeprefix("internal://")).decode("utf-8-sig")
            for s in root.iterfind("q:Sources/q:TextSource", NS)
            if s.get("plainTextPath")
        }
    code_names = {c.get("name") for c in root.iter("{urn:QDA-XML:project:1.0}Code")}
    selections = list(root.iter("{urn:QDA-XML:project:1.0}PlainTextSelection"))
    assert (len(code_names), len(selections)) == (152, 303)

    book = _rows(con, "select * from fg_codebook where code in (select unnest($names))", names=sorted(code_names))
    assert book.height == 152 and book["description"].null_count() < 152
    segments = _rows(con, "select * from fg_segments where list_contains($s, session_id) order by all", s=list(QDPX_SESSIONS))
    assert segments.height == 303
    assert set(segments["segment_id"]) == {s.get("guid") for s in selections}
    # every passage is text of its own source (whole comments, one per line)
    assert all(text in sources[sid] for sid, text in zip(segments["session_id"], segments["text"]))
    codes = _rows(con, "select * from fg_codes where list_contains($s, session_id)", s=list(QDPX_SESSIONS))
    assert codes.height == sum(len(list(s.iter("{urn:QDA-XML:project:1.0}CodeRef"))) for s in selections) == 303
    assert set(codes["code"]) <= code_names
    assert book.filter(pl.col("n_segments") > 0)["n_segments"].sum() == 303


def test_sql_passages_equal_coded_segments_span_unit(con):
    parsed = q.read_refi_qda(QDPX)
    expected = coded_segments(parsed.tables["raw_fg_segments"], parsed.tables["raw_fg_codes"], unit="span")
    got = _rows(con, "select session_id, passage_id as segment_id, code, coder from mart_fg_passage_codes where list_contains($s, session_id)", s=list(QDPX_SESSIONS))
    key = ["session_id", "segment_id", "code", "coder"]
    assert got.sort(key, nulls_last=True).equals(expected.select(key).sort(key, nulls_last=True))
    passages = _rows(con, "select * from mart_fg_passages where list_contains($s, session_id)", s=list(QDPX_SESSIONS))
    assert passages.height == expected.select("session_id", "segment_id").unique().height == 188
    assert passages["n_segments"].sum() == 303


# --------------------------------------------------------------------------- templates


def test_session_metadata_merges_and_areas_resolve(con):
    first = _rows(con, "select * from fg_sessions where session_id in ('S1', 'S2', 'S3') order by session_id")
    assert first.select("session_id", "session_date", "area_code", "participant_group", "n_participants", "n_segments").rows() == [
        ("S1", date(2026, 3, 2), "UA-63-CHUHUIV-CITY", "residents", 7, 2),
        ("S2", None, "?:Atlantis", "youth", None, 1),
        ("S3", date(2026, 5, 1), "DK-PK02", "beboere", 5, 0),
    ]
    assert _rows(con, "select level from areas where area_code = '?:Atlantis'")["level"].to_list() == ["unknown"]
    assert _rows(con, "select count(*) as n from fg_codes where session_id = 'S1'")["n"][0] == 3


def test_a_later_file_for_the_same_session_replaces_the_earlier(fresh_settings, tmp_path: Path):
    v1, v2 = tmp_path / "fg_v1.csv", tmp_path / "fg_v2.csv"
    v1.write_text(SEGMENTS_V1, encoding="utf-8")
    v2.write_text(SEGMENTS_V2, encoding="utf-8")
    assert ingest_paths([v1], settings=fresh_settings)[0].outcome == "accepted"
    time.sleep(1.05)  # loaded_at has whole seconds; the later load must be later
    con = _load(fresh_settings, v2)
    # S1 comes from v2 only (no double counting); S2, which v2 does not name, stays from v1
    assert _rows(con, "select session_id, count(*) as n from fg_segments group by all order by 1").rows() == [("S1", 1), ("S2", 1)]
    assert _rows(con, "select code from fg_codes where session_id = 'S1'")["code"].to_list() == ["освітлення"]
    assert _rows(con, "select n_segments from fg_sessions where session_id = 'S1'")["n_segments"].to_list() == [1]


def test_participant_names_live_only_in_their_own_table(con):
    names = _rows(con, "select * from fg_session_participants order by session_id")
    assert names.select("session_id", "participants").rows() == [("S1", "Олена Коваленко;Петро Шевчук"), ("S3", "Mette Kjær")]
    for table in ("fg_sessions", "fg_segments", "fg_codes", "fg_codebook", "mart_fg_passages", "mart_fg_passage_codes"):
        frame = _rows(con, f"select * from {table}")
        assert "participants" not in frame.columns
        assert not any("Коваленко" in str(v) or "Kjær" in str(v) for row in frame.rows() for v in row), table
