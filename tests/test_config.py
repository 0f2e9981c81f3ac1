"""pubcheck.toml: a team's own registry, groups, qualifiers and bands (issue 9, item 6)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pubcheck.cli.pipeline import check
from pubcheck.config import load_config
from pubcheck.model import InputError

ROOT = Path(__file__).resolve().parents[1]
PUBLISHED = ROOT / "published"


def test_no_config_is_the_general_rules_only(tmp_path: Path) -> None:
    cfg = load_config(tmp_path)
    assert cfg.path is None and not cfg.has_registry and cfg.groups == {}


@pytest.mark.parametrize(("text", "words"), [
    ("[registy]\nlinking = []\n", ["unknown section", "registy"]),
    ("[registry]\nlinkng = []\n", ["[registry]", "unknown key", "linkng"]),
    ("[registry]\nlinking = [\"missing.toml\"]\n", ["missing.toml", "does not exist"]),
    ("[[group]]\npage = \"a.md\"\n", ["[[group]] #1", "tables"]),
    ("[[table]]\nfile = \"a.csv\"\nrates = [{ rate = \"r\" }]\n", ["rates[0]", "numerator"]),
    ("[registry\n", ["not valid TOML", "line 1"]),
])
def test_a_bad_config_is_a_message_naming_the_file_and_place(tmp_path: Path, text: str, words: list[str]) -> None:
    (tmp_path / "pubcheck.toml").write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as e:
        load_config(tmp_path)
    assert str(tmp_path / "pubcheck.toml") in str(e.value)
    assert all(w in str(e.value) for w in words), str(e.value)


def test_the_registry_applies_where_a_config_names_it(tmp_path: Path) -> None:
    # the framework's 39 vs 40 per cent is a cross-document error only with its registry
    for name in ("sjof-2013-04-outcomes-framework.txt", "sj-transforming-lives-one-year-on-2013-04.txt"):
        shutil.copy(PUBLISHED / name, tmp_path / name)
    bare = {f.check for f in check(tmp_path).findings if f.severity == "error"}
    shutil.copy(PUBLISHED / "pubcheck.toml", tmp_path / "pubcheck.toml")
    configured = {f.check for f in check(tmp_path).findings if f.severity == "error"}
    assert "cross-document" not in bare and "cross-document" in configured


PAGE = """Housing tenure

Data on the percentage of adults who own their home, by tenure of their parents.

In 2024, {x}% of adults whose parents were social renters owned their home.
"""
TABLE = '''"Parents' tenure","Percentage (%)"
"Social renters",31.2
"Owners",70.1
'''


def test_declared_groups_and_qualifiers_reach_tables_the_names_do_not(tmp_path: Path) -> None:
    (tmp_path / "release.md").write_text(PAGE.format(x=40), encoding="utf-8")
    (tmp_path / "annex_b.csv").write_text(TABLE, encoding="utf-8")
    assert [f for f in check(tmp_path).findings if f.check == "prose-table"] == []  # not grouped, not read
    (tmp_path / "pubcheck.toml").write_text("""
[[group]]
page = "release.md"
tables = ["annex_b.csv"]

[qualifiers.dimension.parents_tenure]
heads = ["tenure"]
values.social = ["(?:parents (?:were|are) )?social renters?"]
values.owners = ["(?:parents (?:were|are) )?owners"]
""", encoding="utf-8")
    found = [f for f in check(tmp_path).findings if f.check == "prose-table"]
    assert len(found) == 1 and "40%" in found[0].message and "31.2" in found[0].message
    (tmp_path / "release.md").write_text(PAGE.format(x=31), encoding="utf-8")
    assert [f for f in check(tmp_path).findings if f.check == "prose-table"] == []


def test_quantifier_bands_are_the_teams(tmp_path: Path) -> None:
    (tmp_path / "note.txt").write_text("Nearly half (47 per cent) of the 2,000 adults were in work.\n",
                                       encoding="utf-8")  # fmt: skip
    assert [f for f in check(tmp_path).findings if f.check == "verbal-quantifier"] == []
    (tmp_path / "pubcheck.toml").write_text("[quantifiers.qualifiers.under]\nbelow = 2.0\n", encoding="utf-8")
    found = [f for f in check(tmp_path).findings if f.check == "verbal-quantifier"]
    assert len(found) == 1 and found[0].severity == "error"


RATES = '''"year","school_type","headcount","perm_excl","excl_share"
"201617","All schools","100000","200","{share}"
"201617","secondary","40000","150","0.38"
"201617","primary","60000","50","0.08"
"201516","All schools","98000","190","0.19"
"201516","secondary","39000","140","0.36"
"201516","primary","59000","50","0.08"
'''


def test_declared_table_roles_reach_the_table_rules(tmp_path: Path) -> None:
    # 'excl_share' names no count columns: the relation is only inferred from the other rows (a
    # warning); declared in pubcheck.toml it is the publisher's definition (an error)
    (tmp_path / "exclusions.csv").write_text(RATES.format(share="0.29"), encoding="utf-8")
    assert [f.severity for f in check(tmp_path).findings if f.check == "table-rates"] == ["warning"]
    (tmp_path / "pubcheck.toml").write_text("""
[[table]]
file = "exclusions*.csv"
totals = { school_type = "All schools" }
rates = [{ rate = "excl_share", numerator = "perm_excl", denominator = "headcount", per = 100 }]
""", encoding="utf-8")
    found = [f for f in check(tmp_path).findings if f.check == "table-rates"]
    assert len(found) == 1 and found[0].severity == "error" and "0.29" in found[0].message
    cfg = load_config(tmp_path)
    assert cfg.roles_for(str(tmp_path / "exclusions.csv"))["totals"] == {"school_type": "All schools"}
    assert cfg.roles_for(str(tmp_path / "other.csv")) is None
