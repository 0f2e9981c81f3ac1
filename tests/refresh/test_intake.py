"""Intake: structure checks on hand-written specimens of the reoffending extract."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pubcheck.refresh.intake import intake_file, intake_folder

HEADER = "offender_id,cohort,cohort_group,age_at_index,index_date,index_disposal,reoffended,n_reoffences,reoffence_code"
ROWS = [
    "O000000001,2010,adult,30,2010-03-01,caution,true,2,0101",
    "O000000002,2010,youth,16,2010-05-01,reprimand_warning,false,0,",
    "O000000003,2010-04/2011-03,adult,45,2010-06-01,court_conviction,false,0,",
    "O000000004,2010,adult,52,2010-07-01,custody_release,true,1,812A",
]


def _csv(tmp_path: Path, lines: list[str], name: str = "reoffending.csv", raw: bytes | None = None) -> Path:
    p = tmp_path / name
    p.write_bytes(raw if raw is not None else ("\n".join(lines) + "\n").encode())
    return p


def _types(res) -> list[str]:
    return [f.message.split(": ", 1)[1].split(" ")[0].rstrip(":") for f in res.findings]


def test_clean_csv_has_no_findings(tmp_path: Path) -> None:
    res = intake_file(_csv(tmp_path, [HEADER, *ROWS]), "reoffending")
    assert res.findings == []
    assert res.rows_checked == 4 and not res.sampled


def test_latin1_byte_is_an_encoding_error_with_its_line(tmp_path: Path) -> None:
    data = ("\n".join([HEADER, *ROWS]) + "\n").encode().replace(b"0101", b"caf\xe9")
    res = intake_file(_csv(tmp_path, [], raw=data), "reoffending")
    enc = [f for f in res.findings if "encoding-error" in f.message]
    assert len(enc) == 1 and enc[0].severity == "error"
    assert "reoffending.csv" in enc[0].message and enc[0].locations[0].line == 2


def test_blank_row_is_reported_at_its_line(tmp_path: Path) -> None:
    res = intake_file(_csv(tmp_path, [HEADER, ROWS[0], "", *ROWS[1:]]), "reoffending")
    blank = [f for f in res.findings if "blank-row" in f.message]
    assert [f.locations[0].line for f in blank] == [3]
    assert blank[0].severity == "warning"


def test_duplicated_row(tmp_path: Path) -> None:
    res = intake_file(_csv(tmp_path, [HEADER, *ROWS, ROWS[1]]), "reoffending")
    dup = [f for f in res.findings if "duplicate-row" in f.message]
    assert [f.locations[0].line for f in dup] == [6]


def test_extra_column_is_named(tmp_path: Path) -> None:
    lines = [HEADER + ",postcode", *(r + ",AB1" for r in ROWS)]
    res = intake_file(_csv(tmp_path, lines), "reoffending")
    assert _types(res) == ["extra-label"]
    assert res.findings[0].locations[0].cell == "postcode" and "postcode" in res.findings[0].message


def test_missing_column(tmp_path: Path) -> None:
    lines = [",".join(x.split(",")[:-1]) for x in [HEADER, *ROWS]]
    res = intake_file(_csv(tmp_path, lines), "reoffending")
    assert _types(res) == ["missing-label"]
    assert res.findings[0].locations[0].cell == "reoffence_code"


def test_value_that_does_not_parse(tmp_path: Path) -> None:
    rows = list(ROWS)
    rows[2] = rows[2].replace(",45,", ",abc,")
    res = intake_file(_csv(tmp_path, [HEADER, *rows]), "reoffending")
    assert _types(res) == ["type-error"]
    loc = res.findings[0].locations[0]
    assert (loc.line, loc.cell) == (4, "age_at_index") and "abc" in res.findings[0].message
    assert loc.quote.startswith("O000000003")


def test_file_cut_short_is_one_error_naming_the_cause(tmp_path: Path) -> None:
    """Not one missing-cell per cell, one required value per cell and a no-final-newline
    warning last: one error, the file cut short, at its last line."""
    text = "\n".join([HEADER, *ROWS])
    res = intake_file(_csv(tmp_path, [], raw=text[: text.rindex("2010-07") + 6].encode()), "reoffending")
    assert len(res.findings) == 1
    (f,) = res.findings
    assert f.severity == "error" and f.locations[0].line == 5
    assert "truncated: the file is cut short: its last line (5) ends after 5 of 9 cells with no line end" in f.message


def test_a_short_row_in_the_middle_is_one_finding(tmp_path: Path) -> None:
    rows = list(ROWS)
    rows[1] = "O000000002,2010,youth"
    res = intake_file(_csv(tmp_path, [HEADER, *rows]), "reoffending")
    assert [(f.severity, f.locations[0].line) for f in res.findings] == [("error", 3)]
    assert "missing-cell: line 3 has 3 of 9 cells" in res.findings[0].message


def test_many_errors_are_grouped(tmp_path: Path) -> None:
    """Thirty values that do not parse in one column: one finding with the count and examples,
    in words (not frictionless's 'type is "integer/default"')."""
    rows = [f"O{i:09d},2010,adult,x{i},2010-03-01,caution,false,0," for i in range(30)]
    res = intake_file(_csv(tmp_path, [HEADER, *rows]), "reoffending")
    assert len(res.findings) == 1
    f = res.findings[0]
    assert "type-error at column 'age_at_index': 30 values are not a whole number (lines 2-31)" in f.message
    assert f.found.startswith("'x0' (line 2); 'x1' (line 3)") and f.found.endswith("and 25 more")
    assert "default" not in f.message + f.found + f.expected


def test_wrong_encoding_is_one_error_naming_the_cause(tmp_path: Path) -> None:
    """Latin-1 pound signs before every amount: one error (the encoding, with what the byte is
    in Latin-1), not one per value that then fails to parse."""
    head = "deal_id,year,amount_gbp,region"
    rows = [f"D{i:07d},2009,\u00a3{100 + i}.5,S92000003" for i in range(30)]
    res = intake_file(_csv(tmp_path, [], name="social_investment.csv",
                           raw=("\n".join([head, *rows]) + "\n").encode("latin-1")), "social_investment")  # fmt: skip
    assert len(res.findings) == 1
    f = res.findings[0]
    assert f.severity == "error" and f.locations[0].line == 2
    assert "not UTF-8: 30 lines hold bytes that are not UTF-8, first line 2 in column 'amount_gbp'" in f.message
    assert "'£' in Latin-1" in f.message and "30 values that do not parse because of them" in f.message


def _table(extra: bool = False) -> pa.Table:
    cols = {n: [r.split(",")[i] or None for r in ROWS] for i, n in enumerate(HEADER.split(","))}
    t = pa.table(cols)
    for n, typ in [
        ("age_at_index", pa.int64()),
        ("n_reoffences", pa.int64()),
        ("reoffended", pa.bool_()),
        ("index_date", pa.date32()),
    ]:
        t = t.set_column(t.schema.get_field_index(n), n, t[n].cast(typ))
    return t.append_column("postcode", pa.array(["AB1"] * 4)) if extra else t


def test_parquet_clean_truncated_and_extra(tmp_path: Path) -> None:
    p = tmp_path / "reoffending.parquet"
    pq.write_table(_table(), p)
    assert intake_file(p, "reoffending").findings == []
    data = p.read_bytes()
    p.write_bytes(data[: len(data) // 2])
    res = intake_file(p, "reoffending")
    assert len(res.findings) == 1 and "format-error" in res.findings[0].message
    pq.write_table(_table(extra=True), p)
    res = intake_file(p, "reoffending")
    assert _types(res) == ["extra-label"] and res.findings[0].locations[0].cell == "postcode"


def test_xlsx_type_error_has_row(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "data"
    ws.append(HEADER.split(","))
    for r in ROWS:
        cells: list[object] = [c or None for c in r.split(",")]
        cells[3] = int(cells[3])  # type: ignore[arg-type]
        cells[7] = int(cells[7])  # type: ignore[arg-type]
        ws.append(cells)
    ws["D3"] = "abc"
    p = tmp_path / "reoffending.xlsx"
    wb.save(p)
    res = intake_file(p, "reoffending")
    te = [f for f in res.findings if "type-error" in f.message and "age_at_index" in f.message]
    assert len(te) == 1
    loc = te[0].locations[0]
    assert (loc.line, loc.sheet, loc.cell) == (3, "data", "D3")


def test_limit_rows_samples(tmp_path: Path) -> None:
    rows = [f"O{i:09d},2010,adult,30,2010-03-01,caution,false,0," for i in range(1000)]
    res = intake_file(_csv(tmp_path, [HEADER, *rows]), "reoffending", limit_rows=100)
    assert res.sampled and res.rows_checked == 100 and res.findings == []


def test_never_raises_and_folder(tmp_path: Path) -> None:
    _csv(tmp_path, [HEADER, *ROWS])
    (tmp_path / "other.csv").write_text("a,b\n1,2\n")
    (tmp_path / "notes.txt").write_text("ignored")
    results = intake_folder(tmp_path)
    assert [(r.path.name, r.stem) for r in results] == [("other.csv", None), ("reoffending.csv", "reoffending")]
    assert all(r.findings == [] for r in results)
    res = intake_file(tmp_path / "missing.csv", "reoffending")
    assert len(res.findings) == 1 and "intake stopped" in res.findings[0].message
