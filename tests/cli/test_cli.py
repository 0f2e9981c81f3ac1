"""The command line: exit codes, report formats, unreadable and changed input."""

from __future__ import annotations

import collections
import contextlib
import hashlib
import html
import io
import json
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from rich.console import Console

from pubcheck.cli import main
from pubcheck.cli.pipeline import check
from pubcheck.model import SEVERITIES
from pubcheck.report.console import render_console

ROOT = Path(__file__).resolve().parents[2]
PUBLISHED = ROOT / "published"
DOCS = sorted(p.name for p in PUBLISHED.glob("*.txt"))
LOADER_CHECKS = {"document-changed", "document-unknown", "unreadable-input"}


def run(argv: list[str]) -> tuple[int, str, str]:
    """Call the CLI in-process, capturing what it writes."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = main(argv)
    return rc, out.getvalue(), err.getvalue()


def flat(text: str) -> str:
    """Text without line breaks or runs of spaces (rich wraps long lines at 80 columns)."""
    return "".join(text.split())


@pytest.fixture(scope="module")
def bundled() -> tuple[int, dict, str]:
    rc, out, err = run(["check", "--format", "json", "--no-progress"])
    return rc, json.loads(out), err


def copy_published(dest: Path, *, manifest: bool = True) -> Path:
    dest.mkdir(parents=True)
    for name in DOCS:
        shutil.copyfile(PUBLISHED / name, dest / name)
    if manifest:
        shutil.copyfile(PUBLISHED / "manifest.json", dest / "manifest.json")
    shutil.copyfile(PUBLISHED / "pubcheck.toml", dest / "pubcheck.toml")  # their registry
    return dest


# ---------------------------------------------------------------- exit codes


def test_check_bundled_exits_1_on_genuine_errors(bundled: tuple[int, dict, str]) -> None:
    rc, report, _ = bundled
    assert rc == 1
    assert report["summary"]["error"] >= 1
    errors = [f for f in report["findings"] if f["severity"] == "error"]
    assert errors
    # none of the errors is about the input itself: the bundled copies match the manifest
    assert not {f["check"] for f in errors} & LOADER_CHECKS
    assert not {f["check"] for f in report["findings"]} & {"rule-error", "extraction-error"}
    assert report["unreadable"] == []


def test_check_explicit_dir_matches_default(bundled: tuple[int, dict, str]) -> None:
    rc, out, _ = run(["check", str(PUBLISHED), "--format", "json", "--no-progress"])
    assert rc == bundled[0]
    assert json.loads(out)["summary"] == bundled[1]["summary"]


def test_select_warning_only_rule_respects_fail_on() -> None:
    rc, out, _ = run(["check", "--select", "unit-mismatch", "--fail-on", "error",
                      "--format", "json", "--no-progress"])  # fmt: skip
    assert rc == 0
    report = json.loads(out)
    assert report["findings"], "unit-mismatch reports warnings on the bundled documents"
    assert {f["check"] for f in report["findings"]} == {"unit-mismatch"}
    assert {f["severity"] for f in report["findings"]} == {"warning"}

    rc, _, _ = run(["check", "--select", "unit-mismatch", "--fail-on", "warning",
                    "--format", "json", "--no-progress"])  # fmt: skip
    assert rc == 1


def test_fail_on_info_counts_info_findings() -> None:
    rc, out, _ = run(["check", "--select", "untraced", "--format", "json", "--no-progress"])
    report = json.loads(out)
    assert {f["severity"] for f in report["findings"]} == {"info"}
    assert rc == 0  # default --fail-on error
    rc, _, _ = run(["check", "--select", "untraced", "--fail-on", "info", "--no-progress",
                    "--format", "json"])  # fmt: skip
    assert rc == 1


def test_ignore_removes_the_rule(bundled: tuple[int, dict, str]) -> None:
    before = collections.Counter(f["check"] for f in bundled[1]["findings"])
    assert before["untraced"] > 0
    rc, out, _ = run(["check", "--ignore", "untraced", "--format", "json", "--no-progress"])
    after = collections.Counter(f["check"] for f in json.loads(out)["findings"])
    assert after["untraced"] == 0
    del before["untraced"]
    assert after == before
    assert rc == 1


@pytest.mark.parametrize("option", ["--select", "--ignore"])
def test_unknown_rule_id_exits_2(option: str) -> None:
    rc, out, err = run(["check", option, "unit-mismatch,no-such-rule", "--no-progress"])
    assert rc == 2
    assert "no-such-rule" in err
    assert "unknown rule id" in err
    assert "Traceback" not in err
    assert "unit-mismatch" in err  # the known ids are listed to help
    assert out == ""


def test_nonexistent_dir_exits_2_without_traceback(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-folder"
    rc, out, err = run(["check", str(missing), "--no-progress"])
    assert rc == 2
    assert str(missing) in err
    assert "no such file or directory" in err
    assert "Traceback" not in err
    rc, _, err = run(["figures", str(missing)])
    assert rc == 2
    assert str(missing) in err and "Traceback" not in err


@pytest.mark.parametrize(
    "argv",
    [["check", "--format", "pdf"], ["check", "--fail-on", "fatal"], ["frobnicate"], []],
)
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "usage: pubcheck" in err
    assert "Traceback" not in err


def test_unreadable_file_exits_2_and_good_documents_are_still_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    good = "sjof-2013-04-outcomes-framework.txt"
    shutil.copyfile(PUBLISHED / good, docs / good)
    (docs / "bad.txt").write_bytes(b"\xff\xfe bad")
    monkeypatch.chdir(tmp_path)

    rc, out, err = run(["check", "docs", "--format", "json", "--no-progress"])
    assert rc == 2
    assert "docs/bad.txt" in flat(err)
    assert "Traceback" not in err
    report = json.loads(out)
    assert report["unreadable"] == ["docs/bad.txt"]
    assert [d["path"] for d in report["documents"]] == [f"docs/{good}"]
    bad = [f for f in report["findings"] if f["check"] == "unreadable-input"]
    assert len(bad) == 1
    assert bad[0]["severity"] == "error"
    assert "docs/bad.txt" in bad[0]["message"]
    assert "UTF-8" in bad[0]["message"]
    assert bad[0]["found"] == "invalid byte 0xff"
    assert bad[0]["locations"][0]["document"] == "docs/bad.txt"
    assert bad[0]["locations"][0]["line"] == 1
    from_good = [f for f in report["findings"]
                 if f["locations"] and f["locations"][0]["document"] == f"docs/{good}"
                 and f["check"] not in LOADER_CHECKS]  # fmt: skip
    assert from_good, "findings of the readable document are still reported"
    assert any(f["severity"] == "error" for f in from_good)


def test_unreadable_file_in_console_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "bad.txt").write_bytes(b"ok line\n\xff\xfe bad")
    monkeypatch.chdir(tmp_path)
    rc, out, err = run(["check", "docs", "--no-progress"])
    assert rc == 2
    assert "docs/bad.txt" in flat(out)
    assert "line 2" in out  # the bad byte stands on the second line
    assert "Traceback" not in out + err


# ---------------------------------------------------------------- JSON report


def test_json_report_shape(bundled: tuple[int, dict, str]) -> None:
    _, report, _ = bundled
    assert {"documents", "findings", "summary"} <= set(report)
    assert len(report["documents"]) == len(DOCS)
    for d in report["documents"]:
        assert {"path", "sha256", "figures"} <= set(d)
        assert re.fullmatch(r"[0-9a-f]{64}", d["sha256"])
        assert isinstance(d["figures"], int) and d["figures"] > 0
    assert report["findings"]
    for f in report["findings"]:
        assert {"check", "severity", "message", "expected", "found", "locations"} <= set(f)
        assert f["severity"] in SEVERITIES
        assert f["message"] and isinstance(f["expected"], str) and isinstance(f["found"], str)
        assert f["locations"], f
        for loc in f["locations"]:
            assert {"document", "line", "quote"} <= set(loc)
            assert isinstance(loc["line"], int) and loc["line"] >= 1
            assert loc["document"] in {d["path"] for d in report["documents"]}


def test_json_summary_counts_the_findings(bundled: tuple[int, dict, str]) -> None:
    _, report, _ = bundled
    counted = collections.Counter(f["severity"] for f in report["findings"])
    assert report["summary"] == {s: counted.get(s, 0) for s in SEVERITIES}


def test_json_document_checksums_match_the_bytes_and_manifest(
    bundled: tuple[int, dict, str],
) -> None:
    manifest = json.loads((PUBLISHED / "manifest.json").read_text(encoding="utf-8"))
    by_file = {e["file"]: e for e in manifest["documents"]}
    for d in bundled[1]["documents"]:
        name = Path(d["path"]).name
        assert d["sha256"] == hashlib.sha256((PUBLISHED / name).read_bytes()).hexdigest()
        assert d["sha256"] == by_file[name]["sha256"]
        assert d["manifest_id"] == by_file[name]["id"]


def test_json_locations_point_at_the_quoted_line(bundled: tuple[int, dict, str]) -> None:
    for f in bundled[1]["findings"]:
        for loc in f["locations"]:
            path = PUBLISHED / Path(loc["document"]).name
            line = path.read_text(encoding="utf-8").splitlines()[loc["line"] - 1]
            words = loc["quote"].split()[:3]
            assert " ".join(words) in " ".join(line.split()), (loc, line)


def test_output_file(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    rc, out, err = run(["check", "--format", "json", "--output", str(target), "--no-progress"])
    assert rc == 1
    assert out == ""
    report = json.loads(target.read_text(encoding="utf-8"))
    s = report["summary"]
    assert f"{s['error']} errors, {s['warning']} warnings, {s['info']} info" in " ".join(err.split())


def test_single_file_target() -> None:
    sjof = PUBLISHED / "sjof-2013-04-outcomes-framework.txt"
    rc, out, _ = run(["check", str(sjof), "--format", "json", "--no-progress"])
    report = json.loads(out)
    assert [Path(d["path"]).name for d in report["documents"]] == [sjof.name]
    assert rc == (1 if report["summary"]["error"] else 0)


# ---------------------------------------------------------------- other formats


def test_junit_report(bundled: tuple[int, dict, str]) -> None:
    """One testcase per check that ran, named by its id (no counters, no paths); a rule fails
    only for findings at or above --fail-on (errors, by default): warnings and info are its
    system-out, and it passes."""
    from pubcheck.publication.registry import registered

    rc, out, _ = run(["check", "--format", "junit", "--no-progress"])
    assert rc == 1
    root = ET.fromstring(out)
    assert root.tag == "testsuites"
    cases = {c.get("name"): c for c in root.iter("testcase")}
    assert set(registered()) <= set(cases)
    assert int(root.get("tests", "0")) == len(cases) == len(list(root.iter("testcase")))
    failed = sorted(n for n, c in cases.items() if c.find("failure") is not None)
    assert failed == ["cross-document", "missing-bounds", "table-identity"]
    assert int(root.get("failures", "0")) == 3 == bundled[1]["summary"]["error"]
    assert cases["unit-mismatch"].find("failure") is None
    assert "WARNING unit-mismatch" in (cases["unit-mismatch"].findtext("system-out") or "")
    assert all(not c.get("classname", "").startswith("/") for c in cases.values())  # paths as the user typed
    assert not any("#" in n or re.search(r":\d+$", n) for n in cases)


def test_paths_are_relative_to_where_the_command_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """An absolute DIR under the current folder is reported as the user would type it from here."""
    monkeypatch.chdir(ROOT)
    rc, out, err = run(["check", str(PUBLISHED), "--format", "json", "--no-progress"])
    report = json.loads(out)
    assert report["target"] == "published"
    assert all(d["path"].startswith("published/") for d in report["documents"])
    assert all(loc["document"].startswith("published/") for f in report["findings"] for loc in f["locations"])
    assert str(ROOT) not in out


def test_junit_lists_unselected_rules_as_skipped() -> None:
    rc, out, _ = run(["check", "--select", "unit-mismatch,prose-table", "--format", "junit", "--no-progress",
                      "--fail-on", "warning"])  # fmt: skip
    root = ET.fromstring(out)
    cases = {c.get("name"): c for c in root.iter("testcase")}
    ran = {n for n, c in cases.items() if c.find("skipped") is None}
    assert ran == {"unit-mismatch", "prose-table"}
    skipped = [c.find("skipped") for n, c in cases.items() if n not in ran]
    assert skipped and all(s is not None and s.get("message") == "not selected (--select)" for s in skipped)
    assert int(root.get("skipped", "0")) == len(skipped)
    assert rc == 1 and int(root.get("failures", "0")) == 2  # --fail-on warning: both fail


def test_html_report(tmp_path: Path, bundled: tuple[int, dict, str]) -> None:
    target = tmp_path / "report.html"
    rc, out, _ = run(["check", "--format", "html", "--output", str(target), "--no-progress"])
    assert rc == 1
    assert out == ""
    page = target.read_text(encoding="utf-8")
    assert page.lstrip().lower().startswith("<!doctype html>")
    assert "<table" in page
    errors = [f for f in bundled[1]["findings"] if f["severity"] == "error"]
    assert errors
    for f in errors:
        assert html.escape(f["message"]) in page
    assert page.count("<tr class=") == len(bundled[1]["findings"])


def test_html_escapes_markup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a<b>.txt").write_bytes(b"\xff")
    monkeypatch.chdir(tmp_path)
    rc, _, _ = run(["check", "docs", "--format", "html", "--output", "r.html", "--no-progress"])
    assert rc == 2
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "a&lt;b&gt;.txt" in page
    assert "a<b>.txt" not in page


def test_markdown_report(bundled: tuple[int, dict, str]) -> None:
    rc, out, _ = run(["check", "--format", "markdown", "--no-progress"])
    assert rc == 1
    lines = out.splitlines()
    assert "| severity | check | location | message | expected | found |" in lines
    assert "|---|---|---|---|---|---|" in lines
    rows = [ln for ln in lines if ln.startswith("| ") and not ln.startswith("| severity")]
    assert len(rows) == len(bundled[1]["findings"])
    s = bundled[1]["summary"]
    assert f"**{s['error']} errors, {s['warning']} warnings, {s['info']} info**" in out


# ---------------------------------------------------------------- changed documents


def test_changed_document_is_reported_and_still_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bundled: tuple[int, dict, str]
) -> None:
    docs = copy_published(tmp_path / "docs")
    changed = "csq-blog-2013-07-offenders-find-work.txt"
    with (docs / changed).open("a", encoding="utf-8") as fh:
        fh.write("\nA late correction was added to this draft.\n")
    monkeypatch.chdir(tmp_path)

    rc, out, _ = run(["check", "docs", "--format", "json", "--no-progress"])
    report = json.loads(out)
    notes = [f for f in report["findings"] if f["check"] == "document-changed"]
    assert len(notes) == 1
    note = notes[0]
    assert note["severity"] == "info"
    assert f"docs/{changed}" in note["message"]
    assert "csq-blog-2013-07" in note["message"]  # the manifest id
    assert note["locations"][0]["document"] == f"docs/{changed}"
    new_sha = hashlib.sha256((docs / changed).read_bytes()).hexdigest()
    assert new_sha in note["found"]
    # the checks still ran on every document, including the changed one
    assert len(report["documents"]) == len(DOCS)
    assert {d["path"] for d in report["documents"]} == {f"docs/{n}" for n in DOCS}
    others = [f for f in report["findings"] if f["check"] not in LOADER_CHECKS]
    assert len(others) == len(bundled[1]["findings"])
    assert rc == 1
    # no other document is flagged
    assert not [f for f in report["findings"] if f["check"] == "document-unknown"]


def test_unchanged_copy_with_manifest_has_no_loader_findings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy_published(tmp_path / "docs")
    monkeypatch.chdir(tmp_path)
    _, out, _ = run(["check", "docs", "--format", "json", "--no-progress", "--select",
                     "cross-document"])  # fmt: skip
    report = json.loads(out)
    assert not [f for f in report["findings"] if f["check"] in LOADER_CHECKS]


def test_document_not_in_manifest_is_noted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    docs = copy_published(tmp_path / "docs")
    (docs / "new-note.txt").write_text("A new note with 12 per cent in it.\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    _, out, _ = run(["check", "docs", "--format", "json", "--no-progress", "--select",
                     "cross-document"])  # fmt: skip
    unknown = [f for f in json.loads(out)["findings"] if f["check"] == "document-unknown"]
    assert [f["locations"][0]["document"] for f in unknown] == ["docs/new-note.txt"]
    assert unknown[0]["severity"] == "info"


# ---------------------------------------------------------------- rich console


def test_render_console() -> None:
    report = check(PUBLISHED)
    report.decide("error")
    console = Console(file=io.StringIO(), width=100)
    render_console(report, console)
    text = console.file.getvalue()  # type: ignore[attr-defined]
    s = report.summary()
    n_figures = sum(d.figures for d in report.documents)
    assert (f"{s['error']} errors, {s['warning']} warnings, {s['info']} info in "
            f"{len(report.documents)} documents ({n_figures} figures)") in text  # fmt: skip
    for f in report.findings:
        assert f.message in text  # whole: never wrapped outside a terminal
        for loc in f.locations:
            assert f"at line {loc.line} " in text or f"at {loc.document}:{loc.line} " in text
    assert "ERROR" in text and "WARNING" in text
    assert "expected:" in text and "found:" in text


def test_console_format_via_cli() -> None:
    rc, out, _ = run(["check", "--no-progress"])
    assert rc == 1
    assert re.search(r"\d+ errors, \d+ warnings, \d+ info in 5 documents", out)
    assert re.search(r"sjof-2013-04-outcomes-framework\.txt:\d+", out)
    assert max(len(line) for line in out.splitlines()) > 120  # not a terminal: no hard wrap


# ---------------------------------------------------------------- other commands


def test_rules_lists_every_rule_id() -> None:
    from pubcheck.publication.registry import registered

    registry = registered()
    rc, out, _ = run(["rules"])
    assert rc == 0
    assert registry
    for rid in registry:
        assert rid in out
    assert "unit-mismatch" in out


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    from pubcheck import __version__

    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert __version__ in capsys.readouterr().out


# ---------------------------------------------------------------- installed console script


def _script() -> list[str]:
    exe = Path(sys.executable).with_name("pubcheck")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "pubcheck.cli"]


def test_console_script_end_to_end(tmp_path: Path) -> None:
    proc = subprocess.run(
        [*_script(), "check", str(PUBLISHED), "--format", "json", "--no-progress"],
        capture_output=True, text=True, timeout=300, cwd=tmp_path,
    )  # fmt: skip
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)
    assert report["summary"]["error"] >= 1
    proc = subprocess.run(
        [*_script(), "check", str(tmp_path / "missing")],
        capture_output=True, text=True, timeout=300, cwd=tmp_path,
    )  # fmt: skip
    assert proc.returncode == 2
    assert "no such file or directory" in proc.stderr
    assert "Traceback" not in proc.stderr


# ---------------------------------------------------------------- regressions

# A relative change printed in per cent that is really the difference of two percentages:
# the prose-table rule reports it under the check id 'unit-mismatch'.
UNHAPPY = (
    "Key findings\n\n"
    "The share of children whose parents report an unhappy relationship rose by 3 per cent "
    "in 2011-12 compared with 2009-10.\n\n"
    "Table 7. Children whose parents report an unhappy relationship\n"
    "Year\tPer cent\n2009-10\t20\n2011-12\t23\n"
)


def _unhappy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "doc.txt").write_text(UNHAPPY, encoding="utf-8")
    shutil.copyfile(PUBLISHED / "pubcheck.toml", tmp_path / "pubcheck.toml")  # a draft of the framework
    monkeypatch.chdir(tmp_path)
    return tmp_path / "doc.txt"


def test_points_printed_as_per_cent_is_a_unit_mismatch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _unhappy(tmp_path, monkeypatch)
    rc, out, _ = run(["check", "doc.txt", "--format", "json", "--no-progress",
                      "--fail-on", "warning"])  # fmt: skip
    found = [f for f in json.loads(out)["findings"] if f["check"] == "unit-mismatch"]
    assert len(found) == 1
    assert "3 per cent" in found[0]["message"]
    assert rc == 1


# Regression: --ignore unit-mismatch used to leave the 'unit-mismatch' finding emitted by the
# prose-table rule (ignore filtered rules, not the findings' check ids).
def test_ignore_hides_every_finding_with_that_check_id(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _unhappy(tmp_path, monkeypatch)
    rc, out, _ = run(["check", "doc.txt", "--format", "json", "--no-progress",
                      "--ignore", "unit-mismatch", "--fail-on", "warning"])  # fmt: skip
    assert [f for f in json.loads(out)["findings"] if f["check"] == "unit-mismatch"] == []
    assert rc == 0


# Regression: --select unit-mismatch used to miss the 'unit-mismatch' finding emitted by the
# prose-table rule, so --fail-on warning exited 0 although such a warning existed.
def test_select_finds_every_finding_with_that_check_id(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _unhappy(tmp_path, monkeypatch)
    rc, out, _ = run(["check", "doc.txt", "--format", "json", "--no-progress",
                      "--select", "unit-mismatch", "--fail-on", "warning"])  # fmt: skip
    assert [f["check"] for f in json.loads(out)["findings"]
            if f["check"] not in LOADER_CHECKS] == ["unit-mismatch"]  # fmt: skip
    assert rc == 1


def test_output_into_missing_folder_exits_2_without_traceback(tmp_path: Path) -> None:
    target = tmp_path / "no-such-folder" / "report.json"
    rc, _, err = run(["check", "--format", "json", "--output", str(target), "--no-progress"])
    assert rc == 2
    assert "Traceback" not in err
    assert "report.json" in flat(err)
