"""Meta-tests: the rule registry is complete and every rule is tested both ways."""

from __future__ import annotations

import re
from pathlib import Path

import pubcheck.rules  # noqa: F401
import pubcheck.rules_tables  # noqa: F401
from pubcheck.engine import REGISTRY

ROOT = Path(__file__).resolve().parent.parent
EXPECTED = {
    "table-identity", "base-mismatch", "count-percentage", "inverse-rate", "prose-table",
    "cross-document", "verbal-quantifier", "missing-bounds", "unit-mismatch", "untraced",
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
    text = (ROOT / "tests" / "test_planted.py").read_text(encoding="utf-8")
    missing = [rid for rid in REGISTRY if rid != "untraced" and f'"{rid}"' not in text]
    assert not missing, f"rules without a planted-error test: {missing}"


def test_figure_table_in_published_is_regenerated_not_edited(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """published/figures/figures.csv must be exactly what `pubcheck figures` writes today."""
    from pubcheck.cli import main

    monkeypatch.chdir(ROOT)
    out = ROOT / ".pytest_cache" / "figures.csv"
    out.parent.mkdir(exist_ok=True)
    assert main(["figures", "published", "--format", "csv", "--output", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == (ROOT / "published" / "figures" / "figures.csv").read_text(
        encoding="utf-8"
    ), "published/figures/figures.csv is stale: run `make figures`"
