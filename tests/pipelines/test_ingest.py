"""The one ingest path: idempotent, rejects a bad file whole, keeps what was loaded."""
from __future__ import annotations

from pathlib import Path

from pipelines import landing
from pipelines.build import build_warehouse
from pipelines.ingest import ingest_paths
from pipelines.warehouse import open_warehouse, run_query

GOOD = "area,offence,period,count\nAarhus,Indbrud i beboelser,2025K1,120\nRanders,Indbrud i beboelser,2025K1,31\n"


def _write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_text(text, encoding=encoding)
    return path


def _crime_rows(settings) -> list[tuple]:
    con = open_warehouse(settings.warehouse_path)
    try:
        return con.execute("select area_code, period_start, count from crime_counts order by all").fetchall()
    finally:
        con.close()


def test_ingesting_the_same_file_twice_changes_nothing(fresh_settings, tmp_path):
    path = _write(tmp_path, "district.csv", GOOD)
    first = ingest_paths([path], settings=fresh_settings)
    build_warehouse(fresh_settings)
    before = _crime_rows(fresh_settings)
    log_before = landing.read_log(fresh_settings.landing_dir)
    version_before = build_warehouse(fresh_settings).data_version

    second = ingest_paths([path], settings=fresh_settings)
    version_after = build_warehouse(fresh_settings).data_version

    assert [r.outcome for r in first] == ["accepted"]
    assert [r.outcome for r in second] == ["duplicate"]
    assert landing.read_log(fresh_settings.landing_dir) == log_before
    assert _crime_rows(fresh_settings) == before
    assert version_after == version_before
    assert [(code, count) for code, _, count in before] == [("DK-K0730", 31), ("DK-K0751", 120)]


def test_a_renamed_copy_is_still_the_same_file(fresh_settings, tmp_path):
    ingest_paths([_write(tmp_path, "a.csv", GOOD)], settings=fresh_settings)
    again = ingest_paths([_write(tmp_path, "b.csv", GOOD)], settings=fresh_settings)
    assert again[0].outcome == "duplicate"


def test_a_bad_file_is_rejected_whole_with_file_line_column_and_reason(fresh_settings, tmp_path):
    ingest_paths([_write(tmp_path, "good.csv", GOOD)], settings=fresh_settings)
    build_warehouse(fresh_settings)
    before = _crime_rows(fresh_settings)
    bad = _write(
        tmp_path,
        "bad.csv",
        "area,offence,period,count\nAarhus,Vold,2025K1,4\nOdder,Vold,2025K1,many\nSamsø,Vold,2025K1,1\n",
    )

    [result] = ingest_paths([bad], settings=fresh_settings)

    assert result.outcome == "rejected"
    assert (result.error.file, result.error.line, result.error.column) == ("bad.csv", 3, "count")
    assert "many" in result.error.reason
    assert "bad.csv" in result.message and "line 3" in result.message and "column count" in result.message
    assert not (fresh_settings.landing_dir / "parsed" / landing.sha256_of(bad)).exists()
    build_warehouse(fresh_settings)
    assert _crime_rows(fresh_settings) == before  # no row of the bad file, nothing lost
    log = landing.read_log(fresh_settings.landing_dir)
    assert [(r.file_name, r.status) for r in log] == [("good.csv", "accepted"), ("bad.csv", "rejected")]


def test_bad_period_and_unknown_column_are_named(fresh_settings, tmp_path):
    period = _write(tmp_path, "p.csv", "area,offence,period,count\nAarhus,Vold,2025-13,4\n")
    column = _write(tmp_path, "c.csv", "area,offence,period,count,colour\nAarhus,Vold,2025K1,4,red\n")
    [p] = ingest_paths([period], settings=fresh_settings, kind_name="crime_template")
    [c] = ingest_paths([column], settings=fresh_settings, kind_name="crime_template")
    assert (p.error.line, p.error.column) == (2, "period")
    assert (c.error.line, c.error.column) == (1, "colour")


def test_an_unrecognised_file_names_the_known_kinds(fresh_settings, tmp_path):
    [result] = ingest_paths([_write(tmp_path, "notes.txt", "just some notes\n")], settings=fresh_settings)
    assert result.outcome == "rejected"
    assert result.error.code == "unknown_kind"
    assert "crime_template" in result.error.hint


def test_dry_run_checks_but_stores_and_logs_nothing(fresh_settings, tmp_path):
    [result] = ingest_paths([_write(tmp_path, "d.csv", GOOD)], settings=fresh_settings, dry_run=True)
    assert result.outcome == "checked" and result.rows == 2
    assert landing.read_log(fresh_settings.landing_dir) == []


def test_latin1_semicolon_template_loads_with_a_notice(fresh_settings, tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes("area;offence;period;count\nSamsø;Hærværk;2025M01;3\n".encode("latin-1"))
    [result] = ingest_paths([path], settings=fresh_settings)
    assert result.outcome == "accepted"
    assert any("latin-1" in n for n in result.notices)
    build_warehouse(fresh_settings)
    con = open_warehouse(fresh_settings.warehouse_path)
    assert con.execute("select area_code, offence_name, count from crime_counts").fetchall() == [("DK-K0741", "Hærværk", 3)]


def test_unknown_area_is_kept_and_listed_not_dropped(fresh_settings, tmp_path):
    ingest_paths([_write(tmp_path, "u.csv", "area,offence,period,count\nAtlantis,Vold,2025K1,7\n")], settings=fresh_settings)
    build_warehouse(fresh_settings)
    con = open_warehouse(fresh_settings.warehouse_path)
    assert con.execute("select area_code, count from crime_counts").fetchall() == [("?:Atlantis", 7)]
    assert run_query(con, "unmapped_area_labels").to_dicts() == [{"area_label": "Atlantis", "seen_in": "crime_counts"}]


def test_xlsx_template_reports_sheet_row_and_column(fresh_settings, tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["area", "offence", "period", "count"])
    sheet.append(["Aarhus", "Vold", "2025K1", 4])
    sheet.append(["Aarhus", "Vold", "2025K2", -2])
    path = tmp_path / "district.xlsx"
    book.save(path)
    [result] = ingest_paths([path], settings=fresh_settings)
    assert (result.outcome, result.error.line, result.error.column) == ("rejected", 3, "count")


def test_a_public_survey_file_loads_with_a_description_kept_elsewhere(fresh_settings):
    """The way a new user loads the real ESS file: the data from shared/realdata, the
    description from data/surveys, named in one command."""
    from tests.realdata import REALDATA

    data = REALDATA / "survey_ess" / "ESS9NO_round9_norway_full.dta"
    description = Path(__file__).resolve().parents[2] / "data" / "surveys" / "ESS9NO_round9_norway_full.dta.survey.toml"
    results = ingest_paths([data, description], settings=fresh_settings)
    assert [(r.file_name, r.outcome) for r in results] == [
        ("ESS9NO_round9_norway_full.dta", "accepted"),
        ("ESS9NO_round9_norway_full.dta.survey.toml", "accepted"),
    ]
    build_warehouse(fresh_settings)
    con = open_warehouse(fresh_settings.warehouse_path)
    assert con.execute("select count(*) from survey_respondents").fetchone()[0] == 1406
    assert [(r.file_name, r.status) for r in landing.read_log(fresh_settings.landing_dir)][0] == ("ESS9NO_round9_norway_full.dta", "accepted")
