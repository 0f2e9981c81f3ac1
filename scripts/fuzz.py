#!/usr/bin/env python3
"""Coverage-guided fuzzing of pubcheck's readers of untrusted text (atheris, libFuzzer).

    .venv/bin/python scripts/fuzz.py TARGET [libFuzzer options] [CORPUS_DIR ...]
    .venv/bin/python scripts/fuzz.py extract -max_total_time=60 fixtures/fuzz/extract

Targets (each takes the fuzzer's bytes as one input):
  extract   a document's text through extract() (lexer, periods, tables, linking, windows)
  html      an HTML page through the HTML reader and extract()
  csv       a CSV file through the CSV reader and extract()
  workbook  an XLSX/ODS file through check_workbook (the ZIP and extent guard)
  package   a datapackage.json through read_package

What counts as a crash: an exception other than the reader's own clean refusals (InputLimit,
the documented parse errors), or an input that takes longer than SLOW seconds (a hang or
super-linear blow-up; libFuzzer's -timeout also stops a hang). Every crash found becomes a
file in fixtures/fuzz/crashes/ and a test (tests/test_fuzz_corpus.py replays all of
fixtures/fuzz/). The corpus folders under fixtures/fuzz/ seed the fuzzer; `.ci/run` runs each
target for a bounded time.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

SLOW = 5.0  # seconds for one input of at most a few KB: only a hang or a blow-up takes this long


def _extract(text: str) -> None:
    from pubcheck.documents.load import Document
    from pubcheck.figures.extract import RUN_MIN, extract

    ex = extract(Document("fuzz.txt", text.splitlines(), ""))
    for f in ex.figures:
        assert f.interval.lo <= f.interval.hi
        assert 0 <= f.location.line <= len(ex.document.lines)
    for r in ex.runs:  # numbers counted in runs: inside their line, never also read as figures
        assert 0 <= r.start < r.end <= len(ex.document.lines[r.line - 1]) and r.count >= RUN_MIN
        assert not any(f.line == r.line and f.span[0] < r.end and f.span[1] > r.start for f in ex.figures)
    for f in ex.run_figures():
        assert f.interval.lo <= f.interval.hi and f.line >= 1


def target_extract(data: bytes) -> None:
    _extract(data.decode("utf-8", "replace"))


def target_html(data: bytes) -> None:
    from pubcheck.documents.html import to_document
    from pubcheck.figures.extract import extract
    from pubcheck.limits import InputLimit

    try:
        doc = to_document(Path("fuzz.html"), "fuzz.html", data)
    except (InputLimit, UnicodeDecodeError, LookupError):
        return
    assert doc.places is not None and len(doc.places) == len(doc.lines)
    extract(doc)


def target_csv(data: bytes) -> None:
    import csv

    from pubcheck.documents.sheets import to_document
    from pubcheck.figures.extract import extract
    from pubcheck.limits import InputLimit

    try:
        doc = to_document(Path("fuzz.csv"), "fuzz.csv", data)
    except (InputLimit, UnicodeDecodeError, csv.Error):
        return
    extract(doc)


def target_workbook(data: bytes) -> None:
    import zipfile

    from pubcheck.documents.sheets import check_workbook
    from pubcheck.limits import InputLimit

    for suffix in (".xlsx", ".ods"):
        try:
            check_workbook(data, suffix)
        except (InputLimit, zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError):
            return  # clean refusals: over a budget, not a (readable) ZIP, a compression zipfile lacks


def target_package(data: bytes) -> None:
    import tempfile

    from pubcheck.extracts.package import read_package

    with tempfile.TemporaryDirectory() as d:
        (Path(d) / "datapackage.json").write_bytes(data)
        pkg = read_package(Path(d))
        for f in pkg.findings:
            assert f.check == "extract-datapackage" and "datapackage.json" in f.message


TARGETS = {"extract": target_extract, "html": target_html, "csv": target_csv, "workbook": target_workbook,
           "package": target_package}  # fmt: skip


def timed(target):  # type: ignore[no-untyped-def]
    def run(data: bytes) -> None:
        t0 = time.perf_counter()
        target(data)
        took = time.perf_counter() - t0
        if took > SLOW:
            raise AssertionError(f"one input of {len(data):,} bytes took {took:.1f} s (over {SLOW} s)")

    return run


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in TARGETS:
        sys.stderr.write(f"usage: fuzz.py TARGET [libFuzzer options] [CORPUS ...]; targets: {', '.join(TARGETS)}\n")
        return 2
    import atheris

    name = sys.argv.pop(1)
    with atheris.instrument_imports(include=["pubcheck"]):
        import pubcheck.documents.html  # noqa: F401
        import pubcheck.documents.sheets  # noqa: F401
        import pubcheck.extracts.package  # noqa: F401
        import pubcheck.figures.extract  # noqa: F401
    atheris.Setup(sys.argv, timed(TARGETS[name]))
    atheris.Fuzz()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
