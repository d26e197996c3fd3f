"""Tests of ``pipelines.area_names``: the name normaliser, its DuckDB twin and the alias table.

The SQL macro is checked against the Python function on every alias and area name in
``data/reference`` and on every character of the Latin, Greek, Cyrillic and punctuation
blocks (checked on duckdb 2.0.0, Python 3.11), so a name normalised in a query and the same
name normalised in Python always meet.
"""
from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest

from pipelines.area_names import (
    NORMALISE_AREA_NAME_SQL,
    AreaAliasConflict,
    load_area_aliases,
    normalise_area_name,
)

REFERENCE = Path(__file__).resolve().parents[2] / "data" / "reference"

# Unicode blocks a place name in our sources can plausibly contain.
_BLOCKS = (
    (0x20, 0x250),     # Basic Latin, Latin-1 Supplement, Latin Extended-A/B
    (0x250, 0x2B0),    # IPA Extensions
    (0x300, 0x370),    # Combining Diacritical Marks
    (0x370, 0x400),    # Greek and Coptic
    (0x400, 0x530),    # Cyrillic, Cyrillic Supplement
    (0x1E00, 0x1F00),  # Latin Extended Additional
    (0x2000, 0x2070),  # General Punctuation (dashes, quotes, apostrophes)
    (0x2100, 0x2150),  # Letterlike Symbols
    (0xFB00, 0xFB07),  # Latin ligatures
)


def _sql_normalise(texts: list[str | None]) -> list[str | None]:
    con = duckdb.connect()
    con.execute(NORMALISE_AREA_NAME_SQL)
    rows = con.execute(
        "select i, normalise_area_name(s) from unnest(?) with ordinality t(s, i) order by i",
        [texts],
    ).fetchall()
    return [value for _, value in rows]


def _reference_names() -> list[str]:
    names: list[str] = []
    with (REFERENCE / "area_aliases.csv").open(encoding="utf-8", newline="") as handle:
        names += [row["alias"] for row in csv.DictReader(handle)]
    with (REFERENCE / "areas.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            names += [row["area_code"], row["area_name"], row["name_en"], row["name_uk"]]
    return names


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Århus", "aarhus"),
        ("Aarhus", "aarhus"),
        ("AARHUS", "aarhus"),
        ("Høje Taastrup", "hoejetaastrup"),
        ("Høje-Taastrup", "hoejetaastrup"),
        ("HØJE-TAASTRUP", "hoejetaastrup"),
        ("Lyngby-Taarbæk", "lyngbytaarbaek"),
        ("ÆRØ", "aeroe"),
        ("Tårnby", "taarnby"),
        ("Østjyllands Politi", "oestjyllandspoliti"),
        ("Midt- og Vestsjællands Politi", "midtogvestsjaellandspoliti"),
        ("Straße", "strasse"),
        ("Zürich", "zurich"),
        ("  Region   Hovedstaden. ", "regionhovedstaden"),
        ("084", "084"),
        ("Чугуїв", "чугуів"),
        ("Куп'янськ", "купянськ"),
        ("", ""),
        ("-- . --", ""),
    ],
)
def test_normalise_area_name_examples(text: str, expected: str) -> None:
    assert normalise_area_name(text) == expected


def test_sql_macro_equals_python_on_every_alias_and_area_name() -> None:
    names = _reference_names()
    assert len(names) > 700
    assert _sql_normalise(names) == [normalise_area_name(n) for n in names]


def test_sql_macro_equals_python_on_every_character_of_the_name_blocks() -> None:
    chars = [chr(i) for start, stop in _BLOCKS for i in range(start, stop)]
    # Mixed strings too: a base letter followed by a combining mark and punctuation.
    mixed = [f"A{c}ø-{c}Å" for c in chars]
    texts = chars + mixed
    differences = [
        (hex(ord(t[0])) if len(t) == 1 else t, sql, normalise_area_name(t))
        for t, sql in zip(texts, _sql_normalise(texts))
        if sql != normalise_area_name(t)
    ]
    assert differences == []


def test_sql_macro_passes_null_through() -> None:
    assert _sql_normalise([None]) == [None]


@pytest.mark.parametrize(
    ("alias", "area_code"),
    [
        ("000", "DK"),
        ("Hele landet", "DK"),
        ("084", "DK-R084"),
        ("Region Hovedstaden", "DK-R084"),
        ("101", "DK-K0101"),
        ("0101", "DK-K0101"),
        ("751", "DK-K0751"),
        ("Aarhus", "DK-K0751"),
        ("Århus", "DK-K0751"),
        ("ÅRHUS KOMMUNE", "DK-K0751"),
        ("Høje Taastrup", "DK-K0169"),
        ("Høje-Taastrup", "DK-K0169"),
        ("Lyngby-Taarbæk", "DK-K0173"),
        ("Brønderslev", "DK-K0810"),
        ("Brønderslev-Dronninglund", "DK-K0810"),
        ("Koge", "DK-K0259"),
        ("Uoplyst kommune", "DK-KUNK"),
        ("Christiansø", "DK-K0411"),
        ("Københavns Politi", "DK-PK11"),
        ("Copenhagen Police", "DK-PK11"),
        ("East Jutland Police", "DK-PK02"),
        ("Østjyllands Politikreds", "DK-PK02"),
        ("Ostjyllands Politi", "DK-PK02"),
        ("Поліція Східної Ютландії", "DK-PK02"),
        ("Chuhuiv", "UA-63-CHUHUIV-CITY"),
        ("Чугуїв", "UA-63-CHUHUIV-CITY"),
        ("Chuguev", "UA-63-CHUHUIV-CITY"),
        ("Чугуївський район", "UA-63-CHUHUIV-RAION"),
        ("Pechenihy raion", "UA-63-PECHENIHY-RAION"),
        ("Kharkiv oblast", "UA-63"),
    ],
)
def test_load_area_aliases_resolves_known_spellings(alias: str, area_code: str) -> None:
    aliases = load_area_aliases(REFERENCE)
    assert aliases[normalise_area_name(alias)] == area_code


def test_every_area_is_reachable_by_its_code_and_name() -> None:
    aliases = load_area_aliases(REFERENCE)
    with (REFERENCE / "areas.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            for name in (row["area_code"], row["area_name"], row["name_en"], row["name_uk"]):
                assert aliases[normalise_area_name(name)] == row["area_code"], name


def test_conflicting_aliases_are_an_error(tmp_path: Path) -> None:
    (tmp_path / "area_aliases.csv").write_text(
        "alias,area_code\nHøje Taastrup,DK-K0169\nHøje-Taastrup,DK-K0169\nHOJE-TAASTRUP,DK-K0169\n"
        "høje–taastrup,DK-K0101\n",
        encoding="utf-8",
    )
    with pytest.raises(AreaAliasConflict) as caught:
        load_area_aliases(tmp_path)
    assert caught.value.code == "area_alias_conflict"
    assert "line 5" in caught.value.detail
    assert "hoejetaastrup" in caught.value.detail


def test_same_area_under_two_spellings_is_not_a_conflict(tmp_path: Path) -> None:
    (tmp_path / "area_aliases.csv").write_text(
        "alias,area_code\nÅrhus,DK-K0751\nAarhus,DK-K0751\n", encoding="utf-8"
    )
    assert load_area_aliases(tmp_path) == {"aarhus": "DK-K0751"}


def test_alias_without_letters_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "area_aliases.csv").write_text("alias,area_code\n - ,DK\n", encoding="utf-8")
    with pytest.raises(AreaAliasConflict, match="no letters or digits"):
        load_area_aliases(tmp_path)
