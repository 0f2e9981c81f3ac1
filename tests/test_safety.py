"""Nothing from data is evaluated: no eval, exec, pickle, marshal, shelve or unsafe YAML anywhere in
the engine or the contracts (worker processes send their answers with multiprocessing, whose
pickling is of pubcheck's own objects, never of input bytes)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = re.compile(r"\b(?:eval|exec|compile|__import__)\s*\(|\bimport\s+(?:pickle|marshal|shelve|dill)\b|"
                       r"\bfrom\s+(?:pickle|marshal|shelve|dill)\s+import\b|\byaml\.(?:load|unsafe_load)\s*\(|"
                       r"\bshell\s*=\s*True\b")  # fmt: skip


def test_no_evaluation_of_data_in_the_engine() -> None:
    hits = []
    for path in sorted([*(ROOT / "src").rglob("*.py"), *(ROOT / "schemas").rglob("*.py")]):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            if FORBIDDEN.search(code) and ".compile(" not in code:  # re.compile is fine
                hits.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert not hits, "\n".join(hits)


def test_the_grep_finds_what_it_looks_for() -> None:
    for bad in ("eval(x)", "exec (code)", "import pickle", "from marshal import loads", "yaml.load(s)",
                "run(cmd, shell=True)", "__import__(name)"):  # fmt: skip
        assert FORBIDDEN.search(bad), bad
    assert not FORBIDDEN.search("re.compile(p)") or ".compile(" in "re.compile(p)"
