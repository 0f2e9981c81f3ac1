"""PDF input: the bundled publications rendered to PDF report the same discrepancies at the right pages."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from pubcheck.cli.pipeline import check
from pubcheck.paths import published_dir

fpdf = pytest.importorskip("fpdf")

DOCS = ["sjof-2013-04-outcomes-framework.txt", "sj-transforming-lives-one-year-on-2013-04.txt"]
SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
DIGITS = str.maketrans(SUPERSCRIPTS, "0123456789")
ASCII = str.maketrans({"–": "-", "—": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "■": "-"})
LH = 4.5  # line height, mm


def latin1(text: str) -> str:
    """The test's rendering choice: core PDF fonts are latin-1 only, so superscript footnote
    numbers become <sup>n</sup> (which pubcheck reads as footnote references) and dashes and
    quotes become ASCII. Both the PDF and the text run see this same text."""
    text = re.sub(f"[{SUPERSCRIPTS}]+", lambda m: f"<sup>{m.group().translate(DIGITS)}</sup>", text)
    return text.translate(ASCII)


def render(lines: list[str]) -> tuple[bytes, list[int]]:
    """The lines as an A4 PDF (Helvetica 9pt): paragraphs wrapped, tab-separated runs as tables
    (unruled cells at fixed x when they fit, ruled wrapped cells otherwise). Returns the PDF
    and the page each line starts on."""
    pdf = fpdf.FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", size=9)
    pages: list[int] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            pages.append(pdf.page_no())
            pdf.ln(LH)
            i += 1
            continue
        if "\t" not in line:
            if pdf.will_page_break(LH):
                pdf.add_page()
            pages.append(pdf.page_no())
            pdf.multi_cell(0, LH, line.strip(), align="L", new_x="LMARGIN", new_y="NEXT")
            i += 1
            continue
        run = []
        while i < len(lines) and "\t" in lines[i]:
            run.append([c.strip() for c in lines[i].split("\t")])
            i += 1
        ncol = max(len(r) for r in run)
        colw = pdf.epw / ncol
        ruled = any(pdf.get_string_width(c) > colw - 6 for r in run for c in r)
        for cells in run:
            cells = cells + [""] * (ncol - len(cells))
            if ruled:
                height = max(len(pdf.multi_cell(colw - 2, LH, c, dry_run=True, output="LINES")) for c in cells) * LH
            else:
                height = LH
            if pdf.will_page_break(height):
                pdf.add_page()
            pages.append(pdf.page_no())
            y = pdf.get_y()
            for k, c in enumerate(cells):
                x = pdf.l_margin + k * colw
                if ruled:
                    pdf.rect(x, y, colw, height)
                    pdf.set_xy(x + 1, y)
                    pdf.multi_cell(colw - 2, LH, c, align="L")
                else:
                    pdf.set_xy(x, y)
                    pdf.cell(colw, LH, c)
            pdf.set_xy(pdf.l_margin, y + height)
    return bytes(pdf.output()), pages


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict:  # type: ignore[no-untyped-def]
    root = tmp_path_factory.mktemp("pdfcorpus")
    (root / "pdf").mkdir()
    (root / "txt").mkdir()
    pages: dict[str, list[int]] = {}
    for name in DOCS:
        text = latin1((published_dir() / name).read_text(encoding="utf-8"))
        (root / "txt" / name).write_text(text, encoding="utf-8")
        data, pages[name] = render(text.splitlines())
        (root / "pdf" / name.replace(".txt", ".pdf")).write_bytes(data)
    for d in ("pdf", "txt"):  # the framework's registry
        (root / d / "pubcheck.toml").write_bytes((published_dir() / "pubcheck.toml").read_bytes())
    return {"root": root, "pages": pages, "pdf": check(root / "pdf"), "txt": check(root / "txt")}


def errors(report) -> dict:  # type: ignore[no-untyped-def]
    return {f.check: f for f in report.findings if f.severity == "error"}


def test_pdf_reports_the_same_errors_as_the_text(corpus: dict) -> None:
    txt, pdf = errors(corpus["txt"]), errors(corpus["pdf"])
    assert set(txt) == {"cross-document", "table-identity", "missing-bounds"}
    assert set(pdf) == set(txt)
    for check_id, f in txt.items():
        assert len(pdf[check_id].locations) == len(f.locations), check_id


@pytest.mark.parametrize("check_id", ["cross-document", "table-identity", "missing-bounds"])
def test_pdf_findings_are_placed_on_the_page_of_the_source_line(corpus: dict, check_id: str) -> None:
    txt, pdf = errors(corpus["txt"])[check_id], errors(corpus["pdf"])[check_id]
    for t, p in zip(txt.locations, pdf.locations, strict=True):
        name = Path(t.document).name
        assert Path(p.document).name == name.replace(".txt", ".pdf")
        assert p.page == corpus["pages"][name][t.line - 1], (check_id, t.line, p.label())
        assert p.page_line and p.page_line >= 1
        assert re.search(rf"{re.escape(Path(p.document).name)}:page {p.page}, line {p.page_line}$", p.label())
        d = p.to_dict()
        assert d["page"] == p.page and d["line"] == p.page_line


def test_known_lines_are_cited(corpus: dict) -> None:
    txt = errors(corpus["txt"])
    cited = {(Path(loc.document).name, loc.line) for f in txt.values() for loc in f.locations}
    assert {(DOCS[1], 79), (DOCS[0], 57), (DOCS[0], 392), (DOCS[0], 213), (DOCS[0], 214), (DOCS[0], 215),
            (DOCS[0], 156), (DOCS[0], 164)} <= cited  # fmt: skip


def test_report_json_has_page_and_line(corpus: dict) -> None:
    d = json.loads(json.dumps(corpus["pdf"].to_dict()))
    locs = [loc for f in d["findings"] if f["severity"] == "error" for loc in f["locations"]]
    assert locs and all("page" in loc and "line" in loc for loc in locs)


def test_tables_come_out_tab_separated(corpus: dict) -> None:
    doc = next(e.document for e in corpus["pdf"].extractions if e.document.name.startswith("sjof"))
    assert doc.places and len(doc.places) == len(doc.lines)
    assert "\t2007-08\t2008-09\t2009-10\t2010-11\t2011-2012" in doc.lines  # unruled, blank corner kept
    assert "Gap\t22.2%\t22.0%\t21.2%\t20.0%\t16.8%" in doc.lines
    assert any(line.startswith("Supporting the most disadvantaged groups\t5. Of those") for line in doc.lines)  # ruled


def test_broken_pdf_is_reported_and_the_rest_checked(tmp_path: Path, corpus: dict) -> None:
    (tmp_path / "x.pdf").write_bytes(b"this is not a PDF at all \x00\x01\x02")
    (tmp_path / DOCS[0]).write_text((corpus["root"] / "txt" / DOCS[0]).read_text(encoding="utf-8"), encoding="utf-8")
    report = check(tmp_path)
    bad = [f for f in report.findings if f.check == "unreadable-input"]
    assert len(bad) == 1 and "x.pdf" in bad[0].message and bad[0].severity == "error"
    assert any(f.check == "table-identity" for f in report.findings)
