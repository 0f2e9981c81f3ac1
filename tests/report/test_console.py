"""The must-show case in the console report: the drug-treatment completion rate printed as 40
per cent in One year on and 39 per cent in the Outcomes Framework, both places named."""

from __future__ import annotations

import io
import re
from pathlib import Path

from rich.console import Console

from pubcheck.cli.pipeline import check
from pubcheck.report.console import render_console

PUBLISHED = Path(__file__).resolve().parents[2] / "published"


def test_console_report_names_both_places_of_the_39_vs_40_case(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(PUBLISHED.parent)
    report = check(Path("published"))
    buf = io.StringIO()
    render_console(report, Console(file=buf, width=100, no_color=True))
    text = buf.getvalue()
    # the finding block: from the cross-document ERROR line to the next severity word
    block = re.search(r"ERROR +indicator 5a.*?(?=\n  (?:ERROR|WARNING|INFO|\S))", text, re.S)
    assert block, text[:2000]
    b = block.group(0)
    assert "40 per cent" in b and "39 per cent" in b
    assert "at published/sj-transforming-lives-one-year-on-2013-04.txt:79" in b
    assert "at published/sjof-2013-04-outcomes-framework.txt:392" in b
    assert "rounding:" not in b or "[38.5, 39.5)" in b
    summary = text.strip().splitlines()[-1]
    s = report.summary()
    assert summary.startswith(f"{s['error']} errors, {s['warning']} warnings, {s['info']} info")
