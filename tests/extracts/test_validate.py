"""`pubcheck validate`: the bundled extracts pass their contracts and reproduce the Outcomes
Framework; the figures they do not support are errors at the figures' lines."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import polars as pl
import pytest

from pubcheck.cli import main
from pubcheck.cli.pipeline import check
from pubcheck.report import Report

ROOT = Path(__file__).resolve().parents[2]
EXTRACTS = ROOT / "fixtures" / "extracts"
SJOF = "sjof-2013-04-outcomes-framework.txt"
ONE = "sj-transforming-lives-one-year-on-2013-04.txt"


@pytest.fixture(scope="module")
def validated() -> Report:
    return check(ROOT / "published", extracts=EXTRACTS, publication_rules=False)


def unsupported(report: Report) -> set[tuple[str, int]]:
    return {(Path(f.locations[0].document).name, f.locations[0].line)
            for f in report.findings if f.check == "extract-recompute"}  # fmt: skip


def test_bundled_extracts_pass_their_contracts(validated: Report) -> None:
    assert validated.extracts, "no extract was validated"
    assert {e.stem for e in validated.extracts} >= {"pupils", "reoffending", "treatment", "benefits",
                                                     "children", "offender_employment", "social_investment"}
    assert [f for f in validated.findings if f.check.startswith("extract-") and f.check != "extract-recompute"] == []


def test_one_year_on_40_per_cent_is_unsupported_by_the_treatment_extract(validated: Report) -> None:
    found = [f for f in validated.findings if f.check == "extract-recompute"
             and (Path(f.locations[0].document).name, f.locations[0].line) == (ONE, 79)]  # fmt: skip
    assert len(found) == 1
    assert "treatment" in found[0].message and "40 per cent" in found[0].message


def test_every_framework_figure_the_extracts_cover_is_reproduced_but_the_contradictions(validated: Report) -> None:
    sjof = [c for c in validated.recomputed if Path(c.figure.document).name == SJOF]
    assert len(sjof) >= 60  # Tables 1-6, the prose rates and counts
    bad = {(c.figure.line, c.figure.text) for c in sjof if not c.supported}
    # The extracts follow the component rates and the missing share, so exactly the two
    # contradictions of the framework remain: the 2008-09 KS2 gap and the range's high end.
    assert bad == {(215, "22.0%"), (156, "between 11-28 per cent")}
    indicators = {c.figure.key.indicator for c in sjof if c.supported}
    assert indicators >= {"1a", "1b", "2-ks2", "2-ks4", "3", "4", "5a", "6", "6-employment", "7"}


def test_check_with_extracts_reports_both(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(ROOT)
    rc = main(["check", "--extracts", str(EXTRACTS), "--format", "json", "--no-progress"])
    out = json.loads(capsys.readouterr().out)
    checks = {f["check"] for f in out["findings"]}
    assert rc == 1
    assert {"cross-document", "table-identity", "extract-recompute"} <= checks
    assert out["recomputed"] and out["extracts"]


def test_validate_defaults_and_exit_code(monkeypatch: pytest.MonkeyPatch, capsys) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(ROOT)
    rc = main(["validate", "--format", "json", "--no-progress"])
    out = json.loads(capsys.readouterr().out)
    assert rc == 1  # the bundle's unsupported figures are errors
    assert out["summary"]["error"] == len([f for f in out["findings"] if f["severity"] == "error"])
    places = {(Path(f["locations"][0]["document"]).name, f["locations"][0]["line"]) for f in out["findings"]}
    assert (ONE, 79) in places


def test_a_changed_extract_moves_the_published_figure_out_of_support(tmp_path: Path) -> None:
    """Move some successful drug exits to 'dropped_out': the 39 per cent is no longer supported."""
    for p in EXTRACTS.iterdir():
        shutil.copy(p, tmp_path)
    t = pl.read_parquet(tmp_path / "treatment.parquet")
    success = (pl.col("substance") == "drug") & (pl.col("exit_reason") == "successful")
    idx = t.with_row_index().filter(success)["index"].head(200)
    t = t.with_row_index().with_columns(
        exit_reason=pl.when(pl.col("index").is_in(idx)).then(pl.lit("dropped_out")).otherwise(pl.col("exit_reason"))
    ).drop("index")
    t.write_parquet(tmp_path / "treatment.parquet")
    r = check(ROOT / "published", extracts=tmp_path, publication_rules=False)
    assert (SJOF, 392) in unsupported(r)  # 'This represents 39 per cent'
    assert (SJOF, 57) in unsupported(r)  # the key findings table


def test_broken_extract_is_reported_and_the_others_still_recompute(tmp_path: Path) -> None:
    for p in EXTRACTS.iterdir():
        shutil.copy(p, tmp_path)
    data = (tmp_path / "pupils.parquet").read_bytes()
    (tmp_path / "pupils.parquet").write_bytes(data[: len(data) // 2])
    r = check(ROOT / "published", extracts=tmp_path, publication_rules=False)
    broken = [f for f in r.findings if "pupils" in (f.locations[0].document if f.locations else "")]
    assert broken and all(f.severity == "error" for f in broken)
    assert not any(c.figure.key.indicator in ("2-ks2", "2-ks4") for c in r.recomputed)
    assert any(c.figure.key.indicator == "5a" and c.supported for c in r.recomputed)
