"""Shared fixtures for every tests/<stage>/ folder: a copy of the bundled publications with one
planted change."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PUBLISHED = ROOT / "published"


def plant_copy(tmp_path: Path, filename: str, lineno: int, old: str, new: str) -> Path:
    """Copy published/*.txt, manifest.json and pubcheck.toml into `tmp_path` (unless already there, so
    several plants can be combined), then replace the one occurrence of `old` with `new`
    on 1-based line `lineno` of `filename`. Returns `tmp_path`.

    Line numbers are those pubcheck reports (str.splitlines), which for the bundled
    documents are also grep -n's. `old` must occur exactly once on that line: a plant
    that changes nothing, or the wrong figure, fails here instead of passing silently.
    """
    for src in [*sorted(PUBLISHED.glob("*.txt")), PUBLISHED / "manifest.json", PUBLISHED / "pubcheck.toml"]:
        dst = tmp_path / src.name
        if not dst.exists():
            shutil.copyfile(src, dst)
    target = tmp_path / filename
    assert target.is_file(), f"{filename} is not a bundled publication"
    lines = target.read_bytes().decode("utf-8").splitlines(keepends=True)
    assert 1 <= lineno <= len(lines), f"{filename} has no line {lineno}"
    line = lines[lineno - 1]
    count = line.count(old)
    assert count == 1, f"{old!r} occurs {count} times on {filename}:{lineno}: {line!r}"
    lines[lineno - 1] = line.replace(old, new, 1)
    target.write_bytes("".join(lines).encode("utf-8"))
    return tmp_path


@pytest.fixture
def plant() -> Callable[[Path, str, int, str, str], Path]:
    """plant(tmp_path, filename, lineno, old, new) -> folder holding the planted copy."""
    return plant_copy
