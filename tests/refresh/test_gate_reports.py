"""The refresh gate's reports tell one truth. For the planted defects that Great Expectations does
not see (revised history, shifted rate, dropped region: every GX expectation passes), the HTML
report, the Data Docs, JUnit and SARIF all say the gate failed and name the planted defect first.
A clean refresh's JUnit has one passed testcase per check that ran. GX is slow to start: each
case runs once, in module-scoped fixtures."""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from rich.console import Console

from pubcheck.cli import main
from pubcheck.refresh import run_refresh
from pubcheck.report import RENDERERS

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures" / "refresh"
SCHEMA = json.loads((ROOT / "tests" / "report" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
# case -> the planted defect's check, and its file
CASES = {
    "revised-history": ("refresh-revised-history", "reoffending.csv"),
    "shifted-rate": ("refresh-rate-shift", "reoffending.csv"),
    "dropped-region": ("refresh-category", "social_investment.csv"),
}


def render(report, fmt: str) -> str:  # type: ignore[no-untyped-def]
    buf = io.StringIO()
    RENDERERS[fmt](report, Console(file=buf, width=100))
    return buf.getvalue()


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> dict:
    tmp = tmp_path_factory.mktemp("gate-reports")
    state, suites = tmp / "gx-state", tmp / "no-suites"
    suites.mkdir()
    res: dict = {"tmp": tmp}
    for case in [*CASES, "clean"]:
        prev, cur = FIXTURES / case / "previous", FIXTURES / case / "current"
        html = tmp / f"{case}.html"
        docs = tmp / f"{case}-docs"
        code = main(["refresh", "--previous", str(prev), "--current", str(cur), "--state-dir", str(state),
                     "--suites", str(suites), "--data-docs", str(docs), "--format", "html", "--output", str(html),
                     "--no-progress"])  # fmt: skip
        report = run_refresh(prev, cur, data_docs=None, state_dir=state, suites_dir=suites)
        report.relative_to(ROOT)  # as the CLI does: paths as the user at the project root types them
        report.decide("error")
        res[case] = {"code": code, "html": html.read_text(encoding="utf-8"), "docs": docs, "report": report,
                     "junit": ET.fromstring(render(report, "junit")), "sarif": json.loads(render(report, "sarif"))}
    return res


@pytest.mark.parametrize("case", list(CASES))
def test_gx_alone_would_have_passed(out: dict, case: str) -> None:
    """The point of the issue: GX's own expectations all pass on these files."""
    report = out[case]["report"]
    gx = [o for o in report.view().outcomes if o.run.stage == "gx"]
    assert gx and all(o.status == "passed" for o in gx)


@pytest.mark.parametrize("case", list(CASES))
def test_html_says_failed_and_names_the_defect_first(out: dict, case: str) -> None:
    check, name = CASES[case]
    page = out[case]["html"]
    assert out[case]["code"] == 1
    verdict = page[page.index('<section id="verdict"'):page.index("</section>")]
    assert 'class="verdict failed"' in verdict and "FAILED (exit 1)" in verdict
    first = re.search(r"First: <a href=\"#f-[0-9a-f]{16}\"><code>([a-z-]+)</code></a> at ([^:]+)", verdict)
    assert first and first.group(1) == check and first.group(2).endswith(name)
    # the Data Docs are linked from the verdict, as the GX stage only, and the link is a file that exists
    link = re.search(r'Great Expectations Data Docs for <code>[^<]*' + re.escape(name) + r'</code>: <a href="([^"]+)"',
                     verdict)  # fmt: skip
    assert link and Path(link.group(1).removeprefix("file://")).is_file()
    assert "not its verdict" in verdict
    assert '<h2 id="gx">Great Expectations (' in page and "expectations passed)" in page


@pytest.mark.parametrize("case", list(CASES))
def test_data_docs_say_the_gate_failed(out: dict, case: str) -> None:
    check, name = CASES[case]
    docs: Path = out[case]["docs"]
    pages = [docs / "index.html", *sorted((docs / "validations").rglob("*.html"))]
    assert len(pages) == 2
    for page in pages:
        text = page.read_text(encoding="utf-8")
        banner = text[text.index("<!-- pubcheck-verdict -->"):text.index("<!-- /pubcheck-verdict -->")]
        assert "pubcheck refresh gate: FAILED (exit 1)" in banner
        assert f"First: {check}: {name}:" in banner
        assert "they are not the gate&#x27;s verdict" in banner or "they are not the gate's verdict" in banner
    validation = pages[1].read_text(encoding="utf-8")
    assert f"pubcheck refresh {name}" in validation  # the run name names the validated file


@pytest.mark.parametrize("case", list(CASES))
def test_junit_says_failed_and_names_the_defect_first(out: dict, case: str) -> None:
    check, name = CASES[case]
    root = out[case]["junit"]
    assert int(root.get("failures")) >= 1 and int(root.get("errors")) == 0
    failed = [c for c in root.iter("testcase") if c.find("failure") is not None]
    assert failed[0].get("name") == check and failed[0].get("classname").endswith(name)
    prop = root.find("testsuite/properties/property[@name='pubcheck.verdict']")
    assert prop is not None and prop.get("value").startswith("failed: ")


@pytest.mark.parametrize("case", list(CASES))
def test_sarif_says_failed_and_names_the_defect_first(out: dict, case: str) -> None:
    check, name = CASES[case]
    log = out[case]["sarif"]
    errors = list(jsonschema.Draft4Validator(SCHEMA).iter_errors(log))
    assert not errors, [e.message for e in errors[:3]]
    run = log["runs"][0]
    assert run["invocations"][0]["exitCode"] == 1
    assert run["invocations"][0]["exitCodeDescription"].startswith("failed: ")
    first = next(r for r in run["results"] if r["level"] == "error")
    assert first["ruleId"] == check
    assert first["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith(name)


def test_clean_refresh_junit_has_one_passed_testcase_per_check(out: dict) -> None:
    report = out["clean"]["report"]
    root = out["clean"]["junit"]
    assert out["clean"]["code"] == 0
    cases = list(root.iter("testcase"))
    ran = [r for r in report.runs if r.status == "ran"]
    assert len(cases) == len(ran) == int(root.get("tests")) > 0
    assert all(c.find("failure") is None and c.find("skipped") is None for c in cases)
    names = [(c.get("classname"), c.get("name")) for c in cases]
    assert len(set(names)) == len(names)  # stable, distinct names: no counters needed
    for file in ("benefits.csv", "reoffending.csv", "social_investment.csv"):
        mine = {n for cls, n in names if cls.endswith(file)}
        assert {"intake", "refresh-category", "refresh-period-rows", "refresh-revised-history",
                "refresh-rate-shift", "gx-expectation: expect_table_row_count_to_be_between"} <= mine  # fmt: skip
        assert any(n.startswith("extract-contract: ") for n in mine)
    assert not any(re.search(r"#\d|^/", f"{cls} {n}") for cls, n in names)
