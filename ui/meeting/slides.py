"""The slide model every output of a meeting shares, with its footer and permalink.

A ``Slide`` holds formatted text (already in the meeting's language), the chart as a plotly
figure, the chart's data as a table (the accessible alternative and the pack's appendix), the
alt text and the speaker notes. The page, the HTML, the PDF and the PPTX all draw the same
``Slide`` objects, so they cannot show different numbers.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from urllib.parse import urlencode

import plotly.graph_objects as go
import polars as pl
from babel.dates import format_datetime

from ui.i18n import BABEL_LOCALE, translate

MEETING_PATH = "meeting"  # st.navigation's URL path of pages/meeting.py


@dataclass(frozen=True, eq=False)
class Slide:
    """One slide of a meeting.

    Attributes:
        key: the agenda item it belongs to (``crime``, ``traffic`` …, ``title``).
        title: the slide's heading.
        message: its one message, one sentence.
        figure: the chart, or None.
        table: the chart's (or slide's) data with translated headers; the accessible table.
        alt_text: what the chart shows, for screen readers and the pack's alt attributes.
        notes: speaker notes with the statistical caveat (n, interval, verdict sentence).
        footer: area, period, filters, data version, time and permalink (set by the agenda).
        headline: ``(label, value)`` pairs of the big numbers, formatted as the topic page shows them.
        quote: one vetted, masked focus-group quote, or None.
        warnings: comparability or data warnings shown on the slide.
        filters: the slide's own filters in words (e.g. the offence group), for the footer.
    """

    key: str
    title: str
    message: str
    figure: go.Figure | None = None
    table: pl.DataFrame = field(default_factory=pl.DataFrame)
    alt_text: str = ""
    notes: str = ""
    footer: str = ""
    headline: tuple[tuple[str, str], ...] = ()
    quote: str | None = None
    warnings: tuple[str, ...] = ()
    filters: str = ""


@dataclass(frozen=True)
class MeetingContext:
    """What every footer of one meeting names.

    Attributes:
        lang: the meeting's language.
        area_code / area_name: the area (name in the meeting's language).
        preset: the sidebar's period preset; ``custom_start``/``custom_end`` for ``custom``.
        period_text: the period in words.
        items: the agenda items, in order.
        data_version: the warehouse build the numbers come from.
        made_at: when the slides were made (the export time of a pack).
        base_url: the dashboard's public address (setting ``public_base_url``).
    """

    lang: str
    area_code: str
    area_name: str
    preset: str
    period_text: str
    items: tuple[str, ...]
    data_version: str
    made_at: datetime
    base_url: str
    custom_start: str | None = None
    custom_end: str | None = None


def permalink(context: MeetingContext, slide: int | None = None) -> str:
    """The address that reopens the meeting (and, with ``slide``, that slide) on the dashboard.

    Args:
        context: the meeting.
        slide: 0-based slide index, or None for the meeting's first slide.

    Returns:
        ``<public_base_url>/meeting?lang=..&area=..&period=..&items=..[&slide=..]``.
    """
    params: dict[str, str] = {"lang": context.lang, "area": context.area_code, "period": context.preset}
    if context.preset == "custom" and context.custom_start and context.custom_end:
        params.update({"from": context.custom_start, "to": context.custom_end})
    params["items"] = ",".join(context.items)
    if slide is not None:
        params["slide"] = str(slide)
    return f"{context.base_url.rstrip('/')}/{MEETING_PATH}?{urlencode(params, safe=',')}"


def made_at_text(lang: str, moment: datetime) -> str:
    """An export time in the language's medium form, in UTC (``21. nov. 2026 11.20 UTC``)."""
    utc = moment.astimezone(timezone.utc) if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    return format_datetime(utc, "medium", tzinfo=timezone.utc, locale=BABEL_LOCALE[lang]) + " UTC"


def footer_text(context: MeetingContext, slide: Slide, index: int) -> str:
    """The footer line of one slide, in the meeting's language."""
    lang = context.lang
    filters = slide.filters or translate(lang, "meeting.footer.no_filters")
    return translate(
        lang,
        "meeting.footer.line",
        area=context.area_name,
        period=context.period_text,
        filters=filters,
        version=context.data_version or "–",
        made_at=made_at_text(lang, context.made_at),
        link=permalink(context, index),
    )


def with_footers(slides: list[Slide], context: MeetingContext) -> list[Slide]:
    """The slides with their footers filled in (footers name the slide's own permalink)."""
    return [replace(slide, footer=footer_text(context, slide, index)) for index, slide in enumerate(slides)]
