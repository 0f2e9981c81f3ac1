"""The console report, read like pytest's: errors, then warnings, then info, each grouped by
document; a short summary (counts by check, the checks, the exit code's reason); whole lines
outside a terminal (CI logs), hanging indents in one; correct plurals. Rendered as rich tests
itself: Console(file=StringIO(), width=100); the expected text is written here by hand."""

from __future__ import annotations

import io
import re
from pathlib import Path

from rich.console import Console

from pubcheck.cli.pipeline import check
from pubcheck.model import CheckRun, Finding, Location
from pubcheck.report import DocumentSummary, Report
from pubcheck.report.console import render_console

PUBLISHED = Path(__file__).resolve().parents[2] / "published"
LONG = ("the gap should equal all other pupils minus FSM pupils (75.8% - 53.6% = 22.2), but prints 22.0%, "
        "see https://example.org/a/very/long/address/that/must/never/be/split/in/a/ci/log")  # fmt: skip


def small() -> Report:
    def f(check: str, sev: str, doc: str, line: int, msg: str) -> Finding:
        return Finding(check, sev, msg, "x", "y", (Location(doc, line, f"quote of {msg}"),))

    findings = [
        f("unit-mismatch", "warning", "a.txt", 3, "per cent for points"),
        f("untraced", "info", "a.txt", 5, "no source"),
        f("table-identity", "error", "b.txt", 9, LONG),
        f("cross-document", "error", "a.txt", 7, "40 per cent vs 39 per cent"),
    ]
    runs = [CheckRun("table-identity", stage="rule"), CheckRun("cross-document", stage="rule"),
            CheckRun("unit-mismatch", stage="rule"), CheckRun("untraced", stage="rule"),
            CheckRun("base-mismatch", stage="rule", status="skipped", reason="not selected (--select)")]  # fmt: skip
    r = Report("drafts", [DocumentSummary("a.txt", "0" * 64, 1, 0), DocumentSummary("b.txt", "1" * 64, 1, 0)],
               findings, runs=runs)  # fmt: skip
    r.decide("error")
    return r


def render(report: Report, **kw) -> str:  # type: ignore[no-untyped-def]
    buf = io.StringIO()
    render_console(report, Console(file=buf, width=100, **kw))
    return buf.getvalue()


def test_errors_then_warnings_then_info_grouped_by_document() -> None:
    text = render(small())
    heads = [ln for ln in text.splitlines() if ln.startswith("===")]
    assert heads == ["=== errors (2) ===", "=== warnings (1) ===", "=== info (1) ===", "=== short summary ==="]
    errors = text[text.index("=== errors"):text.index("=== warnings")]
    # within errors: document a.txt (first seen) then b.txt, each finding under its document
    assert re.search(r"a\.txt\n  ERROR cross-document: 40 per cent vs 39 per cent\n      at line 7 ", errors)
    assert re.search(r"b\.txt\n  ERROR table-identity: the gap", errors)


def test_no_hard_wrap_outside_a_terminal() -> None:
    text = render(small())
    assert f"ERROR table-identity: {LONG}\n" in text  # one line, URL whole, at width 100


def test_hanging_indent_in_a_terminal() -> None:
    text = render(small(), force_terminal=True, color_system=None)
    lines = text.splitlines()
    first = next(i for i, ln in enumerate(lines) if "ERROR table-identity:" in ln)
    assert len(lines[first]) <= 100
    start = lines[first].index("table-identity")
    cont = lines[first + 1]
    assert cont[:start].strip() == "" and cont[start:].strip()  # continues under the text, not the label


def test_short_summary_and_verdict_line() -> None:
    text = render(small())
    summary = text[text.index("=== short summary ==="):]
    assert "cross-document 1 error\n" in summary and "unit-mismatch  1 warning\n" in summary
    assert "untraced       1 info\n" in summary
    assert "5 checks: 2 passed, 2 failed, 1 skipped" in summary
    assert "skipped base-mismatch: not selected (--select)" in summary
    assert text.rstrip().splitlines()[-1] == (
        "FAILED (exit 1): 2 errors, 1 warning, 1 info in 2 documents (2 figures); 2 error findings (--fail-on error)")


def test_plurals_and_a_passing_run() -> None:
    r = Report("drafts", [DocumentSummary("a.txt", "0" * 64, 1, 0)], [], runs=[CheckRun("untraced", stage="rule")])
    r.decide("error")
    last = render(r).rstrip().splitlines()[-1]
    assert last == "PASSED (exit 0): 0 errors, 0 warnings, 0 info in 1 document (1 figure); no error finding " \
                   "(--fail-on error)"


def test_console_report_names_both_places_of_the_39_vs_40_case(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(PUBLISHED.parent)
    report = check(Path("published"))
    report.decide("error")
    text = render(report)
    block = re.search(r"ERROR cross-document: indicator 5a.*?(?=\n  (?:ERROR|WARNING|INFO)|\n===)", text, re.S)
    assert block, text[:2000]
    b = block.group(0)
    assert "40 per cent" in b and "39 per cent" in b
    assert "at line 79 " in b  # under its document's heading
    assert "at published/sjof-2013-04-outcomes-framework.txt:392 " in b
    assert "[38.5, 39.5)" in b
