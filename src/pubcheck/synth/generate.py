"""The driver: targets -> plan -> one extract family after another (each with its own random
stream) -> files, datapackage.json, manifest.json, and the self-check."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import numpy as np
import polars as pl

from pubcheck.paths import published_dir
from pubcheck.synth.benefits import gen_benefits, gen_population
from pubcheck.synth.children import gen_children
from pubcheck.synth.plan import make_plan
from pubcheck.synth.pupils import gen_pupils
from pubcheck.synth.reoffending import gen_employment, gen_reoffending
from pubcheck.synth.social_investment import gen_social_investment
from pubcheck.synth.targets import TargetError, Targets, load_targets
from pubcheck.synth.treatment import gen_treatment
from pubcheck.synth.verify import verify
from pubcheck.synth.write import GENERATOR, GENERATOR_VERSION, _schema_descriptor, _write, conform, write_datapackage
from schemas.extracts import CONTRACTS

# one random stream per extract: an extract does not change when another one does
STREAMS = {"children": 1, "pupils": 2, "reoffending": 3, "treatment": 4, "benefits": 5,
           "population": 6, "offender_employment": 7, "social_investment": 8}  # fmt: skip


def generate(out: Path, scale: float, seed: int, formats: Iterable[str] = ("parquet",),
             published: Path | None = None, targets: Targets | None = None,
             log: Callable[[str], None] | None = None, validate_rows: int | None = None,
             compression_level: int = 3) -> dict[str, object]:  # fmt: skip
    """Generate every extract into `out`; returns the manifest (also written to manifest.json).

    datapackage.json is always validated as metadata; with `validate_rows`, frictionless also
    reads that many rows of each file and checks them against the declared schema (slow:
    frictionless reads Parquet through pandas)."""
    formats = list(dict.fromkeys(formats))
    if "parquet" not in formats:
        formats.insert(0, "parquet")
    bad = set(formats) - {"parquet", "csv"}
    if bad:
        raise ValueError(f"unknown format(s): {sorted(bad)}")
    say = log or (lambda _m: None)
    t0 = time.perf_counter()
    t = targets or load_targets(published or _bundled_published())
    plan = make_plan(t, scale)
    say(f"targets from the publications; scale {plan.scale['reoffending']:g} (requested {scale:g})")
    out.mkdir(parents=True, exist_ok=True)
    if "csv" not in formats:
        for stem in CONTRACTS:
            (out / f"{stem}.csv").unlink(missing_ok=True)
    rng = lambda stem: np.random.default_rng([seed, STREAMS[stem]])  # noqa: E731
    makers: dict[str, Callable[[], pl.DataFrame]] = {
        "children": lambda: gen_children(t, rng("children")),
        "pupils": lambda: gen_pupils(t, plan, rng("pupils")),
        "reoffending": lambda: gen_reoffending(t, plan, rng("reoffending")),
        "treatment": lambda: gen_treatment(t, plan, rng("treatment")),
        "benefits": lambda: gen_benefits(t, plan, rng("benefits")),
        "population": lambda: gen_population(plan),
        "offender_employment": lambda: gen_employment(plan, rng("offender_employment")),
        "social_investment": lambda: gen_social_investment(plan, rng("social_investment")),
    }
    if set(makers) != set(CONTRACTS):
        raise RuntimeError(f"contracts without a generator: {sorted(set(CONTRACTS) - set(makers))}")
    frames: dict[str, pl.DataFrame] = {}
    schemas: dict[str, dict] = {}
    pending: list[Future[None]] = []
    with ThreadPoolExecutor(max_workers=1) as writer:
        for stem in CONTRACTS:
            t1 = time.perf_counter()
            df = conform(stem, makers[stem]())
            frames[stem] = df
            schemas[stem] = _schema_descriptor(stem, df)
            pending.append(writer.submit(_write, df, out, stem, formats, compression_level))
            say(f"{stem}: {df.height:,} rows generated in {time.perf_counter() - t1:.1f}s")
        checks = verify(t, plan, frames)
        for f in pending:
            f.result()
    rows = {stem: df.height for stem, df in frames.items()}
    failed = [c for c in checks if not c.ok]
    total_rows = sum(rows.values())
    write_datapackage(out, plan, seed, rows, schemas, formats, validate_rows=validate_rows)
    manifest: dict[str, object] = {
        "generator": f"{GENERATOR} v{GENERATOR_VERSION}",
        "seed": seed,
        "requested_scale": scale,
        "compression_level": compression_level,
        "scale": plan.scale["reoffending"],
        "resources": {stem: {"file": f"{stem}.parquet", "rows": rows[stem], "scale": plan.scale[stem]}
                      for stem in CONTRACTS},  # fmt: skip
        "total_rows": total_rows,
        "targets": [c.to_dict() for c in checks],
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    say(f"{total_rows:,} rows in {time.perf_counter() - t0:.1f}s; "
        f"{sum(c.ok for c in checks)}/{len(checks)} targets as expected")  # fmt: skip
    if failed:
        raise RuntimeError("targets missed: " + "; ".join(
            f"{c.name}: {c.value:.4f} not {'in' if c.expect else 'outside'} {c.target.interval.show()}"
            for c in failed))  # fmt: skip
    return manifest


def _bundled_published() -> Path:
    d = published_dir()
    if d is None:
        raise TargetError("no --published folder given and the bundled published/ folder was not found")
    return d
