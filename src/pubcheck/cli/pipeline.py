"""`pubcheck check` and `pubcheck validate` as one composition of the stages:

    documents -> figures -> publication rules (-> extracts, when asked) -> Report

With cli/commands this is the only module that knows every stage; the stages below know only
the ones beneath them (see [tool.importlinter] in pyproject.toml).
"""

from __future__ import annotations

from pathlib import Path

from pubcheck.config import Config, load_config
from pubcheck.documents.load import load_documents
from pubcheck.figures.extract import Extraction, extract
from pubcheck.figures.link import load_rules
from pubcheck.figures.numbers import using_quantifiers
from pubcheck.model import CheckRun, Finding
from pubcheck.publication.corpus import Corpus
from pubcheck.publication.registry import dedupe, filter_findings, registered, run_rules
from pubcheck.report import DocumentSummary, Report


def check(target: Path, *, select: set[str] | None = None, ignore: set[str] | None = None,
          progress=None, extracts: Path | None = None, publication_rules: bool = True,
          config: Path | None = None, engine=None) -> Report:  # type: ignore[no-untyped-def]  # fmt: skip
    """Run every registered rule over the publications in `target` (a folder or a file);
    with `extracts`, also validate the extracts there and recompute every published figure
    from them (`publication_rules=False` runs only that: `pubcheck validate`). The folder's
    pubcheck.toml (or `config`) adds its team's registry, groups, roles and bands. `engine`:
    the engine the extracts stage runs on (None: polars; the Spark engine for --engine spark)."""
    cfg = load_config(target, config)
    with using_quantifiers(cfg.quantifiers):
        return _check(target, cfg, select, ignore, progress, extracts, publication_rules, engine)


def _check(target: Path, cfg: Config, select: set[str] | None, ignore: set[str] | None, progress,  # type: ignore[no-untyped-def]
           extracts: Path | None, publication_rules: bool, engine=None) -> Report:
    linking = load_rules(cfg.linking_files())
    loaded = load_documents(target, display_root=Path.cwd())
    extractions: list[Extraction] = []
    findings: list[Finding] = list(loaded.findings)
    for doc in loaded.documents:
        if progress:
            progress(f"extracting {doc.path}")
        try:
            extractions.append(extract(doc, linking))
        except Exception as exc:  # an extraction bug must not hide other documents
            findings.append(Finding(
                check="extraction-error", severity="error",
                message=f"{doc.path}: figures could not be extracted ({type(exc).__name__}: "
                        f"{exc}); other documents were checked.",
                expected="extraction to succeed", found=type(exc).__name__, locations=(),
            ))  # fmt: skip
    if progress:
        progress("running rules")
    corpus = Corpus(extractions, linking, cfg)
    rules: list[str] = []
    runs: list[CheckRun] = []
    if publication_rules:
        crashed: dict[str, str] = {}
        findings += run_rules(corpus, select=select, ignore=ignore, crashed=crashed)
        rules = list(registered())
        for rid in rules:
            if select and rid not in select:
                runs.append(CheckRun(rid, stage="rule", status="skipped", reason="not selected (--select)"))
            elif ignore and rid in ignore:
                runs.append(CheckRun(rid, stage="rule", status="skipped", reason="ignored (--ignore)"))
            elif rid in crashed:
                runs.append(CheckRun(rid, stage="rule", status="skipped", reason=f"the rule crashed: {crashed[rid]}"))
            else:
                runs.append(CheckRun(rid, stage="rule"))
    summaries: list = []
    comparisons: list = []
    if extracts is not None:
        from pubcheck.extracts.validate import run_extracts

        more, summaries, comparisons = run_extracts(extracts, corpus, progress, engine=engine)
        findings = dedupe(findings + filter_findings(more, select, ignore))
        runs += [r for s in summaries for r in s.runs]
        runs += [CheckRun("extract-recompute", stage="recompute",
                          text="every published figure the extracts cover, recomputed within its rounding"),
                 CheckRun("extract-invariant", stage="recompute",
                          text="the indicator invariants on the tables recomputed from the extracts")]  # fmt: skip
    docs = [DocumentSummary(e.document.path, e.document.sha256, len(e.figures), len(e.tables),
                            e.document.manifest_id) for e in extractions]  # fmt: skip
    return Report(str(target), docs, findings, loaded.unreadable, extractions, summaries, comparisons,
                  rules=rules, command="check" if publication_rules else "validate", runs=runs)
