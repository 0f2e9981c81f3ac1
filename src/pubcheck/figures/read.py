"""Reading documents and extracting their figures in worker processes: each document in a
process of its own, with operating-system limits on time and memory (pubcheck.sandbox), up to
one per core at a time.

`read_all(target, limits=..., workers=...)` is `load_documents` followed by `extract` for every
document, except that no document can hang or exhaust the run: one over a budget is an
`input-limit` error, one whose worker dies (killed at the time limit, out of memory, a crash in
a native reader) is a `worker-died` error, and the other documents' figures are kept. A document
that yields no figure at all gets a `no-figures` warning (a page read as nothing is never
silent).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pubcheck.documents.load import Document, limit_finding, plan, read_one
from pubcheck.figures.extract import Extraction, extract
from pubcheck.limits import DEFAULT, InputLimit, Limits
from pubcheck.model import Finding, Location
from pubcheck.sandbox import Outcome, default_workers, run_all

# What the forkserver imports once, so that every worker starts with the readers loaded.
PRELOAD = ("pubcheck.figures.read", "pubcheck.documents.pdf", "pubcheck.documents.html",
           "pubcheck.documents.sheets")  # fmt: skip


@dataclass
class ReadResult:
    extractions: list[Extraction]
    findings: list[Finding] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)

    @property
    def documents(self) -> list[Document]:
        return [e.document for e in self.extractions]


def read_and_extract(p: Path, shown: str, entry: dict | None, has_manifest: bool,
                     limits: Limits) -> tuple[Extraction | None, list[Finding]]:  # fmt: skip
    """One document: read, extract, check the figures budget. Runs in a worker."""
    doc, findings = read_one(p, shown, entry, has_manifest, limits)
    if doc is None:
        return None, findings
    ex = extract(doc)
    if len(ex.figures) > limits.figures:
        raise InputLimit("figures", limits.figures, f"{len(ex.figures):,} figures")
    return ex, findings


def _died(shown: str, outcome: Outcome, limits: Limits) -> Finding:
    if outcome.kind == "time":
        return Finding(
            check="input-limit", severity="error",
            message=f"{shown}: reading it took longer than the limit time = {limits.time:g} s ({outcome.error}); "
                    "it was not checked (raise it with --limit time=...).",
            expected=f"time <= {limits.time:g} s", found=f"more than {limits.time:g} s",
            locations=(Location(shown, 0, ""),),
        )  # fmt: skip
    if outcome.kind in ("memory", "cpu"):
        what = "memory" if outcome.kind == "memory" else "time"
        value = f"{limits.memory // 1024**2:,} MiB" if what == "memory" else f"{limits.time:g} s"
        return Finding(
            check="input-limit", severity="error",
            message=f"{shown}: reading it went over the limit {what} = {value} ({outcome.error}); "
                    f"it was not checked (raise it with --limit {what}=...).",
            expected=f"{what} <= {value}", found=outcome.error,
            locations=(Location(shown, 0, ""),),
        )  # fmt: skip
    return Finding(
        check="worker-died", severity="error",
        message=f"{shown}: the process reading it ended without an answer ({outcome.error}); "
                "it was not checked. The other documents were.",
        expected="the reader to finish", found=outcome.error,
        locations=(Location(shown, 0, ""),),
    )  # fmt: skip


def read_all(target: Path, display_root: Path | None = None, *, limits: Limits = DEFAULT,
             workers: int | None = None, progress=None) -> ReadResult:  # type: ignore[no-untyped-def]  # fmt: skip
    """Every document under `target`, read and extracted in worker processes (workers=0: in this
    process, without operating-system limits). The result keeps the order of the files."""
    jobs, findings, unreadable = plan(target, display_root)
    n = default_workers() if workers is None else workers

    def done(i: int, outcome: Outcome) -> None:
        if progress:
            progress(f"read {jobs[i][1]}")

    outcomes = run_all([(read_and_extract, (*job, limits)) for job in jobs], workers=n, time=limits.time,
                       memory=limits.memory, preload=PRELOAD, progress=done)  # fmt: skip
    extractions: list[Extraction] = []
    for (_p, shown, _entry, _has), outcome in zip(jobs, outcomes, strict=True):
        if outcome.status == "ok":
            ex, more = outcome.value
            findings += more
            if ex is None:
                unreadable.append(shown)
                continue
            findings += ex.notes
            if not ex.figures:
                findings.append(Finding(
                    check="no-figures", severity="warning",
                    message=f"{shown} was read but holds no figure pubcheck recognises ({len(ex.document.lines):,} "
                            "lines); if it should, check its encoding and format.",
                    expected="figures", found="none", locations=(Location(shown, 0, ""),),
                ))  # fmt: skip
            extractions.append(ex)
        elif outcome.status == "error" and isinstance(outcome.value, InputLimit):
            unreadable.append(shown)
            findings.append(limit_finding(shown, outcome.value))
        elif outcome.status == "error":
            findings.append(Finding(
                check="extraction-error", severity="error",
                message=f"{shown}: it could not be read and its figures extracted ({outcome.error}); "
                        "the other documents were checked.",
                expected="reading and extraction to succeed", found=outcome.error.split(":")[0],
                locations=(Location(shown, 0, ""),),
            ))  # fmt: skip
        else:
            unreadable.append(shown)
            findings.append(_died(shown, outcome, limits))
    return ReadResult(extractions, findings, unreadable)
