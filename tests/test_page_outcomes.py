"""The charges tab and the demo follow-ups on the session demo warehouse.

Oracle: the committed sample files themselves, added up here with the csv module (independent of
the SQL and of ``analysis``), and scipy's Wilson interval for the charge rate.
"""
from __future__ import annotations

import csv
from collections import defaultdict

from scipy import stats

from tests.apptest import open_page
from tests.conftest import REPO_ROOT

SAMPLES = REPO_ROOT / "data" / "samples"
PK08 = {"Roskilde", "Holbæk", "Køge", "Greve", "Kalundborg", "Ringsted", "Odsherred", "Lejre", "Solrød", "Stevns"}


def _table(at, column: str):
    """The dataframe showing ``column`` (AppTest does not expose dataframe keys)."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def _pct(value: float) -> str:
    return f"{value * 100:.1f}%"


def test_charge_rate_of_the_district_in_the_last_full_year(app_env) -> None:
    reported = charged = 0
    with (SAMPLES / "crime_outcomes_yearly_2016-2025.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["area"] in PK08 and row["offence"] == "Indbrud i beboelser" and row["period"] == "2025":
                reported += int(row["reported"])
                charged += int(row["charged"])
    at = open_page("pages/followups.py", query={"lang": "en", "area": "DK-PK08", "period": "last_year"})
    assert not at.exception, [e.value for e in at.exception]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Reported"] == f"{reported:,}" and metrics["Charged"] == f"{charged:,}"
    assert metrics["Charge rate"] == _pct(charged / reported)
    wilson = stats.binomtest(charged, reported).proportion_ci(0.95, method="wilson")
    summary = " ".join(m.value for m in at.markdown)
    assert f"95% interval {_pct(wilson.low)} – {_pct(wilson.high)}" in summary
    table = _table(at, "Charge rate")
    assert len(table) == 11  # the district and its ten municipalities
    assert at.get("plotly_chart"), "charts are drawn"


def test_demo_followups_of_the_district_in_the_last_12_months(app_env) -> None:
    by_channel: dict[str, int] = defaultdict(int)
    national = 0
    quarters = {"2025K4", "2026K1", "2026K2", "2026K3"}  # 12 months to September 2026, the latest demo month
    with (SAMPLES / "followups_quarterly_2019-2026.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["period"] in quarters and row["area"] == "Midt- og Vestsjællands Politi":
                by_channel[row["channel"]] += int(row["count"])
            if row["period"] in quarters and row["area"] == "Hele landet":
                national += int(row["count"])
    total = sum(by_channel.values())
    at = open_page("pages/followups.py", query={"lang": "en", "area": "DK-PK08", "period": "last_12_months"})
    assert not at.exception, [e.value for e in at.exception]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Follow-ups"] == f"{total:,}"
    assert metrics["By phone"] == f"{by_channel['phone']:,}"
    reached = by_channel["phone"] + by_channel["in_person"]
    assert metrics["Reach rate"] == _pct(reached / (reached + by_channel["not_reached"]))
    assert metrics["Share of national total"] == _pct(total / national)
    assert _table(at, "Rank").shape[0] == 2  # the two demo districts
