"""The Spark engine (src/pubcheck/extracts/spark/) against the polars engine: the same findings
(ids, counts, messages, locations) on the bundled extracts, the broken specimens, the structural
cases of test_contracts.py, fallbacks, and a generated scale-0.01 set with planted defects.

Every test here runs on the test run's one local Spark session (the `spark` fixture)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib.util
import subprocess
import sys
from pathlib import Path

import pandera.polars as pa
import polars as pl
import pytest

from pubcheck.extracts.contracts import CompiledRule, compile_contract, compile_schema, validate_extract
from pubcheck.extracts.contracts import compile as compile_mod
from pubcheck.extracts.contracts import execute as polars_execute
from pubcheck.extracts.contracts import read as polars_read
from pubcheck.model import Finding
from schemas.extracts import CONTRACTS

pytestmark = pytest.mark.spark

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = ROOT / "fixtures" / "extracts"
BROKEN = ROOT / "fixtures" / "broken"
D = dt.date

_spec = importlib.util.spec_from_file_location("contract_specimens", Path(__file__).with_name("test_contracts.py"))
assert _spec and _spec.loader
_specimens = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_specimens)
VALID: dict[str, pl.DataFrame] = _specimens.VALID


def write(df: pl.DataFrame, directory: Path, stem: str, fmt: str) -> Path:
    path = directory / f"{stem}.{fmt}"
    df.write_parquet(path) if fmt == "parquet" else df.write_csv(path)
    return path


def spark_validate(spark, path, stem, **kw):  # type: ignore[no-untyped-def]
    from pubcheck.extracts.spark.execute import validate_extract as validate_on_spark

    return validate_on_spark(spark, path, stem, **kw)


def same(spark, path: Path | str, stem: str, **kw) -> tuple:  # type: ignore[no-untyped-def]
    """Both engines on one file: the same rows, counts and findings. Returns both results."""
    ours = validate_extract(Path(path), stem, **kw)
    theirs = spark_validate(spark, path, stem, **kw)
    assert theirs.rows == ours.rows
    assert theirs.counts == ours.counts
    assert theirs.findings == ours.findings
    assert list(theirs.by_rule) == list(ours.by_rule)
    return ours, theirs


# ------------------------------------------------------------------------------------- the translator


@pytest.mark.parametrize("stem", list(CONTRACTS))
def test_every_compiled_rule_translates(spark, stem: str) -> None:
    """Every rule of every contract has a Spark form: none needs the polars fallback (a polars
    upgrade that changes the serialized form fails here)."""
    from pubcheck.extracts.spark.translate import polars_to_spark

    rules = [r for r in compile_contract(stem) if r.kind in ("row", "aggregate")]
    assert rules
    for r in rules:
        assert r.ok is not None
        polars_to_spark(r.ok)


def test_a_window_expression_does_not_translate(spark) -> None:
    from pubcheck.extracts.spark.translate import Untranslatable, polars_to_spark

    with pytest.raises(Untranslatable):
        polars_to_spark(pl.col("a") <= pl.col("a").mean().over("b"))


def test_java_regex_matches_like_rust() -> None:
    from pubcheck.extracts.spark.translate import java_regex

    assert java_regex(r"^O\d{9}$") == r"(?dU)^O\d{9}\z"
    assert java_regex(r"^[$a]+\$$") == r"(?dU)^[$a]+\$\z"


def test_builtin_checks_give_the_same_rows_on_spark(spark) -> None:
    """Each compiled builtin check, translated, flags the same rows as polars (nulls, regexes
    with a final newline and Unicode digits, lengths, ranges)."""
    from pubcheck.extracts.spark.translate import polars_to_spark

    schema = pa.DataFrameSchema({
        "s": pa.Column(str, nullable=True, checks=[
            pa.Check.str_startswith("A"), pa.Check.str_endswith("z"), pa.Check.str_length(2, 4),
            pa.Check.str_contains("b+"), pa.Check.notin(["Abz"]), pa.Check.ne("Abbz"),
            pa.Check.str_matches(r"^A\d*b*z$")]),
        "n": pa.Column(int, nullable=True, checks=[pa.Check.in_range(0, 10, include_max=False), pa.Check.eq(3),
                                                   pa.Check.isin([3, 10])]),
    })  # fmt: skip
    df = pl.DataFrame({"s": ["Abz", "Abbz", "Az", "Abbbbz", "Bbz", "Ab", None, "A١٢bz", "Abz\n", "A12z"],
                       "n": [3, 3, 3, 10, 3, 3, None, -1, 11, 3]})  # fmt: skip
    rules = [r for r in compile_schema(schema) if r.ok is not None and r.kind == "row"]
    sdf = spark.createDataFrame(df.to_arrow())
    want = df.select(**{r.key: r.ok for r in rules})
    got = pl.from_arrow(sdf.select(*[polars_to_spark(r.ok).alias(r.key) for r in rules]).toArrow())
    assert isinstance(got, pl.DataFrame)
    for r in rules:
        assert got[r.key].to_list() == want[r.key].to_list(), r.key


# ------------------------------------------------------------------------------------- same findings


@pytest.mark.parametrize("stem", sorted(CONTRACTS))
def test_bundled_extracts_same_findings(spark, stem: str) -> None:
    ours, _ = same(spark, BUNDLED / f"{stem}.parquet", stem)
    assert ours.rows > 0


@pytest.mark.parametrize("name", sorted(p.name for p in BROKEN.glob("*.csv")))
def test_broken_specimens_same_findings(spark, name: str) -> None:
    ours, _ = same(spark, BROKEN / name, name.split("-")[0])
    assert ours.findings  # each specimen is broken


@pytest.mark.parametrize("name", sorted(p.name for p in BROKEN.glob("*.csv")))
def test_broken_specimens_same_findings_at_a_uri(spark, name: str) -> None:
    """At a URI the CSV's lines are scanned by Spark, not polars: the same findings."""
    path = BROKEN / name
    ours = validate_extract(path, name.split("-")[0])
    theirs = spark_validate(spark, path.as_uri(), name.split("-")[0])
    assert theirs.counts == ours.counts
    relocated = [dataclasses.replace(f, locations=tuple(dataclasses.replace(loc, document=str(path))
                                                        for loc in f.locations)) for f in theirs.findings]  # fmt: skip
    assert relocated == ours.findings
    assert all(loc.document == path.as_uri() for f in theirs.findings for loc in f.locations)


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
@pytest.mark.parametrize("stem", sorted(VALID))
def test_valid_specimens_no_findings_on_spark(spark, tmp_path: Path, stem: str, fmt: str) -> None:
    ours, theirs = same(spark, write(VALID[stem], tmp_path, stem, fmt), stem)
    assert theirs.findings == [] and theirs.rows == VALID[stem].height


def _edit(df: pl.DataFrame, **cols) -> pl.DataFrame:  # type: ignore[no-untyped-def]
    return df.with_columns(*[pl.Series(k, v) if isinstance(v, list) else v.alias(k) for k, v in cols.items()])


R = VALID["reoffending"]
CASES = {  # name -> (stem, format, frame or text)
    "string-where-int": ("reoffending", "parquet", _edit(R, age_at_index=["15", "34", "abc", "14"])),
    "int32-where-int64": ("population", "parquet", VALID["population"].with_columns(pl.col("year").cast(pl.Int32))),
    "uint32-where-int64": ("population", "parquet", VALID["population"].with_columns(pl.col("year").cast(pl.UInt32))),
    "missing-and-extra-column": ("reoffending", "csv", R.drop("reoffence_code").with_columns(note=pl.lit("x"))),
    "nulls-not-nullable-csv": ("reoffending", "csv", _edit(R, reoffended=[True, None, True, False],
                                                           cohort_group=["youth", "adult", None, "youth"])),
    "nulls-not-nullable-parquet": ("reoffending", "parquet", _edit(R, reoffended=[True, None, True, False],
                                                                   cohort_group=["youth", "adult", None, "youth"])),
    "null-with-real-violation": ("reoffending", "parquet", _edit(
        R, cohort_group=[None, "adult", "adult", "youth"], index_disposal=["caution"] * 4)),
    "malformed-cohort": ("reoffending", "parquet", _edit(R, cohort=["2010", "20x0/2011-03", "2009", "2009"])),
    "income-unknown-share": ("children", "parquet", _edit(
        VALID["children"], income_group=["unknown", "middle_high", "middle_high", "bottom_20", "middle_high"])),
    "duplicate-keys": ("reoffending", "parquet", _edit(R, offender_id=["O000000001"] * 4, cohort=["2009"] * 4)),
    "quoted-commas": ("pupils", "text", 'pupil_id,academic_year,key_stage,fsm,achieved,la_code\n'
                      '"P000000001","2010-11",KS2,true,false,"201"\nP000000002,2010-11,"KS,2",true,false,201\n'),
    "blank-lines": ("population", "text", "year,population_22_59\n2009,1\n\n2010,2\n\n\n2011,x\n2012,-4\n"),
    "crlf": ("population", "text", "year,population_22_59\r\n2009,1\r\n2010,0\r\n"),
    "no-final-newline": ("population", "text", "year,population_22_59\n2009,1\n2010,2"),
    "header-only": ("population", "text", "year,population_22_59\n"),
    "empty": ("population", "text", ""),
    "duplicate-header": ("population", "text", "year,year\n2009,2009\n"),
    "texts-that-do-not-parse": ("children", "text", "child_id,age,both_birth_parents,income_group,"
                                "relationship_happiness,weight\nK000000001, 7,true,bottom_20,happy,1d\n"
                                "K000000002,+7,True,unknown,,inf\nK000000003,7.0,yes,bottom_20,,0x1p3\n"
                                "K000000004,١٢,TRUE,bottom_20,,1.5 \nK000000005,3,false,middle_high,,NaN\n"),
    "dates-that-do-not-parse": ("treatment", "text", "client_id,cohort,substance,first_presented,exit_date,"
                                "exit_reason,re_presented\nC000000001,2009-12,drug,2009-6-1,,,false\n"
                                "C000000002,2009-12,drug, 2010-01-05,2010-02-30,successful,false\n"
                                "C000000003,2009-12,drug,15/01/2010,2010-01-05 ,other,true\n"),
    "garbage-csv": ("reoffending", "bytes", b"\x00\x01\x02garbage\xff\xfe" * 50),
    "short-parquet": ("reoffending", "parquet-bytes", b"PAR1"),
}  # fmt: skip


def _write_case(tmp_path: Path, stem: str, fmt: str, content) -> Path:  # type: ignore[no-untyped-def]
    if fmt in ("parquet", "csv"):
        return write(content, tmp_path, stem, fmt)
    path = tmp_path / f"{stem}.{'parquet' if fmt == 'parquet-bytes' else 'csv'}"
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


@pytest.mark.parametrize("case", sorted(CASES))
def test_structural_and_value_cases_same_findings(spark, tmp_path: Path, case: str) -> None:
    stem, fmt, content = CASES[case]
    same(spark, _write_case(tmp_path, stem, fmt, content), stem)


def test_unreadable_parquet_same_finding_in_the_engine_s_words(spark, tmp_path: Path) -> None:
    """A file neither engine can read: the same finding, with each reader's own error text."""
    path = tmp_path / "reoffending.parquet"
    path.write_bytes(b"PAR1" + b"x" * 40 + b"PAR1")
    ours = validate_extract(path, "reoffending")
    theirs = spark_validate(spark, path, "reoffending")
    assert list(theirs.by_rule) == list(ours.by_rule) == ["unreadable"]
    assert [(f.check, f.severity, f.locations) for f in theirs.findings] == [
        (f.check, f.severity, f.locations) for f in ours.findings]
    assert theirs.findings[0].message.startswith("reoffending.parquet: unreadable: cannot be read: ")


def test_a_type_spark_cannot_convert_is_reported_not_skipped(spark, tmp_path: Path) -> None:
    """A Parquet column of a type Spark cannot cast to the declared one (boolean where a date
    is declared; polars casts it) is a dtype finding, and the rules reading it are listed."""
    path = write(_edit(R, index_date=[True, False, True, True]), tmp_path, "reoffending", "parquet")
    theirs = spark_validate(spark, path, "reoffending")
    f = theirs.by_rule["dtype:index_date"]
    assert "the file has Boolean, the contract declares Date, and it cannot be converted" in f.message
    assert "index-date-in-cohort" in theirs.by_rule["not-checked"].message


def test_parquet_cut_in_half_and_missing_file(spark, tmp_path: Path) -> None:
    path = write(R, tmp_path, "reoffending", "parquet")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    ours, _ = same(spark, path, "reoffending")
    assert list(ours.by_rule) == ["truncated"]
    same(spark, tmp_path / "nowhere" / "reoffending.csv", "reoffending")


def test_csv_split_into_many_partitions_keeps_its_line_numbers(spark, tmp_path: Path) -> None:
    """Spark reads a CSV in splits; each row still gets its line (blank lines and ragged lines too)."""
    rng = range(4000)
    lines = ["year,population_22_59"] + [f"{2000 + i % 90},{(i % 7) - 1}" for i in rng]
    lines[1500] = ""
    lines[2500] = "2010"
    path = tmp_path / "population.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    spark.conf.set("spark.sql.files.maxPartitionBytes", "4096")
    try:
        assert spark.read.csv(str(path)).rdd.getNumPartitions() > 5
        ours, theirs = same(spark, path, "population")
    finally:
        spark.conf.unset("spark.sql.files.maxPartitionBytes")
    assert ours.counts["range:population_22_59"] > 5 and theirs.by_rule["range:population_22_59"].locations[0].line


def test_parquet_folder_of_part_files(spark, tmp_path: Path) -> None:
    """A `<stem>.parquet` folder Spark wrote: rows count on through the part files in name order."""
    from pubcheck.extracts.spark.engine import SparkEngine

    df = pl.concat([_edit(R, age_at_index=[15, 34, 52, 14])] * 3).with_columns(
        offender_id=pl.format("O{}", pl.int_range(pl.len()).cast(pl.String).str.zfill(9)))
    df = df.with_columns(age_at_index=pl.when(pl.int_range(pl.len()) == 9).then(5).otherwise(pl.col("age_at_index")))
    folder = tmp_path / "parts" / "reoffending.parquet"
    folder.mkdir(parents=True)
    for i in range(3):
        df.slice(4 * i, 4).write_parquet(folder / f"part-{i:05d}.parquet")
    single = write(df, tmp_path, "reoffending", "parquet")
    engine = SparkEngine(spark=spark)
    assert engine.find_extracts(tmp_path / "parts") == {"reoffending": folder}
    ours = validate_extract(single, "reoffending")
    theirs = engine.validate_extract(folder, "reoffending")
    assert theirs.counts == ours.counts and ours.counts["range:age_at_index"] == 1
    assert theirs.by_rule["range:age_at_index"].locations[0].line == 10
    assert theirs.by_rule["range:age_at_index"].found == ours.by_rule["range:age_at_index"].found


# ------------------------------------------------------------------------------------- fallbacks: nothing skipped


def _with_custom_check(monkeypatch: pytest.MonkeyPatch, check: pa.Check, column: str | None) -> None:
    real = compile_mod.schema_for

    def with_custom(stem: str) -> pa.DataFrameSchema:
        schema = real(stem)
        if column:
            col = schema.columns[column]
            col.checks = [*col.checks, check]
        else:
            schema.checks = [*schema.checks, check]
        return schema

    for module in (compile_mod, polars_read, polars_execute):
        monkeypatch.setattr(module, "schema_for", with_custom)


@pytest.mark.parametrize("element_wise", [False, True])
def test_unknown_column_check_is_run_by_pandera(spark, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               element_wise: bool) -> None:  # fmt: skip
    """A check the compiler does not know is run by pandera on Spark too: per partition in
    the Python workers when it is element-wise, else on the driver. Same finding."""
    if element_wise:
        check = pa.Check(lambda x: x % 2 == 0, element_wise=True, name="even_age")
    else:
        check = pa.Check(lambda d: d.lazyframe.select(pl.col(d.key) % 2 == 0), name="even_age")
    _with_custom_check(monkeypatch, check, "age_at_index")
    assert [r.key for r in compile_contract("reoffending") if r.kind == "pandera"] == ["even-age:age_at_index"]
    for fmt in ("csv", "parquet"):
        ours, theirs = same(spark, write(R, tmp_path, "reoffending", fmt), "reoffending")
        assert ours.counts["even-age:age_at_index"] == 1 and "run by pandera" in theirs.findings[0].message


def test_unknown_frame_check_is_run_by_pandera(spark, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    check = pa.Check(lambda d: d.lazyframe.select(pl.col("age_at_index") < 50), name="young")
    _with_custom_check(monkeypatch, check, None)
    ours, _ = same(spark, write(R, tmp_path, "reoffending", "parquet"), "reoffending")
    assert ours.counts["young"] == 1


def test_rule_with_no_spark_form_runs_with_polars(spark, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A rule the translator does not know (a window) is not skipped: polars runs it on the
    driver over the columns it reads; the finding is the polars engine's, with its rows."""
    real = polars_execute.compile_contract
    odd = pl.col("age_at_index") <= pl.col("age_at_index").mean().over("cohort_group")
    share = (pl.col("age_at_index") > 40).mean().over("cohort_group").max() <= 0.1

    def with_window(stem: str) -> list[CompiledRule]:
        return [*real(stem), CompiledRule("below-group-mean", None, "below-group-mean", odd,
                                          columns=("age_at_index", "cohort_group")),
                CompiledRule("few-old", None, "few-old", share, kind="aggregate",
                             columns=("age_at_index", "cohort_group"))]  # fmt: skip

    monkeypatch.setattr(polars_execute, "compile_contract", with_window)  # both engines' rules
    for fmt in ("csv", "parquet"):
        ours, theirs = same(spark, write(R, tmp_path, "reoffending", fmt), "reoffending")
        assert ours.counts["below-group-mean"] == 2 and ours.counts["few-old"] == 1


def test_a_rule_that_crashes_becomes_a_finding(spark, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = polars_execute.compile_contract
    boom = pl.col("offender_id").str.slice(0, 1).cast(pl.Int8)  # strict cast of "O": raises on both engines

    def with_crash(stem: str) -> list[CompiledRule]:
        return [*real(stem), CompiledRule("boom", None, "boom", boom > 0, columns=("offender_id",))]

    monkeypatch.setattr(polars_execute, "compile_contract", with_crash)  # both engines' rules
    result = spark_validate(spark, write(R, tmp_path, "reoffending", "parquet"), "reoffending")
    assert list(result.by_rule) == ["check-error"] and "boom" in result.findings[0].message
    assert result.counts["range:age_at_index"] == 0  # the other rules still ran


# ------------------------------------------------------------------------------------- generated, planted defects


def _plant(src: Path, dst: Path) -> None:
    """Known violations at fixed rows of a generated folder, written as Parquet and (the
    smaller extracts) CSV."""
    dst.mkdir(parents=True, exist_ok=True)
    i = pl.col("__i")

    def at(rows) -> pl.Expr:  # type: ignore[no-untyped-def]
        return i.is_in(list(rows))

    plants = {
        "reoffending": lambda d: d.with_columns(
            age_at_index=pl.when(at(range(100, 130))).then(5).otherwise(pl.col("age_at_index")),
            cohort_group=pl.when(at(range(200, 207))).then(pl.lit("elderly")).otherwise(pl.col("cohort_group")),
            offender_id=pl.when(at([300, 301, 302])).then(pl.lit("X123")).when(at([310, 311])).then(None)
            .when(at(range(1000, 1010))).then(pl.col("offender_id").shift(10)).otherwise(pl.col("offender_id")),
            cohort=pl.when(at(range(1000, 1010))).then(pl.col("cohort").shift(10)).otherwise(pl.col("cohort")),
            n_reoffences=pl.when(at(range(400, 450)) & ~pl.col("reoffended")).then(3)
            .otherwise(pl.col("n_reoffences")),
            index_date=pl.when(at(range(500, 520))).then(pl.lit(D(1999, 1, 1))).otherwise(pl.col("index_date")),
            reoffence_code=pl.when(at([600, 601])).then(pl.lit("ABC")).otherwise(pl.col("reoffence_code")),
        ),
        "children": lambda d: d.with_columns(
            income_group=pl.when(i % 10 == 0).then(pl.lit("unknown")).otherwise(pl.col("income_group")),
            weight=pl.when(at([5, 6])).then(0.0).otherwise(pl.col("weight")),
        ),
        "benefits": lambda d: d.with_columns(
            reference_date=pl.when(at(range(0, 40))).then(pl.lit(D(2012, 3, 30))).otherwise(pl.col("reference_date")),
            benefit=pl.when(at(range(50, 55))).then(pl.lit("UC")).otherwise(pl.col("benefit")),
            months_on_benefit_48=pl.when(i == 799_999).then(49).otherwise(pl.col("months_on_benefit_48")),
        ),
        "treatment": lambda d: d.with_columns(
            exit_date=pl.when(at(range(0, 12))).then(pl.col("first_presented") - pl.duration(days=3))
            .otherwise(pl.col("exit_date")),
            exit_reason=pl.when(at(range(0, 12))).then(pl.lit("other")).otherwise(pl.col("exit_reason")),
        ),
        "population": lambda d: d.with_columns(year=pl.when(i == 1).then(pl.col("year").shift(1))
                                               .otherwise(pl.col("year"))),
    }  # fmt: skip
    for p in src.glob("*.parquet"):
        stem = p.stem
        df = pl.read_parquet(p)
        if stem in plants:
            df = plants[stem](df.with_row_index("__i")).drop("__i")
        df.write_parquet(dst / p.name)
        if stem != "benefits":  # the largest; its CSV would only slow the run
            text = df.write_csv()
            if stem == "reoffending":  # and a few broken lines
                lines = text.split("\n")
                lines[700] = ""
                lines[800] = lines[800] + ",extra"
                text = "\n".join(lines)
            (dst / f"{stem}.csv").write_text(text, encoding="utf-8")
    (dst / "datapackage.json").write_bytes((src / "datapackage.json").read_bytes())


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated scale-0.01 set (the generator's smallest: about 1.1 million rows), with defects."""
    gen = tmp_path_factory.mktemp("gen01")
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "generate_extracts.py"), "--scale", "0.01",
                           "--seed", "12", "--out", str(gen), "--quiet"], capture_output=True, text=True,
                          timeout=600)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    out = tmp_path_factory.mktemp("planted")
    _plant(gen, out)
    return out


@pytest.mark.parametrize("stem", sorted(CONTRACTS))
def test_generated_set_with_planted_defects_same_findings(spark, planted: Path, stem: str) -> None:
    ours, theirs = same(spark, planted / f"{stem}.parquet", stem)
    if stem in ("reoffending", "children", "benefits", "treatment", "population"):
        assert ours.findings and any(ours.counts.values())
    if stem == "reoffending":
        assert ours.counts["range:age_at_index"] == 30 and ours.counts["unique-key"] >= 10
        assert theirs.by_rule["range:age_at_index"].locations[0].line == 101
    if stem == "benefits":  # the last rows: a violation found at the far end of 800,000 rows
        assert ours.counts["range:months_on_benefit_48"] == 1


@pytest.mark.parametrize("stem", ["children", "population", "reoffending", "treatment"])
def test_generated_set_with_planted_defects_same_findings_csv(spark, planted: Path, stem: str) -> None:
    ours, _ = same(spark, planted / f"{stem}.csv", stem)
    if stem == "reoffending":
        assert {"blank-line", "ragged-row", "range:age_at_index"} <= set(ours.by_rule)


# ------------------------------------------------------------------------------------- validate: the whole stage


def test_validate_on_spark_same_report_including_one_year_on(spark_engine) -> None:
    """`pubcheck validate --engine spark` on the bundled extracts: the same findings, including
    One year on's 40 per cent, and the same recomputed figures."""
    from pubcheck.cli.pipeline import check
    from pubcheck.paths import published_dir

    published = published_dir()
    assert published is not None
    ours = check(published, extracts=BUNDLED, publication_rules=False)
    theirs = check(published, extracts=BUNDLED, publication_rules=False, engine=spark_engine)
    assert theirs.findings == ours.findings
    forty = [f for f in theirs.findings if f.check == "extract-recompute" and "40 per cent" in f.message]
    assert len(forty) == 2 and "treatment.parquet" in forty[0].message
    assert [(s.stem, s.rows, s.findings) for s in theirs.extracts] == [(s.stem, s.rows, s.findings)
                                                                       for s in ours.extracts]  # fmt: skip
    assert len(theirs.recomputed) == len(ours.recomputed) > 100
    for a, b in zip(ours.recomputed, theirs.recomputed, strict=True):
        assert (a.figure, a.supported, a.rows) == (b.figure, b.supported, b.rows)
        assert a.recomputed == pytest.approx(b.recomputed, rel=1e-12, abs=1e-9)


def test_validate_on_spark_same_findings_on_planted_set(spark_engine, planted: Path) -> None:
    from pubcheck.cli.pipeline import check
    from pubcheck.paths import published_dir

    published = published_dir()
    assert published is not None
    ours = check(published, extracts=planted, publication_rules=False)
    theirs = check(published, extracts=planted, publication_rules=False, engine=spark_engine)
    assert theirs.findings == ours.findings
    assert {f.check for f in ours.findings} >= {"extract-contract", "extract-recompute"}


def test_cli_validate_engine_spark(spark, tmp_path: Path) -> None:
    """The command line on the running session (no --spark-master: the session there is used)."""
    from pubcheck.cli import main

    a, b = tmp_path / "polars.json", tmp_path / "spark.json"
    assert main(["validate", "--no-progress", "--format", "json", "-o", str(a)]) == 1
    assert main(["validate", "--engine", "spark", "--no-progress", "--format", "json", "-o", str(b)]) == 1
    import json

    ours, theirs = json.loads(a.read_text()), json.loads(b.read_text())
    assert theirs["findings"] == ours["findings"] and theirs["summary"] == ours["summary"]


@pytest.mark.parametrize(("argv", "words"), [
    (["validate", "--spark-master", "local[1]"], "--spark-master and --spark-conf need --engine spark"),
    (["validate", "--engine", "spark", "--spark-conf", "novalue"], "expected KEY=VALUE"),
    (["validate", "s3a://bucket/extracts"], "a URI needs --engine spark"),
    (["refresh", "--previous", "s3a://b/p", "--current", "s3a://b/c"], "a URI needs --engine spark"),
])  # fmt: skip
def test_cli_engine_usage_errors(argv: list[str], words: str, capsys: pytest.CaptureFixture[str]) -> None:
    from pubcheck.cli import main

    assert main([*argv, "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err


def test_no_java_is_a_clear_message(monkeypatch: pytest.MonkeyPatch) -> None:
    from pubcheck.extracts.spark import session
    from pubcheck.model import InputError

    monkeypatch.setattr(session.shutil, "which", lambda name: None)
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.delenv("PYSPARK_GATEWAY_PORT", raising=False)
    with pytest.raises(InputError, match="needs Java 17 .*openjdk-17-jre-headless"):
        session.check_requirements()


def test_spark_conf_values_are_parsed() -> None:
    from pubcheck.extracts.spark.session import parse_conf

    assert parse_conf(["a.b=1", "c= x=y "]) == {"a.b": "1", "c": "x=y"}


def test_without_engine_spark_the_program_never_loads_pyspark(tmp_path: Path) -> None:
    """pandera and GX import pyspark whenever it is installed; the pubcheck program keeps it
    out unless --engine spark (and so prints no pyspark warning)."""
    code = ("import sys\nfrom pubcheck.cli import run\n"
            f"codes = [run(['validate', '--no-progress', '-o', {str(tmp_path / 'v.txt')!r}]),\n"
            f"         run(['refresh', '--previous', {str(ROOT / 'fixtures/refresh/clean/previous')!r},\n"
            f"              '--current', {str(ROOT / 'fixtures/refresh/clean/current')!r}, '--no-progress',\n"
            f"              '--state-dir', {str(tmp_path / 'gx')!r}, '-o', {str(tmp_path / 'r.txt')!r}])]\n"
            "print(codes, sys.modules.get('pyspark') is not None)\n")  # fmt: skip
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert proc.stdout.strip() == "[1, 0] False", proc.stdout + proc.stderr
    assert "PySpark" not in proc.stderr


def test_findings_are_plain_findings(spark) -> None:
    result = spark_validate(spark, BROKEN / "reoffending-age-out-of-range.csv", "reoffending")
    (f,) = result.findings
    assert isinstance(f, Finding) and f.found == "age_at_index=7 (line 3)" and "pandera agrees" in f.message
    assert result.timings["one pass"] > 0
