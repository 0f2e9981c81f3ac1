"""`--format html`: one self-contained page (inline CSS and JavaScript, nothing loaded from the
network), the same truth as every other format.

From the top: the verdict (and the first finding that decided it, linked), the counts; a
summary per check; the findings in one table, sortable by any column and filterable by
severity, check and document (also from the address: `report.html?severity=error&rule=...`),
each with its own anchor (`#f-<fingerprint>`); every check that ran with its outcome; the
documents; for extracts: the extracts, the recomputed figures and the Great Expectations
expectations (passed and failed, with the file they validated) and a link to the GX Data Docs
when they were written; the suppressed findings with their reasons; the baseline comparison.
The page reads without JavaScript too: the script only filters and sorts rows."""

from __future__ import annotations

import html
import json
from typing import TYPE_CHECKING, Any

from rich.console import Console

from pubcheck.humanize import plural
from pubcheck.model import SEVERITIES, SEVERITY_RANK
from pubcheck.report.common import _quote

if TYPE_CHECKING:
    from pubcheck.report import Report

e = html.escape

CSS = """
:root{--err:#b3261e;--warn:#8a5a00;--info:#1f5f8b;--ok:#1e7b34;--line:#d7dbe0;--bg:#f6f7f9}
*{box-sizing:border-box}body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;
color:#1b1f24}
header,main{max-width:1400px;margin:0 auto;padding:0 24px}header{padding-top:18px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid var(--line);
padding-bottom:4px}
.meta{color:#57606a;margin:0 0 12px}code{font:12.5px ui-monospace,SFMono-Regular,Menlo,monospace}
td code{white-space:nowrap}
.verdict{border-radius:8px;padding:12px 16px;margin:10px 0;border:2px solid}
.verdict.failed,.verdict.unreadable{border-color:var(--err);background:#fdecea}
.verdict.passed{border-color:var(--ok);background:#e9f6ec}
.verdict .status{font-size:20px;font-weight:700}
.verdict.failed .status,.verdict.unreadable .status{color:var(--err)}
.verdict.passed .status{color:var(--ok)}.verdict p{margin:4px 0}
nav a{margin-right:14px}.counts span{display:inline-block;margin-right:14px;font-weight:600}
table{border-collapse:collapse;width:100%;background:#fff}th,td{border-bottom:1px solid var(--line);
padding:5px 8px;text-align:left;vertical-align:top}
th{background:var(--bg);position:sticky;top:0;cursor:default;white-space:nowrap}th.sortable{cursor:pointer}
th.sortable:after{content:" \\2195";color:#8c959f}th.asc:after{content:" \\2191"}
th.desc:after{content:" \\2193"}
.sev{font-weight:700;text-transform:uppercase;font-size:12px;white-space:nowrap}
.error .sev,.st-failed{color:var(--err)}.warning .sev{color:var(--warn)}.info .sev{color:var(--info)}
.st-passed{color:var(--ok)}
.st-skipped{color:#57606a}.st-failed,.st-passed,.st-skipped{font-weight:600}
.where{max-width:340px}.where code,#checks-table td:nth-child(3) code{white-space:normal;word-break:break-all}
.where a.anchor{color:#8c959f;text-decoration:none;margin-left:4px}
q{font-style:italic;color:#3d444d}.ef{color:#57606a;font-size:12.5px}.msg{max-width:760px}
.controls{display:flex;gap:10px;flex-wrap:wrap;align-items:center;margin:6px 0 8px}
.controls label{font-weight:600}select,input{font:inherit;padding:2px 4px}
tr:target{outline:2px solid #0969da}.new{background:#8250df;color:#fff;border-radius:4px;padding:0 4px;
font-size:11px}
.fp{color:#8c959f;font-size:11px}details pre{white-space:pre-wrap;font-size:12px;margin:4px 0}
"""

JS = """
(function(){
  const rows=[...document.querySelectorAll('#findings-table tbody tr.finding')];
  const sel={severity:document.getElementById('filter-severity'),rule:document.getElementById('filter-rule'),
             document:document.getElementById('filter-document'),q:document.getElementById('filter-text')};
  const shown=document.getElementById('shown');
  function apply(){
    let n=0;const q=sel.q.value.trim().toLowerCase();
    for(const r of rows){
      const ok=(!sel.severity.value||r.dataset.severity===sel.severity.value)
        &&(!sel.rule.value||r.dataset.rule===sel.rule.value)
        &&(!sel.document.value||r.dataset.document===sel.document.value)
        &&(!q||r.textContent.toLowerCase().includes(q));
      r.hidden=!ok;if(ok)n++;
    }
    shown.textContent=n;
  }
  for(const k in sel){sel[k].addEventListener(k==='q'?'input':'change',apply);}
  const params=new URLSearchParams(location.search);
  for(const k in sel){if(params.has(k)){sel[k].value=params.get(k);}}
  document.querySelectorAll('a[data-rule]').forEach(a=>a.addEventListener('click',ev=>{
    sel.rule.value=a.dataset.rule;sel.severity.value='';apply();}));
  document.querySelectorAll('table.sortable').forEach(t=>{
    t.querySelectorAll('th.sortable').forEach((th,col)=>th.addEventListener('click',()=>{
      const body=t.tBodies[0];const asc=!th.classList.contains('asc');
      t.querySelectorAll('th').forEach(h=>h.classList.remove('asc','desc'));
th.classList.add(asc?'asc':'desc');
      const idx=[...th.parentNode.children].indexOf(th);
      const key=r=>{const c=r.children[idx];
return c.dataset.sort!==undefined?c.dataset.sort:c.textContent.trim();};
      const num=x=>/^-?[0-9.]+$/.test(x);
      [...body.rows].sort((a,b)=>{const x=key(a),y=key(b);
        const d=num(x)&&num(y)?parseFloat(x)-parseFloat(y):x.localeCompare(y);return asc?d:-d;})
        .forEach(r=>body.appendChild(r));
    }));
  });
  apply();
})();
"""


def _where(loc: Any) -> str:
    return f"<code>{e(loc.label())}</code>"


def _finding_row(report: Report, i: int) -> str:
    v = report.view()
    f = report.findings[i]
    fp = v.fingerprints[i]
    doc = f.document or "(the run)"
    line = f.locations[0].line if f.locations else 0
    quotes = "".join(f"<div>{_where(loc)} <q>{e(_quote(loc.quote, 220, loc.figure))}</q></div>"
                     for loc in f.locations if loc.quote)  # fmt: skip
    new = ' <span class="new">new</span>' if v.states[i] == "new" else ""
    expired = ""
    if i in report.expired:
        s = report.expired[i]
        expired = f'<div class="ef">suppression expired {e(str(s.expires))}: {e(s.reason)} ({e(s.owner)})</div>'
    ef = f"expected: {e(f.expected)} &middot; found: {e(f.found)}" + (f" &middot; rounding: {e(f.interval)}"
                                                                      if f.interval else "")  # fmt: skip
    raw = (f"<details><summary>raw result</summary><pre>{e(json.dumps(f.raw, indent=1, default=str))}</pre></details>"
           if f.raw is not None else "")  # fmt: skip
    return (f'<tr class="finding {e(f.severity)}" id="f-{e(fp)}" data-severity="{e(f.severity)}" '
            f'data-rule="{e(f.check)}" data-document="{e(doc)}">'
            f'<td class="sev" data-sort="{2 - SEVERITY_RANK[f.severity]}">{e(f.severity)}{new}</td>'
            f"<td><code>{e(f.check)}</code></td>"
            f'<td class="where" data-sort="{e(doc)}:{line:08d}">'
            f'{_where(f.locations[0]) if f.locations else "(the run)"}'
            f'<a class="anchor" href="#f-{e(fp)}" title="link to this finding">#</a></td>'
            f'<td class="msg">{e(f.message)}{quotes}<div class="ef">{ef}</div>{expired}{raw}'
            f'<div class="fp">fingerprint {e(fp)}</div></td></tr>')  # fmt: skip


def _verdict(report: Report) -> str:
    verdict = report.verdict
    v = report.view()
    if verdict is None:
        return ""
    first = ""
    if verdict.blocking:
        i = verdict.blocking[0]
        f = report.findings[i]
        where = f" at {e(f.locations[0].label())}" if f.locations else ""
        first = (f'<p>First: <a href="#f-{e(v.fingerprints[i])}"><code>{e(f.check)}</code></a>{where}: '
                 f"{e(f.message)}</p>")  # fmt: skip
    docs = "".join(
        f'<p>Great Expectations Data Docs for <code>{e(d["file"])}</code>: <a href="{e(_href(d["index"]))}">'
        f'{e(d["index"])}</a> ({e(d["summary"])}). They show the GX expectations only, one stage of the gate, '
        f"not its verdict.</p>" for d in report.data_docs)  # fmt: skip
    return (f'<section id="verdict" class="verdict {e(verdict.status)}"><div class="status">'
            f"{e(verdict.status.upper())} (exit {verdict.exit_code})</div><p>{e(verdict.reason)}</p>{first}{docs}"
            "</section>")  # fmt: skip


def _href(path: str) -> str:
    from pathlib import Path

    p = Path(path)
    return p.resolve().as_uri() if p.exists() else path


def _rule_summary(report: Report) -> str:
    v = report.view()
    rows: dict[str, dict[str, Any]] = {}
    for o in v.outcomes:
        r = rows.setdefault(o.run.check, {"runs": 0, "failed": 0, "skipped": 0, **{s: 0 for s in SEVERITIES}})
        r["runs"] += 1
        r["failed"] += o.status == "failed"
        r["skipped"] += o.status == "skipped"
    for f in report.findings:
        rows.setdefault(f.check, {"runs": 0, "failed": 0, "skipped": 0, **{s: 0 for s in SEVERITIES}})[f.severity] += 1
    body = []
    for check, r in rows.items():
        status = "failed" if r["failed"] else ("skipped" if r["skipped"] == r["runs"] and r["runs"] else "passed")
        summary = report.catalog.get(check, {}).get("summary", "")
        link = (f'<a href="?rule={e(check)}#findings" data-rule="{e(check)}">show</a>'
                if any(r[s] for s in SEVERITIES) else "")  # fmt: skip
        body.append(f'<tr><td><code>{e(check)}</code></td><td class="st-{status}">{status}</td>'
                    + "".join(f'<td data-sort="{r[s]}">{r[s] or ""}</td>' for s in SEVERITIES)
                    + f'<td data-sort="{r["runs"]}">{r["runs"]}</td><td>{e(summary)}</td>'
                    + f"<td>{link}</td></tr>")  # fmt: skip
    return ('<table class="sortable" id="rule-summary"><thead><tr><th class="sortable">check</th>'
            '<th class="sortable">outcome</th><th class="sortable">errors</th><th class="sortable">warnings</th>'
            '<th class="sortable">info</th><th class="sortable">checks run</th><th>what it reports</th><th></th></tr>'
            f"</thead><tbody>{''.join(body)}</tbody></table>")  # fmt: skip


def _options(values: list[str], label: str) -> str:
    return f'<option value="">{e(label)}</option>' + "".join(f'<option value="{e(x)}">{e(x)}</option>' for x in values)


def _findings(report: Report) -> str:
    rules = sorted({f.check for f in report.findings})
    docs = sorted({f.document or "(the run)" for f in report.findings})
    rows = "".join(_finding_row(report, i) for i in range(len(report.findings)))
    return (
        '<div class="controls"><label for="filter-severity">Severity</label><select id="filter-severity">'
        + _options([s for s in SEVERITIES], "all") + '</select><label for="filter-rule">Check</label>'
        '<select id="filter-rule">' + _options(rules, "all") + '</select><label for="filter-document">Document</label>'
        '<select id="filter-document">' + _options(docs, "all") + '</select><label for="filter-text">Text</label>'
        '<input id="filter-text" type="search" placeholder="words in the finding">'
        f'<span>showing <strong id="shown">{len(report.findings)}</strong> of {len(report.findings)}</span></div>'
        '<table class="sortable" id="findings-table"><thead><tr><th class="sortable">severity</th>'
        '<th class="sortable">check</th><th class="sortable">where</th><th class="sortable">what</th></tr></thead>'
        f"<tbody>{rows}</tbody></table>"
    )  # fmt: skip


def _checks(report: Report) -> str:
    v = report.view()
    rows = []
    for o in v.outcomes:
        if o.run.stage == "gx":
            continue  # listed with their files in the GX section
        note = o.run.reason or o.run.text or ""
        links = " ".join(f'<a href="#f-{e(v.fingerprints[i])}">{e(report.findings[i].severity)}</a>'
                         for i in o.findings[:5])  # fmt: skip
        rows.append(f'<tr><td class="st-{o.status}">{o.status}</td><td><code>{e(o.run.name)}</code></td>'
                    f'<td><code>{e(o.run.target or report.target)}</code></td><td>{e(note)} {links}</td></tr>')
    return ('<table class="sortable" id="checks-table"><thead><tr><th class="sortable">outcome</th>'
            '<th class="sortable">check</th><th class="sortable">on</th><th>notes and findings</th></tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>")  # fmt: skip


def _gx(report: Report) -> str:
    v = report.view()
    gx = [o for o in v.outcomes if o.run.stage == "gx"]
    if not gx:
        return ""
    rows = []
    for o in gx:
        raw = o.run.raw or {}
        observed = raw.get("observed", "")
        rows.append(f'<tr><td class="st-{o.status}">{o.status}</td><td><code>{e(o.run.target or "")}</code></td>'
                    f"<td>{e(o.run.text or o.run.key or '')}{(' &middot; ' + e(o.run.reason)) if o.run.reason else ''}"
                    f"</td><td>{e(str(observed))}</td><td><details><summary><code>{e(str(raw.get('type', '')))}"
                    f"</code></summary><pre>{e(json.dumps(raw, indent=1, default=str))}</pre></details></td></tr>")
    passed = sum(o.status == "passed" for o in gx)
    return (f'<h2 id="gx">Great Expectations ({passed} of {plural(len(gx), "expectation")} passed)</h2>'
            '<table class="sortable" id="gx-table"><thead><tr><th class="sortable">outcome</th>'
            '<th class="sortable">file validated</th><th class="sortable">expectation</th><th>observed</th>'
            f"<th>raw expectation</th></tr></thead><tbody>{''.join(rows)}</tbody></table>")  # fmt: skip


def _table(headers: list[str], rows: list[list[str]], ident: str) -> str:
    head = "".join(f'<th class="sortable">{e(h)}</th>' for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    return f'<table class="sortable" id="{ident}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def render_html(report: Report, console: Console) -> None:
    s = report.summary()
    v = report.view()
    parts = [_verdict(report)]
    counts = [f'<span class="sev-error">{plural(s["error"], "error")}</span>',
              f"<span>{plural(s['warning'], 'warning')}</span>", f"<span>{s['info']} info</span>"]  # fmt: skip
    if report.documents:
        counts.append(f"<span>{plural(len(report.documents), 'document')} "
                      f"({plural(sum(d.figures for d in report.documents), 'figure')})</span>")  # fmt: skip
    if report.extracts:
        counts.append(f"<span>{plural(len(report.extracts), 'extract')} "
                      f"({plural(sum(x.rows for x in report.extracts), 'row')})</span>")  # fmt: skip
    if report.suppressed:
        counts.append(f'<span><a href="#suppressed">{len(report.suppressed)} suppressed</a></span>')
    if report.hidden:
        counts.append(f"<span>{plural(report.hidden, 'figure')} not compared</span>")
    if report.baseline is not None:
        b = report.baseline_summary()
        counts.append(f'<span><a href="#baseline">baseline: {b["new"]} new, {b["unchanged"]} unchanged, '
                      f'{len(b["fixed"])} fixed</a></span>')  # fmt: skip
    parts.append(f'<p class="counts">{"".join(counts)}</p>')
    nav = ["summary", "findings", "checks"]
    nav += ["documents"] if report.documents else []
    nav += ["extracts"] if report.extracts else []
    nav += ["recomputation"] if report.recomputed else []
    nav += ["gx"] if any(o.run.stage == "gx" for o in v.outcomes) else []
    nav += ["suppressed"] if report.suppressed else []
    nav += ["baseline"] if report.baseline is not None else []
    parts.append("<nav>" + "".join(f'<a href="#{n}">{n if n != "gx" else "GX expectations"}</a>' for n in nav)
                 + "</nav>")  # fmt: skip
    parts.append(f'<h2 id="summary">Summary by check</h2>{_rule_summary(report)}')
    parts.append(f'<h2 id="findings">Findings ({len(report.findings)})</h2>{_findings(report)}')
    n_failed = sum(o.status == "failed" for o in v.outcomes)
    n_skipped = sum(o.status == "skipped" for o in v.outcomes)
    parts.append(f'<h2 id="checks">Checks ({plural(len(v.outcomes), "check")}: {n_failed} failed, {n_skipped} '
                 f"skipped)</h2>{_checks(report)}")  # fmt: skip
    if report.documents:
        rows = [[f"<code>{e(d.path)}</code>", str(d.figures), str(d.tables), e(d.manifest_id or ""),
                 f"<code>{e(d.sha256[:12])}</code>"] for d in report.documents]  # fmt: skip
        parts.append(f'<h2 id="documents">Documents ({len(report.documents)})</h2>'
                     + _table(["document", "figures", "tables", "manifest id", "sha256"], rows, "documents-table"))
    if report.unreadable:
        parts.append("<p><strong>Could not read:</strong> " + ", ".join(f"<code>{e(u)}</code>" for u in
                                                                         report.unreadable) + "</p>")  # fmt: skip
    if report.extracts:
        rows = [[e(x.stem), f"<code>{e(x.path)}</code>", f"{x.rows:,}", f"{x.seconds:.2f}", str(x.findings)]
                for x in report.extracts]  # fmt: skip
        parts.append(f'<h2 id="extracts">Extracts ({len(report.extracts)})</h2>'
                     + _table(["extract", "file", "rows", "seconds", "findings"], rows, "extracts-table"))
    if report.recomputed:
        ok = sum(1 for c in report.recomputed if c.supported)
        rows = []
        for c in report.recomputed:
            d = c.to_dict()
            lo, hi = d["interval"]
            rows.append([f'<span class="st-{"passed" if d["supported"] else "failed"}">'
                         f'{"reproduced" if d["supported"] else "not supported"}</span>',
                         f"<code>{e(str(d['document']))}:{d['line']}</code>", e(str(d["figure"])),
                         e(" / ".join(str(d[k]) for k in ("indicator", "measure", "breakdown", "period") if d[k])),
                         f"{d['recomputed']:.4g}" if isinstance(d["recomputed"], float) else e(str(d["recomputed"])),
                         e(f"[{lo}, {hi})"), e(str(d["extract"]))])  # fmt: skip
        parts.append(f'<h2 id="recomputation">Recomputation ({ok} of {len(report.recomputed)} published figures '
                     "reproduced from the extracts)</h2>"
                     + _table(["outcome", "where", "figure", "indicator", "recomputed", "printed interval",
                               "extract"], rows, "recomputed-table"))  # fmt: skip
    parts.append(_gx(report))
    if report.suppressed:
        from pubcheck.model import fingerprint

        rows = [[e(f.severity), f"<code>{e(f.check)}</code>", _where(f.locations[0]) if f.locations else "",
                 e(f.message), e(s.reason), e(s.owner), e(str(s.expires or "")), f"<code>{e(fingerprint(f))}</code>"]
                for f, s in report.suppressed]  # fmt: skip
        parts.append(f'<h2 id="suppressed">Suppressed ({len(report.suppressed)}): accepted in pubcheck.toml, not '
                     "counted</h2>" + _table(["severity", "check", "where", "what", "reason", "owner", "expires",
                                              "fingerprint"], rows, "suppressed-table"))  # fmt: skip
    if report.baseline is not None:
        b = report.baseline_summary()
        rows = [[f"<code>{e(str(x['check']))}</code>", e(str(x["document"] or "")), e(str(x["message"])),
                 f"<code>{e(x['fingerprint'])}</code>"] for x in b["fixed"]]  # fmt: skip
        parts.append(f'<h2 id="baseline">Baseline <code>{e(b["file"])}</code>: {b["new"]} new, {b["unchanged"]} '
                     f'unchanged, {len(b["fixed"])} fixed</h2>'
                     + (_table(["check", "document", "fixed finding", "fingerprint"], rows, "fixed-table")
                        if rows else "<p>Nothing fixed since the baseline.</p>"))  # fmt: skip
    from pubcheck import __version__

    title = f"pubcheck {report.command}: {report.target}"
    page = (f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{e(title)}</title>'
            f"<style>{CSS}</style></head><body><header><h1>{e(title)}</h1>"
            f'<p class="meta">pubcheck {e(__version__)} &middot; <code>pubcheck {e(report.command)}</code> on '
            f"<code>{e(report.target)}</code></p></header><main>{''.join(parts)}</main>"
            f"<script>{JS}</script></body></html>\n")  # fmt: skip
    console.file.write(page)
