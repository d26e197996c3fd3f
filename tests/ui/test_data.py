"""ui.data: the sidecar is read again only when a build replaced it; results are shared per version."""
from __future__ import annotations

import json
import os
from dataclasses import replace

import pytest

from pipelines.settings import load_settings
from ui import data


@pytest.fixture
def sidecar(tmp_path, monkeypatch):
    """A data folder with a sidecar the tests replace the way a build does (``os.replace``)."""
    settings = replace(load_settings(), data_dir=tmp_path)
    monkeypatch.setattr(data, "settings", lambda: settings)
    reads = []
    real_read = data.read_version
    monkeypatch.setattr(data, "read_version", lambda s: reads.append(1) or real_read(s))

    def write(version: str) -> None:
        temporary = tmp_path / "sidecar.tmp"
        temporary.write_text(json.dumps({"data_version": version, "snapshot": f"{version}.duckdb"}), encoding="utf-8")
        os.replace(temporary, settings.version_path)

    return write, reads


def test_the_sidecar_is_read_once_per_build(sidecar) -> None:
    write, reads = sidecar
    assert data.data_version() is None  # before the first build
    write("v1")
    assert [data.data_version()["data_version"] for _ in range(5)] == ["v1"] * 5
    assert len(reads) == 1
    write("v2")
    assert data.data_version()["data_version"] == "v2"
    assert len(reads) == 2
    data.data_version()["data_version"] = "changed by a caller"
    assert data.data_version()["data_version"] == "v2"  # callers get a copy


def test_shared_results_are_the_same_object_until_the_version_changes(sidecar) -> None:
    write, _ = sidecar
    calls = []

    @data.shared_per_version(max_entries=2)
    def square(n: int) -> list[int]:
        calls.append(n)
        return [n * n]

    write("v1")
    first = square(3)
    assert square(3) is first and calls == [3]
    write("v2")
    assert square(3) == first and square(3) is not first and calls == [3, 3]
    square(4), square(5)  # two entries at most: 3 (the least recently used) goes
    assert calls == [3, 3, 4, 5]
    square(3)
    assert calls == [3, 3, 4, 5, 3]


def test_an_exception_is_not_cached(sidecar) -> None:
    write, _ = sidecar
    write("v1")
    attempts = []

    @data.shared_per_version(max_entries=4)
    def flaky() -> str:
        attempts.append(1)
        if len(attempts) == 1:
            raise RuntimeError("first try fails")
        return "ok"

    with pytest.raises(RuntimeError):
        flaky()
    assert flaky() == "ok" and len(attempts) == 2
