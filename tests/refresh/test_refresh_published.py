"""`pubcheck refresh --published DIR`: the published-figures suite runs in the refresh gate."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pubcheck.cli import main

ROOT = Path(__file__).resolve().parents[2]
CLEAN = ROOT / "fixtures" / "refresh" / "clean"
SJOF = "sjof-2013-04-outcomes-framework.txt"


def run(tmp_path: Path, published: Path, capsys) -> tuple[int, dict]:  # type: ignore[no-untyped-def, type-arg]
    rc = main(["refresh", "--previous", str(CLEAN / "previous"), "--current", str(CLEAN / "current"),
               "--state-dir", str(tmp_path / "gx"), "--published", str(published), "--format", "json",
               "--no-progress"])  # fmt: skip
    return rc, json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("drop_line", [None, "2005\t33.6"])
def test_published_series_gap_fails_the_gate(tmp_path: Path, capsys, drop_line: str | None) -> None:  # type: ignore[no-untyped-def]
    pub = tmp_path / "pub"
    pub.mkdir()
    shutil.copy(ROOT / "published" / SJOF, pub / SJOF)
    shutil.copy(ROOT / "published" / "pubcheck.toml", pub / "pubcheck.toml")
    if drop_line is not None:  # Table 5 without its 2005 row: a gap the documents do not explain
        text = (pub / SJOF).read_text(encoding="utf-8")
        assert drop_line + "\n" in text
        (pub / SJOF).write_text(text.replace(drop_line + "\n", "", 1), encoding="utf-8")
    rc, out = run(tmp_path, pub, capsys)
    gaps = [f for f in out["findings"] if f["check"].startswith("published-series")]
    if drop_line is None:
        assert rc == 0 and gaps == []
    else:
        assert rc == 1 and gaps
        assert any(loc["document"].endswith(SJOF) for f in gaps for loc in f["locations"])
