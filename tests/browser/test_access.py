"""Sign-in against a REAL local OpenID Connect provider, in a real browser, for each tier.

``oidc-provider-mock`` serves a complete OIDC provider (discovery, authorize, token, JWKS,
userinfo) on a free loopback port; its authorize page has one button per predefined user,
whose claims we choose. The dashboard runs with a temporary ``secrets.toml`` (``[auth]``
pointing at the provider; passed with Streamlit's ``secrets.files`` option) and a tier rules
file. Chromium signs in through Streamlit's own ``st.login`` flow — authorisation code, token
exchange, ID-token validation, identity cookie — and we check what each tier is shown.

Oracle for the suppressions: the demo survey file read directly with pyreadstat — the cells of
trust in police × age group by area with 0 < n < threshold (as in ``tests/test_page_access.py``).

The module's server is fresh, so the first test's click on "Sign in" is the first interaction
of the first session after a server start: the one Streamlit's legacy ``pages/`` mode used to
drop (``ui.frame.leave_legacy_pages_mode``).

The client and cookie secrets are random per run; the test scans the server log, the audit
log, the pages' text and HTML and the exported files for them.
"""
from __future__ import annotations

import csv
import io
import json
import re
import secrets
import zipfile
from pathlib import Path

import pyreadstat
import pytest

from tests.browser.harness import REPO_ROOT, choose_option, dashboard_server, free_port, selected_option, wait_for_app, wait_for_idle
from ui.i18n import translate

pytestmark = pytest.mark.browser

SAV = REPO_ROOT / "data" / "samples" / "chuhuiv_trust_survey_2017.sav"
RULES = """
[tiers.public]
pages = ["overview", "crime", "followups", "traffic", "trust", "crosstabs", "meeting", "data_sources"]
exports = ["csv", "xlsx"]

[[rules]]
tier = "research"
claim = "roles"
any_of = ["researcher"]

[[rules]]
tier = "council"
email_domain = "aarhus.dk"
"""
USERS = {
    # A signed-in resident: no rule matches, so public.
    "public": {"sub": "resident-1", "email": "resident@mail.example", "email_verified": True},
    "council": {"sub": "council-1", "email": "councillor@aarhus.dk", "email_verified": True},
    "research": {"sub": "research-1", "email": "researcher@uni.example", "email_verified": True, "roles": ["researcher"]},
}
THRESHOLD = {"public": 5, "council": 5, "research": 3}
EXPORTS = {"public": ("csv", "xlsx"), "council": ("csv", "xlsx", "sav", "parquet"), "research": ("csv", "xlsx", "sav", "parquet")}
# Loopback only: the provider's address as the dashboard's server reaches it, the dashboard's as
# the browser does. The redirect address must use the very host the browser opens the app on
# (the identity cookie is set for that host).
PROVIDER_HOST = "localhost"
WAIT_MS = 60_000


def _small_cells(threshold: int) -> set[tuple[float, float, float]]:
    frame, _ = pyreadstat.read_sav(str(SAV))
    frame = frame[frame["trust_police"].notna() & frame["age_group"].notna()]
    sizes = frame.groupby(["area", "trust_police", "age_group"]).size()
    return {key for key, n in sizes.items() if 0 < n < threshold}


@pytest.fixture(scope="module")
def provider():
    from oidc_provider_mock import User, run_server_in_thread

    users = [User(sub=claims["sub"], claims={k: v for k, v in claims.items() if k != "sub"}) for claims in USERS.values()]
    with run_server_in_thread(port=free_port(), user_claims=users) as server:
        yield f"http://{PROVIDER_HOST}:{server.server_port}"


@pytest.fixture(scope="module")
def auth_server(provider, demo_settings, tmp_path_factory):
    """The dashboard with sign-in configured, plus its secrets, for the module."""
    folder = tmp_path_factory.mktemp("auth")
    port = free_port()
    values = {"client_secret": "cs-" + secrets.token_hex(16), "cookie_secret": "ck-" + secrets.token_hex(16)}
    (folder / "secrets.toml").write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        f'cookie_secret = "{values["cookie_secret"]}"\n'
        'client_id = "community-safety-dashboard"\n'
        f'client_secret = "{values["client_secret"]}"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    (folder / "tiers.toml").write_text(RULES, encoding="utf-8")
    env = {"STREAMLIT_SECRETS_FILES": str(folder / "secrets.toml"), "CSDASH_TIER_RULES": str(folder / "tiers.toml")}
    with dashboard_server(demo_settings.data_dir, log_dir=folder / "logs", extra_env=env, port=port) as server:
        yield server, values


def _sidebar(page) -> str:
    return page.locator('[data-testid="stSidebar"]').inner_text()


def _sign_in(page, server, who: str) -> None:
    """Sign in through the provider; Streamlit brings the browser back to the home page."""
    page.goto(server.url + "/?lang=en")
    wait_for_app(page)
    page.get_by_role("button", name=translate("en", "access.sign_in"), exact=True).click()
    # The provider's authorize page: one button per predefined user.
    page.wait_for_url(re.compile(rf"^http://{PROVIDER_HOST}:\d+/oauth2/authorize\?"), timeout=WAIT_MS)
    predefined = page.get_by_role("form", name="Authenticate predefined users")
    predefined.get_by_role("button", name=USERS[who]["sub"], exact=True).click()
    page.wait_for_url(re.compile("^" + re.escape(server.url) + "/"), timeout=WAIT_MS)
    wait_for_app(page)
    # Streamlit returns to the bare home page, which opens in the default language (Danish).
    tier = translate("da", f"access.tier.{who}")
    assert translate("da", "access.signed_in", who=USERS[who]["email"], tier=tier) in _sidebar(page)


def _menu(page) -> list[str]:
    # Each link reads "<icon name>\n\n<title>": keep the title.
    return [t.strip().splitlines()[-1].strip() for t in page.locator('[data-testid="stSidebarNav"] a').all_inner_texts()]


def _open(page, url: str) -> None:
    page.goto(url)
    wait_for_app(page)


def _crosstab(page, server, extra_query: str = "") -> str:
    """Trust in police × age group by area on the Cross-tabs page; the main area's text."""
    _open(page, f"{server.url}/crosstabs?lang=en{extra_query}")
    labels = {"crosstabs__row": "How much do you trust the police?", "crosstabs__col": "Age group", "crosstabs__layer": "Area"}
    for key, label in labels.items():
        choose_option(page, key, label)
        # The choice reruns the script; wait for the rerun that shows it, not the idle moment
        # before the rerun starts.
        page.wait_for_timeout(300)
        wait_for_idle(page)
    # The downloads come last on the page: once they are drawn, the whole run is.
    page.locator('[data-testid="stDownloadButton"]').first.wait_for(timeout=WAIT_MS)
    wait_for_idle(page)
    assert {key: selected_option(page, key) for key in labels} == labels
    return page.locator('[data-testid="stMain"]').inner_text()


def _downloads(page) -> list[str]:
    return sorted(t.strip() for t in page.locator('[data-testid="stDownloadButton"] button').all_inner_texts())


def _offered(formats) -> list[str]:
    return sorted(translate("en", f"crosstabs.download_{f}") for f in formats)


def _primary_suppressed(text: str) -> int:
    """The number of cells the suppression note reports (0 without a note)."""
    pattern = re.escape(translate("en", "crosstabs.suppression_note", primary="§", secondary="¤", threshold="#"))
    pattern = pattern.replace("§", r"(\d+)").replace("¤", r"\d+").replace("\\#", r"\d+").replace("#", r"\d+")
    match = re.search(pattern, text)
    return int(match.group(1)) if match else 0


def _download_csv_zip(page, target: Path) -> tuple[dict[str, str], str]:
    """Click the CSV export; its files (name → text) and the URL it came from."""
    button = page.locator('[data-testid="stDownloadButton"] button', has_text=translate("en", "crosstabs.download_csv"))
    with page.expect_download(timeout=WAIT_MS) as info:
        button.click()
    info.value.save_as(str(target))
    with zipfile.ZipFile(target) as archive:
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist()}, info.value.url


def _cells_at(contents: dict[str, str], positions: set[tuple[float, float, float]]) -> list[dict[str, str]]:
    """The exported cells (main CSV) at the oracle's (area, trust, age group) codes."""
    name = next(k for k in contents if k.endswith(".csv") and not k.endswith("_tests.csv"))
    rows = [r for r in csv.DictReader(io.StringIO(contents[name])) if r["cell_type"] == "cell"]
    _, meta = pyreadstat.read_sav(str(SAV), metadataonly=True)
    areas = meta.variable_value_labels["area"]
    # The export names layers by the warehouse's area label ("Pechenihy Raion (pre-2020)"),
    # which starts with the file's value label ("Pechenihy raion").
    return [
        r for r in rows for area, trust, age in positions
        if r["layer"].casefold().startswith(areas[area].casefold()) and r["row_code"] == str(int(trust)) and r["col_code"] == str(int(age))
    ]


@pytest.mark.parametrize("who", ["public", "council", "research"])
def test_each_tier_signs_in_and_sees_its_version(auth_server, context, who, tmp_path, demo_settings) -> None:
    server, values = auth_server
    page = context.new_page()
    _sign_in(page, server, who)
    _open(page, server.url + "/?lang=en")
    sidebar = _sidebar(page)
    tier_name = translate("en", f"access.tier.{who}")
    assert translate("en", "access.signed_in", who=USERS[who]["email"], tier=tier_name) in sidebar, sidebar
    menu = _menu(page)
    assert (translate("en", "nav.focus_groups") in menu) == (who != "public"), menu
    assert translate("en", "nav.crosstabs") in menu and translate("en", "nav.data_sources") in menu

    text = _crosstab(page, server, "&area=UA-63")
    assert _downloads(page) == _offered(EXPORTS[who])
    small = _small_cells(THRESHOLD[who])
    # Oracle: cells of 4 respondents exist, so public and council (threshold 5) get a note
    # counting at least those cells; research (threshold 3) has no cell below 3 and no note.
    assert bool(small) == (who != "research")
    assert _primary_suppressed(text) >= len(small) and (_primary_suppressed(text) > 0) == bool(small), text[:3000]

    contents, _ = _download_csv_zip(page, tmp_path / "export.zip")
    facts = json.loads(next(v for k, v in contents.items() if k.endswith("_meta.json")))["facts"]
    assert (facts["access tier"], facts["disclosure threshold"]) == (who, str(THRESHOLD[who]))
    small_at_5 = _small_cells(5)
    exported = _cells_at(contents, small_at_5)
    assert len(exported) == len(small_at_5) == 2
    if who == "research":
        assert [(r["unweighted_n"], r["suppressed"]) for r in exported] == [("4", "false")] * 2
    else:
        assert [(r["unweighted_n"], r["suppression"]) for r in exported] == [("", "primary")] * 2

    # Data sources: loading files is police-only once sign-in is configured.
    _open(page, f"{server.url}/data_sources?lang=en")
    main = page.locator('[data-testid="stMain"]').inner_text()
    assert page.locator('[data-testid="stFileUploader"]').count() == 0
    assert translate("en", "access.upload_police_only", tier=tier_name) in main

    for secret in values.values():
        assert secret not in text and secret not in sidebar and secret not in page.content()
        assert all(secret not in v for v in contents.values())


def test_public_handcrafted_urls_get_nothing_beyond_public(auth_server, chromium, context, tmp_path) -> None:
    server, _ = auth_server
    # A research user's export, and the address it was served from.
    research = chromium.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True, locale="en-GB")
    try:
        page = research.new_page()
        _sign_in(page, server, "research")
        _crosstab(page, server, "&area=UA-63")
        research_zip, research_url = _download_csv_zip(page, tmp_path / "research.zip")
        assert {r["unweighted_n"] for r in _cells_at(research_zip, _small_cells(5))} == {"4"}
        research_sav = page.locator('[data-testid="stDownloadButton"] button', has_text=translate("en", "crosstabs.download_sav"))
        assert research_sav.count() == 1

        for signed_in in (False, True):
            page = context.new_page()
            if signed_in:
                _sign_in(page, server, "public")
            # The research-only page by URL: the refusal and nothing else.
            _open(page, f"{server.url}/focus_groups?lang=en&tier=research&access_tier=research")
            main = page.locator('[data-testid="stMain"]').inner_text()
            assert translate("en", "access.denied_title") in main
            assert translate("en", "focus.intro") not in main
            assert translate("en", "access.tier.public") in _sidebar(page)
            # A research permalink with a tier in it is the public version: suppressed, public formats.
            text = _crosstab(page, server, "&area=UA-63&tier=research&access_tier=research&format=sav")
            assert "tier=" not in page.url
            assert _primary_suppressed(text) >= len(_small_cells(5)) > 0
            assert _downloads(page) == _offered(EXPORTS["public"])
            public_zip, _ = _download_csv_zip(page, tmp_path / f"public-{signed_in}.zip")
            assert {(r["unweighted_n"], r["suppression"]) for r in _cells_at(public_zip, _small_cells(5))} == {("", "primary")}
            # The research user's own export address, typed in by the public user.
            response = page.request.get(research_url, fail_on_status_code=False)
            # Streamlit serves a deferred download once, to the session that asked for it.
            assert response.status in (403, 404) and not _is_zip_with(response.body(), research_zip), response.status
            page.close()
    finally:
        research.close()


def _is_zip_with(body: bytes, contents: dict[str, str]) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return {name: archive.read(name).decode("utf-8") for name in archive.namelist()} == contents
    except zipfile.BadZipFile:
        return False


def test_secrets_never_reach_logs(auth_server, context, demo_settings) -> None:
    server, values = auth_server
    page = context.new_page()
    _sign_in(page, server, "research")
    html = page.content()
    audit = (demo_settings.state_dir / "audit.jsonl").read_text(encoding="utf-8")
    events = [json.loads(line) for line in audit.splitlines() if line.strip()]
    assert any(e["event"] == "sign_in" and e["tier"] == "research" and e["what"].get("sub") == "research-1" for e in events)
    log = server.log_path.read_text(encoding="utf-8", errors="replace")
    for secret in values.values():
        assert secret not in audit and secret not in log and secret not in html
