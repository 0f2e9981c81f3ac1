"""`pubcheck check` and `pubcheck validate` as one composition of the stages:

    documents -> figures -> publication rules (-> extracts, when asked) -> Report

With cli/commands this is the only module that knows every stage; the stages below know only
the ones beneath them (see [tool.importlinter] in pyproject.toml).
"""

from __future__ import annotations

from pathlib import Path

from pubcheck.config import Config, load_config
from pubcheck.figures.link import load_rules
from pubcheck.figures.numbers import using_quantifiers
from pubcheck.figures.read import read_all
from pubcheck.heap import rarely_collecting
from pubcheck.limits import Limits
from pubcheck.model import CheckRun, Finding
from pubcheck.publication.corpus import Corpus
from pubcheck.publication.registry import dedupe, filter_findings, registered, run_rules
from pubcheck.report import DocumentSummary, Report


def check(target: Path, *, select: set[str] | None = None, ignore: set[str] | None = None,
          progress=None, extracts: Path | None = None, publication_rules: bool = True,
          config: Path | None = None, limits: Limits | None = None, workers: int | None = None,
          allow_remote: bool = False, engine=None) -> Report:  # type: ignore[no-untyped-def]  # fmt: skip
    """Run every registered rule over the publications in `target` (a folder or a file);
    with `extracts`, also validate the extracts there and recompute every published figure
    from them (`publication_rules=False` runs only that: `pubcheck validate`). The folder's
    pubcheck.toml (or `config`) adds its team's registry, groups, roles, bands and budgets.
    Documents are read in worker processes within `limits` (default: the configuration's
    [limits]; workers=0: in this process). `engine`: the engine the extracts stage runs on (None:
    polars; the Spark engine for --engine spark)."""
    cfg = load_config(target, config)
    with using_quantifiers(cfg.quantifiers):
        return _check(target, cfg, select, ignore, progress, extracts, publication_rules,
                      limits or cfg.limits, workers, allow_remote, engine)


def _check(target: Path, cfg: Config, select: set[str] | None, ignore: set[str] | None, progress,  # type: ignore[no-untyped-def]
           extracts: Path | None, publication_rules: bool, limits: Limits, workers: int | None,
           allow_remote: bool, engine=None) -> Report:  # fmt: skip
    linking = load_rules(cfg.linking_files())
    loaded = read_all(target, display_root=Path.cwd(), limits=limits, workers=workers, progress=progress,
                      rules=linking)  # fmt: skip
    extractions = loaded.extractions
    findings: list[Finding] = list(loaded.findings)
    if progress:
        progress("running rules")
    corpus = Corpus(extractions, linking, cfg)
    rules: list[str] = []
    runs: list[CheckRun] = []
    if publication_rules:
        crashed: dict[str, str] = {}
        with rarely_collecting():  # the tidy tables: millions of long-lived objects (pubcheck.heap)
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

        more, summaries, comparisons = run_extracts(extracts, corpus, progress, allow_remote=allow_remote,
                                                    engine=engine)  # fmt: skip
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
