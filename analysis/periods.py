"""Period engine: calendar periods, the dashboard's period presets and comparison periods.

Method: plain calendar arithmetic on ``datetime.date``. Months, quarters, half years and years
follow the Gregorian calendar; weeks are ISO 8601 weeks (Monday–Sunday, week 1 holds the
year's first Thursday — ISO 8601-1:2019 §5.2.3; Python's ``date.isocalendar``), as Statistics
Denmark's ``U`` periods are.

Presets are resolved relative to the **latest period for which data exist** (passed in), never
to today's date, so a dashboard built on data up to 2022K2 shows 2022K2 as "last quarter" even
if it is opened in 2024 (the same rule as the "Latest data" choice in StatBank and in
police.uk's downloads page).

=====================  ==================================  ==================================
preset                 calendar data (month … year)        weekly data (ISO weeks)
=====================  ==================================  ==================================
``last_month``         latest complete month               the latest 4 weeks
``last_quarter``       latest complete quarter             the latest 13 weeks
``year_to_date``       1 January … end of latest period    ISO week 1 … latest week
``last_12_months``     12 months ending with latest        the latest 52 weeks
``last_year``          latest complete calendar year       latest complete ISO year
``custom``             given dates widened to whole        given dates widened to whole
                       data periods, end clipped to        ISO weeks, end clipped to latest
                       latest                              week
=====================  ==================================  ==================================

Comparison periods: ``same_period_last_year`` (a month with the same month a year earlier;
ISO week *n* with week *n* of the previous ISO year — week 53 with week 52 when that year has
no week 53; a span of dates with the same dates a year earlier, month ends kept as month ends)
and ``previous_period`` (the equally long run of data periods just before).

Labels are language-neutral codes (``2021-03``, ``2021-Q1``, ``2021-H1``, ``2021``,
``2021-W05``; spans ``2021-07/2022-06``); the UI translates them.
"""
from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal, get_args

from analysis.errors import AnalysisError

Granularity = Literal["week", "month", "quarter", "half_year", "year"]
PeriodType = Literal[
    "week",
    "month",
    "quarter",
    "half_year",
    "year",
    "iso_year",
    "year_to_date",
    "rolling_12_months",
    "rolling_weeks",
    "custom",
]
Preset = Literal["last_month", "last_quarter", "year_to_date", "last_12_months", "last_year", "custom"]

PRESETS: tuple[Preset, ...] = get_args(Preset)
_MONTHS_IN: dict[str, int] = {"month": 1, "quarter": 3, "half_year": 6, "year": 12}
_WEEKS_FOR_PRESET: dict[str, int] = {"last_month": 4, "last_quarter": 13, "last_12_months": 52}


@dataclass(frozen=True)
class Period:
    """A closed interval of days with a type and a language-neutral label.

    Attributes:
        start: first day (inclusive).
        end: last day (inclusive).
        period_type: what kind of period this is (a calendar period, a preset span, custom).
        label: language-neutral code, e.g. ``2021-Q1`` or ``2021-07/2022-06``.
        granularity: the data period it is made of (``month`` for a 12-month span of monthly
            data). ``None`` means the period is itself one data period (``period_type``).
    """

    start: date
    end: date
    period_type: PeriodType
    label: str
    granularity: Granularity | None = None

    @property
    def base(self) -> Granularity:
        """The data period this period is made of."""
        if self.granularity is not None:
            return self.granularity
        if self.period_type not in get_args(Granularity):
            raise AnalysisError(
                "A period span must say which data periods it is made of.",
                detail=f"{self.label} has type {self.period_type!r} and no granularity.",
                code="period_without_granularity",
                source="granularity",
            )
        return self.period_type  # type: ignore[return-value]

    @property
    def days(self) -> int:
        """Length in days, both ends included (the exposure for comparing counts)."""
        return (self.end - self.start).days + 1


def period_of(day: date, period_type: Granularity) -> Period:
    """The calendar period of the given type that contains a day.

    Args:
        day: any day.
        period_type: ``week`` (ISO week), ``month``, ``quarter``, ``half_year`` or ``year``.

    Returns:
        The period, with ``granularity`` left as ``None``.
    """
    if period_type == "week":
        iso_year, week, weekday = day.isocalendar()
        monday = day - timedelta(days=weekday - 1)
        return Period(monday, monday + timedelta(days=6), "week", f"{iso_year}-W{week:02d}")
    if period_type not in _MONTHS_IN:
        raise AnalysisError(
            "Unknown period type.",
            detail=f"{period_type!r} is not one of {get_args(Granularity)}.",
            code="unknown_period_type",
            source="period_type",
        )
    size = _MONTHS_IN[period_type]
    first_month = (day.month - 1) // size * size + 1
    start = date(day.year, first_month, 1)
    end = _month_end(day.year, first_month + size - 1)
    return Period(start, end, period_type, _calendar_label(start, period_type))


def shift_period(period: Period, steps: int) -> Period:
    """A calendar period ``steps`` periods later (negative: earlier).

    Args:
        period: a single data period (week, month, quarter, half year or year).
        steps: how many periods to move.

    Returns:
        The shifted period of the same type.
    """
    kind = _single_kind(period)
    if kind == "week":
        return period_of(period.start + timedelta(weeks=steps), "week")
    return period_of(_add_months(period.start, steps * _MONTHS_IN[kind]), kind)


def span(first: Period, last: Period, *, period_type: PeriodType) -> Period:
    """The run of data periods from ``first`` to ``last`` (both included) as one period.

    Args:
        first: first data period.
        last: last data period, of the same type, not before ``first``.
        period_type: the type to give the span (e.g. ``rolling_12_months``).

    Returns:
        A single data period when ``first == last`` and ``period_type`` is its own type,
        otherwise a span labelled ``<first>/<last>``.
    """
    kind = _single_kind(first)
    if _single_kind(last) != kind or last.end < first.start:
        raise AnalysisError(
            "A span must run forwards over periods of one kind.",
            detail=f"{first.label} .. {last.label}",
            code="invalid_span",
        )
    if first == last and period_type == kind:
        return first
    label = first.label if first == last else f"{first.label}/{last.label}"
    return Period(first.start, last.end, period_type, label, kind)


def split_period(period: Period) -> tuple[Period, ...]:
    """The data periods a period is made of, in order.

    Args:
        period: a data period or a span built by this module.

    Returns:
        One ``Period`` per data period (e.g. 12 months for a rolling 12 months).
    """
    kind = period.base
    current = period_of(period.start, kind)
    out = []
    while current.start <= period.end:
        out.append(current)
        current = shift_period(current, 1)
    if out[0].start != period.start or out[-1].end != period.end:
        raise AnalysisError(
            "The period does not consist of whole data periods.",
            detail=f"{period.label} ({period.start}..{period.end}) is not made of whole {kind}s.",
            code="period_not_aligned",
        )
    return tuple(out)


def resolve_preset(
    preset: Preset,
    *,
    latest: Period,
    custom_start: date | None = None,
    custom_end: date | None = None,
) -> Period:
    """Resolve a period preset relative to the latest period for which data exist.

    Args:
        preset: one of ``PRESETS`` (see the module docstring for each meaning).
        latest: the latest data period (a week, month, quarter, half year or year; its type
            is the data's granularity).
        custom_start: first day for ``custom`` (widened to the start of its data period).
        custom_end: last day for ``custom`` (widened to the end of its data period, then
            clipped to ``latest.end``).

    Returns:
        The resolved period.

    Raises:
        AnalysisError: ``preset_finer_than_data`` when the data are too coarse for the
            preset (e.g. ``last_quarter`` on annual data), ``custom_dates_missing`` /
            ``custom_dates_reversed`` / ``custom_after_latest_data`` for a bad custom range,
            ``unknown_preset``.
    """
    kind = _single_kind(latest)
    if preset not in PRESETS:
        raise AnalysisError(
            "Unknown period preset.",
            detail=f"{preset!r} is not one of {PRESETS}.",
            code="unknown_preset",
            source="preset",
        )
    if preset == "custom":
        return _custom(latest, kind, custom_start, custom_end)
    if kind == "week":
        return _weekly_preset(preset, latest)
    if preset == "year_to_date":
        first = period_of(date(latest.end.year, 1, 1), kind)
        return span(first, latest, period_type="year_to_date")
    if preset == "last_12_months":
        return span(shift_period(latest, 1 - 12 // _MONTHS_IN[kind]), latest, period_type="rolling_12_months")
    if preset == "last_year":
        year = latest.end.year if latest.end == date(latest.end.year, 12, 31) else latest.end.year - 1
        return period_of(date(year, 1, 1), "year")
    target: Granularity = "month" if preset == "last_month" else "quarter"
    if _MONTHS_IN[kind] > _MONTHS_IN[target]:
        raise AnalysisError(
            "The data are too coarse for this period.",
            detail=f"{preset} needs {target}ly data or finer; the latest data period is {latest.label}.",
            hint="Choose a year or the last 12 months instead.",
            code="preset_finer_than_data",
            source="preset",
        )
    candidate = period_of(latest.end, target)
    if candidate.end != latest.end:
        candidate = shift_period(candidate, -1)
    return candidate


def same_period_last_year(period: Period) -> Period:
    """The same period one year earlier (the usual comparison period).

    Args:
        period: any period built by this module.

    Returns:
        A period of the same type: the same month/quarter/half/year one year earlier; the
        same ISO week number in the previous ISO year (week 53 → week 52 when the previous
        year has no week 53); for spans, the same data periods one year earlier.
    """
    if period.period_type in _MONTHS_IN:
        return shift_period(period, -12 // _MONTHS_IN[period.period_type])
    if period.period_type == "week":
        return _week_last_year(period)
    kind = period.base
    if kind == "week":
        first = _week_last_year(period_of(period.start, "week"))
        last = _week_last_year(period_of(period.end, "week"))
        if period.period_type == "iso_year":
            return _iso_year(first.start.isocalendar()[0])
        return span(first, last, period_type=period.period_type)
    steps = -12 // _MONTHS_IN[kind]
    first = shift_period(period_of(period.start, kind), steps)
    last = shift_period(period_of(period.end, kind), steps)
    return span(first, last, period_type=period.period_type)


def same_period_previous_years(period: Period, *, years: int = 3) -> tuple[Period, ...]:
    """The same period in each of the previous ``years`` years, most recent first (for baselines).

    Args:
        period: any period built by this module.
        years: how many years back (3 for the baseline band of ``analysis.change``).

    Returns:
        ``years`` periods.
    """
    out = []
    current = period
    for _ in range(years):
        current = same_period_last_year(current)
        out.append(current)
    return tuple(out)


def previous_period(period: Period) -> Period:
    """The equally long run of data periods immediately before a period.

    Args:
        period: any period built by this module.

    Returns:
        For a single data period, the one before it (2022-Q1 → 2021-Q4); for an ISO year,
        the ISO year before; for a span of *n* data periods, the *n* data periods just
        before it (type kept).
    """
    if period.period_type in get_args(Granularity):
        return shift_period(period, -1)
    if period.period_type == "iso_year":
        return _iso_year(period.start.isocalendar()[0] - 1)
    parts = split_period(period)
    return span(
        shift_period(parts[0], -len(parts)), shift_period(parts[-1], -len(parts)), period_type=period.period_type
    )


def _custom(latest: Period, kind: Granularity, start: date | None, end: date | None) -> Period:
    if start is None or end is None:
        raise AnalysisError(
            "A custom period needs a first and a last day.",
            code="custom_dates_missing",
            source="custom_start" if start is None else "custom_end",
        )
    if end < start:
        raise AnalysisError(
            "The custom period ends before it starts.",
            detail=f"{start} .. {end}",
            code="custom_dates_reversed",
            source="custom_end",
        )
    if start > latest.end:
        raise AnalysisError(
            "The custom period starts after the latest data.",
            detail=f"Data end on {latest.end}; the period starts on {start}.",
            code="custom_after_latest_data",
            source="custom_start",
        )
    first = period_of(start, kind)
    last = period_of(min(end, latest.end), kind)
    return span(first, last, period_type="custom")


def _weekly_preset(preset: Preset, latest: Period) -> Period:
    iso_year, week, _ = latest.start.isocalendar()
    if preset in _WEEKS_FOR_PRESET:
        weeks = _WEEKS_FOR_PRESET[preset]
        return span(shift_period(latest, 1 - weeks), latest, period_type="rolling_weeks")
    if preset == "year_to_date":
        return span(period_of(date.fromisocalendar(iso_year, 1, 1), "week"), latest, period_type="year_to_date")
    # last_year: the latest complete ISO year.
    complete = iso_year if shift_period(latest, 1).start.isocalendar()[0] != iso_year else iso_year - 1
    return _iso_year(complete)


def _iso_year(iso_year: int) -> Period:
    first = period_of(date.fromisocalendar(iso_year, 1, 1), "week")
    last = period_of(date.fromisocalendar(iso_year + 1, 1, 1) - timedelta(days=1), "week")
    return span(first, last, period_type="iso_year")


def _week_last_year(week_period: Period) -> Period:
    iso_year, week, _ = week_period.start.isocalendar()
    try:
        monday = date.fromisocalendar(iso_year - 1, week, 1)
    except ValueError:
        # Week 53 in a year whose predecessor has 52 weeks: compare with week 52.
        monday = date.fromisocalendar(iso_year - 1, 52, 1)
    return period_of(monday, "week")


def _single_kind(period: Period) -> Granularity:
    if period.period_type not in get_args(Granularity):
        raise AnalysisError(
            "A single data period is needed here.",
            detail=f"{period.label} is a {period.period_type}, not a week, month, quarter, half year or year.",
            code="not_a_data_period",
        )
    return period.period_type  # type: ignore[return-value]


def _calendar_label(start: date, period_type: Granularity) -> str:
    if period_type == "month":
        return f"{start.year}-{start.month:02d}"
    if period_type == "quarter":
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    if period_type == "half_year":
        return f"{start.year}-H{(start.month - 1) // 6 + 1}"
    return str(start.year)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, monthrange(year, month + 1)[1]))


def _month_end(year: int, month: int) -> date:
    return date(year, month, monthrange(year, month)[1])

