"""The console report (rich): findings grouped by document and rule, each with its places
and quotes, then the extracts and a summary line."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from pubcheck.model import Finding
from pubcheck.report.common import STYLE, _doc_of, _quote

if TYPE_CHECKING:
    from pubcheck.report import Report


def render_console(report: Report, console: Console) -> None:
    console.print(Text(f"pubcheck report: {report.target}", style="bold"))
    if report.documents:
        docs = ", ".join(f"{d.path} ({d.figures} figures)" for d in report.documents)
        console.print(Text(f"{len(report.documents)} documents: {docs}", style="dim"))
    by_doc: dict[str, list[Finding]] = defaultdict(list)
    for f in report.findings:
        by_doc[_doc_of(f)].append(f)
    for doc, findings in by_doc.items():
        console.print(Rule(Text(doc, style="bold"), align="left"))
        by_check: dict[str, list[Finding]] = defaultdict(list)
        for f in findings:
            by_check[f.check].append(f)
        for check, fs in by_check.items():
            console.print(Text(f"  {check}", style="bold underline"))
            for f in fs:
                head = Text("  ")
                head.append(f"{f.severity.upper():7}", style=STYLE[f.severity])
                head.append(" ")
                head.append(f.message)
                console.print(head)
                for loc in f.locations:
                    console.print(f"      [dim]at[/] [bold]{escape(loc.label())}[/]  "
                                  f"[italic]{escape(_quote(loc.quote, figure=loc.figure))}[/]")  # fmt: skip
                detail = f"      expected: {escape(f.expected)}   found: {escape(f.found)}"
                if f.interval:
                    detail += f"   [dim]rounding: {escape(f.interval)}[/]"
                console.print(detail)
    if report.extracts:
        t = Table(title="Source extracts", title_justify="left")
        for col in ("extract", "file", "rows", "seconds", "findings"):
            t.add_column(col, justify="right" if col in ("rows", "seconds", "findings") else "left")
        for e in report.extracts:
            t.add_row(e.stem, escape(e.path), f"{e.rows:,}", f"{e.seconds:.2f}", str(e.findings))
        console.print(t)
        if report.recomputed:
            ok = sum(1 for c in report.recomputed if c.supported)
            console.print(f"Recomputed from the extracts: {ok} of {len(report.recomputed)} published figures "
                          "reproduced within their rounding.")  # fmt: skip
    s = report.summary()
    console.print(Rule())
    line = Text()
    line.append(f"{s['error']} errors", style=STYLE["error"] if s["error"] else "green")
    line.append(", ")
    line.append(f"{s['warning']} warnings", style=STYLE["warning"] if s["warning"] else "green")
    line.append(f", {s['info']} info")
    if report.documents:
        line.append(f" in {len(report.documents)} documents ({sum(d.figures for d in report.documents)} figures)")
    if report.extracts:
        joiner = " and" if report.documents else " in"
        line.append(f"{joiner} {len(report.extracts)} extracts ({sum(e.rows for e in report.extracts):,} rows)")
    if report.unreadable:
        line.append(f"; unreadable: {', '.join(report.unreadable)}", style="bold red")
    if report.hidden:
        line.append(f"; {report.hidden} figures not compared (--verbose shows why)", style="dim")
    console.print(line)
