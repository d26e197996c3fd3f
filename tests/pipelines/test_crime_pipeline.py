"""Crime files through the real ingest → build → query path.

Oracles: the published police.uk burglary counts for City of London in 2020 (MANIFEST:
33, 14, 23, 29, 16, 9, 14, 13, 19, 15, 5, 11); Statistics Denmark's own area hierarchy
(Hele landet = the five regions + "Uoplyst kommune") checked on the real STRAF11 file.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from pipelines.build import build_warehouse
from pipelines.ingest import ingest_paths
from pipelines.readers.base import head_text
from pipelines.readers.crime_statbank import UNKNOWN_OFFENCE, read_crime_statbank, sniff_crime_statbank
from pipelines.readers.police_uk import read_police_uk, sniff_police_uk
from pipelines.area_names import normalise_area_name
from pipelines.warehouse import open_warehouse, run_query
from tests.realdata import REALDATA

POLICE_UK = REALDATA / "uk_police_street"
STRAF11 = REALDATA / "dk_crime" / "straf11_total_kommune_quarterly_2007K1-2022K2_latin1.csv"
CITY_OF_LONDON_BURGLARY_2020 = [33, 14, 23, 29, 16, 9, 14, 13, 19, 15, 5, 11]
REFERENCE = Path(__file__).resolve().parents[2] / "data" / "reference"


@pytest.fixture(scope="module")
def real_warehouse(tmp_path_factory):
    from dataclasses import replace

    from pipelines.settings import load_settings

    settings = replace(load_settings(), data_dir=tmp_path_factory.mktemp("crime-real") / "data")
    results = ingest_paths([POLICE_UK, STRAF11], settings=settings)
    assert [r.outcome for r in results] == ["accepted"] * 13, [r.message for r in results]
    assert {r.kind for r in results} == {"crime_police_uk", "crime_statbank"}
    build_warehouse(settings)
    con = open_warehouse(settings.warehouse_path)
    yield con
    con.close()


def test_city_of_london_burglaries_per_month_2020(real_warehouse) -> None:
    series = run_query(real_warehouse, "crime_series", area_code="GB-PF-city-of-london-police", offence_group="burglary", period_type="month")
    assert series["count"].to_list() == CITY_OF_LONDON_BURGLARY_2020
    assert series["period_start"].to_list() == [date(2020, m, 1) for m in range(1, 13)]
    assert set(series["count_source"]) == {"reported"}


def test_police_uk_areas_are_known_and_lsoas_do_not_add_to_the_force(real_warehouse) -> None:
    levels = dict(real_warehouse.cursor().execute("select level, count(*) from areas where country = 'GB' group by level").fetchall())
    assert levels == {"country": 1, "force": 1, "lsoa": 56}
    unknown = real_warehouse.cursor().execute("select count(*) from areas where level = 'unknown' and area_code like '?:GB%'").fetchone()[0]
    assert unknown == 0
    # All 5,925 rows (ASB without Crime ID and 'No Location' rows included) are in the force total.
    total = real_warehouse.cursor().execute(
        "select sum(count) from crime_counts where area_code = 'GB-PF-city-of-london-police'"
    ).fetchone()[0]
    assert total == 5925


def test_hele_landet_equals_regions_plus_uoplyst_in_every_quarter(real_warehouse) -> None:
    frame = real_warehouse.cursor().sql(
        """
        select period_start,
               sum(count) filter (where area_code = 'DK') as country,
               sum(count) filter (where area_code like 'DK-R%') as regions,
               sum(count) filter (where area_code = 'DK-KUNK') as uoplyst
        from mart_crime_area_group_period
        where offence_group = 'unknown'
        group by period_start order by period_start
        """
    ).pl()
    assert frame.height == 62
    assert (frame["country"] == frame["regions"] + frame["uoplyst"]).all()
    # Independent of our marts: the sum of every row of the file per quarter.
    raw = read_crime_statbank(STRAF11).tables["raw_crime_counts"].group_by("period_start").agg(pl.col("count").sum()).sort("period_start")
    assert frame["country"].to_list() == raw["count"].to_list()


def test_straf11_without_offence_is_recorded_as_unspecified_with_a_notice() -> None:
    assert sniff_crime_statbank(STRAF11, head_text(STRAF11))
    parsed = read_crime_statbank(STRAF11)
    assert set(parsed.tables["raw_crime_counts"]["offence_label"]) == {UNKNOWN_OFFENCE}
    assert any("does not say which offence" in n for n in parsed.notices)


def test_police_uk_reader_counts_asb_and_no_location_rows() -> None:
    path = POLICE_UK / "2020-01-city-of-london-street.csv"
    assert sniff_police_uk(path, head_text(path))
    parsed = read_police_uk(path)
    counts = parsed.tables["raw_crime_counts"]
    force = counts.filter(pl.col("area_label") == "GB-PF-city-of-london-police")
    lsoa = counts.filter(pl.col("area_label").str.starts_with("GB-LSOA-"))
    assert force.filter(pl.col("offence_label") == "Burglary")["count"].to_list() == [33]
    # The force has 68 more rows than its LSOAs: the 'No Location' rows.
    assert force["count"].sum() - lsoa["count"].sum() == 68


def test_file_with_country_regions_and_municipalities_is_not_double_counted(fresh_settings, tmp_path: Path) -> None:
    path = tmp_path / "straf_levels_bulk.csv"
    path.write_text(
        "OMRÅDE;OVERTRÆD;TID;INDHOLD\n"
        "Hele landet;Indbrud i beboelser;2021K1;100\n"
        "Region Midtjylland;Indbrud i beboelser;2021K1;30\n"
        "Aarhus;Indbrud i beboelser;2021K1;20\n"
        "Odder;Indbrud i beboelser;2021K1;2\n",
        encoding="utf-8",
    )
    assert [r.outcome for r in ingest_paths([path], settings=fresh_settings)] == ["accepted"]
    build_warehouse(fresh_settings)
    con = open_warehouse(fresh_settings.warehouse_path)
    rows = dict(con.execute(
        "select area_code, count || ':' || count_source from mart_crime_area_group_period where offence_group = 'burglary'"
    ).fetchall())
    con.close()
    assert rows["DK"] == "100:reported"  # the file's own total, not 100 + 30 + 22
    assert rows["DK-R082"] == "30:reported"
    assert rows["DK-PK02"] == "22:summed"  # Østjyllands Politi = Aarhus + Odder


def test_unknown_offence_labels_are_kept(fresh_settings, tmp_path: Path) -> None:
    path = tmp_path / "crime.csv"
    path.write_text("area,offence,period,count\nAarhus,Cykelsmugling,2021M01,4\nAarhus,Indbrud i beboelser,2021M01,9\n", encoding="utf-8")
    ingest_paths([path], settings=fresh_settings)
    build_warehouse(fresh_settings)
    con = open_warehouse(fresh_settings.warehouse_path)
    unknown = run_query(con, "crime_unknown_offences")
    groups = dict(con.execute("select offence_code, offence_group from crime_counts").fetchall())
    con.close()
    assert unknown.rows() == [("Cykelsmugling", 1, 4)]
    assert groups == {"Cykelsmugling": "unknown", "burglary_home": "burglary"}


def test_taxonomy_labels_name_one_offence_each() -> None:
    offences = pl.read_csv(REFERENCE / "offences.csv", infer_schema=False)
    labels = pl.read_csv(REFERENCE / "offence_labels.csv", infer_schema=False)
    assert set(labels["offence_code"]) <= set(offences["offence_code"])
    assert set(offences["level"]) == {"total", "detail"}
    spellings = pl.concat([
        labels.select("label", "offence_code"),
        *(offences.select(pl.col(c).alias("label"), "offence_code") for c in ("offence_code", "name_da", "name_en", "name_uk")),
    ]).with_columns(key=pl.col("label").map_elements(normalise_area_name, return_dtype=pl.Utf8))
    clashes = spellings.group_by("key").agg(pl.col("offence_code").n_unique().alias("n")).filter(pl.col("n") > 1)
    assert clashes.is_empty(), clashes
    # Burglary of private homes is a group of its own in all three languages.
    home = offences.filter(pl.col("offence_code") == "burglary_home").row(0, named=True)
    assert (home["group"], home["name_da"], home["name_uk"]) == ("burglary", "Indbrud i beboelser", "Квартирні крадіжки")


def _police_uk_burglaries_by_lsoa(months: range) -> dict[str, int]:
    """Burglaries per LSOA code counted straight from the police.uk CSVs (independent of our reader)."""
    import csv

    counts: dict[str, int] = {}
    for month in months:
        with (POLICE_UK / f"2020-{month:02d}-city-of-london-street.csv").open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                if row["Crime type"] == "Burglary" and row["LSOA code"]:
                    counts[row["LSOA code"]] = counts.get(row["LSOA code"], 0) + 1
    return counts


def _ranking(con, *, scope_code: str, area_code: str, **spans) -> pl.DataFrame:
    """The crime page's ranking rows: the scope's leaves with their counts (as ui.crime joins them)."""
    counts = run_query(con, "crime_areas_compare", scope_code=scope_code, offence_group="burglary", period_type="month", **spans)
    leaves = run_query(con, "crime_compare_areas", scope_code=scope_code, area_code=area_code)
    assert set(counts["area_code"]) <= set(leaves["area_code"])
    return leaves.join(counts, on="area_code", how="left")


def test_ranking_of_a_force_lists_every_lsoa_with_its_counts_in_both_spans(real_warehouse) -> None:
    frame = _ranking(
        real_warehouse, scope_code="GB-PF-city-of-london-police", area_code="GB-PF-city-of-london-police",
        period_start=date(2020, 7, 1), period_end=date(2020, 12, 31),
        before_start=date(2020, 1, 1), before_end=date(2020, 6, 30),
    )
    assert frame.height == 56  # every LSOA of the force, with or without burglaries
    assert set(frame["level"]) == {"lsoa"} and not frame["is_chosen"].any()
    current = _police_uk_burglaries_by_lsoa(range(7, 13))
    before = _police_uk_burglaries_by_lsoa(range(1, 7))
    got_current = {r["map_key"]: r["count"] for r in frame.iter_rows(named=True) if r["count"]}
    got_before = {r["map_key"]: r["count_before"] for r in frame.iter_rows(named=True) if r["count_before"]}
    assert got_current == current
    assert got_before == before


def test_ranking_of_an_lsoa_lists_its_forces_lsoas_with_the_lsoa_marked(real_warehouse) -> None:
    frame = _ranking(
        real_warehouse, scope_code="GB-PF-city-of-london-police", area_code="GB-LSOA-E01000916",
        period_start=date(2020, 1, 1), period_end=date(2020, 12, 31),
        before_start=date(2019, 1, 1), before_end=date(2019, 12, 31),
    )
    assert frame.height == 56
    assert frame.filter(pl.col("is_chosen"))["area_code"].to_list() == ["GB-LSOA-E01000916"]
    assert frame["count_before"].null_count() == 56  # no 2019 file loaded: no data, not zero
    assert dict(zip(frame["map_key"], frame["count"])) == {
        key: _police_uk_burglaries_by_lsoa(range(1, 13)).get(key) for key in frame["map_key"]
    }


def test_compstat_of_a_municipality_matches_the_statbank_file(real_warehouse) -> None:
    # Read straight from the matrix export (latin-1, quarters across, one line per area).
    import csv

    with STRAF11.open(encoding="latin-1", newline="") as handle:
        rows = list(csv.reader(handle))
    quarters = rows[0][2:]
    [aarhus] = [row for row in rows if len(row) > 2 and row[1] == "Aarhus"]

    def quarter_total(start: date) -> int:
        return int(aarhus[2 + quarters.index(f"{start.year}K{(start.month - 1) // 3 + 1}")])

    frame = run_query(
        real_warehouse, "crime_groups_compare", area_code="DK-K0751", period_type="quarter",
        period_start=date(2021, 1, 1), period_end=date(2021, 6, 30),
        before_start=date(2020, 1, 1), before_end=date(2020, 6, 30),
    )
    [row] = frame.iter_rows(named=True)  # the file has only the total of all offences
    assert row["count"] == quarter_total(date(2021, 1, 1)) + quarter_total(date(2021, 4, 1))
    assert row["count_before"] == quarter_total(date(2020, 1, 1)) + quarter_total(date(2020, 4, 1))
    assert (row["n_periods"], row["n_periods_before"]) == (2, 2)
    # A span without data: the comparison is null (no data), not zero.
    later = run_query(
        real_warehouse, "crime_groups_compare", area_code="DK-K0751", period_type="quarter",
        period_start=date(2022, 1, 1), period_end=date(2022, 6, 30),
        before_start=date(1999, 1, 1), before_end=date(1999, 6, 30),
    )
    assert later["count_before"].to_list() == [None] and later["n_periods_before"].to_list() == [0]
