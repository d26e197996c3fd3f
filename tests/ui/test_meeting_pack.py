"""The meeting pack on the demo warehouse: Østjyllands Politi, last quarter, Danish and Ukrainian.

Oracle: the topic pages themselves. Each headline number is read from the crime, traffic and
follow-ups pages (AppTest ``at.metric``, formatted by the page in the page's language) and must
be found in the PDF's extracted text (pypdf) and in the PPTX's text (python-pptx), together with
the footer (data version) and the permalink. The pack is made by the same code the meeting
page's button calls (``ui.meeting.pack.export_pack``) with Debian's Chromium.
"""
from __future__ import annotations

import io
import re
from html import escape
from html.parser import HTMLParser
from datetime import datetime, timezone
from urllib.parse import parse_qs, urlsplit

import pytest
from pptx import Presentation
from pypdf import PdfReader

from tests.apptest import open_page
from ui.meeting.pack import HTML_ROWS_PER_PAGE, PPTX_ROWS_PER_SLIDE, appendix_pages, export_pack
from ui.meeting.render import renderer_problem
from ui.meeting.topics import AGENDA_ITEMS, agenda_slides

QUERY = {"area": "DK-PK02", "period": "last_quarter"}
MADE_AT = datetime(2026, 11, 21, 9, 30, tzinfo=timezone.utc)
TOPIC_PAGES = ("pages/crime.py", "pages/traffic.py", "pages/followups.py")


def _flat(text: str) -> str:
    """Whitespace (incl. no-break and narrow no-break spaces, line breaks) removed: PDF text
    extraction breaks long lines anywhere."""
    return re.sub(r"\s+", "", text.replace("\u00a0", " ").replace("\u202f", " "))


def _page_metrics(lang: str) -> list[tuple[str, str, str]]:
    out = []
    for page in TOPIC_PAGES:
        at = open_page(page, query={"lang": lang, **QUERY})
        assert not at.exception, [e.value for e in at.exception]
        out += [(page, m.value, m.delta or "") for m in at.metric]
    return out


def _pptx_text(data: bytes) -> tuple[str, str, list[str], int]:
    deck = Presentation(io.BytesIO(data))
    texts, notes, descriptions = [], [], []
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                texts.append(shape.text_frame.text)
            if shape.has_table:
                texts += [cell.text for row in shape.table.rows for cell in row.cells]
            if shape.shape_type == 13:  # picture
                descriptions.append(shape._element.nvPicPr.cNvPr.get("descr", ""))
        notes.append(slide.notes_slide.notes_text_frame.text)
    return "\n".join(texts), "\n".join(notes), descriptions, len(deck.slides)


@pytest.fixture(scope="module")
def packs(demo_settings, tmp_path_factory):
    problem = renderer_problem(demo_settings.chromium_path)
    if problem:
        pytest.fail(f"the meeting pack needs Chromium: {problem}")
    made = {}
    mp = pytest.MonkeyPatch()
    mp.setenv("CSDASH_DATA_DIR", str(demo_settings.data_dir))
    from tests.conftest import REPO_ROOT
    from ui import data

    mp.chdir(REPO_ROOT)
    data.settings.clear()
    for lang in ("da", "uk"):
        at = open_page("pages/meeting.py", query={"lang": lang, **QUERY})
        assert not at.exception, [e.value for e in at.exception]
        frame = at.session_state["frame"]
        slides, context = agenda_slides(frame, lang, AGENDA_ITEMS, made_at=MADE_AT)
        pack = export_pack(slides, context, chromium_path=demo_settings.chromium_path)
        out = tmp_path_factory.mktemp(f"pack-{lang}")
        for ext in ("html", "pdf", "pptx"):
            (out / f"{pack.stem}.{ext}").write_bytes(getattr(pack, ext))
        made[lang] = (slides, context, pack, _page_metrics(lang))
    yield made
    mp.undo()
    data.settings.clear()


@pytest.mark.parametrize("lang", ["da", "uk"])
def test_pdf_and_pptx_show_the_topic_pages_headline_numbers(packs, lang) -> None:
    slides, context, pack, metrics = packs[lang]
    pdf_text = _flat("\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pack.pdf)).pages))
    pptx_text, _, _, _ = _pptx_text(pack.pptx)
    pptx_flat = _flat(pptx_text)
    assert len(metrics) >= 15, metrics  # 3 crime + 5 traffic + 7 follow-ups cards
    for page, value, delta in metrics:
        for shown in filter(None, (value, delta)):
            assert _flat(shown) in pdf_text, (page, shown)
            assert _flat(shown) in pptx_flat, (page, shown)


def test_danish_pack_has_danish_numbers_footer_and_permalink(packs) -> None:
    slides, context, pack, metrics = packs["da"]
    values = {value for _, value, _ in metrics}
    assert {"149", "0,24", "338", "79,0 %", "9,0 %", "120"} <= values  # what the demo pages show
    pdf_text = _flat("\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pack.pdf)).pages))
    pptx_text, notes, _, _ = _pptx_text(pack.pptx)
    link = f"http://localhost:8501/meeting?lang=da&area=DK-PK02&period=last_quarter&items={','.join(AGENDA_ITEMS)}&slide=1"
    for text in (pdf_text, _flat(pptx_text)):
        assert _flat(link) in text
        assert _flat(f"Dataversion {context.data_version}") in text
        assert _flat("Østjyllands Politi · 1. jul. 2026 – 30. sep. 2026") in text
        assert _flat("Lavet 21. nov. 2026 09.30.00 UTC") in text
    assert parse_qs(urlsplit(link).query)["area"] == ["DK-PK02"]
    # the statistical caveat is in the speaker notes
    assert "eksakt Poisson-test, p = 0,731" in notes
    assert "95 % Wilson-interval 74,3 % – 83,0 %" in notes


def test_pdf_is_one_a4_landscape_page_per_slide_plus_the_appendix(packs) -> None:
    slides, _, pack, _ = packs["da"]
    reader = PdfReader(io.BytesIO(pack.pdf))
    expected = len(slides) + len(appendix_pages(slides, rows_per_page=HTML_ROWS_PER_PAGE))
    assert len(reader.pages) == expected
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width - 841.89) < 1.5 and abs(height - 595.28) < 1.5  # A4 landscape in points
    for index, slide in enumerate(slides):
        assert _flat(slide.title) in _flat(reader.pages[index].extract_text()), (index, slide.title)


def test_pptx_has_a_slide_per_item_charts_with_alt_text_and_notes(packs) -> None:
    slides, _, pack, _ = packs["da"]
    _, notes, descriptions, count = _pptx_text(pack.pptx)
    assert count == len(slides) + len(appendix_pages(slides, rows_per_page=PPTX_ROWS_PER_SLIDE))
    with_charts = [s for s in slides if s.figure is not None]
    assert len(descriptions) == len(with_charts) >= 6
    assert descriptions == [s.alt_text for s in with_charts]
    assert all(descriptions)
    deck = Presentation(io.BytesIO(pack.pptx))
    for slide, model in zip(deck.slides, slides):
        assert slide.shapes.title.text == model.title
        assert slide.notes_slide.notes_text_frame.text.startswith(model.notes)


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts_with_src: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        attributes = dict(attrs)
        if tag == "script" and attributes.get("src"):
            self.scripts_with_src.append(attributes["src"])
        if tag in ("link", "img", "iframe") and (attributes.get("src") or "").startswith("http"):
            self.links.append(attributes["src"])


def test_html_is_self_contained_with_alt_text_and_data_tables(packs) -> None:
    slides, _, pack, _ = packs["da"]
    html = pack.html.decode("utf-8")
    tags = _Tags()
    tags.feed(html)
    assert tags.scripts_with_src == [] and tags.links == []  # nothing to fetch: opens offline
    assert "Plotly.newPlot" in html and len(html) > 3_000_000  # plotly.js inline, charts interactive
    charts = [s for s in slides if s.figure is not None]
    assert html.count("<figure class='chart' role='img' aria-label=") == len(charts)
    for slide in charts:
        assert f"aria-label='{escape(slide.alt_text, quote=True)}'" in html
    assert html.count("<section class='page appendix'") == len(appendix_pages(slides, rows_per_page=HTML_ROWS_PER_PAGE))


def test_ukrainian_pack_is_in_ukrainian_with_ukrainian_number_formats(packs) -> None:
    slides, context, pack, metrics = packs["uk"]
    pptx_text, notes, _, _ = _pptx_text(pack.pptx)
    pdf_text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pack.pdf)).pages)
    assert slides[0].title == "Зустріч: Поліція Східної Ютландії"
    for text in (pptx_text, pdf_text):
        assert "Зустріч: Поліція Східної Ютландії" in text
        assert "Версія даних" in text and "Фільтри" in text
        assert "Mødetilstand" not in text and "Dataversion" not in text
    # Ukrainian groups thousands with a no-break space and uses a decimal comma
    trust = next(s for s in slides if s.key == "trust")
    assert ("Респонденти (2023)", "2\u00a0148") in trust.headline
    assert _flat("2 148") in _flat(pptx_text) and _flat("2 148") in _flat(pdf_text)
    assert "2.148" not in pptx_text and "2,148" not in pptx_text
    assert "86,5 %" in pptx_text
    assert "1 лип. 2026" in pptx_text
    assert "p = 0,731" in notes
    assert "lang=uk&area=DK-PK02" in _flat(pdf_text)
