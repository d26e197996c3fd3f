"""Masking personal data in quotes: every kind, the formats the brief names, and no false positives.

Oracle: the expected masked strings are written out by hand for each input. All names,
numbers and addresses below are made up.
"""
from __future__ import annotations

import polars as pl
import pytest

from analysis.errors import AnalysisError
from analysis.masking import MaskedText, mask_personal_data, mask_quotes


def _masked(text: str, *names: str) -> str:
    return mask_personal_data(text, participant_names=names).text


@pytest.mark.parametrize(
    ("text", "names", "expected"),
    [
        ("Jens sagde det til Mette.", ("Jens Hansen", "Mette"), "[name] sagde det til [name]."),
        ("Jens Hansen kom for sent", ("Jens Hansen",), "[name] kom for sent"),
        ("Det var Jens' cykel og Jensens bil", ("Jens", "Jensen"), "Det var [name] cykel og [name] bil"),
        ("JENS and jens and Anna's dog", ("Jens", "Anna"), "[name] and [name] and [name] dog"),
        ("Олена сказала, що Петро прийде", ("Олена Коваленко", "Петро"), "[name] сказала, що [name] прийде"),
        # whole words only: a name inside a longer word stays
        ("Annasophie and Bodil met Bo", ("Anna", "Bo"), "Annasophie and Bodil met [name]"),
    ],
    ids=["first-names", "full-name", "danish-possessive", "case-and-english-possessive", "ukrainian", "whole-words-only"],
)
def test_names_from_the_participant_list_are_masked(text, names, expected):
    assert _masked(text, *names) == expected


@pytest.mark.parametrize(
    "number",
    [
        "+45 12 34 56 78",
        "+4512345678",
        "0045 12345678",
        "12345678",
        "12 34 56 78",
        "12-34-56-78",
        "+380 50 123 45 67",
        "+380501234567",
        "+38 (050) 123-45-67",
        "050-123-45-67",
        "(050) 123 45 67",
        "050 123 45 67",
        "0501234567",
        "+380 5746 12345",
        "+380 (50) 123 45 67",
    ],
)
def test_danish_and_ukrainian_phone_numbers_are_masked(number):
    result = mask_personal_data(f"Ring på {number}, tak.")
    assert result.text == "Ring på [phone], tak."
    assert result.kinds == ("phone",)


@pytest.mark.parametrize("address", ["jens.hansen@example.dk", "o.kovalenko+fg@mail.example.com.ua", "олена@приклад.укр"])
def test_email_addresses_are_masked(address):
    assert _masked(f"Skriv til {address}.") == "Skriv til [e-mail]."


@pytest.mark.parametrize("cpr", ["150385-1234", "1503851234", "290200-1234", "010101-0001"])
def test_cpr_numbers_with_a_valid_date_are_masked(cpr):
    result = mask_personal_data(f"CPR {cpr} står i journalen")
    assert result.text == "CPR [CPR] står i journalen"
    assert result.kinds == ("cpr",)


@pytest.mark.parametrize("not_cpr", ["320185-1234", "151385-1234", "290201-1234"])
def test_ten_digits_without_a_valid_date_are_not_cpr(not_cpr):
    # 32 January, month 13, and 29 February 1901/2001 do not exist.
    assert mask_personal_data(f"nr. {not_cpr}").kinds == ()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Jeg bor på Vestergade 12.", "Jeg bor på [address]."),
        ("Hun bor på Nørre Allé 3, 2. th, tæt på skolen", "Hun bor på [address], tæt på skolen"),
        ("Adressen er Søndre Ringvej 45B st. tv", "Adressen er [address]"),
        ("Вона живе на вул. Харківська, 5.", "Вона живе на [address]."),
        ("Живу на проспект Миру 12, кв. 4", "Живу на [address]"),
        ("Це вулиця Героїв Праці 7а", "Це [address]"),
        ("Он живёт на ул. Ленина, д. 3", "Он живёт на [address]"),
    ],
    ids=["dk-street", "dk-floor-side", "dk-letter-st", "ua-vul", "ua-prospekt-kv", "ua-two-words", "ru-ul"],
)
def test_street_addresses_are_masked(text, expected):
    assert _masked(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "in 2017 we had 62.8 %",
        "1.178 follow-ups and 1,178 visits",
        "between 2017 and 2019, 12.500 kr per year",
        "2017-2018 was worse than 2019",
        "62,8 % feel safe; 1 178 respondents",
        "Vestergade is a long street",
        "на вулиці шевченка біля школи 5 років тому",
    ],
)
def test_years_counts_and_street_names_without_numbers_are_left_alone(text):
    result = mask_personal_data(text)
    assert result == MaskedText(text=text, kinds=(), n_masked=0)


def test_a_year_after_an_address_is_not_taken_for_a_floor():
    assert _masked("Vestergade 12, 2017 var et godt år") == "[address], 2017 var et godt år"


def test_every_kind_in_one_quote_is_reported_once_in_order():
    text = (
        "Olena (olena@example.org, +380 50 123 45 67) said Jens lives at Vestergade 12 "
        "and his CPR 150385-1234 was on the form; call Jens on 12 34 56 78."
    )
    result = mask_personal_data(text, participant_names=["Olena", "Jens Hansen"])
    assert result.text == (
        "[name] ([e-mail], [phone]) said [name] lives at [address] "
        "and his CPR [CPR] was on the form; call [name] on [phone]."
    )
    assert result.kinds == ("e-mail", "cpr", "phone", "address", "name")
    assert result.n_masked == 8


def test_empty_participant_entries_are_ignored():
    assert _masked("No names here", "", "  ") == "No names here"


def test_mask_quotes_uses_each_rows_own_participants_and_keeps_the_input():
    frame = pl.DataFrame(
        {
            "text": ["Petro called 050-123-45-67", "Petro was not in this session", None],
            "participants": ["Petro Sample;Olena Example", "Iryna Placeholder", None],
        }
    )
    masked = mask_quotes(frame)
    assert masked["masked_text"].to_list() == ["[name] called [phone]", "Petro was not in this session", None]
    assert masked["masked_kinds"].to_list() == [["phone", "name"], [], None]
    assert frame.columns == ["text", "participants"]


def test_mask_quotes_missing_column_is_an_analysis_error():
    with pytest.raises(AnalysisError) as caught:
        mask_quotes(pl.DataFrame({"quote": ["x"]}))
    assert caught.value.code == "missing_column" and caught.value.source == "text"
