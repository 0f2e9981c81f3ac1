"""The console report (rich), read like pytest's: errors, then warnings, then info, each
grouped by document; then a short summary (counts by check, the checks that failed or were
skipped, the suppressed and baseline counts) and one last line with the verdict and the
reason for the exit code.

In a terminal, a long line wraps with a hanging indent (the text continues under the text,
not under the label); anywhere else (a pipe, a file, a CI log) nothing is wrapped, so a line
is one finding's sentence, whole, and URLs and paths are never split."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.console import Console
from rich.padding import Padding
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from pubcheck.humanize import plural
from pubcheck.model import SEVERITIES, SEVERITY_RANK, Finding
from pubcheck.report.common import STYLE, _quote

if TYPE_CHECKING:
    from pubcheck.report import Report

TITLES = {"error": "errors", "warning": "warnings", "info": "info"}


def _line(console: Console, parts: Sequence[Text | str], indent: int = 0) -> None:
    """One logical line: `parts[0]` is the label, the rest its text. In a terminal the text
    wraps under itself (hanging indent); elsewhere the line is printed whole."""
    label = parts[0] if isinstance(parts[0], Text) else Text(parts[0])
    body = Text()
    for p in parts[1:]:
        body.append_text(p if isinstance(p, Text) else Text(p))
    if console.is_terminal:
        grid = Table.grid(padding=(0, 1, 0, 0))
        grid.add_column(no_wrap=True)
        grid.add_column(ratio=1, overflow="fold")
        grid.add_row(label, body)
        console.print(Padding(grid, (0, 0, 0, indent)))
    else:
        text = Text(" " * indent)
        text.append_text(label)
        if body.plain:
            text.append(" ")
            text.append_text(body)
        console.print(text, soft_wrap=True, overflow="ignore", crop=False)


def _section(console: Console, title: str, style: str = "bold") -> None:
    if console.is_terminal:
        console.print(Rule(Text(title, style=style)))
    else:
        console.print(Text(f"=== {title} ===", style=style), soft_wrap=True)


def _where(label: str, doc: str) -> str:
    """A place under its document's heading, without repeating the document: `line 79`,
    `page 3, line 8`, `Table 3!C5`."""
    if not label.startswith(doc + ":"):
        return label
    rest = label[len(doc) + 1 :]
    return f"line {rest}" if rest.isdigit() else rest


def _finding(console: Console, report: Report, i: int, f: Finding) -> None:
    v = report.view()
    label = Text(f.severity.upper(), style=STYLE[f.severity])
    head: list[Text | str] = [label]
    if v.states[i] == "new":
        head.append(Text("NEW ", style="bold magenta"))
    head.append(Text(f.check, style="bold"))
    head.append(Text(": " + f.message))
    _line(console, head, indent=2)
    for loc in f.locations:
        quote = _quote(loc.quote, figure=loc.figure)
        parts: list[Text | str] = [Text("at", style="dim"), Text(_where(loc.label(), f.document or ""), style="bold")]
        if quote:
            parts.append(Text("  " + quote, style="italic"))
        _line(console, parts, indent=6)
    detail = [Text("expected:", style="dim"), f"{f.expected}   ", Text("found:", style="dim"), f" {f.found}"]
    if f.interval:
        detail += [Text("   rounding: ", style="dim"), Text(f.interval, style="dim")]
    _line(console, detail, indent=6)
    if i in report.expired:
        s = report.expired[i]
        _line(console, [Text("note:", style="yellow"), f"suppression expired {s.expires}: {s.reason} ({s.owner}, "
                        f"{s.where})"], indent=6)  # fmt: skip


def render_console(report: Report, console: Console) -> None:
    v = report.view()
    console.print(Text(f"pubcheck {report.command} {report.target}: {_inputs(report)}", style="bold"), soft_wrap=True)
    for sev in SEVERITIES:
        idx = [i for i, f in enumerate(report.findings)
               if f.severity == sev and not (report.hidden and f.check == "not-compared")]  # fmt: skip
        if not idx:
            continue
        _section(console, f"{TITLES[sev]} ({len(idx)})", STYLE[sev])
        docs: dict[str, list[int]] = {}
        for i in idx:
            docs.setdefault(report.findings[i].document or "(the run)", []).append(i)
        for doc, items in docs.items():
            console.print(Text(doc, style="bold underline"), soft_wrap=True)
            for i in items:
                _finding(console, report, i, report.findings[i])
    if report.extracts:
        _extracts(console, report)
    _section(console, "short summary")
    by = {c: n for c, n in report.by_check().items() if not (report.hidden and c == "not-compared")}
    by = dict(sorted(by.items(), key=lambda kv: (-max(SEVERITY_RANK[s] for s, n in kv[1].items() if n), kv[0])))
    width = max((len(c) for c in by), default=0)
    for check, counts in by.items():
        said = ", ".join(plural(n, s) for s, n in counts.items() if n)
        _line(console, [Text(check.ljust(width), style="bold"), said])
    ran = [o for o in v.outcomes]
    failed = [o for o in ran if o.status == "failed"]
    skipped = [o for o in ran if o.status == "skipped"]
    if ran:
        line = f"{len(ran) - len(failed) - len(skipped)} passed, {len(failed)} failed, {len(skipped)} skipped"
        _line(console, [Text(f"{plural(len(ran), 'check')}:", style="bold"), line])
        # one line per cause: a truncated file skips every later check of it, for one reason
        causes: dict[tuple[str, str], list] = {}
        for o in skipped:
            causes.setdefault((o.run.target or "", o.run.reason or ""), []).append(o)
        for (target, reason), runs in list(causes.items())[:10]:
            what = runs[0].run.name if len(runs) == 1 else plural(len(runs), "check")
            _line(console, [Text("skipped", style="dim"), what + (f" on {target}" if target else "")
                            + (f": {reason}" if reason else "")], indent=2)  # fmt: skip
        if len(causes) > 10:
            more = sum(len(r) for r in list(causes.values())[10:])
            _line(console, [Text("skipped", style="dim"), f"and {plural(more, 'check')} more (see the JSON report)"], 2)
    if report.suppressed:
        _line(console, [Text("suppressed", style="bold"), f"{plural(len(report.suppressed), 'finding')} accepted "
                        "in pubcheck.toml (listed in the JSON and HTML reports)"])  # fmt: skip
    if report.baseline is not None:
        b = report.baseline_summary()
        _line(console, [Text("baseline", style="bold"), f"{b['file']}: {b['new']} new, {b['unchanged']} unchanged, "
                        f"{len(b['fixed'])} fixed"])  # fmt: skip
        for fx in b["fixed"][:10]:
            _line(console, [Text("fixed", style="green"), f"{fx['check']}: {fx['message']}"], indent=2)
    for d in report.data_docs:
        _line(console, [Text("data docs", style="bold"), f"{d['index']} ({d['summary']}; the GX expectations "
                        "only, not the verdict)"])  # fmt: skip
    s = report.summary()
    last = Text()
    verdict = report.verdict
    if verdict is not None:
        last.append(verdict.status.upper(), style="bold red" if verdict.exit_code else "bold green")
        last.append(f" (exit {verdict.exit_code}): ")
    last.append(f"{plural(s['error'], 'error')}", style=STYLE["error"] if s["error"] else "green")
    last.append(", ")
    last.append(f"{plural(s['warning'], 'warning')}", style=STYLE["warning"] if s["warning"] else "green")
    last.append(f", {s['info']} info in {_inputs(report)}")
    if verdict is not None and verdict.exit_code:
        last.append(f"; {verdict.reason}")
    elif verdict is not None:
        last.append(f"; {verdict.reason}", style="dim")
    if report.hidden:
        last.append(f"; {plural(report.hidden, 'figure')} not compared (--verbose shows why)", style="dim")
    console.print(last, soft_wrap=not console.is_terminal)


def _inputs(report: Report) -> str:
    parts = []
    if report.documents:
        parts.append(f"{plural(len(report.documents), 'document')} "
                     f"({plural(sum(d.figures for d in report.documents), 'figure')})")  # fmt: skip
    if report.extracts:
        rows = sum(e.rows for e in report.extracts)
        parts.append(f"{plural(len(report.extracts), 'extract')} ({plural(rows, 'row')})")
    if not parts:
        return "no documents or extracts" if report.command != "fetch" else "the sources"
    return " and ".join(parts)


def _extracts(console: Console, report: Report) -> None:
    _section(console, "extracts")
    for e in report.extracts:
        _line(console, [Text(e.stem, style="bold"), f"{e.path}: {plural(e.rows, 'row')}, {e.seconds:.2f} s, "
                        f"{plural(e.findings, 'finding')}"], indent=2)  # fmt: skip
    if report.recomputed:
        ok = sum(1 for c in report.recomputed if c.supported)
        n = plural(len(report.recomputed), "published figure")
        _line(console, [Text("recomputed", style="bold"), f"{ok} of {n} reproduced from the extracts within their "
                        "rounding"], indent=2)  # fmt: skip
