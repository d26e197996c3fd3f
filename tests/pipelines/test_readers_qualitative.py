"""Focus-group readers on the real REFI-QDA and Taguette files, plus synthetic edge cases.

Oracles:
- Taguette's own codebook column "number of highlights" (read here with the stdlib csv
  module) for the tag counts of the highlights CSV and the SQLite file.
- Taguette's highlights CSV for the text cut from the SQLite documents by offset: the two
  come from independent code paths of the tool and must agree, whitespace aside.
- The NVivo source text for the REFI-QDA passages. Its coders selected whole YouTube
  comments, which are whole lines of ``Sources/*.txt``, and one passage was checked by eye
  against the source.
"""
from __future__ import annotations

import csv
import sqlite3
import zipfile
from collections import Counter
from datetime import date
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from pipelines.errors import IngestRejected
from pipelines.readers import qualitative as q
from pipelines.readers.base import head_text
from tests.realdata import REALDATA

QUAL = REALDATA / "qualitative"
QDPX = QUAL / "refi_qda" / "nvivo12_export_oltas0517.qdpx"
TAGUETTE = QUAL / "taguette_serdif"
HIGHLIGHTS = TAGUETTE / "taguette_highlights_all_tags_20220303.csv"
PSSUQ = TAGUETTE / "taguette_highlights_PSSUQ_comments_20220301.csv"
CODEBOOK = TAGUETTE / "taguette_codebook_20220303_8.csv"
CODEBOOK_FIRST = TAGUETTE / "taguette_codebook_20220223_0_first_iteration.csv"
PROJECT = TAGUETTE / "SERDIF_P2_ThematicAnalysis.taguette.sqlite3"
TEMPLATES = Path(__file__).resolve().parents[2] / "data" / "templates"
SEGMENTS_TEMPLATE = TEMPLATES / "focus_group_segments.csv"
SESSIONS_TEMPLATE = TEMPLATES / "focus_group_sessions.csv"


def _codebook_counts() -> dict[str, int]:
    with CODEBOOK.open(encoding="utf-8", newline="") as handle:
        return {row["tag"]: int(row["number of highlights"]) for row in csv.DictReader(handle)}


def _assert_conforms(parsed) -> None:
    for table, frame in parsed.tables.items():
        assert dict(frame.schema) == q.RAW_SCHEMAS[table], table


def _rejection(call, path: Path) -> IngestRejected:
    with pytest.raises(IngestRejected) as caught:
        call(path)
    assert caught.value.file == path.name
    return caught.value


# --------------------------------------------------------------------------- REFI-QDA (real)


@pytest.fixture(scope="module")
def refi():
    return q.read_refi_qda(QDPX)


def test_refi_loads_all_152_codes_and_303_selections(refi):
    _assert_conforms(refi)
    codebook = refi.tables["raw_fg_codebook"]
    segments = refi.tables["raw_fg_segments"]
    assert codebook.height == 152
    assert codebook["code"].n_unique() == 152
    assert segments.height == 303
    assert segments["segment_id"].n_unique() == 303
    assert refi.tables["raw_fg_codes"].height == 303
    assert set(refi.tables["raw_fg_codes"]["code"]) <= set(codebook["code"])
    assert refi.tables["raw_fg_sessions"]["session_id"].to_list() == ["videos_selection", "videos_10_selected"]


def test_refi_codebook_keeps_hierarchy_descriptions_and_hungarian_letters(refi):
    codebook = refi.tables["raw_fg_codebook"]
    row = codebook.filter(pl.col("code") == "1. Oltás típusa").row(0, named=True)
    assert row["description"] == "COVID vay nem COVID"
    assert row["parent_code"] is None
    assert set(codebook.filter(pl.col("parent_code") == "1. Oltás típusa")["code"]) == {"COVID", "Nem COVID"}
    assert "2. Attitűd szint az oltáshoz" in codebook["code"].to_list()
    # A third level: "elhúzódó hatás" sits under "Betegség kockázatai" under "HBM 2. ...".
    assert codebook.filter(pl.col("code") == "elhúzódó hatás")["parent_code"].item() == "Betegség kockázatai"
    assert codebook["description"].is_not_null().sum() == 82


def test_refi_coders_come_from_users(refi):
    assert set(refi.tables["raw_fg_codes"]["coder"]) == {"Gergo"}
    assert set(refi.tables["raw_fg_segments"]["coder"]) == {"Gergo", "floriansipos"}


def test_refi_passage_checked_by_eye_after_emoji(refi):
    # Starts after 800+ emoji in the source, so a code-point reading would be shifted.
    segment = refi.tables["raw_fg_segments"].filter(pl.col("segment_id") == "1d1c6e64-0057-45fb-a4dd-ae1dc1ba9ecb").row(0, named=True)
    assert segment["text"] == "Jó bornak nem kell cégér!"
    assert (segment["start_pos"], segment["end_pos"]) == (33068, 33093)


def test_refi_passages_are_whole_comments_of_the_source(refi):
    with zipfile.ZipFile(QDPX) as archive:
        source = archive.read("Sources/68bbdc14-c361-4432-b4dd-ae1dbfc12890.txt").decode("utf-8-sig")
    lines = set(source.split("\r\n"))
    segments = refi.tables["raw_fg_segments"]
    whole = sum(text.strip() in lines for text in segments["text"])
    assert whole == 278
    # The same positions read as code points (the REFI-QDA text's literal "characters") hit
    # whole comments only by chance: NVivo counts UTF-16 units.
    naive = sum(source[a:b].strip() in lines for a, b in zip(segments["start_pos"], segments["end_pos"]))
    assert naive == 13
    assert all(text in source for text in segments["text"])


def test_refi_selection_names_are_empty_in_the_nvivo_export(refi):
    # NVivo 12 writes name="" on every PlainTextSelection, so there is nothing to compare;
    # the synthetic files below cover the comparison.
    assert refi.metadata["selection_names_checked"] == 0
    assert refi.metadata["position_unit"] == "utf16"


# --------------------------------------------------------------------------- REFI-QDA (synthetic)

_SOURCE_TEXT = "Intro 😀 line\r\nSecond 👍👍 comment here\r\nThird line"


def _qdpx(
    tmp_path: Path,
    *,
    origin: str = "NVivo for Windows 12.6",
    selections: str = "",
    text: str = _SOURCE_TEXT,
    code_ref: str = "c-1",
    extra_xml: str = "",
    name: str = "project.qdpx",
) -> Path:
    qde = f"""<?xml version="1.0" encoding="utf-8"?>
<Project name="t" origin="{origin}" xmlns="urn:QDA-XML:project:1.0">
  <Users><User guid="u-1" name="Anna" /><User guid="u-2" name="Bo" /></Users>
  <CodeBook><Codes>
    <Code guid="c-0" name="Safety" isCodable="true"><Description>Feeling safe</Description>
      <Code guid="c-1" name="Night" isCodable="true" />
      <Code guid="c-2" name="Other" isCodable="true" />
    </Code>
    <Code guid="c-3" name="Police" isCodable="true"><Code guid="c-4" name="Other" isCodable="true" /></Code>
  </Codes></CodeBook>
  <Sources>
    <TextSource guid="s-1" name="FG-1" plainTextPath="internal://s-1.txt" creatingUser="u-1">
{selections}
    </TextSource>
  </Sources>{extra_xml}
</Project>"""
    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", qde.replace("CODE_REF", code_ref))
        archive.writestr("Sources/s-1.txt", "\ufeff".encode() + text.encode("utf-8"))
    return path


def _selection(guid: str, start: int, end: int, *, name: str = "", code: str = "CODE_REF", user: str = "u-2") -> str:
    return (
        f'      <PlainTextSelection guid="{guid}" name="{name}" startPosition="{start}" endPosition="{end}" creatingUser="u-1">\n'
        f'        <Coding guid="k-{guid}" creatingUser="{user}"><CodeRef targetGUID="{code}" /></Coding>\n'
        f"      </PlainTextSelection>"
    )


def _utf16(text: str, index: int) -> int:
    return len(text[:index].encode("utf-16-le")) // 2


def test_refi_nvivo_positions_are_utf16_units_and_names_are_checked(tmp_path):
    start = _SOURCE_TEXT.index("comment")
    end = start + len("comment here")
    path = _qdpx(tmp_path, selections=_selection("p-1", _utf16(_SOURCE_TEXT, start), _utf16(_SOURCE_TEXT, end), name="comment here"))
    parsed = q.read_refi_qda(path)
    segment = parsed.tables["raw_fg_segments"].row(0, named=True)
    assert segment["text"] == "comment here"
    assert (segment["start_pos"], segment["end_pos"]) == (start + 3, end + 3)  # three emoji before it
    assert segment["coder"] == "Anna"
    assert parsed.tables["raw_fg_codes"].row(0, named=True) == {"session_id": "FG-1", "segment_id": "p-1", "code": "Night", "coder": "Bo"}
    assert parsed.metadata["selection_names_checked"] == 1
    assert parsed.metadata["selection_name_mismatches"] == 0
    assert any("UTF-16" in notice for notice in parsed.notices)


def test_refi_qualcoder_positions_are_code_points(tmp_path):
    start = _SOURCE_TEXT.index("comment")
    path = _qdpx(tmp_path, origin="QualCoder 3.5", selections=_selection("p-1", start, start + 7, name="comment"))
    parsed = q.read_refi_qda(path)
    assert parsed.tables["raw_fg_segments"]["text"].item() == "comment"
    assert parsed.metadata == {"origin": "QualCoder 3.5", "position_unit": "codepoint", "selection_names_checked": 1, "selection_name_mismatches": 0}


def test_refi_name_that_disagrees_with_the_positions_is_reported(tmp_path):
    path = _qdpx(tmp_path, origin="QualCoder 3.5", selections=_selection("p-1", 0, 5, name="Something else"))
    parsed = q.read_refi_qda(path)
    assert parsed.metadata["selection_name_mismatches"] == 1
    assert any("differs from the text the tool stored" in notice for notice in parsed.notices)


def test_refi_repeated_code_names_are_qualified_by_path(tmp_path):
    parsed = q.read_refi_qda(_qdpx(tmp_path, selections=_selection("p-1", 0, 5, code="c-4")))
    codebook = parsed.tables["raw_fg_codebook"]
    assert set(codebook["code"]) == {"Safety", "Night", "Safety / Other", "Police", "Police / Other"}
    assert codebook.filter(pl.col("code") == "Police / Other")["parent_code"].item() == "Police"
    assert codebook.filter(pl.col("code") == "Safety")["description"].item() == "Feeling safe"
    assert parsed.tables["raw_fg_codes"]["code"].item() == "Police / Other"


def test_refi_unknown_code_reference_is_rejected_with_line_and_attribute(tmp_path):
    path = _qdpx(tmp_path, selections=_selection("p-1", 0, 5, code="nope"))
    err = _rejection(q.read_refi_qda, path)
    assert err.column == "targetGUID"
    assert err.line == 14  # the CodeRef's line in project.qde (the selection starts on line 13)
    assert "nope" in err.reason


def test_refi_position_beyond_the_source_is_rejected(tmp_path):
    err = _rejection(q.read_refi_qda, _qdpx(tmp_path, selections=_selection("p-1", 0, 500)))
    assert err.column == "endPosition" and err.line == 13 and "beyond the end" in err.reason


def test_refi_position_inside_an_emoji_is_rejected(tmp_path):
    inside = _utf16(_SOURCE_TEXT, _SOURCE_TEXT.index("😀")) + 1
    err = _rejection(q.read_refi_qda, _qdpx(tmp_path, selections=_selection("p-1", inside, inside + 3)))
    assert err.column == "startPosition" and "surrogate" in err.reason


def test_refi_empty_selection_is_rejected(tmp_path):
    err = _rejection(q.read_refi_qda, _qdpx(tmp_path, selections=_selection("p-1", 4, 4)))
    assert err.column == "endPosition"


def test_refi_malformed_xml_names_the_line(tmp_path):
    err = _rejection(q.read_refi_qda, _qdpx(tmp_path, selections="      <PlainTextSelection guid='x'>"))
    assert err.line == 14  # where </TextSource> closes the unclosed selection
    assert "well-formed" in err.reason


def test_refi_dtd_is_refused(tmp_path):
    err = _rejection(q.read_refi_qda, _qdpx(tmp_path, extra_xml="<!-- --><!ENTITY x 'y'>"))
    assert "DTD" in err.reason


def test_refi_not_a_zip_and_no_project_are_rejected(tmp_path):
    not_zip = tmp_path / "x.qdpx"
    not_zip.write_text("hello")
    assert "ZIP" in _rejection(q.read_refi_qda, not_zip).reason
    empty = tmp_path / "empty.qdpx"
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr("other.txt", "x")
    assert "project.qde" in _rejection(q.read_refi_qda, empty).reason


# --------------------------------------------------------------------------- Taguette CSV


def test_taguette_highlights_1930_rows_make_1793_segments():
    parsed = q.read_taguette_highlights(HIGHLIGHTS)
    _assert_conforms(parsed)
    assert parsed.tables["raw_fg_segments"].height == 1793
    assert parsed.tables["raw_fg_codes"].height == 1930
    assert parsed.tables["raw_fg_sessions"].height == 17
    assert parsed.tables["raw_fg_segments"]["coder"].null_count() == 1793


def test_taguette_highlight_counts_per_tag_equal_the_codebook():
    codes = q.read_taguette_highlights(HIGHLIGHTS).tables["raw_fg_codes"]
    counted = dict(codes.group_by("code").len().iter_rows())
    expected = _codebook_counts()
    assert counted == expected
    assert sum(expected.values()) == 1930


def test_taguette_pssuq_comments_load():
    parsed = q.read_taguette_highlights(PSSUQ)
    assert parsed.tables["raw_fg_codes"].height == 97
    assert parsed.tables["raw_fg_segments"].height == 80


def test_taguette_codebooks_load_with_multiline_descriptions():
    final = q.read_taguette_codebook(CODEBOOK).tables["raw_fg_codebook"]
    _assert_conforms(q.read_taguette_codebook(CODEBOOK))
    assert final.height == 22
    assert final["expected_count"].sum() == 1930
    suggestion = final.filter(pl.col("code") == "Additional feature suggestion")["description"].item()
    assert suggestion.startswith("Distinguish outliers based on historical data.\n")
    first = q.read_taguette_codebook(CODEBOOK_FIRST).tables["raw_fg_codebook"]
    assert first.height == 120
    assert first.filter(pl.col("code") == "Additional feature suggestion")["description"].item() is None


def test_taguette_highlights_rows_that_disagree_are_rejected(tmp_path):
    path = tmp_path / "h.csv"
    path.write_text('id,document,tag,content\n1,a.odt,x,"one\ntwo"\n1,a.odt,y,other\n', encoding="utf-8")
    err = _rejection(q.read_taguette_highlights, path)
    assert (err.line, err.column) == (4, "content")  # the record starting on physical line 4


def test_taguette_highlights_bad_id_and_header_are_rejected(tmp_path):
    bad_id = tmp_path / "h.csv"
    bad_id.write_text("id,document,tag,content\nx1,a.odt,x,text\n", encoding="utf-8")
    err = _rejection(q.read_taguette_highlights, bad_id)
    assert (err.line, err.column) == (2, "id")
    header = tmp_path / "g.csv"
    header.write_text("id,document,label,content\n1,a.odt,x,text\n", encoding="utf-8")
    err = _rejection(q.read_taguette_highlights, header)
    assert (err.line, err.column) == (1, "label")


def test_taguette_codebook_bad_count_is_rejected(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text('tag,description,number of highlights\nA,"two\nlines",3\nB,,many\n', encoding="utf-8")
    err = _rejection(q.read_taguette_codebook, path)
    assert (err.line, err.column) == (4, "number of highlights")


# --------------------------------------------------------------------------- Taguette SQLite


@pytest.fixture(scope="module")
def project():
    return q.read_taguette_project(PROJECT)


def test_taguette_project_loads_documents_highlights_and_tags(project):
    _assert_conforms(project)
    assert project.tables["raw_fg_sessions"].height == 17
    assert project.tables["raw_fg_segments"].height == 1794
    assert project.tables["raw_fg_codes"].height == 1930
    assert project.tables["raw_fg_codebook"].height == 22
    assert set(project.tables["raw_fg_segments"]["coder"]) == {"admin"}
    assert any("1 highlight(s) have no tag" in notice for notice in project.notices)
    assert not any("snippet" in notice for notice in project.notices)


def test_taguette_project_tag_counts_equal_the_codebook(project):
    assert dict(project.tables["raw_fg_codes"].group_by("code").len().iter_rows()) == _codebook_counts()


def test_taguette_project_text_by_offset_equals_the_csv_export(project):
    csv_segments = q.read_taguette_highlights(HIGHLIGHTS).tables["raw_fg_segments"]

    def bag(frame: pl.DataFrame) -> Counter:
        return Counter((doc, " ".join(text.split())) for doc, text in zip(frame["document"], frame["text"]))

    only_in_sqlite = bag(project.tables["raw_fg_segments"]) - bag(csv_segments)
    assert only_in_sqlite == Counter({("P16_GMT20211215.odt", "It could be less of these, maybe more harmonized."): 1})
    assert not bag(csv_segments) - bag(project.tables["raw_fg_segments"])


def _taguette_db(
    path: Path, *, members: tuple[str, ...], commands: list[tuple[str, str]], contents: str, offsets: tuple[int, int], snippet: str = ""
) -> Path:
    con = sqlite3.connect(path)
    con.executescript(
        """
        create table projects (id integer primary key, name text, description text, created text);
        create table project_members (project_id int, user_login text, privileges text);
        create table documents (id integer primary key, name text, description text, filename text, created text,
                                project_id int, text_direction text, contents text);
        create table tags (id integer primary key, project_id int, path text, description text);
        create table highlights (id integer primary key, document_id int, start_offset int, end_offset int, snippet text);
        create table highlight_tags (highlight_id int, tag_id int);
        create table commands (id integer primary key, date text, user_login text, project_id int, document_id int, payload text);
        insert into projects values (1, 'p', '', '2024-01-01');
        insert into tags values (1, 1, 'safety', 'Feeling safe');
        insert into highlight_tags values (7, 1);
        """
    )
    con.executemany("insert into project_members values (1, ?, 'ADMIN')", [(m,) for m in members])
    con.execute("insert into documents values (1, 'FG-1.odt', '', 'FG-1.odt', '', 1, 'LEFT_TO_RIGHT', ?)", (contents,))
    con.execute("insert into highlights values (7, 1, ?, ?, ?)", (*offsets, snippet))
    con.executemany("insert into commands (user_login, project_id, payload) values (?, 1, ?)", commands)
    con.commit()
    con.close()
    return path


def test_taguette_project_offsets_are_utf8_bytes_and_coder_comes_from_commands(tmp_path):
    contents = "<p>Æblet &amp; pæren</p>\n<p>Næste linje</p>"
    text = "Æblet & pæren\nNæste linje"
    start = len(text[: text.index("pæren")].encode("utf-8"))
    end = len(text[: text.index("Næste") + 5].encode("utf-8"))
    path = _taguette_db(
        tmp_path / "p.sqlite3",
        members=("anna", "bo"),
        commands=[("anna", '{"type": "highlight_add", "highlight_id": 7}'), ("bo", '{"type": "highlight_add", "highlight_id": 7}')],
        contents=contents,
        offsets=(start, end),
        snippet="<p>pæren</p>\n<p>Næste</p>",
    )
    parsed = q.read_taguette_project(path)
    segment = parsed.tables["raw_fg_segments"].row(0, named=True)
    assert segment["text"] == "pæren\nNæste"
    assert (segment["start_pos"], segment["end_pos"]) == (9, 22)  # Æ and æ take two bytes each
    assert segment["coder"] == "bo"  # the last command on the highlight
    assert parsed.notices == ()


def test_taguette_project_snippet_wins_when_offsets_disagree(tmp_path):
    path = _taguette_db(tmp_path / "p.sqlite3", members=("anna",), commands=[], contents="<p>Hello world</p>", offsets=(0, 5), snippet="<p>world</p>")
    parsed = q.read_taguette_project(path)
    assert parsed.tables["raw_fg_segments"]["text"].item() == "world"
    assert parsed.tables["raw_fg_segments"]["coder"].item() == "anna"
    assert any("the snippet was used" in notice for notice in parsed.notices)


def test_taguette_project_offset_inside_a_character_is_rejected(tmp_path):
    path = _taguette_db(tmp_path / "p.sqlite3", members=("anna",), commands=[], contents="<p>Æble</p>", offsets=(1, 3))
    err = _rejection(q.read_taguette_project, path)
    assert "inside a character" in err.reason


def test_taguette_project_missing_table_is_rejected(tmp_path):
    path = tmp_path / "other.sqlite3"
    con = sqlite3.connect(path)
    con.execute("create table documents (id int)")
    con.close()
    err = _rejection(q.read_taguette_project, path)
    assert err.column == "highlights"


# --------------------------------------------------------------------------- templates


def test_segments_template_example_loads():
    parsed = q.read_fg_segments_template(SEGMENTS_TEMPLATE)
    _assert_conforms(parsed)
    segments = parsed.tables["raw_fg_segments"]
    assert segments.height == 2
    # Segment 1 is coded by two coders: stored once, without a single coder.
    assert segments.filter(pl.col("segment_id") == "1")["coder"].item() is None
    codes = parsed.tables["raw_fg_codes"]
    assert sorted(codes.filter(pl.col("coder") == "OK")["code"]) == ["feeling unsafe", "street lighting"]
    assert codes.filter(pl.col("coder") == "PS")["code"].to_list() == ["feeling unsafe"]
    session = parsed.tables["raw_fg_sessions"].row(0, named=True)
    assert session["session_date"] == date(2024, 3, 12)
    assert (session["area_label"], session["participant_group"], session["source_format"]) == ("Chuhuiv", "residents", "template-segments")


def test_sessions_template_example_loads():
    parsed = q.read_fg_sessions_template(SESSIONS_TEMPLATE)
    _assert_conforms(parsed)
    first = parsed.tables["raw_fg_sessions"].row(0, named=True)
    assert first["n_participants"] == 8
    assert first["participants"] == "Olena Example;Petro Sample;Iryna Placeholder"
    assert parsed.tables["raw_fg_sessions"]["participants"][1] is None


HEADER = "session,date,area,participant_group,speaker_role,coder,segment,text,codes\n"


@pytest.mark.parametrize(
    ("body", "line", "column"),
    [
        (HEADER + "S1,2024-02-30,Chuhuiv,residents,participant,OK,,Some text,a\n", 2, "date"),
        (HEADER + "S1,2024-02-01,Chuhuiv,residents,participant,OK,,Some text,a\nS1,,,,,OK,,,a\n", 3, "text"),
        (HEADER + "S1,2024-02-01,,,,,,Text one,a\nS1,2024-02-02,,,,,,Text two,b\n", 3, "date"),
        (HEADER + "S1,,,,,OK,7,Text one,a\nS1,,,,,PS,7,Text two,b\n", 3, "text"),
        (HEADER + "S1,,,,,OK,7,Text one,a\nS1,,,,,OK,7,Text one,b\n", 3, "coder"),
        ("session,date,text,codes,mood\nS1,,Text,a,happy\n", 1, "mood"),
        ("session,date,codes\nS1,,a\n", 1, "text"),
    ],
    ids=["bad-date", "missing-text", "session-date-conflict", "segment-text-conflict", "same-coder-twice", "unknown-column", "missing-column"],
)
def test_segments_template_rejections_name_line_and_column(tmp_path, body, line, column):
    path = tmp_path / "segments.csv"
    path.write_text(body, encoding="utf-8")
    err = _rejection(q.read_fg_segments_template, path)
    assert (err.line, err.column) == (line, column)


def test_segments_template_without_segment_ids_uses_lines_and_dedupes_codes(tmp_path):
    path = tmp_path / "segments.csv"
    path.write_text("session,text,codes\nS1,First,a; b ;a\nS1,Second,\n", encoding="utf-8")
    parsed = q.read_fg_segments_template(path)
    assert parsed.tables["raw_fg_segments"]["segment_id"].to_list() == ["line-2", "line-3"]
    assert parsed.tables["raw_fg_codes"]["code"].to_list() == ["a", "b"]


@pytest.mark.parametrize(
    ("body", "line", "column"),
    [
        ("session,n_participants\nS1,0\n", 2, "n_participants"),
        ("session,date\nS1,2024-01-01\nS1,2024-01-02\n", 3, "session"),
        ("session,date\nS1,12/03/2024\n", 2, "date"),
    ],
    ids=["zero-participants", "duplicate-session", "bad-date"],
)
def test_sessions_template_rejections_name_line_and_column(tmp_path, body, line, column):
    path = tmp_path / "sessions.csv"
    path.write_text(body, encoding="utf-8")
    err = _rejection(q.read_fg_sessions_template, path)
    assert (err.line, err.column) == (line, column)


def test_segments_template_xlsx_with_date_cells(tmp_path):
    path = tmp_path / "segments.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["session", "date", "area", "participant_group", "speaker_role", "text", "codes"])
    sheet.append(["FG-7", date(2024, 5, 2), "Aarhus", "young people", "participant", "Vi går ikke i parken om aftenen.", "park;evening"])
    sheet.append(["FG-7", None, None, None, "moderator", "Hvorfor ikke?", None])
    book.save(path)
    assert q.sniff_fg_segments_template(path, head_text(path))
    parsed = q.read_fg_segments_template(path)
    assert parsed.format == "xlsx-template"
    assert parsed.tables["raw_fg_sessions"]["session_date"].item() == date(2024, 5, 2)
    assert parsed.tables["raw_fg_segments"]["segment_id"].to_list() == ["line-2", "line-3"]
    assert parsed.tables["raw_fg_codes"]["code"].to_list() == ["park", "evening"]


def test_segments_template_xlsx_bad_date_names_the_row(tmp_path):
    path = tmp_path / "segments.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["session", "date", "text", "codes"])
    sheet.append(["FG-7", "2024-05-02", "Fine", "a"])
    sheet.append(["FG-7", "last tuesday", "Not fine", "a"])
    book.save(path)
    err = _rejection(q.read_fg_segments_template, path)
    assert (err.line, err.column) == (3, "date")


def test_templates_readme_documents_every_column():
    readme = (TEMPLATES / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Focus groups") :]
    assert q.FG_SEGMENTS_TEMPLATE.describe() in section
    assert q.FG_SESSIONS_TEMPLATE.describe() in section
    assert SEGMENTS_TEMPLATE.read_text(encoding="utf-8").splitlines()[0] == ",".join(q.FG_SEGMENTS_TEMPLATE.header)
    assert SESSIONS_TEMPLATE.read_text(encoding="utf-8").splitlines()[0] == ",".join(q.FG_SESSIONS_TEMPLATE.header)


# --------------------------------------------------------------------------- sniffers

SNIFFERS = {
    "refi_qda": q.sniff_refi_qda,
    "taguette_highlights": q.sniff_taguette_highlights,
    "taguette_codebook": q.sniff_taguette_codebook,
    "taguette_project": q.sniff_taguette_project,
    "fg_segments_template": q.sniff_fg_segments_template,
    "fg_sessions_template": q.sniff_fg_sessions_template,
}


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        (QDPX, "refi_qda"),
        (HIGHLIGHTS, "taguette_highlights"),
        (PSSUQ, "taguette_highlights"),
        (CODEBOOK, "taguette_codebook"),
        (CODEBOOK_FIRST, "taguette_codebook"),
        (PROJECT, "taguette_project"),
        (SEGMENTS_TEMPLATE, "fg_segments_template"),
        (SESSIONS_TEMPLATE, "fg_sessions_template"),
    ],
    ids=lambda value: value.name if isinstance(value, Path) else value,
)
def test_each_file_is_recognised_by_exactly_its_sniffer(path, kind):
    head = head_text(path)
    assert {name for name, sniff in SNIFFERS.items() if sniff(path, head)} == {kind}
