"""The generic StatBank reader on every real StatBank-shaped file and on the edge cases.

Expected cell values are read off the real files by eye (their MANIFEST describes them), not
from our own output.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from pipelines.errors import IngestRejected
from pipelines.readers.base import head_text
from pipelines.readers.statbank import parse_value, read_statbank_long, sniff_statbank
from tests.realdata import REALDATA

CRIME_MATRIX = REALDATA / "dk_crime" / "straf11_total_kommune_quarterly_2007K1-2022K2_latin1.csv"
BEV_MATRIX = REALDATA / "dk_population" / "bev_befolkningens_udvikling_kommune_2006-2021_latin1.csv"
POP = REALDATA / "dk_population"


def _cell(table, **where) -> tuple[float | None, str]:
    frame = table.frame
    for column, value in where.items():
        frame = frame.filter(pl.col(column) == value)
    assert frame.height == 1, where
    return frame.get_column("value")[0], frame.get_column("value_status")[0]


@pytest.mark.parametrize("path", sorted((REALDATA / "dk_crime").glob("*.csv")) + sorted(POP.glob("*.csv")), ids=lambda p: p.name)
def test_every_real_statbank_file_is_sniffed_and_read(path: Path) -> None:
    assert sniff_statbank(path, head_text(path))
    table = read_statbank_long(path)
    assert table.frame.height > 0
    assert table.frame.get_column("period_start").null_count() == 0


def test_crime_matrix_is_read_with_latin1_and_every_quarter() -> None:
    table = read_statbank_long(CRIME_MATRIX)
    assert table.format == "statbank-matrix"
    assert table.title is None
    # 98 municipalities + Christiansø + Uoplyst kommune, 62 quarters (MANIFEST).
    assert table.frame.height == 100 * 62
    area = table.dimensions["dim_2"]
    assert table.frame.get_column(area).n_unique() == 100
    assert _cell(table, **{area: "København", "period_label": "2007K1"}) == (21462.0, "published")
    assert _cell(table, **{area: "Uoplyst kommune", "period_label": "2007K1"}) == (2204.0, "published")
    assert any("latin-1" in n for n in table.notices)
    assert any("dim_1 is blank in every row" in n for n in table.notices)
    first = table.frame.filter(pl.col("period_label") == "2022K2").row(0, named=True)
    assert (first["period_type"], first["period_start"], first["period_end"]) == ("quarter", date(2022, 4, 1), date(2022, 6, 30))


def test_population_matrix_worst_case_title_sections_and_footnotes() -> None:
    table = read_statbank_long(BEV_MATRIX)
    assert table.title == "Befolkningens udvikling efter bevægelsesart, køn, område og tid"
    assert list(table.dimensions) == ["bevægelsesart", "køn", "område"]
    assert table.dimension_column("omraade") == "område"
    assert table.dimension_column("KØN") == "køn"
    # 2 sexes × 99 municipalities × 16 years; the section row sets bevægelsesart for all.
    assert table.frame.height == 2 * 99 * 16
    assert table.frame.get_column("bevægelsesart").unique().to_list() == ["Befolkningen ultimo indeværende år"]
    # Line 6 of the file: " "," ","København",248190,…; line 106 starts the Kvinder block.
    assert _cell(table, køn="Mænd", område="København", period_label="2006") == (248190.0, "published")
    assert _cell(table, køn="Kvinder", område="København", period_label="2006") == (255509.0, "published")
    assert table.frame.filter((pl.col("køn") == "Kvinder") & (pl.col("område") == "København")).get_column("line")[0] == 106
    assert len(table.footnotes) == 1 and "http://dst.dk/doku/flytninger-til-og-fra-udlandet" in table.footnotes[0]
    assert "Hele tidsserien" not in " ".join(table.frame.get_column("område").unique().to_list())


def test_api_semicolon_file_utf8_without_bom() -> None:
    table = read_statbank_long(POP / "folk1a_2020K1_kommune_civilstand_api_semicolon.csv")
    assert table.format == "statbank-long"
    assert list(table.dimensions) == ["CIVILSTAND", "OMRÅDE"]
    area = table.dimension_column("område")
    assert _cell(table, civilstand="I alt", **{area: "Hele landet"}) == (5822763.0, "published")
    assert table.frame.height == 525


def test_bom_and_crlf_are_handled() -> None:
    table = read_statbank_long(POP / "folk1a_hele_landet_2008K1-2020K4_bom_crlf.csv")
    assert list(table.dimensions) == ["OMRÅDE", "CIVILSTAND"]  # no BOM glued to OMRÅDE
    assert table.frame.height == 52
    assert _cell(table, period_label="2008K1") == (5475791.0, "published")
    assert table.frame.get_column("line").to_list()[:2] == [2, 3]


def test_tidy_file_with_other_value_column_name() -> None:
    table = read_statbank_long(POP / "folk1a_quarterly_kommune_2008K1-_long_utf8.csv")
    assert list(table.dimensions) == ["område"]
    assert _cell(table, område="København", period_label="2008K1") == (509861.0, "published")


def test_codes_keep_leading_zeros() -> None:
    table = read_statbank_long(POP / "folk1a_regions_age_sex_codes_2008-2020.csv")
    area = table.dimension_column("område")
    assert table.frame.schema[area] == pl.Utf8
    assert "000" in table.frame.get_column(area).to_list()
    assert _cell(table, **{area: "000", "køn": "1", "alder": "0", "period_label": "2008K1"}) == (32976.0, "published")


def test_bulk_missing_rows_are_zero_filled_over_the_grid(tmp_path: Path) -> None:
    path = tmp_path / "straf_bulk.csv"
    path.write_text(
        "OMRÅDE;OVERTRÆD;TID;INDHOLD\r\n"
        "Aarhus;Indbrud i beboelser;2025K1;12\r\n"
        "Aarhus;Røveri;2025K1;3\r\n"
        "Odder;Indbrud i beboelser;2025K2;1\r\n",
        encoding="utf-8",
    )
    table = read_statbank_long(path)
    # 2 areas × 2 offences × 2 quarters = 8 cells, 3 in the file.
    assert table.frame.height == 8
    assert _cell(table, område="Odder", overtræd="Røveri", period_label="2025K1") == (0.0, "zero_filled")
    assert _cell(table, område="Aarhus", overtræd="Røveri", period_label="2025K1") == (3.0, "published")
    assert any("counted as 0" in n for n in table.notices)
    assert read_statbank_long(path, fill_missing=False).frame.height == 3


def test_signs_blank_confidential_nil_and_decimal_comma(tmp_path: Path) -> None:
    path = tmp_path / "signs.csv"
    path.write_text("OMRÅDE;TID;INDHOLD\nA;2021;..\nB;2021;-\nC;2021;\nD;2021;12,5\nE;2021;1.234\nF;2021;.\n", encoding="utf-8")
    table = read_statbank_long(path)
    assert _cell(table, område="A") == (None, "confidential")
    assert _cell(table, område="B") == (0.0, "nil")
    assert _cell(table, område="C") == (None, "not_published")
    assert _cell(table, område="D") == (12.5, "published")
    assert _cell(table, område="E") == (1234.0, "published")
    assert _cell(table, område="F") == (None, "not_available")
    assert parse_value("1.234,5") == (1234.5, "published")
    assert parse_value("abc") is None


def test_matrix_blank_cells_are_not_zero_and_outer_labels_carry_down(tmp_path: Path) -> None:
    path = tmp_path / "matrix.csv"
    path.write_bytes(
        (
            '"Anmeldte forbrydelser efter overtrædelsens art, område og tid"\n\n'
            '" "," ","2021K1","2021K2"\n'
            '"Indbrud i beboelser","Aarhus",10,\n'
            '" ","Odder",..,4\n'
            '"Røveri","Aarhus",2,3\n'
            '" ","Odder",0,1\n\n'
            '"Kilde: Danmarks Statistik"\n'
        ).encode("latin-1")
    )
    table = read_statbank_long(path)
    assert list(table.dimensions) == ["overtrædelsens art", "område"]
    offence = table.dimension_column("overtrædelsens art")
    assert _cell(table, **{offence: "Indbrud i beboelser", "område": "Aarhus", "period_label": "2021K2"}) == (None, "not_published")
    assert _cell(table, **{offence: "Indbrud i beboelser", "område": "Odder", "period_label": "2021K1"}) == (None, "confidential")
    assert _cell(table, **{offence: "Røveri", "område": "Odder", "period_label": "2021K2"}) == (1.0, "published")
    assert table.footnotes == ("Kilde: Danmarks Statistik",)
    assert any("not published (not as 0)" in n for n in table.notices)


def test_bad_value_is_rejected_with_line_and_period_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text('" "," ","2021K1","2021K2"\n" ","Aarhus",10,11\n" ","Odder",x7,4\n', encoding="utf-8")
    with pytest.raises(IngestRejected) as caught:
        read_statbank_long(path)
    assert (caught.value.line, caught.value.column) == (3, "2021K1")


def test_bad_period_and_duplicate_rows_are_rejected_with_line(tmp_path: Path) -> None:
    bad_period = tmp_path / "period.csv"
    bad_period.write_text("OMRÅDE;TID;INDHOLD\nA;2021K1;1\nA;2021X9;2\n", encoding="utf-8")
    with pytest.raises(IngestRejected) as caught:
        read_statbank_long(bad_period)
    assert (caught.value.line, caught.value.column) == (3, "TID")
    duplicate = tmp_path / "dupe.csv"
    duplicate.write_text("OMRÅDE;TID;INDHOLD\nA;2021K1;1\nB;2021K1;1\nA;2021K1;2\n", encoding="utf-8")
    with pytest.raises(IngestRejected) as caught:
        read_statbank_long(duplicate)
    assert caught.value.line == 4


def test_not_a_statbank_file(tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    path.write_text("name,age\nA,3\n", encoding="utf-8")
    assert not sniff_statbank(path, head_text(path))
    with pytest.raises(IngestRejected) as caught:
        read_statbank_long(path)
    assert caught.value.line == 1
