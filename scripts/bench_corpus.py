#!/usr/bin/env python3
"""Time `pubcheck check` on the real-publications corpus (72 files), as a new user runs it.

Usage: .venv/bin/python scripts/bench_corpus.py [--runs N] [--corpus DIR]
Prints the documents, figures and findings of the run and the wall time of each run
(a subprocess, imports included). Issue 9 asks for under 10 s on the development machine.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--corpus", type=Path, default=ROOT / "fixtures" / "real-publications")
    args = ap.parse_args()
    exe = Path(sys.executable).with_name("pubcheck")
    with tempfile.TemporaryDirectory() as tmp:
        for f in args.corpus.iterdir():
            if f.is_file() and f.name not in ("labels.json", "SOURCES.md"):
                shutil.copy(f, tmp)
        out = Path(tmp) / "report.json"
        times = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            r = subprocess.run([str(exe), "check", tmp, "--no-progress", "--format", "json", "--output", str(out)],
                               capture_output=True, text=True)  # fmt: skip
            times.append(time.perf_counter() - t0)
        report = json.loads(out.read_text())
    docs = report["documents"]
    print(f"corpus: {args.corpus} ({len(docs)} documents, {sum(d['figures'] for d in docs)} figures)")
    print(f"findings: {report['summary']} (exit {r.returncode})")
    print("wall time per run: " + ", ".join(f"{t:.2f} s" for t in times) + f"; best {min(times):.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
