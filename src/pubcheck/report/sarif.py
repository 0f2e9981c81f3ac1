"""`--format sarif`: SARIF 2.1.0 for code-scanning user interfaces.

One run; its driver lists every check id that has a result, with its help text (from the
report's catalog, filled by the CLI); each finding is a result with its file, line and quoted
region, a level (error, warning, note), and a stable fingerprint (`partialFingerprints`,
`pubcheck/v1`: see pubcheck.model.fingerprint). Suppressed findings are results with a
`suppressions` entry (their reason and owner); with --baseline, each result has its
`baselineState` and the fixed findings are results whose state is `absent`. The invocation
carries the exit code and its reason. tests/report/test_sarif.py validates the output against
the SARIF 2.1.0 JSON schema."""

from __future__ import annotations

import json
from pathlib import PurePath
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from rich.console import Console

from pubcheck.model import Finding

if TYPE_CHECKING:
    from pubcheck.report import Report

LEVEL = {"error": "error", "warning": "warning", "info": "note"}
SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
KEY = "pubcheck/v1"


def _uri(document: str) -> str:
    return quote(PurePath(document.replace("\\", "/")).as_posix(), safe="/")


def _location(loc: Any) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": _uri(loc.document), "uriBaseId": "%SRCROOT%"}}
    if loc.line and loc.line > 0:
        region: dict[str, Any] = {"startLine": int(loc.line)}
        if loc.quote:
            region["snippet"] = {"text": " ".join(loc.quote.split())}
        physical["region"] = region
    out: dict[str, Any] = {"physicalLocation": physical}
    where = loc.label().split(":", 1)[1] if ":" in loc.label() else ""
    if loc.sheet or loc.section or loc.cell or loc.page:
        out["logicalLocations"] = [{"name": where or (loc.cell or ""), "kind": "element"}]
    return out


def _message(f: Finding) -> str:
    text = f"{f.message} Expected: {f.expected}. Found: {f.found}."
    if f.interval:
        text += f" Rounding: {f.interval}."
    return text


def _result(f: Finding, fp: str, rule_index: dict[str, int]) -> dict[str, Any]:
    r: dict[str, Any] = {
        "ruleId": f.check,
        "ruleIndex": rule_index[f.check],
        "level": LEVEL[f.severity],
        "kind": "fail",
        "message": {"text": _message(f)},
        "locations": [_location(loc) for loc in f.locations],
        "partialFingerprints": {KEY: fp},
        "properties": {"severity": f.severity, "expected": f.expected, "found": f.found,
                       **({"interval": f.interval} if f.interval else {}),
                       **({"key": f.key} if f.key else {}), **({"raw": f.raw} if f.raw is not None else {})},
    }  # fmt: skip
    return r


def render_sarif(report: Report, console: Console) -> None:
    from pubcheck import __version__
    from pubcheck.model import fingerprint

    v = report.view()
    ids: list[str] = []
    for f in [*report.findings, *(f for f, _ in report.suppressed)]:
        if f.check not in ids:
            ids.append(f.check)
    fixed = report.baseline_summary()["fixed"] if report.baseline is not None else []
    for fx in fixed:
        if fx["check"] and fx["check"] not in ids:
            ids.append(fx["check"])
    rule_index = {c: i for i, c in enumerate(ids)}
    rules = []
    for c in ids:
        info = report.catalog.get(c, {})
        summary = info.get("summary") or c
        help_text = info.get("help") or summary
        rules.append({
            "id": c, "name": "".join(w.capitalize() for w in c.split("-")),
            "shortDescription": {"text": summary}, "fullDescription": {"text": help_text},
            "help": {"text": f"{help_text}\n\nList every check: pubcheck rules."},
            "defaultConfiguration": {"level": LEVEL.get(info.get("level", ""), "warning")},
            "properties": {"severity": info.get("severity", "")},
        })  # fmt: skip
    results = []
    for i, f in enumerate(report.findings):
        r = _result(f, v.fingerprints[i], rule_index)
        if v.states[i] is not None:
            r["baselineState"] = v.states[i]
        results.append(r)
    for f, s in report.suppressed:
        r = _result(f, fingerprint(f), rule_index)
        r["suppressions"] = [{"kind": "external", "status": "accepted", "justification": s.reason,
                              "properties": {"owner": s.owner, "entry": s.where,
                                             **({"expires": s.expires.isoformat()} if s.expires else {})}}]  # fmt: skip
        results.append(r)
    for fx in fixed:
        if not fx["check"]:
            continue
        results.append({"ruleId": fx["check"], "ruleIndex": rule_index[fx["check"]], "level": "none",
                        "kind": "pass", "baselineState": "absent",
                        "message": {"text": f"fixed since the baseline: {fx['message']}"},
                        "partialFingerprints": {KEY: fx["fingerprint"]}})  # fmt: skip
    verdict = report.verdict
    invocation: dict[str, Any] = {"executionSuccessful": True}
    if verdict is not None:
        invocation.update({"exitCode": verdict.exit_code, "exitCodeDescription": f"{verdict.status}: {verdict.reason}",
                           "properties": {"verdict": verdict.status, "failOn": verdict.fail_on}})  # fmt: skip
        if verdict.status == "unreadable":
            invocation["toolExecutionNotifications"] = [{"level": "error", "message": {"text": verdict.reason}}]
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "pubcheck", "version": __version__, "semanticVersion": __version__,
                                "rules": rules}},
            "automationDetails": {"id": f"pubcheck/{report.command}/{report.target}"},
            "invocations": [invocation],
            "results": results,
            "columnKind": "unicodeCodePoints",
            "properties": {"target": report.target, "summary": report.summary()},
        }],
    }  # fmt: skip
    console.file.write(json.dumps(log, indent=2, ensure_ascii=False) + "\n")
