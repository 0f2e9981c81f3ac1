"""Build the refresh fixture pairs in fixtures/refresh/<case>/{previous,current}/ (issue 4).

Deterministic (seeded): running it again reproduces the committed files byte for byte
(tests/refresh/test_gate.py checks). Every pair is a small slice of the bundled synthetic extracts
in fixtures/extracts/: the previous extract is an accepted one; the current one adds the next
period and, except in `clean`, plants exactly one defect.

    clean           reoffending, benefits, social_investment: current = previous + one new period
                    (previous benefits as Parquet, everything else CSV)
    dropped-region  social_investment: current has no deal in one region (E12000007)
    doubled-cohort  reoffending: the 2009 cohort's rows appear twice (new offender ids)
    renamed-code    benefits: benefit code JSA renamed JSA_NEW
    revised-history reoffending: the 2009 youth cohort's re-offending rate moved about 4 points
    shifted-rate    reoffending: the newest youth cohort's rate 13+ points above the cohort before
    truncated-csv   reoffending: current CSV cut in the middle of a row
    wrong-encoding  social_investment: current CSV with latin-1 bytes ('£' before the amounts)

Usage: python scripts/make_refresh_fixtures.py [--out DIR]
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "fixtures" / "extracts"
OUT = ROOT / "fixtures" / "refresh"
SEED = 20130401

PREV_COHORTS = ["2008", "2009", "2010"]
NEW_COHORT = "2010-04/2011-03"
PER_GROUP = 150  # rows per cohort and cohort_group
PREV_DATES = ["2009-03-31", "2010-03-31", "2011-03-31"]
NEW_DATE = "2012-03-31"
PER_DATE = 1000
PREV_YEARS = [2009, 2010]
NEW_YEAR = 2011
DEALS = {2009: 30, 2010: 30, 2011: 24}
DROPPED_REGION = "E12000007"


def _stratified(df: pl.DataFrame, n: int, seed: int) -> pl.DataFrame:
    """n rows with the same re-offending rate as df (to the nearest row), sorted by id."""
    rate = df["reoffended"].mean()
    k = round(rate * n)
    yes = df.filter(pl.col("reoffended")).sample(k, seed=seed)
    no = df.filter(~pl.col("reoffended")).sample(n - k, seed=seed + 1)
    return pl.concat([yes, no]).sort("offender_id")


def reoffending() -> tuple[pl.DataFrame, pl.DataFrame]:
    """previous (three cohorts) and the new cohort's rows."""
    df = pl.read_parquet(SOURCE / "reoffending.parquet")
    parts: dict[str, list[pl.DataFrame]] = {}
    for i, cohort in enumerate([*PREV_COHORTS, NEW_COHORT]):
        for j, group in enumerate(["youth", "adult"]):
            d = df.filter((pl.col("cohort") == cohort) & (pl.col("cohort_group") == group))
            parts.setdefault(cohort, []).append(_stratified(d, PER_GROUP, SEED + 10 * i + j))
    prev = pl.concat([pl.concat(parts[c]) for c in PREV_COHORTS])
    new = pl.concat(parts[NEW_COHORT])
    return prev, new


def benefits() -> tuple[pl.DataFrame, pl.DataFrame]:
    df = pl.read_parquet(SOURCE / "benefits.parquet")
    out = []
    for i, d in enumerate([*PREV_DATES, NEW_DATE]):
        rows = df.filter(pl.col("reference_date") == pl.lit(d).str.to_date())
        out.append(rows.sample(PER_DATE, seed=SEED + i).sort("claim_id"))
    return pl.concat(out[:-1]), out[-1]


def social_investment() -> tuple[pl.DataFrame, pl.DataFrame]:
    """Deals resampled from the bundled ones (same years, regions, amounts), new deal ids."""
    df = pl.read_parquet(SOURCE / "social_investment.parquet")
    regions = sorted(df["region"].unique().to_list())
    if DROPPED_REGION not in regions:
        regions.append(DROPPED_REGION)
    out = []
    next_id = 3600000
    for i, (year, n) in enumerate(DEALS.items()):
        amounts = df.filter(pl.col("year") == year)["amount_gbp"]
        sampled = amounts.sample(n, with_replacement=True, seed=SEED + i)
        reg = pl.Series(regions).sample(n, with_replacement=True, seed=SEED + 100 + i)
        out.append(pl.DataFrame({
            "deal_id": [f"D{next_id + k}" for k in range(n)],
            "year": [year] * n,
            "amount_gbp": sampled,
            "region": reg,
        }))  # fmt: skip
        next_id += n
    return pl.concat(out[:-1]), out[-1]


def _write(df: pl.DataFrame, folder: Path, stem: str, fmt: str = "csv") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{stem}.{fmt}"
    if fmt == "parquet":
        df.write_parquet(path, statistics=True, compression="zstd")
    else:
        df.write_csv(path, date_format="%Y-%m-%d")
    return path


def _pair(out: Path, case: str, stem: str, prev: pl.DataFrame, cur: pl.DataFrame, prev_fmt: str = "csv") -> Path:
    _write(prev, out / case / "previous", stem, prev_fmt)
    return _write(cur, out / case / "current", stem)


def _flip(df: pl.DataFrame, cohort: str, group: str, k: int, to: bool, seed: int) -> pl.DataFrame:
    """Flip k rows of one cohort/group to reoffended == to, keeping the contract's rules."""
    idx = df.with_row_index("_i").filter(
        (pl.col("cohort") == cohort) & (pl.col("cohort_group") == group) & (pl.col("reoffended") != to)
    )["_i"].sample(k, seed=seed)
    hit = pl.col("_i").is_in(idx.implode())
    df = df.with_row_index("_i")
    return df.with_columns(
        reoffended=pl.when(hit).then(pl.lit(to)).otherwise(pl.col("reoffended")),
        n_reoffences=pl.when(hit).then(pl.lit(2 if to else 0)).otherwise(pl.col("n_reoffences")),
        reoffence_code=pl.when(hit).then(pl.lit("803" if to else None, dtype=pl.String))
        .otherwise(pl.col("reoffence_code")),
    ).drop("_i")


def build(out: Path = OUT) -> list[Path]:
    if out.exists():
        shutil.rmtree(out)
    r_prev, r_new = reoffending()
    b_prev, b_new = benefits()
    s_prev, s_new = social_investment()
    r_cur, b_cur, s_cur = pl.concat([r_prev, r_new]), pl.concat([b_prev, b_new]), pl.concat([s_prev, s_new])

    # clean
    _pair(out, "clean", "reoffending", r_prev, r_cur)
    _pair(out, "clean", "benefits", b_prev, b_cur, prev_fmt="parquet")
    _pair(out, "clean", "social_investment", s_prev, s_cur)

    # dropped-region
    _pair(out, "dropped-region", "social_investment", s_prev, s_cur.filter(pl.col("region") != DROPPED_REGION))

    # doubled-cohort: 2009 twice, the copy with new offender ids (not an exact duplicate)
    twin = r_prev.filter(pl.col("cohort") == "2009").with_row_index("_k")
    twin = twin.with_columns(offender_id=pl.format("O9{}", pl.col("_k").cast(pl.String).str.zfill(8))).drop("_k")
    _pair(out, "doubled-cohort", "reoffending", r_prev, pl.concat([r_cur, twin]))

    # renamed-code
    renamed = b_cur.with_columns(benefit=pl.col("benefit").replace("JSA", "JSA_NEW"))
    _pair(out, "renamed-code", "benefits", b_prev, renamed)

    # revised-history: 6 of 150 youth re-offenders in 2009 become non-re-offenders (-4 points)
    _pair(out, "revised-history", "reoffending", r_prev, _flip(r_cur, "2009", "youth", 6, False, SEED))

    # shifted-rate: 20 of 150 youth in the newest cohort become re-offenders (+13 points)
    _pair(out, "shifted-rate", "reoffending", r_prev, _flip(r_cur, NEW_COHORT, "youth", 20, True, SEED))

    # truncated-csv: cut in the middle of a row, about two thirds in
    path = _pair(out, "truncated-csv", "reoffending", r_prev, r_cur)
    data = path.read_bytes()
    cut = data.index(b"\n", len(data) * 2 // 3) + 15
    path.write_bytes(data[:cut])

    # wrong-encoding: latin-1 pound signs before the amounts
    path = _pair(out, "wrong-encoding", "social_investment", s_prev, s_cur)
    lines = path.read_bytes().split(b"\n")
    fixed = [lines[0]] + [_pound(line) for line in lines[1:]]
    path.write_bytes(b"\n".join(fixed))
    return sorted(p for p in out.rglob("*") if p.is_file())


def _pound(line: bytes) -> bytes:
    cells = line.split(b",")
    if len(cells) == 4:
        cells[2] = "£".encode("latin-1") + cells[2]
    return b",".join(cells)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=OUT, help=f"output folder (default: {OUT})")
    args = ap.parse_args()
    files = build(args.out)
    total = sum(p.stat().st_size for p in files)
    print(f"wrote {len(files)} files, {total:,} bytes, under {args.out}")


if __name__ == "__main__":
    main()
