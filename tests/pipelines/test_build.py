"""The build writes a new file and swaps it in; readers never see a half-built warehouse."""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from pipelines import build
from pipelines.build import build_warehouse
from pipelines.errors import BuildFailed
from pipelines.ingest import ingest_paths
from pipelines.warehouse import current_snapshot, open_warehouse, read_version

ROOT = Path(__file__).resolve().parents[2]


def _template(folder: Path, name: str, rows: list[tuple[str, str, int]]) -> Path:
    path = folder / name
    path.write_text("area,offence,period,count\n" + "".join(f"{a},Vold,{p},{c}\n" for a, p, c in rows), encoding="utf-8")
    return path


def test_a_reader_in_a_loop_sees_no_error_while_builds_swap_the_file(fresh_settings, tmp_path):
    ingest_paths([_template(tmp_path, "a.csv", [("Aarhus", "2024K1", 10)])], settings=fresh_settings)
    build_warehouse(fresh_settings)
    reader = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import sys, time
                sys.path.insert(0, {str(ROOT)!r})
                from pathlib import Path
                from dataclasses import replace
                from pipelines.settings import load_settings
                from pipelines.warehouse import connect_read_only, current_snapshot
                settings = replace(load_settings(), data_dir=Path({str(fresh_settings.data_dir)!r}))
                seen, deadline, stopping = set(), time.time() + 300, False
                while time.time() < deadline:
                    # Checked before reading, so the last read starts after the last swap.
                    stopping = Path({str(tmp_path / "stop")!r}).exists()
                    con = connect_read_only(current_snapshot(settings))  # the dashboard's read path
                    total = con.execute("select sum(count) from crime_counts").fetchone()[0]
                    con.close()
                    seen.add(total)
                    if stopping:
                        break
                print(sorted(seen))
                """
            ),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    for number in range(6):
        ingest_paths([_template(tmp_path, f"b{number}.csv", [("Randers", f"{2010 + number}K1", 1)])], settings=fresh_settings)
        build_warehouse(fresh_settings)
    (tmp_path / "stop").touch()
    out, err = reader.communicate(timeout=360)
    assert reader.returncode == 0, err
    totals = eval(out)  # a list of ints printed by the reader
    assert set(totals) <= {10, 11, 12, 13, 14, 15, 16} and 16 in totals


def test_a_failed_build_leaves_the_last_good_warehouse_untouched(fresh_settings, tmp_path, monkeypatch):
    ingest_paths([_template(tmp_path, "a.csv", [("Aarhus", "2024K1", 10)])], settings=fresh_settings)
    good = build_warehouse(fresh_settings)
    before = fresh_settings.warehouse_path.read_bytes()
    ingest_paths([_template(tmp_path, "b.csv", [("Aarhus", "2024K2", 5)])], settings=fresh_settings)
    real_sql = build._model_sql
    monkeypatch.setattr(
        build, "_model_sql", lambda folder, name: "select * from no_such_table" if name == "crime_counts" else real_sql(folder, name)
    )

    with pytest.raises(BuildFailed, match="crime_counts"):
        build_warehouse(fresh_settings)

    assert fresh_settings.warehouse_path.read_bytes() == before
    assert read_version(fresh_settings)["data_version"] == good.data_version
    assert not list(fresh_settings.data_dir.glob(".warehouse-*")), "temporary files are cleaned up"


def test_a_contract_failure_stops_the_swap(fresh_settings, tmp_path, monkeypatch):
    ingest_paths([_template(tmp_path, "a.csv", [("Aarhus", "2024K1", 10)])], settings=fresh_settings)
    build_warehouse(fresh_settings)
    before = fresh_settings.warehouse_path.read_bytes()
    monkeypatch.setattr(build.contracts, "check_all", lambda con: ["crime_counts.count: 1 null value(s)"])
    with pytest.raises(BuildFailed, match="contracts"):
        build_warehouse(fresh_settings)
    assert fresh_settings.warehouse_path.read_bytes() == before


def test_the_sidecar_names_the_version_and_demo_flag(demo_settings):
    version = read_version(demo_settings)
    con = open_warehouse(demo_settings.warehouse_path)
    stored = con.execute("select data_version, is_demo from data_version").fetchone()
    assert stored == (version["data_version"], True)
    assert con.execute("select count(*) from ingest_log where origin = 'demo'").fetchone()[0] >= 1


def test_a_process_holding_the_old_warehouse_open_sees_the_new_build(fresh_settings, tmp_path):
    ingest_paths([_template(tmp_path, "a.csv", [("Aarhus", "2024K1", 10)])], settings=fresh_settings)
    build_warehouse(fresh_settings)
    held = open_warehouse(current_snapshot(fresh_settings))  # as a dashboard session holds it
    ingest_paths([_template(tmp_path, "b.csv", [("Aarhus", "2024K2", 5)])], settings=fresh_settings)
    build_warehouse(fresh_settings)
    fresh = open_warehouse(current_snapshot(fresh_settings))
    assert held.execute("select sum(count) from crime_counts").fetchone()[0] == 10
    assert fresh.execute("select sum(count) from crime_counts").fetchone()[0] == 15
    analyst = open_warehouse(fresh_settings.warehouse_path)
    assert analyst.execute("select sum(count) from crime_counts").fetchone()[0] == 15


def test_the_dashboard_connection_is_read_only(demo_settings):
    con = open_warehouse(demo_settings.warehouse_path)
    with pytest.raises(Exception, match="read-only"):
        con.execute("create table nope (x int)")
