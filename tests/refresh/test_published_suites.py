"""The GX suites in checks/gx: the generated extract suites and the hand-written published-figures
suite (GX expectations over the figures table plus the series-coverage rule in its meta)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import polars as pl
import pytest

from pubcheck.refresh.gx import read_suite, run_suite, suite_from_extract
from pubcheck.refresh.published_suites import (
    CHECK_GAP,
    CHECK_SPAN,
    check_series,
    figures_frame,
    published_figures,
    validate_published_figures,
)

ROOT = Path(__file__).resolve().parents[2]
SUITES = ROOT / "checks" / "gx"
PUBLISHED_SUITE = SUITES / "published-figures.json"
EXTRACTS = ROOT / "fixtures" / "extracts"


def _make_suites():
    spec = importlib.util.spec_from_file_location("make_suites", ROOT / "scripts" / "make_suites.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def figures() -> pl.DataFrame:
    return published_figures(ROOT / "published")


@pytest.fixture(scope="module")
def meta() -> dict:
    return read_suite(PUBLISHED_SUITE)["meta"]


@pytest.fixture(scope="module")
def state(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("gx-published") / ".gx-state"


def _drop(figures: pl.DataFrame, table: str, period: str) -> pl.DataFrame:
    return figures.filter(~((pl.col("table") == table) & (pl.col("period") == period)))


# ---------------------------------------------------------------- the committed suites


def test_every_extract_has_a_committed_suite() -> None:
    stems = {p.stem for p in EXTRACTS.glob("*.parquet")}
    assert stems, "no bundled extracts"
    assert stems <= {p.stem for p in SUITES.glob("*.json")}
    for path in SUITES.glob("*.json"):
        suite = read_suite(path)
        assert suite["name"] == path.stem
        assert suite["expectations"], path
        # reviewable: the file is exactly what write_suite writes (sorted keys, indent 2)
        written = json.dumps(suite, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        assert path.read_text(encoding="utf-8") == written


@pytest.mark.parametrize("stem", ["population", "social_investment", "offender_employment"])
def test_committed_suite_is_what_make_suites_generates(stem: str, tmp_path: Path) -> None:
    assert _make_suites().main(["--extracts", str(EXTRACTS), "--only", stem, "--out", str(tmp_path)]) == 0
    assert (tmp_path / f"{stem}.json").read_text(encoding="utf-8") == (SUITES / f"{stem}.json").read_text(
        encoding="utf-8"
    ), f"checks/gx/{stem}.json is out of date or hand-edited: rerun python scripts/make_suites.py --only {stem}"


def test_make_suites_rejects_an_unknown_stem(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _make_suites().main(["--only", "no_such_extract", "--out", str(tmp_path)]) == 2
    assert "no_such_extract" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


def test_make_suites_as_a_command(tmp_path: Path) -> None:
    import subprocess

    out = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_suites.py"), "--only", "population", "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    suite = read_suite(tmp_path / "population.json")
    assert suite["name"] == "population"
    assert suite["meta"]["source"] == "population.parquet"


def test_generated_suite_passes_on_its_extract(state: Path) -> None:
    df = pl.read_parquet(EXTRACTS / "population.parquet")
    result = run_suite(df, read_suite(SUITES / "population.json"), project_dir=state)
    assert result.findings == []
    generated = _make_suites().starting_suite(df, "population")
    assert generated["expectations"] == read_suite(SUITES / "population.json")["expectations"]


def test_starting_suite_has_no_value_set_on_the_key() -> None:
    df = pl.read_parquet(EXTRACTS / "social_investment.parquet")
    full = suite_from_extract(df, "social_investment")
    in_set = "expect_column_values_to_be_in_set"
    assert any(e["type"] == in_set and e["kwargs"]["column"] == "deal_id" for e in full["expectations"])
    suite = read_suite(SUITES / "social_investment.json")
    assert not any(e["type"] == in_set and e["kwargs"]["column"] == "deal_id" for e in suite["expectations"])
    assert any(e["type"] == "expect_column_values_to_be_unique" for e in suite["expectations"])


# ---------------------------------------------------------------- published figures: GX


def test_bundled_figures_pass(figures: pl.DataFrame, state: Path) -> None:
    assert figures.height > 100
    assert {"Table 5", "Table 6"} <= set(figures["table"].drop_nulls().to_list())
    assert validate_published_figures(figures, PUBLISHED_SUITE, project_dir=state) == []


def test_percent_above_100_is_a_gx_finding(figures: pl.DataFrame, state: Path) -> None:
    target = (pl.col("table") == "Table 5") & (pl.col("period") == "2006")
    bad = figures.with_columns(pl.when(target).then(120.0).otherwise(pl.col("value")).alias("value"))
    findings = validate_published_figures(bad, PUBLISHED_SUITE, project_dir=state)
    assert [f.check for f in findings] == ["gx-expectation"]
    assert findings[0].raw["type"] == "expect_column_values_to_be_between"
    assert "120" in findings[0].found
    assert findings[0].expected == "every value is between 0 and 100, where unit == 'percent'"


def test_figures_read_from_csv_strings_are_typed(figures: pl.DataFrame, state: Path) -> None:
    as_csv = pl.read_csv(figures.write_csv().encode(), infer_schema_length=0)  # every column a string
    assert validate_published_figures(as_csv, PUBLISHED_SUITE, project_dir=state) == []


# ---------------------------------------------------------------- published figures: series coverage


def test_bundled_series_are_complete(figures: pl.DataFrame, meta: dict) -> None:
    assert check_series(figures, meta) == []


def test_missing_2005_in_table_5_is_a_gap(figures: pl.DataFrame, meta: dict) -> None:
    findings = check_series(_drop(figures, "Table 5", "2005"), meta)
    assert [f.check for f in findings] == [CHECK_GAP]
    f = findings[0]
    assert "Table 5" in f.message and "2005" in f.message
    assert f.found == "2005 missing"
    assert f.locations[0].document.endswith("sjof-2013-04-outcomes-framework.txt")
    assert f.locations[0].line > 0


def test_missing_financial_year_is_a_gap(figures: pl.DataFrame, meta: dict) -> None:
    findings = check_series(_drop(figures, "Table 3", "2009-10"), meta)
    assert {f.check for f in findings} == {CHECK_GAP}
    assert len(findings) == 3  # the fsm, other and gap series each lose 2009-10
    assert all("2009-10" in f.message for f in findings)


def test_documented_2001_gap_is_no_finding(figures: pl.DataFrame, meta: dict) -> None:
    periods = set(figures.filter(pl.col("table") == "Table 5")["period"].to_list())
    assert "2001" not in periods and {"2000", "2002"} <= periods  # the gap is really there
    assert check_series(figures, meta) == []
    undocumented = {**meta, "series_coverage": {**meta["series_coverage"], "documented_gaps": {}}}
    findings = check_series(figures, undocumented)
    assert {f.locations[0].cell for f in findings} == {"Table 5", "Table 6"}
    assert all("2001" in f.message for f in findings)


def test_documented_gap_as_a_bare_list(figures: pl.DataFrame) -> None:
    assert check_series(figures, {"series_coverage": {"documented_gaps": {"reoffending": ["2001"]}}}) == []


def test_a_series_cut_short_or_missing_breaks_the_span(figures: pl.DataFrame, meta: dict) -> None:
    findings = check_series(_drop(figures, "Table 6", "2010"), meta)
    assert [f.check for f in findings] == [CHECK_SPAN]
    assert "2000 to 2009" in findings[0].message
    findings = check_series(figures.filter(pl.col("table") != "Table 4"), meta)
    assert [(f.check, f.locations[0].cell) for f in findings] == [(CHECK_SPAN, "Table 4")]


def test_rolling_cohort_is_not_part_of_the_year_run(figures: pl.DataFrame, meta: dict) -> None:
    rolling = figures.filter(pl.col("period").str.contains("/"))
    assert rolling.height >= 2  # Tables 5 and 6 end with the April 2010 - March 2011 cohort
    assert check_series(figures.filter(~pl.col("period").str.contains("/").fill_null(False)), meta) == []


def test_figures_frame_columns() -> None:
    empty = figures_frame([])
    assert empty.columns[:4] == ["document", "line", "value", "unit"]
    assert empty.schema["value"] == pl.Float64
