"""Focus-group quotes: masked before they are shown or exported, vetted by a person before they
may appear in a meeting pack.

Masking (``analysis.masking.mask_quotes``) uses each session's participant names, which come
from ``fg_session_participants`` and are dropped right after masking: no frame this module
returns or shows holds them, nor the original text (only its hash, for vetting). Vetting is
written to ``settings.state_dir / "vetted_quotes.sqlite3"`` through ``pipelines.vetting``, the
only writing pipelines module a ui module may import (``tests/test_layers.py``).
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import streamlit as st

from analysis.masking import mask_quotes
from analysis.periods import Period
from pipelines.vetting import VETTING_FILE, load_vetted, text_hash, unvet_quote, vet_quote
from ui import data
from ui.frame import Frame, t
from ui.i18n import format_day, format_number

MAX_SHOWN = 30  # quotes listed at once; the export holds all that match
QUOTE_COLUMNS = ("session_id", "passage_id", "session_date", "area_code", "participant_group", "speaker_role", "codes",
                 "masked_text", "masked_kinds", "text_sha256")


def vetting_path() -> Path:
    """The vetting file (outside the warehouse; survives rebuilds)."""
    return data.settings().state_dir / VETTING_FILE


def _version() -> str:
    version = data.data_version()
    return version["data_version"] if version else ""


@st.cache_data(max_entries=64, show_spinner=False)
def _masked_quotes(area_code: str, start: date, end: date, version: str) -> pl.DataFrame:
    rows = data.query("fg_quotes", area_code=area_code, period_start=start, period_end=end)
    masked = mask_quotes(rows, text_column="text", names_column="participants")
    hashes = pl.Series("text_sha256", [text_hash(text) for text in masked["text"]], dtype=pl.String)
    # the original text and the names end here
    return masked.with_columns(hashes).select(QUOTE_COLUMNS)


def masked_quotes(area_code: str, period: Period) -> pl.DataFrame:
    """Every passage of the area's sessions in the period, masked, with its vetting status.

    Returns:
        Columns ``QUOTE_COLUMNS`` plus ``is_vetted``, ``vetted_by`` and ``vetted_at`` (the
        vetting holds only while the passage's text is unchanged). No original text, no names.
    """
    quotes = _masked_quotes(area_code, period.start, period.end, _version())
    vetted = load_vetted(vetting_path()).select(
        "session_id", "passage_id", "text_sha256", "vetted_by", "vetted_at", pl.lit(True).alias("is_vetted")
    )
    joined = quotes.join(vetted, on=["session_id", "passage_id", "text_sha256"], how="left", maintain_order="left")
    return joined.with_columns(pl.col("is_vetted").fill_null(False))


def vetted_quotes(area_code: str, period: Period) -> pl.DataFrame:
    """The vetted quotes of an area (and below) in a period, for a meeting pack.

    Args:
        area_code: the area, as in ``areas``.
        period: sessions held in it (sessions without a date are included).

    Returns:
        One row per vetted passage whose text has not changed since it was vetted: session,
        passage, date, area, participant group, codes, ``masked_text`` (as shown now; the
        masking rules are the same ones the person saw), ``vetted_by`` and ``vetted_at``.
    """
    return masked_quotes(area_code, period).filter(pl.col("is_vetted")).drop("is_vetted", "masked_kinds", "text_sha256")


def filter_quotes(quotes: pl.DataFrame, *, codes: list[str], search: str) -> pl.DataFrame:
    """Quotes carrying every chosen code and containing ``search`` in their MASKED text.

    The search never looks at the original text: otherwise searching for a name would reveal
    which masked quote mentions that person.
    """
    out = quotes
    for code in codes:
        out = out.filter(pl.col("codes").list.contains(code))
    needle = search.strip().casefold()
    if needle:
        out = out.filter(pl.col("masked_text").str.to_lowercase().str.contains(needle, literal=True))
    return out


def quotes_csv(quotes: pl.DataFrame, lang: str) -> bytes:
    """The masked quotes as CSV (UTF-8 with BOM so spreadsheet programs read Cyrillic and æøå)."""
    table = pl.DataFrame({
        t("focus.col.session"): quotes["session_id"],
        t("focus.col.date"): [d.isoformat() if d else "" for d in quotes["session_date"]],
        t("focus.col.area"): quotes["area_code"],
        t("focus.col.group"): quotes["participant_group"],
        t("focus.col.role"): quotes["speaker_role"],
        t("focus.col.codes"): ["; ".join(c) for c in quotes["codes"]],
        t("focus.col.quote"): quotes["masked_text"],
        t("focus.col.vetted"): [t("focus.yes") if v else t("focus.no") for v in quotes["is_vetted"]],
        t("focus.col.vetted_by"): quotes["vetted_by"],
    })
    return table.write_csv().encode("utf-8-sig")


def quotes_ui(frame: Frame) -> None:
    """Search by code and text, masked quotes with vet / unvet buttons, and the CSV export."""
    lang = frame.lang
    quotes = masked_quotes(frame.area_code, frame.period)
    if quotes.height == 0:
        return
    st.subheader(t("focus.quotes_heading"))
    st.caption(t("focus.quotes_help"))
    all_codes = sorted(set(quotes["codes"].explode().drop_nulls().to_list()))
    left, right = st.columns(2)
    codes = left.multiselect(t("focus.filter_codes"), all_codes, key="focus__codes")
    search = right.text_input(t("focus.search"), key="focus__search")
    chosen = filter_quotes(quotes, codes=codes, search=search)
    vetter = st.text_input(t("focus.vetter"), key="focus__vetter", help=t("focus.vetter_help"))
    st.markdown(t("focus.quotes_summary", n=format_number(lang, chosen.height), vetted=format_number(lang, int(chosen["is_vetted"].sum()))))
    st.download_button(t("focus.export"), quotes_csv(chosen, lang), file_name="focus_group_quotes.csv", mime="text/csv",
                       key="focus__export", on_click="ignore")
    if chosen.height > MAX_SHOWN:
        st.caption(t("focus.more_quotes", shown=format_number(lang, MAX_SHOWN), n=format_number(lang, chosen.height)))
    for row in chosen.head(MAX_SHOWN).iter_rows(named=True):
        _quote_ui(lang, row, vetter)


def _quote_ui(lang: str, row: dict, vetter: str) -> None:
    key = f"{row['session_id']}|{row['passage_id']}|{row['text_sha256'][:12]}"
    with st.container(border=True):
        st.markdown(f"> {row['masked_text']}")
        day = format_day(lang, row["session_date"]) if row["session_date"] else t("focus.no_date")
        st.caption(t("focus.quote_meta", session=row["session_id"], date=day, group=row["participant_group"] or "–",
                     codes=", ".join(row["codes"]) or "–"))
        if row["is_vetted"]:
            st.caption(t("focus.vetted_by", who=row["vetted_by"], when=format_day(lang, row["vetted_at"].date())))
            if st.button(t("focus.unvet"), key=f"focus__unvet__{key}"):
                _unvet(row)
                st.rerun()
        elif st.button(t("focus.vet"), key=f"focus__vet__{key}", disabled=not vetter.strip(), help=t("focus.vet_help")):
            _vet(row, vetter)
            st.rerun()


def _vet(row: dict, who: str) -> None:
    vet_quote(vetting_path(), session_id=row["session_id"], passage_id=row["passage_id"], text_sha256=row["text_sha256"],
              masked_text=row["masked_text"], vetted_by=who)


def _unvet(row: dict) -> None:
    unvet_quote(vetting_path(), session_id=row["session_id"], passage_id=row["passage_id"], text_sha256=row["text_sha256"])
