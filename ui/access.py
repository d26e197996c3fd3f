"""Sign-in and access tiers on the dashboard (issue 10).

``dashboard.py`` calls ``resolve_tier`` at the top of every run: the tier comes from the
identity token's claims that Streamlit verified (``st.user``, after ``st.login`` against the
OpenID Connect provider in ``.streamlit/secrets.toml`` ``[auth]``), mapped by the tier rules
(``pipelines.tiers``, setting ``tier_rules``). Nothing in the URL or the browser can choose a
tier: a user who is not signed in, or is signed in without a matching rule, is ``public``.
The tier's name is kept in ``st.session_state["access_tier"]``, which ``ui.disclosure`` reads for
the threshold, so every page, chart and export of the session uses the same tier.

Sign-ins are written to the audit log (``pipelines.audit``) once per session and identity.
Only the subject, the e-mail and the tier are logged — never a token or a secret.
"""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import streamlit as st

from pipelines.audit import record_event
from pipelines.tiers import PAGE_NAMES, Tier, TierRules, rules_for, tier_for_claims
from ui import data
from ui.frame import t

KEY_TIER = "access_tier"
_SIGNED_IN = "access__signed_in"


@st.cache_resource(max_entries=4, show_spinner=False)
def _rules(path: str, mtime: float, min_cell_size: int) -> TierRules:
    return rules_for(data.settings())


def tier_rules() -> TierRules:
    """The tier rules in force (re-read when the rules file changes)."""
    settings = data.settings()
    path = settings.tier_rules
    mtime = path.stat().st_mtime if path is not None and path.exists() else 0.0
    return _rules(str(path or ""), mtime, settings.min_cell_size)


def auth_configured() -> bool:
    """Whether ``.streamlit/secrets.toml`` has an ``[auth]`` section (sign-in is offered)."""
    try:
        return "auth" in st.secrets
    except Exception:  # noqa: BLE001 - no secrets file at all means no sign-in, whatever Streamlit raises
        return False


def _claims() -> dict | None:
    user = st.user.to_dict()
    return user if user.get("is_logged_in") else None


def resolve_tier() -> Tier:
    """The session's tier from the verified identity (public when not signed in); logs a sign-in."""
    claims = _claims()
    tier = tier_for_claims(claims, tier_rules())
    st.session_state[KEY_TIER] = tier.name
    if claims is not None:
        identity = str(claims.get("sub") or claims.get("email") or "")
        if st.session_state.get(_SIGNED_IN) != (identity, tier.name):
            record_event(
                data.settings(), "sign_in", tier=tier.name,
                what={"sub": claims.get("sub"), "email": claims.get("email"), "issuer": claims.get("iss")},
            )
            st.session_state[_SIGNED_IN] = (identity, tier.name)
    return tier


def may_upload(tier: Tier) -> bool:
    """Whether the session may load files on the Data sources page.

    With sign-in configured only a tier with ``can_upload`` (police) may; without it the demo
    has no way to tell users apart and everyone keeps the upload, as before sign-in existed.
    """
    return tier.can_upload or not auth_configured()


def current_tier() -> Tier:
    """The tier ``resolve_tier`` set for this run (``public`` before it ran)."""
    return tier_rules().tier(st.session_state.get(KEY_TIER, "public"))


def allowed_pages(pages: tuple[tuple[str, str, str], ...], tier: Tier) -> list[tuple[str, str, str]]:
    """The ``PAGES`` entries (script, title key, icon) the tier may open, in menu order."""
    return [entry for entry in pages if tier.may_open(entry[0])]


def requested_page() -> str | None:
    """The page name the browser asked for (last path segment of the URL), if it names a page."""
    try:
        path = urlparse(st.context.url or "").path
    except Exception:  # noqa: BLE001 - no browser context (AppTest): nothing was requested by URL
        return None
    name = Path(path.rstrip("/")).name
    return name if name in PAGE_NAMES else None


def refuse_page_ui(page: str) -> None:
    """Show that the page is not available in this tier, and stop the run (nothing else shown)."""
    st.title(t("access.denied_title"))
    st.error(t("access.denied", tier=t(f"access.tier.{current_tier().name}")), icon=":material/lock:")
    st.stop()


def guard_page(page: str) -> Tier:
    """Called by a page script: stop with a message unless the session's tier may open it.

    Args:
        page: the page's script path or name (``__file__`` works).

    Returns:
        The session's tier.
    """
    tier = current_tier()
    if not tier.may_open(page):
        refuse_page_ui(Path(page).stem)
    return tier


def sidebar_access_ui(tier: Tier) -> None:
    """Who is signed in and in which tier, with sign-in / sign-out buttons when sign-in is set up."""
    box = st.sidebar.container(border=True)
    claims = _claims()
    tier_name = t(f"access.tier.{tier.name}")
    if claims is not None:
        who = claims.get("email") or claims.get("name") or claims.get("sub") or ""
        box.caption(t("access.signed_in", who=who, tier=tier_name))
        if box.button(t("access.sign_out"), key="access__logout", icon=":material/logout:"):
            st.session_state.pop(_SIGNED_IN, None)
            st.logout()
    else:
        box.caption(t("access.public", tier=tier_name))
        if auth_configured() and box.button(t("access.sign_in"), key="access__login", icon=":material/login:"):
            st.login()
