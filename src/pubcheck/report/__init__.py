"""The report: plain data, and one renderer per output format.

Owns: Report and DocumentSummary (`to_dict()` is exactly what `--format json` prints) and
RENDERERS, `(report, console) -> None` for console, json, junit, sarif, markdown and html
(one module each); `figures` renders the `pubcheck figures` listing. Renderers present; they
never compute findings. What every renderer shows is derived here once (`Report.view()`):
each finding's fingerprint, each check that ran with its outcome, the verdict.

JSON shape (stable, documented in README; fields are only ever added):
{"tool", "command", "target", "documents": [{"path", "sha256", "figures", ...}],
 "findings": [{"check", "severity", "message", "expected", "found", "interval",
               "locations": [{"document", "line", "quote"}], "fingerprint", ...}],
 "summary": {"error", "warning", "info"}, "unreadable", "verdict", "checks", "by_check",
 "suppressed", "extracts", "recomputed", "data_docs", "baseline"}

May import: pubcheck.model, pubcheck.humanize and pubcheck.config only. The report knows the
model, not the stages: what a renderer needs from a run (the checks that ran, the rules' help
text) is carried in the Report, filled by the stages and the CLI.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from rich.console import Console

from pubcheck.config import Suppression
from pubcheck.humanize import plural
from pubcheck.model import SEVERITIES, SEVERITY_RANK, CheckRun, Finding, Location, fingerprint


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
class Verdict:
    """The gate's answer: passed, failed (findings at or above --fail-on; with --only-new,
    new ones only) or unreadable (input that could not be read: exit 2)."""

    status: str
    exit_code: int
    reason: str
    fail_on: str
    only_new: bool = False
    blocking: list[int] = field(default_factory=list)  # indices into Report.findings, worst first

    def to_dict(self, report: Report) -> dict[str, Any]:
        v = report.view()
        first = v.findings[self.blocking[0]] if self.blocking else None
        return {"status": self.status, "exit_code": self.exit_code, "reason": self.reason,
                "fail_on": self.fail_on, "only_new": self.only_new, "blocking": len(self.blocking),
                "first": None if first is None else {
                    "check": first.check, "message": first.message, "fingerprint": v.fingerprints[self.blocking[0]],
                    **({"document": first.locations[0].document, "line": first.locations[0].line}
                       if first.locations else {})}}  # fmt: skip


@dataclass
class Outcome:
    """A check and what came of it: passed, failed (a finding at or above --fail-on that
    gates) or skipped; its findings (indices into Report.findings)."""

    run: CheckRun
    status: str
    findings: list[int]

    def to_dict(self, fingerprints: list[str]) -> dict[str, Any]:
        r = self.run
        d: dict[str, Any] = {"check": r.check, "name": r.name, "target": r.target, "stage": r.stage,
                             "status": self.status, "findings": [fingerprints[i] for i in self.findings]}  # fmt: skip
        if r.key is not None:
            d["key"] = r.key
        if r.reason:
            d["reason"] = r.reason
        if r.text:
            d["text"] = r.text
        if r.raw is not None:
            d["raw"] = r.raw
        return d


@dataclass
class View:
    """What every renderer shows, derived once: fingerprints (parallel to findings), the
    outcome of every check, the baseline state of each finding ("new", "unchanged" or None)."""

    findings: list[Finding]
    fingerprints: list[str]
    outcomes: list[Outcome]
    states: list[str | None]
    gating: set[int]  # findings at or above --fail-on (new ones only, with --only-new)


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
    # empty when none ran). Not part of to_dict(): `checks` says what ran.
    rules: list[str] = field(default_factory=list)
    hidden: int = 0  # the console leaves out this many 'not compared' notes (shown with --verbose); not in to_dict()
    command: str = "check"
    runs: list[CheckRun] = field(default_factory=list)  # every check that ran or was skipped, in order
    data_docs: list[dict[str, Any]] = field(default_factory=list)  # {"file", "index", "run_name", ...}: written
    suppressed: list[tuple[Finding, Suppression]] = field(default_factory=list)
    expired: dict[int, Suppression] = field(default_factory=dict)  # finding index -> its expired suppression
    baseline: dict[str, Any] | None = None  # {"file", "fingerprints": set, "findings": [dicts]}
    catalog: dict[str, dict[str, str]] = field(default_factory=dict, repr=False)  # check id -> severity, summary, help
    verdict: Verdict | None = None
    _view: View | None = field(default=None, repr=False, compare=False)

    # ------------------------------------------------------------ counts

    def summary(self) -> dict[str, int]:
        out = {"error": 0, "warning": 0, "info": 0}
        for f in self.findings:
            out[f.severity] += 1
        return out

    def by_check(self) -> dict[str, dict[str, int]]:
        """Counts of findings by check id and severity, checks in order of their first finding."""
        out: dict[str, dict[str, int]] = {}
        for f in self.findings:
            out.setdefault(f.check, {s: 0 for s in SEVERITIES})[f.severity] += 1
        return out

    def worst(self) -> str | None:
        if not self.findings:
            return None
        return max((f.severity for f in self.findings), key=lambda s: SEVERITY_RANK[s])

    def at_or_above(self, level: str) -> list[Finding]:
        return [f for f in self.findings if SEVERITY_RANK[f.severity] >= SEVERITY_RANK[level]]

    # ------------------------------------------------------------ derived once

    def view(self) -> View:
        if self._view is None:
            self._view = self._derive()
        return self._view

    def _derive(self) -> View:
        fps: list[str] = []
        seen: dict[str, int] = {}
        for f in self.findings:
            fp = fingerprint(f)
            seen[fp] = seen.get(fp, 0) + 1
            fps.append(fp if seen[fp] == 1 else f"{fp}-{seen[fp]}")  # the same finding twice: told apart in order
        states: list[str | None] = [None] * len(fps)
        if self.baseline is not None:
            old = self.baseline["fingerprints"]
            states = ["unchanged" if fp in old else "new" for fp in fps]
        fail_on = self.verdict.fail_on if self.verdict else "error"
        only_new = bool(self.verdict and self.verdict.only_new)
        floor = SEVERITY_RANK[fail_on]
        gating = {i for i, f in enumerate(self.findings)
                  if SEVERITY_RANK[f.severity] >= floor and (not only_new or states[i] == "new")}  # fmt: skip
        left = list(range(len(self.findings)))
        outcomes: list[Outcome] = []
        # keyed runs first: a contract rule owns its findings before the file's whole-check run
        order = sorted(range(len(self.runs)), key=lambda i: self.runs[i].key is None)
        claimed: dict[int, list[int]] = {}
        for ri in order:
            run = self.runs[ri]
            mine = [i for i in left if run.owns(self.findings[i])]
            claimed[ri] = mine
            left = [i for i in left if i not in set(mine)]
        for ri, run in enumerate(self.runs):
            mine = claimed[ri]
            status = "skipped" if run.status == "skipped" and not mine else (
                "failed" if any(i in gating for i in mine) else "passed")  # fmt: skip
            outcomes.append(Outcome(run, status, mine))
        # findings no declared check owns (a document that cannot be read, a rule that crashed):
        # one check per check id and document, so every finding is in some check's outcome
        extra: dict[tuple[str, str | None], list[int]] = {}
        for i in left:
            f = self.findings[i]
            extra.setdefault((f.check, f.document), []).append(i)
        for (check, doc), mine in extra.items():
            run = CheckRun(check, target=doc, stage="other")
            outcomes.append(Outcome(run, "failed" if any(i in gating for i in mine) else "passed", mine))
        return View(self.findings, fps, outcomes, states, gating)

    def invalidate(self) -> None:
        self._view = None

    # ------------------------------------------------------------ what the CLI does before rendering

    def relative_to(self, cwd: Path) -> Report:
        """Paths as the user would type them from `cwd`: relative when under it."""

        def rel(p: str | None) -> str | None:
            if p is None:
                return None
            q = Path(p)
            if not q.is_absolute():
                return p
            try:
                return os.path.relpath(q, cwd) if q.resolve().is_relative_to(cwd.resolve()) else p
            except (OSError, ValueError):
                return p

        def loc(x: Location) -> Location:
            return replace(x, document=rel(x.document) or x.document)

        self.findings = [replace(f, locations=tuple(loc(x) for x in f.locations)) for f in self.findings]
        self.suppressed = [(replace(f, locations=tuple(loc(x) for x in f.locations)), s) for f, s in self.suppressed]
        self.documents = [replace(d, path=rel(d.path) or d.path) for d in self.documents]
        for e in self.extracts:
            e.path = rel(e.path) or e.path
        self.runs = [replace(r, target=rel(r.target)) for r in self.runs]
        self.target = rel(self.target) or self.target
        self.unreadable = [rel(u) or u for u in self.unreadable]
        for d in self.data_docs:
            d["index"] = rel(d["index"])
        self.invalidate()
        return self

    def suppress(self, suppressions: Iterable[Suppression], today: dt.date | None = None) -> Report:
        """Move the findings a [[suppress]] entry names out of `findings` into `suppressed`
        (listed in JSON and HTML, not counted); an expired entry suppresses nothing, and the
        finding it names says so."""
        sups = list(suppressions)
        if not sups:
            return self
        today = today or dt.date.today()
        kept: list[Finding] = []
        expired: dict[int, Suppression] = {}
        for f in self.findings:
            hit = next((s for s in sups if _matches(s, f)), None)
            if hit is not None and not hit.expired(today):
                self.suppressed.append((f, hit))
                continue
            if hit is not None:
                expired[len(kept)] = hit
            kept.append(f)
        self.findings, self.expired = kept, expired
        self.invalidate()
        return self

    def compare_with(self, previous: dict[str, Any], file: str) -> Report:
        """A previous JSON report as the baseline: each finding is new or unchanged; the
        previous findings not found now are fixed. Fingerprints are recomputed from the
        previous findings (a report written before fingerprints existed works too)."""
        old = []
        for d in previous.get("findings", []):
            fp = d.get("fingerprint") or _fingerprint_of_dict(d)
            old.append((fp, d))
        self.baseline = {"file": file, "fingerprints": {fp for fp, _ in old}, "findings": old}
        self.invalidate()
        return self

    def decide(self, fail_on: str = "error", only_new: bool = False) -> Verdict:
        """The verdict (and exit code) for --fail-on and --only-new; kept on the report."""
        self.verdict = Verdict("passed", 0, "", fail_on, only_new)
        self.invalidate()
        gating = sorted(self.view().gating)
        gating.sort(key=lambda i: (-SEVERITY_RANK[self.findings[i].severity], _stage_rank(self, i), i))
        level = "error" if fail_on == "error" else f"{fail_on} or worse"
        what = (f"new {level}" if only_new else level)
        if self.unreadable:
            status, code = "unreadable", 2
            reason = f"could not read {', '.join(self.unreadable)}"
        elif gating:
            status, code = "failed", 1
            n = len(gating)
            reason = f"{n} {what} finding{'s' if n != 1 else ''} (--fail-on {fail_on}" + \
                     (", --only-new)" if only_new else ")")
        else:
            status, code = "passed", 0
            below = len(self.findings)
            reason = f"no {what} finding (--fail-on {fail_on}" + (", --only-new)" if only_new else ")")
            if below:
                reason += f"; {plural(below, 'finding')} below it"
        self.verdict = Verdict(status, code, reason, fail_on, only_new, gating)
        self.invalidate()
        return self.verdict

    # ------------------------------------------------------------ JSON

    def to_dict(self) -> dict[str, Any]:
        from pubcheck import __version__

        v = self.view()
        findings = []
        for i, f in enumerate(self.findings):
            d = f.to_dict()
            d["fingerprint"] = v.fingerprints[i]
            if v.states[i] is not None:
                d["baseline"] = v.states[i]
            if i in self.expired:
                d["suppression"] = {**self.expired[i].to_dict(), "expired": True}
            findings.append(d)
        out: dict[str, Any] = {
            "tool": {"name": "pubcheck", "version": __version__},
            "command": self.command,
            "target": self.target,
            "documents": [d.to_dict() for d in self.documents],
            "findings": findings,
            "summary": self.summary(),
            "unreadable": self.unreadable,
            "verdict": self.verdict.to_dict(self) if self.verdict else None,
            "checks": [o.to_dict(v.fingerprints) for o in v.outcomes],
            "by_check": self.by_check(),
            "suppressed": [{**f.to_dict(), "fingerprint": fingerprint(f), "suppression": s.to_dict()}
                           for f, s in self.suppressed],
        }  # fmt: skip
        if self.extracts:
            out["extracts"] = [e.to_dict() for e in self.extracts]
            out["recomputed"] = [c.to_dict() for c in self.recomputed]
        if self.data_docs:
            out["data_docs"] = self.data_docs
        if self.baseline is not None:
            out["baseline"] = self.baseline_summary()
        return out

    def baseline_summary(self) -> dict[str, Any]:
        assert self.baseline is not None
        v = self.view()
        now = set(v.fingerprints) | {fingerprint(f) for f, _ in self.suppressed}
        fixed = [{"fingerprint": fp, "check": d.get("check"), "severity": d.get("severity"),
                  "message": d.get("message"), "document": (d.get("locations") or [{}])[0].get("document")}
                 for fp, d in self.baseline["findings"] if fp not in now]  # fmt: skip
        return {"file": self.baseline["file"], "new": v.states.count("new"),
                "unchanged": v.states.count("unchanged"), "fixed": fixed}  # fmt: skip


def _matches(s: Suppression, f: Finding) -> bool:
    if s.fingerprint is not None:
        return fingerprint(f) == s.fingerprint
    if f.check != s.rule:
        return False
    quote = " ".join((s.quote or "").split())
    # the quoted text stands in the finding's quote, and holds the figure the finding is about
    return any(Path(loc.document).name == s.document or loc.document == s.document for loc in f.locations) and any(
        quote in " ".join(loc.quote.split()) and (not loc.figure or " ".join(loc.figure.split()) in quote)
        for loc in f.locations)


def _fingerprint_of_dict(d: dict[str, Any]) -> str:
    locs = tuple(Location(x.get("document", ""), int(x.get("line") or 0), x.get("quote", ""), sheet=x.get("sheet"),
                          figure=x.get("figure")) for x in d.get("locations", []))  # fmt: skip
    f = Finding(d.get("check", ""), d.get("severity", "info") if d.get("severity") in SEVERITIES else "info",
                d.get("message", ""), d.get("expected", ""), d.get("found", ""), locs, key=d.get("key"))  # fmt: skip
    return fingerprint(f)


def _stage_rank(report: Report, i: int) -> int:
    """Root causes first: the position of the check that owns the finding in the run's order
    (a file's intake before its contract, its contract before GX, GX before the refresh rules
    that compare it with the previous extract)."""
    f = report.findings[i]
    for n, r in enumerate(report.runs):
        if r.owns(f):
            return n
    return len(report.runs)


from pubcheck.report.console import render_console  # noqa: E402  (renderers import Report for typing only)
from pubcheck.report.html import render_html  # noqa: E402
from pubcheck.report.jsonfmt import render_json  # noqa: E402
from pubcheck.report.junit import render_junit  # noqa: E402
from pubcheck.report.markdown import render_markdown  # noqa: E402
from pubcheck.report.sarif import render_sarif  # noqa: E402

RENDERERS: dict[str, Callable[[Report, Console], None]] = {
    "console": render_console, "json": render_json, "junit": render_junit, "sarif": render_sarif,
    "markdown": render_markdown, "html": render_html,
}  # fmt: skip
FORMATS = tuple(RENDERERS)
