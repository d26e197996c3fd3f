"""Checks of ``data/reference`` (areas, aliases, population) against independent sources.

Oracles, none of them computed from our own output:

- police-district composition: the published lists of the twelve districts (politi.dk,
  the kredsråd pages of the municipalities, lex.dk/Trap Danmark; see data/reference/README.md),
  typed in below, against the DAGI-derived lookup the CSV is built from;
- region totals: DST FOLK1A 2020K1 by region (``folk1a_2020K1_kommune_civilstand_api_semicolon.csv``),
  a different download from the municipality file we sum;
- Denmark: DST FOLK1A "Hele landet" 2008K1–2020K4 (``folk1a_hele_landet_…_bom_crlf.csv``);
- municipality figures: DST BEV "Befolkningen ultimo" by sex (``bev_befolkningens_udvikling_…``),
  whose year-end count equals FOLK1A on 1 January of the next year;
- names: every area label in the real STRAF11 and FOLK1A exports must resolve.
"""
from __future__ import annotations

import csv
import importlib.util
import io
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from pipelines.area_names import load_area_aliases, normalise_area_name
from tests.realdata import REALDATA

REFERENCE = Path(__file__).resolve().parents[1] / "data" / "reference"
POP = REALDATA / "dk_population"

# The twelve police districts as published (see README "Police districts" for the sources).
PUBLISHED_DISTRICTS = {
    "Nordjyllands Politi": "Aalborg Brønderslev Frederikshavn Hjørring Jammerbugt Læsø "
    "Mariagerfjord Rebild Vesthimmerlands",
    "Østjyllands Politi": "Aarhus Favrskov Norddjurs Odder Randers Samsø Syddjurs",
    "Midt- og Vestjyllands Politi": "Herning Holstebro Ikast-Brande Lemvig Morsø "
    "Ringkøbing-Skjern Silkeborg Skive Struer Thisted Viborg",
    "Sydøstjyllands Politi": "Billund Fredericia Hedensted Horsens Kolding Skanderborg Vejle",
    "Syd- og Sønderjyllands Politi": "Aabenraa Esbjerg Fanø Haderslev Sønderborg Tønder Varde Vejen",
    "Fyns Politi": "Assens Faaborg-Midtfyn Kerteminde Langeland Middelfart Nordfyns Nyborg "
    "Odense Svendborg Ærø",
    "Sydsjællands og Lolland-Falsters Politi": "Faxe Guldborgsund Lolland Næstved Slagelse Sorø "
    "Vordingborg",
    "Midt- og Vestsjællands Politi": "Greve Holbæk Kalundborg Køge Lejre Odsherred Ringsted "
    "Roskilde Solrød Stevns",
    "Nordsjællands Politi": "Allerød Egedal Fredensborg Frederikssund Furesø Gentofte Gribskov "
    "Halsnæs Helsingør Hillerød Hørsholm Lyngby-Taarbæk Rudersdal",
    "Københavns Vestegns Politi": "Albertslund Ballerup Brøndby Gladsaxe Glostrup Herlev Hvidovre "
    "Høje-Taastrup Ishøj Rødovre Vallensbæk",
    "Københavns Politi": "Dragør Frederiksberg København Tårnby",
    "Bornholms Politi": "Bornholm Christiansø",
}


def _read(path: Path, **kwargs: str) -> list[dict[str, str]]:
    with path.open(encoding=kwargs.pop("encoding", "utf-8"), newline="") as handle:
        return list(csv.DictReader(handle, **kwargs))


@pytest.fixture(scope="module")
def areas() -> dict[str, dict[str, str]]:
    rows = _read(REFERENCE / "areas.csv")
    assert len(rows) == len({r["area_code"] for r in rows}), "area_code must be unique"
    return {r["area_code"]: r for r in rows}


@pytest.fixture(scope="module")
def population() -> dict[tuple[str, int], int]:
    rows = _read(REFERENCE / "population.csv")
    table = {(r["area_code"], int(r["year"])): int(r["population"]) for r in rows}
    assert len(table) == len(rows), "one row per area and year"
    return table


@pytest.fixture(scope="module")
def aliases() -> dict[str, str]:
    return load_area_aliases(REFERENCE)


def _codes(areas: dict[str, dict[str, str]], level: str) -> list[str]:
    return [code for code, row in areas.items() if row["level"] == level]


def test_areas_csv_has_the_contract_columns() -> None:
    with (REFERENCE / "areas.csv").open(encoding="utf-8") as handle:
        header = handle.readline().strip()
    assert header == (
        "area_code,area_name,level,parent_code,country,region_code,map_key,name_en,name_uk"
    )


def test_denmark_has_98_municipalities_christianso_unknown_12_districts_5_regions(areas) -> None:
    municipalities = _codes(areas, "municipality")
    assert len(municipalities) == 100
    assert "DK-K0411" in municipalities and "DK-KUNK" in municipalities
    assert len([m for m in municipalities if m not in ("DK-K0411", "DK-KUNK")]) == 98
    assert sorted(_codes(areas, "police_district")) == [f"DK-PK{n:02d}" for n in range(1, 13)]
    assert sorted(_codes(areas, "region")) == [f"DK-R08{n}" for n in range(1, 6)]


def test_hierarchy_parents_exist_and_countries_are_consistent(areas) -> None:
    for code, row in areas.items():
        if row["level"] == "country":
            assert row["parent_code"] == "" and row["country"] == code
            continue
        parent = areas[row["parent_code"]]
        assert parent["country"] == row["country"], code


def test_every_municipality_has_a_district_parent_and_a_region(areas) -> None:
    for code in _codes(areas, "municipality"):
        row = areas[code]
        if code == "DK-KUNK":
            assert (row["parent_code"], row["region_code"]) == ("DK", "")
            continue
        assert areas[row["parent_code"]]["level"] == "police_district", code
        assert areas[row["region_code"]]["level"] == "region", code
        assert row["map_key"] == code.removeprefix("DK-K"), code


def test_ostjyllands_politi_is_the_seven_municipalities(areas) -> None:
    names = {r["area_name"] for r in areas.values() if r["parent_code"] == "DK-PK02"}
    assert areas["DK-PK02"]["area_name"] == "Østjyllands Politi"
    assert areas["DK-PK02"]["name_en"] == "East Jutland Police"
    assert names == {"Aarhus", "Randers", "Favrskov", "Norddjurs", "Syddjurs", "Odder", "Samsø"}


def test_every_district_matches_its_published_composition(areas) -> None:
    actual: dict[str, set[str]] = defaultdict(set)
    for row in areas.values():
        if row["level"] == "municipality" and row["parent_code"].startswith("DK-PK"):
            actual[areas[row["parent_code"]]["area_name"]].add(row["area_name"])
    assert dict(actual) == {k: set(v.split()) for k, v in PUBLISHED_DISTRICTS.items()}


def test_ukrainian_areas_hang_under_kharkiv_oblast(areas) -> None:
    assert areas["UA-63"]["parent_code"] == "UA"
    for code, level in (
        ("UA-63-CHUHUIV-CITY", "city"),
        ("UA-63-CHUHUIV-RAION", "raion"),
        ("UA-63-PECHENIHY-RAION", "raion"),
    ):
        assert (areas[code]["level"], areas[code]["parent_code"]) == (level, "UA-63")
    assert (areas["UA-63-CHUHUIV-CITY"]["name_en"], areas["UA-63-CHUHUIV-CITY"]["name_uk"]) == (
        "Chuhuiv",
        "Чугуїв",
    )


def _straf11_labels() -> list[str]:
    text = (REALDATA / "dk_crime" / "straf11_total_kommune_quarterly_2007K1-2022K2_latin1.csv").read_text(
        encoding="latin-1"
    )
    rows = list(csv.reader(io.StringIO(text)))
    return [row[1] for row in rows[1:]]


def test_every_straf11_area_resolves_to_a_municipality(areas, aliases) -> None:
    labels = _straf11_labels()
    assert len(labels) == 100
    resolved = [aliases[normalise_area_name(label)] for label in labels]
    assert all(areas[code]["level"] == "municipality" for code in resolved)
    assert len(set(resolved)) == 100
    assert aliases[normalise_area_name("Uoplyst kommune")] == "DK-KUNK"


def test_every_folk1a_label_and_code_resolves(areas, aliases) -> None:
    quarterly = {r["område"] for r in _read(POP / "folk1a_quarterly_kommune_2008K1-_long_utf8.csv")}
    civil = {r["OMRÅDE"] for r in _read(POP / "folk1a_2020K1_kommune_civilstand_api_semicolon.csv", delimiter=";")}
    whole = {r["OMRÅDE"] for r in _read(POP / "folk1a_hele_landet_2008K1-2020K4_bom_crlf.csv", encoding="utf-8-sig", delimiter=";")}
    codes = {r["OMRÅDE"] for r in _read(POP / "folk1a_regions_age_sex_codes_2008-2020.csv", delimiter=";")}
    assert len(quarterly) == 99 and len(civil) == 105 and whole == {"Hele landet"} and len(codes) == 12
    for label in quarterly | civil | whole | codes:
        assert normalise_area_name(label) in aliases, label
    # Labels must land on the area with that very name, and codes on the DST-coded area.
    for label in quarterly | civil:
        assert areas[aliases[normalise_area_name(label)]]["area_name"] in (label, "Danmark"), label
    assert aliases["000"] == "DK"
    assert {aliases[c] for c in codes if c.startswith("08")} == {f"DK-R08{n}" for n in range(1, 6)}
    assert {aliases[c] for c in codes if c not in ("000",) and not c.startswith("08")} == {
        "DK-K0147", "DK-K0400", "DK-K0461", "DK-K0561", "DK-K0751", "DK-K0851",
    }


def test_region_population_equals_dst_region_totals_2020(areas, population) -> None:
    published = {
        r["OMRÅDE"]: int(r["INDHOLD"])
        for r in _read(POP / "folk1a_2020K1_kommune_civilstand_api_semicolon.csv", delimiter=";")
        if r["CIVILSTAND"] == "I alt"
    }
    for code in _codes(areas, "region"):
        assert population[(code, 2020)] == published[areas[code]["area_name"]], code
    assert population[("DK", 2020)] == published["Hele landet"] == 5_822_763


def test_region_membership_sums_to_dst_totals_from_municipality_rows(areas, population) -> None:
    """Same oracle as above, summed here from the municipality rows rather than read back."""
    published = {
        r["OMRÅDE"]: int(r["INDHOLD"])
        for r in _read(POP / "folk1a_2020K1_kommune_civilstand_api_semicolon.csv", delimiter=";")
        if r["CIVILSTAND"] == "I alt"
    }
    sums: Counter[str] = Counter()
    for code in _codes(areas, "municipality"):
        if (code, 2020) in population:
            sums[areas[code]["region_code"]] += population[(code, 2020)]
    assert {areas[c]["area_name"]: n for c, n in sums.items()} == {
        name: n for name, n in published.items() if name.startswith("Region ")
    }
    # DST counts Christiansø in Region Hovedstaden: without its 84 residents the total is off.
    assert population[("DK-K0411", 2020)] == 84
    assert sums["DK-R084"] - 84 != published["Region Hovedstaden"]


def test_region_population_brackets_the_partial_age_file_every_year(areas, population) -> None:
    """The 2008–2020 region file lacks age 38 (and ages over 100), so it cannot match exactly.

    It still bounds our sums: they must exceed its partial totals by about one age group,
    0.8–1.8 % of the population (measured 1.0–1.6 %), in every region and year.
    """
    partial: Counter[tuple[str, int]] = Counter()
    ages: set[str] = set()
    for r in _read(POP / "folk1a_regions_age_sex_codes_2008-2020.csv", delimiter=";"):
        ages.add(r["ALDER"])
        if r["OMRÅDE"].startswith("08"):
            partial[(f"DK-R{r['OMRÅDE']}", int(r["TID"][:4]))] += int(r["INDHOLD"])
    assert "38" not in ages and len(ages) == 100
    assert len(partial) == 5 * 13
    for (code, year), part in partial.items():
        gap = population[(code, year)] - part
        assert 0.008 < gap / population[(code, year)] < 0.018, (code, year)


def test_denmark_equals_hele_landet_file_every_year(population) -> None:
    rows = _read(POP / "folk1a_hele_landet_2008K1-2020K4_bom_crlf.csv", encoding="utf-8-sig", delimiter=";")
    first_quarters = {int(r["TID"][:4]): int(r["INDHOLD"]) for r in rows if r["TID"].endswith("K1")}
    assert sorted(first_quarters) == list(range(2008, 2021))
    for year, total in first_quarters.items():
        assert population[("DK", year)] == total, year


def test_municipality_population_equals_previous_year_end_in_bev(areas, population) -> None:
    text = (POP / "bev_befolkningens_udvikling_kommune_2006-2021_latin1.csv").read_text(encoding="latin-1")
    rows = list(csv.reader(io.StringIO(text)))
    years = [int(y) for y in rows[2][3:]]
    year_end: Counter[tuple[str, int]] = Counter()
    for row in rows:
        if len(row) == len(rows[2]) and row[2].strip():
            for year, value in zip(years, row[3:]):
                year_end[(row[2], year)] += int(value)  # men + women
    by_name = {r["area_name"]: code for code, r in areas.items() if r["level"] == "municipality"}
    checked = 0
    for (name, year), total in year_end.items():
        key = (by_name[name], year + 1)
        if key in population:
            assert population[key] == total, key
            checked += 1
    assert checked == 99 * 15  # 1 January 2008 … 2022


def test_aggregates_are_the_sum_of_their_children(areas, population) -> None:
    years = {year for _, year in population}
    assert years == set(range(2008, 2023))
    for year in years:
        by_district: Counter[str] = Counter()
        for code in _codes(areas, "municipality"):
            if (code, year) in population:
                by_district[areas[code]["parent_code"]] += population[(code, year)]
        for district, total in by_district.items():
            assert population[(district, year)] == total
        assert sum(by_district.values()) == population[("DK", year)]


def test_no_population_is_invented_for_unknown_or_ukrainian_areas(population) -> None:
    codes = {code for code, _ in population}
    assert "DK-KUNK" not in codes
    assert not any(code.startswith(("UA", "GB")) for code in codes)


def test_committed_csvs_equal_a_fresh_build() -> None:
    spec = importlib.util.spec_from_file_location("build_reference", REFERENCE / "build_reference.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    built_areas, built_aliases = module.build_areas()
    assert _read(REFERENCE / "areas.csv") == built_areas
    assert [(r["alias"], r["area_code"]) for r in _read(REFERENCE / "area_aliases.csv")] == (
        module._dedupe_and_check(built_aliases)
    )
    assert _read(REFERENCE / "population.csv") == module.build_population(built_areas)
