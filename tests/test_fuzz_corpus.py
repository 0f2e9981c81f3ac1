"""Every input the fuzzer was seeded with or crashed on (fixtures/fuzz/) replayed through its
target (scripts/fuzz.py): a crash once found stays fixed."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FUZZ = ROOT / "fixtures" / "fuzz"
spec = importlib.util.spec_from_file_location("pubcheck_fuzz", ROOT / "scripts" / "fuzz.py")
assert spec and spec.loader
fuzz = importlib.util.module_from_spec(spec)
spec.loader.exec_module(fuzz)

CASES = sorted([(t, p) for t in fuzz.TARGETS for p in (FUZZ / t).iterdir()]
               + [(p.name.split("-", 1)[0], p) for p in (FUZZ / "crashes").iterdir()])  # fmt: skip


def test_every_target_has_a_corpus_and_every_crash_a_target() -> None:
    assert {t for t, _ in CASES} == set(fuzz.TARGETS)
    assert any(p.parent.name == "crashes" for _, p in CASES)


@pytest.mark.parametrize("target, path", CASES, ids=[f"{t}/{p.name}" for t, p in CASES])
def test_corpus_input(target: str, path: Path) -> None:
    fuzz.timed(fuzz.TARGETS[target])(path.read_bytes())
