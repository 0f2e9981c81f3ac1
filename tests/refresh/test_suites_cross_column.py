"""A contract's cross-column rule that GX can express is in the extract's suite and catches a
broken row (exit before first presentation)."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from pubcheck.refresh.gx import read_suite, run_suite

ROOT = Path(__file__).resolve().parents[2]


def test_treatment_suite_checks_exit_not_before_presentation(tmp_path: Path) -> None:
    suite = read_suite(ROOT / "checks" / "gx" / "treatment.json")
    types = [e["type"] for e in suite["expectations"]]
    assert "expect_column_pair_values_a_to_be_greater_than_b" in types
    df = pl.read_parquet(ROOT / "fixtures" / "extracts" / "treatment.parquet")
    assert run_suite(df, suite, project_dir=tmp_path).findings == []
    exited = pl.col("exit_date").is_not_null()
    first = df.with_row_index().filter(exited)["index"].head(3)
    bad = df.with_row_index().with_columns(
        exit_date=pl.when(pl.col("index").is_in(first))
        .then(pl.col("first_presented") - pl.duration(days=1))
        .otherwise(pl.col("exit_date"))
    ).drop("index")
    found = run_suite(bad, suite, project_dir=tmp_path).findings
    assert any(f.raw["type"] == "expect_column_pair_values_a_to_be_greater_than_b" for f in found)
