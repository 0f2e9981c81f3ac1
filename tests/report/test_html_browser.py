"""The HTML report of `pubcheck check` on the bundled publications, opened offline in headless
Chromium: one self-contained file (nothing from the network), the verdict at the top, and the
filters and sorting work in a real browser (DOM assertions after the page's script ran), plus a
screenshot (PUBCHECK_SCREENSHOTS=DIR keeps a copy, for a person to look at)."""

from __future__ import annotations

import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from pubcheck.cli import main

ROOT = Path(__file__).resolve().parents[2]
ERRORS = ["cross-document", "missing-bounds", "table-identity"]  # the bundled publications' three errors


class _Rows(HTMLParser):
    """The finding rows of the findings table: (severity, check, document, hidden), in order."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[tuple[str, str, str, bool]] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(str(a["id"]))
        if tag == "tr" and "finding" in (a.get("class") or "").split():
            self.rows.append((str(a["data-severity"]), str(a["data-rule"]), str(a["data-document"]), "hidden" in a))


def rows(dom: str) -> _Rows:
    p = _Rows()
    p.feed(dom)
    return p


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("html") / "report.html"
    old = Path.cwd()
    os.chdir(ROOT)  # paths in the report as a user at the project root sees them
    try:
        assert main(["check", "--format", "html", "--output", str(out), "--no-progress"]) == 1
    finally:
        os.chdir(old)
    return out


def test_one_self_contained_file(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    assert not re.search(r"<(script|img|iframe)[^>]+src=", text)  # scripts and styles are inline
    assert not re.search(r"<link[^>]+href=", text)
    assert "<style>" in text and "<script>" in text
    assert not re.search(r"(src|href)=\"https?:", text)  # nothing that needs the network


def test_verdict_is_at_the_top_and_links_the_first_error(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    main_ = text[text.index("<main>"):]
    assert main_.startswith('<main><section id="verdict" class="verdict failed"><div class="status">FAILED (exit 1)')
    first = re.search(r'First: <a href="#(f-[0-9a-f]{16})"><code>([a-z-]+)</code>', main_)
    assert first and first.group(2) in ERRORS
    assert f'id="{first.group(1)}"' in text  # the anchor exists: one per finding


def test_filter_to_errors_leaves_the_three_errors(browser, page: Path) -> None:  # type: ignore[no-untyped-def]
    r = rows(browser.dom(page, "severity=error"))
    everything = page.read_text(encoding="utf-8").count('<tr class="finding ')
    assert len(r.rows) == everything > 3  # every finding is in the page; the filter hides the others
    shown = [(sev, rule) for sev, rule, _, hidden in r.rows if not hidden]
    assert sorted(shown) == [("error", rule) for rule in ERRORS]
    assert re.search(r'<strong id="shown">3</strong>', browser.dom(page, "severity=error"))


def test_the_controls_filter_and_sort(browser, page: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The page's own select and column header, driven as a person would (a script appended to a
    copy of the page changes the check filter and clicks the 'check' header twice)."""
    script = """<script>
const s=document.getElementById('filter-rule');s.value='unit-mismatch';s.dispatchEvent(new Event('change'));
const th=[...document.querySelectorAll('#findings-table th')].find(h=>h.textContent==='check');th.click();th.click();
</script></body>"""
    copy = tmp_path / "driven.html"
    copy.write_text(page.read_text(encoding="utf-8").replace("</body>", script), encoding="utf-8")
    r = rows(browser.dom(copy))
    shown = [rule for _, rule, _, hidden in r.rows if not hidden]
    assert shown == ["unit-mismatch"] * 10
    order = [rule for _, rule, _, _ in r.rows]
    assert order == sorted(order, reverse=True)  # clicked twice: descending by check


def test_document_filter_from_the_address(browser, page: Path) -> None:  # type: ignore[no-untyped-def]
    doc = "published/sj-transforming-lives-one-year-on-2013-04.txt"
    r = rows(browser.dom(page, f"document={doc}"))
    shown = [d for _, _, d, hidden in r.rows if not hidden]
    assert shown and set(shown) == {doc}
    assert len(shown) < len(r.rows)


def test_screenshot(browser, page: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    shot = browser.screenshot(page, tmp_path / "html-report-check.png")
    assert shot.stat().st_size > 20_000  # a rendered page, not a blank one
    keep = os.environ.get("PUBCHECK_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, Path(keep) / shot.name)
        browser.screenshot(page, Path(keep) / "html-report-check-errors.png", query="severity=error")
