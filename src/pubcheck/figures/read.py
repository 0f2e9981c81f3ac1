"""Reading documents in worker processes and extracting their figures: each document is read
(decoded, parsed by pdfplumber, BeautifulSoup, python-calamine or csv) in a process of its own,
with operating-system limits on time and memory (pubcheck.sandbox), up to one per core at a
time; its figures are extracted here as each document arrives, within the same budgets
(pubcheck.limits: time and figures, checked as extraction goes).

Extraction stays in this process because its output is large and its code is ours: shipping
the 250,000 figures of a 50,000-row table back from a worker costs more than extracting them
(about 7 s against 4), and the extraction is linear in its input (bounded windows, linear
patterns; tests/figures/test_properties.py).

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
from pubcheck.figures.link import LinkRules
from pubcheck.heap import rarely_collecting
from pubcheck.limits import DEFAULT, InputLimit, Limits
from pubcheck.model import Finding, Location
from pubcheck.sandbox import Outcome, default_workers, run_all

# What the forkserver imports once, so that every worker starts with the readers loaded.
PRELOAD = ("pubcheck.documents.load", "pubcheck.documents.convert", "pubcheck.documents.pdf",
           "pubcheck.documents.html", "pubcheck.documents.sheets")  # fmt: skip


@dataclass
class ReadResult:
    extractions: list[Extraction]
    findings: list[Finding] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)

    @property
    def documents(self) -> list[Document]:
        return [e.document for e in self.extractions]


def extract_within(doc: Document, limits: Limits, started: float | None = None,
                   rules: LinkRules | None = None) -> Extraction:  # fmt: skip
    """extract(doc), stopped with InputLimit once it has taken longer than the time budget
    (counted from `started`) or found more figures than the figures budget."""
    import time

    deadline = (started if started is not None else time.monotonic()) + limits.time

    def budget(figures: int, where: str) -> None:
        if time.monotonic() > deadline:
            raise InputLimit("time", limits.time, "extracting its figures took longer", where)
        if figures > limits.figures:
            raise InputLimit("figures", limits.figures, f"more than {limits.figures:,} figures", where)

    with rarely_collecting():  # millions of long-lived objects: pubcheck.heap
        ex = extract(doc, rules, budget=budget)
    budget(ex.numbers, "")
    return ex


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
             workers: int | None = None, progress=None,
             rules: LinkRules | None = None) -> ReadResult:  # type: ignore[no-untyped-def]  # fmt: skip
    """Every document under `target`, read in worker processes (workers=0: in this process,
    without operating-system limits) and extracted here with `rules` (default: the general
    linking rules). The result keeps the order of the files."""
    import time

    jobs, findings, unreadable = plan(target, display_root)
    n = default_workers() if workers is None else workers
    results: dict[int, tuple[Extraction | None, list[Finding], bool]] = {}  # job -> (extraction, findings, unreadable)

    def arrived(i: int, outcome: Outcome) -> None:
        shown = jobs[i][1]
        if progress:
            progress(f"extracting {shown}")
        if outcome.status == "ok":
            doc, more = outcome.value
            if doc is None:
                results[i] = (None, more, True)
                return
            try:
                ex = extract_within(doc, limits, time.monotonic() - outcome.seconds, rules)
            except InputLimit as exc:
                results[i] = (None, [*more, limit_finding(shown, exc)], True)
                return
            except Exception as exc:  # an extraction bug must not hide other documents
                results[i] = (None, [*more, Finding(
                    check="extraction-error", severity="error",
                    message=f"{shown}: figures could not be extracted ({type(exc).__name__}: {exc}); "
                            "other documents were checked.",
                    expected="extraction to succeed", found=type(exc).__name__, locations=(),
                )], False)  # fmt: skip
                return
            notes = list(ex.notes)
            if not ex.figures and not ex.runs:
                notes.append(Finding(
                    check="no-figures", severity="warning",
                    message=f"{shown} was read but holds no figure pubcheck recognises "
                            f"({len(doc.lines):,} lines); if it should, check its encoding and format.",
                    expected="figures", found="none", locations=(Location(shown, 0, ""),),
                ))  # fmt: skip
            results[i] = (ex, [*more, *notes], False)
        elif outcome.status == "error" and isinstance(outcome.value, InputLimit):
            results[i] = (None, [limit_finding(shown, outcome.value)], True)
        elif outcome.status == "error":
            results[i] = (None, [Finding(
                check="unreadable-input", severity="error",
                message=f"{shown} could not be read ({outcome.error}); it was not checked.",
                expected="a readable file", found=outcome.error.split(":")[0],
                locations=(Location(shown, 0, ""),),
            )], True)  # fmt: skip
        else:
            results[i] = (None, [_died(shown, outcome, limits)], True)

    run_all([(read_one, (*job, limits)) for job in jobs], workers=n, time=limits.time, memory=limits.memory,
            preload=PRELOAD, progress=arrived)  # fmt: skip
    extractions: list[Extraction] = []
    for i, (_p, shown, _entry, _has) in enumerate(jobs):
        ex, more, bad = results[i]
        findings += more
        if bad:
            unreadable.append(shown)
        if ex is not None:
            extractions.append(ex)
    return ReadResult(extractions, findings, unreadable)
