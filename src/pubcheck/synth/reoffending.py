"""reoffending (indicators 3 and 6) and offender_employment (6-employment): youth and adult
cohorts with their re-offenders and re-offences; offenders released in RELEASE_YEAR in P45
employment."""

from __future__ import annotations

import numpy as np
import polars as pl

from pubcheck.synth.plan import Plan
from pubcheck.synth.rows import _days, cohort_window, dates, format_ids, increasing_ids, strings
from pubcheck.synth.shapes import (
    ADULT_DISPOSAL_SHARE,
    OFFENCE_CODES,
    RELEASE_YEAR,
    REOFFEND_PROPENSITY,
    YOUTH_AGE_WEIGHTS,
    YOUTH_DISPOSAL_SHARE,
)
from pubcheck.synth.solve import choose_k, top_k_weighted
from pubcheck.synth.targets import Targets
from schemas.extracts import ADULT_DISPOSALS, YOUTH_DISPOSALS


def _reoffence_counts(rng: np.random.Generator, k: int, total: int) -> np.ndarray:
    """k re-offenders' re-offence counts (each >= 1, at most 500) summing exactly to total."""
    if k == 0:
        return np.zeros(0, dtype=np.int64)
    mu = max(total / k - 1, 0.01)
    r = 1.2
    extra = rng.negative_binomial(r, r / (r + mu), k).astype(np.int64)
    extra = np.minimum(extra, 499)
    diff = total - k - int(extra.sum())
    while diff != 0:
        if diff > 0:
            room = np.flatnonzero(extra < 499)
            pick = rng.choice(room, size=min(diff, len(room)), replace=False)
            extra[pick] += 1
            diff -= len(pick)
        else:
            pos = np.flatnonzero(extra > 0)
            pick = rng.choice(pos, size=min(-diff, len(pos)), replace=False)
            extra[pick] -= 1
            diff += len(pick)
    return extra + 1


def gen_reoffending(t: Targets, plan: Plan, rng: np.random.Generator) -> pl.DataFrame:
    names = ("cohort", "group", "age", "date", "disp", "reo", "nreo", "code")
    cols: dict[str, list[np.ndarray]] = {k: [] for k in names}
    disposals = list(dict.fromkeys([*YOUTH_DISPOSALS, *ADULT_DISPOSALS]))
    youth_ages = np.array(list(YOUTH_AGE_WEIGHTS), dtype=np.int64)
    youth_p = np.array(list(YOUTH_AGE_WEIGHTS.values()), dtype=float)
    youth_p /= youth_p.sum()
    for ci, c in enumerate(t.cohorts):
        start, end = cohort_window(c)
        for gi, group in enumerate(("youth", "adult")):
            d, r, total = plan.reoffending[(c, group)]
            if group == "youth":
                age = rng.choice(youth_ages, size=d, p=youth_p)
                shares = YOUTH_DISPOSAL_SHARE
            else:
                age = np.minimum(18 + np.floor(rng.gamma(1.6, 11.0, d)).astype(np.int64), 90)
                shares = ADULT_DISPOSAL_SHARE
            names = list(shares)
            disp_local = rng.choice(len(names), size=d, p=np.array(list(shares.values())))
            disp = np.array([disposals.index(x) for x in names])[disp_local]
            prop = np.array([REOFFEND_PROPENSITY[x] for x in names])[disp_local] * (1.0 + 8.0 / np.maximum(age - 8, 1))
            reo = top_k_weighted(rng, prop, r)
            nreo = np.zeros(d, dtype=np.int64)
            nreo[reo] = _reoffence_counts(rng, r, total)
            code = np.full(d, len(OFFENCE_CODES), dtype=np.uint32)
            code[reo] = rng.integers(0, len(OFFENCE_CODES), r)
            cols["cohort"].append(np.full(d, ci, dtype=np.uint32))
            cols["group"].append(np.full(d, gi, dtype=np.uint32))
            cols["age"].append(age.astype(np.int64))
            cols["date"].append(_days(start) + rng.integers(0, (end - start).days + 1, d))
            cols["disp"].append(disp.astype(np.uint32))
            cols["reo"].append(reo)
            cols["nreo"].append(nreo)
            cols["code"].append(code)
    cat = {k: np.concatenate(v) for k, v in cols.items()}
    n = len(cat["age"])
    return pl.DataFrame({
        "offender_id": format_ids(increasing_ids(rng, n, 9), "O", 9),
        "cohort": strings(t.cohorts, cat["cohort"]),
        "cohort_group": strings(["youth", "adult"], cat["group"]),
        "age_at_index": pl.Series(cat["age"], dtype=pl.Int64),
        "index_date": dates(cat["date"]),
        "index_disposal": strings(disposals, cat["disp"]),
        "reoffended": pl.Series(cat["reo"]),
        "n_reoffences": pl.Series(cat["nreo"], dtype=pl.Int64),
        "reoffence_code": pl.Series([*OFFENCE_CODES, None], dtype=pl.String).gather(cat["code"]),
    })  # fmt: skip


def gen_employment(plan: Plan, rng: np.random.Generator) -> pl.DataFrame:
    d, n = plan.employment
    work = choose_k(rng, d, n)
    return pl.DataFrame({
        "offender_id": format_ids(increasing_ids(rng, d, 9), "O", 9),
        "release_year": pl.Series(np.full(d, RELEASE_YEAR), dtype=pl.Int64),
        "in_p45_employment_12m": pl.Series(work),
    })  # fmt: skip
