# ruff: noqa: E501  (specimen tables keep their long lines)
"""The table rules (pubcheck.rules_tables): for each, a hand-written table that passes and one
with a planted defect, and the traps of real tables that must stay silent. Expectations are
worked out by hand next to each specimen; a printed figure stands for its rounding interval.

Locations: a CSV's cell is reported as sheet!cell; the sheet is the file's stem, row 1 its header.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pubcheck.cli.pipeline import check
from pubcheck.model import Finding
from pubcheck.report import Report


def run(tmp_path: Path, **tables: str) -> Report:
    for name, text in tables.items():
        (tmp_path / f"{name}.csv").write_text(text, encoding="utf-8")
    return check(tmp_path)


def found(report: Report, rule: str) -> list[Finding]:
    crashed = [f.message for f in report.findings if f.check == "rule-error"]
    assert not crashed, crashed
    return [f for f in report.findings if f.check == rule and f.severity in ("error", "warning")]


def cells(f: Finding) -> set[str]:
    return {loc.cell or "" for loc in f.locations}


# --------------------------------------------------------------------------- table-shares

# Destinations of young people by background: three shares of one whole per row, 3 dp.
# Rows 2-5 sum to exactly 100.000; the sum of three 3-dp intervals may stand for 99.9985..100.0015.
SHARES = """\
"Socio-economic background","Education and training (%)","Employment (%)","NEET (%)"
"Higher professional",38.532,52.821,8.647
"Lower professional",30.176,56.638,13.186
"Intermediate",32.482,55.187,12.331
"Higher working",30.227,51.164,18.609
"Lower working",{row}
"""


@pytest.mark.parametrize(("row", "severity"), [
    ("33.713,44.433,21.854", None),       # 100.000
    ("33.713,44.433,21.855", None),       # 100.001: [99.9995, 100.0025) reaches 100
    ("33.713,44.433,21.856", "warning"),  # 100.002: [100.0005, 100.0035) misses 100 by 0.0005
    ("33.713,44.433,22.454", "warning"),  # 100.600: misses by 0.5985, within two points
    ("33.713,45.633,21.854", "warning"),  # 101.800: misses by 1.7985, within two points
    ("33.713,47.433,21.854", "error"),    # 103.000: misses by 2.9985, beyond two points
    ("33.713,41.433,21.854", "error"),    # 97.000
])  # fmt: skip
def test_shares_of_one_whole_sum_to_100(tmp_path: Path, row: str, severity: str | None) -> None:
    fs = found(run(tmp_path, destinations=SHARES.format(row=row)), "table-shares")
    assert [f.severity for f in fs] == ([severity] if severity else [])
    if severity:
        assert cells(fs[0]) == {"B6", "C6", "D6"}
        assert "in 4 of the table's other 4 rows" in fs[0].message


def test_shares_of_separately_estimated_outcomes_are_left_alone(tmp_path: Path) -> None:
    # Rows sum to 101.497, 100.587, 99.902, 99.019, 100.656: about 100, never within rounding,
    # so the columns are not shown to be one whole; even a row summing to 103 proves nothing.
    table = """\
"Ethnicity","Education and training (%)","Employment (%)","NEET (%)"
"Bangladeshi",57.432,35.31,8.755
"Chinese",55.833,25.194,19.56
"Indian",56.115,37.786,5.001
"Pakistani",48.556,30.609,19.854
"Black African",50.234,29.1,21.322
"Mixed",53.1,30.9,19
"""
    assert found(run(tmp_path, separate=table), "table-shares") == []


def test_shares_in_a_typeset_table_use_each_cell_s_own_rounding(tmp_path: Path) -> None:
    # Whole per cents: three parts stand for sums within 1.5 of the printed sum.
    rows = ["Men\t45\t30\t26", "Women\t40\t35\t25", "Under 25\t50\t20\t30", "25 and over\t44\t31\t25"]
    doc = "Table 1. Household type by group (%)\n\nGroup\tCouple\tLone parent\tSingle\n" + "\n".join(rows)
    (tmp_path / "ok.txt").write_text(doc + "\nAll\t44\t31\t26\n", encoding="utf-8")  # 101: [99.5, 102.5)
    assert found(check(tmp_path), "table-shares") == []
    (tmp_path / "ok.txt").write_text(doc + "\nAll\t46\t31\t26\n", encoding="utf-8")  # 103: [101.5, 104.5)
    fs = found(check(tmp_path), "table-shares")
    assert [(f.severity, f.locations[0].line) for f in fs] == [("warning", 8)]  # 1.5 points beyond
    (tmp_path / "ok.txt").write_text(doc + "\nAll\t47\t31\t26\n", encoding="utf-8")  # 104: [102.5, 105.5)
    fs = found(check(tmp_path), "table-shares")
    assert [(f.severity, f.locations[0].line) for f in fs] == [("error", 8)]  # 2.5 points beyond


# --------------------------------------------------------------------------- table-totals

# Exclusions by school type, long: counts rounded to 5 (every value a multiple of 5), so each
# count stands for +/- 2.5 and three parts for +/- 7.5. Worked by hand:
#   201314 headcount 4416710 + 3181360 + 100240 = 7698310; perm 870 + 4005 + 75 = 4950
#   201415 headcount 7799010 v 7799005 and perm 5790 v 5795 (within rounding)
#   201516 headcount 7916225; perm 1145 + 5445 + 90 = 6680 v 6685 (within rounding)
#   201617 headcount 8025075; perm 1255 + 6385 + 80 = 7720
# Rates: perm / headcount x 100 to 2 dp, e.g. 201516 secondary 5445 / 3193420 = 0.1705 -> 0.17.
ADMIN = """\
"year","school_type","headcount","perm_excl","perm_excl_rate"
"201314","Total","7698310","4950","0.06"
"201314","state-funded primary","4416710","870","0.02"
"201314","state-funded secondary","3181360","4005","0.13"
"201314","special","100240","75","0.07"
"201415","Total","7799005","5795","0.07"
"201415","state-funded primary","4510310","915","0.02"
"201415","state-funded secondary","3184730","4785","0.15"
"201415","special","103970","90","0.09"
"201516","Total","7916225","{total}","{total_rate}"
"201516","state-funded primary","4615170","1145","0.02"
"201516","state-funded secondary","3193420","{secondary}","{secondary_rate}"
"201516","special","107635","90","0.08"
"201617","Total","8025075","7720","0.1"
"201617","state-funded primary","4689660","1255","0.03"
"201617","state-funded secondary","3223090","6385","0.2"
"201617","special","112325","80","0.07"
"""
CLEAN = {"total": "6685", "total_rate": "0.08", "secondary": "5445", "secondary_rate": "0.17"}


def admin(**changes: str) -> str:
    return ADMIN.format(**{**CLEAN, **changes})


def test_clean_admin_table_is_silent(tmp_path: Path) -> None:
    r = run(tmp_path, exclusions=admin())
    assert [f for f in r.findings if f.check.startswith("table-")] == []


def test_parts_exceeding_their_total_are_an_error(tmp_path: Path) -> None:
    # 1145 + 5545 + 90 = 6780 against a Total of 6685: [6772.5, 6787.5) v [6682.5, 6687.5).
    # 5545 / 3193420 = 0.1736 still prints 0.17: only the total breaks.
    fs = found(run(tmp_path, exclusions=admin(secondary="5545")), "table-totals")
    assert [(f.severity, f.locations[0].cell) for f in fs] == [("error", "D10")]
    assert cells(fs[0]) == {"D10", "D11", "D12", "D13"}
    assert "in 7 of the table's other 7 rows" in fs[0].message  # 3 years x 2 counts + headcount 201516


def test_parts_short_of_their_total_are_a_warning(tmp_path: Path) -> None:
    # Total 6885 against parts 6680: a part may be missing from the table, so not provable.
    # 6885 / 7916225 = 0.0870 -> 0.09, so the total's rate still re-derives.
    fs = found(run(tmp_path, exclusions=admin(total="6885", total_rate="0.09")), "table-totals")
    assert [(f.severity, f.locations[0].cell) for f in fs] == [("warning", "D10")]


def test_a_category_shown_in_one_year_counts_towards_its_total(tmp_path: Path) -> None:
    # 201415 gains a 'dummy' row of 20: 915 + 4785 + 90 + 20 = 5810 v 5815 (within rounding);
    # without it the other parts fall 25 short, which is not an error.
    text = admin().replace('"201415","Total","7799005","5795","0.07"', '"201415","Total","7799005","5815","0.07"')
    text += '"201415","dummy","0","20","."\n'
    assert found(run(tmp_path, exclusions=text), "table-totals") == []


def test_a_year_missing_a_part_is_not_an_error(tmp_path: Path) -> None:
    # 201415 without its special row: 915 + 4785 = 5700 v 5795; the parts listed are not all.
    text = admin().replace('"201415","special","103970","90","0.09"\n', "")
    assert found(run(tmp_path, exclusions=text), "table-totals") == []


# Counts by sex with a Total column (whole numbers reaching 100: counts).
BY_SEX = """\
"Year","Men","Women","Total"
"2019",1520,1687,3207
"2020",1544,1702,3246
"2021",1561,1733,3294
"2022",1580,1750,{total}
"""


@pytest.mark.parametrize(("total", "severity"), [("3330", None), ("3230", "error"), ("3430", "warning")])
def test_total_column_of_counts(tmp_path: Path, total: str, severity: str | None) -> None:
    fs = found(run(tmp_path, by_sex=BY_SEX.format(total=total)), "table-totals")
    assert [(f.severity, f.locations[0].cell) for f in fs] == ([(severity, "D5")] if severity else [])


# Good level of development: the All pupils rate is a weighted mean of the two groups' rates.
BY_FSM = """\
"School year","FSM-eligible pupils (%)","Non-eligible pupils (%)","All pupils (%)"
"2023/24",52,72,68
"2022/23",52,72,67
"2021/22",49,70,65
"2018/19",57,74,72
"2017/18",56,73,{all}
"""


@pytest.mark.parametrize(("all_", "severity"), [("71", None), ("73", None), ("75", "warning"), ("55", None), ("54", "warning")])
def test_total_rate_lies_within_its_parts(tmp_path: Path, all_: str, severity: str | None) -> None:
    # 2017/18: the parts stand for [55.5, 73.5). 73 ([72.5, 73.5)) and 55 ([54.5, 55.5)) meet it
    # (55 only touches); 75 and 54 do not.
    fs = found(run(tmp_path, gld=BY_FSM.format(all=all_)), "table-totals")
    assert [f.severity for f in fs] == ([severity] if severity else [])


# --------------------------------------------------------------------------- table-rates


def test_rate_that_does_not_follow_from_its_counts_is_an_error(tmp_path: Path) -> None:
    # 5445 / 3193420 x 100 = 0.1705 (at most 5447.5 / 3193417.5 = 0.1706), printed 0.19.
    fs = found(run(tmp_path, exclusions=admin(secondary_rate="0.19")), "table-rates")
    assert [(f.severity, f.locations[0].cell) for f in fs] == [("error", "E12")]
    assert cells(fs[0]) == {"E12", "D12", "C12"}
    assert "in 15 of the table's 16 rows" in fs[0].message


SUSPENSIONS = """\
"year","school_type","headcount","susp","susp_rate"
"2015","special","90685","6260","{rate}"
"2015","secondary","101385","5005","4.94"
"2016","special","91035","6370","7"
"2016","secondary","102015","5105","5"
"2017","special","92505","6475","7"
"2017","secondary","105015","5255","5"
"""


@pytest.mark.parametrize(("rate", "severity"), [("6.91", None), ("6.9", None), ("6.95", "error")])
def test_rate_from_counts_rounded_to_5(tmp_path: Path, rate: str, severity: str | None) -> None:
    # 6260 / 90685 = 6.9030, but both counts are rounded to 5: 6262.5 / 90682.5 = 6.9059
    # reaches 6.91's [6.905, 6.915). 6.95 ([6.945, 6.955)) is beyond 6.9059.
    fs = found(run(tmp_path, susp=SUSPENSIONS.format(rate=rate)), "table-rates")
    assert [f.severity for f in fs] == ([severity] if severity else [])


INFERRED = """\
"Area","Pupils","Exclusions","Excluded (%)"
"A","1,013","51","5.0"
"B","2,017","61","3.0"
"C","4,009","101","2.5"
"D","503","40","8.0"
"E","811","20","2.5"
"F","1,607","48","{rate}"
"""


@pytest.mark.parametrize(("rate", "severity"), [("3.0", None), ("4.0", "warning")])
def test_rate_inferred_from_the_other_rows_warns(tmp_path: Path, rate: str, severity: str | None) -> None:
    # No count is named 'Excluded': 51/1013 = 5.03, 61/2017 = 3.02, 101/4009 = 2.52, 40/503 = 7.95,
    # 20/811 = 2.47 all round to the printed rate, so the relation is inferred; 48/1607 = 2.99.
    fs = found(run(tmp_path, inferred=INFERRED.format(rate=rate)), "table-rates")
    assert [(f.severity, f.locations[0].cell) for f in fs] == ([(severity, "D7")] if severity else [])


# --------------------------------------------------------------------------- table-outlier

DEGREES = """\
"Socio-economic background","First degree (%)","Higher degree (%)","First or higher degree (%)"
"Higher professional",45.274,24.735,70.009
"Lower professional",45.344,18.324,63.668
"Intermediate",38.476,13.727,52.203
"Higher working",27.476,16.265,43.741
"Lower working",24.093,8.187,{both}
"""


@pytest.mark.parametrize(("both", "severity"), [("32.28", None), ("32.281", None), ("33.28", "warning")])
def test_identity_holding_in_every_other_row(tmp_path: Path, both: str, severity: str | None) -> None:
    # 24.093 + 8.187 = 32.280 (interval [32.279, 32.281)); 32.281 touches it; 33.28 does not.
    fs = found(run(tmp_path, degrees=DEGREES.format(both=both)), "table-outlier")
    assert [(f.severity, f.locations[0].cell) for f in fs] == ([(severity, "D6")] if severity else [])
    if severity:
        assert "in 4 of the table's 5 rows" in fs[0].message


def test_coincidences_within_wide_rounding_are_not_identities(tmp_path: Path) -> None:
    # Small whole numbers: 2 + 3 ~ 4 within +/-1.5 holds by the width of the rounding alone.
    table = '"Group","A (%)","B (%)","C (%)"\n' + "".join(
        f'"{g}",{a},{b},{c}\n' for g, a, b, c in
        [("g1", 2, 3, 4), ("g2", 1, 3, 5), ("g3", 2, 2, 4), ("g4", 3, 1, 4), ("g5", 2, 2, 9)])  # fmt: skip
    assert found(run(tmp_path, small=table), "table-outlier") == []


# --------------------------------------------------------------------------- table_roles


def _tables(text: bytes, roles: dict):  # type: ignore[no-untyped-def,type-arg]
    from pubcheck.documents.sheets import to_document
    from pubcheck.figures.tidy import tidy_document

    return tidy_document(to_document(Path("c.csv"), "c.csv", text), roles=roles)


def test_declared_total_is_checked_from_one_row() -> None:
    from pubcheck.publication.rules.table_checks import total_findings

    roles = {"totals": {"column": "United Kingdom"}}
    text = b'"Year","England","Wales","United Kingdom"\n"2020",{e},1013,6120\n'
    assert _tables(text.replace(b"{e}", b"5107"), roles)[0].total_label("column") == "United Kingdom"
    assert list(total_findings(_tables(text.replace(b"{e}", b"5107"), roles), roles)) == []
    # 5117 + 1013 = 6130 > 6120 (exact counts): declared, so an error from a single row
    assert [f.severity for f in total_findings(_tables(text.replace(b"{e}", b"5117"), roles), roles)] == ["error"]
    # undeclared, 'United Kingdom' is no total: nothing to check
    assert list(total_findings(_tables(text.replace(b"{e}", b"5117"), {}), {})) == []


def test_declared_partition_is_checked_from_one_row() -> None:
    from pubcheck.publication.rules.table_checks import share_findings

    roles = {"partitions": ["column"]}
    text = b'"Year","Yes (%)","No (%)"\n"2020",40,{no}\n'
    # 40 + 61 = 101 stands for [100, 102): reaches 100
    assert list(share_findings(_tables(text.replace(b"{no}", b"61"), roles), roles)) == []
    # 40 + 64 = 104 stands for [103, 105): three points beyond
    assert [f.severity for f in share_findings(_tables(text.replace(b"{no}", b"64"), roles), roles)] == ["error"]
    assert list(share_findings(_tables(text.replace(b"{no}", b"64"), {}), {})) == []


def test_declared_rate_is_checked_from_one_row() -> None:
    from pubcheck.publication.rules.table_checks import rate_findings

    roles = {"rates": [{"rate": "r", "numerator": "n", "denominator": "d", "per": 100}]}
    text = b'"Year","n","d","r","other"\n"2020",5,200,{r},7\n'
    # r = 5 / 200 x 100 = 2.5; a printed 3 stands for [2.5, 3.5), which touches it
    assert list(rate_findings(_tables(text.replace(b"{r}", b"3"), roles), roles)) == []
    assert [f.severity for f in rate_findings(_tables(text.replace(b"{r}", b"4"), roles), roles)] == ["error"]


def test_total_row_of_the_one_label_column(tmp_path: Path) -> None:
    # Machine-written counts (no thousands separators) are not read by table-identity, so
    # table-totals sums them: 1200 + 1467 = 2667 exceeds a printed 2567 -> one row, a warning
    # only (its parts may be subtotals of each other); a shortfall from one row says nothing.
    fs = found(run(tmp_path, c='"Group","Households"\n"Men",1200\n"Women",1467\n"All",2567\n'), "table-totals")
    assert [(f.severity, f.locations[0].cell) for f in fs] == [("warning", "B4")]
    assert found(run(tmp_path, c='"Group","Households"\n"Men",1200\n"Women",1467\n"All",2767\n'), "table-totals") == []


def test_typeset_total_row_is_left_to_table_identity(tmp_path: Path) -> None:
    # '1,200 + 1,467' against '2,767' in a typeset table: table-identity's error, no second finding.
    (tmp_path / "t.txt").write_text("Table 1. Households\n\nGroup\tNumber\nMen\t1,200\nWomen\t1,467\nAll\t2,767\n",
                                    encoding="utf-8")  # fmt: skip
    r = check(tmp_path)
    assert [f.check for f in r.findings if f.severity in ("error", "warning")] == ["table-identity"]


def test_subtotals_among_the_parts_are_no_error(tmp_path: Path) -> None:
    # England and its regions are both listed under the Total: the parts exceed it in every
    # year, so 'parts sum to the total' is not this table's relation and nothing is reported.
    table = '"Year","Area","Households"\n' + "".join(
        f'"{y}","{a}",{n}\n' for y, rows in [
            ("2019", [("England", 2300), ("North", 1000), ("South", 1300), ("Wales", 400), ("Total", 2700)]),
            ("2020", [("England", 2350), ("North", 1020), ("South", 1330), ("Wales", 410), ("Total", 2760)]),
            ("2021", [("England", 2390), ("North", 1040), ("South", 1350), ("Wales", 415), ("Total", 2805)]),
            ("2022", [("England", 2420), ("North", 1050), ("South", 1370), ("Wales", 420), ("Total", 2840)]),
        ] for a, n in rows)  # fmt: skip
    assert found(run(tmp_path, areas=table), "table-totals") == []


def test_a_column_that_mixes_precisions_never_fails(tmp_path: Path) -> None:
    # Rates printed to 2 dp in some rows and 1 dp in others: 86415 / 474475 = 18.213 prints 18.2,
    # which is wrong only if read as 18.20. The rules use what is printed: silent.
    table = '"year","group","headcount","events","events_rate"\n' + "".join(
        f'"{y}","{g}","{h}","{e}","{r}"\n' for y, g, h, e, r in [
            ("2010", "Total", 26045, 1610, "6.18"), ("2010", "A", 12205, 1585, "12.99"), ("2010", "B", 13840, 25, "0.18"),
            ("2011", "Total", 474475, 86415, "18.2"), ("2011", "A", 360415, 69850, "19.4"), ("2011", "B", 114060, 16565, "14.5"),
            ("2012", "Total", 630980, 100755, "15.97"), ("2012", "A", 400900, 75305, "18.78"), ("2012", "B", 230080, 25450, "11.06"),
            ("2013", "Total", 631668, 72024, "11.4"), ("2013", "A", 401117, 52013, "12.97"), ("2013", "B", 230551, 20011, "8.68"),
            ("2014", "Total", 639218, 72536, "11.35"), ("2014", "A", 398211, 50317, "12.64"), ("2014", "B", 241007, 22219, "9.22"),
        ])  # fmt: skip
    # read as 2 dp, 2011's three rates would fail where the other twelve rows hold
    assert found(run(tmp_path, mixed=table), "table-rates") == []


# 3,200 + 1,467 + 1,810 + 345 = 6,822 (exact counts). Shares of the total: 3,200 / 6,822 = 46.907,
# 1,467 / 6,822 = 21.504, 1,810 / 6,822 = 26.532, 345 / 6,822 = 5.057; printed to 1 dp.
NUMBER_PERCENT = """\
"Household type","Number","Per cent"
"Couple","3,200",46.9
"Lone parent","1,467",{lone}
"Single","1,810",26.5
"Other","345",5.1
"All households","6,822",100
"""


@pytest.mark.parametrize(("lone", "severity"), [("21.5", None), ("23.5", "warning")])
def test_per_cent_is_the_count_s_share_of_the_total(tmp_path: Path, lone: str, severity: str | None) -> None:
    r = run(tmp_path, households=NUMBER_PERCENT.format(lone=lone))
    fs = found(r, "table-rates")
    assert [(f.severity, f.locations[0].cell) for f in fs] == ([(severity, "C3")] if severity else [])
    # the 100 of the total row is the whole of the shares, not a rate outside its parts' range
    assert [f for f in r.findings if f.severity == "error"] == []


def test_steady_rates_adding_to_about_100_prove_no_error(tmp_path: Path) -> None:
    # Three whole-number rates that barely move add to 99..101 in four years and to 105 in
    # the fifth: 3.5 points beyond rounding, but the parts move by at most 2 points where
    # they hold (less than twice the sum's width of 3), so this may be three separate rates
    # that happen to add to about 100: a warning, not an error.
    table = '"Year","Agree X (%)","Agree Y (%)","Agree Z (%)"\n' + "".join(
        f'"{y}",{a},{b},{c}\n' for y, a, b, c in
        [(2019, 40, 35, 25), (2020, 41, 34, 25), (2021, 40, 36, 25), (2022, 40, 35, 24), (2023, 44, 35, 26)])  # fmt: skip
    fs = found(run(tmp_path, steady=table), "table-shares")
    assert [(f.severity, f.locations[0].cell) for f in fs] == [("warning", "B6")]


def test_a_total_the_labels_do_not_name(tmp_path: Path) -> None:
    # The United Kingdom is the sum of its countries in every year but 2022 (exact counts):
    # 2022: 5,210 + 301 + 512 + 190 = 6,213, printed 6,313.
    rows = [(2018, 5012, 290, 497, 181), (2019, 5077, 293, 501, 183), (2020, 5121, 296, 505, 186),
            (2021, 5170, 299, 509, 188), (2022, 5210, 301, 512, 190)]  # fmt: skip
    table = '"Year","England","Wales","Scotland","Northern Ireland","United Kingdom"\n' + "".join(
        f'"{y}",{a},{b},{c},{d},{a + b + c + d + (100 if y == 2022 else 0)}\n' for y, a, b, c, d in rows)
    fs = found(run(tmp_path, uk=table), "table-outlier")
    assert [(f.severity, f.locations[0].cell) for f in fs] == [("warning", "F6")]
    assert "the sum of the others" in fs[0].message


def test_two_tables_with_one_id_keep_their_own_cells() -> None:
    from pubcheck.documents.load import Document
    from pubcheck.figures.extract import extract
    from pubcheck.publication.corpus import Corpus

    doc = Document("spec.txt", ["Table 1: Pupils", "Group\tN", "A\t10", "B\t20", "",
                                "Table 1: Pupils (continued)", "Group\tN", "C\t30", "D\t40", "E\t50"], "")  # fmt: skip
    ex = extract(doc)
    corpus = Corpus([ex])
    one, two = ex.tables
    assert one.id == two.id == "Table 1"
    assert [f.text for f in corpus.table_cells(ex, one)] == ["10", "20"]
    assert [f.text for f in corpus.table_cells(ex, two)] == ["30", "40", "50"]
    assert corpus.table_cells(ex, two) is corpus.table_cells(ex, two)  # grouped once
