"""Rebuild ``areas.csv``, ``area_aliases.csv`` and ``population.csv`` from the real public files.

Dev-time only: the dashboard and the pipelines read the committed CSVs and never run this.
Run from the repository root::

    python data/reference/build_reference.py

It reads ``../shared/realdata`` (see its MANIFEST) and writes the three CSVs beside this
script. Output is deterministic: rows are sorted and nothing depends on the clock.
Sources and decisions are documented in ``README.md`` in this folder.
"""
from __future__ import annotations

import csv
import json
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
REALDATA = REPO.parent / "shared" / "realdata"

# A dev-time script run as a file: make ``pipelines`` importable so the alias table is
# checked with the very normalisation the pipelines use.
sys.path.insert(0, str(REPO))
from pipelines.area_names import normalise_area_name  # noqa: E402

LOOKUP = REALDATA / "geo" / "dk_kommune_politikreds_lookup.csv"
DISTRICTS_GEOJSON = REALDATA / "geo" / "dk_politikredse_dagi2014.geojson"
HROMADAS_GEOJSON = REALDATA / "geo" / "ua_kharkiv_oblast_hromadas_2020.geojson"
FOLK1A_KOMMUNE = REALDATA / "dk_population" / "folk1a_quarterly_kommune_2008K1-_long_utf8.csv"
FOLK1A_POP_COLUMN = "Folketal den 1. i kvartalet"
POPULATION_SOURCE = "DST FOLK1A, Folketal den 1. i kvartalet, K1"

AREA_COLUMNS = (
    "area_code", "area_name", "level", "parent_code", "country",
    "region_code", "map_key", "name_en", "name_uk",
)

# Police districts: POLKR_NR → (English, Ukrainian). Danish names come from the DAGI file.
DISTRICT_NAMES = {
    1: ("North Jutland Police", "Поліція Північної Ютландії"),
    2: ("East Jutland Police", "Поліція Східної Ютландії"),
    3: ("Central and West Jutland Police", "Поліція Центральної та Західної Ютландії"),
    4: ("South-East Jutland Police", "Поліція Південно-Східної Ютландії"),
    5: ("South and Southern Jutland Police", "Поліція Південної Ютландії та Сеннер'юлланна"),
    6: ("Funen Police", "Поліція Фюну"),
    7: ("South Zealand and Lolland-Falster Police", "Поліція Південної Зеландії та Лолланн-Фальстера"),
    8: ("Central and West Zealand Police", "Поліція Центральної та Західної Зеландії"),
    9: ("North Zealand Police", "Поліція Північної Зеландії"),
    10: ("Copenhagen West Police", "Поліція західних передмість Копенгагена"),
    11: ("Copenhagen Police", "Поліція Копенгагена"),
    12: ("Bornholm Police", "Поліція Борнгольму"),
}

# Regions (Statistics Denmark codes 081–085): Danish, English, Ukrainian.
REGIONS = {
    "081": ("Region Nordjylland", "North Denmark Region", "Регіон Північна Ютландія"),
    "082": ("Region Midtjylland", "Central Denmark Region", "Регіон Центральна Ютландія"),
    "083": ("Region Syddanmark", "Region of Southern Denmark", "Регіон Південна Данія"),
    "084": ("Region Hovedstaden", "Capital Region of Denmark", "Столичний регіон Данії"),
    "085": ("Region Sjælland", "Region Zealand", "Регіон Зеландія"),
}
# Bare "Sjælland" is left out on purpose: it is also the island, which is larger than the region.
REGION_EXTRA_ALIASES = {
    "081": ("Nordjylland", "North Jutland Region"),
    "082": ("Midtjylland", "Central Jutland Region", "Region Midt"),
    "083": ("Syddanmark", "Southern Denmark", "Region Southern Denmark"),
    "084": ("Hovedstaden", "Capital Region", "Region H"),
    "085": ("Zealand Region",),
}

# Municipality → region, by 4-digit KOMKODE: Lov om regioner og om nedlæggelse af
# amtskommunerne (2005), as coded by Statistics Denmark. Christiansø (0411) belongs to no
# municipality or region in law, but DST counts it in Region Hovedstaden: FOLK1A 2020K1
# Region Hovedstaden (1,846,023) includes Christiansø's 84 residents. We follow DST,
# because every regional figure we show is DST's (see README and the summation test).
REGION_MUNICIPALITIES = {
    "081": "0773 0787 0810 0813 0820 0825 0840 0846 0849 0851 0860",
    "082": "0615 0657 0661 0665 0671 0706 0707 0710 0727 0730 0740 0741 0746 0751 0756 0760 0766 0779 0791",
    "083": "0410 0420 0430 0440 0450 0461 0479 0480 0482 0492 0510 0530 0540 0550 0561 0563 0573 0575 0580 0607 0621 0630",
    "084": "0101 0147 0151 0153 0155 0157 0159 0161 0163 0165 0167 0169 0173 0175 0183 0185 0187 0190 "
    "0201 0210 0217 0219 0223 0230 0240 0250 0260 0270 0400 0411",
    "085": "0253 0259 0265 0269 0306 0316 0320 0326 0329 0330 0336 0340 0350 0360 0370 0376 0390",
}

# Spellings that are not derived from a name by rule: former names, exonyms, genitive forms.
MUNICIPALITY_EXTRA_ALIASES = {
    "0101": ("Copenhagen", "Копенгаген", "Københavns Kommune", "Copenhagen Municipality"),
    "0169": ("Høje Taastrup",),
    "0400": ("Bornholms Regionskommune",),
    "0411": ("Ertholmene",),
    "0480": ("Nordfyn",),
    # Aarhus was spelled Århus until 1 January 2011.
    "0751": ("Århus", "Århus Kommune", "Орхус"),
    # Brønderslev Kommune was named Brønderslev-Dronninglund until 2011.
    "0810": ("Brønderslev-Dronninglund", "Brønderslev-Dronninglund Kommune"),
    "0820": ("Vesthimmerland",),
}

UNKNOWN_MUNICIPALITY = "DK-KUNK"

UA_AREAS = (
    # area_code, area_name (uk official), level, parent, map_key, name_en, name_uk, aliases
    ("UA-63", "Харківська область", "oblast", "UA", "", "Kharkiv Oblast", "Харківська область",
     ("Kharkiv oblast", "Kharkivska oblast", "Kharkiv region", "Kharkov oblast",
      "Харьковская область", "UA63")),
    ("UA-63-CHUHUIV-CITY", "Чугуїв", "city", "UA-63", "UA6314017", "Chuhuiv", "Чугуїв",
     ("Chuhuiv", "Chuhuiv city", "Chuguev", "Chuguyev", "Chuhuyiv", "Чугуев", "м. Чугуїв",
      "місто Чугуїв", "Chuhuiv town")),
    ("UA-63-CHUHUIV-RAION", "Чугуївський район", "raion", "UA-63", "",
     "Chuhuiv Raion (pre-2020)", "Чугуївський район (до 2020)",
     ("Chuhuiv Raion", "Chuhuiv district", "Chuhuivskyi raion", "Chuhuivskyi district",
      "Чугуевский район", "Chuguev district", "Chuguevsky raion")),
    ("UA-63-PECHENIHY-RAION", "Печенізький район", "raion", "UA-63", "UA6314009",
     "Pechenihy Raion (pre-2020)", "Печенізький район (до 2020)",
     ("Pechenihy", "Печеніги", "Pechenihy Raion", "Pechenihy district", "Pechenizkyi raion",
      "Pechenizkyi district", "Печенежский район", "Pechenegi", "Pechenegi district")),
)


def _read_csv(path: Path, **kwargs: str) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, **kwargs))


def _ascii_danish(name: str) -> str:
    """The spelling English-language sources use when they drop Danish letters."""
    return (name.replace("Ø", "O").replace("ø", "o").replace("Å", "A").replace("å", "a")
            .replace("Æ", "Ae").replace("æ", "ae"))


def _municipality_region() -> dict[str, str]:
    region_of: dict[str, str] = {}
    for region, codes in REGION_MUNICIPALITIES.items():
        for komkode in codes.split():
            if komkode in region_of:
                raise SystemExit(f"{komkode} listed in two regions")
            region_of[komkode] = region
    return region_of


def build_areas() -> tuple[list[dict[str, str]], list[tuple[str, str]]]:
    """Return the area rows and the (alias, area_code) pairs."""
    areas: list[dict[str, str]] = []
    aliases: list[tuple[str, str]] = []

    def add(row: dict[str, str], extra: tuple[str, ...] = ()) -> None:
        full = {column: row.get(column, "") for column in AREA_COLUMNS}
        areas.append(full)
        for alias in (full["area_code"], full["area_name"], full["name_en"], full["name_uk"], *extra):
            aliases.append((alias, full["area_code"]))

    add({"area_code": "DK", "area_name": "Danmark", "level": "country", "country": "DK",
         "name_en": "Denmark", "name_uk": "Данія"},
        ("Hele landet", "000", "Whole country", "All Denmark", "Denmark total"))
    add({"area_code": "UA", "area_name": "Україна", "level": "country", "country": "UA",
         "name_en": "Ukraine", "name_uk": "Україна"}, ("Украина", "Ukraina"))
    add({"area_code": "GB", "area_name": "Great Britain", "level": "country", "country": "GB",
         "name_en": "Great Britain", "name_uk": "Велика Британія"}, ("Storbritannien",))

    for region, (name, en, uk) in REGIONS.items():
        add({"area_code": f"DK-R{region}", "area_name": name, "level": "region",
             "parent_code": "DK", "country": "DK", "name_en": en, "name_uk": uk},
            # 081 is DST's code, 1081 the DAGI REGIONKODE.
            (region, f"1{region}", *REGION_EXTRA_ALIASES[region]))

    districts = json.loads(DISTRICTS_GEOJSON.read_text(encoding="utf-8"))["features"]
    for feature in sorted(districts, key=lambda f: int(f["properties"]["POLKR_NR"])):
        number = int(feature["properties"]["POLKR_NR"])
        name = feature["properties"]["POLKR_NAVN"]
        en, uk = DISTRICT_NAMES[number]
        # "Østjyllands Politi" is also written "Østjyllands Politikreds".
        add({"area_code": f"DK-PK{number:02d}", "area_name": name, "level": "police_district",
             "parent_code": "DK", "country": "DK", "map_key": str(number),
             "name_en": en, "name_uk": uk},
            (name.removesuffix("Politi") + "Politikreds", _ascii_danish(name)))

    region_of = _municipality_region()
    lookup = _read_csv(LOOKUP)
    if {row["KOMKODE"] for row in lookup} != set(region_of):
        raise SystemExit("municipalities in the DAGI lookup and the region table differ")
    for row in sorted(lookup, key=lambda r: r["KOMKODE"]):
        komkode, name = row["KOMKODE"], row["navn"]
        extra = [komkode, str(int(komkode)), f"{name} Kommune", _ascii_danish(name),
                 *MUNICIPALITY_EXTRA_ALIASES.get(komkode, ())]
        add({"area_code": f"DK-K{komkode}", "area_name": name, "level": "municipality",
             "parent_code": f"DK-PK{int(row['POLKR_NR']):02d}", "country": "DK",
             "region_code": f"DK-R{region_of[komkode]}", "map_key": komkode,
             "name_en": name, "name_uk": name}, tuple(extra))

    add({"area_code": UNKNOWN_MUNICIPALITY, "area_name": "Uoplyst kommune",
         "level": "municipality", "parent_code": "DK", "country": "DK",
         "name_en": "Unknown municipality", "name_uk": "Невідомий муніципалітет"},
        ("Uoplyst", "Kommune uoplyst"))

    hromadas = {f["properties"]["adm3_pcode"]
                for f in json.loads(HROMADAS_GEOJSON.read_text(encoding="utf-8"))["features"]}
    for code, name, level, parent, map_key, en, uk, extra in UA_AREAS:
        if map_key and map_key not in hromadas:
            raise SystemExit(f"{map_key} is not a hromada P-code in {HROMADAS_GEOJSON.name}")
        add({"area_code": code, "area_name": name, "level": level, "parent_code": parent,
             "country": "UA", "map_key": map_key, "name_en": en, "name_uk": uk}, extra)
    return areas, aliases


def _dedupe_and_check(aliases: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Drop exact repeats; stop on a key that would resolve to two areas."""
    unique = sorted(set(aliases), key=lambda pair: (pair[1], pair[0]))
    seen: dict[str, tuple[str, str]] = {}
    for alias, code in unique:
        key = normalise_area_name(alias)
        if not key:
            raise SystemExit(f"alias {alias!r} normalises to an empty key")
        if key in seen and seen[key][1] != code:
            raise SystemExit(f"alias conflict: {alias!r}→{code} vs {seen[key][0]!r}→{seen[key][1]}")
        seen.setdefault(key, (alias, code))
    return unique


def build_population(areas: list[dict[str, str]]) -> list[dict[str, str]]:
    """Population on 1 January (FOLK1A K1) per municipality, summed up the hierarchy."""
    by_name = {a["area_name"]: a for a in areas if a["level"] == "municipality"}
    totals: dict[tuple[str, int], int] = defaultdict(int)
    rows: list[dict[str, str]] = []
    for record in _read_csv(FOLK1A_KOMMUNE):
        period = record["tid"]
        if not period.endswith("K1"):
            continue
        year = int(period[:4])
        area = by_name[record["område"]]
        population = int(record[FOLK1A_POP_COLUMN])
        rows.append({"area_code": area["area_code"], "year": str(year),
                     "population": str(population), "source": POPULATION_SOURCE})
        for parent in (area["parent_code"], area["region_code"], "DK"):
            totals[(parent, year)] += population
    if len(rows) != len({(r["area_code"], r["year"]) for r in rows}):
        raise SystemExit("duplicate municipality-year in FOLK1A")
    for (code, year), population in totals.items():
        rows.append({"area_code": code, "year": str(year), "population": str(population),
                     "source": f"sum of municipalities; {POPULATION_SOURCE}"})
    return sorted(rows, key=lambda r: (r["area_code"], int(r["year"])))


def _write(path: Path, header: tuple[str, ...], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main() -> None:
    """Write the three reference CSVs beside this script."""
    areas, aliases = build_areas()
    unique_aliases = _dedupe_and_check(aliases)
    population = build_population(areas)
    _write(HERE / "areas.csv", AREA_COLUMNS, areas)
    _write(HERE / "area_aliases.csv", ("alias", "area_code"),
           [{"alias": alias, "area_code": code} for alias, code in unique_aliases])
    _write(HERE / "population.csv", ("area_code", "year", "population", "source"), population)
    print(f"areas: {len(areas)}, aliases: {len(unique_aliases)}, population rows: {len(population)}")


if __name__ == "__main__":
    main()
