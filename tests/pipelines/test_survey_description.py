"""Survey descriptions: parsing, rejections with line and key, and the documented format."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.errors import IngestRejected
from pipelines.readers.survey_description import DESCRIPTION_FORMAT, description_for, parse_description, read_survey_description

REPO = Path(__file__).resolve().parents[2]

MINIMAL = """[survey]
id = "demo"
name = "Demo"
mode = "web"
sample_type = "{sample}"

[wave]
fixed = "w1"

[[waves]]
id = "w1"
label = "Wave 1"
fieldwork_start = 2017-01-16

[[items]]
variable = "Trust Police"
indicator = "trust_police"
scale = "4-point"
top_box = [3, 4]
wording = {{ da = "Tillid?", en = "Trust?", uk = "Довіра?" }}
"""


def test_committed_descriptions_parse() -> None:
    for path in sorted((REPO / "data" / "surveys").glob("*.survey.toml")) + sorted((REPO / "data" / "samples").glob("*.survey.toml")):
        description = parse_description(path)
        assert description.items and description.waves


def test_description_rows_use_snake_case_item_names(tmp_path: Path) -> None:
    path = tmp_path / "x.survey.toml"
    path.write_text(MINIMAL.format(sample="opt-in"), encoding="utf-8")
    tables = read_survey_description(path).tables
    assert tables["raw_survey_item_defs"]["item"].to_list() == ["trust_police"]
    assert tables["raw_survey_item_defs"]["top_box"].to_list() == ["[3.0, 4.0]"]
    assert tables["raw_survey_descriptions"]["sample_type"].to_list() == ["opt-in"]


def test_unknown_sample_type_is_rejected_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "x.survey.toml"
    path.write_text(MINIMAL.format(sample="convenience"), encoding="utf-8")
    with pytest.raises(IngestRejected) as caught:
        parse_description(path)
    assert (caught.value.line, caught.value.column) == (5, "sample_type")


def test_missing_wording_language_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "x.survey.toml"
    path.write_text(MINIMAL.format(sample="probability").replace(', uk = "Довіра?"', ""), encoding="utf-8")
    with pytest.raises(IngestRejected) as caught:
        parse_description(path)
    assert caught.value.column == "wording"


def test_toml_syntax_error_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "x.survey.toml"
    path.write_text(MINIMAL.format(sample="probability").replace('label = "Wave 1"', "label = Wave 1"), encoding="utf-8")
    with pytest.raises(IngestRejected) as caught:
        parse_description(path)
    assert caught.value.line == 12


def test_description_is_found_by_full_name_or_stem(tmp_path: Path) -> None:
    data = tmp_path / "trust.sav"
    data.write_bytes(b"")
    assert description_for(data) is None
    (tmp_path / "trust.survey.toml").write_text("", encoding="utf-8")
    assert description_for(data) == tmp_path / "trust.survey.toml"
    (tmp_path / "trust.sav.survey.toml").write_text("", encoding="utf-8")
    assert description_for(data) == tmp_path / "trust.sav.survey.toml"


def test_readme_documents_the_format() -> None:
    assert DESCRIPTION_FORMAT in (REPO / "data" / "surveys" / "README.md").read_text(encoding="utf-8")
