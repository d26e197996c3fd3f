"""Focus-group chart builders: the figures carry exactly the numbers of the frames given."""
from __future__ import annotations

import polars as pl

from analysis.qualitative import code_cooccurrence, code_frequency
from ui.charts.focus_groups import cooccurrence_figure, theme_figure

CODED = pl.DataFrame({
    "session_id": ["S1", "S1", "S1", "S2", "S2"],
    "segment_id": ["1", "1", "2", "1", "2"],
    "code": ["світло", "безпека", "світло", "світло", None],
    "group": ["residents", "residents", "residents", "youth", "youth"],
})


def test_theme_figure_has_one_trace_per_group_with_counts_per_code():
    frequency = code_frequency(CODED, by=("group",))
    figure = theme_figure(frequency, lang="da", codes=["світло", "безпека"], group_labels={"residents": "Beboere", "youth": "Unge"}, axis_title="Passager")
    assert [trace.name for trace in figure.data] == ["Beboere", "Unge"]
    assert list(figure.data[0].x) == [2, 1] and list(figure.data[1].x) == [1, 0]
    assert list(figure.data[0].y) == ["світло", "безпека"]
    assert figure.layout.separators == ",."


def test_cooccurrence_figure_blanks_the_diagonal_and_is_symmetric():
    matrix = code_cooccurrence(CODED)
    codes = ["безпека", "світло"]
    figure = cooccurrence_figure(matrix, lang="en", codes=codes, colour_title="Passages")
    z = [list(row) for row in figure.data[0].z]
    assert z == [[None, 1], [1, None]]
    assert figure.layout.separators == ".,"
