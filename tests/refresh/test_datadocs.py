"""Data Docs open in a browser: the HTML pubcheck.refresh.gx writes is loaded in headless Chromium
(Debian's chromium) and the failed expectation, with its unexpected value, is on the page.

Chromium is a system package (apt-get install chromium), not a Python one. Without it the
test skips on a workstation and fails under CI (the CI environment variable set): CI must run it.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from pathlib import Path

import polars as pl
import pytest

from pubcheck.refresh.gx import run_suite

CHROMIUM = Path(os.environ.get("PUBCHECK_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox refuses to start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium() -> Path:
    if CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    message = f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium) to open Data Docs"
    if os.environ.get("CI"):
        pytest.fail(f"CI must run the Data Docs browser check: {message}", pytrace=False)
    pytest.skip(message)


def dump_dom(page: Path) -> str:
    """The DOM of a local HTML page after headless Chromium has loaded it."""
    browser = _chromium()
    with tempfile.TemporaryDirectory(prefix="pubcheck-chromium-") as profile:
        env = {**os.environ, "HOME": profile}  # no writes to the real home (crash reports, caches)
        out = subprocess.run(
            [str(browser), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--dump-dom", page.resolve().as_uri()],
            capture_output=True, text=True, timeout=60, env=env,
        )  # fmt: skip
    assert out.returncode == 0, f"chromium exited {out.returncode}: {out.stderr[-2000:]}"
    return out.stdout


def _section(dom: str, column: str) -> str:
    """The Data Docs section (one per column) whose header names the column."""
    parts = re.split(r'<div id="section-\d+" class="ge-section', dom)
    found = [p for p in parts if re.search(rf"<h5[^>]*>\s*{re.escape(column)}\s*</h5>", p)]
    assert found, f"no section for column {column!r} in the rendered page"
    return found[0]


@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Data Docs for a small reoffending-shaped frame with one unknown disposal code."""
    n = 20
    frame = pl.DataFrame(
        {
            "offender_id": [f"O{i:09d}" for i in range(n)],
            "index_disposal": ["custody_release"] * 10 + ["court_conviction"] * (n - 11) + ["community_order"],
            "age_at_index": [18 + i for i in range(n)],
        }
    )
    suite = {
        "name": "reoffending",
        "expectations": [
            {
                "type": "expect_column_values_to_be_in_set",
                "kwargs": {"column": "index_disposal", "value_set": ["custody_release", "court_conviction", "caution"]},
                "meta": {},
            },
            {
                "type": "expect_column_values_to_be_between",
                "kwargs": {"column": "age_at_index", "min_value": 10, "max_value": 80},
                "meta": {},
            },  # fmt: skip
        ],
        "meta": {},
    }
    root = tmp_path_factory.mktemp("datadocs")
    result = run_suite(frame, suite, project_dir=root / ".gx-state", data_docs=root / "docs", document="reoffending")
    assert [f.locations[0].cell for f in result.findings] == ["index_disposal"]
    assert result.docs_index is not None and result.docs_index.is_file()
    return root / "docs"


def test_failed_expectation_is_on_the_page_in_chromium(request: pytest.FixtureRequest) -> None:
    _chromium()  # skip, or fail under CI, before paying for GX
    docs: Path = request.getfixturevalue("docs")
    pages = sorted((docs / "validations").rglob("*.html"))
    assert len(pages) == 1, pages
    dom = dump_dom(pages[0])
    assert "<html" in dom and "</html>" in dom
    assert "community_order" in dom
    assert "index_disposal" in dom
    failed = _section(dom, "index_disposal")
    assert "community_order" in failed  # the unexpected value, under its column
    assert "fa-times text-danger" in failed  # marked failed
    assert "values must belong to this set" in failed
    passed = _section(dom, "age_at_index")
    assert "fa-check-circle text-success" in passed and "fa-times" not in passed
    assert "Unsuccessful" in dom  # the run's overview says it failed


def test_index_page_links_the_validation(request: pytest.FixtureRequest) -> None:
    _chromium()
    docs: Path = request.getfixturevalue("docs")
    dom = dump_dom(docs / "index.html")
    assert "reoffending" in dom
    assert "validations/reoffending/" in dom
