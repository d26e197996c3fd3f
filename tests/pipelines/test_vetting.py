"""Quote vetting kept in SQLite outside the warehouse: keyed by passage and text hash, survives rebuilds."""
from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from pathlib import Path

import pytest

from pipelines.build import build_warehouse
from pipelines.ingest import ingest_paths
from pipelines.vetting import VETTING_FILE, load_vetted, text_hash, unvet_quote, vet_quote

TEXT = "Ring mig på 20 12 34 56, siger Mette."
MASKED = "Ring mig på [phone], siger [name]."


def test_text_hash_is_the_sha256_of_the_utf8_text():
    assert text_hash("Чугуїв") == hashlib.sha256("Чугуїв".encode("utf-8")).hexdigest()


def test_vet_records_who_when_and_the_masked_text(tmp_path: Path):
    path = tmp_path / "state" / VETTING_FILE
    when = datetime(2026, 5, 4, 10, 30, tzinfo=timezone.utc)
    vet_quote(path, session_id="S1", passage_id="p1", text_sha256=text_hash(TEXT), masked_text=MASKED, vetted_by=" AB ", vetted_at=when)
    rows = load_vetted(path).rows(named=True)
    assert rows == [
        {"session_id": "S1", "passage_id": "p1", "text_sha256": text_hash(TEXT), "masked_text": MASKED, "vetted_by": "AB", "vetted_at": when}
    ]
    # the original text is not stored anywhere in the file
    assert b"Mette" not in path.read_bytes() and b"20 12 34 56" not in path.read_bytes()


def test_vetting_again_replaces_and_unvet_removes(tmp_path: Path):
    path = tmp_path / VETTING_FILE
    vet_quote(path, session_id="S1", passage_id="p1", text_sha256=text_hash(TEXT), masked_text=MASKED, vetted_by="AB")
    vet_quote(path, session_id="S1", passage_id="p1", text_sha256=text_hash(TEXT), masked_text=MASKED, vetted_by="CD")
    assert load_vetted(path)["vetted_by"].to_list() == ["CD"]
    assert unvet_quote(path, session_id="S1", passage_id="p1", text_sha256=text_hash(TEXT))
    assert load_vetted(path).height == 0
    assert not unvet_quote(path, session_id="S1", passage_id="p1", text_sha256=text_hash(TEXT))


def test_a_changed_passage_needs_vetting_again(tmp_path: Path):
    path = tmp_path / VETTING_FILE
    vet_quote(path, session_id="S1", passage_id="p1", text_sha256=text_hash(TEXT), masked_text=MASKED, vetted_by="AB")
    vetted = load_vetted(path)
    changed = TEXT.replace("Mette", "Mette Kjær")
    assert vetted.filter(text_sha256=text_hash(changed)).height == 0
    assert not unvet_quote(path, session_id="S1", passage_id="p1", text_sha256=text_hash(changed))


def test_nobody_cannot_vet(tmp_path: Path):
    with pytest.raises(ValueError):
        vet_quote(tmp_path / VETTING_FILE, session_id="S1", passage_id="p1", text_sha256=text_hash(TEXT), masked_text=MASKED, vetted_by="  ")


def test_missing_file_means_nothing_vetted(tmp_path: Path):
    assert load_vetted(tmp_path / "nope.sqlite3").height == 0


def test_vetting_survives_a_rebuild(fresh_settings, tmp_path: Path):
    segments = tmp_path / "fg.csv"
    segments.write_text("session,text,codes\nS1,Hej,tryghed\n", encoding="utf-8")
    assert ingest_paths([segments], settings=fresh_settings)[0].outcome == "accepted"
    build_warehouse(fresh_settings)
    path = fresh_settings.state_dir / VETTING_FILE
    vet_quote(path, session_id="S1", passage_id="line-2", text_sha256=text_hash("Hej"), masked_text="Hej", vetted_by="AB")
    before = load_vetted(path)
    other = tmp_path / "fg2.csv"
    other.write_text("session,text,codes\nS2,Goddag,tryghed\n", encoding="utf-8")
    assert ingest_paths([other], settings=fresh_settings)[0].outcome == "accepted"
    build_warehouse(fresh_settings)
    assert load_vetted(path).equals(before)
    assert not path.is_relative_to(fresh_settings.landing_dir)
