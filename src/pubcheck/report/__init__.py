"""The report: plain data, and one renderer per output format.

Owns: Report and DocumentSummary (`to_dict()` is exactly what `--format json` prints) and
RENDERERS, `(report, console) -> None` for console, json, junit, markdown and html (one
module each); `figures` renders the `pubcheck figures` listing. Renderers present; they
never compute findings.

JSON shape (stable, documented in README):
{"tool": ..., "documents": [{"path", "sha256", "figures", ...}],
 "findings": [{"check", "severity", "message", "expected", "found", "interval",
               "locations": [{"document", "line", "quote"}]}],
 "summary": {"error", "warning", "info"}}

May import: pubcheck.model and pubcheck.paths only. The report knows the model, not the
stages: what a renderer needs from a run (e.g. the rule ids for JUnit) is carried in the
Report, filled by the pipeline (pubcheck.cli.pipeline).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from rich.console import Console

from pubcheck.model import SEVERITY_RANK, Finding
from pubcheck.report.console import render_console
from pubcheck.report.html import render_html
from pubcheck.report.jsonfmt import render_json
from pubcheck.report.junit import render_junit
from pubcheck.report.markdown import render_markdown


@dataclass
class DocumentSummary:
    path: str
    sha256: str
    figures: int
    tables: int
    manifest_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "sha256": self.sha256, "figures": self.figures,
                "tables": self.tables, "manifest_id": self.manifest_id}  # fmt: skip


@dataclass
class Report:
    target: str
    documents: list[DocumentSummary]
    findings: list[Finding]
    unreadable: list[str] = field(default_factory=list)
    extractions: list = field(default_factory=list, repr=False)  # figures.extract.Extraction, per document
    extracts: list = field(default_factory=list)  # ExtractSummary, when extracts were validated
    recomputed: list = field(default_factory=list)  # recompute.Comparison
    # The ids of the publication rules of the run, in registry order (filled by the pipeline;
    # empty when none ran). Renderers list them (JUnit: a suite per rule) without knowing the
    # registry. Not part of to_dict().
    rules: list[str] = field(default_factory=list)
    hidden: int = 0  # 'not compared' notes the console leaves out (shown with --verbose); not in to_dict()

    def summary(self) -> dict[str, int]:
        out = {"error": 0, "warning": 0, "info": 0}
        for f in self.findings:
            out[f.severity] += 1
        return out

    def worst(self) -> str | None:
        if not self.findings:
            return None
        return max((f.severity for f in self.findings), key=lambda s: SEVERITY_RANK[s])

    def at_or_above(self, level: str) -> list[Finding]:
        return [f for f in self.findings if SEVERITY_RANK[f.severity] >= SEVERITY_RANK[level]]

    def to_dict(self) -> dict[str, Any]:
        from pubcheck import __version__

        return {
            "tool": {"name": "pubcheck", "version": __version__},
            "target": self.target,
            "documents": [d.to_dict() for d in self.documents],
            "findings": [f.to_dict() for f in self.findings],
            "summary": self.summary(),
            "unreadable": self.unreadable,
            **({"extracts": [e.to_dict() for e in self.extracts],
                "recomputed": [c.to_dict() for c in self.recomputed]} if self.extracts else {}),
        }  # fmt: skip


RENDERERS: dict[str, Callable[[Report, Console], None]] = {
    "console": render_console, "json": render_json, "junit": render_junit,
    "markdown": render_markdown, "html": render_html,
}  # fmt: skip
