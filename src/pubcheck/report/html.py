"""`--format html`: one self-contained page (documents, then a table of findings)."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from rich.console import Console

from pubcheck.report.common import _quote

if TYPE_CHECKING:
    from pubcheck.report import Report


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
