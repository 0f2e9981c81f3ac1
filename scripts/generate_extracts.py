#!/usr/bin/env python
"""Generate synthetic row-level extracts whose aggregates reproduce the published figures.

    python scripts/generate_extracts.py --scale S --seed N --out DIR [--format parquet,csv]

writes one file per contract in schemas/extracts.py (`<stem>.parquet`, and `<stem>.csv` when
--format includes csv), a frictionless `datapackage.json` and a `manifest.json` into DIR. The
output depends only on (scale, seed, the publications): the same arguments give the same
files, byte for byte.

How the targets are found, solved and written, and what the bundled fixtures are: the
generator itself, src/pubcheck/synth/ (its package docstring). This script is its command
line.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from pubcheck.synth.generate import generate  # noqa: E402
from pubcheck.synth.targets import TargetError  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--scale", type=float, default=1.0, help="1.0 = national size (about 45 million rows)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--format", default="parquet", help="comma-separated: parquet,csv")
    ap.add_argument("--published", type=Path, default=ROOT / "published", help="folder of the publications")
    ap.add_argument("--compression-level", type=int, default=3,
                    help="zstd level of the Parquet files (3: fast; the bundled fixtures use 19: small)")
    ap.add_argument("--validate-rows", type=int, default=0, metavar="N",
                    help="also have frictionless check the first N rows of every file against datapackage.json")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args(argv)
    try:
        generate(args.out, args.scale, args.seed, [f.strip() for f in args.format.split(",") if f.strip()],
                 published=args.published, log=None if args.quiet else lambda m: print(m, file=sys.stderr),
                 validate_rows=args.validate_rows or None, compression_level=args.compression_level)
    except (TargetError, ValueError, RuntimeError) as exc:
        print(f"generate_extracts: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
