"""The console's short summary names each cause of skipped checks once, not once per check."""

from __future__ import annotations

from pathlib import Path

import pytest

from pubcheck.cli import main

FIX = Path(__file__).resolve().parents[2] / "fixtures" / "refresh" / "truncated-csv"


def test_a_truncated_file_is_one_cause_of_many_skipped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["refresh", "--previous", str(FIX / "previous"), "--current", str(FIX / "current"),
                 "--no-progress", "--state-dir", str(tmp_path / "gx")])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 1
    skipped = [line for line in out.splitlines() if line.strip().startswith("skipped")]
    assert len(skipped) == 1, skipped
    assert "checks on" in skipped[0] and "truncated" in skipped[0]
