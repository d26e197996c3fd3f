"""Meeting mode and the meeting pack: one slide model for the page, HTML, PDF and PPTX.

- ``slides.py``: the frozen ``Slide``, footers and permalinks (no Streamlit).
- ``topics.py``: ``slides_<topic>(frame, lang)`` builders over the topics' cached ui wrappers
  and chart builders, and ``agenda_slides`` that puts an agenda together.
- ``pack.py``: pure writers (self-contained HTML, PPTX) and ``export_pack``.
- ``render.py``: headless Chromium (Debian's, driven by Playwright) for the PDF and chart images.
- ``present.py``: the Streamlit widgets of the meeting page.
"""
