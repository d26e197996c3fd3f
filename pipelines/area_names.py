"""Resolve area names as people and statistical offices write them to our area codes.

The same municipality arrives as ``Århus``, ``Aarhus``, ``AARHUS KOMMUNE`` or ``751``;
the same police district as ``Østjyllands Politi`` or ``Ostjyllands Politi``. Names are
compared after one normalisation, written twice so that Python and DuckDB agree exactly:

1. lower-case (``str.lower`` / DuckDB ``lower``), then ``ß`` → ``ss``;
2. Danish letters spelled out: ``æ`` → ``ae``, ``ø`` → ``oe``, ``å`` → ``aa``, so ``Århus``
   and ``Aarhus`` meet (the official transliteration, used by DST for ``Aabenraa``);
3. accents stripped: canonical decomposition (NFD), drop non-spacing marks, recompose —
   the same thing DuckDB's ``strip_accents`` does (Cyrillic ``ї``/``й`` lose their marks
   too, which merges ``Чугуїв`` with ``Чугуiв`` typed with a Latin-less keyboard);
4. everything that is not a letter or a digit removed (hyphens, spaces, punctuation).

Full Unicode case folding (``str.casefold``) is *not* used: DuckDB's ``lower`` is a simple
lower-case mapping, and folding ``ſ``, ``µ`` or final sigma in Python only would break the
promise that both sides give the same key. ``ß`` is the one fold added by hand.
``tests/pipelines/test_area_names.py`` checks the two implementations agree on every
character of the Latin, Greek, Cyrillic and punctuation blocks and on every alias.
"""
from __future__ import annotations

import csv
import unicodedata
from pathlib import Path

from pipelines.errors import PipelineError

ALIASES_FILE = "area_aliases.csv"

# Order matters: ``å`` must be spelled out before accents are stripped, or it becomes ``a``.
_SPELLED_OUT = (("ß", "ss"), ("æ", "ae"), ("ø", "oe"), ("å", "aa"))

NORMALISE_AREA_NAME_SQL = (
    "create or replace macro normalise_area_name(s) as "
    "regexp_replace("
    "strip_accents("
    "replace(replace(replace(replace(lower(s), 'ß', 'ss'), 'æ', 'ae'), 'ø', 'oe'), 'å', 'aa')"
    "), "
    "'[^\\p{L}\\p{N}]', '', 'g')"
)
"""DuckDB macro ``normalise_area_name(s)``; gives exactly what :func:`normalise_area_name` gives.

Run it once per connection (``con.execute(NORMALISE_AREA_NAME_SQL)``). NULL in, NULL out.
"""


class AreaAliasConflict(PipelineError):
    """Two rows of ``area_aliases.csv`` normalise to the same key but name different areas."""

    code = "area_alias_conflict"


def normalise_area_name(text: str) -> str:
    """Return the comparison key of an area name (see the module docstring for the rules).

    Args:
        text: a name or code as written in a source file, e.g. ``"Høje-Taastrup"``.

    Returns:
        The key, e.g. ``"hoejetaastrup"``; ``""`` if ``text`` holds no letter or digit.
    """
    lowered = text.lower()
    for letter, spelled in _SPELLED_OUT:
        lowered = lowered.replace(letter, spelled)
    decomposed = unicodedata.normalize("NFD", lowered)
    unmarked = unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    )
    return "".join(c for c in unmarked if unicodedata.category(c)[0] in ("L", "N"))


def load_area_aliases(reference_dir: Path | str) -> dict[str, str]:
    """Read ``area_aliases.csv`` into a lookup from normalised alias to area code.

    Several spellings may normalise to the same key (``Høje Taastrup``/``Høje-Taastrup``);
    that is fine as long as they name the same area.

    Args:
        reference_dir: the folder holding ``area_aliases.csv`` (``data/reference``).

    Returns:
        ``{normalised alias: area_code}``, e.g. ``{"aarhus": "DK-K0751", "751": "DK-K0751"}``.

    Raises:
        AreaAliasConflict: a key maps to two area codes, or an alias normalises to ``""``.
    """
    path = Path(reference_dir) / ALIASES_FILE
    lookup: dict[str, str] = {}
    first_seen: dict[str, str] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        # Line 1 is the header, so the first alias is on line 2.
        for line, row in enumerate(csv.DictReader(handle), start=2):
            alias, code = row["alias"], row["area_code"]
            key = normalise_area_name(alias)
            if not key:
                raise AreaAliasConflict(
                    f"Alias {alias!r} has no letters or digits",
                    f"{path.name} line {line}: an empty key would match any blank name.",
                    source=str(path),
                )
            if key in lookup and lookup[key] != code:
                raise AreaAliasConflict(
                    f"Alias {alias!r} is ambiguous",
                    f"{path.name} line {line}: {alias!r} → {code}, but {first_seen[key]!r} "
                    f"→ {lookup[key]} normalises to the same key {key!r}.",
                    hint="Remove one of the two aliases or make it more specific.",
                    source=str(path),
                )
            lookup.setdefault(key, code)
            first_seen.setdefault(key, alias)
    return lookup
