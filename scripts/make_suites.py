"""(Re)generate a starting Great Expectations suite for each accepted extract.

One suite per extract, ``checks/gx/<stem>.json``, from the extract as accepted and its contract
(schemas/extracts.py), via pubcheck.refresh.gx.suite_from_extract (less observed value sets on the contract
key's columns: identities, not codes) and write_suite: pretty-printed JSON,
sorted keys, one expectation an entry, for a data engineer to review and edit without Python.
A new source gets its starting suite in one step:

    python scripts/make_suites.py                          # every extract in fixtures/extracts
    python scripts/make_suites.py --extracts DIR --only reoffending --out checks/gx

Regenerating overwrites the suite: review the diff (git diff checks/gx) before committing,
and re-apply any hand edits it undoes. checks/gx/published-figures.json is written by hand and
is never touched here (no extract is called published-figures).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # schemas/ (the contracts) sits at the project root
    sys.path.insert(0, str(ROOT))

SUFFIXES = (".parquet", ".csv")
RESERVED = {"published-figures"}  # hand-written suites this script must not overwrite


def _read(path: Path):  # noqa: ANN202 - polars is imported lazily
    import polars as pl

    return pl.read_parquet(path) if path.suffix == ".parquet" else pl.read_csv(path, try_parse_dates=True)


def extracts_in(folder: Path, only: list[str] | None = None) -> list[Path]:
    """The extract files in a folder (<stem>.parquet, else <stem>.csv), sorted by stem."""
    found: dict[str, Path] = {}
    for suffix in reversed(SUFFIXES):  # .parquet wins over a .csv of the same stem
        for path in sorted(folder.glob(f"*{suffix}")):
            found[path.stem] = path
    if only:
        missing = sorted(set(only) - set(found))
        if missing:
            raise FileNotFoundError(f"{folder}: no extract named {', '.join(missing)}")
        found = {k: v for k, v in found.items() if k in only}
    return [found[k] for k in sorted(found)]


# Cross-column rules of the contracts that GX's own expectations can express; the others
# (e.g. n_reoffences > 0 exactly when re-offended) stay in the Pandera contracts only.
CROSS_COLUMN: dict[str, list[dict]] = {
    "treatment": [{
        "type": "expect_column_pair_values_a_to_be_greater_than_b",
        "kwargs": {"column_A": "exit_date", "column_B": "first_presented", "or_equal": True,
                   "ignore_row_if": "either_value_is_missing"},
        "meta": {"notes": "an exit is not before the first presentation (contract rule exit-not-before-presentation)"},
    }],
}  # fmt: skip


def starting_suite(df, stem: str, *, row_tolerance: float = 0.2) -> dict:  # noqa: ANN001 - a polars frame
    """gx.suite_from_extract, less the observed value sets of the contract key's columns: a key
    (deal_id, offender_id) holds identities, not codes, and a refresh brings new ones. A value
    set the contract declares for a key column stays."""
    from pubcheck.refresh.gx import _contract_columns, suite_from_extract

    suite = suite_from_extract(df, stem, row_tolerance=row_tolerance)
    contract, key = _contract_columns(stem)
    suite["expectations"] = [
        e
        for e in suite["expectations"]
        if not (
            e["type"] == "expect_column_values_to_be_in_set"
            and e["kwargs"].get("column") in key
            and "allowed" not in contract.get(e["kwargs"]["column"], {})
        )
    ]
    suite["expectations"] += CROSS_COLUMN.get(stem, [])
    return suite


def main(argv: list[str] | None = None) -> int:
    from pubcheck.refresh.gx import write_suite

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--extracts",
        type=Path,
        default=ROOT / "fixtures" / "extracts",
        help="folder of accepted extracts (default: fixtures/extracts)",
    )
    ap.add_argument("--only", action="append", metavar="STEM", help="only this extract (repeatable)")
    ap.add_argument("--out", type=Path, default=ROOT / "checks" / "gx", help="suite folder (default: checks/gx)")
    ap.add_argument("--row-tolerance", type=float, default=0.2, help="row count may move by this share (default 0.2)")
    args = ap.parse_args(argv)

    if not args.extracts.is_dir():
        print(f"make_suites: {args.extracts}: no such folder", file=sys.stderr)
        return 2
    try:
        paths = extracts_in(args.extracts, args.only)
    except FileNotFoundError as exc:
        print(f"make_suites: {exc}", file=sys.stderr)
        return 2
    if not paths:
        print(f"make_suites: {args.extracts}: no .parquet or .csv extracts", file=sys.stderr)
        return 2
    for path in paths:
        if path.stem in RESERVED:
            print(f"make_suites: skipping {path.name}: {path.stem}.json is a hand-written suite", file=sys.stderr)
            continue
        df = _read(path)
        suite = starting_suite(df, path.stem, row_tolerance=args.row_tolerance)
        suite["meta"]["source"] = path.name
        suite["meta"]["rows"] = df.height
        out = write_suite(suite, args.out / f"{path.stem}.json")
        print(f"{out}: {len(suite['expectations'])} expectations from {path.name} ({df.height} rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
