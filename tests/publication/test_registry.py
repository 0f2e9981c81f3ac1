"""Meta-tests: the rule registry is complete and every rule is tested both ways."""

from __future__ import annotations

import re
from pathlib import Path

from pubcheck.publication.registry import RULE_MODULES, registered

ROOT = Path(__file__).resolve().parents[2]
REGISTRY = registered()
EXPECTED = {
    "table-identity", "base-mismatch", "count-percentage", "inverse-rate", "prose-table",
    "cross-document", "verbal-quantifier", "missing-bounds", "unit-mismatch", "untraced",
    "change-arithmetic", "change-direction", "ratio-arithmetic", "gap-arithmetic",
    "table-shares", "table-totals", "table-rates", "table-outlier",
}  # fmt: skip


def test_registry_holds_every_rule_of_the_brief() -> None:
    assert set(REGISTRY) == EXPECTED


def test_every_rule_has_kebab_id_and_docstring() -> None:
    for rid, r in REGISTRY.items():
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", rid), rid
        assert len(r.doc) > 80, f"{rid} needs a docstring saying the rule, why and its tolerance"
        assert r.name != rid.replace("-", "_"), "the function names the requirement, the id the violation"


def test_every_rule_has_a_planted_error_test() -> None:
    text = (ROOT / "tests" / "publication" / "test_planted.py").read_text(encoding="utf-8")
    missing = [rid for rid in REGISTRY if rid != "untraced" and f'"{rid}"' not in text]
    assert not missing, f"rules without a planted-error test: {missing}"


def test_registry_order_is_the_documented_order() -> None:
    """`pubcheck rules` and the JUnit suites list the rules in registration order."""
    assert list(REGISTRY) == ["table-identity", "base-mismatch", "count-percentage", "inverse-rate", "prose-table",
                              "cross-document", "verbal-quantifier", "missing-bounds", "unit-mismatch", "untraced",
                              "change-arithmetic", "change-direction", "ratio-arithmetic", "gap-arithmetic",
                              "table-shares", "table-totals", "table-rates", "table-outlier"]


def test_every_rule_module_is_listed_in_rule_modules() -> None:
    """The registry imports rule modules from its explicit list: a module left out of
    RULE_MODULES would register nothing."""
    folder = ROOT / "src" / "pubcheck" / "publication" / "rules"
    stems = {p.stem for p in folder.glob("*.py")} - {"__init__", "common"}
    modules = {f"pubcheck.publication.rules.{stem}" for stem in stems}
    assert modules == set(RULE_MODULES)
    assert {r.fn.__module__ for r in REGISTRY.values()} == set(RULE_MODULES)
