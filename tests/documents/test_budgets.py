"""Every reader within its budgets (pubcheck.limits): a hostile file is an InputLimit naming the
limit and the place, found before the expensive work; what the readers must not read is skipped
with a finding."""

from __future__ import annotations

import os
import zipfile
import zlib
from pathlib import Path

import pytest

from pubcheck.documents import html, pdf, sheets
from pubcheck.documents.load import load_documents
from pubcheck.limits import DEFAULT, InputLimit

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def xlsx(path: Path, sheet_xml: str) -> bytes:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", f"<workbook {NS}/>")
        z.writestr("xl/worksheets/sheet1.xml", sheet_xml)
    return path.read_bytes()


def ods(path: Path, body: str) -> bytes:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        z.writestr("content.xml", f'<office:document-content xmlns:table="t" xmlns:office="o"><table:table>{body}'
                                  "</table:table></office:document-content>")  # fmt: skip
    return path.read_bytes()


def minimal_pdf(contents: list[bytes]) -> bytes:
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"", b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    kids = []
    for c in contents:
        kids.append(f"{len(objs) + 1} 0 R".encode())
        objs.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> "
                    f"/Contents {len(objs) + 2} 0 R >>".encode())  # fmt: skip
        objs.append(c)
    objs[1] = b"<< /Type /Pages /Kids [" + b" ".join(kids) + f"] /Count {len(contents)} >>".encode()
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode() + b"".join(f"{o:010d} 00000 n \n".encode()
                                                                               for o in offsets)  # fmt: skip
    return bytes(out + f"trailer << /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())


def text_stream(text: str, flate: bool = False) -> bytes:
    body = f"BT /F1 11 Tf 72 720 Td ({text}) Tj ET".encode()
    if flate:
        body = zlib.compress(body)
    return (b"<< /Length " + str(len(body)).encode() + (b" /Filter /FlateDecode" if flate else b"") + b" >>\nstream\n"
            + body + b"\nendstream")  # fmt: skip


# ------------------------------------------------------------------------------- spreadsheets


def test_xlsx_reaching_the_last_cell_is_refused_before_calamine(tmp_path: Path) -> None:
    data = xlsx(tmp_path / "t.xlsx", f'<worksheet {NS}><dimension ref="A1:XFD1048576"/><sheetData/></worksheet>')
    with pytest.raises(InputLimit) as e:
        sheets.check_workbook(data, ".xlsx")
    assert e.value.limit == "rows" and "1,048,576" in e.value.found and "dimension" in e.value.where


def test_xlsx_cell_references_count_without_a_dimension(tmp_path: Path) -> None:
    data = xlsx(tmp_path / "t.xlsx", f'<worksheet {NS}><sheetData><row r="3"><c r="XFD3"><v>1</v></c></row>'
                                     "</sheetData></worksheet>")  # fmt: skip
    with pytest.raises(InputLimit) as e:
        sheets.check_workbook(data, ".xlsx")
    assert e.value.limit == "columns" and "16,384" in e.value.found


def test_zip_member_inflating_too_far_is_refused_from_the_directory(tmp_path: Path) -> None:
    data = xlsx(tmp_path / "t.xlsx", f"<worksheet {NS}><!--" + " " * 5_000_000 + "--></worksheet>")
    with pytest.raises(InputLimit) as e:
        sheets.check_workbook(data, ".xlsx")
    assert e.value.limit == "zip_ratio" and e.value.where == "xl/worksheets/sheet1.xml"
    with pytest.raises(InputLimit) as e:
        sheets.check_workbook(data, ".xlsx", DEFAULT.with_(bytes=1_000_000))
    assert e.value.limit == "bytes"


def test_ods_repeated_cells_with_content_count_and_empty_fillers_do_not(tmp_path: Path) -> None:
    filler = ('<table:table-row><table:table-cell office:value="1"><text:p>1</text:p></table:table-cell>'
              '<table:table-cell table:number-columns-repeated="16383"/></table:table-row>'
              '<table:table-row table:number-rows-repeated="1048575"><table:table-cell '
              'table:number-columns-repeated="16384"/></table:table-row>')  # fmt: skip
    sheets.check_workbook(ods(tmp_path / "ok.ods", filler), ".ods")  # how every ODS file fills its sheet: fine
    bomb = ('<table:table-row table:number-rows-repeated="1000000"><table:table-cell '
            'table:number-columns-repeated="500" office:value="1"><text:p>1</text:p></table:table-cell>'
            "</table:table-row>")  # fmt: skip
    with pytest.raises(InputLimit) as e:
        sheets.check_workbook(ods(tmp_path / "bomb.ods", bomb), ".ods")
    assert e.value.limit == "rows"


def test_a_corrupt_zip_is_a_bad_zip_not_another_error(tmp_path: Path) -> None:
    with pytest.raises(zipfile.BadZipFile):
        sheets.check_workbook(b"PK\x03\x04 not really", ".xlsx")


@pytest.mark.parametrize("text, limit, where", [
    ("a,b\n" * 20, "rows", "line 11"),
    (",".join("x" * 30) + "\n", "columns", "line 1"),
    ("a,b,c\n" * 10, "cells", "line 4"),
])  # fmt: skip
def test_csv_rows_columns_and_cells(text: str, limit: str, where: str) -> None:
    small = DEFAULT.with_(**{limit: {"rows": 10, "columns": 20, "cells": 10}[limit]})
    with pytest.raises(InputLimit) as e:
        sheets.read_csv(text.encode(), small)
    assert (e.value.limit, e.value.where) == (limit, where)


# ------------------------------------------------------------------------------- HTML


def test_html_size_and_depth() -> None:
    with pytest.raises(InputLimit) as e:
        html.to_document(Path("x.html"), "x.html", b"<p>1</p>" * 100, DEFAULT.with_(html_bytes=100))
    assert e.value.limit == "html_bytes"
    deep = ("<div>" * 5000 + "<p>12 per cent</p>" + "</div>" * 5000).encode()
    with pytest.raises(InputLimit) as e:
        html.to_document(Path("x.html"), "x.html", deep)
    assert e.value.limit == "html_depth"


def test_html_hidden_and_noscript_text_inside_a_paragraph_is_not_read() -> None:
    page = (b'<p>Rates fell to 12 per cent<noscript> (99 per cent)</noscript><span hidden> 98 per cent</span>'
            b'<span style="display: none"> 97 per cent</span><span aria-hidden="true">96 per cent</span>.</p>')
    doc = html.to_document(Path("x.html"), "x.html", page)
    assert doc.lines == ["Rates fell to 12 per cent ."]


def test_html_declaring_utf16_but_written_in_utf8_is_read_with_a_warning() -> None:
    page = '<html><head><meta charset="utf-16"></head><body><p>Fell to 12 per cent – a record.</p></body></html>'
    doc = html.to_document(Path("x.html"), "x.html", page.encode("utf-8"))
    assert doc.lines == ["Fell to 12 per cent – a record."]
    assert [n.check for n in doc.notes] == ["input-encoding"] and "utf-16" in doc.notes[0].message
    real = html.to_document(Path("y.html"), "y.html", page.encode("utf-16"))  # with its BOM: really UTF-16
    assert real.lines == doc.lines and not real.notes


def test_html_nested_unclosed_paragraphs_stop_at_the_text_budget() -> None:
    page = (("<p>" + "12 per cent " * 50) * 200).encode()  # each unclosed <p> holds all that follows
    with pytest.raises(InputLimit) as e:
        html.to_document(Path("x.html"), "x.html", page, DEFAULT.with_(text=100_000))
    assert e.value.limit == "text"


# ------------------------------------------------------------------------------- PDF


def test_pdf_pages_are_counted_from_the_page_tree() -> None:
    data = minimal_pdf([text_stream(f"Page {i}: 12 per cent") for i in range(12)])
    assert "Page 11: 12 per cent" in " ".join(pdf.to_document(Path("x.pdf"), "x.pdf", data).lines)
    with pytest.raises(InputLimit) as e:
        pdf.to_document(Path("x.pdf"), "x.pdf", data, DEFAULT.with_(pages=10))
    assert e.value.limit == "pages" and "12 pages" in e.value.found


def test_pdf_stream_inflating_past_the_budget_is_stopped() -> None:
    zeros = zlib.compress(b"0" * 20_000_000)
    bomb = b"<< /Length " + str(len(zeros)).encode() + b" /Filter /FlateDecode >>\nstream\n" + zeros + b"\nendstream"
    with pytest.raises(InputLimit) as e:
        pdf.to_document(Path("x.pdf"), "x.pdf", minimal_pdf([bomb]), DEFAULT.with_(bytes=5_000_000))
    assert e.value.limit == "bytes" and e.value.where == "page 1"
    doc = pdf.to_document(Path("y.pdf"), "y.pdf", minimal_pdf([text_stream("Rates: 12 per cent", flate=True)]))
    assert doc.lines == ["Rates: 12 per cent"]  # a normal compressed stream still reads


def test_pdf_pages_without_text_are_a_warning() -> None:
    doc = pdf.to_document(Path("x.pdf"), "x.pdf", minimal_pdf([text_stream("Rate 12 per cent"), b"<< /Length 0 >>\n"
                                                                b"stream\n\nendstream"]))  # fmt: skip
    assert [(n.check, n.locations[0].page) for n in doc.notes] == [("no-text", 2)]


# ------------------------------------------------------------------------------- the folder


def test_fifo_and_links_out_of_the_folder_are_findings_never_read(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text("In 2011, 35.8 per cent re-offended.\n")
    os.mkfifo(tmp_path / "pipe.txt")
    os.symlink("/etc/passwd", tmp_path / "passwd.txt")
    os.symlink(tmp_path / "good.txt", tmp_path / "alias.txt")  # inside the folder: read
    loaded = load_documents(tmp_path)
    assert sorted(Path(d.path).name for d in loaded.documents) == ["alias.txt", "good.txt"]
    msgs = {Path(f.locations[0].document).name: f.message for f in loaded.findings if f.check == "unreadable-input"}
    assert "a FIFO" in msgs["pipe.txt"] and "outside" in msgs["passwd.txt"] and "not followed" in msgs["passwd.txt"]
    assert all("root:" not in f.message for f in loaded.findings)


def test_a_text_document_over_the_size_budget_is_an_input_limit(tmp_path: Path) -> None:
    (tmp_path / "big.txt").write_text("x" * 5000)
    loaded = load_documents(tmp_path, limits=DEFAULT.with_(bytes=1000))
    [f] = [f for f in loaded.findings if f.check == "input-limit"]
    assert "5,000 bytes exceeds the limit bytes = 1,000" in f.message and loaded.unreadable
