"""``crime_counts``: when files overlap, the most recently loaded file wins each cell.

The expected counts are written out by hand from the three input files below (the oracle is
the rule itself: per area, offence and period, only the latest file's rows count), including
periods that only one file covers, which the mart passes through without ranking.
"""
from __future__ import annotations

import time
from datetime import date
from pathlib import Path

from pipelines.build import build_warehouse
from pipelines.ingest import ingest_paths
from pipelines.warehouse import open_warehouse


def _template(folder: Path, name: str, lines: str) -> Path:
    path = folder / name
    path.write_text("area,offence,period,count\n" + lines, encoding="utf-8")
    return path


def test_the_latest_file_wins_each_cell_and_other_cells_are_kept(fresh_settings, tmp_path: Path) -> None:
    first = _template(tmp_path, "first.csv", "Aarhus,Røveri,2024K1,5\nAarhus,Røveri,2024K2,7\nRanders,Røveri,2024K2,2\n")
    # A correction of Aarhus's second quarter, loaded later; Randers is not in it.
    second = _template(tmp_path, "second.csv", "Aarhus,Røveri,2024K2,9\n")
    # Another period only, loaded last: nothing to rank.
    third = _template(tmp_path, "third.csv", "Aarhus,Røveri,2023K4,4\nAarhus,Røveri,2023K4,1\n")
    for path in (first, second, third):
        [result] = ingest_paths([path], settings=fresh_settings)
        assert result.outcome == "accepted", result.message
        time.sleep(1.1)  # loaded_at has whole seconds: each file gets a later one
    build_warehouse(fresh_settings)
    con = open_warehouse(fresh_settings.warehouse_path)
    try:
        rows = con.execute(
            "select area_code, period_start, count from crime_counts where offence_code = 'robbery' order by area_code, period_start"
        ).fetchall()
    finally:
        con.close()
    assert rows == [
        ("DK-K0730", date(2024, 4, 1), 2),  # Randers: only the first file has it
        ("DK-K0751", date(2023, 10, 1), 5),  # Aarhus 2023K4: one file, its two rows added
        ("DK-K0751", date(2024, 1, 1), 5),  # Aarhus 2024K1: only the first file
        ("DK-K0751", date(2024, 4, 1), 9),  # Aarhus 2024K2: the correction replaces 7
    ]
