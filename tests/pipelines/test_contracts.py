"""Every data contract holds on the demo warehouse (dbt's schema tests, one case per table)."""
from __future__ import annotations

import pytest

from pipelines import contracts
from pipelines.warehouse import open_warehouse


@pytest.mark.parametrize("contract", contracts.CONTRACTS, ids=lambda c: c.table)
def test_contract_holds_on_demo_warehouse(demo_settings, contract):
    con = open_warehouse(demo_settings.warehouse_path)
    try:
        assert contracts.check(con, contract) == []
    finally:
        con.close()


def test_a_broken_table_is_reported(tmp_path):
    import duckdb

    con = duckdb.connect()
    con.execute("create table areas as select 'DK' as area_code, 'Danmark' as area_name, 'planet' as level, null::varchar as parent_code, 'DK' as country")
    con.execute("insert into areas values ('DK', 'Danmark', 'country', null, 'DK')")
    [areas] = [c for c in contracts.CONTRACTS if c.table == "areas"]
    failures = contracts.check(con, areas)
    assert any("duplicate key" in f for f in failures)
    assert any("planet" in f for f in failures)
