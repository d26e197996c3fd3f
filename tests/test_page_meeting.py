"""Meeting mode through dashboard.py: the slides show the topic pages' own numbers, move with
buttons bound to the arrow keys, keep the slide in the URL, and follow the meeting's language.

Oracle: the topic pages (AppTest metrics of pages/crime.py, pages/followups.py, pages/trust.py's
sources) for the same area, period and language; the vetted quote comes from the vetting file a
test writes itself.
"""
from __future__ import annotations

import polars as pl
import pytest

from pipelines.vetting import vet_quote
from tests.apptest import open_page
from ui.meeting.topics import AGENDA_ITEMS

PAGE = "pages/meeting.py"
QUERY = {"area": "DK-PK02", "period": "last_quarter"}


def _param(at, name: str) -> str:
    value = at.query_params[name]
    return value[0] if isinstance(value, list) else value



def test_crime_slide_shows_the_crime_pages_cards(app_env) -> None:
    crime = open_page("pages/crime.py", query={"lang": "da", **QUERY})
    at = open_page(PAGE, query={"lang": "da", **QUERY, "items": "crime,followups", "slide": "1"})
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Mødetilstand: Østjyllands Politi"
    shown = {m.label: m.value for m in at.metric}
    for metric in crime.metric:
        assert metric.value in shown[metric.label]
        if metric.delta:
            assert metric.delta in shown[metric.label]
    assert len(at.get("plotly_chart")) == 1
    assert any("Talenoter" in c.value and "p = 0,731" in c.value for c in at.caption)
    footer = next(c.value for c in at.caption if "Dataversion" in c.value)
    assert "items=crime,followups&slide=1" in footer.replace("\\", "")


def test_next_and_previous_move_the_slide_and_the_url(app_env) -> None:
    at = open_page(PAGE, query={"lang": "da", **QUERY, "items": "crime,followups"})
    assert at.session_state["meeting__slide"] == "0" and _param(at, "slide") == "0"
    assert at.button(key="meeting__next").proto.shortcut.lower() == "right"
    assert at.button(key="meeting__previous").proto.shortcut.lower() == "left"
    assert at.button(key="meeting__previous").disabled
    for _ in range(3):  # title, burglary, burglary by area, follow-ups
        at.button(key="meeting__next").click().run()
    assert at.session_state["meeting__slide"] == "3" and _param(at, "slide") == "3"
    followups = open_page("pages/followups.py", query={"lang": "da", **QUERY})
    shown = {m.label: m.value for m in at.metric}
    assert shown == {m.label: m.value for m in followups.metric}
    assert shown["Kontaktrate"] == "79,0 %"
    # the last slide cannot go further
    assert at.button(key="meeting__next").disabled
    at.button(key="meeting__previous").click().run()
    assert _param(at, "slide") == "2"


def test_full_screen_hides_the_chrome(app_env) -> None:
    at = open_page(PAGE, query={"lang": "en", **QUERY, "items": "traffic"})
    assert at.title
    at.toggle(key="meeting__fullscreen").set_value(True).run()
    assert not at.exception
    assert not at.title  # the page title goes; the slide stays
    assert any(m.value.startswith("# Meeting: ") for m in at.markdown)
    styles = [e for e in at.get("html") if 'data-testid="stSidebar"' in e.proto.body]
    assert styles, "the full-screen style is on the page"


def test_agenda_and_language_in_ukrainian(app_env) -> None:
    at = open_page(PAGE, query={"lang": "uk", **QUERY, "items": "trust", "slide": "1"})
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Режим зустрічі: Поліція Східної Ютландії"
    shown = {m.label: m.value for m in at.metric}
    assert shown["Респонденти (2023)"] == "2\u00a0148"
    assert shown["Останнє (2023)"] == "86,5 %"
    assert any("Версія даних" in c.value for c in at.caption)


def test_the_meeting_language_can_differ_from_the_sidebar(app_env) -> None:
    at = open_page(PAGE, query={"lang": "en", **QUERY, "items": "followups", "slide": "1"})
    at.selectbox(key="meeting__lang").set_value("da").run()
    assert at.title[0].value.startswith("Meeting mode")  # the interface stays English
    assert {m.label: m.value for m in at.metric}["Kontaktrate"] == "79,0 %"  # the slide is Danish


def test_vetted_quote_reaches_the_theme_and_triangulation_slides(app_env, tmp_path, monkeypatch) -> None:
    from datetime import date

    from analysis.periods import period_of, resolve_preset
    from ui import quotes
    from ui.frame import Frame
    from ui.meeting.topics import agenda_slides

    vetting = tmp_path / "vetted.sqlite3"
    monkeypatch.setattr(quotes, "vetting_path", lambda: vetting)
    period = resolve_preset("last_12_months", latest=period_of(date(2026, 9, 30), "month"))
    frame = Frame("uk", "UA-63-CHUHUIV-CITY", "Чугуїв", period, "last_12_months")
    candidates = quotes.masked_quotes(frame.area_code, period).filter(pl.col("session_date").is_not_null())
    chosen = candidates.row(0, named=True)
    vet_quote(vetting, session_id=chosen["session_id"], passage_id=chosen["passage_id"], text_sha256=chosen["text_sha256"],
              masked_text=chosen["masked_text"], vetted_by="test")
    slides, _ = agenda_slides(frame, "uk", ("focus_groups", "triangulation"))
    focus = next(s for s in slides if s.key == "focus_groups")
    triangulation = next(s for s in slides if s.key == "triangulation")
    assert chosen["masked_text"] in focus.quote and chosen["masked_text"] in triangulation.quote
    assert "Цитата — один голос" in " ".join(triangulation.warnings)
    # the trust panel carries its interval; the table lists it beside the estimate
    table = triangulation.table
    assert table.filter(pl.col("Джерело") == "Довіра (опитування)")["Нижня межа інтервалу"].null_count() == 0
    assert any("немає даних" in w for w in triangulation.warnings)  # no crime or follow-ups for Chuhuiv: said, not hidden


@pytest.mark.parametrize("items", [",".join(AGENDA_ITEMS), "nonsense"])
def test_unknown_agenda_items_fall_back_to_the_full_agenda(app_env, items) -> None:
    at = open_page(PAGE, query={"lang": "da", **QUERY, "items": items, "slide": "99"})
    assert not at.exception, [e.value for e in at.exception]
    assert _param(at, "items") == ",".join(AGENDA_ITEMS)
    assert _param(at, "slide") == "0"  # an index past the end opens the first slide
