"""social_investment (indicator 7): deals by year and region summing to the market size."""

from __future__ import annotations

import numpy as np
import polars as pl

from pubcheck.synth.plan import Plan
from pubcheck.synth.rows import format_ids, increasing_ids, strings
from pubcheck.synth.shapes import REGION_SHARE
from schemas.extracts import REGIONS


def gen_social_investment(plan: Plan, rng: np.random.Generator) -> pl.DataFrame:
    years, amounts, regions = [], [], []
    share = np.array(REGION_SHARE) / sum(REGION_SHARE)
    for y, (k, total) in plan.deals.items():
        raw = rng.lognormal(0.0, 1.1, k)
        amt = np.round(raw / raw.sum() * total, 2)
        amt[np.argmax(amt)] += round(total - float(amt.sum()), 2)
        years.append(np.full(k, y))
        amounts.append(amt)
        regions.append(rng.choice(len(REGIONS), size=k, p=share).astype(np.uint32))
    n = sum(len(a) for a in amounts)
    return pl.DataFrame({
        "deal_id": format_ids(increasing_ids(rng, n, 7), "D", 7),
        "year": pl.Series(np.concatenate(years), dtype=pl.Int64),
        "amount_gbp": pl.Series(np.concatenate(amounts), dtype=pl.Float64),
        "region": strings(REGIONS, np.concatenate(regions)),
    })  # fmt: skip
