"""Outcome readers: the template (with its rejections) and StatBank charge tables.

No StatBank charge table is among the real files (``../shared/realdata/MANIFEST.md``: STRAF20/
STRAF22 exports were not found), so the StatBank shape is tested on a hand-written file in
the API layout (``OMRÅDE;OVERTRÆD;ANMSIGT;TID;INDHOLD``, CRLF, ``..`` for a confidential cell)
with the national burglary figures quoted in issue 4 (14,956 reported, 1,143 charged).
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from pipelines.errors import IngestRejected
from pipelines.kinds import recognise
from pipelines.readers.outcomes import OUTCOMES_TEMPLATE, read_outcomes_template, read_statbank_outcomes

REPO = Path(__file__).resolve().parents[2]
STATBANK = (
    "OMRÅDE;OVERTRÆD;ANMSIGT;TID;INDHOLD\r\n"
    "Hele landet;Indbrud i beboelser;Anmeldte forbrydelser;2019;14956\r\n"
    "Hele landet;Indbrud i beboelser;Sigtelser;2019;1143\r\n"
    "Holbæk;Indbrud i beboelser;Anmeldte forbrydelser;2019;30\r\n"
    "Holbæk;Indbrud i beboelser;Sigtelser;2019;11\r\n"
    "Lejre;Indbrud i beboelser;Anmeldte forbrydelser;2019;4\r\n"
    "Lejre;Indbrud i beboelser;Sigtelser;2019;..\r\n"
)


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_statbank_charge_table_is_recognised_and_read(tmp_path: Path) -> None:
    path = _write(tmp_path, "straf22.csv", STATBANK)
    assert recognise(path).name == "outcomes_statbank"
    parsed = read_statbank_outcomes(path)
    frame = parsed.tables["raw_crime_outcomes"].sort("area_label")
    assert frame.select("area_label", "reported", "charged").rows() == [("Hele landet", 14956, 1143), ("Holbæk", 30, 11)]
    assert frame["period_start"].to_list() == [date(2019, 1, 1)] * 2
    # Lejre's charges are confidential (".."): the pair is left out, not read as 0 charged.
    assert any("left out" in n for n in parsed.notices)


def test_statbank_label_that_is_neither_is_rejected(tmp_path: Path) -> None:
    path = _write(tmp_path, "straf22.csv", STATBANK.replace("Lejre;Indbrud i beboelser;Sigtelser", "Lejre;Indbrud i beboelser;Sigtede personer i alt"))
    parsed = read_statbank_outcomes(path)  # "sigtede" is still a charge label
    assert parsed.rows == 2
    bad = _write(tmp_path, "bad.csv", STATBANK.replace("Holbæk;Indbrud i beboelser;Sigtelser", "Holbæk;Indbrud i beboelser;Domme"))
    with pytest.raises(IngestRejected) as caught:
        read_statbank_outcomes(bad)
    assert caught.value.line == 5 and "'Domme' is neither" in caught.value.reason


def test_template_is_read_and_documented() -> None:
    template = REPO / "data" / "templates" / "crime_outcomes.csv"
    assert recognise(template).name == "outcomes_template"
    frame = read_outcomes_template(template).tables["raw_crime_outcomes"]
    assert frame["charged"].to_list() == [9, 37, 0]
    readme = (REPO / "data" / "templates" / "README.md").read_text(encoding="utf-8")
    assert OUTCOMES_TEMPLATE.describe() in readme


@pytest.mark.parametrize(
    ("row", "column", "reason"),
    [
        ("Holbæk,Indbrud,2025,10,11", "charged", "11 charged is more than the 10 reported"),
        ("Holbæk,Indbrud,2025,ten,1", "reported", "not a whole number"),
        ("Holbæk,Indbrud,,10,1", "period", "a value is required"),
    ],
)
def test_bad_template_rows_are_rejected_with_line_and_column(tmp_path: Path, row: str, column: str, reason: str) -> None:
    path = _write(tmp_path, "o.csv", "area,offence,period,reported,charged\nLejre,Indbrud,2025,4,0\n" + row + "\n")
    with pytest.raises(IngestRejected) as caught:
        read_outcomes_template(path)
    assert (caught.value.line, caught.value.column) == (3, column)
    assert reason in caught.value.reason
