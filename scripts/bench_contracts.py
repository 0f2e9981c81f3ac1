"""Benchmark: pubcheck's compiled contracts against a hand-written polars pass and pandera.

Generates N rows (default 10 million) of a seeded synthetic re-offending extract in memory,
writes it to a temporary Parquet file, and times on the same file:

  (a) hand   - a hand-written polars pass over the same rules: one `select` of violation
               counts, written out below (not derived from the contract);
  (b) pubcheck - `pubcheck.extracts.contracts.validate_extract` (the pandera declarations compiled
               into one lazy query, plus failing-row samples and pandera's word on them);
  (c) pandera - pandera's own `schema.validate(df, lazy=True)` on the polars frame (the
               time includes reading the Parquet file, as (a) and (b) do).

Two data sets: "clean" (every rule holds) and "planted" (a few hundred rows break five
rules, so pubcheck also pays for its failure path). Every run is a fresh process (so its
peak RSS, from resource.getrusage, is its own; the data is generated in a process of its
own too, since Linux carries the peak RSS across exec). The engines take turns, --repeat
rounds, and the best time of each is reported: the machine may be busy with other work.

    .venv/bin/python scripts/bench_contracts.py            # 10 million rows
    .venv/bin/python scripts/bench_contracts.py --rows 1000000 --repeat 1 --skip-pandera
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parents[1]
ENGINES = ("hand", "pubcheck", "pandera")
CHILDREN = (*ENGINES, "generate")

YOUTH = ["custody_release", "court_conviction", "reprimand_warning"]
ADULT = ["custody_release", "court_conviction", "caution", "positive_drug_test"]
DISPOSALS = ["custody_release", "court_conviction", "caution", "reprimand_warning", "positive_drug_test"]
COHORTS = ["2000", "2005", "2008", "2009", "2010", "2010-04/2011-03", "2011-04/2012-03"]
CODES = ["101", "1402", "0803A", "555B", "9001"]


# ------------------------------------------------------------------------------------- data


def _pick(values: list[str], idx: np.ndarray) -> pl.Series:
    return pl.Series(values, dtype=pl.String).gather(idx)


def make_frame(n: int, seed: int = 20240601, plant: int = 0) -> pl.DataFrame:
    """A re-offending-shaped frame of `n` rows satisfying every rule of the contract; with
    `plant`, that many rows each of: age out of range, re-offence count vs flag, index date
    outside the cohort, unknown disposal, duplicate key."""
    rng = np.random.default_rng(seed)
    youth = rng.random(n) < 0.2
    reoff = rng.random(n) < 0.25
    df = pl.DataFrame({
        "id": np.arange(n, dtype=np.int64),
        "cohort": _pick(COHORTS, rng.integers(0, len(COHORTS), n)),
        "youth": youth,
        "yage": rng.integers(10, 18, n), "aage": rng.integers(18, 80, n),
        "days": rng.integers(0, 365, n),
        "ydisp": _pick(YOUTH, rng.integers(0, len(YOUTH), n)),
        "adisp": _pick(ADULT, rng.integers(0, len(ADULT), n)),
        "reoffended": reoff,
        "nre": rng.integers(1, 20, n),
        "code": _pick(CODES, rng.integers(0, len(CODES), n)),
    })  # fmt: skip
    year = pl.col("cohort").str.slice(0, 4).cast(pl.Int32)
    rolling = pl.col("cohort").str.len_chars() > 4
    start = pl.when(rolling).then(pl.date(year, 4, 1)).otherwise(pl.date(year, 1, 1))
    y, r = pl.col("youth"), pl.col("reoffended")
    df = df.select(
        offender_id=pl.format("O{}", pl.col("id").cast(pl.String).str.zfill(9)),
        cohort="cohort",
        cohort_group=pl.when(y).then(pl.lit("youth")).otherwise(pl.lit("adult")),
        age_at_index=pl.when(y).then("yage").otherwise("aage").cast(pl.Int64),
        index_date=start + pl.duration(days=pl.col("days")),
        index_disposal=pl.when(y).then("ydisp").otherwise("adisp"),
        reoffended=r,
        n_reoffences=pl.when(r).then("nre").otherwise(0).cast(pl.Int64),
        reoffence_code=pl.when(r).then("code"),
    )
    if plant:
        rows = rng.choice(n, size=5 * plant, replace=False)
        age, flag, date, disp, dup = (np.sort(rows[i * plant:(i + 1) * plant]) for i in range(5))
        idx = pl.int_range(pl.len(), dtype=pl.Int64)
        df = df.with_columns(
            age_at_index=pl.when(idx.is_in(pl.Series(age).implode())).then(pl.lit(150, pl.Int64))
            .otherwise("age_at_index"),
            n_reoffences=pl.when(idx.is_in(pl.Series(flag).implode()) & ~pl.col("reoffended"))
            .then(pl.lit(2, pl.Int64)).otherwise("n_reoffences"),
            index_date=pl.when(idx.is_in(pl.Series(date).implode()))
            .then(pl.col("index_date") + pl.duration(days=400)).otherwise("index_date"),
            index_disposal=pl.when(idx.is_in(pl.Series(disp).implode())).then(pl.lit("fine"))
            .otherwise("index_disposal"),
        )  # fmt: skip
        # duplicates: the planted rows repeat the key of an earlier row
        src = pl.Series(np.maximum(dup - 1, 0))
        keys = df[src].select("offender_id", "cohort")
        df = df.with_row_index("__i").update(
            keys.with_columns(__i=pl.Series(dup, dtype=pl.get_index_type())), on="__i").drop("__i")
    return df


# ------------------------------------------------------------------------------------- engines


def hand_pass(path: Path) -> dict[str, int]:
    """(a) The same rules, written by hand: one select of violation counts."""
    c = pl.col
    year = c("cohort").str.slice(0, 4).cast(pl.Int32, strict=False)
    rolling = c("cohort").str.len_chars() > 4
    start = pl.when(rolling).then(pl.date(year, 4, 1)).otherwise(pl.date(year, 1, 1))
    end = pl.when(rolling).then(pl.date(year + 1, 3, 31)).otherwise(pl.date(year, 12, 31))
    youth = c("cohort_group") == "youth"
    cols = ["offender_id", "cohort", "cohort_group", "age_at_index", "index_date", "index_disposal", "reoffended",
            "n_reoffences"]  # fmt: skip
    exprs = [
        pl.len().alias("rows"),
        *[c(x).null_count().alias(f"null:{x}") for x in cols],
        (~c("offender_id").str.contains(r"^O\d{9}$")).sum().alias("pattern:offender_id"),
        (~c("cohort").str.contains(r"^(?:20\d{2}|20\d{2}-04/20\d{2}-03)$")).sum().alias("pattern:cohort"),
        (~c("cohort_group").is_in(["youth", "adult"])).sum().alias("allowed:cohort_group"),
        (~c("age_at_index").is_between(10, 100)).sum().alias("range:age_at_index"),
        (~c("index_disposal").is_in(DISPOSALS)).sum().alias("allowed:index_disposal"),
        (~c("n_reoffences").is_between(0, 500)).sum().alias("range:n_reoffences"),
        (~c("reoffence_code").str.contains(r"^\d{3,4}[A-Z]?$")).sum().alias("pattern:reoffence_code"),
        pl.struct("offender_id", "cohort").n_unique().alias("unique-key"),
        ((c("n_reoffences") > 0) != c("reoffended")).sum().alias("reoffences-match-flag"),
        (c("reoffence_code").is_null() == c("reoffended")).sum().alias("reoffence-code-only-if-reoffended"),
        (youth != (c("age_at_index") < 18)).sum().alias("youth-under-18"),
        (~pl.when(youth).then(c("index_disposal").is_in(YOUTH)).otherwise(c("index_disposal").is_in(ADULT)))
        .sum().alias("disposal-fits-age-group"),
        (~c("index_date").is_between(start, end)).sum().alias("index-date-in-cohort"),
    ]  # fmt: skip
    out = pl.scan_parquet(path).select(exprs).collect(engine="streaming").row(0, named=True)
    out["unique-key"] = out["rows"] - out["unique-key"]
    return {k: int(v) for k, v in out.items()}


def pubcheck_pass(path: Path) -> dict[str, int]:
    """(b) pubcheck: the contract compiled from its pandera declarations."""
    from pubcheck.extracts.contracts import validate_extract

    result = validate_extract(path, "reoffending")
    out = {k: v for k, v in result.counts.items() if v}
    out["rows"] = result.rows
    out["findings"] = len(result.findings)
    return out


def pandera_pass(path: Path) -> dict[str, int]:
    """(c) pandera's own validation of the same schema (read + validate)."""
    import pandera.polars as pa

    from schemas.extracts import schema_for

    schema = schema_for("reoffending")
    df = pl.read_parquet(path)
    try:
        schema.validate(df, lazy=True)
        return {"rows": df.height, "failure_cases": 0}
    except pa.errors.SchemaErrors as exc:
        return {"rows": df.height, "failure_cases": exc.failure_cases.height}


PASSES = {"hand": hand_pass, "pubcheck": pubcheck_pass, "pandera": pandera_pass}


def child(engine: str, path: Path, rows: int, plant: int) -> None:
    """Run one engine once in this process; print JSON (seconds, peak RSS, its counts)."""
    if engine == "generate":
        make_frame(rows, plant=plant).write_parquet(path)
        print(json.dumps({"engine": engine}))
        return
    fn = PASSES[engine]
    if engine != "hand":  # imports (and pandera's lazy backend registration) are not part of the timing
        import pandera.polars as pa

        import pubcheck.extracts.contracts  # noqa: F401

        pa.DataFrameSchema({"x": pa.Column(int)}).validate(pl.DataFrame({"x": [1]}))
    t = time.perf_counter()
    out = fn(path)
    seconds = time.perf_counter() - t
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB
    print(json.dumps({"engine": engine, "seconds": seconds, "rss": rss, "out": out}))


def run_child(engine: str, path: Path, rows: int = 0, plant: int = 0) -> dict:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]))
    cmd = [sys.executable, __file__, "--child", engine, "--path", str(path), "--rows", str(rows), "--plant", str(plant)]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if proc.returncode != 0:
        return {"engine": engine, "error": (proc.stderr.strip().splitlines() or ["?"])[-1]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def best(runs: list[dict]) -> dict:
    ok = [r for r in runs if "error" not in r]
    if not ok:
        return runs[-1]
    top = dict(min(ok, key=lambda r: r["seconds"]))
    top["all"] = [round(r["seconds"], 3) for r in ok]
    top["rss"] = max(r["rss"] for r in ok)
    return top


# ------------------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--repeat", type=int, default=3, help="runs per engine; the best is reported")
    ap.add_argument("--plant", type=int, default=100, help="rows per planted failure kind (0: clean data only)")
    ap.add_argument("--skip-pandera", action="store_true")
    ap.add_argument("--json", type=Path, help="also write the results here")
    ap.add_argument("--child", choices=CHILDREN, help=argparse.SUPPRESS)
    ap.add_argument("--path", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        child(args.child, args.path, args.rows, args.plant)
        return 0

    engines = [e for e in ENGINES if not (e == "pandera" and args.skip_pandera)]
    datasets = [("clean", 0)] + ([("planted", args.plant)] if args.plant else [])
    results = []
    print(f"polars {pl.__version__}, {os.cpu_count()} CPUs, {args.rows:,} rows, best of {args.repeat} "
          f"(engines take turns)")  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="pubcheck-bench-") as tmp:
        for name, plant in datasets:
            t = time.perf_counter()
            path = Path(tmp) / f"reoffending-{name}.parquet"
            gen = run_child("generate", path, args.rows, plant)
            if "error" in gen:
                print(f"generating {name} failed: {gen['error']}")
                return 1
            print(f"\n[{name}] generated and wrote {path.stat().st_size / 2**20:.0f} MiB Parquet in "
                  f"{time.perf_counter() - t:.1f} s")  # fmt: skip
            runs: dict[str, list[dict]] = {e: [] for e in engines}
            for _ in range(args.repeat):
                for e in engines:
                    runs[e].append(run_child(e, path))
            rows = {e: best(r) for e, r in runs.items()}
            base = rows["hand"].get("seconds")
            print(f"{'engine':10s} {'seconds':>9s} {'rows/s':>14s} {'x hand':>8s} {'peak RSS':>10s}  all runs (s)")
            for e in engines:
                r = rows[e]
                if "error" in r:
                    print(f"{e:10s} failed: {r['error']}")
                    continue
                ratio = r["seconds"] / base if base else float("nan")
                print(f"{e:10s} {r['seconds']:9.2f} {args.rows / r['seconds']:14,.0f} {ratio:8.2f} "
                      f"{r['rss'] / 2**20:7.0f} MiB  {r['all']}")  # fmt: skip
                r["ratio"] = ratio
            hand, ours = rows["hand"].get("out", {}), rows["pubcheck"].get("out", {})
            print(f"hand violations: { {k: v for k, v in hand.items() if v and k != 'rows'} }")
            print(f"pubcheck counts: { {k: v for k, v in ours.items() if k not in ('rows',)} }")
            if "pandera" in rows and "out" in rows["pandera"]:
                print(f"pandera: {rows['pandera']['out']}")
            results.append({"dataset": name, "rows": args.rows, "engines": rows})
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
