"""Area names in the sidebar follow the interface language."""
from __future__ import annotations

from ui.frame import area_label

KHARKIV = {"area_name": "Харківська область", "name_en": "Kharkiv oblast", "name_uk": "Харківська область", "country": "UA"}
AARHUS = {"area_name": "Aarhus", "name_en": "Aarhus", "name_uk": "Orhus", "country": "DK"}


def test_foreign_areas_are_written_in_latin_script_in_danish():
    assert area_label(KHARKIV, "da") == "Kharkiv oblast"
    assert area_label(KHARKIV, "uk") == "Харківська область"


def test_danish_areas_keep_their_danish_name_in_danish():
    assert area_label(AARHUS, "da") == "Aarhus"
    assert area_label(AARHUS, "uk") == "Orhus"


def test_the_area_picker_lists_the_tree_with_labels_in_the_language(app_env) -> None:
    from ui import data
    from ui.frame import area_picker, ordered_areas

    areas = data.query("areas_for_picker")
    tree = ordered_areas(areas)
    for language in ("da", "en", "uk"):
        picker = area_picker(language)
        assert picker.options == tuple(code for code, _ in tree)
        for code, depth in tree:
            assert picker.labels[code] == "\u2003" * depth + area_label(picker.rows[code], language)
        assert area_picker(language) is picker  # built once per data version
    assert area_picker("en").labels["DK-PK02"].strip() != "" and set(picker.rows) == set(areas["area_code"])
