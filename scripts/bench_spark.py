"""Benchmark the two engines of `pubcheck validate`: polars against Spark in local mode.

    .venv/bin/python scripts/bench_spark.py                          # scales 0.1 and 1.0
    .venv/bin/python scripts/bench_spark.py --scales 0.1 --data 0.1=/path/to/extracts

For each scale, the extracts are generated into data/bench-<scale>/ (git-ignored) unless they
are there already (or --data SCALE=DIR names a folder of them). Then, each engine in a fresh
child process (so that its peak memory is its own), the whole of `pubcheck validate` on that
folder (every contract, the recomputation of every published figure, the indicator invariants)
runs --runs times in one process: the first Spark run pays for the JVM's warm-up, the last one
is the steady state. Reported: wall seconds per run (Spark's session start apart), rows per
second, the driver's peak memory (for Spark: the Python process and the JVM, which is the
driver in local mode; peak RSS from /proc), where Spark's time goes (the one counting pass,
key uniqueness, samples), and how Spark's time grows from the smallest scale to the largest
against the rows (the figure that says what a cluster would do: time per row that stays flat
scales out; time that grows faster than the rows does not). The machine's load average is
recorded at the start and end of each child: the numbers are only as quiet as the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable


def _peak_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _children(pid: int) -> list[int]:
    out = []
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                if int((p / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    out.append(int(p.name))
            except (OSError, IndexError, ValueError):
                continue
    return out


def run_engine(directory: Path, engine_name: str, runs: int, master: str, memory: str) -> dict:
    """In this (child) process: `pubcheck validate` on `directory`, `runs` times."""
    import warnings

    warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)
    from pubcheck.cli.pipeline import check
    from pubcheck.paths import published_dir

    out: dict = {"engine": engine_name, "load_start": os.getloadavg(), "runs": []}
    engine = None
    timings: list[dict[str, float]] = []
    if engine_name == "spark":
        from pubcheck.extracts.spark.engine import SparkEngine

        engine = SparkEngine(master, {"spark.driver.memory": memory})
        t0 = time.perf_counter()
        _ = engine.spark
        out["session_seconds"] = round(time.perf_counter() - t0, 2)
        out["spark"] = {"master": engine.spark.sparkContext.master, "version": engine.spark.version,
                        "driver_memory": memory, "cores": os.cpu_count()}  # fmt: skip
        validate = engine.validate_extract

        def timed(path, stem, **kw):  # type: ignore[no-untyped-def]
            result = validate(path, stem, **kw)
            timings.append(dict(result.timings))
            return result

        engine.validate_extract = timed  # type: ignore[method-assign]
    published = published_dir()
    assert published is not None
    for _ in range(runs):
        timings.clear()
        t0 = time.perf_counter()
        report = check(published, extracts=directory, publication_rules=False, engine=engine)
        wall = time.perf_counter() - t0
        rows = sum(e.rows for e in report.extracts)
        run = {"wall": round(wall, 2), "rows": rows, "rows_per_s": round(rows / wall),
               "contracts": round(sum(e.seconds for e in report.extracts), 2),
               "findings": len(report.findings),
               "supported": sum(1 for c in report.recomputed if c.supported),
               "recomputed": len(report.recomputed)}  # fmt: skip
        if timings:
            for step in ("one pass", "uniqueness", "samples and fallbacks"):
                run[step] = round(sum(t.get(step, 0.0) for t in timings), 2)
        out["runs"].append(run)
    me = os.getpid()
    out["python_peak_mb"] = round(_peak_mb(me))
    jvm = [p for p in _children(me) if "java" in Path(f"/proc/{p}/cmdline").read_bytes().decode(errors="replace")]
    out["jvm_peak_mb"] = round(sum(_peak_mb(p) for p in jvm)) if jvm else 0
    out["load_end"] = os.getloadavg()
    return out


def generate(scale: float, folder: Path, seed: int) -> None:
    print(f"generating scale {scale:g} into {folder} ...", flush=True)
    subprocess.run([PY, str(ROOT / "scripts" / "generate_extracts.py"), "--scale", str(scale), "--seed", str(seed),
                    "--out", str(folder), "--quiet"], check=True, cwd=ROOT)  # fmt: skip


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scales", type=float, nargs="+", default=[0.1, 1.0])
    ap.add_argument("--data", action="append", default=[], metavar="SCALE=DIR",
                    help="a folder of extracts for a scale (default data/bench-SCALE, generated when missing)")
    ap.add_argument("--engines", default="polars,spark")
    ap.add_argument("--runs", type=int, default=2, help="runs of validate per engine, in one process (default 2)")
    ap.add_argument("--master", default="local[*]")
    ap.add_argument("--driver-memory", default="4g", help="Spark driver memory (local mode: the JVM heap)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--output", type=Path, help="write the results as JSON")
    ap.add_argument("--child", nargs=2, metavar=("DIR", "ENGINE"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(run_engine(Path(args.child[0]), args.child[1], args.runs, args.master, args.driver_memory)))
        return 0
    folders = {float(k): Path(v) for k, v in (d.split("=", 1) for d in args.data)}
    results: list[dict] = []
    print(f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} at the start")
    for scale in args.scales:
        folder = folders.get(scale) or ROOT / "data" / f"bench-{scale:g}"
        if not (folder / "datapackage.json").is_file():
            generate(scale, folder, args.seed)
        for engine in args.engines.split(","):
            proc = subprocess.run([PY, __file__, "--child", str(folder), engine, "--runs", str(args.runs),
                                   "--master", args.master, "--driver-memory", args.driver_memory],
                                  capture_output=True, text=True, cwd=ROOT)  # fmt: skip
            if proc.returncode != 0:
                print(proc.stderr[-3000:], file=sys.stderr)
                return 1
            res = json.loads(proc.stdout.strip().splitlines()[-1])
            res["scale"], res["folder"] = scale, str(folder)
            results.append(res)
            last = res["runs"][-1]
            walls = " / ".join(f"{r['wall']:.1f}" for r in res["runs"])
            mem = f"python {res['python_peak_mb']:,} MB" + (f" + JVM {res['jvm_peak_mb']:,} MB" if res["jvm_peak_mb"]
                                                             else "")  # fmt: skip
            extra = f", session {res['session_seconds']:.1f} s" if "session_seconds" in res else ""
            steps = (f"; last run: one pass {last['one pass']} s, uniqueness {last['uniqueness']} s, samples "
                     f"{last['samples and fallbacks']} s") if "one pass" in last else ""  # fmt: skip
            print(f"scale {scale:g} {engine:6} {last['rows']:>11,} rows: wall {walls} s{extra}; "
                  f"{last['rows_per_s']:,} rows/s; peak {mem}; load {res['load_start'][0]:.1f}-"
                  f"{res['load_end'][0]:.1f}{steps}; findings {last['findings']}", flush=True)  # fmt: skip
    spark = sorted((r for r in results if r["engine"] == "spark"), key=lambda r: r["scale"])
    if len(spark) >= 2:
        lo, hi = spark[0], spark[-1]
        t = hi["runs"][-1]["wall"] / lo["runs"][-1]["wall"]
        n = hi["runs"][-1]["rows"] / lo["runs"][-1]["rows"]
        print(f"spark growth {lo['scale']:g} -> {hi['scale']:g}: rows x{n:.1f}, time x{t:.1f} "
              f"(time per row x{t / n:.2f})")
    if args.output:
        args.output.write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
