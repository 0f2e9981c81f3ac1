"""Each reader over generated input (hypothesis): it returns a well-formed Document or refuses
cleanly (InputLimit, or the reader's documented error); nothing else escapes. Generous time
bounds catch only hangs and blow-ups (see tests/figures/test_properties.py)."""

from __future__ import annotations

import csv
import io
import time
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pubcheck.documents import html, sheets
from pubcheck.extracts.package import read_package
from pubcheck.limits import DEFAULT, InputLimit

SLOW = 10.0
FAST = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                      HealthCheck.function_scoped_fixture])
TAGS = ["<p>", "</p>", "<table>", "</table>", "<tr>", "<td>", "</td>", "<th>", "<caption>", "<h2>", "</h2>",
        "<noscript>", "</noscript>", "<span hidden>", "</span>", "<div>", "</div>", "<li>", "<main>", "<script>",
        "12.5 per cent", "Table 3. Rates", "2010", " ", "&amp;", "<!--", "-->", "<meta charset='utf-16'>", "x"]
SMALL = DEFAULT.with_(html_depth=40, cells=500, text=20_000, rows=50, columns=20)


def wellformed(doc) -> None:  # type: ignore[no-untyped-def]
    assert doc.places is not None and len(doc.places) == len(doc.lines)
    assert all(isinstance(line, str) for line in doc.lines)


@FAST
@given(st.lists(st.sampled_from(TAGS), max_size=120).map("".join))
def test_html_reader(page: str) -> None:
    t0 = time.perf_counter()
    try:
        wellformed(html.to_document(Path("x.html"), "x.html", page.encode(), SMALL))
    except InputLimit:
        pass
    assert time.perf_counter() - t0 < SLOW


@FAST
@given(st.lists(st.lists(st.sampled_from(["", "1", "2.5", "1,234", "[c]", "Table 1", "a\tb", '"q"', "x" * 30]),
                         max_size=25), max_size=60))  # fmt: skip
def test_csv_reader(rows: list[list[str]]) -> None:
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    try:
        wellformed(sheets.to_document(Path("x.csv"), "x.csv", buf.getvalue().encode(), SMALL))
    except InputLimit as exc:
        assert exc.limit in ("rows", "columns", "cells", "text")


@FAST
@given(st.binary(max_size=400))
def test_workbook_guard_on_bytes(data: bytes) -> None:
    for suffix in (".xlsx", ".ods"):
        try:
            sheets.check_workbook(data, suffix)
        except (InputLimit, zipfile.BadZipFile):
            pass


@FAST
@given(st.recursive(st.none() | st.booleans() | st.floats() | st.text(max_size=8) | st.integers(),
                    lambda kids: st.lists(kids, max_size=4) | st.dictionaries(
                        st.sampled_from(["name", "path", "resources", "pubcheck:scale", "x"]), kids, max_size=4),
                    max_leaves=20))  # fmt: skip
def test_data_package_reader(tmp_path_factory, value) -> None:  # type: ignore[no-untyped-def]
    import json

    d = tmp_path_factory.mktemp("pkg")
    (d / "datapackage.json").write_text(json.dumps(value))
    pkg = read_package(d)
    assert all(f.check == "extract-datapackage" for f in pkg.findings)
    assert all(p.is_relative_to(d) for p in pkg.resources.values())
    assert all(0 < s < float("inf") for s in pkg.scales.values())
