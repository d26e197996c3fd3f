"""Follow-up readers on Rigspolitiet's published figures (the real file) and on the template.

Oracle: the figures as published (finanz.dk / Nordjyske, typed into
``../shared/realdata/dk_tryghed/tryghedsopfoelgninger_published_figures.csv``): 6,355 nationally,
1,178 for Midt- og Vestsjællands Politi = 747 phone + 213 in person + 218 not reached, 5,036 in
2019H1.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from pipelines.errors import IngestRejected
from pipelines.kinds import recognise
from pipelines.readers.base import head_text
from pipelines.readers.followups import (
    FOLLOWUPS_TEMPLATE,
    read_followups_template,
    read_published_followups,
    sniff_published_followups,
)
from tests.realdata import REALDATA

PUBLISHED = REALDATA / "dk_tryghed" / "tryghedsopfoelgninger_published_figures.csv"
SURVEY = REALDATA / "dk_tryghed" / "tryghedsundersoegelse_published_figures.csv"
REPO = Path(__file__).resolve().parents[2]


def test_published_file_is_recognised_and_the_survey_file_is_not() -> None:
    assert recognise(PUBLISHED).name == "followups_published"
    assert not sniff_published_followups(SURVEY, head_text(SURVEY))


def test_published_figures_keep_the_published_numbers() -> None:
    frame = read_published_followups(PUBLISHED).tables["raw_followups"]
    district = frame.filter(frame["area_label"] == "Midt- og Vestsjællands Politi")
    by_channel = dict(zip(district["channel"], district["count"]))
    assert by_channel == {"phone": 747, "in_person": 213, "not_reached": 218}
    assert sum(by_channel.values()) == 1178
    national = frame.filter(frame["area_label"] == "DK")
    assert sorted(national["count"]) == [5036, 6355]


def test_unknown_period_is_kept_null_never_guessed() -> None:
    frame = read_published_followups(PUBLISHED).tables["raw_followups"]
    unstated = frame.filter(frame["period_type"].is_null())
    assert unstated.height == 4
    assert unstated["period_start"].null_count() == 4
    assert set(unstated["period_label"]) == {"unknown (c. 2019)"}
    half = frame.filter(frame["period_type"] == "half_year").row(0, named=True)
    assert (half["period_start"], half["period_end"], half["count"]) == (date(2019, 1, 1), date(2019, 6, 30), 5036)


def test_the_remainder_figure_is_marked_derived() -> None:
    frame = read_published_followups(PUBLISHED).tables["raw_followups"]
    derived = frame.filter(frame["is_derived"])
    assert derived["channel"].to_list() == ["not_reached"] and derived["count"].to_list() == [218]


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_breakdown_larger_than_total_is_rejected_at_the_total_line(tmp_path: Path) -> None:
    text = PUBLISHED.read_text(encoding="utf-8").replace(",747,", ",947,")
    with pytest.raises(IngestRejected) as caught:
        read_published_followups(_write(tmp_path, "p.csv", text))
    assert (caught.value.line, caught.value.column) == (4, "value")
    assert "more than the total 1178" in caught.value.reason


def test_published_value_that_is_not_a_count_is_rejected(tmp_path: Path) -> None:
    text = PUBLISHED.read_text(encoding="utf-8").replace(",213,", ",21.3,")
    with pytest.raises(IngestRejected) as caught:
        read_published_followups(_write(tmp_path, "p.csv", text))
    assert (caught.value.line, caught.value.column) == (6, "value")


def test_template_reads_blank_period_as_not_stated(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "f.csv",
        "area;period;channel;reason;count\nHolbæk;2025K1;phone;victim_of_crime;12\nHolbæk;;in_person;;3\n",
    )
    parsed = read_followups_template(path)
    frame = parsed.tables["raw_followups"]
    assert frame["period_start"].to_list() == [date(2025, 1, 1), None]
    assert frame["reason"].to_list() == ["victim_of_crime", "unknown"]
    assert any("period not stated" in n for n in parsed.notices)


@pytest.mark.parametrize(
    ("body", "line", "column", "reason"),
    [
        ("Holbæk,2025K1,phone,victim_of_crime,12\nHolbæk,2025K1,by_letter,unknown,1\n", 3, "channel", "'by_letter' is not one of"),
        ("Holbæk,2025K1,phone,victim_of_crime,-2\n", 2, "count", "below 0"),
        ("Holbæk,2025K9,phone,victim_of_crime,2\n", 2, "period", "is not a period"),
        ("Holbæk,2025K1,phone,victim_of_crime,two\n", 2, "count", "not a whole number"),
    ],
)
def test_bad_template_input_is_rejected_with_line_column_reason(tmp_path: Path, body: str, line: int, column: str, reason: str) -> None:
    path = _write(tmp_path, "f.csv", "area,period,channel,reason,count\n" + body)
    with pytest.raises(IngestRejected) as caught:
        read_followups_template(path)
    assert (caught.value.line, caught.value.column) == (line, column)
    assert reason in caught.value.reason


def test_committed_template_is_read_and_documented() -> None:
    template = REPO / "data" / "templates" / "followups.csv"
    assert recognise(template).name == "followups_template"
    assert read_followups_template(template).rows >= 2
    readme = (REPO / "data" / "templates" / "README.md").read_text(encoding="utf-8")
    assert FOLLOWUPS_TEMPLATE.describe() in readme
