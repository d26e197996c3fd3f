"""The template reader reports the physical line where a bad record starts (header = 1)."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.errors import IngestRejected
from pipelines.readers.template import TemplateColumn, TemplateSpec, read_template

SPEC = TemplateSpec(
    name="example",
    description="A note and a count.",
    columns=(TemplateColumn("note", "text", "Free text."), TemplateColumn("count", "int", "A count.")),
)


def test_a_multi_line_record_is_reported_on_its_first_line(tmp_path: Path) -> None:
    path = tmp_path / "notes.csv"
    # line 1 header; line 2 a good record; lines 3-5 one record whose quoted note spans three
    # lines and whose count is bad; the error belongs on line 3, where the record starts.
    path.write_text('note,count\nfine,1\n"first\nsecond\nthird",x\n', encoding="utf-8")
    with pytest.raises(IngestRejected) as caught:
        read_template(path, SPEC)
    assert (caught.value.line, caught.value.column) == (3, "count")


def test_rows_carry_their_first_line_after_blank_and_multi_line_records(tmp_path: Path) -> None:
    path = tmp_path / "notes.csv"
    path.write_text('note,count\n"a\nb",1\n\nplain,2\n"c\n\nd",3\n', encoding="utf-8")
    rows, _ = read_template(path, SPEC)
    assert [(r["_line"], r["note"], r["count"]) for r in rows] == [(2, "a\nb", 1), (5, "plain", 2), (6, "c\n\nd", 3)]
