"""benefits and population (indicator 4): claims on each 31 March by benefit, age and months
on benefit; the working-age population."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from pubcheck.synth.plan import Plan
from pubcheck.synth.rows import _days, dates, format_ids, increasing_ids, strings
from pubcheck.synth.shapes import (
    AGE_SHAPE,
    CLOSER_MIX,
    ENTRENCHED_PROPENSITY,
    ESA_FROM_YEAR,
    ESA_JOINT_SHARE,
    FURTHER_MIX,
    OUT_OF_SCOPE_MIX,
)
from pubcheck.synth.solve import choose_k, exact_split, top_k_weighted
from pubcheck.synth.targets import Targets
from schemas.extracts import BENEFITS


def _mix_for(mixes: dict[int, dict[str, float]], year: int) -> dict[str, float]:
    return mixes[max(y for y in mixes if y <= year)] if year >= min(mixes) else mixes[min(mixes)]


def _block(rng: np.random.Generator, n: int, mix: dict[str, float], n_entrenched: int | None,
           ages: tuple[int, int] | None) -> dict[str, np.ndarray]:  # fmt: skip
    """Claims of one block: benefit, age, months on benefit (exactly n_entrenched with >= 36)."""
    parts = exact_split(n, mix)
    benefit = np.concatenate([np.full(k, BENEFITS.index(b), dtype=np.uint32) for b, k in parts.items()])
    benefit = benefit[rng.permutation(n)]
    age = np.empty(n, dtype=np.int64)
    if ages is None:  # out of scope: 16-21 or 60-64
        young = rng.random(n) < 0.6
        age[young] = rng.integers(16, 22, int(young.sum()))
        age[~young] = rng.integers(60, 65, int((~young).sum()))
    else:
        lo, hi = ages
        for bi, b in enumerate(BENEFITS):
            sel = benefit == bi
            k = int(sel.sum())
            if k:
                a, c = AGE_SHAPE.get(b, (2.2, 1.3))
                age[sel] = lo + np.floor((hi - lo + 1) * rng.beta(a, c, k)).astype(np.int64)
    if n_entrenched is None:
        months = np.floor(49 * rng.random(n)).astype(np.int64)
        months = np.minimum(months, np.maximum(12 * (age - 16), 0))
    else:
        prop = np.array([ENTRENCHED_PROPENSITY[b] for b in BENEFITS])[benefit]
        ent = top_k_weighted(rng, prop, n_entrenched)
        long_ = np.where(rng.random(n) < 0.55, 48, 36 + np.floor(12 * rng.random(n))).astype(np.int64)
        short = np.floor(36 * rng.beta(1.0, 1.6, n)).astype(np.int64)
        months = np.where(ent, long_, np.minimum(short, 35))
    return {"benefit": benefit, "age": age, "months": months}


def gen_benefits(t: Targets, plan: Plan, rng: np.random.Generator) -> pl.DataFrame:
    frames = []
    is_codes = [BENEFITS.index("IS_LONE_PARENT"), BENEFITS.index("IS_OTHER")]
    esa_codes = [BENEFITS.index(b) for b in ("ESA_WRAG", "ESA_ASSESSMENT", "ESA_SUPPORT")]
    for y, c in plan.benefits.items():
        closer = {k: v for k, v in _mix_for(CLOSER_MIX, y).items() if y >= ESA_FROM_YEAR or not k.startswith("ESA")}
        further = {k: v for k, v in _mix_for(FURTHER_MIX, y).items() if y >= ESA_FROM_YEAR or not k.startswith("ESA")}
        oos = {k: v for k, v in OUT_OF_SCOPE_MIX.items() if y >= ESA_FROM_YEAR or not k.startswith("ESA")}
        blocks = [_block(rng, c["capable"], closer, c["entrenched"], (22, 59)),
                  _block(rng, c["further"], further, c["further_entrenched"], (22, 59)),
                  _block(rng, c["out_of_scope"], oos, None, None)]  # fmt: skip
        cat = {k: np.concatenate([b[k] for b in blocks]) for k in blocks[0]}
        n = len(cat["age"])
        perm = rng.permutation(n)
        cat = {k: v[perm] for k, v in cat.items()}
        ben = cat["benefit"]
        joint = np.zeros(n, dtype=bool)
        jsa = np.flatnonzero(ben == BENEFITS.index("JSA"))
        joint[jsa[choose_k(rng, len(jsa), round(t.joint_share["JSA"].value / 100 * len(jsa)))]] = True
        n_is = int(np.isin(ben, is_codes).sum())
        is_other = np.flatnonzero(ben == BENEFITS.index("IS_OTHER"))  # lone parents claim alone
        k_is = min(round(t.joint_share["IS"].value / 100 * n_is), len(is_other))
        joint[is_other[choose_k(rng, len(is_other), k_is)]] = True
        esa = np.flatnonzero(np.isin(ben, esa_codes))
        joint[esa[choose_k(rng, len(esa), round(ESA_JOINT_SHARE * len(esa)))]] = True
        ref = dt.date(y, t.benefit_date.month, t.benefit_date.day)  # type: ignore[union-attr]
        frames.append(pl.DataFrame({
            "claim_id": format_ids(increasing_ids(rng, n, 10), "B", 10),
            "reference_date": dates(np.full(n, _days(ref))),
            "claimant_age": pl.Series(cat["age"], dtype=pl.Int64),
            "benefit": strings(BENEFITS, ben),
            "months_on_benefit_48": pl.Series(cat["months"], dtype=pl.Int64),
            "joint_claim": pl.Series(joint),
        }))  # fmt: skip
    return pl.concat(frames, rechunk=False)


def gen_population(plan: Plan) -> pl.DataFrame:
    years = sorted(plan.population)
    return pl.DataFrame({"year": pl.Series(years, dtype=pl.Int64),
                         "population_22_59": pl.Series([plan.population[y] for y in years], dtype=pl.Int64)})
