"""'not compared: <why>' is in the JSON report; the console shows it only with --verbose."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pubcheck.cli import main

PAGE = """Entry to higher education

Data on the percentage of 18 to 20 year olds enrolled in higher education.

In 2024, 60% of 18 to 20 year olds in the least deprived neighbourhoods were enrolled in higher education.
"""
TABLE = '''"Socio-economic background","Percentage (%)"
"Higher professional",45.578
"Total",37.1
'''


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "entry_he_2024.md").write_text(PAGE, encoding="utf-8")
    (tmp_path / "entry_he_by_seb_2024.csv").write_text(TABLE, encoding="utf-8")
    return tmp_path


def test_json_says_why_a_figure_was_not_compared(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(folder), "--format", "json", "--no-progress"]) == 0
    notes = [f for f in json.loads(capsys.readouterr().out)["findings"] if f["check"] == "not-compared"]
    assert len(notes) == 1
    assert notes[0]["severity"] == "info"
    assert notes[0]["message"].startswith("not compared: 60%")
    assert "in the least deprived neighbourhoods" in notes[0]["message"]


def test_console_hides_the_notes_unless_verbose(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["check", str(folder), "--no-progress"])
    quiet = " ".join(capsys.readouterr().out.split())  # the console may wrap
    assert "least deprived" not in quiet
    assert "1 figure not compared (--verbose shows why)" in quiet
    main(["check", str(folder), "--no-progress", "--verbose"])
    assert "least deprived" in capsys.readouterr().out
