"""Benchmark `pubcheck validate` at national scale against a hand-written polars baseline.

    .venv/bin/python scripts/bench_validate.py                 # scale 1.0 (about 48 million rows)
    .venv/bin/python scripts/bench_validate.py --scale 0.1

1. Generates the extracts at --scale into data/bench-<scale>/ (git-ignored) unless they are
   there already (--regenerate forces it), and times the generator.
2. Runs `pubcheck validate DIR` in a child process: wall seconds, rows per second, peak RSS.
3. Runs, in another child process, a hand-written polars pass over the same rules for the
   three big extracts (benefits, reoffending, pupils: 99 per cent of the rows), one `select`
   of violation counts each, written out below, not derived from the contracts; and compares
   it with the contract seconds pubcheck reports for those extracts (the ratio the issue asks
   for: pubcheck's compiled Pandera contracts against hand-written polars).
4. With --gx STEM (default reoffending), the cost of Great Expectations at this scale: the
   extract's suite from checks/gx run through a GX checkpoint on the whole extract (pandas),
   against pubcheck's compiled contract on the same file (the issue asks that GX stay off the
   hot path of check and validate and that its cost be measured here).
Each child is a fresh process, so its peak RSS is its own.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
BIG = ("benefits", "reoffending", "pupils")


def hand_written(directory: Path) -> dict[str, float]:
    """The same rules as schemas/extracts.py for the big three extracts, by hand."""
    import polars as pl

    c = pl.col
    out: dict[str, float] = {}

    def run(stem: str, exprs: list[pl.Expr]) -> None:
        t0 = time.perf_counter()
        pl.scan_parquet(directory / f"{stem}.parquet").select(exprs).collect(engine="streaming")
        out[stem] = time.perf_counter() - t0

    benefits = ["JSA", "ESA_WRAG", "ESA_ASSESSMENT", "IS_LONE_PARENT", "ESA_SUPPORT", "IB", "SDA", "IS_OTHER"]
    run("benefits", [
        pl.len(), *[c(x).null_count() for x in ("claim_id", "reference_date", "claimant_age", "benefit",
                                                 "months_on_benefit_48", "joint_claim")],
        (~c("claim_id").str.contains(r"^B\d{10}$")).sum().alias("p"),
        (~c("claimant_age").is_between(16, 64)).sum().alias("a"),
        (~c("benefit").is_in(benefits)).sum().alias("b"),
        (~c("months_on_benefit_48").is_between(0, 48)).sum().alias("m"),
        pl.struct("claim_id", "reference_date").n_unique().alias("u"),
        ((c("reference_date").dt.month() != 3) | (c("reference_date").dt.day() != 31)).sum().alias("d"),
    ])  # fmt: skip
    year = c("cohort").str.slice(0, 4).cast(pl.Int32, strict=False)
    rolling = c("cohort").str.len_chars() > 4
    start = pl.when(rolling).then(pl.date(year, 4, 1)).otherwise(pl.date(year, 1, 1))
    end = pl.when(rolling).then(pl.date(year + 1, 3, 31)).otherwise(pl.date(year, 12, 31))
    youth = c("cohort_group") == "youth"
    run("reoffending", [
        pl.len(), *[c(x).null_count() for x in ("offender_id", "cohort", "cohort_group", "age_at_index",
                                                 "index_date", "index_disposal", "reoffended", "n_reoffences")],
        (~c("offender_id").str.contains(r"^O\d{9}$")).sum().alias("p1"),
        (~c("cohort").str.contains(r"^(?:20\d{2}|20\d{2}-04/20\d{2}-03)$")).sum().alias("p2"),
        (~c("cohort_group").is_in(["youth", "adult"])).sum().alias("g"),
        (~c("age_at_index").is_between(10, 100)).sum().alias("a"),
        (~c("index_disposal").is_in(["custody_release", "court_conviction", "caution", "reprimand_warning",
                                     "positive_drug_test"])).sum().alias("d"),
        (~c("n_reoffences").is_between(0, 500)).sum().alias("n"),
        (~c("reoffence_code").str.contains(r"^\d{3,4}[A-Z]?$")).sum().alias("p3"),
        pl.struct("offender_id", "cohort").n_unique().alias("u"),
        ((c("n_reoffences") > 0) != c("reoffended")).sum().alias("r1"),
        (c("reoffence_code").is_null() == c("reoffended")).sum().alias("r2"),
        (youth != (c("age_at_index") < 18)).sum().alias("r3"),
        (~pl.when(youth).then(c("index_disposal").is_in(["custody_release", "court_conviction", "reprimand_warning"]))
         .otherwise(c("index_disposal").is_in(["custody_release", "court_conviction", "caution",
                                               "positive_drug_test"]))).sum().alias("r4"),
        (~c("index_date").is_between(start, end)).sum().alias("r5"),
    ])  # fmt: skip
    run("pupils", [
        pl.len(), *[c(x).null_count() for x in ("pupil_id", "academic_year", "key_stage", "fsm", "achieved",
                                                 "la_code")],
        (~c("pupil_id").str.contains(r"^P\d{9}$")).sum().alias("p1"),
        (~c("academic_year").str.contains(r"^20\d{2}-\d{2}$")).sum().alias("p2"),
        (~c("key_stage").is_in(["KS2", "KS4"])).sum().alias("k"),
        (~c("la_code").str.contains(r"^\d{3}$")).sum().alias("p3"),
        pl.struct("pupil_id", "academic_year", "key_stage").n_unique().alias("u"),
    ])  # fmt: skip
    return out


def gx_cost(directory: Path, stem: str) -> dict[str, float]:
    """Import GX, run the extract's suite on the whole extract; seconds for each step."""
    import tempfile

    import polars as pl

    t0 = time.perf_counter()
    import great_expectations  # noqa: F401

    t_import = time.perf_counter() - t0
    from pubcheck.refresh.gx import read_suite, run_suite

    t1 = time.perf_counter()
    df = pl.read_parquet(directory / f"{stem}.parquet")
    t_read = time.perf_counter() - t1
    suite = read_suite(ROOT / "checks" / "gx" / f"{stem}.json")
    with tempfile.TemporaryDirectory() as state:
        t2 = time.perf_counter()
        result = run_suite(df, suite, project_dir=Path(state), document=f"{stem}.parquet")
        t_run = time.perf_counter() - t2
    return {"rows": df.height, "import": t_import, "read": t_read, "run": t_run,
            "findings": len(result.findings)}  # fmt: skip


def child(cmd: list[str]) -> tuple[float, float, str]:
    """Run cmd; return wall seconds, the child's peak RSS in GB, stdout."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if proc.returncode not in (0, 1):
        sys.exit(f"bench: {' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    return wall, max(peak, before) / 1024 / 1024, proc.stdout


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--data", type=Path, default=None, help="folder for the extracts (default data/bench-SCALE)")
    ap.add_argument("--regenerate", action="store_true")
    ap.add_argument("--gx", metavar="STEM", default="reoffending",
                    help="also time Great Expectations on this extract ('' to skip; default reoffending)")
    ap.add_argument("--baseline-only", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--gx-only", nargs=2, metavar=("DIR", "STEM"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.baseline_only:
        print(json.dumps(hand_written(args.baseline_only)))
        return 0
    if args.gx_only:
        print(json.dumps(gx_cost(Path(args.gx_only[0]), args.gx_only[1])))
        return 0
    data = args.data or ROOT / "data" / f"bench-{args.scale:g}"
    if args.regenerate or not (data / "datapackage.json").is_file():
        wall, rss, _ = child([PY, "scripts/generate_extracts.py", "--scale", str(args.scale), "--seed",
                              str(args.seed), "--out", str(data), "--quiet"])  # fmt: skip
        print(f"generate  scale {args.scale:g}: {wall:6.1f} s wall, peak RSS {rss:.2f} GB")
    report = data / "validate-report.json"
    wall, rss, _ = child([PY, "-m", "pubcheck.cli", "validate", str(data), "--format", "json", "--output",
                          str(report), "--no-progress"])  # fmt: skip
    rep = json.loads(report.read_text())
    rows = sum(e["rows"] for e in rep["extracts"])
    ok = sum(1 for c in rep["recomputed"] if c["supported"])
    print(f"validate  {rows:,} rows in {len(rep['extracts'])} extracts: {wall:6.1f} s wall, "
          f"{rows / wall / 1e6:.2f} M rows/s, peak RSS {rss:.2f} GB; "
          f"{ok}/{len(rep['recomputed'])} published figures reproduced, {rep['summary']['error']} errors")
    _, brss, out = child([PY, __file__, "--baseline-only", str(data)])
    hand = json.loads(out)
    mine = {e["stem"]: e["seconds"] for e in rep["extracts"]}
    print(f"{'extract':12} {'rows':>12} {'pubcheck s':>11} {'hand s':>8} {'ratio':>6}")
    for stem in BIG:
        n = next(e["rows"] for e in rep["extracts"] if e["stem"] == stem)
        print(f"{stem:12} {n:12,} {mine[stem]:11.2f} {hand[stem]:8.2f} {mine[stem] / hand[stem]:6.2f}")
    tm, th = sum(mine[s] for s in BIG), sum(hand[s] for s in BIG)
    print(f"{'total':12} {'':12} {tm:11.2f} {th:8.2f} {tm / th:6.2f}   (hand-written pass peak RSS {brss:.2f} GB)")
    if args.gx:
        wall, grss, out = child([PY, __file__, "--gx-only", str(data), args.gx])
        g = json.loads(out)
        rate = g["rows"] / g["run"] / 1e6
        print(f"great-expectations on {args.gx} ({g['rows']:,} rows): import {g['import']:.1f} s, "
              f"read {g['read']:.1f} s, checkpoint {g['run']:.1f} s ({rate:.2f} M rows/s), "
              f"peak RSS {grss:.2f} GB, {g['findings']} findings; "
              f"pubcheck's compiled contract on the same file: {mine[args.gx]:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
