"""Seeded national-scale input files for the benchmark, in the formats users really upload.

    python -m bench.generate OUT_DIR [--incidents 10000000] [--years 10] [--seed 20240601]

Crime: the district crime template (``area,offence,period,count``) with weekly counts for all
98 municipalities × 16 offences over ``--years`` years (ISO weeks), one CSV per year, Poisson
counts scaled so that the incidents add up to ``--incidents`` (10 million by default).
Municipality sizes and offence rates are drawn from fixed distributions with the seed, so every
run writes byte-identical files. The figures are synthetic.
"""
from __future__ import annotations

import argparse
import csv
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import polars as pl

REFERENCE = Path(__file__).resolve().parents[1] / "data" / "reference" / "areas.csv"
OFFENCES = (
    "Indbrud i beboelser", "Indbrud i forretning mv.", "Indbrud i ubeboede bygninger", "Tyveri fra bil",
    "Tyveri/brugstyveri af bil", "Butikstyveri", "Tyveri/brugstyveri af cykel", "Lomme- og tasketyveri",
    "Andre tyverier", "Røveri", "Hærværk", "Bedrageri", "Vold mod person", "Narkotikabesiddelse",
    "Seksualforbrydelser", "Trusler",
)
LAST_YEAR = 2025


@dataclass(frozen=True)
class Generated:
    files: tuple[Path, ...]
    rows: int
    incidents: int


def municipalities() -> list[str]:
    """The 98 Danish municipalities' official names, from the reference table."""
    with REFERENCE.open(encoding="utf-8") as handle:
        names = [r["area_name"] for r in csv.DictReader(handle) if r["level"] == "municipality" and r["area_code"].startswith("DK-K") and r["area_code"][4:].isdigit()]
    return sorted(names)


def iso_weeks(first_year: int, last_year: int) -> list[str]:
    """Labels ``2016W01``…``2025W52`` of every ISO week whose Monday falls in the years."""
    labels = []
    day = date.fromisocalendar(first_year, 1, 1)
    while day.isocalendar().year <= last_year:
        iso = day.isocalendar()
        labels.append(f"{iso.year}W{iso.week:02d}")
        day += timedelta(days=7)
    return labels


def write_crime(out: Path, *, incidents: int = 10_000_000, years: int = 10, seed: int = 20240601) -> Generated:
    """Weekly crime-template CSVs, one per year (see module docstring)."""
    out.mkdir(parents=True, exist_ok=True)
    areas = municipalities()
    rng = np.random.default_rng(seed)
    sizes = rng.lognormal(0.0, 0.8, len(areas))
    rates = rng.uniform(0.2, 2.0, len(OFFENCES))
    weeks = iso_weeks(LAST_YEAR - years + 1, LAST_YEAR)
    mean = np.outer(sizes, rates)
    mean = mean / mean.sum() * incidents / len(weeks)
    area_col = np.repeat(np.array(areas, dtype=object), len(OFFENCES))
    offence_col = np.tile(np.array(OFFENCES, dtype=object), len(areas))
    files, rows, total = [], 0, 0
    for year in range(LAST_YEAR - years + 1, LAST_YEAR + 1):
        labels = [w for w in weeks if w.startswith(f"{year}W")]
        counts = rng.poisson(mean, size=(len(labels), *mean.shape)).reshape(len(labels), -1)
        frame = pl.DataFrame(
            {
                "area": np.tile(area_col, len(labels)).tolist(),
                "offence": np.tile(offence_col, len(labels)).tolist(),
                "period": np.repeat(np.array(labels, dtype=object), area_col.size).tolist(),
                "count": counts.ravel(),
            }
        )
        path = out / f"crime_weekly_{year}.csv"
        frame.write_csv(path)
        files.append(path)
        rows += frame.height
        total += int(counts.sum())
    return Generated(tuple(files), rows, total)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--incidents", type=int, default=10_000_000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--seed", type=int, default=20240601)
    args = parser.parse_args(argv)
    made = write_crime(args.out, incidents=args.incidents, years=args.years, seed=args.seed)
    print(f"crime: {len(made.files)} files, {made.rows:,} rows, {made.incidents:,} incidents")


if __name__ == "__main__":
    main()
