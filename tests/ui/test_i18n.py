"""Message catalogues are complete in every language, and numbers follow the locale."""
from __future__ import annotations

import re
import string
from datetime import date

import pytest

from ui.i18n import LANGUAGES, catalogue, format_day, format_number, format_p_value, format_percent, translate


def test_every_catalogue_has_the_same_keys():
    keys = {lang: set(catalogue(lang)) for lang in LANGUAGES}
    for lang, own in keys.items():
        for other, theirs in keys.items():
            assert not (theirs - own), f"{lang} lacks keys that {other} has: {sorted(theirs - own)}"


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_placeholders_match_across_languages(lang):
    def fields(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    for key, text in catalogue("en").items():
        assert fields(catalogue(lang)[key]) == fields(text), key


def test_ukrainian_and_danish_are_not_english_copies():
    en, da, uk = catalogue("en"), catalogue("da"), catalogue("uk")
    cyrillic = re.compile("[\u0400-\u04ff]")
    prose = [k for k, v in en.items() if len(v) > 25]
    assert sum(bool(cyrillic.search(uk[k])) for k in prose) / len(prose) > 0.9
    assert sum(da[k] != en[k] for k in prose) / len(prose) > 0.9


def test_missing_key_is_visible_not_a_crash():
    assert translate("da", "no.such.key") == "[no.such.key]"


@pytest.mark.parametrize(
    ("lang", "count", "percent"),
    [("da", "1.178", "12,5 %"), ("en", "1,178", "12.5%"), ("uk", "1\u00a0178", "12,5 %")],
)
def test_numbers_follow_the_locale(lang, count, percent):
    assert format_number(lang, 1178) == count
    assert format_percent(lang, 12.5) == percent


def test_dates_follow_the_locale():
    assert format_day("da", date(2025, 3, 1)) == "1. mar. 2025"
    assert format_day("en", date(2025, 3, 1)) == "1 Mar 2025"
    assert "2025" in format_day("uk", date(2025, 3, 1)) and "бер" in format_day("uk", date(2025, 3, 1))


def test_house_layout_keeps_the_locale_separators():
    import plotly.graph_objects as go

    from ui.charts import base_layout, separators

    figure = go.Figure().update_layout(separators=separators("da"))
    assert base_layout(figure, title="x").layout.separators == ",."


@pytest.mark.parametrize(
    ("lang", "p", "expected"),
    [
        ("da", 0.0, "p < 0,001"),
        ("en", 1e-12, "p < 0.001"),
        ("uk", 0.000999, "p < 0,001"),
        ("en", 0.001, "p = 0.001"),
        ("da", 0.7312, "p = 0,731"),
        ("uk", 0.02349, "p = 0,023"),
        ("en", 1.0, "p = 1.000"),
    ],
)
def test_p_values_never_print_as_zero(lang, p, expected):
    assert format_p_value(lang, p) == expected


def test_p_value_table_cells_drop_the_symbol_and_missing_is_a_dash():
    assert format_p_value("da", 0.0002, with_symbol=False) == "< 0,001"
    assert format_p_value("en", 0.0456, with_symbol=False) == "0.046"
    assert format_p_value("uk", None) == "–"
