"""The command line on hostile input: budgets from flags and pubcheck.toml, text from data never
read as console markup, strict JSON."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pubcheck.cli import main

ROOT = Path(__file__).resolve().parents[2]


def test_markup_in_file_names_and_quotes_is_printed_as_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "[bold red]draft.txt").write_text("In 2011, 35.8 per cent [/red] re-offended.\n")
    (tmp_path / "[red]broken.pdf").write_bytes(b"%PDF-1.4 not really")
    code = main(["check", str(tmp_path), "--no-progress", "--workers", "0"])
    captured = capsys.readouterr()
    out, err = captured.out.replace("\n", ""), captured.err.replace("\n", "")  # the console wraps long paths
    assert code == 2 and "internal error" not in err
    assert "[red]broken.pdf" in out and "[red]broken.pdf" in err and "[bold red]draft.txt" in out


def test_limits_from_flags_and_pubcheck_toml(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copy(ROOT / "published" / "sjof-2013-04-outcomes-framework.txt", tmp_path / "a.txt")
    assert main(["check", str(tmp_path), "--no-progress", "--format", "json", "--limit", "text=1000"]) == 2
    [f] = [f for f in json.loads(capsys.readouterr().out)["findings"] if f["check"] == "input-limit"]
    assert "exceeds the limit text = 1,000" in f["message"]
    (tmp_path / "pubcheck.toml").write_text("[limits]\nbytes = 2000\n")
    assert main(["check", str(tmp_path), "--no-progress", "--format", "json"]) == 2
    [f] = [f for f in json.loads(capsys.readouterr().out)["findings"] if f["check"] == "input-limit"]
    assert "limit bytes = 2,000" in f["message"]
    assert main(["check", str(tmp_path), "--no-progress", "--limit", "bytes=1M", "-o", str(tmp_path / "r.txt")]) == 1


@pytest.mark.parametrize("args, needle", [
    (["--limit", "pages"], "expected NAME=VALUE"), (["--limit", "speed=3"], "unknown limit 'speed'"),
    (["--workers", "-1"], "--workers must be 0 or more"),
])  # fmt: skip
def test_bad_budget_flags_are_usage_errors(args: list[str], needle: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(ROOT / "published"), "--no-progress", *args]) == 2
    assert needle in capsys.readouterr().err


def test_huge_numbers_never_reach_json_as_infinity(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "n.txt").write_text("\n".join(["The count was " + "9" * 10_000 + ", or 12 per cent."] * 3))
    assert main(["figures", str(tmp_path), "--format", "json", "--workers", "0"]) == 0
    text = capsys.readouterr().out
    figures = json.loads(text, parse_constant=lambda c: pytest.fail(f"non-standard JSON constant {c}"))["figures"]
    assert [f["text"] for f in figures] == ["12 per cent"] * 3


def test_help_lists_the_limits() -> None:
    with pytest.raises(SystemExit):
        main(["check", "--help"])


def test_figures_lists_the_numbers_check_counts_as_a_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = " ".join(f"{i}.5" for i in range(50))
    (tmp_path / "flat.txt").write_text(f"Rates: {run}\nOf them, 12 per cent.\n")
    assert main(["figures", str(tmp_path), "--format", "json", "--workers", "0"]) == 0
    texts = [f["text"] for f in json.loads(capsys.readouterr().out)["figures"]]
    assert texts == [f"{i}.5" for i in range(50)] + ["12 per cent"]
    assert main(["check", str(tmp_path), "--format", "json", "--workers", "0", "--no-progress"]) == 0
    [note] = [f for f in json.loads(capsys.readouterr().out)["findings"] if f["check"] == "figure-run"]
    assert "50 numbers" in note["message"]
