"""Recurring work: a finding's fingerprint survives what does not change it (a line inserted
above, another folder), `--baseline previous.json` says what is new, unchanged and fixed and
`--only-new` gates on new findings only; suppressions in pubcheck.toml move a finding out of the
counts into the report's `suppressed` list, until they expire."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
from pathlib import Path

import pytest

from pubcheck.cli import main

ROOT = Path(__file__).resolve().parents[2]
SJOF = "sjof-2013-04-outcomes-framework.txt"


def run(argv: list[str]) -> tuple[int, dict, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = main([*argv, "--format", "json", "--no-progress"])
    return rc, json.loads(out.getvalue()) if out.getvalue() else {}, err.getvalue()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A draft of the bundled publications: the Outcomes Framework with a note added at its end,
    so it already differs from the manifest (a `document-changed` note, as in real drafting)."""
    d = tmp_path / "drafts"
    d.mkdir()
    for p in [*ROOT.joinpath("published").glob("*.txt"), ROOT / "published" / "pubcheck.toml"]:
        shutil.copyfile(p, d / p.name)
    with (d / SJOF).open("a", encoding="utf-8") as fh:
        fh.write("\nDraft for review.\n")
    return d


def edit(path: Path, lineno: int, old: str, new: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    assert lines[lineno - 1].count(old) == 1, lines[lineno - 1]
    lines[lineno - 1] = lines[lineno - 1].replace(old, new)
    path.write_text("".join(lines), encoding="utf-8")


@pytest.fixture
def baseline(folder: Path, tmp_path: Path) -> Path:
    rc, report, _ = run(["check", str(folder)])
    assert rc == 1 and report["summary"]["error"] == 3
    path = tmp_path / "previous.json"
    path.write_text(json.dumps(report), encoding="utf-8")
    return path


def test_unchanged_folder_has_no_new_findings(folder: Path, baseline: Path) -> None:
    rc, report, _ = run(["check", str(folder), "--baseline", str(baseline)])
    n = len(report["findings"])
    assert report["baseline"] == {"file": str(baseline), "new": 0, "unchanged": n, "fixed": []}
    assert {f["baseline"] for f in report["findings"]} == {"unchanged"}
    assert rc == 1  # without --only-new the run still gates on every error
    rc, report, _ = run(["check", str(folder), "--baseline", str(baseline), "--only-new"])
    assert rc == 0 and report["verdict"]["status"] == "passed"
    assert report["verdict"]["reason"].startswith("no new error finding (--fail-on error, --only-new)")


def test_editing_one_figure_is_one_new_finding(folder: Path, baseline: Path) -> None:
    """Table 4's gap for 2010-11 printed as 25.4 instead of 27.4 (62.5 - 35.1): one new error."""
    edit(folder / SJOF, 226, "27.4%", "25.4%")
    rc, report, _ = run(["check", str(folder), "--baseline", str(baseline), "--only-new"])
    new = [f for f in report["findings"] if f["baseline"] == "new"]
    assert report["baseline"]["new"] == 1 and report["baseline"]["fixed"] == []
    assert [(f["check"], f["severity"], f["locations"][0]["line"]) for f in new] == [("table-identity", "error", 226)]
    assert rc == 1 and report["verdict"]["blocking"] == 1
    assert report["verdict"]["first"]["fingerprint"] == new[0]["fingerprint"]


def test_fixing_a_figure_is_reported_fixed(folder: Path, baseline: Path) -> None:
    """Table 3's 2008-09 gap corrected to 22.2 (75.8 - 53.6): that error is fixed, and the same
    row's other finding (its '%' for points) is unchanged: only the figure a finding is about
    is part of its identity, not its neighbours."""
    edit(folder / SJOF, 215, "22.0%", "22.2%")
    _, report, _ = run(["check", str(folder), "--baseline", str(baseline)])
    fixed = report["baseline"]["fixed"]
    assert [(f["check"], f["severity"]) for f in fixed] == [("table-identity", "error")]
    assert report["baseline"]["new"] == 0


def test_a_line_inserted_above_changes_no_fingerprint(folder: Path, baseline: Path) -> None:
    lines = (folder / SJOF).read_text(encoding="utf-8").splitlines(keepends=True)
    (folder / SJOF).write_text("".join([*lines[:3], "A new paragraph.\n", *lines[3:]]), encoding="utf-8")
    _, report, _ = run(["check", str(folder), "--baseline", str(baseline)])
    assert report["baseline"]["new"] == 0 and report["baseline"]["fixed"] == []
    old = json.loads(baseline.read_text(encoding="utf-8"))
    moved = {f["fingerprint"]: f["locations"][0]["line"] for f in report["findings"]}
    was = {f["fingerprint"]: f["locations"][0]["line"] for f in old["findings"]}
    sjof = [fp for fp, f in zip(moved, report["findings"], strict=True) if f["locations"][0]["document"].endswith(SJOF)]
    below = [fp for fp in sjof if was[fp] > 3]
    assert below and all(moved[fp] == was[fp] + 1 for fp in below)  # the same findings, one line lower


def test_a_baseline_that_is_not_a_report_is_a_clear_error(folder: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2]", encoding="utf-8")
    rc, _, err = run(["check", str(folder), "--baseline", str(bad)])
    assert rc == 2 and "not a pubcheck JSON report" in err and "Traceback" not in err
    rc, _, err = run(["check", str(folder), "--only-new"])
    assert rc == 2 and "--only-new needs --baseline" in err


# ---------------------------------------------------------------- suppressions


def _suppress(folder: Path, entry: str) -> None:
    with (folder / "pubcheck.toml").open("a", encoding="utf-8") as fh:
        fh.write("\n" + entry)


def test_suppressed_findings_are_listed_not_counted(folder: Path, baseline: Path) -> None:
    old = json.loads(baseline.read_text(encoding="utf-8"))
    cross = next(f for f in old["findings"] if f["check"] == "cross-document")
    _suppress(folder, f'[[suppress]]\nfingerprint = "{cross["fingerprint"]}"\nreason = "revised figure, see erratum"\n'
                      'owner = "stats@example.org"\n\n'
                      '[[suppress]]\nrule = "unit-mismatch"\ndocument = "sjof-2013-04-outcomes-framework.txt"\n'
                      'quote = "the gap in attainment at age 11 was 16.8 per cent"\nreason = "house style"\n'
                      'owner = "editor"\nexpires = 2099-12-31\n')  # fmt: skip
    rc, report, _ = run(["check", str(folder)])
    assert report["summary"] == {"error": 2, "warning": old["summary"]["warning"] - 1, "info": old["summary"]["info"]}
    sup = {(f["check"], f["suppression"]["reason"]) for f in report["suppressed"]}
    assert sup == {("cross-document", "revised figure, see erratum"), ("unit-mismatch", "house style")}
    assert all(f["fingerprint"] not in {s["fingerprint"] for s in report["suppressed"]} for f in report["findings"])
    assert rc == 1  # two errors remain


def test_an_expired_suppression_is_a_finding_again(folder: Path, baseline: Path) -> None:
    old = json.loads(baseline.read_text(encoding="utf-8"))
    cross = next(f for f in old["findings"] if f["check"] == "cross-document")
    _suppress(folder, f'[[suppress]]\nfingerprint = "{cross["fingerprint"]}"\nreason = "until the erratum"\n'
                      'owner = "stats"\nexpires = 2020-01-31\n')  # fmt: skip
    _, report, _ = run(["check", str(folder)])
    assert report["suppressed"] == [] and report["summary"]["error"] == 3
    back = next(f for f in report["findings"] if f["check"] == "cross-document")
    assert back["suppression"]["expired"] is True and back["suppression"]["expires"] == "2020-01-31"


@pytest.mark.parametrize(("entry", "says"), [
    ('[[suppress]]\nrule = "x"\nreason = "r"\nowner = "o"\n', "either by fingerprint"),
    ('[[suppress]]\nfingerprint = "abc"\nowner = "o"\n', "needs reason"),
    ('[[suppress]]\nfingerprint = "abc"\nreason = "r"\nowner = "o"\nexpires = "soon"\n', "expires must be a date"),
    ('[[suppress]]\nfingerprint = "abc"\nreason = "r"\nowner = "o"\nwho = "me"\n', "unknown key(s) who"),
])  # fmt: skip
def test_a_bad_suppression_names_the_file_and_entry(folder: Path, entry: str, says: str) -> None:
    _suppress(folder, entry)
    rc, _, err = run(["check", str(folder)])
    assert rc == 2 and "pubcheck.toml" in err and "[[suppress]] #1" in err and says in err
    assert "Traceback" not in err
