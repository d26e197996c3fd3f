"""Message catalogues (da, en, uk) and locale-aware formatting of numbers, percentages and dates.

Catalogues are TOML files under ``ui/locales/<lang>/``; each topic keeps its own file
(``core.toml``, ``crime.toml``, …) and the tables nest into dotted keys (``[nav] overview``
→ ``nav.overview``). Every language must have exactly the same keys
(``tests/ui/test_i18n.py``). Numbers go through Babel, so Danish shows ``1.178`` and
``12,5 %``, English ``1,178`` and ``12.5%``, Ukrainian ``1 178`` and ``12,5 %``.
"""
from __future__ import annotations

import tomllib
from datetime import date
from functools import lru_cache
from pathlib import Path

from babel.dates import format_date
from babel.numbers import format_decimal

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
LANGUAGES: dict[str, str] = {"da": "Dansk", "en": "English", "uk": "Українська"}
BABEL_LOCALE = {"da": "da_DK", "en": "en_GB", "uk": "uk_UA"}


def _flatten(prefix: str, table: dict, out: dict[str, str]) -> None:
    for key, value in table.items():
        full = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            _flatten(full, value, out)
        else:
            out[full] = str(value)


@lru_cache(maxsize=None)
def catalogue(lang: str) -> dict[str, str]:
    """All messages of one language as dotted key -> text."""
    if lang not in LANGUAGES:
        raise KeyError(lang)
    out: dict[str, str] = {}
    for path in sorted((LOCALES_DIR / lang).glob("*.toml")):
        with path.open("rb") as handle:
            _flatten("", tomllib.load(handle), out)
    return out


def translate(lang: str, key: str, **params: object) -> str:
    """The message ``key`` in ``lang`` with ``{params}`` filled in.

    A missing key shows as the key itself in brackets (and the catalogue test fails), so a
    gap is visible instead of crashing a page in front of an audience.
    """
    text = catalogue(lang).get(key)
    if text is None:
        return f"[{key}]"
    return text.format(**params) if params else text


def format_number(lang: str, value: float | int | None, *, decimals: int = 0) -> str:
    """A number with the locale's grouping and decimal signs; ``–`` for missing."""
    if value is None:
        return "–"
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=BABEL_LOCALE[lang])


def format_percent(lang: str, value: float | None, *, decimals: int = 1) -> str:
    """A percentage given in percent (12.5 → ``12,5 %`` in Danish, ``12.5%`` in English)."""
    if value is None:
        return "–"
    number = format_number(lang, value, decimals=decimals)
    return f"{number}%" if lang == "en" else f"{number} %"


def format_p_value(lang: str, p: float | None, *, with_symbol: bool = True) -> str:
    """A p-value as people read it: ``p < 0,001`` below 0.001, else ``p = 0,023`` (3 decimals).

    Three decimals would print a tiny p as ``p = 0,000``, which claims a p of zero; below 0.001
    the value is shown as a bound instead (APA style). Separators follow the locale.

    Args:
        lang: ``da``, ``en`` or ``uk``.
        p: the p-value (0–1); ``None`` gives ``–``.
        with_symbol: ``False`` for a table cell under a "p" header (``< 0,001``, ``0,023``).

    Returns:
        The text, e.g. ``p < 0.001`` (en), ``p = 0,731`` (da).
    """
    if p is None:
        return "–"
    if p < 0.001:
        text = "< " + format_number(lang, 0.001, decimals=3)
        return f"p {text}" if with_symbol else text
    text = format_number(lang, p, decimals=3)
    return f"p = {text}" if with_symbol else text


def format_day(lang: str, value: date | None) -> str:
    """A date in the locale's medium form (``1. jan. 2025``, ``1 Jan 2025``, ``1 січ. 2025 р.``)."""
    if value is None:
        return "–"
    return format_date(value, format="medium", locale=BABEL_LOCALE[lang])
