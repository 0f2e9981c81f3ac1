"""Reading in worker processes (pubcheck.figures.read): a hostile document is a clean finding, the
good publications beside it are still checked, and parallel reading changes nothing."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from pubcheck.cli.pipeline import check
from pubcheck.figures.read import read_all
from pubcheck.limits import DEFAULT

ROOT = Path(__file__).resolve().parents[2]
GENUINE = {"cross-document", "table-identity", "missing-bounds"}


def good(tmp_path: Path) -> Path:
    for p in (ROOT / "published").glob("*.txt"):
        shutil.copy(p, tmp_path / p.name)
    for name in ("manifest.json", "pubcheck.toml"):  # pubcheck.toml: the Social Justice registry
        shutil.copy(ROOT / "published" / name, tmp_path / name)
    return tmp_path


def last_cell_xlsx(path: Path) -> None:
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                   'spreadsheetml.sheet.main+xml"/></Types>')  # fmt: skip
        z.writestr("_rels/.rels", '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="r1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                   'officeDocument" Target="xl/workbook.xml"/></Relationships>')  # fmt: skip
        z.writestr("xl/workbook.xml", f'<workbook {ns} xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
                   'relationships"><sheets><sheet name="T" sheetId="1" r:id="r1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                   'relationships"><Relationship Id="r1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                   'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')  # fmt: skip
        z.writestr("xl/worksheets/sheet1.xml", f'<worksheet {ns}><dimension ref="A1:XFD1048576"/><sheetData><row '
                   'r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>')  # fmt: skip


def test_the_xlsx_that_aborted_the_process_is_now_a_finding_and_the_good_errors_stay(tmp_path: Path) -> None:
    folder = good(tmp_path)
    last_cell_xlsx(folder / "tables.xlsx")
    report = check(folder, workers=2)
    [f] = [f for f in report.findings if f.check == "input-limit"]
    assert "tables.xlsx" in f.message and "limit rows" in f.message and "XFD1048576" not in f.expected
    assert GENUINE <= {f.check for f in report.findings if f.severity == "error"}
    assert report.unreadable == [str(folder / "tables.xlsx")] or report.unreadable[0].endswith("tables.xlsx")


@pytest.mark.parametrize("workers", [0, 1])
def test_with_the_budgets_raised_calamine_fails_on_the_document_only(tmp_path: Path, workers: int) -> None:
    """python-calamine aborts the process (a failed allocation of 512 GB) or panics (a Rust panic
    is a BaseException): either way a finding about the document, and the run goes on."""
    folder = good(tmp_path)
    last_cell_xlsx(folder / "tables.xlsx")
    wide = DEFAULT.with_(rows=2_000_000, columns=20_000, cells=10**13, memory=1024**3)
    loaded = read_all(folder, limits=wide, workers=workers)
    [f] = [f for f in loaded.findings if f.locations and f.locations[0].document.endswith("tables.xlsx")]
    assert f.check in ("worker-died", "input-limit", "unreadable-input") and f.severity == "error"
    assert len(loaded.extractions) == 5


def test_a_document_over_the_time_budget_is_stopped_and_named(tmp_path: Path) -> None:
    folder = good(tmp_path)
    (folder / "long.txt").write_text("In 2011, 35.8 per cent of 1,234 re-offended. " * 40_000)
    loaded = read_all(folder, limits=DEFAULT.with_(time=0.2), workers=2)
    names = {f.locations[0].document.rsplit("/", 1)[-1]: f for f in loaded.findings if f.check == "input-limit"}
    assert "long.txt" in names and "time" in names["long.txt"].message


def test_parallel_and_in_process_reading_give_the_same_figures() -> None:
    a = read_all(ROOT / "published", workers=0)
    b = read_all(ROOT / "published", workers=2)
    assert [e.document.path for e in a.extractions] == [e.document.path for e in b.extractions]
    assert [[f.to_dict() for f in e.figures] for e in a.extractions] == [[f.to_dict() for f in e.figures]
                                                                         for e in b.extractions]  # fmt: skip


@pytest.mark.parametrize("name, text", [("dots.txt", "." * 4_000), ("empty.html", "<html><body></body></html>")])
def test_a_document_read_as_no_figures_is_a_warning(tmp_path: Path, name: str, text: str) -> None:
    (tmp_path / name).write_text(text)
    loaded = read_all(tmp_path, workers=0)
    assert [f.check for f in loaded.findings if f.check != "document-unknown"] == ["no-figures"]


def test_an_over_long_line_is_read_in_windows_with_a_note(tmp_path: Path) -> None:
    sentence = "In 2011, 35.8 per cent of offenders re-offended. "
    (tmp_path / "long.txt").write_text(sentence * 2_000)
    loaded = read_all(tmp_path, workers=0)
    [ex] = loaded.extractions
    assert len([f for f in ex.figures if f.text == "35.8 per cent"]) == 2_000
    assert [f.check for f in loaded.findings if f.check != "document-unknown"] == ["long-line"]
    assert max(len(f.location.quote) for f in ex.figures) < 100  # each figure quotes its sentence


def _run_document(tmp_path: Path, numbers: int) -> tuple[Path, list[str]]:
    """A sentence, then a line of `numbers` numbers with no word between them, then a sentence."""
    run = [f"{i % 97}.{i % 10}%" if i % 3 == 0 else f"{i * 7:,}" for i in range(numbers)]
    (tmp_path / "flat.txt").write_text("In 2011, 35.8 per cent re-offended.\n"
                                       + "Rates: " + " ".join(run) + "\nSome 12 per cent did not.\n")  # fmt: skip
    return tmp_path, run


def test_numbers_in_a_row_without_words_are_counted_as_a_run_with_a_note(tmp_path: Path) -> None:
    loaded = read_all(_run_document(tmp_path, 1_000)[0], workers=0)
    [ex] = loaded.extractions
    assert [f.text for f in ex.figures] == ["35.8 per cent", "12 per cent"]  # the sentences around it
    [run] = ex.runs
    line = ex.document.lines[1]
    assert (run.line, run.count, line[: run.start]) == (2, 1_000, "Rates: ")
    assert run.end == len(line) and ex.numbers == 1_002
    [note] = [f for f in loaded.findings if f.check == "figure-run"]
    assert note.severity == "info" and "line 2 holds 1,000 numbers" in note.message
    assert not [f for f in loaded.findings if f.check == "no-figures"]


def test_a_run_is_listed_figure_by_figure_where_asked(tmp_path: Path) -> None:
    loaded = read_all(_run_document(tmp_path, 300)[0], workers=0)
    [ex] = loaded.extractions
    _, run = _run_document(tmp_path, 300)
    figs = ex.run_figures()
    assert [f.text for f in figs] == run  # "1.5%" a percentage, "1,421" a count, in order
    line = ex.document.lines[1]
    assert all(line[f.span[0] : f.span[1]] == f.text and f.line == 2 for f in figs)
    assert all(f.text in f.location.quote and len(f.location.quote) <= 100 for f in figs)
    assert {f.unit for f in figs} == {"percent", "count"} and not any(f.key.indicator for f in figs)


@pytest.mark.parametrize("text", [
    "1994–95 59 7.5 61 7.8 1995–96 59 7.5 61 7.8",  # a short flattened table: fewer than 32 numbers
    " ".join(f"{i} per cent" for i in range(40)),  # words between the numbers
])  # fmt: skip
def test_short_lists_and_numbers_among_words_are_read_one_by_one(tmp_path: Path, text: str) -> None:
    (tmp_path / "a.txt").write_text(text + "\n")
    [ex] = read_all(tmp_path, workers=0).extractions
    assert not ex.runs and ex.figures


def test_the_figures_budget_counts_the_numbers_of_runs(tmp_path: Path) -> None:
    good(tmp_path)
    _run_document(tmp_path, 5_000)
    loaded = read_all(tmp_path, workers=0, limits=DEFAULT.with_(figures=4_000))
    [f] = [f for f in loaded.findings if f.check == "input-limit"]
    assert "flat.txt" in f.message and "figures" in f.message
    assert len(loaded.extractions) == len(list((ROOT / "published").glob("*.txt")))  # the others kept
