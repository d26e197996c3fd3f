"""Partitioned Parquet export: every public table comes back whole, partitioned Hive-style."""
from __future__ import annotations

import duckdb

from pipelines import contracts
from pipelines.export import export_parquet
from pipelines.warehouse import open_warehouse


def test_every_public_table_round_trips_through_partitioned_parquet(demo_settings, tmp_path) -> None:
    written = export_parquet(demo_settings, tmp_path / "parquet")
    assert set(written) == set(contracts.PUBLIC_TABLES)
    wh = open_warehouse(demo_settings.warehouse_path)
    reader = duckdb.connect()
    try:
        for table in contracts.PUBLIC_TABLES:
            files = str(tmp_path / "parquet" / table / "**" / "*.parquet")
            expected = wh.execute(f"select count(*) from {table}").fetchone()[0]
            if expected == 0:
                continue
            got = reader.execute(f"select count(*) from read_parquet('{files}', hive_partitioning = true)").fetchone()[0]
            assert got == expected, table
        years = {p.name for p in (tmp_path / "parquet" / "crime_counts").glob("period_type=month/year=*")}
        assert "year=2020" in years
        total = wh.execute("select sum(count) from crime_counts where period_type = 'month' and year(period_start) = 2020").fetchone()[0]
        got = reader.execute(
            f"select sum(count) from read_parquet('{tmp_path / 'parquet' / 'crime_counts' / '**' / '*.parquet'}', hive_partitioning = true) "
            "where period_type = 'month' and year = 2020"
        ).fetchone()[0]
        assert got == total
    finally:
        wh.close()
        reader.close()
