"""HTML publications give the same figure model as the text documents: the bundled Outcomes
Framework and One year on, rendered to HTML here, report the same errors, placed by section."""

from __future__ import annotations

import html
import shutil
from pathlib import Path

import pytest

from pubcheck.cli.pipeline import check
from pubcheck.documents.html import section_name, to_document

PUBLISHED = Path(__file__).resolve().parents[2] / "published"
PAIR = ["sjof-2013-04-outcomes-framework.txt", "sj-transforming-lives-one-year-on-2013-04.txt"]

JUNK = """<header><p>GOV.UK 12.34 per cent</p></header>
<nav><ul><li>Menu: 93.71 per cent of users</li><li>8,765,432 pages</li></ul></nav>
<div role="navigation"><p>61.23 per cent navigation</p></div>
<script>var share = "55.66 per cent"; var n = 3141592653;</script>
<style>.x { width: 97.13%; }</style>
"""
JUNK_MARKERS = ("93.71 per cent", "8,765,432", "61.23 per cent", "55.66 per cent", "3141592653", "97.13%",
                "12.34 per cent")


def render(text: str, title: str) -> str:
    """A gov.uk-like page: headings, paragraphs, tables; page furniture holding junk numbers."""
    out = [f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{html.escape(title)}</title></head><body>',
           JUNK, "<main>"]  # fmt: skip
    rows: list[str] = []

    def flush() -> None:
        if rows:
            out.append("<table>")
            for r in rows:
                cells = "".join(f"<td>{html.escape(c)}</td>" for c in r.split("\t"))
                out.append(f"<tr>{cells}</tr>")
            out.append("</table>")
            rows.clear()

    for line in text.splitlines():
        if "\t" in line:
            rows.append(line)
            continue
        flush()
        s = line.strip()
        if not s:
            continue
        if s.startswith(("Key Indicator", "#", "Table ")):
            out.append(f"<h2>{html.escape(s.lstrip('#').strip())}</h2>")
        else:
            out.append(f"<p>{html.escape(s)}</p>")
    flush()
    out.append("</main><footer><p>Crown copyright 42.42 per cent</p></footer>" + JUNK + "</body></html>")
    return "\n".join(out)


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    text_dir = tmp_path_factory.mktemp("text")
    html_dir = tmp_path_factory.mktemp("html")
    for name in PAIR:
        shutil.copy(PUBLISHED / name, text_dir / name)
        page = render((PUBLISHED / name).read_text(encoding="utf-8"), name)
        (html_dir / name.replace(".txt", ".html")).write_text(page, encoding="utf-8")
    for d in (text_dir, html_dir):
        shutil.copy(PUBLISHED / "pubcheck.toml", d / "pubcheck.toml")  # the framework's registry
    return check(text_dir), check(html_dir), html_dir


def errors(report) -> dict[str, list]:  # type: ignore[no-untyped-def]
    out: dict[str, list] = {}
    for f in report.findings:
        if f.severity == "error":
            out.setdefault(f.check, []).append(f)
    return out


def test_html_reports_the_same_errors_as_text(reports) -> None:  # type: ignore[no-untyped-def]
    text, page, _ = reports
    text_errors, html_errors = errors(text), errors(page)
    assert {"cross-document", "table-identity", "missing-bounds"} <= set(text_errors)
    assert sorted(text_errors) == sorted(html_errors)
    for check_id in text_errors:
        assert len(text_errors[check_id]) == len(html_errors[check_id]), check_id
        t_quotes = sorted(loc.quote for f in text_errors[check_id] for loc in f.locations)
        h_quotes = sorted(loc.quote.replace("\t", " ") for f in html_errors[check_id] for loc in f.locations)
        assert [" ".join(q.split()) for q in t_quotes] == [" ".join(q.split()) for q in h_quotes], check_id


def test_html_findings_are_placed_by_section(reports) -> None:  # type: ignore[no-untyped-def]
    _, page, _ = reports
    found = errors(page)
    (identity,) = found["table-identity"]
    for loc in identity.locations:
        assert loc.document.endswith("sjof-2013-04-outcomes-framework.html")
        assert loc.section is not None and loc.section.startswith("Table 3 > tr["), loc.section
        assert loc.label().endswith(loc.section)
    gap = [loc for loc in identity.locations if loc.quote.startswith("Gap")]
    assert gap and gap[0].section == "Table 3 > tr[4]"

    (cross,) = found["cross-document"]
    sections = {Path(loc.document).name: loc.section for loc in cross.locations}
    assert sections["sjof-2013-04-outcomes-framework.html"].startswith("Key Indicator 5 > p[")
    assert sections["sj-transforming-lives-one-year-on-2013-04.html"] is not None

    (bounds,) = found["missing-bounds"]
    assert all(loc.section.startswith("Table 2 > p[") or loc.section.startswith("Key Indicator 1")
               for loc in bounds.locations), [loc.section for loc in bounds.locations]  # fmt: skip

    for f in found["cross-document"] + found["table-identity"] + found["missing-bounds"]:
        for d in f.to_dict()["locations"]:
            assert {"section", "document", "quote"} <= set(d)


def test_navigation_and_scripts_are_not_extracted(reports) -> None:  # type: ignore[no-untyped-def]
    _, page, html_dir = reports
    for e in page.extractions:
        text = "\n".join(e.document.lines)
        for junk in JUNK_MARKERS + ("42.42 per cent",):
            assert junk not in text, junk
        assert not [f for f in e.figures if f.location.quote and "93.71 per cent" in f.location.quote]
    assert page.documents and all(d.figures > 0 for d in page.documents)


def test_places_sections_and_charset() -> None:
    page = ("<html><head><meta http-equiv='Content-Type' content='text/html; charset=windows-1252'></head><body>"
            "<h2>Key Indicator 5: Drugs</h2><p>One</p><p>Two \u2013 3\xa0per cent</p>"
            "<table><caption>Table 3. Gap</caption><tr><th></th><th>2008</th></tr><tr><td>Gap</td><td>22.0</td></tr>"
            "</table><ul><li>Item  with\n space</li></ul></body></html>").encode("cp1252")  # fmt: skip
    doc = to_document(Path("x.html"), "x.html", page)
    assert doc.lines == ["Key Indicator 5: Drugs", "One", "Two – 3 per cent", "", "Table 3. Gap", "\t2008",
                         "Gap\t22.0", "", "Item with space"]  # fmt: skip
    assert [p["section"] for p in doc.places] == [
        "Key Indicator 5", "Key Indicator 5 > p[1]", "Key Indicator 5 > p[2]", "Key Indicator 5",
        "Table 3 > caption", "Table 3 > tr[1]", "Table 3 > tr[2]", "Key Indicator 5", "Key Indicator 5 > li[1]"]
    with pytest.raises(UnicodeDecodeError):
        to_document(Path("y.html"), "y.html", b"<p>\xff\xfe broken</p>")
    assert section_name("Table 4: Attainment") == "Table 4"
    assert section_name("# Chapter 1: Supporting families") == "Chapter 1"
