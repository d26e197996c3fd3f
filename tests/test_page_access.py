"""Access tiers on the pages (AppTest, demo warehouse): the menu, refused pages, the tier's
disclosure threshold on the Cross-tabs page, its export formats and the read-only priority
register. Signed-in users are simulated with ``AppTest.user`` (what Streamlit puts in
``st.user`` after a verified sign-in); the real sign-in runs in ``tests/browser/test_access.py``.

Oracle for the suppressions: the demo survey file read directly with pyreadstat — the cells of
trust × age group by area with 0 < n < threshold.
"""
from __future__ import annotations

from pathlib import Path

import pyreadstat
import pytest

from pipelines.audit import read_events
from pipelines.exports import FORMATS
from ui.i18n import translate
from tests.apptest import open_page

SAV = Path(__file__).resolve().parents[1] / "data" / "samples" / "chuhuiv_trust_survey_2017.sav"
RULES = """
[tiers.public]
pages = ["overview", "crime", "followups", "traffic", "trust", "crosstabs", "meeting", "data_sources"]
exports = ["csv", "xlsx"]

[[rules]]
tier = "police"
claim = "groups"
any_of = ["politi-analyse"]

[[rules]]
tier = "research"
claim = "roles"
any_of = ["researcher"]

[[rules]]
tier = "council"
email_domain = "aarhus.dk"
"""
PUBLIC = {"is_logged_in": False}
RESEARCHER = {"is_logged_in": True, "sub": "r-1", "email": "r@uni.example", "roles": ["researcher"]}
POLICE = {"is_logged_in": True, "sub": "p-1", "email": "p@politi.dk", "groups": ["politi-analyse"]}
COUNCIL = {"is_logged_in": True, "sub": "c-1", "email": "c@aarhus.dk"}


@pytest.fixture
def tier_env(app_env, tmp_path, monkeypatch):
    rules = tmp_path / "tiers.toml"
    rules.write_text(RULES, encoding="utf-8")
    monkeypatch.setenv("CSDASH_TIER_RULES", str(rules))
    from ui import data

    data.settings.clear()
    yield app_env
    data.settings.clear()


def _small_cells(threshold: int) -> set[tuple[float, float, float]]:
    frame, _ = pyreadstat.read_sav(str(SAV))
    frame = frame[frame["trust_police"].notna() & frame["age_group"].notna()]
    sizes = frame.groupby(["area", "trust_police", "age_group"]).size()
    return {key for key, n in sizes.items() if 0 < n < threshold}


def _crosstab(user: dict):
    at = open_page("pages/crosstabs.py", query={"lang": "en", "area": "UA-63"}, user=user)
    assert not at.exception, [e.value for e in at.exception]
    at.selectbox(key="crosstabs__row").set_value("trust_police").run()
    at.selectbox(key="crosstabs__col").set_value("age_group").run()
    at.selectbox(key="crosstabs__layer").set_value("area").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _suppressed_rows(at) -> int:
    table = at.dataframe[0].value
    return int((table["n"] == "").sum() + table["n"].isna().sum()) if "n" in table else -1


def test_menu_and_refused_page_follow_the_tier(tier_env) -> None:
    public = open_page(query={"lang": "en"}, user=PUBLIC)
    assert not public.exception
    assert "access_tier" in public.session_state and public.session_state["access_tier"] == "public"
    # The server registers only the tier's pages: a public session cannot be switched to the
    # focus groups at all (a URL asking for it gets the refusal: tests/browser/test_access.py).
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        open_page("pages/focus_groups.py", query={"lang": "en"}, user=PUBLIC)
    research = open_page("pages/focus_groups.py", query={"lang": "en"}, user=RESEARCHER)
    assert not research.exception and research.title[0].value != "Not available"
    assert research.session_state["access_tier"] == "research"
    council = open_page(query={"lang": "en"}, user=COUNCIL)
    assert council.session_state["access_tier"] == "council"


def test_threshold_and_exports_follow_the_tier(tier_env) -> None:
    assert _small_cells(5) and not _small_cells(3)  # the oracle: cells of 4 suppressed for 5 only
    public = _crosstab(PUBLIC)
    offered = [f for f in FORMATS if f in ("csv", "xlsx")]
    assert [b.label for b in public.get("download_button")] == [translate("en", f"crosstabs.download_{f}") for f in offered]
    public_warning = " ".join(w.value for w in public.warning)
    assert "suppress" in public_warning.lower()
    research = _crosstab(RESEARCHER)
    assert len(research.get("download_button")) == 4
    assert not any("suppress" in w.value.lower() for w in research.warning)
    # Every small cell of the file is blank for the public, and shown with its n to research.
    research_n = research.dataframe[0].value["n"]
    assert "4" in set(research_n)
    public_n = public.dataframe[0].value["n"]
    assert "4" not in set(public_n)
    # Suppressions are logged with the tier, cell positions and reasons, never values.
    events = [e for e in read_events(tier_env, event="suppression") if e["what"].get("col") == "age_group" and e["what"].get("layer") == "area"]
    assert events and {e["tier"] for e in events} >= {"public"}
    public_event = next(e for e in events if e["tier"] == "public")
    assert public_event["what"]["threshold"] == 5 and public_event["counts"]["primary"] >= len(_small_cells(5))


def test_register_is_read_only_except_for_police(tier_env) -> None:
    page = "pages/followups.py"
    query = {"lang": "en", "area": "DK-PK02"}
    for user in (PUBLIC, RESEARCHER, COUNCIL):
        at = open_page(page, query=query, user=user)
        assert not at.exception, [e.value for e in at.exception]
        keys = {w.key for w in at.text_input}
        assert "priorities__text" not in keys and "priorities__action_text" not in keys
        assert any("read-only" in i.value for i in at.info)
    police = open_page(page, query=query, user=POLICE)
    assert not police.exception
    assert "priorities__text" in {w.key for w in police.text_input}


def test_sign_in_is_logged_once_without_secrets(tier_env) -> None:
    before = len(read_events(tier_env, event="sign_in"))
    at = open_page(query={"lang": "en"}, user={**POLICE, "tokens": {"id": "SECRET-ID-TOKEN"}})
    at.run()
    events = read_events(tier_env, event="sign_in")[before:]
    assert [(e["tier"], e["what"]["sub"], e["what"]["email"]) for e in events] == [("police", "p-1", "p@politi.dk")]
    assert "SECRET-ID-TOKEN" not in str(events)


AUTH = {"auth": {
    "redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "placeholder-cookie-secret",
    "client_id": "placeholder-client", "client_secret": "placeholder-client-secret",
    "server_metadata_url": "http://localhost:9/.well-known/openid-configuration",
}}


def test_uploads_are_police_only_once_sign_in_is_configured(tier_env) -> None:
    page = "pages/data_sources.py"
    query = {"lang": "en"}

    def uploaders(at) -> list[str]:
        assert not at.exception, [e.value for e in at.exception]
        return [w.proto.id for w in at.get("file_uploader")]

    # Without [auth] nobody can be told apart: the demo keeps its upload for everyone.
    assert uploaders(open_page(page, query=query, user=PUBLIC))
    for user in (PUBLIC, RESEARCHER, COUNCIL):
        at = open_page(page, query=query, user=user, secrets=AUTH)
        assert not uploaders(at)
        tier = at.session_state["access_tier"]
        assert any(i.value == translate("en", "access.upload_police_only", tier=translate("en", f"access.tier.{tier}")) for i in at.info)
    police = open_page(page, query=query, user=POLICE, secrets=AUTH)
    assert uploaders(police) and police.session_state["access_tier"] == "police"
