"""`pubcheck rules` lists every check id of check, validate, refresh and fetch, with its severity
and one line (console and JSON), from checks/catalog.toml and the rule registry; every id the
code can report is there and nothing else. Every command's --help has examples and exit codes."""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path

import pytest

from pubcheck.cli import main

ROOT = Path(__file__).resolve().parents[2]


def run(argv: list[str]) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        try:
            rc = main(argv)
        except SystemExit as exc:  # --help
            rc = int(exc.code or 0)
    return rc, out.getvalue()


def reported_ids() -> set[str]:
    """Every check id the source can put in a finding: check="...", _finding("..."), the
    module constants that name check ids, and the registered rules."""
    from pubcheck.publication.registry import registered

    ids: set[str] = set(registered())
    for p in (ROOT / "src" / "pubcheck").rglob("*.py"):
        text = p.read_text(encoding="utf-8")
        ids |= set(re.findall(r'check="([a-z][a-z-]+)"', text))
        ids |= set(re.findall(r'_finding\(\s*"([a-z][a-z-]+)"', text))
        ids |= set(re.findall(r'_finding\(\s*src,\s*"([a-z][a-z-]+)"', text))
        ids |= set(re.findall(r'_Fail\(\s*"([a-z][a-z-]+)"', text))
        ids |= set(re.findall(r'^(?:CHECK\w*|CONTRACT|STRUCTURE|UNREADABLE) = "([a-z][a-z-]+)"', text, re.M))
        ids |= set(re.findall(r'CheckRun\(\s*"([a-z][a-z-]+)"', text))
    return ids


def test_every_reported_id_is_listed_and_nothing_else() -> None:
    rc, out = run(["rules", "--format", "json"])
    assert rc == 0
    listed = {c["id"] for c in json.loads(out)["checks"]}
    assert listed == reported_ids()


def test_json_entries_have_severity_commands_and_one_line() -> None:
    checks = {c["id"]: c for c in json.loads(run(["rules", "--format", "json"])[1])["checks"]}
    assert checks["unit-mismatch"]["severity"] == "warning" and checks["unit-mismatch"]["command"] == "check"
    assert checks["intake"]["command"] == "refresh" and checks["gx-expectation"]["severity"] == "error"
    assert checks["extract-contract"]["command"] == "validate, refresh"
    for c in checks.values():
        assert c["summary"] and "\n" not in c["summary"]
        assert {s.strip() for s in c["severity"].split(",")} <= {"error", "warning", "info"}
    assert "Table identities hold within rounding" in checks["table-identity"]["help"]


def test_console_lists_each_id_once_with_its_severity() -> None:
    rc, out = run(["rules"])
    assert rc == 0
    lines = [ln for ln in out.splitlines() if ln and not ln.startswith(tuple("0123456789"))]
    first_words = [ln.split()[0] for ln in lines]
    assert sorted(first_words) == sorted(reported_ids())
    row = next(ln for ln in lines if ln.startswith("refresh-rate-shift "))
    assert "error, warning" in row and "[refresh]" in row
    assert "    " not in row.split("  ", 2)[-1].strip()  # no raw docstring indentation


@pytest.mark.parametrize("command", ["check", "validate", "refresh", "figures", "fetch", "rules", None])
def test_every_help_has_examples_and_exit_codes(command: str | None) -> None:
    rc, out = run([command, "--help"] if command else ["--help"])
    assert rc == 0
    assert "examples:\n  pubcheck " in out
    assert "exit codes:\n  0  " in out and "\n  2  " in out
