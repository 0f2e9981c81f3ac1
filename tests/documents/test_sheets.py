"""Spreadsheets (XLSX, ODS, CSV) give the same figure model as text: an inconsistent gap row
in a hand-written Table 3 is reported at its cell, a consistent sheet is not, and a corrupt
workbook is an unreadable-input finding while the other files are still checked."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pytest

from pubcheck.cli.pipeline import check
from pubcheck.documents.sheets import cell_text, printed, to_document

TITLE = "Table 3. Attainment gap at age 11 by free school meal eligibility. Percentage of pupils achieving Level 4."
TABLE_3 = [  # hand-written specimen: the 2008-09 gap should be 75.8 - 53.6 = 22.2, it prints 22.0
    [TITLE],
    ["", "2007-08", "2008-09"],
    ["Free school meals", 54.1, 53.6],
    ["All other pupils", 76.3, 75.8],
    ["Gap", 22.2, 22.0],
    [],
    ["Source: National Pupil Database"],
]
GAP_CELL = "C5"  # row 5 (title, header, FSM, others, gap), column C (2008-09)
TABLE_4 = [  # consistent, with suppression markers
    ["Table 4. Attainment gap at age 16 by free school meal eligibility. Percentage of pupils achieving A*-C."],
    ["", "2007-08", "2008-09", "2009-10"],
    ["Free school meals", 24.4, 27.1, "[c]"],
    ["All other pupils", 52.4, 54.8, 59.3],
    ["Gap", 28.0, 27.7, ".."],
]


def write_xlsx(path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Table 3"
    for row in TABLE_3:
        ws.append(row)
    ws4 = wb.create_sheet("Table 4")
    for row in TABLE_4:
        ws4.append(row)
    wb.save(path)


def write_ods(path: Path) -> None:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    for name, rows in (("Table 3", TABLE_3), ("Table 4", TABLE_4)):
        table = Table(name=name)
        for row in rows:
            tr = TableRow()
            for v in row:
                if isinstance(v, float):
                    cell = TableCell(valuetype="float", value=v)
                    cell.addElement(P(text=str(v)))
                elif v:
                    cell = TableCell(valuetype="string")
                    cell.addElement(P(text=v))
                else:
                    cell = TableCell()
                tr.addElement(cell)
            table.addElement(tr)
        doc.spreadsheet.addElement(table)
    doc.save(str(path))


def write_csv(path: Path, rows: list[list]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(rows)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("sheets")
    write_xlsx(d / "tables.xlsx")
    write_ods(d / "tables.ods")
    write_csv(d / "table3.csv", TABLE_3)
    write_csv(d / "table4.csv", TABLE_4)
    (d / "corrupt.xlsx").write_bytes(os.urandom(2048))
    return d


@pytest.fixture(scope="module")
def report(folder: Path):  # type: ignore[no-untyped-def]
    return check(folder)


def identity_findings(report, name: str) -> list:  # type: ignore[no-untyped-def]
    return [f for f in report.findings if f.check == "table-identity" and Path(f.locations[0].document).name == name]


@pytest.mark.parametrize("name,sheet",
                         [("tables.xlsx", "Table 3"), ("tables.ods", "Table 3"), ("table3.csv", "table3")])
def test_gap_inconsistency_is_reported_at_its_cell(report, name: str, sheet: str) -> None:  # type: ignore[no-untyped-def]
    (finding,) = identity_findings(report, name)
    assert finding.severity == "error"
    gap = finding.locations[0]
    assert gap.label() == f"{gap.document}:{sheet}!{GAP_CELL}"
    assert Path(gap.label()).name == f"{name}:{sheet}!{GAP_CELL}"
    assert {(loc.sheet, loc.cell) for loc in finding.locations} == {(sheet, "C5"), (sheet, "C4"), (sheet, "C3")}
    as_json = json.loads(json.dumps(finding.to_dict()))
    assert as_json["locations"][0]["sheet"] == sheet and as_json["locations"][0]["cell"] == GAP_CELL
    assert "22.0" in finding.message or "22" in finding.found


def test_consistent_sheet_is_clean_and_markers_do_not_crash(report) -> None:  # type: ignore[no-untyped-def]
    assert not identity_findings(report, "table4.csv")
    for f in report.findings:
        if f.severity == "error":
            assert all(loc.sheet != "Table 4" for loc in f.locations), f.message
    assert not [f for f in report.findings if f.check == "extraction-error"]
    names = {Path(d.path).name for d in report.documents}
    assert names == {"tables.xlsx", "tables.ods", "table3.csv", "table4.csv"}
    assert all(d.figures > 0 and d.tables > 0 for d in report.documents)


def test_corrupt_workbook_is_unreadable_and_others_are_checked(report) -> None:  # type: ignore[no-untyped-def]
    (bad,) = [f for f in report.findings if f.check == "unreadable-input"]
    assert Path(bad.locations[0].document).name == "corrupt.xlsx"
    assert [Path(p).name for p in report.unreadable] == ["corrupt.xlsx"]
    assert identity_findings(report, "tables.xlsx")


def test_lines_and_places(folder: Path) -> None:
    data = (folder / "tables.xlsx").read_bytes()
    doc = to_document(folder / "tables.xlsx", "tables.xlsx", data)
    assert doc.lines[:8] == [TITLE, "", "\t2007-08\t2008-09", "Free school meals\t54.1\t53.6",
                             "All other pupils\t76.3\t75.8", "Gap\t22.2\t22.0", "", "Source: National Pupil Database"]
    assert doc.places[5] == {"sheet": "Table 3", "row": 5, "col0": 0}
    assert doc.places[7] == {"sheet": "Table 3", "row": 7, "col0": 0}
    assert "Free school meals\t24.4\t27.1\t[c]" in doc.lines and "Gap\t28.0\t27.7\t.." in doc.lines


def test_untitled_sheet_gets_a_caption(tmp_path: Path) -> None:
    p = tmp_path / "rates.csv"
    write_csv(p, [["", "", ""], ["", "Region", "Rate"], ["", "North", "16.8%"], ["", "South", "1,204"]])
    doc = to_document(p, "rates.csv", p.read_bytes())
    assert doc.lines == ["Table 1. rates", "", "Region\tRate", "North\t16.8%", "South\t1,204"]
    assert doc.places[3] == {"sheet": "rates", "row": 3, "col0": 1}


def test_cell_text() -> None:
    assert printed([["Year", 2008.0, 2009.0], ["Gap", 22.2, 22.0], ["N", 1204.0, 1310.0]]) == [
        ["Year", "2008", "2009"], ["Gap", "22.2", "22.0"], ["N", "1204", "1310"]]
    assert [cell_text(v) for v in (22.0, 22.2, 0.1 + 0.2, 7, None, " a\tb ", 1e-7)] == [
        "22", "22.2", "0.3", "7", "", "a b", "1e-07"]
