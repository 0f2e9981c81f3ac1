"""`--format junit`: one testcase per check the run made (a publication rule, a file's intake, a
contract rule, a GX expectation, a refresh rule), passed, failed or skipped, in one testsuite
per file (or per checked folder, for the publication rules that read every document).

Names are stable across runs, so CI can follow a test: the suite is the file as the user
named it (relative path), the testcase's classname the same, its name the check id and the
check within it (`extract-contract: allowed-values:benefit`); no counters, no absolute paths.
A testcase fails only for a finding at or above --fail-on (new ones only, with --only-new):
findings below it are listed in the testcase's system-out, and it passes, as the run does."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

from rich.console import Console

from pubcheck.model import Finding

if TYPE_CHECKING:
    from pubcheck.report import Report


def _body(f: Finding, fp: str) -> str:
    lines = [f"{f.severity.upper()} {f.check}: {f.message}", f"expected: {f.expected}", f"found: {f.found}"]
    if f.interval:
        lines.append(f"rounding: {f.interval}")
    lines += [f"at {loc.label()}: {' '.join(loc.quote.split())}" for loc in f.locations]
    lines.append(f"fingerprint: {fp}")
    return "\n".join(lines)


def render_junit(report: Report, console: Console) -> None:
    v = report.view()
    verdict = report.verdict
    root = ET.Element("testsuites", name=f"pubcheck {report.command} {report.target}")
    suites: dict[str, ET.Element] = {}
    counts: dict[str, list[int]] = {}  # suite -> [tests, failures, skipped]
    for o in v.outcomes:
        target = o.run.target or report.target
        if target not in suites:
            suites[target] = ET.SubElement(root, "testsuite", name=target)
            if verdict is not None:
                props = ET.SubElement(suites[target], "properties")
                ET.SubElement(props, "property", name="pubcheck.verdict", value=f"{verdict.status}: {verdict.reason}")
            counts[target] = [0, 0, 0]
        case = ET.SubElement(suites[target], "testcase", classname=target, name=o.run.name)
        counts[target][0] += 1
        gating = v.gating
        blocking = [i for i in o.findings if i in gating]
        others = [i for i in o.findings if i not in gating]
        if o.status == "skipped":
            ET.SubElement(case, "skipped", message=o.run.reason or "skipped")
            counts[target][2] += 1
        elif o.status == "failed":
            first = report.findings[blocking[0]]
            el = ET.SubElement(case, "failure", message=first.message, type=first.severity)
            el.text = "\n\n".join(_body(report.findings[i], v.fingerprints[i]) for i in blocking)
            counts[target][1] += 1
        if others:
            ET.SubElement(case, "system-out").text = "\n\n".join(
                _body(report.findings[i], v.fingerprints[i]) for i in others)
        elif o.status == "passed" and o.run.text:
            ET.SubElement(case, "system-out").text = f"passed: {o.run.text}"
    total = [0, 0, 0]
    for target, el in suites.items():
        t, f, s = counts[target]
        el.set("tests", str(t))
        el.set("failures", str(f))
        el.set("errors", "0")
        el.set("skipped", str(s))
        total = [total[0] + t, total[1] + f, total[2] + s]
    root.set("tests", str(total[0]))
    root.set("failures", str(total[1]))
    root.set("errors", "0")
    root.set("skipped", str(total[2]))
    ET.indent(root)
    console.file.write('<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n")
