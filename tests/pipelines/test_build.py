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


# --- Area labels: one resolver for every fact table (stg_area_labels) -----------------------

# The raw tables whose rows carry an area label as the file wrote it.
LABELLED_RAW_TABLES = (
    "raw_crime_counts", "raw_crime_outcomes", "raw_followups", "raw_traffic_counts", "raw_stats19_collisions",
    "raw_traffic_tips", "raw_survey_respondents", "raw_survey_published",
)


def _python_resolver(reference_dir: Path) -> dict[str, set[str]]:
    """The resolution rules of stg_area_aliases written again in Python (the oracle): every
    alias of area_aliases.csv and every area's own name, English and Ukrainian name and code,
    keyed by ``normalise_area_name``; a file-contributed area is not involved in these tests."""
    import csv

    from pipelines.area_names import normalise_area_name

    keys: dict[str, set[str]] = {}
    with (reference_dir / "area_aliases.csv").open(encoding="utf-8") as handle:
        pairs = [(r["alias"], r["area_code"]) for r in csv.DictReader(handle)]
    with (reference_dir / "areas.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            pairs += [(row[c], row["area_code"]) for c in ("area_name", "name_en", "name_uk", "area_code")]
    for alias, code in pairs:
        if alias and alias.strip():
            keys.setdefault(normalise_area_name(alias), set()).add(code)
    return keys


def test_every_raw_label_is_resolved_once_as_the_python_rules_resolve_it(demo_settings):
    from pipelines.area_names import normalise_area_name

    resolver = _python_resolver(demo_settings.reference_dir)
    con = open_warehouse(demo_settings.warehouse_path)
    try:
        labels = con.execute("select area_label, label, resolved_code, area_code from stg_area_labels").fetchall()
        raw = set()
        for table in LABELLED_RAW_TABLES:
            raw |= {r[0] for r in con.execute(f"select distinct area_label from {table} where area_label is not null").fetchall()}
        raw |= {r[0] for r in con.execute("select distinct trim(area_label) from raw_fg_sessions where area_label is not null").fetchall()}
    finally:
        con.close()
    assert len(labels) == len({r[0] for r in labels}), "one row per label, or the fact joins would repeat rows"
    assert {r[0] for r in labels} == raw
    assert len(raw) > 20  # the demo data brings names, codes and spellings from many readers
    for area_label, label, resolved_code, area_code in labels:
        [expected] = resolver.get(normalise_area_name(area_label), {None})
        assert resolved_code == expected, area_label
        assert label == area_label.strip()
        assert area_code == (expected if expected is not None else "?:" + area_label.strip())


def test_fact_staging_keeps_every_raw_row_with_its_label_resolved(demo_settings):
    from pipelines.area_names import normalise_area_name

    resolver = _python_resolver(demo_settings.reference_dir)
    staged = {
        "raw_crime_counts": "stg_crime_counts", "raw_crime_outcomes": "stg_crime_outcomes", "raw_followups": "stg_followups",
        "raw_traffic_counts": "stg_traffic__counts", "raw_stats19_collisions": "stg_traffic__collisions",
        "raw_traffic_tips": "stg_traffic__tips",
    }
    con = open_warehouse(demo_settings.warehouse_path)
    try:
        for raw_table, model in staged.items():
            assert con.execute(f"select count(*) from {model}").fetchone() == con.execute(f"select count(*) from {raw_table}").fetchone()
            for code, label, unmapped in con.execute(f"select distinct area_code, area_label, is_unmapped_area from {model}").fetchall():
                [expected] = resolver.get(normalise_area_name(label), {None})
                assert (code, unmapped) == ((expected, False) if expected else ("?:" + label, True)), (model, label)
    finally:
        con.close()


def test_one_unknown_label_in_two_topics_is_one_unmapped_area_seen_in_both(fresh_settings, tmp_path):
    crime = tmp_path / "crime.csv"
    crime.write_text("area,offence,period,count\nAtlantis ,Vold,2025K1,7\nÅrhus,Vold,2025K1,3\n", encoding="utf-8")
    traffic = tmp_path / "traffic.csv"
    traffic.write_text("area,measure,road_user,period,count,status\nAtlantis,killed,all,2025K1,1,final\nAARHUS,killed,all,2025K1,2,final\n", encoding="utf-8")
    results = ingest_paths([crime, traffic], settings=fresh_settings)
    assert [r.outcome for r in results] == ["accepted", "accepted"], [r.message for r in results]
    build_warehouse(fresh_settings)
    con = open_warehouse(fresh_settings.warehouse_path)
    try:
        assert sorted(con.execute("select area_code, count from crime_counts").fetchall()) == [("?:Atlantis", 7), ("DK-K0751", 3)]
        assert sorted(con.execute("select area_code, count from traffic_counts").fetchall()) == [("?:Atlantis", 1), ("DK-K0751", 2)]
        [(code, label, seen_in)] = con.execute("select area_code, area_label, seen_in from unmapped_area_labels").fetchall()
        assert (code, label, sorted(seen_in.split(", "))) == ("?:Atlantis", "Atlantis", ["crime_counts", "traffic_counts"])
        assert con.execute("select level from areas where area_code = '?:Atlantis'").fetchall() == [("unknown",)]
    finally:
        con.close()


def test_build_reports_the_time_of_each_step(fresh_settings, tmp_path):
    ingest_paths([_template(tmp_path, "a.csv", [("Aarhus", "2024K1", 10)])], settings=fresh_settings)
    result = build_warehouse(fresh_settings)
    assert list(result.seconds) == ["raw tables", *(name for _, name in build.MODELS), "contracts", "survey wide tables", "checkpoint"]
    assert all(s >= 0 for s in result.seconds.values())


def test_empty_raw_tables_have_the_types_duckdb_gives_their_declared_frames(fresh_settings, tmp_path):
    import duckdb
    import polars as pl

    from pipelines.kinds import raw_schemas

    ingest_paths([_template(tmp_path, "a.csv", [("Aarhus", "2024K1", 10)])], settings=fresh_settings)
    build_warehouse(fresh_settings)
    oracle = duckdb.connect()
    con = open_warehouse(fresh_settings.warehouse_path)
    try:
        for table, schema in raw_schemas().items():
            empty = pl.DataFrame(schema={**schema, "source_sha256": pl.Utf8, "loaded_at": pl.Datetime("us")})
            expected = [(c[0], str(c[1])) for c in oracle.execute("select * from empty").description]
            got = [(c[0], str(c[1])) for c in con.execute(f"select * from {table}").description]
            assert got == expected, table
    finally:
        con.close()
        oracle.close()
