"""Mask personal data in focus-group quotes before they are shown or exported.

Method: deterministic pattern matching, in a fixed order so that one kind never hides
another. E-mail addresses go first, because they contain names and digits. Then CPR numbers
with a hyphen, phone numbers, bare ten-digit runs (phone or CPR, see below), street
addresses, and last the participants' names. Every match is replaced by a token:
``[e-mail]``, ``[CPR]``, ``[phone]``, ``[address]`` or ``[name]``. The tokens contain no
letters or digits that a later pattern could match.

What is recognised:

- **Names:** each participant name, and each part of a multi-word name (two letters or
  more), matched as a whole word, case-insensitively. Possessive forms are matched too:
  Danish ``Jens'`` and ``Jensens``, English ``Anna's``. Parts are masked alone because
  participants call each other by first name. Over-masking a common word that is also a
  name (Danish "Bo", "Mark") is the safe side.
- **Phone numbers:**
  - Danish: ``+45`` or ``0045`` followed by 8 digits in any grouping; otherwise 8 digits
    written together (``12345678``) or in pairs (``12 34 56 78``, ``12-34-56-78``).
  - Ukrainian: ``+380`` or ``380`` followed by 9 digits (the first two may be bracketed); ``+38 (050) 123-45-67``;
    ``050-123-45-67``; ``(050) 123 45 67``; ``050 123 45 67``; ``0501234567``.
  - Grouped numbers must use one space, one hyphen or brackets between groups. Plain
    years ("2017"), decimals ("62.8 %") and thousands ("1.178") never match.
- **CPR numbers** (Danish personal ID): ``DDMMYY-XXXX`` and ``DDMMYYXXXX`` whose first six
  digits are a real date in 19YY or 20YY. The modulus-11 check is not applied: the CPR
  office has issued numbers that fail it since 2007, when some birth dates ran out of
  numbers that pass it.
- **A bare ten-digit run** starting with ``0`` and a Ukrainian mobile operator code
  (039, 050, 063, 066, 067, 068, 073, 089, 091–099) is a phone number. Otherwise it is a
  CPR number if it starts with a valid date. Otherwise, if it starts with ``0``, it is a
  phone number (a Ukrainian landline). Either way the digits are masked.
- **E-mail addresses:** ``local@domain.tld``, with Unicode letters allowed.
- **Street addresses** need a house number:
  - Danish: a capitalised street name ending in a street word (``-gade``, ``-vej``,
    ``Allé``, ``-stræde``, ``-plads``, ``-torv``...), then a house number, with an optional
    letter and floor or side (``Vestergade 12``, ``Nørre Allé 3, 2. th``).
  - Ukrainian and Russian: a street word (``вул.``, ``вулиця``, ``проспект``, ``пр.``,
    ``пров.``, ``бульвар``, ``площа``, ``ул.``...), a capitalised name, then a house number
    (``вул. Харківська, 5``, ``проспект Миру 12``), with an optional ``кв. N``.

This is a safety net under human vetting, not a replacement for it. A name missing from
the participant list, or an address written without a house number, stays visible.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from typing import Iterable, Literal

import polars as pl

from analysis.errors import AnalysisError

MaskKind = Literal["e-mail", "cpr", "phone", "address", "name"]

TOKENS: dict[str, str] = {
    "e-mail": "[e-mail]",
    "cpr": "[CPR]",
    "phone": "[phone]",
    "address": "[address]",
    "name": "[name]",
}
_KIND_ORDER: tuple[str, ...] = ("e-mail", "cpr", "phone", "address", "name")


@dataclass(frozen=True)
class MaskedText:
    """A text with personal data replaced by tokens.

    Attributes:
        text: the masked text.
        kinds: the kinds of personal data that were masked, each once, in the fixed order
            ``e-mail``, ``cpr``, ``phone``, ``address``, ``name``.
        n_masked: how many passages were replaced in all.
    """

    text: str
    kinds: tuple[str, ...]
    n_masked: int


# Digits not glued to other digits or to a decimal/thousands separator followed by digits.
_START = r"(?<![\w+])(?<!\d[.,])"
_END = r"(?![.,]?\d)(?!\w)"
_SEP = r"[ \-]?"

_EMAIL = re.compile(r"(?<![\w.%+-])[\w.%+-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}(?!\w)")
_CPR_HYPHEN = re.compile(_START + r"(\d{6})-\d{4}" + _END)
_PHONE_PATTERNS = (
    # Ukraine with country code: +380 / 380, a two-digit operator or area code (in brackets
    # or not), then 7 digits in any grouping.
    re.compile(r"(?<![\w+])\+?380[ \-]?(?:\(\d{2}\)|\d{2})(?:[ \-]?\d){7}" + _END),
    # Ukraine, +38 (0XX) ... and national 0XX with separators: 3 + 3 + 2 + 2 digits.
    re.compile(r"(?<![\w+])(?:\+?38[ \-]?)?\(0\d{2}\)[ \-]?\d{3}[ \-]?\d{2}[ \-]?\d{2}" + _END),
    re.compile(r"(?<![\w+])(?:\+?38[ \-]?)?0\d{2}[ \-]\d{3}[ \-]?\d{2}[ \-]?\d{2}" + _END),
    # Denmark with country code: +45 / 0045 then 8 digits in any grouping.
    re.compile(r"(?<![\w+])(?:\+|00)45(?:[ \-]?\d){8}" + _END),
    # Denmark without country code: 8 digits together or in pairs.
    re.compile(_START + r"\d{2}([ \-])\d{2}\1\d{2}\1\d{2}" + _END),
    re.compile(_START + r"\d{8}" + _END),
)
_TEN_DIGITS = re.compile(_START + r"\d{10}" + _END)
_UA_MOBILE = re.compile(r"0(?:39|50|63|66|67|68|73|89|9[1-9])")

_DK_STREET_WORDS = (
    "gade|gaden|vej|vejen|allé|alle|stræde|strædet|plads|pladsen|torv|torvet|boulevard|vænge|vænget|"
    "park|parken|have|haven|bakke|bakken|sti|stien|gyde|passage|kaj|kajen|vang|toft|løkke|engen|høj|hus"
)
_CAP = r"[A-ZÆØÅÄÖÜÉ][a-zæøåäöüé]+"
_DK_ADDRESS = re.compile(
    r"(?<!\w)"
    r"(?:" + _CAP + r"[ \-])?"  # an optional first word: "Nørre", "Sankt", "H.C."-less names
    r"(?:[A-ZÆØÅÄÖÜÉ][a-zæøåäöüé]*(?:" + _DK_STREET_WORDS + r")|(?:" + _CAP + r" )?(?:Allé|Alle|Vej|Gade|Plads|Torv|Boulevard|Stræde|Vænge|Park))"
    r" \d{1,4}(?: ?[A-Z](?!\w)|[a-z](?!\w))?"  # house number and optional letter: 12, 12B, 12 B, 12b
    # floor and side: ", 2. th", " st. tv", ", 1 mf"; a floor needs its dot or a side, so a
    # following year ("Vestergade 12, 2017") is not taken for one
    r"(?:,? ?(?:(?:st|kl|\d{1,2})\.(?: ?(?:th|tv|mf|\d{1,4})\.?)?|(?:st|kl|\d{1,2}) ?(?:th|tv|mf)\.?)(?!\w))?"
)
_UA_STREET_WORDS = (
    r"вул\.|вулиця|вулиці|вулицю|просп\.|проспект|проспекті|пр-т|пр\.|пров\.|провулок|провулку|"
    r"бульв\.|бульвар|бульварі|пл\.|площа|площі|майдан|шосе|набережна|ул\.|улица|улице|пер\.|переулок"
)
_UA_NAME = r"[А-ЯІЇЄҐA-Z][\w'’\-]*"
_UA_ADDRESS = re.compile(
    # The street word in any case; the street name capitalised after its first word, so a
    # sentence running on after a lower-case name ("вулиці шевченка біля школи 5") stops.
    r"(?<!\w)(?i:" + _UA_STREET_WORDS + r")\s*"
    + r"[\w'’\-]+"
    + r"(?:\s+" + _UA_NAME + r")*"
    + r",?\s*(?:буд\.\s*|д\.\s*)?\d{1,4}(?:[-/]?[а-яА-Яa-zA-Z](?!\w))?(?:/\d{1,4})?"
    + r"(?:,?\s*(?:кв\.?|квартира)\s*\d{1,4})?(?!\w)"
)


def mask_personal_data(text: str, *, participant_names: Iterable[str] = ()) -> MaskedText:
    """Replace personal data in ``text`` with tokens (see the module docstring for the rules).

    Args:
        text: a quote or any free text.
        participant_names: names to mask as whole words (each may be a full name; its parts
            are masked too). Empty entries are ignored.

    Returns:
        A ``MaskedText`` with the masked text, the kinds masked and the number of
        replacements. A text with nothing to mask comes back unchanged.
    """
    counts = {kind: 0 for kind in _KIND_ORDER}

    def substitute(pattern: re.Pattern[str], kind: str, value: str, accept=None) -> str:
        def replace(match: re.Match[str]) -> str:
            chosen = accept(match) if accept else kind
            if chosen is None:
                return match.group(0)
            counts[chosen] += 1
            return TOKENS[chosen]

        return pattern.sub(replace, value)

    masked = substitute(_EMAIL, "e-mail", text)
    masked = substitute(_CPR_HYPHEN, "cpr", masked, lambda m: "cpr" if _is_cpr_date(m.group(1)) else None)
    for pattern in _PHONE_PATTERNS[:4]:
        masked = substitute(pattern, "phone", masked)
    masked = substitute(_TEN_DIGITS, "phone", masked, _classify_ten_digits)
    for pattern in _PHONE_PATTERNS[4:]:
        masked = substitute(pattern, "phone", masked)
    masked = substitute(_DK_ADDRESS, "address", masked)
    masked = substitute(_UA_ADDRESS, "address", masked)
    names_pattern = _names_pattern(participant_names)
    if names_pattern is not None:
        masked = substitute(names_pattern, "name", masked)
    return MaskedText(
        text=masked,
        kinds=tuple(kind for kind in _KIND_ORDER if counts[kind]),
        n_masked=sum(counts.values()),
    )


def mask_quotes(
    frame: pl.DataFrame,
    *,
    text_column: str = "text",
    names_column: str | None = "participants",
) -> pl.DataFrame:
    """Mask every quote in a frame, each with its own session's participant names.

    Args:
        frame: one row per quote, e.g. segments joined to their session.
        text_column: the column holding the quote.
        names_column: a column of ``;``-separated participant names for that row
            (``raw_fg_sessions.participants``), or None to mask without names.

    Returns:
        The frame with ``masked_text`` (string) and ``masked_kinds`` (list of strings)
        added; the input frame is not changed.

    Raises:
        AnalysisError: a named column is missing (code ``missing_column``).
    """
    for column in (text_column, names_column):
        if column is not None and column not in frame.columns:
            raise AnalysisError(f"The frame has no column {column!r}", code="missing_column", source=column)
    texts = frame[text_column].to_list()
    names = frame[names_column].to_list() if names_column is not None else [None] * frame.height
    results = [
        mask_personal_data(text or "", participant_names=(names_text or "").split(";")) if text is not None else None
        for text, names_text in zip(texts, names)
    ]
    return frame.with_columns(
        pl.Series("masked_text", [r.text if r else None for r in results], dtype=pl.String),
        pl.Series("masked_kinds", [list(r.kinds) if r else None for r in results], dtype=pl.List(pl.String)),
    )


def _is_cpr_date(ddmmyy: str) -> bool:
    day, month, year = int(ddmmyy[:2]), int(ddmmyy[2:4]), int(ddmmyy[4:6])
    if not 1 <= month <= 12 or day < 1:
        return False
    # The century is not in the first six digits, so accept a day valid in 19YY or 20YY
    # (29 February differs between them, e.g. 290200 is valid only as 2000).
    return any(day <= calendar.monthrange(century + year, month)[1] for century in (1900, 2000))


def _classify_ten_digits(match: re.Match[str]) -> str | None:
    digits = match.group(0)
    if _UA_MOBILE.match(digits):
        return "phone"
    if _is_cpr_date(digits[:6]):
        return "cpr"
    if digits.startswith("0"):
        return "phone"
    return None


def _names_pattern(participant_names: Iterable[str]) -> re.Pattern[str] | None:
    variants: set[str] = set()
    for raw in participant_names:
        name = " ".join((raw or "").split())
        if not name:
            continue
        variants.add(name)
        variants.update(part for part in re.split(r"[\s\-]+", name) if len(part) >= 2)
    if not variants:
        return None
    # Longest first, so "Jens Hansen" is one match rather than two.
    alternatives = "|".join(re.escape(v) for v in sorted(variants, key=len, reverse=True))
    return re.compile(r"(?<!\w)(?:" + alternatives + r")(?:['’]s|['’]|s)?(?!\w)", re.IGNORECASE)
