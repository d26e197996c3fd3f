"""The meeting pack: the agenda's slides as a self-contained HTML file, a PDF and a PPTX.

Writers take the same ``Slide`` objects the meeting page shows, so the three files and the page
carry the same numbers. No Streamlit here: tests call the writers directly.

- **HTML**: one ``<section>`` per slide sized to A4 landscape, plotly.js inline (no CDN: the
  file opens offline and its charts stay interactive), each chart a ``figure`` with
  ``role="img"`` and its alt text; then the data-table appendix, one page per table chunk.
- **PDF**: that HTML printed by headless Chromium (``ui.meeting.render``), one slide per page.
- **PPTX** (python-pptx): one slide per slide, the chart as a PNG (plotly.js's own export in the
  same Chromium) with its alt text in the picture's description, the speaker notes in the notes
  page, and the appendix tables as native tables.

Every page and slide ends with the slide's footer: area, period, filters, data version, export
time and the permalink that reopens the view.
"""
from __future__ import annotations

import html as html_lib
import io
from dataclasses import dataclass
from pathlib import Path

import plotly.graph_objects as go
import polars as pl
from plotly.offline import get_plotlyjs
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.util import Emu, Inches, Pt

from ui.charts import PALETTE
from ui.i18n import translate
from ui.meeting.render import render
from ui.meeting.slides import MeetingContext, Slide, permalink

HTML_ROWS_PER_PAGE = 20
PPTX_ROWS_PER_SLIDE = 12
CHART_PX = {"wide": (1500, 560), "narrow": (1000, 560)}  # PPTX images: full width, or beside a quote


@dataclass(frozen=True)
class AppendixPage:
    """One page of the data-table appendix: a chunk of one slide's table."""

    slide_index: int
    title: str
    alt_text: str
    table: pl.DataFrame
    footer: str
    continued: bool


def appendix_pages(slides: list[Slide], *, rows_per_page: int) -> list[AppendixPage]:
    """Every slide's table cut into pages of at most ``rows_per_page`` rows (slides without a
    table are left out)."""
    pages = []
    for index, slide in enumerate(slides):
        if slide.table.is_empty() or slide.key == "title":
            continue
        for start in range(0, slide.table.height, rows_per_page):
            pages.append(AppendixPage(index, slide.title, slide.alt_text, slide.table.slice(start, rows_per_page), slide.footer, start > 0))
    return pages


def _cell(value: object) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _esc(text: str) -> str:
    return html_lib.escape(text, quote=True)


_CSS = """
@page { size: A4 landscape; margin: 0; }
* { box-sizing: border-box; }
/* no ligatures: text copied from the PDF (a permalink with "ffi") must stay plain ASCII */
body { margin: 0; font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; color: #1a1a1a; background: #eee; font-variant-ligatures: none; }
.page { width: 297mm; height: 210mm; padding: 10mm 14mm 7mm; display: flex; flex-direction: column; overflow: hidden;
        background: white; break-after: page; page-break-after: always; }
@media screen { .page { margin: 12px auto; box-shadow: 0 0 6px #999; } }
h1 { font-size: 24pt; margin: 0 0 3mm; color: PRIMARY; }
.message { font-size: 15pt; margin: 0 0 3mm; line-height: 1.3; }
.headline { display: flex; flex-wrap: wrap; gap: 3mm; margin-bottom: 3mm; }
.card { border: 1px solid #c8c8c8; border-radius: 2mm; padding: 1.5mm 3.5mm; }
.card .label { font-size: 8.5pt; color: #444; }
.card .value { font-size: 17pt; font-weight: bold; color: PRIMARY; }
.body { flex: 1 1 auto; display: flex; gap: 5mm; min-height: 0; }
figure.chart { flex: 1 1 auto; margin: 0; min-width: 0; }
blockquote { flex: 0 0 30%; margin: 0; padding: 4mm; border-left: 2mm solid SECONDARY; background: #faf6ee; font-size: 13pt;
             font-style: italic; align-self: flex-start; }
.warnings { font-size: 9.5pt; margin: 2mm 0 0; padding-left: 5mm; color: #7a3b00; }
.notes { font-size: 8.5pt; color: #444; margin: 2mm 0 0; }
footer { margin-top: auto; padding-top: 1.5mm; border-top: 1px solid #c8c8c8; font-size: 7pt; color: #555; overflow-wrap: anywhere; }
table { border-collapse: collapse; font-size: 8.5pt; margin-top: 2mm; }
th, td { border: 1px solid #d0d0d0; padding: 0.8mm 2mm; text-align: left; }
th { background: #f0f3f7; }
td.num { text-align: right; }
.alt { font-size: 9pt; color: #333; margin: 0; }
.slide-title table { font-size: 16pt; margin-top: 6mm; }
.slide-title th, .slide-title td { padding: 2mm 5mm; }
h2 { font-size: 15pt; margin: 0 0 2mm; color: PRIMARY; }
""".replace("PRIMARY", PALETTE["primary"]).replace("SECONDARY", PALETTE["secondary"])


def _table_html(table: pl.DataFrame, caption: str) -> str:
    head = "".join(f"<th scope='col'>{_esc(c)}</th>" for c in table.columns)
    rows = []
    for row in table.iter_rows():
        cells = "".join(
            f"<td class='num'>{_esc(_cell(v))}</td>" if isinstance(v, (int, float)) else f"<td>{_esc(_cell(v))}</td>" for v in row
        )
        rows.append(f"<tr>{cells}</tr>")
    return f"<table><caption class='alt'>{_esc(caption)}</caption><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def print_ready(figure: go.Figure, width: int, height: int) -> go.Figure:
    """A copy of a slide's chart at a fixed size, with margins that grow to fit the tick labels
    (plotly's default keeps the house layout's narrow margins and clips long labels)."""
    sized = go.Figure(figure).update_layout(width=width, height=height, autosize=False)
    sized.update_xaxes(automargin=True)
    sized.update_yaxes(automargin=True)
    return sized


def chart_size(slide: Slide) -> tuple[int, int]:
    """A chart's size in CSS pixels on an A4-landscape page (1123 × 794 px less the margins),
    leaving room for the headline cards, a quote and the warnings."""
    width = 1010 if not slide.quote else 690
    height = 500 - (75 if slide.headline else 0) - (22 * len(slide.warnings) if slide.warnings else 0) - (20 if len(slide.notes) > 250 else 0)
    return width, max(260, height)


def _slide_html(index: int, slide: Slide, lang: str) -> str:
    parts = [f"<section class='page slide slide-{slide.key}' id='slide-{index}' aria-label='{_esc(slide.title)}'>", f"<h1>{_esc(slide.title)}</h1>",
             f"<p class='message'>{_esc(slide.message)}</p>"]
    if slide.headline:
        cards = "".join(f"<div class='card'><div class='label'>{_esc(label)}</div><div class='value'>{_esc(value)}</div></div>"
                        for label, value in slide.headline)
        parts.append(f"<div class='headline'>{cards}</div>")
    body = []
    if slide.figure is not None:
        # Fixed pixel sizes, drawn once: a responsive chart is re-laid out when the printer
        # switches to print media and can lose its axis labels in the PDF.
        width, height = chart_size(slide)
        sized = print_ready(slide.figure, width, height)
        figure = sized.to_html(full_html=False, include_plotlyjs=False, div_id=f"chart-{index}", config={"displaylogo": False, "responsive": False})
        body.append(f"<figure class='chart' role='img' aria-label='{_esc(slide.alt_text)}'>{figure}</figure>")
    elif slide.key == "title" or (slide.table.height and slide.table.height <= 10):
        body.append(f"<div>{_table_html(slide.table, slide.title)}</div>" if slide.table.height else "")
    if slide.quote:
        body.append(f"<blockquote>{_esc(slide.quote)}</blockquote>")
    if body:
        parts.append(f"<div class='body'>{''.join(body)}</div>")
    if slide.warnings:
        items = "".join(f"<li>{_esc(w)}</li>" for w in slide.warnings)
        parts.append(f"<ul class='warnings' aria-label='{_esc(translate(lang, 'meeting.pack.warnings'))}'>{items}</ul>")
    if slide.notes:
        parts.append(f"<p class='notes'><strong>{_esc(translate(lang, 'meeting.pack.notes'))}:</strong> {_esc(slide.notes)}</p>")
    parts.append(f"<footer>{_esc(slide.footer)}</footer></section>")
    return "".join(parts)


def _appendix_html(page: AppendixPage, lang: str, first: bool) -> str:
    heading = f"<h1>{_esc(translate(lang, 'meeting.pack.appendix'))}</h1>" if first else ""
    title = translate(lang, "meeting.pack.table_for", title=page.title) + (" " + translate(lang, "meeting.pack.continued") if page.continued else "")
    alt = f"<p class='alt'><strong>{_esc(translate(lang, 'meeting.pack.chart'))}:</strong> {_esc(page.alt_text)}</p>" if page.alt_text and not page.continued else ""
    return (f"<section class='page appendix' id='appendix-{page.slide_index}{'-c' if page.continued else ''}'>{heading}<h2>{_esc(title)}</h2>{alt}"
            f"{_table_html(page.table, title)}<footer>{_esc(page.footer)}</footer></section>")


def pack_html(slides: list[Slide], context: MeetingContext) -> str:
    """The self-contained HTML pack (plotly.js inline, no network needed to open it).

    Sets ``window.meetingPackReady`` once every chart is drawn (the PDF printer waits for it).
    """
    lang = context.lang
    sections = [_slide_html(i, s, lang) for i, s in enumerate(slides)]
    pages = appendix_pages(slides, rows_per_page=HTML_ROWS_PER_PAGE)
    sections += [_appendix_html(p, lang, i == 0) for i, p in enumerate(pages)]
    charts = sum(1 for s in slides if s.figure is not None)
    ready = (
        "<script>(function(){var want=" + str(charts) + ";function check(){var drawn=document.querySelectorAll('.js-plotly-plot .main-svg').length;"
        "if(document.querySelectorAll('.js-plotly-plot').length>=want&&(want===0||drawn>=want)){window.meetingPackReady=true;}else{setTimeout(check,50);}}"
        "window.addEventListener('load',check);})();</script>"
    )
    title = translate(lang, "meeting.title_slide", area=context.area_name)
    return (
        f"<!doctype html><html lang='{lang}'><head><meta charset='utf-8'><title>{_esc(title)}</title>"
        f"<meta name='generator' content='meeting pack'><link rel='canonical' href='{_esc(permalink(context))}'>"
        f"<style>{_CSS}</style><script>{get_plotlyjs()}</script></head><body>{''.join(sections)}{ready}</body></html>"
    )


def _textbox(slide, left, top, width, height, text: str, *, size: int, bold: bool = False, italic: bool = False, colour: str | None = None) -> None:
    frame = slide.shapes.add_textbox(left, top, width, height).text_frame
    frame.word_wrap = True
    paragraph = frame.paragraphs[0]
    run = paragraph.add_run()
    run.text = text
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic
    if colour:
        run.font.color.rgb = RGBColor.from_string(colour.lstrip("#"))


def _title(slide, text: str) -> None:
    title = slide.shapes.title
    title.left, title.top, title.width, title.height = Inches(0.5), Inches(0.25), Inches(12.33), Inches(0.8)
    title.text = text
    for paragraph in title.text_frame.paragraphs:
        for run in paragraph.runs:
            run.font.size = Pt(30)
            run.font.color.rgb = RGBColor.from_string(PALETTE["primary"].lstrip("#"))


def _footer(slide, text: str) -> None:
    _textbox(slide, Inches(0.5), Inches(6.95), Inches(12.33), Inches(0.45), text, size=8, colour="#555555")


def pack_pptx(slides: list[Slide], context: MeetingContext, images: dict[int, bytes]) -> bytes:
    """The PPTX pack: one slide per ``Slide``, chart images with alt text, notes, appendix tables.

    Args:
        slides: the agenda's slides (footers filled in).
        context: the meeting (language).
        images: slide index -> PNG of that slide's chart.
    """
    lang = context.lang
    deck = Presentation()
    deck.slide_width, deck.slide_height = Inches(13.333), Inches(7.5)
    layout = deck.slide_layouts[5]  # "Title Only": a real title placeholder for screen readers
    for index, item in enumerate(slides):
        slide = deck.slides.add_slide(layout)
        _title(slide, item.title)
        _textbox(slide, Inches(0.5), Inches(1.05), Inches(12.33), Inches(0.8), item.message, size=18)
        top = Inches(1.9)
        if item.headline:
            text = "   ·   ".join(f"{label}: {value}" for label, value in item.headline)
            _textbox(slide, Inches(0.5), top, Inches(12.33), Inches(0.5), text, size=14, bold=True, colour=PALETTE["primary"])
            top = Inches(2.45)
        width = Inches(8.6) if item.quote else Inches(12.33)
        bottom = Inches(6.1) if item.warnings else Inches(6.85)
        if index in images:
            picture = slide.shapes.add_picture(io.BytesIO(images[index]), Inches(0.5), top, width=width)
            if picture.height > bottom - top:  # keep the aspect ratio, fit the height
                ratio = (bottom - top) / picture.height
                picture.height, picture.width = Emu(int(picture.height * ratio)), Emu(int(picture.width * ratio))
            picture._element.nvPicPr.cNvPr.set("descr", item.alt_text)
            picture.name = f"{translate(lang, 'meeting.pack.chart')}: {item.title}"
        elif not item.table.is_empty() and item.table.height <= PPTX_ROWS_PER_SLIDE:
            _table(slide, item.table, top)
        if item.quote:
            _textbox(slide, Inches(9.3), top, Inches(3.5), Inches(3.5), item.quote, size=15, italic=True)
        if item.warnings:
            _textbox(slide, Inches(0.5), Inches(6.15), Inches(12.33), Inches(0.75), " ".join(f"⚠ {w}" for w in item.warnings), size=10, colour="#7a3b00")
        _footer(slide, item.footer)
        notes = item.notes + (f"\n\n{translate(lang, 'meeting.pack.chart')}: {item.alt_text}" if item.alt_text else "")
        slide.notes_slide.notes_text_frame.text = notes
    for page in appendix_pages(slides, rows_per_page=PPTX_ROWS_PER_SLIDE):
        slide = deck.slides.add_slide(layout)
        title = translate(lang, "meeting.pack.table_for", title=page.title) + (" " + translate(lang, "meeting.pack.continued") if page.continued else "")
        _title(slide, title)
        if page.alt_text and not page.continued:
            _textbox(slide, Inches(0.5), Inches(1.05), Inches(12.33), Inches(0.6), page.alt_text, size=11)
        _table(slide, page.table, Inches(1.7))
        _footer(slide, page.footer)
        slide.notes_slide.notes_text_frame.text = translate(lang, "meeting.pack.appendix")
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()


def _table(slide, table: pl.DataFrame, top) -> None:
    rows, columns = table.height + 1, max(1, table.width)
    shape = slide.shapes.add_table(rows, columns, Inches(0.5), top, Inches(12.33), Inches(0.3) * rows)
    grid = shape.table
    for col, name in enumerate(table.columns):
        grid.cell(0, col).text = str(name)
    for r, row in enumerate(table.iter_rows(), start=1):
        for col, value in enumerate(row):
            grid.cell(r, col).text = _cell(value)
    for r in range(rows):
        for col in range(columns):
            for paragraph in grid.cell(r, col).text_frame.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(10)


@dataclass(frozen=True)
class MeetingPack:
    """The three files of one pack (bytes) and a file-name stem."""

    stem: str
    html: bytes
    pdf: bytes
    pptx: bytes


def export_pack(slides: list[Slide], context: MeetingContext, *, chromium_path: Path) -> MeetingPack:
    """Write the HTML, print it to PDF and build the PPTX, from the same slides.

    Raises:
        ui.meeting.render.RendererMissing: no Chromium to print the PDF or draw chart images.
    """
    html = pack_html(slides, context)
    with_charts = [(i, s) for i, s in enumerate(slides) if s.figure is not None]
    sizes = [CHART_PX["narrow" if s.quote else "wide"] for _, s in with_charts]
    figures = [(print_ready(s.figure, *size), *size) for (_, s), size in zip(with_charts, sizes)]
    pdf, pngs = render(chromium_path, html=html, figures=figures)
    images = {i: png for (i, _), png in zip(with_charts, pngs)}
    pptx = pack_pptx(slides, context, images)
    stem = f"meeting_{context.area_code}_{context.preset}_{context.lang}_{context.data_version or 'nodata'}"
    return MeetingPack(stem, html.encode("utf-8"), pdf or b"", pptx)
