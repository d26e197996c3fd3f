"""The priority register through the Follow-ups page: an entry made in one session survives a
warehouse rebuild and a restart (a new AppTest), and bad input is refused with its reason."""
from __future__ import annotations

from datetime import date

from dataclasses import replace

import pytest

from pipelines.build import build_warehouse
from pipelines.ingest import ingest_paths
from pipelines.priorities import list_priorities, register_path
from pipelines.settings import load_settings
from tests.apptest import open_page
from tests.conftest import REPO_ROOT
from tests.realdata import REALDATA
from ui import data

CRIME_SAMPLE = REPO_ROOT / "data" / "samples" / "crime_district_template_2016-2026.csv"
PAGE = "pages/followups.py"
QUERY = {"lang": "en", "area": "DK-PK02"}
# Only the police tier edits the register (issue 10): sign in as a police analyst, whose group
# the tier rules below map to police.
POLICE = {"is_logged_in": True, "sub": "analyst-1", "email": "analyst@politi.dk", "groups": ["politi-analyse"]}
TIER_RULES = '[[rules]]\ntier = "police"\nclaim = "groups"\nany_of = ["politi-analyse"]\n'

TEXT = "Fewer burglaries in Aarhus V"


@pytest.fixture(scope="module")
def crime_env(tmp_path_factory):
    """A warehouse of the demo crime counts with its own (empty) register, built once."""
    settings = replace(load_settings(), data_dir=tmp_path_factory.mktemp("priorities") / "data")
    assert [r.outcome for r in ingest_paths([CRIME_SAMPLE], settings=settings)] == ["accepted"]
    build_warehouse(settings)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CSDASH_DATA_DIR", str(settings.data_dir))
        rules = settings.data_dir.parent / "tiers.toml"
        rules.write_text(TIER_RULES, encoding="utf-8")
        patch.setenv("CSDASH_TIER_RULES", str(rules))
        patch.chdir(REPO_ROOT)
        data.settings.clear()
        yield settings
    data.settings.clear()


def _texts(at) -> str:
    return " ".join(m.value for m in at.markdown) + " ".join(e.value for e in at.error)


def test_priority_survives_rebuild_and_restart(crime_env) -> None:
    at = open_page(PAGE, query=QUERY, user=POLICE)
    assert not at.exception, [e.value for e in at.exception]
    at.text_input(key="priorities__text").input(TEXT)
    at.date_input(key="priorities__agreed").set_value(date(2025, 3, 15))
    at.button(key="priorities__add").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert [s.value for s in at.success] == ["The priority is saved."]
    assert TEXT in _texts(at)
    stored = list_priorities(register_path(crime_env.state_dir))
    assert [(p.area_code, p.measure_code, p.agreed_on) for p in stored] == [("DK-PK02", "burglary", date(2025, 3, 15))]

    at.selectbox(key="priorities__action_priority").select_index(0)
    at.date_input(key="priorities__action_date").set_value(date(2025, 4, 2))
    at.text_input(key="priorities__action_text").input("Neighbourhood watch meeting")
    at.text_input(key="priorities__action_who").input("Local police")
    at.button(key="priorities__action_add").click().run()
    assert "Neighbourhood watch meeting (Local police)" in _texts(at)

    # A rebuild with new data swaps in a new warehouse; the register lives outside it.
    ingest_paths([REALDATA / "dk_tryghed" / "tryghedsopfoelgninger_published_figures.csv"], settings=crime_env)
    build_warehouse(crime_env)
    restarted = open_page(PAGE, query=QUERY, user=POLICE)
    assert not restarted.exception, [e.value for e in restarted.exception]
    text = _texts(restarted)
    assert TEXT in text and "Neighbourhood watch meeting (Local police)" in text
    # Measured: the 12 whole months from April 2025 against the 12 months before March 2025.
    assert "Since agreed:" in text and "1 Apr 2025 – 31 Mar 2026" in text and "1 Mar 2024 – 28 Feb 2025" in text
    assert [b.label for b in restarted.get("download_button")] == ["Download the register (CSV)", "Download the register (Excel)"]


def test_bad_priority_input_is_refused_with_its_reason(crime_env) -> None:
    before = list_priorities(register_path(crime_env.state_dir))
    at = open_page(PAGE, query=QUERY, user=POLICE)
    at.text_input(key="priorities__text").input("   ")
    at.button(key="priorities__add").click().run()
    assert [e.value for e in at.error] == ["Text: please fill this in."]
    assert list_priorities(register_path(crime_env.state_dir)) == before
