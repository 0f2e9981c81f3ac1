"""`--format markdown`: a summary line and one table row per finding."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console

if TYPE_CHECKING:
    from pubcheck.report import Report


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
