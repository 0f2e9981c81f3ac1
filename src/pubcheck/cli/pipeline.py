"""`pubcheck check` and `pubcheck validate` as one composition of the stages:

    documents -> figures -> publication rules (-> extracts, when asked) -> Report

With cli/commands this is the only module that knows every stage; the stages below know only
the ones beneath them (see [tool.importlinter] in pyproject.toml).
"""

from __future__ import annotations

from pathlib import Path

from pubcheck.figures.read import read_all
from pubcheck.limits import DEFAULT, Limits
from pubcheck.model import Finding
from pubcheck.publication.corpus import Corpus
from pubcheck.publication.registry import dedupe, filter_findings, registered, run_rules
from pubcheck.report import DocumentSummary, Report


def check(target: Path, *, select: set[str] | None = None, ignore: set[str] | None = None,
          progress=None, extracts: Path | None = None, publication_rules: bool = True,
          limits: Limits = DEFAULT, workers: int | None = None,
          allow_remote: bool = False) -> Report:  # type: ignore[no-untyped-def]  # fmt: skip
    """Run every registered rule over the publications in `target` (a folder or a file);
    with `extracts`, also validate the extracts there and recompute every published figure
    from them (`publication_rules=False` runs only that: `pubcheck validate`). Documents are
    read in worker processes within `limits` (workers=0: in this process)."""
    loaded = read_all(target, display_root=Path.cwd(), limits=limits, workers=workers, progress=progress)
    extractions = loaded.extractions
    findings: list[Finding] = list(loaded.findings)
    if progress:
        progress("running rules")
    corpus = Corpus(extractions)
    rules: list[str] = []
    if publication_rules:
        findings += run_rules(corpus, select=select, ignore=ignore)
        rules = list(registered())
    summaries: list = []
    comparisons: list = []
    if extracts is not None:
        from pubcheck.extracts.validate import run_extracts

        more, summaries, comparisons = run_extracts(extracts, corpus, progress, allow_remote=allow_remote)
        findings = dedupe(findings + filter_findings(more, select, ignore))
    docs = [DocumentSummary(e.document.path, e.document.sha256, len(e.figures), len(e.tables),
                            e.document.manifest_id) for e in extractions]  # fmt: skip
    return Report(str(target), docs, findings, loaded.unreadable, extractions, summaries, comparisons,
                  rules=rules)
