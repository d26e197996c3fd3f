"""Write the STATS19-shaped test files in this folder (run from the repository root)::

    python tests/data/traffic/make_stats19_samples.py

``../shared/realdata/uk_stats19/`` holds only the DfT code-to-label lookup (the MANIFEST's
91-row head of a year file is not there), so these files are **synthetic**: every code in
them is taken from the real lookup ``stats19_schema_code_labels.csv`` (severities 1/2/3,
local-authority district and ONS codes, police forces), plus DfT's ``-1`` "missing or out of
range" code where the tests need it. The layout follows the DfT collision files:

* ``stats19_accidents_2019_sample.csv``: the older column names (``accident_index``,
  ``accident_severity``, ``accident_year``, ``local_authority_district`` numeric) as in the
  2019-era downloads, with three collisions whose severity is ``-1`` and two whose local
  authority is ``-1``.
* ``stats19_collisions_2020_sample.csv``: the newer names (``collision_index``,
  ``collision_severity``, ``local_authority_ons_district``) as DfT writes them since 2023.

Seeded and deterministic; the tests count the expected figures from these files themselves
(with the csv module), so nothing here is an oracle by itself.
"""
from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCHEMA = HERE.parents[2].parent / "shared" / "realdata" / "uk_stats19" / "stats19_schema_code_labels.csv"

# (district code, ONS code, force code) from the lookup: Westminster, Camden, Manchester, Leeds.
AUTHORITIES = ("Westminster", "Camden", "Manchester", "Leeds")


def _lookup() -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    with SCHEMA.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["table"] == "collision":
                out.setdefault(row["variable"], {})[row["label"]] = row["code"]
    return out


def _rows(rng: random.Random, year: int, n: int, lookup: dict[str, dict[str, str]]) -> list[dict]:
    forces = {"Westminster": "Metropolitan Police", "Camden": "Metropolitan Police", "Manchester": "Greater Manchester", "Leeds": "West Yorkshire"}
    rows = []
    for number in range(1, n + 1):
        authority = AUTHORITIES[number % len(AUTHORITIES)]
        day = date(year, 1, 1) + timedelta(days=rng.randrange(365))
        severity = rng.choices(("1", "2", "3"), weights=(2, 18, 80))[0]
        rows.append(
            {
                "ref": f"{number:07d}",
                "year": year,
                "day": day,
                "severity": severity,
                "casualties": str(1 + (rng.random() < 0.3) + (rng.random() < 0.1)),
                "district": lookup["local_authority_district"][authority],
                "ons": lookup["local_authority_ons_district"][authority],
                "force": lookup["police_force"][forces[authority]],
                "lat": f"{51.5 + rng.random():.6f}",
                "lon": f"{-2.0 + rng.random():.6f}",
            }
        )
    return rows


def write_accident_file(rng: random.Random, lookup: dict[str, dict[str, str]]) -> Path:
    path = HERE / "stats19_accidents_2019_sample.csv"
    rows = _rows(rng, 2019, 60, lookup)
    for row in rows[5:8]:
        row["severity"] = "-1"  # kept as 'unknown'
    for row in rows[10:12]:
        row["district"] = "-1"  # local authority unknown
    rows[20]["casualties"] = "-1"  # casualty count not known
    header = ["accident_index", "accident_year", "accident_reference", "location_easting_osgr", "location_northing_osgr",
              "longitude", "latitude", "police_force", "accident_severity", "number_of_vehicles", "number_of_casualties",
              "date", "day_of_week", "time", "local_authority_district", "local_authority_highway", "speed_limit"]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow([f"{row['year']}01{row['ref']}", row["year"], f"01{row['ref']}", "", "", row["lon"], row["lat"],
                             row["force"], row["severity"], "2", row["casualties"], row["day"].strftime("%d/%m/%Y"),
                             str(row["day"].isoweekday() % 7 + 1), "08:15", row["district"], "", "30"])
    return path


def write_collision_file(rng: random.Random, lookup: dict[str, dict[str, str]]) -> Path:
    path = HERE / "stats19_collisions_2020_sample.csv"
    rows = _rows(rng, 2020, 40, lookup)
    rows[3]["severity"] = "-1"
    rows[4]["ons"] = "-1"
    header = ["collision_index", "collision_year", "collision_ref_no", "longitude", "latitude", "police_force",
              "collision_severity", "number_of_vehicles", "number_of_casualties", "date", "time",
              "local_authority_district", "local_authority_ons_district", "speed_limit"]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow([f"{row['year']}01{row['ref']}", row["year"], f"01{row['ref']}", row["lon"], row["lat"], row["force"],
                             row["severity"], "1", row["casualties"], row["day"].strftime("%d/%m/%Y"), "17:40",
                             "-1", row["ons"], "20"])
    return path


if __name__ == "__main__":
    codes = _lookup()
    for writer in (write_accident_file, write_collision_file):
        print(writer(random.Random(f"stats19-{writer.__name__}"), codes).relative_to(HERE.parents[2]))
