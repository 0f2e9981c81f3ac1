"""The refresh gate on Spark (pubcheck.refresh.spark) against the polars gate, on every planted
refresh case in fixtures/refresh/: the same verdict, the same contract and refresh-rule findings
word for word, the same failed GX expectations; intake reads the whole file with Spark."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from pubcheck.model import Finding
from pubcheck.refresh import refresh_extracts

pytestmark = pytest.mark.spark

ROOT = Path(__file__).resolve().parents[2]
CASES = sorted(p.name for p in (ROOT / "fixtures" / "refresh").iterdir() if p.is_dir())
SUITES = ROOT / "checks" / "gx"


def _gate(case: str, tmp_path: Path, engine=None):  # type: ignore[no-untyped-def]
    base = ROOT / "fixtures" / "refresh" / case
    name = "spark" if engine is not None else "polars"
    return refresh_extracts(base / "previous", base / "current", data_docs=None, state_dir=tmp_path / name,
                            suites_dir=SUITES, engine=engine)  # fmt: skip


def _kind(f: Finding) -> str:
    return "intake" if f.check == "intake" else "gx" if f.check.startswith("gx-") else "rest"


@pytest.mark.parametrize("case", CASES)
def test_refresh_gate_on_spark_same_verdict_and_findings(spark_engine, tmp_path: Path, case: str) -> None:
    ours = _gate(case, tmp_path)
    theirs = _gate(case, tmp_path, spark_engine)
    errors = [any(f.severity == "error" for f in r.findings) for r in (ours, theirs)]
    assert errors[0] == errors[1] == (case != "clean")
    by = {k: ([f for f in ours.findings if _kind(f) == k], [f for f in theirs.findings if _kind(f) == k])
          for k in ("intake", "gx", "rest")}  # fmt: skip
    assert by["rest"][1] == by["rest"][0]  # contracts and refresh rules, word for word
    assert [(f.check, f.locations[0].cell) for f in by["gx"][1]] == [(f.check, f.locations[0].cell)
                                                                     for f in by["gx"][0]]  # fmt: skip
    assert not any(f.check == "gx-internal-error" for f in theirs.findings)
    intake_errors = [any(f.severity == "error" for f in fs) for fs in by["intake"]]
    assert intake_errors[0] == intake_errors[1]  # a file stopped at intake by one engine is stopped by both
    assert [(s.stem, s.rows) for s in theirs.summaries] == [(s.stem, s.rows) for s in ours.summaries]


def test_spark_intake_reads_every_row(spark_engine, tmp_path: Path) -> None:
    """Intake on Spark counts nulls and values of the wrong type over the whole file, not a sample."""
    from pubcheck.refresh.spark import intake_spark

    n = 150_000
    df = pl.DataFrame({"year": pl.int_range(2000, 2000 + n, eager=True), "population_22_59": [1] * n})
    path = tmp_path / "population.csv"
    text = df.write_csv().split("\n")
    text[n - 2] = f"{1998 + n},"  # a null in a required column, far beyond the first 100,000 rows
    text[n - 1] = f"{1999 + n},many"
    path.write_text("\n".join(text), encoding="utf-8")
    result = intake_spark(spark_engine, path, "population")
    assert result.rows_checked == n and not result.sampled
    msgs = [f.message for f in result.findings]
    assert any("constraint-error at column 'population_22_59': 1 null values" in m for m in msgs), msgs
    assert any("type-error at column 'population_22_59': 1 values are not int" in m for m in msgs), msgs
    assert not result.ok


def test_spark_intake_on_a_broken_file_stops_the_file(spark_engine) -> None:
    from pubcheck.refresh.spark import intake_spark

    path = ROOT / "fixtures" / "refresh" / "wrong-encoding" / "current" / "social_investment.csv"
    result = intake_spark(spark_engine, path, "social_investment")
    assert not result.ok
    assert result.findings[0].message.startswith(f"{path.name}: encoding-error: text that is not UTF-8")


@pytest.mark.parametrize("path", ["clean/previous/reoffending.csv", "clean/previous/benefits.parquet",
                                  "dropped-region/previous/social_investment.csv"])  # fmt: skip
def test_suite_from_spark_is_suite_from_extract(spark_engine, path: str) -> None:
    from pubcheck.extracts.contracts import load_extract
    from pubcheck.refresh.gx import suite_from_extract
    from pubcheck.refresh.spark import SparkView, suite_from_spark

    file = ROOT / "fixtures" / "refresh" / path
    stem = file.stem
    lf, _ = load_extract(file, stem, strict=False)
    assert lf is not None
    view = SparkView(spark_engine.open(file, stem).rows(), stem)
    assert suite_from_spark(view, stem) == suite_from_extract(lf.collect(), stem)


def test_cli_refresh_engine_spark(spark, tmp_path: Path) -> None:
    from pubcheck.cli import main

    base = ROOT / "fixtures" / "refresh"
    common = ["--engine", "spark", "--no-progress", "--state-dir", str(tmp_path / "gx"), "-o", str(tmp_path / "r")]
    assert main(["refresh", "--previous", str(base / "clean/previous"), "--current", str(base / "clean/current"),
                 *common]) == 0  # fmt: skip
    assert main(["refresh", "--previous", str(base / "doubled-cohort/previous"),
                 "--current", str(base / "doubled-cohort/current"), *common]) == 1  # fmt: skip
    assert "refresh-period-rows" in (tmp_path / "r").read_text()


def test_refresh_on_spark_at_uris(spark_engine, tmp_path: Path) -> None:
    """--previous and --current as URIs Spark reads (file:// here): the same findings, naming the URIs."""
    import dataclasses

    base = ROOT / "fixtures" / "refresh" / "renamed-code"
    ours = _gate("renamed-code", tmp_path)
    theirs = refresh_extracts((base / "previous").as_uri(), (base / "current").as_uri(), data_docs=None,
                              state_dir=tmp_path / "uri", suites_dir=SUITES, engine=spark_engine)  # fmt: skip
    local = str(base / "current" / "benefits.csv")
    uri = (base / "current" / "benefits.csv").as_uri()
    assert all(loc.document == uri for f in theirs.findings for loc in f.locations if f.check != "gx-expectation")
    moved = [dataclasses.replace(f, locations=tuple(dataclasses.replace(loc, document=loc.document.replace(uri, local))
                                                    for loc in f.locations)) for f in theirs.findings]  # fmt: skip
    assert [f for f in moved if _kind(f) == "rest"] == [f for f in ours.findings if _kind(f) == "rest"]
    assert {f.check for f in theirs.findings} >= {"refresh-category", "refresh-revised-history", "extract-contract"}
