"""Traffic pipeline: templates, UHELD StatBank files, provisional → final replacement, and the
roll-up, through the real ingest → build → named query path.

Oracles: the expected figures are written into the test files here (or counted from them with
the csv module), never read back from our own output.
"""
from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from pipelines.build import build_warehouse
from pipelines.errors import IngestRejected
from pipelines.ingest import ingest_paths
from pipelines.kinds import recognise
from pipelines.readers.traffic import TIPS_TEMPLATE, TRAFFIC_TEMPLATE, read_tips_template, read_traffic_template
from pipelines.readers.uheld import read_uheld
from pipelines.warehouse import open_warehouse, run_query

REPO = Path(__file__).resolve().parents[2]
TRAFFIC_DATA = REPO / "tests" / "data" / "traffic"
HEADER = "area,measure,road_user,period,count,status\n"


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _build(settings, *paths: Path) -> None:
    for path in paths:  # one at a time: load order matters for the replacement rule
        results = ingest_paths([path], settings=settings)
        assert [r.outcome for r in results] == ["accepted"], [r.message for r in results]
    build_warehouse(settings)


def _query(settings, name: str, **params):
    con = open_warehouse(settings.warehouse_path)
    try:
        return run_query(con, name, **params)
    finally:
        con.close()


def _table(settings, sql: str):
    con = open_warehouse(settings.warehouse_path)
    try:
        return con.sql(sql).pl()
    finally:
        con.close()


def test_templates_are_documented_from_their_specs() -> None:
    readme = (REPO / "data" / "templates" / "README.md").read_text(encoding="utf-8")
    assert TRAFFIC_TEMPLATE.describe() in readme
    assert TIPS_TEMPLATE.describe() in readme


def test_committed_template_examples_load() -> None:
    counts = read_traffic_template(REPO / "data" / "templates" / "traffic_counts.csv").tables["raw_traffic_counts"]
    assert counts["road_user"].to_list() == ["all", "bicycle", "all"]
    assert counts["status"].to_list() == ["provisional", "provisional", "final"]
    tips = read_tips_template(REPO / "data" / "templates" / "traffic_tips.csv").tables["raw_traffic_tips"]
    assert tips["latitude"].to_list() == [56.4730, None]


def test_same_key_twice_in_one_file_is_rejected(tmp_path: Path) -> None:
    path = _write(tmp_path / "t.csv", HEADER + "Randers,killed,,2024,2,final\nRanders,killed,all,2024,3,final\n")
    with pytest.raises(IngestRejected) as caught:
        read_traffic_template(path)
    assert (caught.value.line, caught.value.column) == (3, "period")


@pytest.mark.parametrize(
    ("row", "line", "column"),
    [("Randers,ksi,all,2024,2,final", 2, "measure"), ("Randers,killed,all,2024,-1,final", 2, "count"),
     ("Randers,killed,all,2024,2,preliminary", 2, "status")],
)
def test_bad_template_cells_are_rejected(tmp_path: Path, row: str, line: int, column: str) -> None:
    with pytest.raises(IngestRejected) as caught:
        read_traffic_template(_write(tmp_path / "t.csv", HEADER + row + "\n"))
    assert (caught.value.line, caught.value.column) == (line, column)


def test_tip_with_one_coordinate_is_rejected(tmp_path: Path) -> None:
    path = _write(tmp_path / "tips.csv", "date,area,place,latitude,longitude,type\n2025-01-02,Aarhus,Viborgvej,56.1,,speeding\n")
    with pytest.raises(IngestRejected) as caught:
        read_tips_template(path)
    assert (caught.value.line, caught.value.column) == (2, "longitude")


@pytest.mark.parametrize("final_first", [False, True], ids=["provisional_then_final", "final_then_provisional"])
def test_final_figures_replace_provisional_ones_without_double_counting(fresh_settings, tmp_path: Path, final_first: bool) -> None:
    provisional = _write(
        tmp_path / "provisional.csv",
        HEADER + "".join(f"Randers,seriously_injured,all,2024K{q},{c},provisional\n" for q, c in zip(range(1, 5), (5, 6, 7, 8)))
        + "Randers,killed,all,2024,2,provisional\n",
    )
    final = _write(
        tmp_path / "final.csv",
        HEADER + "".join(f"Randers,seriously_injured,all,2024K{q},{c},final\n" for q, c in zip(range(1, 5), (4, 6, 9, 10)))
        + "Randers,killed,all,2024,3,final\n",
    )
    _build(fresh_settings, *((final, provisional) if final_first else (provisional, final)))
    rows = _table(fresh_settings, "select measure, period_start, count, status from traffic_counts where area_code = 'DK-K0730' order by all")
    assert rows.height == 5, "one row per measure and period, not one per file"
    assert set(rows["status"]) == {"final"}
    assert rows.filter(rows["measure"] == "seriously_injured")["count"].to_list() == [4, 6, 9, 10]
    year = _query(fresh_settings, "traffic_years", area_code="DK-K0730").row(0, named=True)
    assert (year["year"], year["seriously_injured"], year["killed"], year["ksi"]) == (2024, 29, 3, 32)
    assert year["is_provisional"] is False and year["is_complete_year"] is True
    # the district is its municipality's figure, counted once
    district = _query(fresh_settings, "traffic_years", area_code="DK-PK02").row(0, named=True)
    assert district["ksi"] == 32


def test_partly_final_year_stays_provisional(fresh_settings, tmp_path: Path) -> None:
    provisional = _write(tmp_path / "p.csv", HEADER + "".join(f"Randers,killed,all,2024K{q},1,provisional\n" for q in range(1, 5)))
    final = _write(tmp_path / "f.csv", HEADER + "Randers,killed,all,2024K1,2,final\n")
    _build(fresh_settings, provisional, final)
    year = _query(fresh_settings, "traffic_years", area_code="DK-K0730").row(0, named=True)
    assert year["killed"] == 2 + 1 + 1 + 1
    assert year["is_provisional"] is True


def test_year_and_quarters_of_the_same_year_are_not_added(fresh_settings, tmp_path: Path) -> None:
    quarters = _write(tmp_path / "q.csv", HEADER + "".join(f"Randers,injury_accidents,all,2023K{q},10,final\n" for q in range(1, 5)))
    year = _write(tmp_path / "y.csv", HEADER + "Randers,injury_accidents,all,2023,40,final\n")
    _build(fresh_settings, quarters, year)
    assert _query(fresh_settings, "traffic_years", area_code="DK-K0730")["injury_accidents"].to_list() == [40]


def test_uheld_casualty_file_drops_totals_and_maps_road_users(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "uheldk1.csv",
        "OMRÅDE;PERSONSKADE;INDBLANDEDE TRANSPORTMIDLER;ALDER;KØN;TID;INDHOLD\n"
        "Randers;Personskader i alt;I alt;Alder i alt;Køn i alt;2019;50\n"
        "Randers;Dræbte;I alt;Alder i alt;Køn i alt;2019;2\n"
        "Randers;Alvorligt tilskadekomne;I alt;Alder i alt;Køn i alt;2019;20\n"
        "Randers;Alvorligt tilskadekomne;Cykler;Alder i alt;Køn i alt;2019;8\n"
        "Randers;Lettere tilskadekomne;I alt;Alder i alt;Køn i alt;2019;28\n"
        "Randers;Lettere tilskadekomne;I alt;15-24 år;Køn i alt;2019;9\n",
    )
    assert recognise(path).name == "traffic_uheld"
    frame = read_uheld(path).tables["raw_traffic_counts"]
    got = {(r["measure"], r["road_user"]): r["count"] for r in frame.iter_rows(named=True) if r["count"]}
    assert got == {("killed", "all"): 2, ("seriously_injured", "all"): 20, ("seriously_injured", "bicycle"): 8, ("slightly_injured", "all"): 28}
    assert set(frame["status"]) == {"final"}


def test_uheld_dimension_without_total_is_rejected(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "uheldk7.csv",
        "UHELDSART;OMRÅDE;BY/LANDOMRÅDE;UHELDSSITUATION;TID;INDHOLD\n"
        "Personskadeuheld i alt;Randers;Byzone;Uheld i alt;2019;30\n"
        "Personskadeuheld i alt;Randers;Landzone;Uheld i alt;2019;20\n",
    )
    with pytest.raises(IngestRejected) as caught:
        read_uheld(path)
    assert caught.value.column == "BY/LANDOMRÅDE" and caught.value.line == 1


def test_stats19_counts_by_severity_reach_the_query_unchanged(fresh_settings) -> None:
    path = TRAFFIC_DATA / "stats19_accidents_2019_sample.csv"
    _build(fresh_settings, path)
    collisions, casualties = Counter(), Counter()
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            severity = {"1": "fatal", "2": "serious", "3": "slight"}.get(row["accident_severity"], "unknown")
            collisions[severity] += 1
            casualties[severity] += max(0, int(row["number_of_casualties"]))
    got = _query(fresh_settings, "traffic_severity", area_code="GB", year=2019)
    assert {r["severity"]: (r["collisions"], r["casualties"]) for r in got.iter_rows(named=True)} == {
        s: (collisions[s], casualties[s]) for s in collisions
    }
    assert _query(fresh_settings, "traffic_years", area_code="GB")["injury_accidents"].to_list() == [sum(collisions.values())]
