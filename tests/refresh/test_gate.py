"""The refresh gate (issue 4) on the fixture pairs in fixtures/refresh/<case>/.

All cases run once, in one module-scoped fixture (GX is slow to import and to start)."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from pubcheck.cli import main

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures" / "refresh"

# case -> (check id, file name, column) the case must produce as an error
EXPECTED = {
    "dropped-region": ("refresh-category", "social_investment.csv", "region"),
    "doubled-cohort": ("refresh-period-rows", "reoffending.csv", "cohort"),
    "renamed-code": ("refresh-category", "benefits.csv", "benefit"),
    "revised-history": ("refresh-revised-history", "reoffending.csv", "reoffended"),
    "shifted-rate": ("refresh-rate-shift", "reoffending.csv", "reoffended"),
    "truncated-csv": ("intake", "reoffending.csv", None),
    "wrong-encoding": ("intake", "social_investment.csv", None),  # encoding-error: line 2 is not UTF-8
}
CASES = ["clean", *EXPECTED]


def _listing(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}  # fmt: skip


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict:
    tmp = tmp_path_factory.mktemp("refresh")
    state, suites = tmp / "gx-state", tmp / "no-suites"
    suites.mkdir()
    before = _listing(FIXTURES)
    out: dict = {"state": state, "tmp": tmp}
    for case in CASES:
        report = tmp / f"{case}.json"
        args = ["refresh", "--previous", str(FIXTURES / case / "previous"), "--current",
                str(FIXTURES / case / "current"), "--state-dir", str(state), "--suites", str(suites),
                "--format", "json", "--output", str(report), "--no-progress"]  # fmt: skip
        if case == "clean":
            args += ["--data-docs", str(tmp / "docs")]
        code = main(args)
        out[case] = (code, json.loads(report.read_text(encoding="utf-8")))
    junit = tmp / "shifted.xml"
    out["junit"] = main(["refresh", "--previous", str(FIXTURES / "shifted-rate" / "previous"), "--current",
                         str(FIXTURES / "shifted-rate" / "current"), "--state-dir", str(state), "--suites",
                         str(suites), "--format", "junit", "--output", str(junit), "--no-progress"]), junit  # fmt: skip
    out["after"] = _listing(FIXTURES)
    out["before"] = before
    return out


def test_clean_refresh_passes(runs: dict) -> None:
    code, report = runs["clean"]
    errors = [f for f in report["findings"] if f["severity"] == "error"]
    assert code == 0, errors
    assert errors == []
    assert {e["stem"] for e in report["extracts"]} == {"reoffending", "benefits", "social_investment"}


@pytest.mark.parametrize("case", list(EXPECTED))
def test_planted_defect_fails(runs: dict, case: str) -> None:
    code, report = runs[case]
    check, name, column = EXPECTED[case]
    assert code == 1
    hits = [f for f in report["findings"] if f["check"] == check and f["severity"] == "error"
            and any(Path(loc["document"]).name == name for loc in f["locations"])]  # fmt: skip
    assert hits, [(f["check"], f["message"]) for f in report["findings"]]
    if column is not None:
        assert any(loc.get("cell") == column for f in hits for loc in f["locations"]), hits
        assert all(f["locations"][0]["quote"] for f in hits)  # sample rows


@pytest.mark.parametrize(("case", "cause"), [
    ("truncated-csv", "reoffending.csv: truncated: the file is cut short: its last line (837) ends after 2 of 9 cells"),
    ("wrong-encoding", "social_investment.csv: encoding-error: the file is not UTF-8: 84 lines hold bytes"),
])  # fmt: skip
def test_a_broken_file_is_one_error_naming_the_cause(runs: dict, case: str, cause: str) -> None:
    """Not a cascade: one error, its cause and place, and how many later checks it skipped."""
    code, report = runs[case]
    assert code == 1
    assert [(f["check"], f["severity"]) for f in report["findings"]] == [("intake", "error")]
    msg = report["findings"][0]["message"]
    assert msg.startswith(cause), msg
    skipped = [c for c in report["checks"] if c["status"] == "skipped"]
    assert f"{len(skipped)} later checks skipped (" in msg and len(skipped) > 10
    assert all(c["reason"].startswith("intake failed: ") for c in skipped)
    assert report["verdict"]["first"]["message"] == msg


def test_shifted_rate_names_the_rates(runs: dict) -> None:
    _, report = runs["shifted-rate"]
    shift = [f for f in report["findings"] if f["check"] == "refresh-rate-shift"]
    assert len(shift) == 1 and "youth" in shift[0]["message"] and "2010-04/2011-03" in shift[0]["message"]


def test_junit_shows_failures(runs: dict) -> None:
    code, path = runs["junit"]
    assert code == 1
    root = ET.parse(path).getroot()
    assert int(root.get("failures")) == 1
    failed = [c.get("name") for c in root.iter("testcase") if c.find("failure") is not None]
    assert failed == ["refresh-rate-shift"]


def test_nothing_written_into_fixtures(runs: dict) -> None:
    assert runs["after"] == runs["before"]


def test_gx_state_in_state_dir_and_data_docs(runs: dict) -> None:
    state: Path = runs["state"]
    assert state.is_dir() and any(state.rglob("*.yml"))
    assert not (ROOT / "fixtures" / "refresh" / "gx").exists()
    assert (runs["tmp"] / "docs" / "index.html").is_file()


def test_revision_listed_is_not_an_error(tmp_path: Path) -> None:
    from pubcheck.refresh.drift import DEFAULTS, history_rules, read_revisions
    from pubcheck.refresh.gate import _load

    case = FIXTURES / "revised-history"
    prev, _ = _load(case / "previous" / "reoffending.csv", "reoffending")
    cur, _ = _load(case / "current" / "reoffending.csv", "reoffending")
    assert prev is not None and cur is not None
    (tmp_path / "revisions.txt").write_text("# revised after late returns\nreoffending 2009\n", encoding="utf-8")
    found = history_rules("reoffending", case / "current" / "reoffending.csv", prev, cur, DEFAULTS,
                          read_revisions(tmp_path))  # fmt: skip
    revised = [f for f in found if f.check == "refresh-revised-history"]
    assert revised and all(f.severity == "info" for f in revised)


def test_fixtures_reproducible(tmp_path: Path) -> None:
    script = ROOT / "scripts" / "make_refresh_fixtures.py"
    spec = importlib.util.spec_from_file_location("make_refresh_fixtures", script)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    mod.build(tmp_path / "refresh")
    assert _listing(tmp_path / "refresh") == _listing(FIXTURES)
    assert sum(p.stat().st_size for p in FIXTURES.rglob("*") if p.is_file()) < 3_000_000
