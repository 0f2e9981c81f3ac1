"""treatment (indicator 5a): drug and alcohol clients of the treatment cohort, their exits and
re-presentations."""

from __future__ import annotations

import numpy as np
import polars as pl

from pubcheck.synth.plan import Plan
from pubcheck.synth.rows import _days, dates, format_ids, increasing_ids, strings, treatment_window
from pubcheck.synth.shapes import RETURN_AFTER_UNSUCCESSFUL, TREATMENT_DAYS_MEAN, TREATMENT_OTHER_EXITS
from pubcheck.synth.targets import TargetError, Targets


def gen_treatment(t: Targets, plan: Plan, rng: np.random.Generator) -> pl.DataFrame:
    start, end = treatment_window(t.treatment_cohort)
    span = (end - start).days
    reasons = ["successful", "dropped_out", "transferred", "died", "prison", "other"]
    out: dict[str, list[np.ndarray]] = {k: [] for k in ("sub", "first", "exit", "reason", "back")}
    for si, sub in enumerate(("drug", "alcohol")):
        d, n = plan.treatment[sub]
        split = {"successful": n}
        split.update({k: round(v * d) for k, v in TREATMENT_OTHER_EXITS.items()})
        ongoing = d - sum(split.values())
        if ongoing < 0:
            raise TargetError("treatment: the plausible exit shares exceed the cohort")
        # reason codes: 0..5 as `reasons`, 6 = successful but returned, 7 = still in treatment
        code = np.concatenate([np.full(split["successful"], 0), np.full(split["successful_returned"], 6),
                               *[np.full(split[r], reasons.index(r)) for r in reasons[1:]],
                               np.full(ongoing, 7)]).astype(np.int64)  # fmt: skip
        code = code[rng.permutation(d)]
        still = code == 7
        first = np.where(still, np.floor(span * rng.beta(2.5, 1.0, d)), rng.integers(0, span + 1, d)).astype(np.int64)
        length = np.floor(rng.gamma(2.0, TREATMENT_DAYS_MEAN[sub] / 2.0, d)).astype(np.int64)
        room = span - first
        length = np.where(length > room, np.floor(room * rng.random(d)).astype(np.int64), length)
        returned = (code == 6) | ((code >= 1) & (code <= 5) & (rng.random(d) < RETURN_AFTER_UNSUCCESSFUL))
        returned &= code != 3  # no return after death
        out["sub"].append(np.full(d, si, dtype=np.uint32))
        out["first"].append(_days(start) + first)
        out["exit"].append(np.where(still, -1, _days(start) + first + length))
        out["reason"].append(np.where(code == 6, 0, code))
        out["back"].append(returned & ~still)
    cat = {k: np.concatenate(v) for k, v in out.items()}
    n = len(cat["sub"])
    perm = rng.permutation(n)
    cat = {k: v[perm] for k, v in cat.items()}
    exit_days = cat["exit"]
    exit_series = dates(np.where(exit_days < 0, 0, exit_days)).set(pl.Series(exit_days < 0), None)
    return pl.DataFrame({
        "client_id": format_ids(increasing_ids(rng, n, 9), "C", 9),
        "cohort": pl.Series([t.treatment_cohort] * n, dtype=pl.String),
        "substance": strings(["drug", "alcohol"], cat["sub"]),
        "first_presented": dates(cat["first"]),
        "exit_date": exit_series,
        "exit_reason": pl.Series([*reasons, None], dtype=pl.String).gather(
            np.where(cat["reason"] == 7, 6, cat["reason"]).astype(np.uint32)),
        "re_presented": pl.Series(cat["back"]),
    })  # fmt: skip
