"""The report: plain data. `to_dict()` is exactly what `--format json` prints.

JSON shape (stable, documented in README):
{"tool": ..., "documents": [{"path", "sha256", "figures", ...}],
 "findings": [{"check", "severity", "message", "expected", "found", "interval",
               "locations": [{"document", "line", "quote"}]}],
 "summary": {"error", "warning", "info"}}
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pubcheck.documents.load import load_documents
from pubcheck.figures.extract import Extraction, extract
from pubcheck.model import SEVERITY_RANK, Finding, InputError
from pubcheck.publication.corpus import Corpus
from pubcheck.publication.registry import run_rules


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
    extractions: list[Extraction] = field(default_factory=list, repr=False)
    extracts: list = field(default_factory=list)  # ExtractSummary, when extracts were validated
    recomputed: list = field(default_factory=list)  # recompute.Comparison

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


def check(target: Path, *, select: set[str] | None = None, ignore: set[str] | None = None,
          progress=None, extracts: Path | None = None,
          publication_rules: bool = True) -> Report:  # type: ignore[no-untyped-def]  # fmt: skip
    """Run every registered rule over the publications in `target` (a folder or a file);
    with `extracts`, also validate the extracts there and recompute every published figure
    from them (`publication_rules=False` runs only that: `pubcheck validate`)."""
    loaded = load_documents(target, display_root=Path.cwd())
    extractions: list[Extraction] = []
    findings: list[Finding] = list(loaded.findings)
    for doc in loaded.documents:
        if progress:
            progress(f"extracting {doc.path}")
        try:
            extractions.append(extract(doc))
        except Exception as exc:  # an extraction bug must not hide other documents
            findings.append(Finding(
                check="extraction-error", severity="error",
                message=f"{doc.path}: figures could not be extracted ({type(exc).__name__}: "
                        f"{exc}); other documents were checked.",
                expected="extraction to succeed", found=type(exc).__name__, locations=(),
            ))  # fmt: skip
    if progress:
        progress("running rules")
    corpus = Corpus(extractions)
    if publication_rules:
        findings += run_rules(corpus, select=select, ignore=ignore)
    summaries: list = []
    comparisons: list = []
    if extracts is not None:
        from pubcheck.publication.registry import dedupe, filter_findings
        from pubcheck.validate import run_extracts

        more, summaries, comparisons = run_extracts(extracts, corpus, progress)
        findings = dedupe(findings + filter_findings(more, select, ignore))
    docs = [DocumentSummary(e.document.path, e.document.sha256, len(e.figures), len(e.tables),
                            e.document.manifest_id) for e in extractions]  # fmt: skip
    return Report(str(target), docs, findings, loaded.unreadable, extractions, summaries, comparisons)


__all__ = ["Report", "DocumentSummary", "check", "InputError"]
