"""STATS19 collision files: both column generations load, codes become labels, -1 is kept as
'unknown', and bad rows are rejected with line and column.

Real data: only the DfT code lookup exists in ``../shared/realdata/uk_stats19/`` (no year file),
so the collision files are STATS19-shaped and synthetic, written by the committed script
``tests/data/traffic/make_stats19_samples.py`` from the lookup's real codes. The expected
figures are counted here independently with the csv module.
"""
from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from data.reference.build_stats19_codes import build
from pipelines.errors import IngestRejected
from pipelines.kinds import recognise
from pipelines.readers.stats19 import CODES_FILE, read_stats19
from tests.realdata import REALDATA

DATA = Path(__file__).resolve().parents[1] / "data" / "traffic"
OLD = DATA / "stats19_accidents_2019_sample.csv"
NEW = DATA / "stats19_collisions_2020_sample.csv"
SEVERITY = {"1": "fatal", "2": "serious", "3": "slight"}


def expected_by_severity(path: Path) -> dict[str, tuple[int, int]]:
    """Collisions and casualties per severity counted straight from the file."""
    collisions, casualties = Counter(), Counter()
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            severity = SEVERITY.get(row.get("accident_severity") or row.get("collision_severity"), "unknown")
            collisions[severity] += 1
            casualties[severity] += max(0, int(row["number_of_casualties"]))
    return {s: (collisions[s], casualties[s]) for s in collisions}


def test_committed_code_lookup_equals_a_fresh_build_from_the_dft_lookup() -> None:
    source = REALDATA / "uk_stats19" / "stats19_schema_code_labels.csv"
    assert CODES_FILE.read_text(encoding="utf-8") == build(source)


def test_lookup_labels_are_the_dft_ones() -> None:
    with (REALDATA / "uk_stats19" / "stats19_schema_code_labels.csv").open(encoding="utf-8", newline="") as handle:
        severities = {r["code"]: r["label"] for r in csv.DictReader(handle) if r["variable"] == "collision_severity"}
    assert severities == {"1": "Fatal", "2": "Serious", "3": "Slight"}


@pytest.mark.parametrize("path", [OLD, NEW], ids=["accident_columns", "collision_columns"])
def test_both_column_generations_load_with_the_files_counts(path: Path) -> None:
    assert recognise(path).name == "traffic_stats19"
    parsed = read_stats19(path)
    frame = parsed.tables["raw_stats19_collisions"]
    got = {}
    for severity in frame["severity"].unique().to_list():
        part = frame.filter(frame["severity"] == severity)
        got[severity] = (part.height, int(part["number_of_casualties"].fill_null(0).sum()))
    assert got == expected_by_severity(path)
    assert "unknown" in got, "the -1 severities are kept, not dropped"


def test_unknown_codes_are_kept_as_unknown() -> None:
    frame = read_stats19(OLD).tables["raw_stats19_collisions"]
    unknown_severity = frame.filter(frame["severity"] == "unknown")
    assert unknown_severity.height == 3 and set(unknown_severity["severity_code"]) == {"-1"}
    unknown_area = frame.filter(frame["area_label"] == "GB-LAD-UNKNOWN")
    assert unknown_area.height == 2
    # the casualty count -1 means "not known": NULL, not a negative number
    assert frame["number_of_casualties"].null_count() == 1
    areas = read_stats19(OLD).tables["raw_extra_areas"]
    assert dict(zip(areas["area_code"], areas["area_name"]))["GB-LAD-UNKNOWN"] == "unknown"
    # an older numeric district code is placed through the lookup's ONS code for the same name
    assert dict(zip(areas["area_code"], areas["area_name"]))["GB-LAD-E09000033"] == "Westminster"


def test_provisional_file_name_gives_provisional_status(tmp_path: Path) -> None:
    path = tmp_path / "dft-road-casualty-statistics-collision-provisional-mid-year-unvalidated-2020.csv"
    path.write_bytes(NEW.read_bytes())
    assert set(read_stats19(path).tables["raw_stats19_collisions"]["status"]) == {"provisional"}
    assert set(read_stats19(NEW).tables["raw_stats19_collisions"]["status"]) == {"final"}


def _with_line(tmp_path: Path, line: int, column: str, value: str) -> Path:
    lines = NEW.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[line - 1].split(",")
    cells[header.index(column)] = value
    lines[line - 1] = ",".join(cells)
    path = tmp_path / "bad.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [("date", "31/02/2020", "not a date"), ("collision_severity", "fatal", "severity code"),
     ("number_of_casualties", "two", "whole number"), ("latitude", "123.4", "outside")],
)
def test_bad_cells_are_rejected_with_line_and_column(tmp_path: Path, column: str, value: str, reason: str) -> None:
    with pytest.raises(IngestRejected) as caught:
        read_stats19(_with_line(tmp_path, 7, column, value))
    assert (caught.value.line, caught.value.column) == (7, column)
    assert reason in caught.value.reason


def test_a_collision_twice_is_rejected(tmp_path: Path) -> None:
    lines = NEW.read_text(encoding="utf-8").splitlines()
    path = tmp_path / "twice.csv"
    path.write_text("\n".join([*lines, lines[3]]) + "\n", encoding="utf-8")
    with pytest.raises(IngestRejected) as caught:
        read_stats19(path)
    assert caught.value.line == len(lines) + 1 and caught.value.column == "collision_index"
    assert "line 4" in caught.value.reason


def test_missing_severity_column_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "nosev.csv"
    path.write_text("collision_index,date,number_of_casualties\n1,01/01/2020,1\n", encoding="utf-8")
    with pytest.raises(IngestRejected) as caught:
        read_stats19(path)
    assert caught.value.line == 1 and caught.value.column == "collision_severity"
