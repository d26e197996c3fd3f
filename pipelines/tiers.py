"""Access tiers: who may see which pages, at which disclosure threshold, with which exports.

Four tiers — ``public``, ``council``, ``police``, ``research`` — are policy, not statistics, so
they live here as pure functions over plain data: no Streamlit, no I/O except reading the rules
file in ``load_tier_rules``. The dashboard maps a signed-in user's identity-token claims to a
tier with ``tier_for_claims``; a user who is not signed in (or whose claims match no rule) is
``public``. The command line takes ``--tier`` (default ``public``) and uses the same ``Tier``.

**The rules file** (setting ``tier_rules``, a TOML path; empty = the built-in defaults below)
may change any tier's threshold, pages and exports, and lists the claim rules, tried in file
order, first match wins::

    [tiers.research]
    threshold = 3                       # disclosure threshold (cells 0 < n < 3 are suppressed)
    pages = ["overview", "crosstabs"]   # page names (file stems of pages/*.py), or ["*"]
    exports = ["csv", "xlsx", "sav", "parquet"]

    [[rules]]
    tier = "police"
    claim = "groups"                    # any claim of the identity token (str or list of str)
    any_of = ["sec-politi-analyse"]

    [[rules]]
    tier = "council"
    email_domain = ["aarhus.dk"]        # the ``email`` claim's domain (case-insensitive)

A rule with both ``claim``/``any_of`` and ``email_domain`` needs both to match. Thresholds
below 1 are refused (suppression could not be switched off by a typo), and a tier may not
allow the priority register, unpublished figures or uploads by configuration: those stay
with ``police`` (issue 10), so a wrong rules file can widen who sees a page, never who edits.
"""
from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pipelines.errors import PipelineError

TIER_NAMES: tuple[str, ...] = ("public", "council", "police", "research")
PAGE_NAMES: tuple[str, ...] = (
    "overview", "crime", "followups", "traffic", "trust", "crosstabs", "focus_groups", "meeting", "data_sources",
)
EXPORT_FORMATS: tuple[str, ...] = ("csv", "xlsx", "sav", "parquet")


class TierRulesInvalid(PipelineError):
    """The tier rules file cannot be used (unknown tier, page, export or a bad threshold)."""

    code = "tier_rules_invalid"


@dataclass(frozen=True)
class Tier:
    """One access tier.

    Attributes:
        name: ``public``, ``council``, ``police`` or ``research``.
        threshold: disclosure threshold: published counts with ``0 < n < threshold`` are
            suppressed (with complementary suppression) by ``analysis.disclosure``.
        pages: page names the tier may open (file stems of ``pages/*.py``).
        exports: cross-tab export formats the tier may download or write.
        can_see_unpublished: may see figures not yet published (police only).
        can_edit_priorities: may add to the priority register (police only).
        can_upload: may load files on the Data sources page when sign-in is configured
            (police only; without sign-in the demo lets everyone upload, see ``ui.access``).
    """

    name: str
    threshold: int
    pages: tuple[str, ...]
    exports: tuple[str, ...]
    can_see_unpublished: bool = False
    can_edit_priorities: bool = False
    can_upload: bool = False

    def may_open(self, page: str) -> bool:
        """Whether the tier may use a page (``"crosstabs"`` or ``"pages/crosstabs.py"``)."""
        return Path(page).stem in self.pages

    def may_export(self, fmt: str) -> bool:
        """Whether the tier may export in a format."""
        return fmt in self.exports


@dataclass(frozen=True)
class ClaimRule:
    """Maps identity-token claims to a tier.

    Attributes:
        tier: the tier granted.
        claim: a claim name (e.g. ``groups``, ``roles``); with ``any_of``.
        any_of: values of ``claim`` that grant the tier (one is enough).
        email_domains: domains of the ``email`` claim that grant the tier.
    """

    tier: str
    claim: str | None = None
    any_of: tuple[str, ...] = ()
    email_domains: tuple[str, ...] = ()

    def matches(self, claims: Mapping[str, Any]) -> bool:
        """Whether the claims satisfy every condition of the rule."""
        if self.claim is not None:
            value = claims.get(self.claim)
            values = [value] if isinstance(value, str) else list(value) if isinstance(value, (list, tuple)) else []
            if not set(map(str, values)) & set(self.any_of):
                return False
        if self.email_domains:
            email = str(claims.get("email") or "")
            # A verified-false email proves nothing about the organisation.
            if claims.get("email_verified") is False or "@" not in email:
                return False
            if email.rsplit("@", 1)[1].lower() not in {d.lower() for d in self.email_domains}:
                return False
        return True


@dataclass(frozen=True)
class TierRules:
    """Every tier by name and the claim rules, in order."""

    tiers: dict[str, Tier]
    rules: tuple[ClaimRule, ...] = ()

    def tier(self, name: str) -> Tier:
        """The tier of that name.

        Raises:
            TierRulesInvalid: an unknown tier name.
        """
        if name not in self.tiers:
            raise TierRulesInvalid("Unknown access tier", f"{name!r} is not one of {', '.join(TIER_NAMES)}.", source="tier")
        return self.tiers[name]


def default_tiers(min_cell_size: int) -> dict[str, Tier]:
    """The built-in tiers.

    ``public`` and ``council`` publish at ``min_cell_size`` (the ``min_cell_size`` setting,
    default 5); ``police`` and ``research`` work with smaller cells (3), as issue 10 asks for
    researchers' cross-tabs. Every tier may open every page and export every format (a page
    and a file show each tier its own version, suppressed at its threshold); only ``police``
    edits the priority register and sees unpublished figures. A rules file narrows pages and
    formats per tier. Loading files (the upload on the Data sources page) is police's too.
    """
    small = min(3, min_cell_size)
    return {
        "public": Tier("public", min_cell_size, PAGE_NAMES, EXPORT_FORMATS),
        "council": Tier("council", min_cell_size, PAGE_NAMES, EXPORT_FORMATS),
        "police": Tier("police", small, PAGE_NAMES, EXPORT_FORMATS, can_see_unpublished=True, can_edit_priorities=True, can_upload=True),
        "research": Tier("research", small, PAGE_NAMES, EXPORT_FORMATS),
    }


def tier_for_claims(claims: Mapping[str, Any] | None, rules: TierRules) -> Tier:
    """The tier of a user from the identity token's claims: the first matching rule, else public.

    Args:
        claims: the token's claims (``st.user``); ``None`` or empty for a user not signed in.
        rules: the tiers and claim rules.

    Returns:
        The ``Tier``.
    """
    if claims:
        for rule in rules.rules:
            if rule.matches(claims):
                return rules.tier(rule.tier)
    return rules.tier("public")


def parse_tier_rules(document: Mapping[str, Any], *, min_cell_size: int) -> TierRules:
    """Tiers and claim rules from a parsed rules document (see the module docstring).

    Raises:
        TierRulesInvalid: an unknown tier, page or export format, a bad threshold or rule.
    """
    tiers = default_tiers(min_cell_size)
    unknown = set(document) - {"tiers", "rules"}
    if unknown:
        raise TierRulesInvalid("Unknown section in the tier rules", ", ".join(sorted(unknown)), hint="Use [tiers.NAME] and [[rules]].")
    for name, table in (document.get("tiers") or {}).items():
        if name not in TIER_NAMES:
            raise TierRulesInvalid("Unknown access tier", f"[tiers.{name}]", hint=f"Tiers: {', '.join(TIER_NAMES)}.")
        extra = set(table) - {"threshold", "pages", "exports"}
        if extra:
            raise TierRulesInvalid(f"Unknown key in [tiers.{name}]", ", ".join(sorted(extra)),
                                   hint="Keys: threshold, pages, exports (the priority register, unpublished figures and uploads stay with police).")
        changes: dict[str, Any] = {}
        if "threshold" in table:
            threshold = table["threshold"]
            if not isinstance(threshold, int) or isinstance(threshold, bool) or threshold < 1:
                raise TierRulesInvalid(f"Bad threshold in [tiers.{name}]", repr(threshold), hint="A whole number ≥ 1.")
            changes["threshold"] = threshold
        if "pages" in table:
            changes["pages"] = _names(table["pages"], PAGE_NAMES, f"[tiers.{name}] pages")
        if "exports" in table:
            changes["exports"] = _names(table["exports"], EXPORT_FORMATS, f"[tiers.{name}] exports")
        tiers[name] = replace(tiers[name], **changes)
    rules = []
    for i, rule in enumerate(document.get("rules") or [], start=1):
        where = f"rule {i}"
        if rule.get("tier") not in TIER_NAMES:
            raise TierRulesInvalid(f"Unknown tier in {where}", repr(rule.get("tier")), hint=f"Tiers: {', '.join(TIER_NAMES)}.")
        extra = set(rule) - {"tier", "claim", "any_of", "email_domain"}
        if extra:
            raise TierRulesInvalid(f"Unknown key in {where}", ", ".join(sorted(extra)), hint="Keys: tier, claim, any_of, email_domain.")
        if ("claim" in rule) != ("any_of" in rule) or not ("claim" in rule or "email_domain" in rule):
            raise TierRulesInvalid(f"Incomplete {where}", "A rule needs claim + any_of, or email_domain (or both).")
        rules.append(ClaimRule(
            tier=rule["tier"],
            claim=str(rule["claim"]) if "claim" in rule else None,
            any_of=_strings(rule.get("any_of", []), where),
            email_domains=_strings(rule.get("email_domain", []), where),
        ))
    return TierRules(tiers=tiers, rules=tuple(rules))


def load_tier_rules(path: Path | None, *, min_cell_size: int) -> TierRules:
    """The tier rules from a TOML file, or the built-in defaults when ``path`` is ``None``.

    Raises:
        TierRulesInvalid: the file is missing, not TOML or not valid rules.
    """
    if path is None:
        return TierRules(tiers=default_tiers(min_cell_size))
    try:
        document = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise TierRulesInvalid("Tier rules file not found", str(path), hint="Check the tier_rules setting.") from error
    except tomllib.TOMLDecodeError as error:
        raise TierRulesInvalid("Tier rules file is not valid TOML", f"{path}: {error}") from error
    return parse_tier_rules(document, min_cell_size=min_cell_size)


def _strings(value: Any, where: str) -> tuple[str, ...]:
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise TierRulesInvalid(f"Bad list in {where}", repr(value), hint="A string or a list of strings.")
    return tuple(values)


def _names(value: Any, allowed: tuple[str, ...], where: str) -> tuple[str, ...]:
    names = _strings(value, where)
    if names == ("*",):
        return allowed
    unknown = [n for n in names if n not in allowed]
    if unknown:
        raise TierRulesInvalid(f"Unknown name in {where}", ", ".join(unknown), hint="Choose from: " + ", ".join(allowed))
    # Keep the menu's order whatever order the file lists them in.
    return tuple(n for n in allowed if n in names)


def rules_for(settings: Any) -> TierRules:
    """The tier rules the settings point at (``tier_rules``, ``min_cell_size``).

    Raises:
        TierRulesInvalid: as ``load_tier_rules``.
    """
    return load_tier_rules(settings.tier_rules, min_cell_size=settings.min_cell_size)
