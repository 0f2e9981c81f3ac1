"""Renderers: each takes (report, console) and presents it. They never compute findings."""

from __future__ import annotations

import csv
import html
import io
import json
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from pubcheck.model import Figure, Finding
from pubcheck.report import Report

STYLE = {"error": "bold red", "warning": "bold yellow", "info": "cyan"}


def _doc_of(f: Finding) -> str:
    return f.locations[0].document if f.locations else "(run)"


def _quote(q: str, width: int = 110, figure: str | None = None) -> str:
    """The quote, cut to `width` around the figure it is about."""
    q = " ".join(q.split())
    if len(q) <= width:
        return q
    at = q.find(figure) if figure else -1
    if at < 0:
        return q[: width - 1] + "…"
    start = max(0, min(at - width // 3, len(q) - width))
    cut = q[start : start + width]
    return ("…" if start > 0 else "") + cut + ("…" if start + width < len(q) else "")


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
    console.print(line)


def render_json(report: Report, console: Console) -> None:
    console.file.write(json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n")


def render_junit(report: Report, console: Console) -> None:
    """One testsuite per rule, one testcase per finding (info findings as passing cases
    with output), and a passing case for every rule with nothing to say."""
    from pubcheck.publication.registry import REGISTRY

    root = ET.Element("testsuites", name="pubcheck", tests="0", failures="0")
    total = failures = 0
    by_check: dict[str, list[Finding]] = defaultdict(list)
    for f in report.findings:
        by_check[f.check].append(f)
    for check in list(REGISTRY) + [c for c in by_check if c not in REGISTRY]:
        fs = by_check.get(check, [])
        suite = ET.SubElement(root, "testsuite", name=check)
        n_fail = 0
        if not fs:
            ET.SubElement(suite, "testcase", classname=check, name=f"{check}: no findings")
            total += 1
        for i, f in enumerate(fs, start=1):
            where = f.locations[0].label() if f.locations else "(run)"
            case = ET.SubElement(suite, "testcase", classname=check, name=f"{where} #{i}")
            total += 1
            body = "\n".join([f.message, f"expected: {f.expected}", f"found: {f.found}"]
                             + ([f"rounding: {f.interval}"] if f.interval else [])
                             + [f"at {loc.label()}: {loc.quote}" for loc in f.locations])  # fmt: skip
            if f.severity in ("error", "warning"):
                el = ET.SubElement(case, "failure", message=f.message, type=f.severity)
                el.text = body
                n_fail += 1
            else:
                ET.SubElement(case, "system-out").text = body
        suite.set("tests", str(max(1, len(fs))))
        suite.set("failures", str(n_fail))
        failures += n_fail
    root.set("tests", str(total))
    root.set("failures", str(failures))
    ET.indent(root)
    console.file.write('<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n")


def render_markdown(report: Report, console: Console) -> None:
    s = report.summary()
    out = [f"# pubcheck report: {report.target}", "",
           f"**{s['error']} errors, {s['warning']} warnings, {s['info']} info** in "
           f"{len(report.documents)} documents.", "",
           "| severity | check | location | message | expected | found |",
           "|---|---|---|---|---|---|"]  # fmt: skip
    if report.recomputed:
        ok = sum(1 for c in report.recomputed if c.supported)
        out[3:3] = [f"Recomputed from the extracts: {ok} of {len(report.recomputed)} published figures "
                    "reproduced within their rounding.", ""]  # fmt: skip
    for f in report.findings:
        where = "<br>".join(loc.label() for loc in f.locations) or "(run)"
        cells = [f.severity, f.check, where, f.message, f.expected, f.found]
        out.append("| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |")
    console.file.write("\n".join(out) + "\n")


def render_html(report: Report, console: Console) -> None:
    s = report.summary()
    e = html.escape
    rows = []
    for f in report.findings:
        locs = "".join(f"<li><code>{e(loc.label())}</code> <q>{e(_quote(loc.quote, 200, loc.figure))}</q></li>"
                       for loc in f.locations)  # fmt: skip
        rows.append(
            f'<tr class="{e(f.severity)}"><td>{e(f.severity)}</td><td>{e(f.check)}</td>'
            f"<td>{e(f.message)}<ul>{locs}</ul></td><td>{e(f.expected)}</td><td>{e(f.found)}</td>"
            f"<td>{e(f.interval or '')}</td></tr>"
        )
    docs = "".join(f"<li><code>{e(d.path)}</code>: {d.figures} figures, sha256 {e(d.sha256[:12])}…</li>"
                   for d in report.documents)  # fmt: skip
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>pubcheck report</title>
<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:4px 8px;vertical-align:top}}
tr.error td:first-child{{color:#b00;font-weight:bold}}tr.warning td:first-child{{color:#a60}}
q{{font-style:italic}}</style></head><body>
<h1>pubcheck report</h1><p>Target: <code>{e(report.target)}</code></p>
<p class="summary"><strong>{s['error']} errors, {s['warning']} warnings, {s['info']} info</strong></p>
<h2>Documents</h2><ul>{docs}</ul>
<h2>Findings</h2><table><thead><tr><th>severity</th><th>check</th><th>what and where</th>
<th>expected</th><th>found</th><th>rounding</th></tr></thead><tbody>{''.join(rows)}</tbody></table>
</body></html>
"""
    console.file.write(page)


RENDERERS: dict[str, Callable[[Report, Console], None]] = {
    "console": render_console, "json": render_json, "junit": render_junit,
    "markdown": render_markdown, "html": render_html,
}  # fmt: skip


# ------------------------------------------------------------------ figures listings

FIGURE_FIELDS = ["document", "line", "value", "unit", "precision", "qualifier", "kind", "text",
                 "indicator", "measure", "breakdown", "period", "table", "row", "column", "quote"]  # fmt: skip


def figures_dict(figures: list[Figure]) -> dict[str, Any]:
    return {"figures": [f.to_dict() for f in figures]}


def render_figures(figures: list[Figure], fmt: str, console: Console) -> None:
    if fmt == "json":
        console.file.write(json.dumps(figures_dict(figures), indent=2, ensure_ascii=False) + "\n")
        return
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=FIGURE_FIELDS, extrasaction="ignore")
        w.writeheader()
        for f in figures:
            w.writerow(f.to_dict())
        console.file.write(buf.getvalue())
        return
    t = Table(title=f"{len(figures)} figures", show_lines=False)
    for col in ("location", "figure", "value", "unit", "±", "qualifier", "linked to"):
        t.add_column(col)
    for f in figures:
        linked = f.key.describe() if f.key.indicator else ""
        t.add_row(f"{f.location.label()}", escape(f.text), f"{f.value:g}", f.unit,
                  f"{f.precision:g}", f.qualifier or "", escape(linked))  # fmt: skip
    console.print(t)
