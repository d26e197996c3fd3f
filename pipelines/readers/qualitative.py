"""Focus-group transcripts coded in a qualitative-analysis tool, and the hand-coding templates.

Formats read here (one ``read_<x>`` / ``sniff_<x>`` pair each):

- **REFI-QDA** project exchange files (``.qdpx``: a ZIP with ``project.qde``, namespace
  ``urn:QDA-XML:project:1.0``, and ``Sources/``), as written by NVivo, ATLAS.ti, MAXQDA,
  QualCoder and Taguette. Each ``PlainTextSelection`` becomes one segment; its text is cut
  out of the source's plain text by ``startPosition`` / ``endPosition``.
- **Taguette** highlights CSV (``id,document,tag,content``; a highlight repeats once per tag),
  codebook CSV (``tag,description,number of highlights``) and the project's SQLite file.
- The documented **templates** ``focus_group_segments`` (hand-coded segments) and
  ``focus_group_sessions`` (session metadata and participant names), as CSV or XLSX.

Positions. ``start_pos`` / ``end_pos`` are stored exactly as the tool wrote them, and their unit
differs by tool:

- The REFI-QDA standard says "characters". NVivo 12 and the other Windows/Qt tools count
  UTF-16 code units, so every emoji outside the Basic Multilingual Plane counts twice. In the
  real NVivo export under ``shared/realdata`` (894 such characters in one source), 300 of 303
  selections start and end on word boundaries when read as UTF-16 units, but only 49 do when
  read as code points. Python-based tools (QualCoder, Taguette) count code points. The unit
  is chosen from the project's ``origin`` attribute (``_refi_offset_unit``).
- Taguette counts UTF-8 bytes of the document text with the HTML tags left out. Its own
  ``taguette/extract.py`` says so: "Locations are computed over UTF-8 bytes, and doesn't count
  HTML tags".

Sessions. The tool exports carry no session metadata: ``session_id`` is the document name
(Taguette) or the TextSource name (REFI-QDA), and ``raw_fg_sessions`` gets one row per
document with empty date, area and group. A ``focus_group_sessions`` template loaded
separately supplies those fields; staging merges the rows by ``session_id``.
"""
from __future__ import annotations

import bisect
import csv
import html.parser
import io
import json
import sqlite3
import xml.etree.ElementTree as ET
import zipfile
from contextlib import closing
from pathlib import Path, PurePosixPath
from typing import Literal
from xml.parsers import expat

import polars as pl

from pipelines.errors import IngestRejected
from pipelines.readers.base import ParsedFile
from pipelines.readers.template import TemplateColumn, TemplateSpec, read_template, sniff_template

RAW_FG_SESSIONS: dict[str, pl.DataType] = {
    "session_id": pl.String,
    "session_date": pl.Date,
    "area_label": pl.String,  # as written; staging resolves it to an area code
    "participant_group": pl.String,
    "n_participants": pl.Int64,
    "participants": pl.String,  # ';'-separated names, used only to mask quotes
    "source_format": pl.String,  # refi-qda | taguette-csv | taguette-sqlite | template-segments | template-sessions
}
RAW_FG_SEGMENTS: dict[str, pl.DataType] = {
    "session_id": pl.String,
    "segment_id": pl.String,  # unique within the session
    "document": pl.String,
    "speaker_role": pl.String,
    "coder": pl.String,  # who made the segment (REFI-QDA: the selection's creating user)
    "start_pos": pl.Int64,  # the tool's own position unit, see the module docstring
    "end_pos": pl.Int64,
    "text": pl.String,
}
RAW_FG_CODES: dict[str, pl.DataType] = {
    "session_id": pl.String,
    "segment_id": pl.String,
    "code": pl.String,
    "coder": pl.String,  # who applied the code (REFI-QDA: the Coding's creating user)
}
RAW_FG_CODEBOOK: dict[str, pl.DataType] = {
    "code": pl.String,
    "description": pl.String,
    "parent_code": pl.String,
    "expected_count": pl.Int64,  # the tool's own count of uses (Taguette's "number of highlights")
}

RAW_SCHEMAS: dict[str, dict[str, pl.DataType]] = {
    "raw_fg_sessions": RAW_FG_SESSIONS,
    "raw_fg_segments": RAW_FG_SEGMENTS,
    "raw_fg_codes": RAW_FG_CODES,
    "raw_fg_codebook": RAW_FG_CODEBOOK,
}

QDA_NAMESPACE = "urn:QDA-XML:project:1.0"
_NS = {"q": QDA_NAMESPACE}

TAGUETTE_HIGHLIGHTS_HEADER = ("id", "document", "tag", "content")
TAGUETTE_CODEBOOK_HEADER = ("tag", "description", "number of highlights")
_TAGUETTE_TABLES = ("documents", "highlights", "highlight_tags", "tags")

FG_SEGMENTS_TEMPLATE = TemplateSpec(
    name="focus_group_segments",
    description="Hand-coded focus-group segments: one row per passage, with its codes.",
    columns=(
        TemplateColumn("session", "text", "Session identifier, the same in every row of one focus group (e.g. FG-2024-03-A)."),
        TemplateColumn("date", "date", "Date the session was held (YYYY-MM-DD).", required=False),
        TemplateColumn("area", "text", "Area the participants live in (municipality, police district or community, e.g. Chuhuiv).", required=False),
        TemplateColumn("participant_group", "text", "Who took part (e.g. residents, young people, shop owners).", required=False),
        TemplateColumn("speaker_role", "text", "Role of the speaker of this passage (e.g. participant, moderator), never the name.", required=False),
        TemplateColumn("coder", "text", "Initials of the person who coded this passage; give two rows with the same segment for a second coder.", required=False),
        TemplateColumn("segment", "text", "Passage identifier, unique within the session; left empty, the row's line number is used.", required=False),
        TemplateColumn("text", "text", "The passage, as transcribed."),
        TemplateColumn("codes", "text", "Codes given to the passage, separated by ';' (may be empty).", required=False),
    ),
)

FG_SESSIONS_TEMPLATE = TemplateSpec(
    name="focus_group_sessions",
    description="One row per focus-group session: when, where, who, and the names to mask in quotes.",
    columns=(
        TemplateColumn("session", "text", "Session identifier; for tool exports use the document name (Taguette) or source name (REFI-QDA)."),
        TemplateColumn("date", "date", "Date the session was held (YYYY-MM-DD).", required=False),
        TemplateColumn("area", "text", "Area the participants live in (municipality, police district or community).", required=False),
        TemplateColumn("participant_group", "text", "Who took part (e.g. residents, young people, shop owners).", required=False),
        TemplateColumn("n_participants", "int", "Number of participants (1 or more).", required=False, min_value=1),
        TemplateColumn(
            "participants",
            "text",
            "Names of participants and anyone else named in the session, separated by ';'. Used only to mask names in quotes; never shown.",
            required=False,
        ),
    ),
)


# --------------------------------------------------------------------------- REFI-QDA


def sniff_refi_qda(path: Path, head: str) -> bool:
    """True for a ZIP archive holding a REFI-QDA ``project.qde``."""
    if not head.startswith("PK"):
        return False
    try:
        with zipfile.ZipFile(path) as archive:
            return _project_member(archive) is not None
    except zipfile.BadZipFile:
        return False


def read_refi_qda(path: Path) -> ParsedFile:
    """Read a REFI-QDA project (``.qdpx``): codebook, coded text passages and who coded them.

    Every ``PlainTextSelection`` of every ``TextSource`` becomes one segment
    (``segment_id`` = the selection's GUID), with its text cut from the source's plain text
    by position. Each ``Coding/CodeRef`` becomes one code row. Codes carry their
    ``Description`` and parent, and a code name used twice in the tree is qualified with its
    parent path (``Parent / Child``). Selections in non-text sources (PDF, pictures, audio,
    video) are counted in a notice and not loaded.

    Args:
        path: the ``.qdpx`` file.

    Returns:
        ``raw_fg_sessions`` (one row per TextSource), ``raw_fg_segments``, ``raw_fg_codes``
        and ``raw_fg_codebook``. ``metadata`` holds the project's origin, the position unit
        used, and how many selection names could be checked against the recovered text.

    Raises:
        IngestRejected: the archive, ``project.qde`` or a source is unreadable, or a
            selection's positions or code reference are invalid. Lines refer to
            ``project.qde``; the column is the XML attribute concerned.
    """
    name = path.name
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise IngestRejected(name, "not a ZIP archive, so not a REFI-QDA .qdpx file", line=None) from None
    with archive:
        member = _project_member(archive)
        if member is None:
            raise IngestRejected(name, "the archive has no project.qde", hint="Export the project again as REFI-QDA (.qdpx).")
        root, lines = _parse_qde(name, archive.read(member))
        if root.tag != f"{{{QDA_NAMESPACE}}}Project":
            raise IngestRejected(name, f"project.qde's root element is not a REFI-QDA Project ({QDA_NAMESPACE})", line=lines.get(root, 1))
        origin = root.get("origin") or ""
        unit = _refi_offset_unit(origin)
        users = {u.get("guid"): (u.get("name") or u.get("id") or u.get("guid")) for u in root.iterfind("q:Users/q:User", _NS)}
        codebook, code_names = _refi_codebook(name, root, lines)

        sessions: list[dict] = []
        segments: list[dict] = []
        codes: list[dict] = []
        notices: list[str] = []
        names_checked = 0
        name_mismatches: list[str] = []
        non_bmp_sources = 0
        for source in root.iterfind("q:Sources/q:TextSource", _NS):
            source_name = _required_attr(name, source, "name", lines)
            sessions.append({"session_id": source_name, "source_format": "refi-qda"})
            selections = source.findall("q:PlainTextSelection", _NS)
            if not selections:
                continue
            text = _refi_source_text(name, archive, source, lines)
            locate = _position_locator(text, unit)
            if unit == "utf16" and any(ord(ch) > 0xFFFF for ch in text):
                non_bmp_sources += 1
            for selection in selections:
                guid = _required_attr(name, selection, "guid", lines)
                start = _int_attr(name, selection, "startPosition", lines)
                end = _int_attr(name, selection, "endPosition", lines)
                line = lines.get(selection)
                if not 0 <= start < end:
                    raise IngestRejected(
                        name, f"selection {guid} has startPosition {start} and endPosition {end}; it must cover at least one character", line=line, column="endPosition"
                    )
                begin_at = locate(start, name, line, "startPosition")
                end_at = locate(end, name, line, "endPosition")
                passage = text[begin_at:end_at]
                stored = selection.get("name") or ""
                if stored.strip():
                    names_checked += 1
                    if not _same_passage(stored, passage):
                        name_mismatches.append(guid)
                segments.append(
                    {
                        "session_id": source_name,
                        "segment_id": guid,
                        "document": source_name,
                        "coder": users.get(selection.get("creatingUser"), selection.get("creatingUser")),
                        "start_pos": start,
                        "end_pos": end,
                        "text": passage,
                    }
                )
                seen: set[tuple[str, str | None]] = set()
                for coding in selection.iterfind("q:Coding", _NS):
                    coder = users.get(coding.get("creatingUser"), coding.get("creatingUser"))
                    for ref in coding.iterfind("q:CodeRef", _NS):
                        target = ref.get("targetGUID")
                        if target not in code_names:
                            raise IngestRejected(
                                name, f"selection {guid} refers to code {target!r}, which is not in the codebook", line=lines.get(ref), column="targetGUID"
                            )
                        key = (code_names[target], coder)
                        if key not in seen:
                            seen.add(key)
                            codes.append({"session_id": source_name, "segment_id": guid, "code": key[0], "coder": coder})

        skipped = sum(
            1
            for kind in ("PDFSource", "PictureSource", "AudioSource", "VideoSource")
            for source in root.iterfind(f"q:Sources/q:{kind}", _NS)
            for element in source.iter()
            if element.tag.endswith("Selection")
        )
        if skipped:
            notices.append(f"{name}: {skipped} coded selection(s) in PDF, picture, audio or video sources were not loaded (only text sources are).")
        if non_bmp_sources:
            notices.append(
                f"{name}: positions were read as UTF-16 code units, as {origin or 'this tool'} writes them; "
                f"{non_bmp_sources} source(s) contain emoji or other characters that count twice in that unit."
            )
        if name_mismatches:
            notices.append(
                f"{name}: the text recovered by position differs from the text the tool stored in the selection name "
                f"for {len(name_mismatches)} of {names_checked} selection(s) (first: {name_mismatches[0]})."
            )
    return ParsedFile(
        format="refi-qda",
        tables={
            "raw_fg_sessions": _frame(sessions, RAW_FG_SESSIONS),
            "raw_fg_segments": _frame(segments, RAW_FG_SEGMENTS),
            "raw_fg_codes": _frame(codes, RAW_FG_CODES),
            "raw_fg_codebook": _frame(codebook, RAW_FG_CODEBOOK),
        },
        notices=tuple(notices),
        metadata={
            "origin": origin,
            "position_unit": unit,
            "selection_names_checked": names_checked,
            "selection_name_mismatches": len(name_mismatches),
        },
    )


def _project_member(archive: zipfile.ZipFile) -> str | None:
    for member in archive.namelist():
        if member.lower() == "project.qde":
            return member
    return None


def _parse_qde(name: str, data: bytes) -> tuple[ET.Element, dict[ET.Element, int]]:
    """project.qde as an element tree, plus each element's line (for precise rejections)."""
    # A REFI-QDA project never needs a DTD; refusing one rules out entity-expansion and
    # external-entity tricks before the parser sees the file.
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise IngestRejected(name, "project.qde declares a DTD or entities, which REFI-QDA files never need; refused for safety")
    builder = ET.TreeBuilder()
    lines: dict[ET.Element, int] = {}
    # expat directly, because ElementTree's C parser does not tell where an element starts.
    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True

    def qualified(tag: str) -> str:
        return "{" + tag if "}" in tag else tag

    def start(tag: str, attrs: dict[str, str]) -> None:
        element = builder.start(qualified(tag), {qualified(k): v for k, v in attrs.items()})
        lines[element] = parser.CurrentLineNumber

    parser.StartElementHandler = start
    parser.EndElementHandler = lambda tag: builder.end(qualified(tag))
    parser.CharacterDataHandler = builder.data
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise IngestRejected(
            name, f"project.qde is not well-formed XML ({expat.ErrorString(exc.code)})", line=exc.lineno, column=f"character {exc.offset + 1}"
        ) from None
    return builder.close(), lines


def _refi_offset_unit(origin: str) -> Literal["utf16", "codepoint"]:
    """UTF-16 code units for NVivo/ATLAS.ti/MAXQDA (.NET/Qt strings); code points for Python tools."""
    lowered = origin.lower()
    if lowered.startswith(("qualcoder", "taguette")):
        return "codepoint"
    return "utf16"


def _position_locator(text: str, unit: Literal["utf16", "codepoint"]):
    """A function turning a tool position into a Python string index, rejecting impossible ones."""
    if unit == "codepoint" or all(ord(ch) <= 0xFFFF for ch in text):
        length = len(text)

        def locate_codepoint(position: int, file: str, line: int | None, column: str) -> int:
            if position > length:
                raise IngestRejected(file, f"position {position} is beyond the end of the source ({length} characters)", line=line, column=column)
            return position

        return locate_codepoint
    boundaries = [0]
    for ch in text:
        boundaries.append(boundaries[-1] + (2 if ord(ch) > 0xFFFF else 1))

    def locate_utf16(position: int, file: str, line: int | None, column: str) -> int:
        index = bisect.bisect_left(boundaries, position)
        if index == len(boundaries):
            raise IngestRejected(file, f"position {position} is beyond the end of the source ({boundaries[-1]} UTF-16 units)", line=line, column=column)
        if boundaries[index] != position:
            raise IngestRejected(file, f"position {position} falls inside a character (the two halves of a UTF-16 surrogate pair)", line=line, column=column)
        return index

    return locate_utf16


def _same_passage(stored: str, passage: str) -> bool:
    # Tools differ in line endings and may shorten long names, so compare normalised text
    # and accept a stored name that is the start of the passage.
    a = " ".join(stored.split())
    b = " ".join(passage.split())
    return bool(a) and (a == b or (len(a) >= 20 and b.startswith(a.rstrip(".… "))))


def _required_attr(file: str, element: ET.Element, attr: str, lines: dict[ET.Element, int]) -> str:
    value = element.get(attr)
    if value is None or not value.strip():
        tag = element.tag.split("}")[-1]
        raise IngestRejected(file, f"a {tag} element has no {attr}", line=lines.get(element), column=attr)
    return value


def _int_attr(file: str, element: ET.Element, attr: str, lines: dict[ET.Element, int]) -> int:
    value = _required_attr(file, element, attr, lines)
    try:
        return int(value)
    except ValueError:
        raise IngestRejected(file, f"{attr}={value!r} is not a whole number", line=lines.get(element), column=attr) from None


def _refi_codebook(file: str, root: ET.Element, lines: dict[ET.Element, int]) -> tuple[list[dict], dict[str, str]]:
    """Codebook rows and a map code GUID -> code name (qualified with its path when a name repeats)."""
    flat: list[tuple[ET.Element, list[str]]] = []

    def walk(parent: ET.Element, path: list[str]) -> None:
        for code in parent.iterfind("q:Code", _NS):
            code_name = _required_attr(file, code, "name", lines)
            _required_attr(file, code, "guid", lines)
            flat.append((code, path + [code_name]))
            walk(code, path + [code_name])

    codes_root = root.find("q:CodeBook/q:Codes", _NS)
    if codes_root is not None:
        walk(codes_root, [])
    counts: dict[str, int] = {}
    for _, path in flat:
        counts[path[-1]] = counts.get(path[-1], 0) + 1
    names: dict[str, str] = {}
    for code, path in flat:
        guid = code.get("guid")
        if guid in names:
            raise IngestRejected(file, f"code GUID {guid} is used twice in the codebook", line=lines.get(code), column="guid")
        names[guid] = path[-1] if counts[path[-1]] == 1 else " / ".join(path)
    rows = []
    parent_of = {child: parent for parent in (c for c, _ in flat) for child in parent.iterfind("q:Code", _NS)}
    for code, _ in flat:
        description = code.find("q:Description", _NS)
        text = (description.text or "").strip() if description is not None else ""
        parent = parent_of.get(code)
        rows.append(
            {
                "code": names[code.get("guid")],
                "description": text or None,
                "parent_code": names[parent.get("guid")] if parent is not None else None,
                "expected_count": None,
            }
        )
    return rows, names


def _refi_source_text(file: str, archive: zipfile.ZipFile, source: ET.Element, lines: dict[ET.Element, int]) -> str:
    inline = source.find("q:PlainTextContent", _NS)
    if inline is not None:
        return inline.text or ""
    reference = _required_attr(file, source, "plainTextPath", lines)
    if not reference.startswith("internal://"):
        raise IngestRejected(
            file,
            f"source {source.get('name')!r} is stored outside the archive ({reference}); only internal:// sources can be read",
            line=lines.get(source),
            column="plainTextPath",
            hint="Export the project again with its sources included.",
        )
    wanted = PurePosixPath("sources", reference[len("internal://") :]).as_posix().lower()
    member = next((m for m in archive.namelist() if m.lower() == wanted), None)
    if member is None:
        raise IngestRejected(file, f"source file {reference} is missing from the archive's Sources/ folder", line=lines.get(source), column="plainTextPath")
    raw = archive.read(member)
    try:
        # The standard stores plain text as UTF-8, and NVivo writes it with a BOM; positions
        # count from the first character after the BOM.
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise IngestRejected(file, f"source file {member} is not UTF-8 (byte {exc.start})", line=lines.get(source), column="plainTextPath") from None


# --------------------------------------------------------------------------- Taguette CSV


def sniff_taguette_highlights(path: Path, head: str) -> bool:
    """True when the first line is Taguette's highlights header ``id,document,tag,content``."""
    return _first_csv_row(head) == TAGUETTE_HIGHLIGHTS_HEADER


def sniff_taguette_codebook(path: Path, head: str) -> bool:
    """True when the first line is Taguette's codebook header ``tag,description,number of highlights``."""
    return _first_csv_row(head) == TAGUETTE_CODEBOOK_HEADER


def read_taguette_highlights(path: Path) -> ParsedFile:
    """Read a Taguette highlights export: one segment per highlight id, one code row per tag.

    The export repeats a highlight once per tag, so rows sharing an ``id`` must agree on
    ``document`` and ``content``. Taguette's CSV has no positions and no user, so
    ``start_pos``, ``end_pos`` and ``coder`` are empty. A row with an empty ``tag`` is a
    highlight without codes.

    Args:
        path: the CSV file (UTF-8, comma-separated, as Taguette writes it).

    Returns:
        ``raw_fg_sessions`` (one row per document), ``raw_fg_segments`` and ``raw_fg_codes``.

    Raises:
        IngestRejected: wrong header, a row with the wrong number of cells, an id that is
            not a whole number, an empty document or content, or an id whose rows disagree.
    """
    name = path.name
    rows = _csv_records(path, TAGUETTE_HIGHLIGHTS_HEADER)
    segments: dict[str, dict] = {}
    first_line: dict[str, int] = {}
    codes: list[dict] = []
    seen: set[tuple[str, str]] = set()
    duplicates = 0
    for line, record in rows:
        highlight_id, document, tag, content = (cell for cell in record)
        if not highlight_id.strip().isdigit():
            raise IngestRejected(name, f"highlight id {highlight_id!r} is not a whole number", line=line, column="id")
        highlight_id = highlight_id.strip()
        if not document.strip():
            raise IngestRejected(name, "the document is empty", line=line, column="document")
        if not content.strip():
            raise IngestRejected(name, "the highlighted content is empty", line=line, column="content")
        known = segments.get(highlight_id)
        if known is None:
            segments[highlight_id] = {
                "session_id": document,
                "segment_id": highlight_id,
                "document": document,
                "text": content,
            }
            first_line[highlight_id] = line
        else:
            for column, value in (("document", document), ("content", content)):
                if known["document" if column == "document" else "text"] != value:
                    raise IngestRejected(
                        name,
                        f"highlight {highlight_id} has a different {column} here than on line {first_line[highlight_id]}",
                        line=line,
                        column=column,
                    )
        tag = tag.strip()
        if not tag:
            continue
        if (highlight_id, tag) in seen:
            duplicates += 1
            continue
        seen.add((highlight_id, tag))
        codes.append({"session_id": document, "segment_id": highlight_id, "code": tag, "coder": None})
    notices = (f"{name}: {duplicates} repeated (highlight, tag) row(s) counted once.",) if duplicates else ()
    documents = dict.fromkeys(s["document"] for s in segments.values())
    return ParsedFile(
        format="taguette-csv",
        tables={
            "raw_fg_sessions": _frame([{"session_id": d, "source_format": "taguette-csv"} for d in documents], RAW_FG_SESSIONS),
            "raw_fg_segments": _frame(list(segments.values()), RAW_FG_SEGMENTS),
            "raw_fg_codes": _frame(codes, RAW_FG_CODES),
        },
        notices=notices,
    )


def read_taguette_codebook(path: Path) -> ParsedFile:
    """Read a Taguette codebook export (``tag,description,number of highlights``).

    Args:
        path: the CSV file; descriptions may span several lines.

    Returns:
        ``raw_fg_codebook`` with ``expected_count`` = Taguette's "number of highlights", so
        a later check can compare it with the highlights actually loaded.

    Raises:
        IngestRejected: wrong header, an empty or repeated tag, or a count that is not a
            whole number of 0 or more.
    """
    name = path.name
    rows = []
    seen: dict[str, int] = {}
    for line, (tag, description, count) in _csv_records(path, TAGUETTE_CODEBOOK_HEADER):
        tag = tag.strip()
        if not tag:
            raise IngestRejected(name, "the tag is empty", line=line, column="tag")
        if tag in seen:
            raise IngestRejected(name, f"tag {tag!r} is listed twice (first on line {seen[tag]})", line=line, column="tag")
        seen[tag] = line
        if not count.strip().isdigit():
            raise IngestRejected(name, f"{count!r} is not a whole number of 0 or more", line=line, column="number of highlights")
        rows.append({"code": tag, "description": description.strip() or None, "parent_code": None, "expected_count": int(count)})
    return ParsedFile(format="taguette-codebook", tables={"raw_fg_codebook": _frame(rows, RAW_FG_CODEBOOK)})


def _first_csv_row(head: str) -> tuple[str, ...]:
    first = head.lstrip("\ufeff").splitlines()[0] if head.strip() else ""
    try:
        return tuple(cell.strip().lower() for cell in next(csv.reader([first])))
    except (StopIteration, csv.Error):
        return ()


def _decode_utf8(path: Path) -> str:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise IngestRejected(path.name, f"the file is not UTF-8 (byte {exc.start})", line=line, hint="Export it again from Taguette, which writes UTF-8.") from None


def _csv_records(path: Path, header: tuple[str, ...]) -> list[tuple[int, list[str]]]:
    """Records of a comma-separated file with exactly ``header``, each with its first physical line."""
    name = path.name
    reader = csv.reader(io.StringIO(_decode_utf8(path), newline=""))
    try:
        found = next(reader)
    except StopIteration:
        raise IngestRejected(name, "the file is empty", line=1) from None
    found = [cell.strip().lower() for cell in found]
    for position, cell in enumerate(found):
        if position >= len(header) or cell != header[position]:
            raise IngestRejected(
                name, f"unexpected column {cell!r}; the header must be {','.join(header)}", line=1, column=cell or str(position + 1)
            )
    if len(found) < len(header):
        raise IngestRejected(name, f"column {header[len(found)]!r} is missing; the header must be {','.join(header)}", line=1, column=header[len(found)])
    records = []
    previous_end = reader.line_num
    while True:
        start = previous_end + 1
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise IngestRejected(name, f"not valid CSV ({exc})", line=start) from None
        previous_end = reader.line_num
        if not record or not any(cell.strip() for cell in record):
            continue
        if len(record) != len(header):
            raise IngestRejected(name, f"{len(record)} cells, but the header has {len(header)}", line=start, column=str(min(len(record), len(header)) + 1))
        records.append((start, record))
    return records


# --------------------------------------------------------------------------- Taguette SQLite


def sniff_taguette_project(path: Path, head: str) -> bool:
    """True for an SQLite database with Taguette's documents, highlights and tags tables."""
    if not head.startswith("SQLite format 3"):
        return False
    try:
        with closing(_open_sqlite(path)) as connection:
            tables = {row[0] for row in connection.execute("select name from sqlite_master where type = 'table'")}
    except sqlite3.Error:
        return False
    return set(_TAGUETTE_TABLES) <= tables


def read_taguette_project(path: Path) -> ParsedFile:
    """Read a Taguette project database (``.sqlite3``), opened read-only.

    Each highlight becomes a segment whose text is cut from the document by Taguette's
    offsets (UTF-8 bytes of the document text without its HTML tags). If that text differs
    from the highlight's stored snippet, the snippet's text is used and a notice says how
    often. The coder is the project's only member when there is one; with several members,
    it is the user of the last ``highlight_add`` command for that highlight, if the command
    log has one.

    Args:
        path: the SQLite file.

    Returns:
        ``raw_fg_sessions`` (one row per document), ``raw_fg_segments``, ``raw_fg_codes``
        and ``raw_fg_codebook`` (tags with their descriptions; ``expected_count`` empty).

    Raises:
        IngestRejected: not an SQLite file, a Taguette table is missing, or a highlight's
            offsets fall outside its document or inside a character.
    """
    name = path.name
    try:
        connection = _open_sqlite(path)
    except sqlite3.Error as exc:
        raise IngestRejected(name, f"not a readable SQLite database ({exc})") from None
    with closing(connection):
        try:
            tables = {row[0] for row in connection.execute("select name from sqlite_master where type = 'table'")}
        except sqlite3.Error as exc:
            raise IngestRejected(name, f"not a readable SQLite database ({exc})") from None
        missing = [t for t in _TAGUETTE_TABLES if t not in tables]
        if missing:
            raise IngestRejected(name, f"not a Taguette project: table {missing[0]!r} is missing", column=missing[0])
        try:
            tag_columns = {row[1] for row in connection.execute("pragma table_info(tags)")}
            parent_sql = "parent_id" if "parent_id" in tag_columns else "null"
            tags = {
                tag_id: (path_, description, parent)
                for tag_id, path_, description, parent in connection.execute(f"select id, path, description, {parent_sql} from tags order by id")
            }
            documents = {doc_id: (doc_name, contents) for doc_id, doc_name, contents in connection.execute("select id, name, contents from documents order by id")}
            highlights = connection.execute("select id, document_id, start_offset, end_offset, snippet from highlights order by id").fetchall()
            highlight_tags = connection.execute("select highlight_id, tag_id from highlight_tags order by highlight_id, tag_id").fetchall()
            coders = _taguette_coders(connection, tables)
            n_projects = connection.execute("select count(*) from projects").fetchone()[0] if "projects" in tables else 1
        except sqlite3.Error as exc:
            # A table with Taguette's name but not its columns (another tool's database).
            raise IngestRejected(name, f"not a Taguette project of a known version ({exc})") from None

    texts = {doc_id: _html_text(contents).encode("utf-8") for doc_id, (_, contents) in documents.items()}
    segments = []
    snippet_used = 0
    for highlight_id, document_id, start, end, snippet in highlights:
        if document_id not in documents:
            raise IngestRejected(name, f"highlight {highlight_id} belongs to document {document_id}, which does not exist", column="highlights.document_id")
        body = texts[document_id]
        if not 0 <= start < end <= len(body):
            raise IngestRejected(
                name, f"highlight {highlight_id} spans bytes {start}-{end}, outside its document ({len(body)} bytes)", column="highlights.end_offset"
            )
        try:
            passage = body[start:end].decode("utf-8")
        except UnicodeDecodeError:
            raise IngestRejected(name, f"highlight {highlight_id}'s offsets {start}-{end} fall inside a character", column="highlights.start_offset") from None
        stored = _html_text(snippet)
        if stored and passage != stored:
            snippet_used += 1
            passage = stored
        document = documents[document_id][0]
        segments.append(
            {
                "session_id": document,
                "segment_id": str(highlight_id),
                "document": document,
                "coder": coders.get(highlight_id, coders.get(None)),
                "start_pos": start,
                "end_pos": end,
                "text": passage,
            }
        )
    by_id = {s["segment_id"]: s for s in segments}
    codes = []
    for highlight_id, tag_id in highlight_tags:
        segment = by_id.get(str(highlight_id))
        if segment is None or tag_id not in tags:
            raise IngestRejected(name, f"highlight_tags row ({highlight_id}, {tag_id}) refers to a missing highlight or tag", column="highlight_tags")
        codes.append({"session_id": segment["session_id"], "segment_id": segment["segment_id"], "code": tags[tag_id][0], "coder": segment["coder"]})
    codebook = [
        {"code": path_, "description": (description or "").strip() or None, "parent_code": tags[parent][0] if parent in tags else None, "expected_count": None}
        for path_, description, parent in tags.values()
    ]
    notices = []
    untagged = len({s["segment_id"] for s in segments} - {c["segment_id"] for c in codes})
    if untagged:
        notices.append(f"{name}: {untagged} highlight(s) have no tag; they are loaded as segments without codes.")
    if snippet_used:
        notices.append(f"{name}: for {snippet_used} highlight(s) the text at the stored offsets differed from Taguette's snippet; the snippet was used.")
    if n_projects > 1:
        notices.append(f"{name}: the database holds {n_projects} projects; all were loaded, one session per document.")
    sessions = [{"session_id": doc_name, "source_format": "taguette-sqlite"} for doc_name in dict.fromkeys(d[0] for d in documents.values())]
    return ParsedFile(
        format="taguette-sqlite",
        tables={
            "raw_fg_sessions": _frame(sessions, RAW_FG_SESSIONS),
            "raw_fg_segments": _frame(segments, RAW_FG_SEGMENTS),
            "raw_fg_codes": _frame(codes, RAW_FG_CODES),
            "raw_fg_codebook": _frame(codebook, RAW_FG_CODEBOOK),
        },
        notices=tuple(notices),
    )


def _open_sqlite(path: Path) -> sqlite3.Connection:
    # mode=ro: ingest must never change a user's project file, not even its journal.
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def _taguette_coders(connection: sqlite3.Connection, tables: set[str]) -> dict[int | None, str]:
    """Highlight id -> user login; key None holds the single member of a one-person project."""
    if "project_members" in tables:
        members = [row[0] for row in connection.execute("select distinct user_login from project_members")]
        if len(members) == 1:
            return {None: members[0]}
    coders: dict[int | None, str] = {}
    if "commands" in tables:
        for login, payload in connection.execute("select user_login, payload from commands order by id"):
            try:
                command = json.loads(payload)
            except (TypeError, ValueError):
                continue
            if isinstance(command, dict) and command.get("type") == "highlight_add" and isinstance(command.get("highlight_id"), int):
                coders[command["highlight_id"]] = login
    return coders


class _TextOnly(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _html_text(markup: str) -> str:
    """The text nodes of an HTML fragment, entities decoded, as Taguette counts them."""
    parser = _TextOnly()
    parser.feed(markup or "")
    parser.close()
    return "".join(parser.parts)


# --------------------------------------------------------------------------- templates


def sniff_fg_segments_template(path: Path, head: str) -> bool:
    """True when the header is the ``focus_group_segments`` template's (CSV or XLSX)."""
    return sniff_template(path, head, FG_SEGMENTS_TEMPLATE)


def sniff_fg_sessions_template(path: Path, head: str) -> bool:
    """True when the header is the ``focus_group_sessions`` template's (CSV or XLSX)."""
    return sniff_template(path, head, FG_SESSIONS_TEMPLATE)


def read_fg_segments_template(path: Path) -> ParsedFile:
    """Read the hand-coded segments template (see ``data/templates/README.md``).

    Each row is one passage with its codes (``;``-separated; a code repeated in one cell
    counts once). A second coder codes the same passage in another row with the same
    ``session`` and ``segment`` and the same text; the segment is then stored once, its
    ``coder`` left empty, and each code row keeps its own coder. All rows of one session
    must agree on its date, area and participant group (blank cells are allowed).

    Args:
        path: a ``.csv`` (UTF-8, comma or semicolon separated) or ``.xlsx`` file.

    Returns:
        ``raw_fg_sessions`` (one row per session), ``raw_fg_segments`` and ``raw_fg_codes``.

    Raises:
        IngestRejected: unknown or missing column, bad date, empty session or text, a
            session whose rows disagree, or a repeated segment with a different text or
            the same coder, naming the line and column.
    """
    name = path.name
    rows, notices = read_template(path, FG_SEGMENTS_TEMPLATE)
    sessions: dict[str, dict] = {}
    session_line: dict[tuple[str, str], int] = {}
    segments: dict[tuple[str, str], dict] = {}
    segment_line: dict[tuple[str, str], int] = {}
    segment_coders: dict[tuple[str, str], set[str | None]] = {}
    codes: list[dict] = []
    for row in rows:
        line = row["_line"]
        session = row["session"]
        meta = sessions.setdefault(session, {"session_id": session, "source_format": "template-segments"})
        for column, field in (("date", "session_date"), ("area", "area_label"), ("participant_group", "participant_group")):
            value = row[column]
            if value is None:
                continue
            if meta.get(field) is None:
                meta[field] = value
                session_line[(session, column)] = line
            elif meta[field] != value:
                raise IngestRejected(
                    name,
                    f"session {session!r} has {column} {value} here but {meta[field]} on line {session_line[(session, column)]}",
                    line=line,
                    column=column,
                )
        segment_id = row["segment"] or f"line-{line}"
        key = (session, segment_id)
        coder = row["coder"]
        known = segments.get(key)
        if known is None:
            segments[key] = {
                "session_id": session,
                "segment_id": segment_id,
                "document": session,
                "speaker_role": row["speaker_role"],
                "coder": coder,
                "text": row["text"],
            }
            segment_line[key] = line
            segment_coders[key] = {coder}
        else:
            if known["text"] != row["text"]:
                raise IngestRejected(
                    name, f"segment {segment_id!r} of session {session!r} has a different text on line {segment_line[key]}", line=line, column="text"
                )
            if coder in segment_coders[key]:
                raise IngestRejected(
                    name,
                    f"segment {segment_id!r} of session {session!r} is already coded by {coder or 'an unnamed coder'} on line {segment_line[key]}",
                    line=line,
                    column="coder" if coder else "segment",
                )
            segment_coders[key].add(coder)
            known["coder"] = None
            if known["speaker_role"] is None:
                known["speaker_role"] = row["speaker_role"]
        for code in dict.fromkeys(part.strip() for part in (row["codes"] or "").split(";")):
            if code:
                codes.append({"session_id": session, "segment_id": segment_id, "code": code, "coder": coder})
    return ParsedFile(
        format="xlsx-template" if path.suffix.lower() in (".xlsx", ".xlsm") else "csv-template",
        tables={
            "raw_fg_sessions": _frame(list(sessions.values()), RAW_FG_SESSIONS),
            "raw_fg_segments": _frame(list(segments.values()), RAW_FG_SEGMENTS),
            "raw_fg_codes": _frame(codes, RAW_FG_CODES),
        },
        notices=notices,
    )


def read_fg_sessions_template(path: Path) -> ParsedFile:
    """Read the focus-group sessions template (see ``data/templates/README.md``).

    Args:
        path: a ``.csv`` (UTF-8, comma or semicolon separated) or ``.xlsx`` file.

    Returns:
        ``raw_fg_sessions``, one row per session; ``participants`` is the list of names
        re-joined with ``;`` after trimming each.

    Raises:
        IngestRejected: unknown or missing column, bad date, a participant count below 1,
            or a session listed twice, naming the line and column.
    """
    name = path.name
    rows, notices = read_template(path, FG_SESSIONS_TEMPLATE)
    sessions: list[dict] = []
    seen: dict[str, int] = {}
    for row in rows:
        session = row["session"]
        if session in seen:
            raise IngestRejected(name, f"session {session!r} is listed twice (first on line {seen[session]})", line=row["_line"], column="session")
        seen[session] = row["_line"]
        names = [part.strip() for part in (row["participants"] or "").split(";") if part.strip()]
        sessions.append(
            {
                "session_id": session,
                "session_date": row["date"],
                "area_label": row["area"],
                "participant_group": row["participant_group"],
                "n_participants": row["n_participants"],
                "participants": ";".join(names) or None,
                "source_format": "template-sessions",
            }
        )
    return ParsedFile(
        format="xlsx-template" if path.suffix.lower() in (".xlsx", ".xlsm") else "csv-template",
        tables={"raw_fg_sessions": _frame(sessions, RAW_FG_SESSIONS)},
        notices=notices,
    )


# --------------------------------------------------------------------------- shared


def _frame(rows: list[dict], schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """Rows -> a frame with exactly the raw table's columns and dtypes (absent keys are null)."""
    return pl.DataFrame({column: [row.get(column) for row in rows] for column in schema}, schema=schema)
