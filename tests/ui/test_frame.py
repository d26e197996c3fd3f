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
