"""Cross-tabs page on the demo warehouse, in three languages.

Oracle: the demo survey file itself, read with pyreadstat (not through our pipeline): the
unweighted n of every trust × gender cell and the weighted column percentages computed
directly with numpy from the file's weights (user-missing answers excluded).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pyreadstat
import pytest

from tests.apptest import open_page
from ui.i18n import format_number, format_percent

PAGE = "pages/crosstabs.py"
SAV = Path(__file__).resolve().parents[1] / "data" / "samples" / "chuhuiv_trust_survey_2017.sav"
N_COL = {"da": "n", "en": "n", "uk": "n"}
PCT_COL = "%"


def _oracle() -> dict[tuple[str, str], tuple[int, float]]:
    frame, meta = pyreadstat.read_sav(str(SAV))  # user-missing codes become NaN
    trust_labels = meta.variable_value_labels["trust_police"]
    gender_labels = meta.variable_value_labels["gender"]
    ok = frame["trust_police"].notna() & frame["gender"].notna()
    frame = frame[ok]
    out = {}
    for g, part in frame.groupby("gender"):
        total = part["weight"].sum()
        for code, cell in part.groupby("trust_police"):
            out[(trust_labels[code], gender_labels[g])] = (len(cell), 100 * cell["weight"].sum() / total)
    return out


@pytest.mark.parametrize("lang", ["da", "en", "uk"])
def test_trust_by_gender_shows_the_files_counts_and_weighted_percentages(app_env, lang: str) -> None:
    at = open_page(PAGE, query={"lang": lang, "area": "UA-63"})
    assert not at.exception, [e.value for e in at.exception]
    at.selectbox(key="crosstabs__row").set_value("trust_police").run()
    at.selectbox(key="crosstabs__col").set_value("gender").run()
    assert not at.exception, [e.value for e in at.exception]
    table = at.dataframe[0].value
    columns = list(table.columns)
    row_col, col_col = columns[0], columns[1]
    oracle = _oracle()
    assert len(table) == len(oracle) == 8
    for _, rec in table.iterrows():
        n, pct = oracle[(rec[row_col], rec[col_col])]
        assert rec[N_COL[lang]] == format_number(lang, n)
        assert rec[PCT_COL] == format_percent(lang, pct)
    sentences = [m.value for m in at.markdown if "p = " in m.value and "n = " in m.value]
    assert len(sentences) == 1 and "p = " in sentences[0]
    assert len(at.dataframe) == 2  # cells and tests
    assert len(at.get("download_button")) == 4
    title = {"da": "Krydstabeller", "en": "Cross-tabs", "uk": "Крос-таблиці"}[lang]
    assert at.title[0].value == title


def test_wave_layer_and_a_filter_give_one_test_per_wave(app_env) -> None:
    at = open_page(PAGE, query={"lang": "en", "area": "UA-63"})
    at.selectbox(key="crosstabs__row").set_value("trust_police").run()
    at.selectbox(key="crosstabs__col").set_value("area").run()
    at.selectbox(key="crosstabs__layer").set_value("wave").run()
    at.selectbox(key="crosstabs__filter_dim").set_value("gender").run()
    at.multiselect(key="crosstabs__filter_codes").set_value(["2"]).run()
    assert not at.exception, [e.value for e in at.exception]
    sentences = [m.value for m in at.markdown if "p = " in m.value and "n = " in m.value]
    assert len(sentences) == 2
    assert sentences[0].startswith("Baseline Jan–Feb 2017: ")
    frame, _ = pyreadstat.read_sav(str(SAV))
    women = frame[(frame["gender"] == 2) & frame["trust_police"].notna()]
    table = at.dataframe[0].value
    assert table["n"].map(lambda s: int(s.replace(",", ""))).sum() == len(women)
    assert np.isfinite(len(women))
