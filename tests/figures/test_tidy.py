# ruff: noqa: E501  (specimen tables keep their long lines)
"""The table model (pubcheck.tidy): hand-written tables of every shape, expectations by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from pubcheck.documents.load import Document
from pubcheck.documents.sheets import to_document
from pubcheck.figures.tidy import TidyTable, is_total, period_of, tidy_document


def csv_table(text: str, name: str = "spec.csv") -> TidyTable:
    doc = to_document(Path(name), name, text.encode("utf-8"))
    (t,) = tidy_document(doc)
    return t


def text_table(lines: list[str]) -> TidyTable:
    (t,) = tidy_document(Document("spec.txt", lines, ""))
    return t


# Two header rows: a spanning sex label over background columns (as State of the Nation CSVs)
WIDE_TWO_HEADERS = """\
"Year","Men","","Women","","Total",""
"","Lower working (%)","Higher professional (%)","Lower working (%)","Higher professional (%)","Lower working (%)","Higher professional (%)"
"2022 to 2024","84.342","89.1","74.274","89.716","79.15","89.42"
"2014 to 2016","87.669","92.337","66.703","86.989","77.022","89.6"
"""


def test_two_header_rows_give_two_column_dimensions() -> None:
    t = csv_table(WIDE_TWO_HEADERS)
    assert t.dimension_names() == ("Year", "column 1", "column 2")
    assert t.labels("column 1") == ("Men", "Women", "Total")
    assert t.labels("column 2") == ("Lower working", "Higher professional")
    assert t.total_label("column 1") == "Total"
    assert t.total_label("column 2") is None
    assert t.period_dimension == "Year"
    c = t.cell({"Year": "2014 to 2016", "column 1": "Women", "column 2": "Lower working"})
    assert c is not None
    assert (c.value, c.text, c.unit, c.period) == (66.703, "66.703", "percent", "2014-16")
    assert c.measure == "Women / Lower working (%)"
    assert c.location.cell == "D4" and c.location.sheet == "spec"


def test_machine_written_column_takes_its_largest_number_of_decimals() -> None:
    t = csv_table(WIDE_TWO_HEADERS)
    c = t.cell({"Year": "2022 to 2024", "column 1": "Men", "column 2": "Higher professional"})
    assert c is not None and c.text == "89.1"
    assert c.decimals == 3  # 92.337 below it: the CSV dropped the trailing zeros of 89.100
    assert (c.interval.lo, c.interval.hi) == pytest.approx((89.0995, 89.1005))


def test_a_spanning_title_names_the_dimension_below_it() -> None:
    t = csv_table('"Socio-economic background","Occupation","",""\n'
                  '"","Lower working (%)","Intermediate (%)","Higher professional (%)"\n'
                  '"Higher professional","15.177","50","34.823"\n'
                  '"Lower working","30.13","45.2","24.67"\n')  # fmt: skip
    assert t.dimension_names() == ("Socio-economic background", "Occupation")
    assert t.labels("Occupation") == ("Lower working", "Intermediate", "Higher professional")
    assert [c.text for c in t.select({"Socio-economic background": "Lower working"})] == ["30.13", "45.2", "24.67"]


def test_leading_label_columns_are_carried_down() -> None:
    t = csv_table('"Socio-economic background","Sex","First degree (%)","Higher degree (%)"\n'
                  '"Higher professional","Men",42.96,22.437\n'
                  '"","Women",47.054,26.37\n'
                  '"Lower working","Men",17.172,4.874\n'
                  '"","Women",20.148,5.98\n')  # fmt: skip
    assert t.dimension_names() == ("Socio-economic background", "Sex", "column")
    women = t.select({"Socio-economic background": "Higher professional", "Sex": "Women"})
    assert [c.text for c in women] == ["47.054", "26.37"]
    assert all(c.decimals == 3 for c in women)
    assert [c.text for c in t.find("Men", "Higher degree")] == ["22.437", "4.874"]


# An admin CSV: period code, a category column with its Total, counts rounded to 5, rates
ADMIN = """\
"year","school_type","num_schools","headcount","perm_excl","perm_excl_rate"
"201516","Total","21245","7916225","6685","0.08"
"201516","primary","16804","4615170","1145","0.02"
"201516","secondary","3409","3193420","5445","0.17"
"201516","special","1032","107635","90","0.08"
"201617","Total","21319","8025075","7720","0.1"
"201617","primary","16837","4689660","1255","0.03"
"201617","secondary","3451","3223090","6385","0.2"
"201617","special","1031","112325","80","0.07"
"""


def test_admin_csv_measure_columns_and_category_total() -> None:
    t = csv_table(ADMIN)
    assert t.dimension_names() == ("year", "school_type", "column")
    assert t.labels("column") == ("num_schools", "headcount", "perm_excl", "perm_excl_rate")
    assert t.total_label("school_type") == "Total"
    assert t.period_dimension == "year"
    c = t.cell({"year": "201617", "school_type": "secondary", "column": "perm_excl_rate"})
    assert c is not None
    assert (c.text, c.unit, c.per, c.decimals, c.period) == ("0.2", "percent", 100.0, 2, "2016-17")
    assert (c.interval.lo, c.interval.hi) == pytest.approx((0.195, 0.205))


def test_count_columns_rounded_to_5_are_intervals_and_exact_counts_are_points() -> None:
    t = csv_table(ADMIN)
    perm = t.cell({"year": "201516", "school_type": "Total", "column": "perm_excl"})
    schools = t.cell({"year": "201516", "school_type": "Total", "column": "num_schools"})
    assert perm is not None and schools is not None
    assert (perm.unit, perm.precision) == ("count", 5.0)  # every value a multiple of 5
    assert (perm.interval.lo, perm.interval.hi) == (6682.5, 6687.5)
    assert (schools.unit, schools.precision) == ("count", 1.0)
    assert schools.interval.lo == schools.interval.hi == 21245


LONG = """\
"measure_code","area_name","primary_split_type","primary_split_value","secondary_split_type","secondary_split_value","time_period","value","lci","uci","sample_size","unit"
"in1","United Kingdom","seb","Lower working",,,"2024-2024",14.517,13.124,15.91,94,"Pound"
"in1","United Kingdom","seb","Higher professional",,,"2024-2024",19.051,17.811,20.291,123,"Pound"
"in1","United Kingdom","seb","Total",,,"2024-2024",17.064,16.476,17.653,217,"Pound"
"in1","United Kingdom","year","2016","seb","Lower working","2014 to 2024",12.8,12.01,13.599,164,"Pound"
"in1","United Kingdom","year","2017","seb","Lower working","2014 to 2024",13.1,12.4,13.7,170,"Pound"
"in1","United Kingdom","year","2018","seb","Lower working","2014 to 2024",13.2,12.5,13.9,171,"Pound"
"""


def test_long_csv_split_pairs_become_dimensions_named_by_their_type() -> None:
    t = csv_table(LONG)
    assert t.long
    assert set(t.dimension_names()) == {"measure_code", "area_name", "seb", "year", "time_period", "unit", "column"}
    assert t.labels("column") == ("value", "lci", "uci", "sample_size")
    assert t.total_label("seb") == "Total"
    total = t.cell(seb="Total", column="value")
    assert total is not None and (total.unit, total.period) == ("GBP", "2024")
    size = t.cell(seb="Total", column="sample_size")
    assert size is not None and size.unit == "count"
    # the year split is the period dimension (the most periods); '2014 to 2024' names the whole span
    assert t.period_dimension == "year"
    trend = t.select({"seb": "Lower working", "column": "value", "time_period": "2014 to 2024"})
    assert [(c.text, c.period) for c in trend] == [("12.8", "2016"), ("13.1", "2017"), ("13.2", "2018")]
    # blank split cells stay blank: no 'year' label on the 2024 rows
    assert t.cell(seb="Higher professional", column="value").label("year") is None  # type: ignore[union-attr]


def test_series_follows_the_period_dimension_in_order() -> None:
    t = csv_table('"School year","FSM-eligible pupils (%)","All pupils (%)"\n'
                  '"2023/24",52,68\n"2021/22",49,65\n"2022/23",52,67\n')  # fmt: skip
    c = t.cell({"School year": "2022/23", "column": "All pupils"})
    assert c is not None
    assert [x.text for x in t.series(c)] == ["65", "67", "68"]
    assert [x.period for x in t.series(c)] == ["2021-22", "2022-23", "2023-24"]
    assert t.total_label("column") == "All pupils"


def test_typeset_table_cells_keep_their_own_precision_and_line() -> None:
    t = text_table(["Table 2. Pupils by group", "", "Group\tNumber\tPer cent",
                    "Boys\t1,200\t45", "Girls\t1,467\t55.0", "All pupils\t2,667\t100"])  # fmt: skip
    assert not t.machine
    boys = t.cell({"Group": "Boys", "column": "Per cent"})
    girls = t.cell({"Group": "Girls", "column": "Per cent"})
    n = t.cell({"Group": "Girls", "column": "Number"})
    assert boys is not None and girls is not None and n is not None
    assert (boys.decimals, girls.decimals) == (0, 1)
    assert (boys.unit, n.unit, n.value) == ("percent", "count", 1467)
    assert (boys.location.document, boys.location.line) == ("spec.txt", 4)
    assert t.at(4, 2) is boys and t.at(4, 0) is None
    assert t.total_label("Group") == "All pupils"


@pytest.mark.parametrize(("header", "unit", "per"), [
    ("Mean hourly earnings (£)", "GBP", None),
    ("Percentage (%)", "percent", 100.0),
    ("fixed_excl_rate", "percent", 100.0),
    ("Rate per 1,000 population", "rate", 1000.0),
    ("Number of households", "count", None),
    ("Average score", "number", None),
])  # fmt: skip
def test_units_from_the_header(header: str, unit: str, per: float | None) -> None:
    t = csv_table(f'"Group","{header}"\n"A",12\n"B",30\n')
    assert {(c.unit, c.per) for c in t.cells} == {(unit, per)}


def test_whole_numbers_reaching_100_without_a_unit_word_are_counts() -> None:
    t = csv_table('"Region","Households"\n"North",1200\n"South",1500\n')
    assert {c.unit for c in t.cells} == {"count"}
    t = csv_table('"Region","Households"\n"North",12.5\n"South",15\n')
    assert {c.unit for c in t.cells} == {"number"}


def test_many_decimals_are_effectively_exact_and_float_noise_is_not_precision() -> None:
    t = csv_table('"Group","Percentage (%)"\n"A",47.12683045\n"B",0.30000000000000004\n"C",21.4\n')
    a, b, _c = t.cells
    assert a.decimals == 8 and a.interval.width() == pytest.approx(1e-8)
    assert b.decimals == 8  # the noise of 0.3 does not make every cell exact to 17 places


@pytest.mark.parametrize(("label", "norm"), [
    ("2022/23", "2022-23"), (" 1999/00", "1999-00"), ("201516", "2015-16"), ("2022 to 2024", "2022-24"),
    ("2024-2024", "2024"), ("2014", "2014"), ("2014-2024", "2014-24"), ("Year ending March 2019", "2018-19"),  # the twelve months to March 2019
    ("April 2010 - March 2011", "2010-04/2011-03"),
    ("201617x", None), ("123456", None), ("Lower working", None), ("2014 and 2016", "2014-16"),
])  # fmt: skip
def test_period_labels(label: str, norm: str | None) -> None:
    assert period_of(label) == norm


@pytest.mark.parametrize(("label", "total"), [
    ("Total", True), ("Total (%)", True), ("All", True), ("All pupils", True), ("All backgrounds", True),
    ("Both sexes", True), ("All other pupils", False), ("Totally new", False), ("United Kingdom", False),
])  # fmt: skip
def test_total_labels(label: str, total: bool) -> None:
    assert is_total(label) is total


def test_declared_total_replaces_the_label_pattern() -> None:
    doc = to_document(Path("c.csv"), "c.csv", b'"Year","England","Wales","United Kingdom"\n"2020",5,6,11\n')
    (t,) = tidy_document(doc, roles={"totals": {"column": "United Kingdom"}})
    assert t.total_label("column") == "United Kingdom"


def test_a_table_of_text_has_no_tidy_table() -> None:
    assert tidy_document(Document("t.txt", ["Theme\tIndicator", "Work\tClaims", "Family\tParents"], "")) == []


def test_corner_label_on_the_second_header_row_names_the_rows() -> None:
    t = csv_table('"","Men","","Women",""\n"Year","Lower (%)","Higher (%)","Lower (%)","Higher (%)"\n'
                  '"2024",80,90,70,85\n"2023",81,91,71,86\n')  # fmt: skip
    assert t.dimension_names() == ("Year", "column 1", "column 2")
    assert [c.text for c in t.select({"column 1": "Women", "column 2": "Higher"})] == ["85", "86"]


def test_bounds_allow_a_machine_written_cell_its_own_printed_decimals() -> None:
    # 0.2 in a column with 0.17: the model reads 0.20 ([0.195, 0.205)); the rules may only rely on
    # what is printed, so its bounds also allow 0.2 rounded to 1 dp ([0.15, 0.25)).
    t = csv_table('"Group","Rate (%)"\n"A","0.17"\n"B","0.2"\n')
    a, b = t.cells
    assert (b.decimals, b.precision) == (2, 0.01)
    assert (b.interval.lo, b.interval.hi) == pytest.approx((0.195, 0.205))
    assert (b.bounds.lo, b.bounds.hi) == pytest.approx((0.15, 0.25))
    assert a.bounds == a.interval


def test_whole_hundreds_in_a_column_printed_to_the_unit_are_exact() -> None:
    t = csv_table('"Group","Number of pupils"\n"A",17000\n"B",15213\n"C",9871\n"D",20417\n')
    assert t.cells[0].interval.lo == t.cells[0].interval.hi == 17000
    t = csv_table('"Group","Number of pupils"\n"A",17000\n"B",15000\n"C",9871\n"D",20000\n')
    assert (t.cells[0].interval.lo, t.cells[0].interval.hi) == (16500, 17500)  # may be rounded to the thousand


def test_a_cell_s_label_place_and_quote() -> None:
    """Labels are read per row and per column once; a cell still answers for its own."""
    t = csv_table(WIDE_TWO_HEADERS)
    c = t.cell({"Year": "2022 to 2024", "column 1": "Total", "column 2": "Higher professional"})
    assert c is not None and c.text == "89.42"
    assert c.label("column 1") == "Total" and c.label("Year") == "2022 to 2024" and c.label("nope") is None
    assert c.quote.startswith("2022 to 2024") and c.quote.endswith("89.42")  # its row, as printed
    assert (c.unplaced.document, c.unplaced.line, c.unplaced.figure) == ("spec.csv", c.line, "89.42")
    assert c.location.cell == "G3" and c.location.sheet == "spec"  # the file's row 3
    # every cell of a row has that row's labels; every cell of a column that column's
    rows = {cell.label("Year") for cell in t.cells}
    assert rows == {"2022 to 2024", "2014 to 2016"} and len(t.cells) == 12


def test_the_last_label_of_a_repeated_dimension_name_wins() -> None:
    from pubcheck.figures.tidy import TidyCell
    from pubcheck.model import Interval, built

    c = built(TidyCell, value=1.0, text="1", decimals=0, precision=1.0, interval=Interval(0.5, 1.5),
              unit="count", labels=(("area", "North"), ("sex", "Men"), ("area", "Leeds")), period=None,
              measure="n", line=1, quote="1", row=0, col=1)  # fmt: skip
    assert c.label("area") == dict(c.labels)["area"] == "Leeds"


def test_a_document_s_tables_are_found_once() -> None:
    from pubcheck.figures.tables import tables_of

    doc = Document("spec.txt", ["Table 1: x", "A\t1\t2", "B\t3\t4"], "")
    first = tables_of(doc)
    assert len(first) == 1 and tables_of(doc) is first  # extraction, tidy tables and rules share them
    doc.lines = ["Table 1: x", "A\t1\t2", "", "Table 2: y", "C\t5\t6"]
    assert [t.id for t in tables_of(doc)] == ["Table 1", "Table 2"]  # new lines: found again


@pytest.mark.parametrize("text, expected", [
    ("1,234", (1234.0, 0)), ("16.8", (16.8, 1)), ("-0.5", (-0.5, 1)), ("£1,200", (1200.0, 0)), ("£ 3.50", (3.5, 2)),
    ("12.5%", (12.5, 1)), ("12 per cent", (12.0, 0)), ("3.0 pp", (3.0, 1)), ("45 [p]", (45.0, 0)), ("45.1[R]", (45.1, 1)),
    ("1,23", None), ("12a", None), ("Total", None), ("12 [x]", None), ("£", None), ("1.2.3", None),
])  # fmt: skip
def test_a_cell_number_is_read_with_its_marks_and_units_taken_off(text: str, expected: tuple | None) -> None:
    from pubcheck.figures.tidy import _number_text

    assert _number_text(text) == expected
