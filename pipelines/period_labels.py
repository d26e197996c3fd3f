"""Parse the period labels found in input files into a period type and its first and last day.

Recognised labels (letters are matched case-insensitively, surrounding blanks are ignored):

=============  =====================================  ==================
period type    labels                                  source
=============  =====================================  ==================
``year``       ``2021``                                StatBank
``half_year``  ``2019H1``, ``2019-H2``                 StatBank (``H``)
``quarter``    ``2025K1`` (kvartal), ``2020Q2``,       StatBank (``K``)
               ``2020-Q2``
``month``      ``2021M03``, ``2020-01``                StatBank, police.uk
``week``       ``2021U05`` (uge), ``2021W05``,         StatBank (``U``),
               ``2021-W05``                            ISO 8601
=============  =====================================  ==================

``period_end`` is the last day of the period (inclusive). Weeks are ISO 8601 weeks (Monday to
Sunday; week 1 holds the year's first Thursday), which is what Statistics Denmark's ``U``
periods are; week 53 is accepted only in years that have one.

Years must lie in 1700–2199 (StatBank's oldest table starts with the 1769 census), so a
stray numeric code such as ``0101`` is not read as a year.

Anything else returns ``None`` and the caller decides what to do: blank cells, text such as
``unknown (c. 2019)``, single days (``2020-01-15``, StatBank ``2007M01D01`` — a day is not a
period), and ranges such as ``2019:2020`` or ``2019/2020`` (a season or a school year could
start in any month, so guessing its dates would be wrong). Nothing here does I/O.
"""
from __future__ import annotations

import re
from calendar import monthrange
from datetime import date, timedelta
from typing import Literal, NamedTuple

import polars as pl

PeriodType = Literal["week", "month", "quarter", "half_year", "year"]

_FIRST_YEAR, _LAST_YEAR = 1700, 2199
_YEAR = re.compile(r"(\d{4})")
_HALF = re.compile(r"(\d{4})-?H([12])")
_QUARTER = re.compile(r"(\d{4})(?:K|-?Q)([1-4])")
_MONTH = re.compile(r"(\d{4})(?:M|-)(\d{2})")
_WEEK = re.compile(r"(\d{4})(?:U|-?W)(\d{2})")


class PeriodLabel(NamedTuple):
    """A parsed period: its type, its first day and its last day (inclusive)."""

    period_type: PeriodType
    period_start: date
    period_end: date


def parse_period_label(text: str | int | None) -> PeriodLabel | None:
    """Parse one period label.

    Args:
        text: the label as found in the file. An ``int`` (a year column that a reader typed
            as a number) is read as its decimal text.

    Returns:
        The period, or ``None`` when the text is blank, unknown, a single day or a range:
        the caller decides whether that is an error; this function never guesses.
    """
    if text is None:
        return None
    if isinstance(text, bool):
        return None
    label = str(text).strip().upper()
    if not label:
        return None
    year_match = re.match(r"\d{4}", label)
    if year_match is None or not _FIRST_YEAR <= int(year_match.group()) <= _LAST_YEAR:
        return None
    if match := _YEAR.fullmatch(label):
        year = int(match.group(1))
        return PeriodLabel("year", date(year, 1, 1), date(year, 12, 31))
    if match := _HALF.fullmatch(label):
        year, half = int(match.group(1)), int(match.group(2))
        first_month = 1 if half == 1 else 7
        return PeriodLabel("half_year", date(year, first_month, 1), _month_end(year, first_month + 5))
    if match := _QUARTER.fullmatch(label):
        year, quarter = int(match.group(1)), int(match.group(2))
        first_month = 3 * quarter - 2
        return PeriodLabel("quarter", date(year, first_month, 1), _month_end(year, first_month + 2))
    if match := _MONTH.fullmatch(label):
        year, month = int(match.group(1)), int(match.group(2))
        if not 1 <= month <= 12:
            return None
        return PeriodLabel("month", date(year, month, 1), _month_end(year, month))
    if match := _WEEK.fullmatch(label):
        year, week = int(match.group(1)), int(match.group(2))
        try:
            monday = date.fromisocalendar(year, week, 1)
        except ValueError:
            # Week 0, week 54, or week 53 in a year that has only 52 ISO weeks.
            return None
        return PeriodLabel("week", monday, monday + timedelta(days=6))
    return None


def parse_period_column(labels: pl.Series) -> pl.DataFrame:
    """Parse a column of labels, keeping one output row per input row.

    Args:
        labels: period labels (string or integer dtype); nulls allowed.

    Returns:
        A frame with ``period_label`` (the input, as text), ``period_type``,
        ``period_start`` and ``period_end``; the last three are null where the label is not a
        recognised period, so the caller can list or reject those rows.
    """
    text = labels.cast(pl.String)
    parsed = {value: parse_period_label(value) for value in text.unique().to_list()}
    return pl.DataFrame(
        {
            "period_label": text,
            "period_type": [_field(parsed[v], 0) for v in text.to_list()],
            "period_start": [_field(parsed[v], 1) for v in text.to_list()],
            "period_end": [_field(parsed[v], 2) for v in text.to_list()],
        },
        schema={
            "period_label": pl.String,
            "period_type": pl.String,
            "period_start": pl.Date,
            "period_end": pl.Date,
        },
    )


def _field(period: PeriodLabel | None, index: int) -> object:
    return None if period is None else period[index]


def _month_end(year: int, month: int) -> date:
    return date(year, month, monthrange(year, month)[1])
