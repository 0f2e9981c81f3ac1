"""`--format junit`: one testsuite per rule, one testcase per finding."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from typing import TYPE_CHECKING

from rich.console import Console

from pubcheck.model import Finding

if TYPE_CHECKING:
    from pubcheck.report import Report


def render_junit(report: Report, console: Console) -> None:
    """One testsuite per rule, one testcase per finding (info findings as passing cases
    with output), and a passing case for every rule with nothing to say (the rules of the
    run are `report.rules`, filled by the pipeline; a report without publication rules has
    suites only for the checks that found something)."""
    root = ET.Element("testsuites", name="pubcheck", tests="0", failures="0")
    total = failures = 0
    by_check: dict[str, list[Finding]] = defaultdict(list)
    for f in report.findings:
        by_check[f.check].append(f)
    for check in list(report.rules) + [c for c in by_check if c not in report.rules]:
        fs = by_check.get(check, [])
        suite = ET.SubElement(root, "testsuite", name=check)
        n_fail = 0
        if not fs:
            ET.SubElement(suite, "testcase", classname=check, name=f"{check}: no findings")
            total += 1
        for i, f in enumerate(fs, start=1):
            where = f.locations[0].label() if f.locations else "(run)"
            case = ET.SubElement(suite, "testcase", classname=check, name=f"{where} #{i}")
            total += 1
            body = "\n".join([f.message, f"expected: {f.expected}", f"found: {f.found}"]
                             + ([f"rounding: {f.interval}"] if f.interval else [])
                             + [f"at {loc.label()}: {loc.quote}" for loc in f.locations])  # fmt: skip
            if f.severity in ("error", "warning"):
                el = ET.SubElement(case, "failure", message=f.message, type=f.severity)
                el.text = body
                n_fail += 1
            else:
                ET.SubElement(case, "system-out").text = body
        suite.set("tests", str(max(1, len(fs))))
        suite.set("failures", str(n_fail))
        failures += n_fail
    root.set("tests", str(total))
    root.set("failures", str(failures))
    ET.indent(root)
    console.file.write('<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n")
