"""Extraction: the lexer on specimen sentences, labels that are not figures, tables, and
the figures listing of the bundled publications."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pubcheck.cli import main
from pubcheck.documents.load import Document, sha256_bytes
from pubcheck.figures.extract import extract, sentence_spans
from pubcheck.figures.lexer import lex_line
from pubcheck.figures.link import rules_for
from pubcheck.figures.tables import Cell, find_tables, split_cells
from pubcheck.model import Figure

ROOT = Path(__file__).resolve().parents[2]
PUBLISHED = ROOT / "published"
SJOF = PUBLISHED / "sjof-2013-04-outcomes-framework.txt"


def figures(line: str) -> list[Figure]:
    return lex_line(line, "specimen.txt", 1)[0]


def one(line: str) -> Figure:
    figs = figures(line)
    assert len(figs) == 1, [(f.text, f.value) for f in figs]
    return figs[0]


def sjof_line(n: int) -> str:
    return SJOF.read_text(encoding="utf-8").splitlines()[n - 1]


# ---------------------------------------------------------------- percentages


def test_per_cent() -> None:
    f = one("This represents 39 per cent of all people who started treatment.")
    assert (f.value, f.unit, f.precision, f.kind) == (39.0, "percent", 1.0, "number")
    assert f.qualifier is None
    assert f.text == "39 per cent"
    assert f.interval.lo == pytest.approx(38.5) and f.interval.hi == pytest.approx(39.5)


@pytest.mark.parametrize("spelling", ["39 per cent", "39 percent", "39%", "39 %", "39 Per Cent"])
def test_per_cent_spellings(spelling: str) -> None:
    f = one(f"A rate of {spelling} was reported.")
    assert (f.value, f.unit, f.precision) == (39.0, "percent", 1.0)


def test_decimal_percent() -> None:
    f = one("The rate was 16.8% in the latest year.")
    assert f.value == pytest.approx(16.8)
    assert f.unit == "percent"
    assert f.precision == pytest.approx(0.1)
    assert f.interval.lo == pytest.approx(16.75) and f.interval.hi == pytest.approx(16.85)


def test_percentage_points() -> None:
    f = one("The gap narrowed by 0.5 percentage points.")
    assert f.value == pytest.approx(0.5)
    assert f.unit == "percentage_points"
    assert f.precision == pytest.approx(0.1)
    assert f.kind == "change"


def test_percentage_point_change_direction_and_base() -> None:
    f = one("The rate fell by 2.1 percentage points since 2010.")
    assert f.unit == "percentage_points"
    assert f.kind == "change"
    assert f.direction == -1
    assert f.base_period == "2010"
    f = one("There was a rise of 1.5 percentage points compared with 2009-10.")
    assert f.direction == 1
    assert f.base_period == "2009-10"


def test_relative_change_in_per_cent() -> None:
    figs = figures("Re-offending fell by 8.0 per cent from 0.90 to 0.83 offences per offender.")
    assert [g.text for g in figs] == ["8.0 per cent", "0.90", "0.83"]
    f = figs[0]
    assert f.kind == "change"
    assert f.relative is True
    assert f.direction == -1
    assert (f.low, f.high) == (pytest.approx(0.90), pytest.approx(0.83))


# ---------------------------------------------------------------- counts and money


def test_rounded_count() -> None:
    f = one("Of the 86,000 individuals who first presented for treatment")
    assert (f.value, f.unit, f.precision) == (86000.0, "count", 1000.0)
    assert (f.interval.lo, f.interval.hi) == (85_500.0, 86_500.0)


def test_exact_count() -> None:
    f = one("A total of 14,587 offenders were matched.")
    assert (f.value, f.unit, f.precision) == (14587.0, "count", 1.0)


def test_decimal_number_is_not_a_count() -> None:
    f = one("The average was 1.25 offences.")
    assert f.unit == "number"
    assert f.precision == pytest.approx(0.01)


def test_millions() -> None:
    f = one("There were 2.3 million claimants.")
    assert f.value == pytest.approx(2_300_000)
    assert f.unit == "count"
    assert f.precision == pytest.approx(100_000)
    assert f.interval.lo == pytest.approx(2_250_000)
    assert f.interval.hi == pytest.approx(2_350_000)


def test_word_million() -> None:
    f = one("one million people had been claiming for years.")
    assert f.value == pytest.approx(1_000_000)
    assert f.unit == "count"
    assert f.precision == pytest.approx(1_000_000)


def test_money() -> None:
    f = one("The programme costs £165 million a year.")
    assert f.value == pytest.approx(165_000_000)
    assert f.unit == "GBP"
    assert f.precision == pytest.approx(1_000_000)


@pytest.mark.parametrize(
    ("text", "value"),
    [("£1.5bn", 1.5e9), ("£200m", 2e8), ("£4,500", 4500.0), ("£12k", 12_000.0)],
)
def test_money_spellings(text: str, value: float) -> None:
    f = one(f"Spending of {text} was agreed.")
    assert f.unit == "GBP"
    assert f.value == pytest.approx(value)


# ---------------------------------------------------------------- ranges, verbal, ratios


@pytest.mark.parametrize(
    "line",
    [
        "We estimate that between 11 and 28 per cent of children are affected.",
        "We estimate that 11-28 per cent of children are affected.",
        "We estimate that 11 to 28 per cent of children are affected.",
        "We estimate that between 11–28% of children are affected.",
    ],
)
def test_range(line: str) -> None:
    f = one(line)
    assert f.kind == "range"
    assert (f.low, f.high) == (11.0, 28.0)
    assert f.unit == "percent"
    assert f.value == pytest.approx(17.0)  # its width
    assert f.interval.lo == pytest.approx(10.5) and f.interval.hi == pytest.approx(28.5)


def test_nearly_half() -> None:
    f = one("Nearly half of adult offenders are reconvicted.")
    assert f.kind == "verbal"
    assert f.value == 50.0
    assert f.unit == "percent"
    assert f.qualifier == "nearly"
    assert (f.interval.lo, f.interval.hi) == (40.0, 50.0)


def test_bare_fraction() -> None:
    figs = figures("Two-fifths of claimants were stuck on benefits.")
    assert [(g.kind, g.value, g.qualifier) for g in figs] == [("verbal", 40.0, None)]


def test_half_in_behalf_is_not_a_figure() -> None:
    assert figures("The department acts on behalf of the Minister.") == []
    assert figures("They spent half the time waiting") == []  # no 'of': not a quantity


def test_twice_as_likely() -> None:
    f = one("Offenders were twice as likely to be on benefits.")
    assert f.kind == "ratio"
    assert f.unit == "ratio"
    assert f.value == 2.0
    assert (f.interval.lo, f.interval.hi) == (1.75, 2.25)


def test_one_in_six() -> None:
    f = one("Some adults, 1 in 6, have a mental health problem.")
    assert f.kind == "verbal"
    assert f.unit == "percent"
    assert f.value == pytest.approx(100 / 6, abs=1e-3)
    # "1 in 6" stands for the wider of 1 in 6.5 .. 1 in 5.5 and the bare-fraction tolerance
    # of quantifiers.toml (2.5 points either side of 16.67)
    assert f.interval.lo == pytest.approx(min(100 / 6.5, 100 / 6 - 2.5))
    assert f.interval.hi == pytest.approx(max(100 / 5.5, 100 / 6 + 2.5))


@pytest.mark.parametrize(
    ("line", "text", "qualifier"),
    [
        ("There were around 88,000 arrests.", "88,000", "around"),
        ("In all, more than 40 per cent of prisoners", "40 per cent", "more than"),
        ("There were just under 6,000 places.", "6,000", "just under"),
        ("an estimated 3.6 million offenders", "3.6 million", "an estimated"),
        ("Almost 40 per cent of them", "40 per cent", "almost"),
        ("over £165 million a year", "£165 million", "over"),
        ("fewer than 300 cases", "300", "fewer than"),
    ],
)
def test_qualifiers(line: str, text: str, qualifier: str) -> None:
    f = one(line)
    assert f.text == text
    assert f.qualifier == qualifier


def test_qualifier_moves_the_interval() -> None:
    f = one("more than 40 per cent of prisoners")
    assert f.interval.lo == pytest.approx(39.5)
    assert f.interval.hi == pytest.approx(50.0)
    f = one("just under 6,000 places")
    assert f.interval.lo == pytest.approx(4800.0)  # up to 20 % below
    assert f.interval.hi == pytest.approx(6500.0)  # never above the rounding


# ---------------------------------------------------------------- labels are not figures


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("ISBN: 978-1-78153-474-8", "isbn"),
        ("ISBN: 9780101860628", "isbn"),
        ("Presented to Parliament as Cm 8606", "command-paper"),
        ("Tel: 020 7270 4558", "phone"),
        ("See Table 3 for the breakdown.", "reference"),
        ("Key Indicator 4 tells us about worklessness.", "reference"),
        ("The figures for 2011 are provisional.", "period"),
        ("Data cover 2009-12 for England.", "period"),
        ("Data cover April 2010 - March 2011 for England.", "period"),
        ("- 64. Of the individuals who first presented", "paragraph"),
        ("Relationship quality is unknown⁷ for some", "footnote"),
        ("See the note<sup>38</sup> for sources.", "footnote-ref"),
        ("Children aged 0-16 in the household", "age"),
        ("Reconvictions within 12 months of release", "duration"),
        ("See https://www.gov.uk/statistics/2013 for details", "url"),
        ("Contact stats@justice.gsi.gov.uk for details", "url"),
        ("She came 3rd in the list", "ordinal"),
    ],
)
def test_labels_are_not_figures(line: str, kind: str) -> None:
    figs, labels = lex_line(line, "specimen.txt", 1)
    assert figs == [], [(f.text, f.value) for f in figs]
    assert kind in {t.kind for t in labels}


def test_footnote_mark_does_not_glue_to_a_figure() -> None:
    figs = figures("domestic violence accounts for 16 per cent⁷ of all violent incidents")
    assert [(f.value, f.unit) for f in figs] == [(16.0, "percent")]


def test_paragraph_number_is_not_a_figure_but_the_rest_are() -> None:
    figs = figures("- 64. Of the 86,000 individuals, 33,000 completed treatment.")
    assert [f.value for f in figs] == [86000.0, 33000.0]


# ---------------------------------------------------------------- exact lines of the SJOF


def test_sjof_line_392() -> None:
    line = sjof_line(392)
    assert line.startswith("- 64. Of the 86,000 individuals")
    figs, labels = lex_line(line, "sjof.txt", 392)
    assert [(f.text, f.value, f.unit, f.precision) for f in figs] == [
        ("86,000", 86000.0, "count", 1000.0),
        ("33,000", 33000.0, "count", 1000.0),
        ("39 per cent", 39.0, "percent", 1.0),
    ]
    periods = [t.text for t in labels if t.kind == "period"]
    assert periods == ["2009 2012", "March 31st 2012"]
    assert "paragraph" in {t.kind for t in labels}
    assert all(f.location.line == 392 and f.location.document == "sjof.txt" for f in figs)


def test_sjof_line_156_range_with_footnotes() -> None:
    line = sjof_line(156)
    assert "between 11-28 per cent" in line
    figs, labels = lex_line(line, "sjof.txt", 156)
    assert [(f.kind, f.low, f.high) for f in figs] == [("range", 11.0, 28.0)]
    kinds = {t.kind for t in labels}
    assert {"paragraph", "footnote", "period"} <= kinds  # '18.', '⁷ ⁸', '2009-2010'


def test_sjof_line_328_millions() -> None:
    line = sjof_line(328)
    figs = lex_line(line, "sjof.txt", 328)[0]
    assert [(f.text, f.value, f.unit) for f in figs] == [
        ("2.3 million", pytest.approx(2_300_000), "count"),
        ("one million", pytest.approx(1_000_000), "count"),
        ("3.3 per cent", pytest.approx(3.3), "percent"),
    ]


def test_sjof_line_309_verbal_figures() -> None:
    line = sjof_line(309)
    assert line.startswith("¹⁷ At any one time, about 1 in 6 (18 per cent)")
    figs = lex_line(line, "sjof.txt", 309)[0]
    got = [(f.text, f.kind, f.qualifier) for f in figs]
    assert got == [
        ("1 in 6", "verbal", "about"),
        ("18 per cent", "number", None),
        ("a quarter", "verbal", "almost"),
        ("23 per cent", "number", None),
    ]
    quarter = figs[2]
    assert quarter.value == 25.0
    assert (quarter.interval.lo, quarter.interval.hi) == (15.0, 25.0)


# ---------------------------------------------------------------- tables

SPECIMEN = [
    "Offenders and benefits",
    "",
    "Table 9. Something",
    "Group\tNumber\tPer cent",
    "Men\t1,200\t45",
    "Women\t[c]\t..",
    "All\t-\t[x]",
    "",
    "Of these, 39 per cent were men.",
]


def test_find_tables() -> None:
    tables = find_tables(SPECIMEN)
    assert len(tables) == 1
    t = tables[0]
    assert t.id == "Table 9"
    assert t.caption == "Table 9. Something"
    assert t.caption_line == 3
    assert t.header is not None and t.header.lineno == 4
    assert [r.label for r in t.rows] == ["Men", "Women", "All"]
    assert [r.lineno for r in t.rows] == [5, 6, 7]
    assert (t.first_line, t.last_line) == (4, 7)
    assert t.column_label(1) == "Number"
    assert t.column_label(2) == "Per cent"
    assert t.column_label(9) == ""
    assert t.numeric_share() == 1.0
    assert not t.is_contents


def test_table_without_caption_line_takes_nearest_line_and_positional_id() -> None:
    lines = ["Numbers by year", "Year\tCount", "2010\t5", "2011\t7"]
    (t,) = find_tables(lines)
    assert t.id == "table@2"
    assert t.caption == "Numbers by year"
    assert t.header is not None and [c.stripped for c in t.header.cells] == ["Year", "Count"]


def test_table_whose_first_row_is_numeric_has_no_header() -> None:
    (t,) = find_tables(["Table 1: x", "A\t1\t2", "B\t3\t4"])
    assert t.header is None
    assert len(t.rows) == 2


def test_several_header_rows_with_spanning_labels() -> None:
    lines = ["Table 2. Activity by sex", "Year\tMen\t\tWomen\t", "\tLower (%)\tHigher (%)\tLower (%)\tHigher (%)",
             "2024\t80\t90\t70\t85", "2023\t81\t91\t71\t86"]  # fmt: skip
    (t,) = find_tables(lines)
    assert [r.lineno for r in t.header_rows] == [2, 3]
    assert t.header is t.header_rows[0]
    assert [r.label for r in t.rows] == ["2024", "2023"]
    assert [t.column_label(c) for c in range(5)] == [
        "Year", "Men / Lower (%)", "Men / Higher (%)", "Women / Lower (%)", "Women / Higher (%)"]  # fmt: skip


def test_corner_label_on_the_second_header_row() -> None:
    lines = ["\tMen\t\tWomen\t", "Year\tLower\tHigher\tLower\tHigher", "2024\t80\t90\t70\t85"]
    (t,) = find_tables(lines)
    assert len(t.header_rows) == 2 and [r.label for r in t.rows] == ["2024"]
    assert [t.column_label(c) for c in (0, 3)] == ["Year", "Women / Lower"]


def test_years_under_a_spanning_label_are_a_header_row() -> None:
    lines = ["Region\tBoys\t\tGirls\t", "\t2019\t2020\t2019\t2020", "North\t1\t2\t3\t4"]
    (t,) = find_tables(lines)
    assert len(t.header_rows) == 2 and t.column_label(4) == "Girls / 2020"


@pytest.mark.parametrize("second", ["\t12\t13", "\tnote\t[c]", "Men\tx\ty"])
def test_a_row_of_figures_markers_or_with_a_label_is_not_a_header_row(second: str) -> None:
    (t,) = find_tables(["Group\tA\tB", second, "All\t1\t2"])
    assert len(t.header_rows) == 1 and len(t.rows) == 2


def test_text_table_keeps_its_rows() -> None:
    """A second row of text under a header is a data row when the table holds no figures."""
    (t,) = find_tables(["Theme\tIndicator\tFinding", "\t1a. Children\tMost live", "Work\t2. Claims\tFew"])
    assert len(t.header_rows) == 1 and len(t.rows) == 2


def test_two_tables_separated_by_a_blank_line() -> None:
    lines = ["Table 1. A", "h\tx", "r\t1", "", "Table 2. B", "h\ty", "r\t2"]
    assert [t.id for t in find_tables(lines)] == ["Table 1", "Table 2"]


@pytest.mark.parametrize("text", ["[c]", "[C]", "..", "[x]", "-", "[z]", " [low] ", "n/a", "*"])
def test_suppression_markers(text: str) -> None:
    c = Cell(text, 1, 0)
    assert c.is_marker
    assert not c.is_number


@pytest.mark.parametrize(
    ("text", "is_number"),
    [("1,200", True), ("45", True), ("16.8%", True), ("12 per cent", True), ("£1,000", True),
     ("-3.5", True), ("0.4pp", True), ("45 [p]", True), ("Total", False), ("12a", False),
     ("", False)],
)  # fmt: skip
def test_cell_is_number(text: str, is_number: bool) -> None:
    c = Cell(text, 1, 0)
    assert c.is_number is is_number
    assert not c.is_marker


def test_split_cells_offsets() -> None:
    cells = split_cells("Men\t1,200\t45")
    assert [(c.text, c.col, c.start) for c in cells] == [("Men", 0, 0), ("1,200", 1, 4), ("45", 2, 10)]


def test_extract_synthetic_document() -> None:
    text = "\n".join(SPECIMEN) + "\n"
    doc = Document("synthetic.txt", SPECIMEN, sha256_bytes(text.encode()))
    ex = extract(doc)
    assert ex.document is doc
    assert [t.id for t in ex.tables] == ["Table 9"]
    cells = [f for f in ex.figures if f.kind == "cell"]
    got = {(f.row, f.column): (f.value, f.unit, f.precision, f.line) for f in cells}
    assert got == {
        ("Men", "Number"): (1200.0, "count", 100.0, 5),
        ("Men", "Per cent"): (45.0, "percent", 1.0, 5),
    }
    assert all(f.table == "Table 9" and f.document == "synthetic.txt" for f in cells)
    # the four suppression markers are recorded, not read as figures
    assert sorted(m.line for m in ex.markers) == [6, 6, 7, 7]
    prose = [f for f in ex.figures if f.kind != "cell"]
    assert [(f.value, f.unit, f.line) for f in prose] == [(39.0, "percent", 9)]
    assert prose[0].sentence == "Of these, 39 per cent were men."
    # figures come in document order
    assert [f.line for f in ex.figures] == sorted(f.line for f in ex.figures)
    d = cells[0].to_dict()
    assert d["table"] == "Table 9" and d["row"] == "Men" and d["column"] == "Number"


def test_extract_footnote_definitions() -> None:
    lines = ["The rate was 21 per cent.⁷", "", "⁷ Source: a survey."]
    ex = extract(Document("f.txt", lines, "0" * 64))
    assert ex.footnotes == {"7": 3}
    (f,) = [g for g in ex.figures if g.line == 1]
    assert f.footnotes == ("7",)


def test_sentence_spans() -> None:
    text = "First sentence has 39 per cent. Second one has 42 per cent."
    spans = sentence_spans(text)
    assert [text[a:b] for a, b in spans] == [
        "First sentence has 39 per cent.",
        "Second one has 42 per cent.",
    ]


def test_extract_bundled_sjof_links_the_headline_figures() -> None:
    lines = SJOF.read_text(encoding="utf-8").splitlines()
    ex = extract(Document(str(SJOF), lines, sha256_bytes(SJOF.read_bytes())), rules_for(SJOF.parent))
    f39 = [f for f in ex.figures if f.line == 392 and f.text == "39 per cent"]
    assert len(f39) == 1
    assert f39[0].value == 39.0
    assert f39[0].key.indicator is not None  # linked to a key indicator
    assert any(f.kind == "cell" for f in ex.figures)
    assert len(ex.tables) >= 6  # Tables 1-6 and the key findings table


# ---------------------------------------------------------------- `pubcheck figures`


@pytest.fixture(scope="module")
def figures_json() -> dict:
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        rc = main(["figures", str(PUBLISHED), "--format", "json"])
    assert rc == 0
    return json.loads(out.getvalue())


def test_figures_json_shape(figures_json: dict) -> None:
    assert list(figures_json) == ["figures"]
    figs = figures_json["figures"]
    assert len(figs) > 100
    keys = {"document", "line", "value", "unit", "precision", "qualifier", "quote", "indicator"}
    for f in figs:
        assert keys <= set(f), f
        assert isinstance(f["line"], int) and f["line"] >= 1
        assert isinstance(f["value"], (int, float))
        assert f["unit"] in {"percent", "percentage_points", "count", "GBP", "number", "ratio"}
    docs = {Path(f["document"]).name for f in figs}
    assert docs == {p.name for p in PUBLISHED.glob("*.txt")}


def test_figures_json_values(figures_json: dict) -> None:
    sjof = [f for f in figures_json["figures"] if f["document"].endswith(SJOF.name)]
    at392 = [f for f in sjof if f["line"] == 392 and f["text"] == "39 per cent"]
    assert len(at392) == 1
    assert at392[0]["value"] == 39
    assert at392[0]["unit"] == "percent"
    assert at392[0]["precision"] == 1
    assert "39 per cent" in at392[0]["quote"]
    millions = [f for f in sjof if f["text"] == "2.3 million"]
    assert millions
    assert all(f["value"] == pytest.approx(2_300_000) and f["unit"] == "count" for f in millions)


def test_figures_csv(capsys: pytest.CaptureFixture[str]) -> None:
    import csv
    import io

    rc = main(["figures", str(SJOF), "--format", "csv"])
    assert rc == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert rows
    assert {"document", "line", "value", "unit", "precision", "qualifier", "quote"} <= set(rows[0])
    assert any(r["line"] == "392" and r["text"] == "39 per cent" for r in rows)


# ---------------------------------------------------------------- regressions


# Regression: 'In 2011 20 per cent ...' was read as the year span '2011 20' (2011-20) and the
# 20 per cent figure was silently dropped.
def test_year_followed_by_a_percentage_keeps_the_percentage() -> None:
    figs, labels = lex_line("In 2011 20 per cent of offenders reoffended.", "x.txt", 1)
    assert [(f.value, f.unit) for f in figs] == [(20.0, "percent")]
    assert [t.text for t in labels if t.kind == "period"] == ["2011"]


# Regression: '1999-00' was not a period; '1999' was masked as a year and the '00' left over
# became a count figure of 0.
def test_financial_year_across_century_is_not_a_figure() -> None:
    figs, _ = lex_line("Against the 1999-00 baseline.", "x.txt", 1)
    assert figs == []
