"""The table rules on real publications they were never tuned to (36 releases, 72 files; see
the corpus's README and SOURCES.md): no warning or error on a statement checked by hand as
consistent, and no error anywhere (none of the corpus's six real inconsistencies is in a table
the table rules read; an error there would be a false alarm)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from pubcheck.cli.pipeline import check
from pubcheck.model import Finding
from pubcheck.report import Report

ROOT = Path(__file__).resolve().parents[1]
CANDIDATES = [ROOT / "fixtures" / "real-publications", Path("/work/shared/real-publications")]
CORPUS = next((p for p in CANDIDATES if (p / "labels.json").is_file()), None)
TABLE_RULES = {"table-shares", "table-totals", "table-rates", "table-outlier"}

pytestmark = pytest.mark.skipif(CORPUS is None, reason="the real-publications corpus is not here")


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Report:
    assert CORPUS is not None
    work = tmp_path_factory.mktemp("real")
    for f in CORPUS.iterdir():
        if f.is_file() and f.name not in ("labels.json", "SOURCES.md"):
            shutil.copy(f, work / f.name)
    return check(work)


def places(f: Finding) -> set[tuple[str, int]]:
    """(file, line) of every location: the document line, and for a spreadsheet cell its row
    (a CSV's row is its line in the file)."""
    out = set()
    for loc in f.locations:
        name = Path(loc.document).name
        out.add((name, loc.line))
        m = re.search(r"(\d+)$", loc.cell or "")
        if m:
            out.add((name, int(m.group(1))))
    return out


def test_no_table_rule_fires_on_a_consistent_statement(report: Report) -> None:
    assert CORPUS is not None
    labels = json.loads((CORPUS / "labels.json").read_text(encoding="utf-8"))
    consistent = {(lab["file"], lab["line"]) for lab in labels if lab["verdict"] == "consistent"}
    crashed = [f.message for f in report.findings if f.check == "rule-error"]
    assert not crashed, crashed
    alarms = [(f.check, f.message) for f in report.findings if f.check in TABLE_RULES
              and f.severity in ("error", "warning") and places(f) & consistent]  # fmt: skip
    assert alarms == []


def test_no_table_rule_error_anywhere(report: Report) -> None:
    errors = [f.message for f in report.findings if f.check in TABLE_RULES and f.severity == "error"]
    assert errors == []


# Silence must come from checking, not from reading nothing: one figure planted in a copy of a
# real table breaks a relation the table shows everywhere else, and the rule finds it.
PLANTED = [
    # 2012/13 state-funded secondary permanent exclusions 3905 -> 3995: 665 + 3995 + 65 = 4725
    # against the Total's 4630 (counts rounded to 5: the parts stand for [4717.5, 4732.5)).
    # 3995 / 3210120 = 0.1245 still prints 0.12, so only the total breaks.
    ("dfe_exclusions_national_summary_2006-07_to_2016-17.csv", '"3210120","3905"', '"3210120","3995"',
     "table-totals", "error", "E29"),
    # its fixed-period rate 6.72 -> 6.92: 215560 / 3210120 = 6.7150 per cent.
    ("dfe_exclusions_national_summary_2006-07_to_2016-17.csv", '"6.72"', '"6.92"',
     "table-rates", "error", "H29"),
    # lower working backgrounds' occupations 30.13 -> 33.13: the five shares sum to 103.000.
    ("smc_occupational_level_by_seb_2024.csv", '"30.13"', '"33.13"', "table-shares", "error", "B7"),
]


@pytest.mark.parametrize(("name", "old", "new", "rule", "severity", "cell"), PLANTED)
def test_a_figure_planted_in_a_real_table_is_found(tmp_path: Path, name: str, old: str, new: str,
                                                   rule: str, severity: str, cell: str) -> None:  # fmt: skip
    assert CORPUS is not None
    text = (CORPUS / name).read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    (tmp_path / name).write_text(text.replace(old, new), encoding="utf-8")
    r = check(tmp_path)
    hits = [f for f in r.findings if f.check == rule and f.severity == severity
            and any(loc.cell == cell for loc in f.locations)]  # fmt: skip
    assert hits, [f.message for f in r.findings if f.check in TABLE_RULES]
    assert [f for f in r.findings if f.check in TABLE_RULES and f not in hits] == []
