"""`pubcheck fetch` on the command line: exit codes and messages (loopback server tests of the
download itself are in test_fetch.py)."""

from __future__ import annotations

import json
from pathlib import Path

from pubcheck.cli import main


def test_offline_without_cache_is_a_finding(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    m = tmp_path / "sources.json"
    m.write_text(json.dumps([{"id": "doc", "url": "http://127.0.0.1:9/doc.txt", "file": "doc.txt",
                              "licence": "OGL-3.0"}]), encoding="utf-8")  # fmt: skip
    rc = main(["fetch", "--manifest", str(m), "--cache", str(tmp_path / "cache"), "--offline", "--format", "json"])
    out = json.loads(capsys.readouterr().out)
    assert rc == 1
    assert [f["check"] for f in out["findings"]] == ["fetch-error"]
    assert "doc" in out["findings"][0]["message"]


def test_unusable_manifest_exits_2(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    rc = main(["fetch", "--manifest", str(tmp_path / "missing.json"), "--cache", str(tmp_path / "c"), "--offline"])
    assert rc == 2
    assert "missing.json" in capsys.readouterr().err
