"""The Great Expectations gate (pubcheck.refresh.gx): suites as JSON, runs on polars, findings, Data Docs.

GX is slow to import and to set up, so the GX runs share one project directory per module
and the bad-frame run (with Data Docs) is made once.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from pubcheck.refresh.gx import read_suite, run_suite, suite_from_extract, to_pandas_for_gx, write_suite

ROOT = Path(__file__).resolve().parents[2]
N = 300


def reoffending_frame(n: int = N, seed: int = 7) -> pl.DataFrame:
    """A clean frame shaped like the reoffending contract."""
    r = random.Random(seed)
    rows = []
    for i in range(n):
        youth = r.random() < 0.3
        reoffended = r.random() < 0.4
        rows.append(
            {
                "offender_id": f"O{i:09d}",
                "cohort": "2010",
                "cohort_group": "youth" if youth else "adult",
                "age_at_index": r.randint(10, 17) if youth else r.randint(18, 80),
                "index_date": dt.date(2010, 1, 1) + dt.timedelta(days=r.randint(0, 364)),
                "index_disposal": r.choice(["custody_release", "court_conviction"]),
                "reoffended": reoffended,
                "n_reoffences": r.randint(1, 9) if reoffended else 0,
                "reoffence_code": r.choice(["123A", "4567"]) if reoffended else None,
            }
        )
    return pl.DataFrame(rows)


@pytest.fixture(scope="module")
def clean() -> pl.DataFrame:
    return reoffending_frame()


@pytest.fixture(scope="module")
def suite(clean: pl.DataFrame) -> dict:
    return suite_from_extract(clean, "reoffending")


@pytest.fixture(scope="module")
def state(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("gx") / ".gx-state"


@pytest.fixture(scope="module")
def bad_run(clean: pl.DataFrame, suite: dict, state: Path, tmp_path_factory: pytest.TempPathFactory):
    """50 rows (row count far below 0.8 x 300), an unknown disposal code, and every
    reoffence_code null (non-null share 0 < mostly)."""
    bad = clean.head(50).with_columns(
        pl.when(pl.int_range(pl.len()) == 3).then(pl.lit("community_order")).otherwise(pl.col("index_disposal"))
        .alias("index_disposal"),
        pl.lit(None, dtype=pl.String).alias("reoffence_code"),
    )  # fmt: skip
    docs = tmp_path_factory.mktemp("docs-parent") / "docs"
    return run_suite(bad, suite, project_dir=state, data_docs=docs, document="reoffending.parquet"), docs


def _types(suite: dict) -> dict[tuple[str, str], dict]:
    out = {}
    for e in suite["expectations"]:
        kw = e["kwargs"]
        out[(e["type"], kw.get("column") or ",".join(kw.get("column_list", [])))] = kw
    return out


def test_suite_from_extract_uses_contract_and_observations(suite: dict) -> None:
    by = _types(suite)
    assert suite["name"] == "reoffending"
    assert by[("expect_table_row_count_to_be_between", "")] == {"min_value": 240, "max_value": 360}
    # contract allowed values, not the two observed ones
    assert len(by[("expect_column_values_to_be_in_set", "index_disposal")]["value_set"]) == 5
    assert by[("expect_column_values_to_be_between", "age_at_index")] == {
        "column": "age_at_index", "min_value": 10, "max_value": 100,
    }  # fmt: skip
    # observed bounds where the contract has none; dates as midnight ISO strings
    assert by[("expect_column_values_to_be_between", "index_date")]["min_value"].endswith("T00:00:00")
    # observed set (<= 30 values) where the contract has none
    assert by[("expect_column_values_to_be_in_set", "cohort")]["value_set"] == ["2010"]
    # no observed set for an id column
    assert ("expect_column_values_to_be_in_set", "offender_id") not in by
    mostly = by[("expect_column_values_to_not_be_null", "reoffence_code")]["mostly"]
    assert 0 < mostly < 1 and mostly == int(mostly * 100) / 100
    assert "mostly" not in by[("expect_column_values_to_not_be_null", "offender_id")]
    assert ("expect_compound_columns_to_be_unique", "offender_id,cohort") in by


def test_suite_json_round_trip(suite: dict, tmp_path: Path) -> None:
    path = write_suite(suite, tmp_path / "checks" / "gx" / "reoffending.json")
    assert read_suite(path) == suite
    text = path.read_text(encoding="utf-8")
    assert text == json.dumps(suite, indent=2, sort_keys=True) + "\n"
    assert text.count('"type": ') == len(suite["expectations"])


def test_read_suite_rejects_non_suite(tmp_path: Path) -> None:
    (tmp_path / "x.json").write_text('{"expectations": 1}')
    with pytest.raises(ValueError, match="not a GX suite"):
        read_suite(tmp_path / "x.json")


def test_dates_reach_gx_as_nanoseconds(clean: pl.DataFrame) -> None:
    pdf = to_pandas_for_gx(clean.with_columns(pl.col("index_date").cast(pl.Datetime("us")).alias("ts")))
    assert str(pdf["index_date"].dtype) == "datetime64[ns]"
    assert str(pdf["ts"].dtype) == "datetime64[ns]"


def test_clean_frame_passes(clean: pl.DataFrame, suite: dict, state: Path) -> None:
    result = run_suite(clean, suite, project_dir=state)
    assert result.findings == []
    assert result.docs_index is None
    assert len(result.results) == len(suite["expectations"])
    assert all(r["success"] for r in result.results)
    assert (state / "gx" / "great_expectations.yml").is_file()  # GX state in project_dir only


def test_bad_frame_fails_each_planted_expectation(bad_run) -> None:
    result, _ = bad_run
    failed = {(f.check, f.raw["type"], f.locations[0].cell) for f in result.findings}
    assert ("gx-expectation", "expect_column_values_to_be_in_set", "index_disposal") in failed
    assert ("gx-expectation", "expect_column_values_to_not_be_null", "reoffence_code") in failed
    assert ("gx-expectation", "expect_table_row_count_to_be_between", "") in failed
    assert not [f for f in result.findings if f.check == "gx-internal-error"]
    disposal = next(f for f in result.findings if f.locations[0].cell == "index_disposal")
    # in words, the raw expectation kept: "1 of 20 values (5.0 per cent) do not meet it; e.g. community_order"
    assert "e.g. community_order" in disposal.found and disposal.found.startswith("1 of ")
    assert disposal.message.startswith("Great Expectations: expected every index_disposal is one of: ")
    assert disposal.key == "expect_column_values_to_be_in_set(index_disposal)"
    assert disposal.locations[0].document == "reoffending.parquet"
    rows = next(f for f in result.findings if f.raw["type"] == "expect_table_row_count_to_be_between")
    assert rows.found == "50 rows" and rows.expected.startswith("the table has between ")
    assert not any("expect_" in f.message + f.expected + f.found for f in result.findings)  # no type names


def test_data_docs_written(bad_run) -> None:
    result, docs = bad_run
    assert result.docs_index == docs.resolve() / "index.html"
    assert result.docs_index.is_file()
    # Data Docs render an expectation as prose, not by its type name: the validation page
    # shows in-set as "values must belong to this set" with the unexpected value
    pages = [p.read_text(encoding="utf-8") for p in (docs / "validations").rglob("*.html")]
    assert any("values must belong to this set" in t and "community_order" in t for t in pages)
    assert any("index_disposal" in t for t in pages)


def test_broken_expectation_is_an_internal_error(clean: pl.DataFrame, suite: dict, state: Path) -> None:
    broken = {
        "name": "reoffending_broken",
        "expectations": [
            *suite["expectations"][:2],
            {"type": "expect_column_values_to_be_between", "kwargs": {"column": "no_such_column", "min_value": 0}},
        ],
    }
    result = run_suite(clean, broken, project_dir=state)
    assert [f.check for f in result.findings] == ["gx-internal-error"]
    finding = result.findings[0]
    assert finding.locations[0].cell == "no_such_column"
    assert "no_such_column" in finding.message and "not a data failure" in finding.message


def test_nothing_written_outside_project_dir(bad_run, state: Path) -> None:
    assert state.is_dir()
    for stray in ("gx", "great_expectations", "uncommitted"):
        assert not (ROOT / stray).exists()
        assert not (Path.cwd() / stray).exists()


def test_importing_gx_module_does_not_import_great_expectations() -> None:
    code = "import sys, pubcheck.refresh.gx, pubcheck.cli; sys.exit('great_expectations' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0
