"""Meeting slides: permalinks and footers (pure), and the slide builders on the demo warehouse."""
from __future__ import annotations

from datetime import datetime, timezone
from urllib.parse import parse_qs, urlsplit

import polars as pl

from ui.meeting.slides import MeetingContext, Slide, footer_text, made_at_text, permalink, with_footers

CONTEXT = MeetingContext(
    lang="da", area_code="DK-PK02", area_name="Østjyllands Politi", preset="last_quarter", period_text="1. jul. 2026 – 30. sep. 2026",
    items=("crime", "trust"), data_version="abc123", made_at=datetime(2026, 11, 21, 11, 20, tzinfo=timezone.utc),
    base_url="https://tryghed.example.dk/",
)


def test_permalink_reopens_the_view_and_the_slide() -> None:
    link = permalink(CONTEXT, 3)
    parts = urlsplit(link)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "tryghed.example.dk", "/meeting")
    assert parse_qs(parts.query) == {"lang": ["da"], "area": ["DK-PK02"], "period": ["last_quarter"], "items": ["crime,trust"], "slide": ["3"]}
    assert "slide" not in permalink(CONTEXT)


def test_custom_period_carries_its_dates() -> None:
    from dataclasses import replace

    link = permalink(replace(CONTEXT, preset="custom", custom_start="2026-01-01", custom_end="2026-03-31"))
    assert parse_qs(urlsplit(link).query)["from"] == ["2026-01-01"]
    assert parse_qs(urlsplit(link).query)["to"] == ["2026-03-31"]


def test_footer_names_area_period_filters_version_time_and_link() -> None:
    slide = Slide("crime", "Indbrud", "149 anmeldt.", filters="overtrædelsesgruppe Indbrud i beboelser")
    text = footer_text(CONTEXT, slide, 1)
    for part in ("Østjyllands Politi", "1. jul. 2026 – 30. sep. 2026", "Filtre: overtrædelsesgruppe Indbrud i beboelser",
                 "Dataversion abc123", made_at_text("da", CONTEXT.made_at), permalink(CONTEXT, 1)):
        assert part in text
    assert "Filtre: ingen" in footer_text(CONTEXT, Slide("title", "Møde", "x"), 0)


def test_each_footer_links_to_its_own_slide() -> None:
    slides = with_footers([Slide("title", "a", "b", table=pl.DataFrame({"x": [1]})), Slide("crime", "c", "d")], CONTEXT)
    assert slides[0].footer.endswith("slide=0") and slides[1].footer.endswith("slide=1")


def test_export_time_follows_the_language() -> None:
    moment = datetime(2026, 11, 21, 11, 20, tzinfo=timezone.utc)
    assert made_at_text("da", moment) == "21. nov. 2026 11.20.00 UTC"
    assert made_at_text("en", moment) == "21 Nov 2026, 11:20:00 UTC"
    assert made_at_text("uk", moment).startswith("21 лист. 2026")
