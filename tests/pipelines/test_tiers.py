"""Access tiers: claim rules, tier definitions, the rules file and its refusals."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from pipelines.export_cli import threshold_for
from pipelines.settings import load_settings
from pipelines.tiers import (
    EXPORT_FORMATS,
    PAGE_NAMES,
    TierRulesInvalid,
    default_tiers,
    load_tier_rules,
    parse_tier_rules,
    tier_for_claims,
)

REPO_ROOT = Path(__file__).resolve().parents[2]

RULES = {
    "tiers": {
        "public": {"threshold": 10, "pages": ["overview", "traffic", "crime"], "exports": ["xlsx", "csv"]},
        "research": {"threshold": 2, "exports": ["*"]},
    },
    "rules": [
        {"tier": "police", "claim": "groups", "any_of": ["sec-politi-analyse"]},
        {"tier": "research", "claim": "roles", "any_of": ["researcher"], "email_domain": ["au.dk"]},
        {"tier": "council", "email_domain": ["aarhus.dk", "Ringsted.dk"]},
    ],
}


@pytest.fixture
def rules():
    return parse_tier_rules(RULES, min_cell_size=5)


def test_not_signed_in_is_public(rules) -> None:
    assert tier_for_claims(None, rules).name == "public"
    assert tier_for_claims({}, rules).name == "public"


def test_claims_map_to_tiers_first_rule_wins(rules) -> None:
    police = {"sub": "a", "email": "x@aarhus.dk", "groups": ["other", "sec-politi-analyse"]}
    # Both the police rule (group) and the council rule (domain) match: the first in the file wins.
    assert tier_for_claims(police, rules).name == "police"
    assert tier_for_claims({"sub": "b", "email": "y@ringsted.DK"}, rules).name == "council"
    assert tier_for_claims({"sub": "c", "email": "r@au.dk", "roles": "researcher"}, rules).name == "research"
    # A research rule needs both the role and the domain.
    assert tier_for_claims({"sub": "d", "email": "r@gmail.com", "roles": ["researcher"]}, rules).name == "public"
    # A group given as a string, not a list, is one group; substrings do not match.
    assert tier_for_claims({"sub": "e", "groups": "sec-politi-analyse"}, rules).name == "police"
    assert tier_for_claims({"sub": "f", "groups": ["sec-politi"]}, rules).name == "public"


def test_unverified_email_grants_nothing(rules) -> None:
    assert tier_for_claims({"sub": "g", "email": "y@aarhus.dk", "email_verified": False}, rules).name == "public"
    assert tier_for_claims({"sub": "h", "email": "aarhus.dk"}, rules).name == "public"


def test_tier_definitions_from_the_file_and_defaults(rules) -> None:
    public = rules.tier("public")
    assert public.threshold == 10
    assert public.pages == ("overview", "crime", "traffic")  # menu order, not file order
    assert public.may_open("pages/traffic.py") and not public.may_open("pages/crosstabs.py")
    assert public.exports == ("csv", "xlsx") and not public.can_edit_priorities
    research = rules.tier("research")
    assert research.threshold == 2 and research.exports == EXPORT_FORMATS and research.pages == PAGE_NAMES
    police = rules.tier("police")
    assert police.can_edit_priorities and police.can_see_unpublished and police.can_upload and police.threshold == 3
    assert not any(t.can_edit_priorities or t.can_see_unpublished or t.can_upload for n, t in rules.tiers.items() if n != "police")


def test_defaults_keep_small_thresholds_at_most_min_cell_size() -> None:
    tiers = default_tiers(5)
    assert {n: t.threshold for n, t in tiers.items()} == {"public": 5, "council": 5, "police": 3, "research": 3}
    # With min_cell_size 2 the public is already at 2; police and research are never stricter.
    assert default_tiers(2)["research"].threshold == 2


@pytest.mark.parametrize(
    ("document", "fragment"),
    [
        ({"tiers": {"admin": {}}}, "Unknown access tier"),
        ({"tiers": {"public": {"threshold": 0}}}, "Bad threshold"),
        ({"tiers": {"public": {"threshold": True}}}, "Bad threshold"),
        ({"tiers": {"public": {"pages": ["secret"]}}}, "Unknown name"),
        ({"tiers": {"public": {"exports": ["pdf"]}}}, "Unknown name"),
        ({"tiers": {"council": {"can_edit_priorities": True}}}, "Unknown key"),
        ({"tiers": {"research": {"can_upload": True}}}, "Unknown key"),
        ({"rules": [{"tier": "root", "email_domain": "x.dk"}]}, "Unknown tier in rule 1"),
        ({"rules": [{"tier": "police", "claim": "groups"}]}, "Incomplete rule 1"),
        ({"rules": [{"tier": "police"}]}, "Incomplete rule 1"),
        ({"rules": [{"tier": "police", "claim": "groups", "any_of": [1]}]}, "Bad list"),
        ({"users": {}}, "Unknown section"),
    ],
)
def test_bad_rules_are_refused(document, fragment) -> None:
    with pytest.raises(TierRulesInvalid) as caught:
        parse_tier_rules(document, min_cell_size=5)
    assert fragment in str(caught.value)


def test_rules_file_and_settings(tmp_path) -> None:
    path = tmp_path / "tiers.toml"
    path.write_text('[tiers.council]\nthreshold = 7\n\n[[rules]]\ntier = "council"\nemail_domain = "aarhus.dk"\n', encoding="utf-8")
    rules = load_tier_rules(path, min_cell_size=5)
    assert rules.tier("council").threshold == 7
    assert tier_for_claims({"email": "a@aarhus.dk"}, rules).name == "council"
    settings = load_settings({"CSDASH_TIER_RULES": str(path), "CSDASH_DATA_DIR": str(tmp_path)})
    assert settings.tier_rules == path
    # The export command's threshold comes from the same rules.
    assert threshold_for("council", settings) == 7 and threshold_for("public", settings) == 5
    assert load_settings({}).tier_rules is None
    with pytest.raises(TierRulesInvalid, match="not found"):
        load_tier_rules(tmp_path / "missing.toml", min_cell_size=5)
    path.write_text("[tiers\n", encoding="utf-8")
    with pytest.raises(TierRulesInvalid, match="not valid TOML"):
        load_tier_rules(path, min_cell_size=5)


def test_documented_example_parses() -> None:
    """The README's rules example is valid (so the documentation cannot drift)."""
    text = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("<!-- tier-rules-example -->")
    block = text[start:].split("```toml\n", 1)[1].split("```", 1)[0]
    import tomllib

    rules = parse_tier_rules(tomllib.loads(block), min_cell_size=5)
    assert [r.tier for r in rules.rules] == ["police", "research", "council"]


def test_export_of_a_format_the_tier_lacks_is_refused(demo_settings, tmp_path) -> None:
    """Server-side: ``export_crosstab`` itself refuses, whatever the page or command line offer."""
    from pipelines.export_cli import CrosstabSpec, ExportRejected, export_crosstab, run_crosstab
    from pipelines.warehouse import open_warehouse

    path = tmp_path / "tiers.toml"
    path.write_text('[tiers.public]\nexports = ["csv"]\n', encoding="utf-8")
    settings = replace(demo_settings, tier_rules=path)
    con = open_warehouse(settings.warehouse_path)
    try:
        bundle = run_crosstab(con, CrosstabSpec(survey_id=_survey(con), row="trust_police", col="gender"), settings=settings)
    finally:
        con.close()
    with pytest.raises(ExportRejected, match="not sav"):
        export_crosstab(bundle, "sav", tmp_path / "x.sav", settings=settings)
    assert not (tmp_path / "x.sav").exists()
    assert [p.suffix for p in export_crosstab(bundle, "csv", tmp_path / "x.csv", settings=settings)][0] == ".csv"


def _survey(con) -> str:
    from pipelines.warehouse import run_query

    return run_query(con, "crosstab_surveys")["survey_id"][0]
