"""How long `pubcheck check` takes on the bundled publications, start to exit, as a user runs it.

    .venv/bin/python scripts/bench_start.py [--runs 5] [-- ARGS...]

Each run is a fresh process with PYTHONDONTWRITEBYTECODE=1 (the default of many container
images, and of the development machine), measured twice:

- "with bytecode": the .pyc files `./scripts/setup` compiles at install are read;
- "without bytecode": PYTHONPYCACHEPREFIX points at an empty folder, so no .pyc is found and
  every imported module is compiled from source on every run (an install without
  --compile-bytecode).

It prints the median and best wall time of each, and which heavy libraries the command
imported (pubcheck check should import none of pandas, pandera, polars, great_expectations).
A benchmark, not a test: the machine is shared, so read the median.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("pandas", "pandera", "polars", "numpy", "great_expectations", "pyarrow")


def _run(argv: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    out = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True)
    took = time.perf_counter() - t0
    if out.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(argv)} exited {out.returncode}: {out.stderr[-2000:]}")
    return took


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("args", nargs="*", help="pubcheck arguments (default: check on the bundled publications)")
    a = p.parse_args()
    args = a.args or ["check", "--no-progress", "--format", "json", "--output", os.devnull]
    cmd = [sys.executable, "-m", "pubcheck.cli", *args]
    base = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    base.pop("PYTHONPYCACHEPREFIX", None)
    print(f"pubcheck {' '.join(args)}  ({a.runs} runs each, PYTHONDONTWRITEBYTECODE=1, {os.cpu_count()} cores)")
    with tempfile.TemporaryDirectory(prefix="pubcheck-nopyc-") as empty:
        for label, env in (("with bytecode", base), ("without bytecode", {**base, "PYTHONPYCACHEPREFIX": empty})):
            times = [_run(cmd, env) for _ in range(a.runs)]
            print(f"  {label:17} median {statistics.median(times):.2f} s, best {min(times):.2f} s")
    probe = ("import runpy, sys; sys.argv = ['pubcheck', *sys.argv[1:]]\n"
             "try:\n    runpy.run_module('pubcheck.cli', run_name='__main__')\nexcept SystemExit:\n    pass\n"
             f"print('imported:', ', '.join(m for m in {HEAVY!r} if m in sys.modules) or 'none of them')")
    out = subprocess.run([sys.executable, "-c", probe, *args], cwd=ROOT, env=base, capture_output=True, text=True)
    print("  " + (out.stdout.strip().splitlines() or ["imported: ?"])[-1] + f"  (of {', '.join(HEAVY)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
