"""`pubcheck validate`: extracts against their contracts, then every published figure
recomputed from them."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pubcheck.model import CheckRun, Finding, InputError


@dataclass
class ExtractSummary:
    stem: str
    path: str
    rows: int
    seconds: float
    findings: int
    runs: list[CheckRun] = field(default_factory=list, repr=False)  # its contract's rules, ran or skipped

    def to_dict(self) -> dict[str, Any]:
        return {"stem": self.stem, "path": self.path, "rows": self.rows,
                "seconds": round(self.seconds, 3), "findings": self.findings}  # fmt: skip


def bundled_extracts() -> Path:
    from pubcheck.paths import project_root

    root = project_root()
    if root is None or not (root / "fixtures" / "extracts").is_dir():
        raise InputError("no EXTRACTS_DIR given and the bundled fixtures/extracts/ folder was not found")
    return root / "fixtures" / "extracts"


def run_extracts(directory: Path, corpus, progress=None, engine=None):  # type: ignore[no-untyped-def]
    """Validate every extract in `directory`, recompute the published figures of `corpus`.
    Returns (findings, extract summaries, comparisons). `engine`: another engine to run this
    stage on (pubcheck.extracts.spark.engine.SparkEngine, whose `directory` may be a URI);
    None: polars, here."""
    if engine is not None:
        return engine.run_extracts(directory, corpus, progress)
    import polars as pl

    from pubcheck.extracts.contracts import contract_runs, find_extracts, load_extract, validate_extract
    from pubcheck.extracts.recompute import aggregate, compare, read_scales

    if not directory.is_dir():
        raise InputError(f"{directory}: no such directory of extracts")
    found = find_extracts(directory)
    findings: list[Finding] = []
    summaries: list[ExtractSummary] = []
    if not found:
        findings.append(Finding(
            check="extract-missing", severity="error",
            message=f"{directory} holds no extract pubcheck knows (expected files like pupils.parquet "
                    "or reoffending.csv; see schemas/extracts.py)",
            expected="at least one extract", found="none", locations=(),
        ))  # fmt: skip
    frames: dict[str, pl.LazyFrame] = {}
    for stem, path in sorted(found.items()):
        if progress:
            progress(f"validating {path.name}")
        t0 = time.perf_counter()
        result = validate_extract(path, stem)
        findings += result.findings
        summaries.append(ExtractSummary(stem, str(path), result.rows, time.perf_counter() - t0,
                                        len(result.findings), contract_runs(result)))  # fmt: skip
        broken = any(f.check in ("extract-unreadable", "extract-structure") for f in result.findings)
        if not broken:
            lf, load_findings = load_extract(path, stem)
            if lf is not None and not load_findings:
                frames[stem] = lf
    if progress:
        progress("recomputing published figures")
    agg = aggregate(frames, read_scales(directory))
    agg.files = {stem: str(p) for stem, p in found.items()}
    rec_findings, comparisons = compare(corpus, agg)
    findings += rec_findings
    from pubcheck.extracts.invariants import recomputed_findings

    findings += recomputed_findings(agg, str(directory))
    return findings, summaries, comparisons
