"""`--format sarif`: valid SARIF 2.1.0 (validated against the schema kept in this folder, see
sarif-schema-2.1.0.SOURCE.md; no network), rules with help text, results with file, line and
region, stable fingerprints, suppressions and baseline states."""

from __future__ import annotations

import contextlib
import io
import json
import os
from pathlib import Path

import jsonschema
import pytest

from pubcheck.cli import main

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((Path(__file__).parent / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))


def sarif(argv: list[str], cwd: Path = ROOT) -> tuple[int, dict]:
    out = io.StringIO()
    old = Path.cwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
            rc = main(argv)
    finally:
        os.chdir(old)
    return rc, json.loads(out.getvalue())


def _json() -> str:
    out = io.StringIO()
    old = Path.cwd()
    os.chdir(ROOT)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
            main(["check", "--format", "json", "--no-progress"])
    finally:
        os.chdir(old)
    return out.getvalue()


def valid(log: dict) -> None:
    jsonschema.Draft4Validator.check_schema(SCHEMA)
    errors = sorted(jsonschema.Draft4Validator(SCHEMA).iter_errors(log), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]


@pytest.fixture(scope="module")
def bundled() -> tuple[int, dict]:
    return sarif(["check", "--format", "sarif", "--no-progress"])


def test_schema_rejects_a_broken_log() -> None:
    """The validator is not a rubber stamp: a result without a message is invalid."""
    log = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"ruleId": "a"}]}]}
    with pytest.raises(AssertionError):
        valid(log)


def test_check_is_valid_sarif(bundled: tuple[int, dict]) -> None:
    rc, log = bundled
    assert rc == 1
    valid(log)
    run = log["runs"][0]
    assert run["invocations"][0]["exitCode"] == 1
    assert run["invocations"][0]["exitCodeDescription"].startswith("failed: 3 error findings")


def test_results_have_file_line_region_and_fingerprint(bundled: tuple[int, dict]) -> None:
    _, log = bundled
    run = log["runs"][0]
    results = run["results"]
    report = json.loads(_json())
    assert len(results) == len(report["findings"]) and [r["level"] for r in results].count("error") == 3
    cross = next(r for r in results if r["ruleId"] == "cross-document")
    locs = [(x["physicalLocation"]["artifactLocation"]["uri"], x["physicalLocation"]["region"]["startLine"])
            for x in cross["locations"]]  # fmt: skip
    assert locs == [("published/sj-transforming-lives-one-year-on-2013-04.txt", 79),
                    ("published/sjof-2013-04-outcomes-framework.txt", 57),
                    ("published/sjof-2013-04-outcomes-framework.txt", 392)]  # fmt: skip
    assert "40 per cent" in cross["locations"][0]["physicalLocation"]["region"]["snippet"]["text"]
    prints = [r["partialFingerprints"]["pubcheck/v1"] for r in results]
    assert len(set(prints)) == len(prints)


def test_rules_carry_help_text(bundled: tuple[int, dict]) -> None:
    _, log = bundled
    rules = {r["id"]: r for r in log["runs"][0]["tool"]["driver"]["rules"]}
    assert {"cross-document", "table-identity", "missing-bounds", "unit-mismatch"} <= set(rules)
    assert "Table identities hold within rounding" in rules["table-identity"]["help"]["text"]
    assert rules["unit-mismatch"]["defaultConfiguration"]["level"] == "warning"
    for r in log["runs"][0]["results"]:
        assert log["runs"][0]["tool"]["driver"]["rules"][r["ruleIndex"]]["id"] == r["ruleId"]


def test_fingerprints_are_stable_across_folders(bundled: tuple[int, dict], tmp_path: Path) -> None:
    """The same documents checked from another folder: the same fingerprints (they use the
    document's name, not its path)."""
    import shutil

    dest = tmp_path / "elsewhere"
    shutil.copytree(ROOT / "published", dest)
    _, log = sarif(["check", str(dest), "--format", "sarif", "--no-progress"], cwd=tmp_path)
    valid(log)
    before = sorted(r["partialFingerprints"]["pubcheck/v1"] for r in bundled[1]["runs"][0]["results"])
    after = sorted(r["partialFingerprints"]["pubcheck/v1"] for r in log["runs"][0]["results"])
    assert after == before
