"""Extract contracts: the pandera declarations compiled to polars (src/pubcheck/extracts/contracts/).

Valid specimens are small frames written here by hand, one per contract, satisfying every
rule; the broken specimens are tiny hand-written CSV files in fixtures/broken/. Each broken
specimen must give exactly the finding written next to it (rule, column, line) and never a
traceback.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandera.polars as pa
import polars as pl
import pytest

from pubcheck.extracts.contracts import (
    CONTRACT,
    STRUCTURE,
    UNREADABLE,
    CompiledRule,
    ContractResult,
    compile_contract,
    compile_schema,
    execute,
    find_extracts,
    load_extract,
    read,
    validate_extract,
)
from pubcheck.extracts.contracts import compile as compile_mod
from pubcheck.model import Finding
from schemas.extracts import CONTRACTS, RULES, schema_for

ROOT = Path(__file__).resolve().parents[2]
BROKEN = ROOT / "fixtures" / "broken"
D = dt.date

# ------------------------------------------------------------------------------------- valid specimens

VALID: dict[str, pl.DataFrame] = {
    "pupils": pl.DataFrame({
        "pupil_id": ["P000000001", "P000000002", "P000000001", "P000000003"],
        "academic_year": ["2010-11", "2010-11", "2015-16", "2012-13"],
        "key_stage": ["KS2", "KS2", "KS4", "KS4"],
        "fsm": [True, False, True, False],
        "achieved": [False, True, True, False],
        "la_code": ["201", "202", "201", "935"],
    }),
    "reoffending": pl.DataFrame({
        "offender_id": ["O000000001", "O000000002", "O000000003", "O000000001"],
        "cohort": ["2010", "2010-04/2011-03", "2009", "2009"],
        "cohort_group": ["youth", "adult", "adult", "youth"],
        "age_at_index": [15, 34, 52, 14],
        "index_date": [D(2010, 5, 1), D(2011, 2, 10), D(2009, 12, 31), D(2009, 1, 1)],
        "index_disposal": ["reprimand_warning", "caution", "positive_drug_test", "court_conviction"],
        "reoffended": [True, False, True, False],
        "n_reoffences": [2, 0, 1, 0],
        "reoffence_code": ["101A", None, "1402", None],
    }),
    "treatment": pl.DataFrame({
        "client_id": ["C000000001", "C000000002", "C000000003"],
        "cohort": ["2009-12", "2009-12", "2010-13"],
        "substance": ["drug", "alcohol", "drug"],
        "first_presented": [D(2009, 6, 1), D(2011, 3, 31), D(2010, 4, 1)],
        "exit_date": [D(2010, 1, 15), None, D(2013, 3, 31)],
        "exit_reason": ["successful", None, "dropped_out"],
        "re_presented": [False, True, False],
    }),
    "benefits": pl.DataFrame({
        "claim_id": ["B0000000001", "B0000000002", "B0000000003"],
        "reference_date": [D(2011, 3, 31), D(2011, 3, 31), D(2012, 3, 31)],
        "claimant_age": [16, 41, 64],
        "benefit": ["JSA", "ESA_SUPPORT", "IS_LONE_PARENT"],
        "months_on_benefit_48": [0, 48, 13],
        "joint_claim": [False, True, False],
    }),
    "population": pl.DataFrame({
        "year": [2009, 2010, 2011],
        "population_22_59": [30_100_000, 30_250_000, 30_400_000],
    }),
    "children": pl.DataFrame({
        "child_id": ["K000000001", "K000000002", "K000000003", "K000000004", "K000000005"],
        "age": [0, 7, 12, 16, 3],
        "both_birth_parents": [True, True, False, True, True],  # no_answer: 1 of 4 <= 30 per cent
        "income_group": ["bottom_20", "middle_high", "middle_high", "bottom_20", "middle_high"],
        "relationship_happiness": ["happy", "no_answer", None, "unhappy", "happy"],
        "weight": [1.25, 0.5, 100.0, 2.0, 1.0],
    }),
    "offender_employment": pl.DataFrame({
        "offender_id": ["O000000001", "O000000002"],
        "release_year": [2008, 2008],
        "in_p45_employment_12m": [True, False],
    }),
    "social_investment": pl.DataFrame({
        "deal_id": ["D0000001", "D0000002", "D0000003"],
        "year": [2011, 2012, 2012],
        "amount_gbp": [250_000.0, 1_000_000.0, 75_000.5],
        "region": ["E12000001", "W92000004", "N92000002"],
    }),
}  # fmt: skip


def write(df: pl.DataFrame, directory: Path, stem: str, fmt: str) -> Path:
    path = directory / f"{stem}.{fmt}"
    if fmt == "parquet":
        df.write_parquet(path)
    else:
        df.write_csv(path)
    return path


def only(result: ContractResult) -> tuple[str, Finding]:
    """The one finding of a result, with its rule key."""
    assert len(result.findings) == 1, [f.message for f in result.findings]
    assert len(result.by_rule) == 1, list(result.by_rule)
    ((key, finding),) = result.by_rule.items()
    assert finding is result.findings[0]
    return key, finding


def test_every_contract_has_a_valid_specimen() -> None:
    assert set(VALID) == set(CONTRACTS)
    for stem, df in VALID.items():
        assert df.columns == list(schema_for(stem).columns), stem


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
@pytest.mark.parametrize("stem", sorted(VALID))
def test_valid_specimen_has_no_findings(tmp_path: Path, stem: str, fmt: str) -> None:
    path = write(VALID[stem], tmp_path, stem, fmt)
    result = validate_extract(path, stem)
    assert result.findings == []
    assert result.rows == VALID[stem].height
    assert result.counts and not any(result.counts.values())
    assert result.seconds > 0


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
@pytest.mark.parametrize("stem", sorted(VALID))
def test_pandera_agrees_the_valid_specimens_are_valid(tmp_path: Path, stem: str, fmt: str) -> None:
    """The specimens are valid by pandera's own reading too, and load_extract gives the
    declared dtypes (the CSV parsed back to them)."""
    lf, findings = load_extract(write(VALID[stem], tmp_path, stem, fmt), stem)
    assert findings == [] and lf is not None
    df = lf.collect()
    schema_for(stem).validate(df, lazy=True)
    assert df.equals(VALID[stem])


def test_find_extracts_prefers_parquet(tmp_path: Path) -> None:
    write(VALID["population"], tmp_path, "population", "csv")
    write(VALID["population"], tmp_path, "population", "parquet")
    write(VALID["children"], tmp_path, "children", "csv")
    (tmp_path / "unknown.csv").write_text("a\n1\n", encoding="utf-8")
    assert find_extracts(tmp_path) == {"population": tmp_path / "population.parquet",
                                       "children": tmp_path / "children.csv"}  # fmt: skip
    assert find_extracts(tmp_path / "nowhere") == {}


# ------------------------------------------------------------------------------------- broken specimens

# file in fixtures/broken, contract, rule key, check, line of the bad row, words the message must hold
BROKEN_CASES = [
    ("reoffending-duplicate-id.csv", "reoffending", "unique-key", CONTRACT, 5, ["offender_id", "cohort"]),
    ("reoffending-age-out-of-range.csv", "reoffending", "range:age_at_index", CONTRACT, 3,
     ["column age_at_index", "10 <= age_at_index <= 100", "1 of 3 rows"]),
    ("reoffending-date-outside-cohort.csv", "reoffending", "index-date-in-cohort", CONTRACT, 4,
     ["index_date", "cohort", "1 of 4 rows"]),
    ("reoffending-reoffences-mismatch.csv", "reoffending", "reoffences-match-flag", CONTRACT, 3,
     ["n_reoffences", "reoffended"]),
    ("benefits-unknown-code.csv", "benefits", "allowed-values:benefit", CONTRACT, 4, ["column benefit"]),
    ("children-missing-happiness.csv", "children", "happiness-missing-share-at-most-30pc", CONTRACT, 0,
     ["share 0.4 (2 of 5), bound 0.3"]),
    ("reoffending-text-in-int.csv", "reoffending", "dtype:age_at_index", STRUCTURE, 3,
     ["column age_at_index", "not valid Int64"]),
    ("reoffending-truncated.csv", "reoffending", "truncated", UNREADABLE, 5, ["cut short"]),
    ("reoffending-ragged.csv", "reoffending", "ragged-row", UNREADABLE, 3, ["wrong number of fields"]),
    ("reoffending-latin1.csv", "reoffending", "encoding", UNREADABLE, 3, ["not UTF-8"]),
]  # fmt: skip


@pytest.mark.parametrize(("name", "stem", "key", "check", "line", "words"), BROKEN_CASES,
                         ids=[c[0] for c in BROKEN_CASES])  # fmt: skip
def test_broken_csv_gives_exactly_its_finding(name: str, stem: str, key: str, check: str, line: int,
                                              words: list[str]) -> None:  # fmt: skip
    path = BROKEN / name
    result = validate_extract(path, stem)
    got, finding = only(result)
    assert got == key
    assert finding.check == check and finding.severity == "error"
    assert finding.message.startswith(f"{name}: ")
    for w in words:
        assert w in finding.message
    (loc,) = finding.locations
    assert loc.document == str(path) and loc.line == line
    if line:  # the bad row is quoted
        assert loc.quote and (f"line {line}" in finding.found or check == UNREADABLE)


def test_broken_specimens_are_tiny_and_all_used() -> None:
    files = sorted(p.name for p in BROKEN.glob("*.csv"))
    assert files == sorted(c[0] for c in BROKEN_CASES)
    for p in BROKEN.glob("*.csv"):
        assert 3 <= len(p.read_bytes().splitlines()) <= 7, p.name


def test_finding_quotes_the_failing_row_and_sample_values() -> None:
    result = validate_extract(BROKEN / "reoffending-age-out-of-range.csv", "reoffending")
    (f,) = result.findings
    assert f.found == "age_at_index=7 (line 3)"
    assert f.locations[0].cell == "age_at_index"
    assert f.locations[0].quote.startswith("offender_id=O000000002, cohort=2010, cohort_group=youth, age_at_index=7,")
    assert f.expected == "greater_than_or_equal_to(10), less_than_or_equal_to(100)"
    assert "pandera agrees" in f.message
    assert result.counts["range:age_at_index"] == 1


def test_duplicate_names_the_first_occurrence() -> None:
    (f,) = validate_extract(BROKEN / "reoffending-duplicate-id.csv", "reoffending").findings
    assert f.found == "offender_id=O000000001, cohort=2010 (line 5, first at line 2)"


def test_text_in_an_int_column_is_reported_not_coerced() -> None:
    path = BROKEN / "reoffending-text-in-int.csv"
    (f,) = validate_extract(path, "reoffending").findings
    assert f.found == "age_at_index='abc' (line 3)"
    lf, findings = load_extract(path, "reoffending")  # structure is fine: the value is the problem
    assert findings == [] and lf is not None
    with pytest.raises(pl.exceptions.PolarsError):  # strict: collecting does not make 'abc' a silent null
        lf.collect()


def test_encoding_finding_shows_the_bytes() -> None:
    (f,) = validate_extract(BROKEN / "reoffending-latin1.csv", "reoffending").findings
    assert r"cauti\xf3n" in f.found


@pytest.mark.parametrize(("name", "stem", "key", "line"), [
    ("reoffending-duplicate-id.csv", "reoffending", "unique-key", 4),
    ("reoffending-age-out-of-range.csv", "reoffending", "range:age_at_index", 2),
    ("reoffending-date-outside-cohort.csv", "reoffending", "index-date-in-cohort", 3),
    ("reoffending-reoffences-mismatch.csv", "reoffending", "reoffences-match-flag", 2),
    ("benefits-unknown-code.csv", "benefits", "allowed-values:benefit", 3),
    ("children-missing-happiness.csv", "children", "happiness-missing-share-at-most-30pc", 0),
])  # fmt: skip
def test_same_breaks_in_parquet(tmp_path: Path, name: str, stem: str, key: str, line: int) -> None:
    """The value-level specimens as Parquet: same finding; the line is the 1-based row."""
    lf, findings = load_extract(BROKEN / name, stem)
    assert findings == [] and lf is not None
    path = tmp_path / f"{stem}.parquet"
    lf.collect().write_parquet(path)
    got, finding = only(validate_extract(path, stem))
    assert got == key and finding.locations[0].line == line
    if line:
        assert f"row {line}" in finding.found


def test_parquet_string_column_where_int_declared(tmp_path: Path) -> None:
    df = VALID["reoffending"].with_columns(pl.Series("age_at_index", ["15", "34", "abc", "14"]))
    path = write(df, tmp_path, "reoffending", "parquet")
    result = validate_extract(path, "reoffending")
    key, f = only(result)
    assert key == "dtype:age_at_index" and f.check == STRUCTURE
    assert "the file has String, the contract declares Int64" in f.message
    assert "1 of 4 values are not valid Int64" in f.message
    assert f.found == "age_at_index='abc' (row 3)" and f.locations[0].line == 3
    lf, findings = load_extract(path, "reoffending")
    assert [x.message for x in findings] == ["reoffending.parquet: column age_at_index: dtype: the file has "
                                             "String, the contract declares Int64"]  # fmt: skip


def test_parquet_int32_where_int64_declared(tmp_path: Path) -> None:
    """pandera's coerce=False: a narrower integer type is a wrong type even if every value fits."""
    df = VALID["population"].with_columns(pl.col("year").cast(pl.Int32))
    key, f = only(validate_extract(write(df, tmp_path, "population", "parquet"), "population"))
    assert key == "dtype:year" and "every value converts" in f.message


def test_parquet_cut_in_half(tmp_path: Path) -> None:
    path = write(VALID["reoffending"], tmp_path, "reoffending", "parquet")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    key, f = only(validate_extract(path, "reoffending"))
    assert key == "truncated" and f.check == UNREADABLE and "footer is missing" in f.message
    assert load_extract(path, "reoffending")[0] is None


@pytest.mark.parametrize("suffix", ["parquet", "csv"])
@pytest.mark.parametrize("content", [b"", b"PAR1", b"\x00\x01\x02garbage\xff\xfe" * 50, b"PAR1" + b"x" * 40 + b"PAR1"])
def test_garbage_never_raises(tmp_path: Path, suffix: str, content: bytes) -> None:
    path = tmp_path / f"reoffending.{suffix}"
    path.write_bytes(content)
    result = validate_extract(path, "reoffending")
    assert result.findings and all(f.severity in ("error", "warning") for f in result.findings)
    assert any(f.severity == "error" for f in result.findings)
    lf, findings = load_extract(path, "reoffending")
    assert findings


def test_missing_file(tmp_path: Path) -> None:
    key, f = only(validate_extract(tmp_path / "reoffending.csv", "reoffending"))
    assert key == "unreadable" and "no such file" in f.message


# ------------------------------------------------------------------------------------- structure


def test_missing_and_extra_columns(tmp_path: Path) -> None:
    df = VALID["reoffending"].drop("reoffence_code").with_columns(note=pl.lit("x"))
    result = validate_extract(write(df, tmp_path, "reoffending", "csv"), "reoffending")
    assert set(result.by_rule) == {"missing-column:reoffence_code", "extra-column:note", "not-checked"}
    missing = result.by_rule["missing-column:reoffence_code"]
    assert missing.check == STRUCTURE and missing.locations[0].line == 1
    skipped = result.by_rule["not-checked"]
    assert skipped.severity == "warning"
    assert set(result.skipped) == {"pattern:reoffence_code", "reoffence-code-only-if-reoffended"}
    assert result.counts["reoffences-match-flag"] == 0  # the rest still runs


def test_header_only_and_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "population.csv"
    path.write_text("year,population_22_59\n", encoding="utf-8")
    result = validate_extract(path, "population")
    assert result.findings == [] and result.rows == 0
    path.write_bytes(b"")
    key, f = only(validate_extract(path, "population"))
    assert key == "empty-file" and f.check == UNREADABLE


def test_blank_line_is_a_warning_and_left_out(tmp_path: Path) -> None:
    path = tmp_path / "population.csv"
    path.write_text("year,population_22_59\n2009,1\n\n2010,2\n", encoding="utf-8")
    result = validate_extract(path, "population")
    key, f = only(result)
    assert key == "blank-line" and f.severity == "warning" and f.locations[0].line == 3
    assert result.rows == 2


def test_missing_final_newline_on_a_complete_line_is_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "population.csv"
    path.write_text("year,population_22_59\n2009,1\n2010,2", encoding="utf-8")
    key, f = only(validate_extract(path, "population"))
    assert key == "no-final-newline" and f.severity == "warning" and f.locations[0].line == 3


def test_quoted_commas_are_not_ragged(tmp_path: Path) -> None:
    path = tmp_path / "pupils.csv"
    path.write_text('pupil_id,academic_year,key_stage,fsm,achieved,la_code\n'
                    '"P000000001","2010-11",KS2,true,false,"201"\n'
                    'P000000002,2010-11,"KS,2",true,false,201\n', encoding="utf-8")  # fmt: skip
    key, f = only(validate_extract(path, "pupils"))
    assert key == "allowed-values:key_stage" and f.locations[0].line == 3


# ------------------------------------------------------------------------------------- nulls


def test_null_in_non_nullable_column_counts_for_not_null_only(tmp_path: Path) -> None:
    """An empty `reoffended` must not also break reoffences-match-flag or the code rule."""
    df = VALID["reoffending"].with_columns(pl.Series("reoffended", [True, None, True, False]),
                                           pl.Series("cohort_group", ["youth", "adult", None, "youth"]))
    for fmt in ("csv", "parquet"):
        result = validate_extract(write(df, tmp_path, "reoffending", fmt), "reoffending")
        assert set(result.by_rule) == {"not-null:reoffended", "not-null:cohort_group"}, fmt
        f = result.by_rule["not-null:cohort_group"]
        assert f.locations[0].line == (4 if fmt == "csv" else 3)


def test_null_with_a_real_violation_is_counted_exactly(tmp_path: Path) -> None:
    """disposal-fits-age-group is when/otherwise: a null cohort_group would take the adult
    branch. Only the row with a known group and a wrong disposal counts."""
    df = VALID["reoffending"].with_columns(pl.Series("cohort_group", [None, "adult", "adult", "youth"]),
                                           pl.Series("index_disposal", ["caution", "caution", "caution",
                                                                        "caution"]))  # fmt: skip
    result = validate_extract(write(df, tmp_path, "reoffending", "parquet"), "reoffending")
    assert result.counts["disposal-fits-age-group"] == 1
    assert result.by_rule["disposal-fits-age-group"].locations[0].line == 4


def test_malformed_cohort_does_not_stop_the_query(tmp_path: Path) -> None:
    df = VALID["reoffending"].with_columns(pl.Series("cohort", ["2010", "20x0/2011-03", "2009", "2009"]))
    key, f = only(validate_extract(write(df, tmp_path, "reoffending", "parquet"), "reoffending"))
    assert key == "pattern:cohort" and f.locations[0].line == 2


def test_nullable_column_value_that_does_not_parse(tmp_path: Path) -> None:
    path = tmp_path / "treatment.csv"
    VALID["treatment"].write_csv(path)
    text = path.read_text(encoding="utf-8").replace("2010-01-15", "15/01/2010")
    path.write_text(text, encoding="utf-8")
    result = validate_extract(path, "treatment")
    key, f = only(result)  # not also exit-reason-only-if-exited
    assert key == "dtype:exit_date" and f.found == "exit_date='15/01/2010' (line 2)"


# ------------------------------------------------------------------------------------- aggregates


def test_income_unknown_share_reports_the_share(tmp_path: Path) -> None:
    df = VALID["children"].with_columns(pl.Series("income_group", ["unknown", "middle_high", "middle_high",
                                                                   "bottom_20", "middle_high"]))  # fmt: skip
    key, f = only(validate_extract(write(df, tmp_path, "children", "parquet"), "children"))
    assert key == "income-unknown-share-at-most-5pc"
    assert "= 0.2, bound 0.05" in f.message and f.found.endswith("= 0.2, bound 0.05")


# ------------------------------------------------------------------------------------- the compiler


def test_every_declared_check_is_compiled_natively() -> None:
    """Nothing declared is skipped, and no builtin check needs the pandera fallback."""
    for stem in CONTRACTS:
        schema = schema_for(stem)
        group = CONTRACTS[stem].rules
        rules = compile_schema(schema, RULES[group] if group else {})
        assert [r.key for r in rules] == [r.key for r in compile_contract(stem)]
        compiled = {id(c) for r in rules for c in r.checks}
        declared = [c for col in schema.columns.values() for c in col.checks] + list(schema.checks)
        assert all(id(c) in compiled for c in declared), stem
        assert not [r.key for r in rules if r.kind == "pandera"], stem
        keys = [r.key for r in rules]
        assert len(keys) == len(set(keys)), stem
        for r in rules:
            assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", r.id), r.id
        nullable = [n for n, c in schema.columns.items() if not c.nullable]
        assert {r.column for r in rules if r.kind == "not-null"} == set(nullable)
        assert [r.columns for r in rules if r.id == "unique-key"] == [CONTRACTS[stem].key]
        assert {r.id for r in rules if r.column is None and r.kind in ("row", "aggregate")} == set(
            RULES[group] if group else ())


def test_rules_map_back_to_their_expressions() -> None:
    rules = {r.key: r for r in compile_contract("children")}
    assert rules["income-unknown-share-at-most-5pc"].kind == "aggregate"
    assert rules["happiness-only-for-both-parents"].kind == "row"
    assert rules["happiness-only-for-both-parents"].ok is RULES["children"]["happiness-only-for-both-parents"]
    assert rules["range:weight"].description == "0 < weight <= 100"
    assert rules["allowed-values:relationship_happiness"].description == (
        "relationship_happiness in {happy, unhappy, no_answer}")
    assert "unique" not in {r.id for r in compile_contract("population")}  # year: unique=True and the key


def test_builtin_checks_compile() -> None:
    schema = pa.DataFrameSchema({
        "s": pa.Column(str, checks=[pa.Check.str_startswith("A"), pa.Check.str_endswith("z"),
                                    pa.Check.str_length(2, 4), pa.Check.str_contains("b+"),
                                    pa.Check.notin(["Abz"]), pa.Check.ne("Abbz")]),
        "n": pa.Column(int, checks=[pa.Check.in_range(0, 10, include_max=False), pa.Check.eq(3)]),
    })  # fmt: skip
    rules = {r.key: r for r in compile_schema(schema)}
    assert set(rules) == {"not-null:s", "starts-with:s", "ends-with:s", "length:s", "contains:s",
                          "forbidden-values:s", "not-equal-to:s", "not-null:n", "range:n", "equal-to:n"}
    df = pl.DataFrame({"s": ["Abz", "Abbz", "Az", "Abbbbz", "Bbz", "Ab"], "n": [3, 3, 3, 10, 3, 3]})
    ok = df.select(**{k: r.ok for k, r in rules.items() if r.ok is not None})
    # compare with pandera, check by check
    for key, r in rules.items():
        if r.kind == "not-null":
            continue
        try:
            pa.DataFrameSchema({r.column: pa.Column(nullable=True, checks=list(r.checks))}).validate(df, lazy=True)
            pandera_bad: set[int] = set()
        except pa.errors.SchemaErrors as exc:
            pandera_bad = set(exc.failure_cases["index"].to_list())
        ours = {i for i, v in enumerate(ok[key].to_list()) if v is False}
        assert ours == pandera_bad, key


def test_unknown_check_falls_back_to_pandera() -> None:
    even = pa.Check(lambda d: d.lazyframe.select(pl.col(d.key) % 2 == 0), name="even_age")
    frame = pa.Check(lambda d: d.lazyframe.select(pl.col("a") < pl.col("b")), name="a_before_b")
    schema = pa.DataFrameSchema({"a": pa.Column(int, checks=[even]), "b": pa.Column(int)}, checks=[frame])
    rules = compile_schema(schema, rules={})
    fallback = [r for r in rules if r.kind == "pandera"]
    assert [(r.id, r.column, r.checks) for r in fallback] == [("even-age", "a", (even,)),
                                                              ("a-before-b", None, (frame,))]


def test_unknown_check_is_run_by_pandera_end_to_end(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A custom check in a contract is executed (by pandera), not skipped."""
    real = compile_mod.schema_for

    def with_custom(stem: str) -> pa.DataFrameSchema:
        schema = real(stem)
        col = schema.columns["age_at_index"]
        col.checks = [*col.checks, pa.Check(lambda d: d.lazyframe.select(pl.col(d.key) % 2 == 0), name="even_age")]
        return schema

    for module in (compile_mod, read, execute):  # each reads the contract with schema_for
        monkeypatch.setattr(module, "schema_for", with_custom)
    assert [r.key for r in compile_contract("reoffending") if r.kind == "pandera"] == ["even-age:age_at_index"]
    result = validate_extract(write(VALID["reoffending"], tmp_path, "reoffending", "csv"), "reoffending")
    key, f = only(result)  # ages 15, 34, 52, 14: line 2 is the first odd one
    assert key == "even-age:age_at_index" and result.counts[key] == 1
    assert f.locations[0].line == 2 and "run by pandera" in f.message and f.found == "15 (line 2)"


def test_a_rule_that_crashes_becomes_a_finding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = execute.compile_contract

    def with_crash(stem: str) -> list[CompiledRule]:
        boom = pl.col("offender_id").str.slice(0, 1).cast(pl.Int8)  # strict cast of "O": raises
        return [*real(stem), CompiledRule("boom", None, "boom", boom > 0, columns=("offender_id",))]

    monkeypatch.setattr(execute, "compile_contract", with_crash)
    result = validate_extract(write(VALID["reoffending"], tmp_path, "reoffending", "parquet"), "reoffending")
    key, f = only(result)
    assert key == "check-error" and "boom" in f.message
    assert result.counts["range:age_at_index"] == 0  # the other rules still ran


def test_crlf_line_ends_are_fine(tmp_path: Path) -> None:
    path = tmp_path / "reoffending.csv"
    path.write_bytes(VALID["reoffending"].write_csv().replace("\n", "\r\n").encode("utf-8"))
    assert validate_extract(path, "reoffending").findings == []


def test_too_many_malformed_lines_stops_value_checks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(read, "MAX_BAD_LINES", 2)
    path = tmp_path / "population.csv"
    path.write_text("year,population_22_59\n2009\n2010\n2011\n2012,5\n", encoding="utf-8")
    result = validate_extract(path, "population")
    assert set(result.by_rule) == {"ragged-row", "unreadable"}
    assert "at least 3 of 4 data lines" in result.by_rule["ragged-row"].message
    assert result.rows == 0 and result.counts == {}


def test_frequent_failures_take_their_own_query_and_are_recounted(tmp_path: Path) -> None:
    """With sample=1 a rule failing 4 times or more is sampled by a query of its own (not
    the shared pass of rare failures); its count is still exact when a null is involved."""
    n = 10
    df = pl.DataFrame({
        "offender_id": [f"O{i:09d}" for i in range(n)],
        "cohort": ["2010"] * n,
        "cohort_group": ["youth"] * (n - 1) + [None],
        "age_at_index": [15] * n,
        "index_date": [D(2010, 6, 1)] * n,
        "index_disposal": ["reprimand_warning", "caution"] * 5,  # caution is an adult disposal
        "reoffended": [False] * n,
        "n_reoffences": [0] * n,
        "reoffence_code": pl.Series([None] * n, dtype=pl.String),
    })  # fmt: skip
    result = validate_extract(write(df, tmp_path, "reoffending", "parquet"), "reoffending", sample=1)
    assert set(result.by_rule) == {"disposal-fits-age-group", "not-null:cohort_group"}
    assert result.counts["disposal-fits-age-group"] == 4  # rows 2, 4, 6, 8; not row 10 (null group)
    f = result.by_rule["disposal-fits-age-group"]
    assert f.locations[0].line == 2 and f.found == "index_disposal=caution, cohort_group=youth (row 2)"


def test_a_window_rule_is_sampled_on_the_whole_frame(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A rule with a window (`x.mean().over(g)`) is judged on the whole frame when its failing
    rows are fetched too, not on the failing rows alone (which would find none of them)."""
    real = execute.compile_contract
    below = pl.col("age_at_index") <= pl.col("age_at_index").mean().over("cohort_group")

    def with_window(stem: str) -> list[CompiledRule]:
        return [*real(stem), CompiledRule("below-group-mean", None, "below-group-mean", below,
                                          columns=("age_at_index", "cohort_group"))]  # fmt: skip

    monkeypatch.setattr(execute, "compile_contract", with_window)
    result = validate_extract(write(VALID["reoffending"], tmp_path, "reoffending", "csv"), "reoffending")
    key, f = only(result)
    assert key == "below-group-mean" and result.counts[key] == 2
    assert f.locations[0].line == 2 and f.found.endswith("(line 2); age_at_index=52, cohort_group=adult (line 4)")
