"""`--format markdown`: the verdict, a summary line, the counts by check and one table row per
finding (with its fingerprint)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console

from pubcheck.humanize import plural

if TYPE_CHECKING:
    from pubcheck.report import Report


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(report: Report, console: Console) -> None:
    s = report.summary()
    v = report.view()
    out = [f"# pubcheck {report.command}: {report.target}", ""]
    if report.verdict is not None:
        out += [f"**{report.verdict.status.upper()}** (exit {report.verdict.exit_code}): {report.verdict.reason}", ""]
    inputs = f"{plural(len(report.documents), 'document')}"
    if report.extracts:
        inputs += f" and {plural(len(report.extracts), 'extract')}"
    out += [f"**{plural(s['error'], 'error')}, {plural(s['warning'], 'warning')}, {s['info']} info** in {inputs}.", ""]
    if report.recomputed:
        ok = sum(1 for c in report.recomputed if c.supported)
        out += [f"Recomputed from the extracts: {ok} of {len(report.recomputed)} published figures "
                "reproduced within their rounding.", ""]  # fmt: skip
    for d in report.data_docs:
        out += [f"Great Expectations Data Docs for `{d['file']}`: {d['index']} ({d['summary']}; the GX "
                "expectations only, not the verdict).", ""]  # fmt: skip
    out += ["| severity | check | location | message | expected | found |", "|---|---|---|---|---|---|"]
    for i, f in enumerate(report.findings):
        where = "<br>".join(loc.label() for loc in f.locations) or "(run)"
        cells = [f.severity, f.check, where, f.message + f" `{v.fingerprints[i]}`", f.expected, f.found]
        out.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    if report.suppressed:
        out += ["", f"{plural(len(report.suppressed), 'finding')} suppressed in pubcheck.toml:", ""]
        out += [f"- {f.check}: {f.message} (reason: {s_.reason}; owner: {s_.owner})" for f, s_ in report.suppressed]
    console.file.write("\n".join(out) + "\n")
