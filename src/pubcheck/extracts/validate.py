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


def run_extracts(directory: Path, corpus, progress=None, *, allow_remote: bool = False,  # type: ignore[no-untyped-def]
                 engine=None):
    """Validate every extract in `directory`, recompute the published figures of `corpus`.
    Returns (findings, extract summaries, comparisons). `engine`: another engine to run this
    stage on (pubcheck.extracts.spark.engine.SparkEngine, whose `directory` may be a URI);
    None: polars, here."""
    if engine is not None:
        return engine.run_extracts(directory, corpus, progress, allow_remote=allow_remote)
    import polars as pl

    from pubcheck.extracts.contracts import contract_runs, load_extract, validate_extract
    from pubcheck.extracts.recompute import aggregate

    if not directory.is_dir():
        raise InputError(f"{directory}: no such directory of extracts")
    findings, found, package = discover(directory, allow_remote=allow_remote)
    summaries: list[ExtractSummary] = []
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
    more, comparisons = recompare(aggregate(frames, package.scales), package, found, corpus, directory)
    return findings + more, summaries, comparisons


def recompare(agg: Any, package: Any, found: dict[str, Any], corpus: Any, directory: object
              ) -> tuple[list[Finding], list[Any]]:  # fmt: skip
    """The recomputed aggregates compared with every published figure they cover, and the
    indicator invariants run on them (both engines): (findings, comparisons)."""
    from pubcheck.extracts.invariants import recomputed_findings
    from pubcheck.extracts.recompute import compare

    agg.scales_known = package.scales_known
    agg.files = {stem: str(p) for stem, p in found.items()}
    findings, comparisons = compare(corpus, agg)
    return findings + recomputed_findings(agg, str(directory)), comparisons


def discover(directory: Path, *, allow_remote: bool = False, find=None,  # type: ignore[no-untyped-def]
             parquet_folders: bool = False):
    """The extracts to validate in a local `directory`: (findings, stem -> path, the package).
    Its datapackage.json (read safely), files that are not safe to read, resources with a
    contract but no file. `find`: how to list the extracts (default contracts.find_extracts);
    `parquet_folders`: a `<stem>.parquet` folder of part files is an extract (the Spark engine's)."""
    from pubcheck.extracts.contracts import find_extracts
    from pubcheck.extracts.package import read_package, unsafe_files
    from pubcheck.model import Location
    from schemas.extracts import CONTRACTS

    package = read_package(directory, allow_remote=allow_remote)
    findings: list[Finding] = list(package.findings)
    unsafe = unsafe_files(directory, [f"{stem}{suffix}" for stem in CONTRACTS for suffix in (".parquet", ".csv")])
    if parquet_folders:
        unsafe = [(p, why) for p, why in unsafe if not (p.suffix == ".parquet" and p.is_dir() and not p.is_symlink())]
    for p, why in unsafe:
        findings.append(Finding(
            check="extract-unreadable", severity="error", message=f"{p}: {why}; it was not read.",
            expected="a regular file inside the folder", found=why.split(",")[0], locations=(Location(str(p), 0, ""),),
        ))  # fmt: skip
    bad = {p for p, _ in unsafe}
    found = {stem: p for stem, p in (find or find_extracts)(directory).items() if p not in bad}
    for name, p in package.resources.items():  # listed in the package, but not where validate looks
        if name in CONTRACTS and name not in found and p.suffix.lower() in (".csv", ".parquet") and p not in bad:
            if p.parent.resolve() == directory.resolve() and p.stem == name:
                found[name] = p
    for name in package.resources:
        if name in CONTRACTS and name not in found:
            findings.append(Finding(
                check="extract-missing", severity="error",
                message=f"{package.path}: resource {name!r} has a contract but no readable {name}.parquet or "
                        f"{name}.csv in {directory}; it was not validated",
                expected=f"{name}.parquet or {name}.csv", found="no such file",
                locations=(Location(str(package.path), 0, name),),
            ))  # fmt: skip
    if not found:
        findings.append(no_extracts(directory))
    return findings, found, package


def no_extracts(directory: object) -> Finding:
    """The finding for a folder (or URI) without any extract pubcheck knows (both engines)."""
    return Finding(
        check="extract-missing", severity="error",
        message=f"{directory} holds no extract pubcheck knows (expected files like pupils.parquet "
                "or reoffending.csv; see schemas/extracts.py)",
        expected="at least one extract", found="none", locations=(),
    )  # fmt: skip
