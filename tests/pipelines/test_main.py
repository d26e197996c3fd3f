"""The command line: exit codes 0 / 2 / 1, status output, demo."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _cli(*args: str, data_dir: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "CSDASH_DATA_DIR": str(data_dir)}
    return subprocess.run([sys.executable, "-m", "pipelines", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def test_ingest_status_and_exit_codes(tmp_path):
    data_dir = tmp_path / "data"
    good = tmp_path / "good.csv"
    good.write_text("area,offence,period,count\nOdder,Vold,2025K1,4\n", encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text("area,offence,period,count\nOdder,Vold,,4\n", encoding="utf-8")

    ok = _cli("ingest", str(good), data_dir=data_dir)
    rejected = _cli("ingest", str(bad), data_dir=data_dir)
    again = _cli("ingest", str(good), data_dir=data_dir)
    status = _cli("status", data_dir=data_dir)

    assert ok.returncode == 0, ok.stderr
    assert "ACCEPTED" in ok.stdout and "Built data version" in ok.stdout
    assert rejected.returncode == 2
    assert "bad.csv" in rejected.stdout and "line 2" in rejected.stdout and "column period" in rejected.stdout
    assert again.returncode == 0 and "DUPLICATE" in again.stdout
    assert status.returncode == 0
    assert "Data version:" in status.stdout
    assert [line.split() for line in status.stdout.splitlines() if line.strip().startswith("crime_counts")] == [["crime_counts", "1"]]


def test_status_without_a_warehouse_says_what_to_do(tmp_path):
    result = _cli("status", data_dir=tmp_path / "empty")
    assert result.returncode == 1
    assert "python -m pipelines demo" in result.stderr
