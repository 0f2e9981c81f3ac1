"""pupils (indicators 2-ks2, 2-ks4): FSM and other pupils per key stage and academic year."""

from __future__ import annotations

import numpy as np
import polars as pl

from pubcheck.synth.plan import Plan
from pubcheck.synth.rows import format_ids, increasing_ids, strings
from pubcheck.synth.shapes import LA_CODES
from pubcheck.synth.targets import Targets


def gen_pupils(t: Targets, plan: Plan, rng: np.random.Generator) -> pl.DataFrame:
    la_w = rng.pareto(1.5, len(LA_CODES)) + 1.0
    la_w /= la_w.sum()
    parts: dict[str, list[np.ndarray]] = {"group": [], "fsm": [], "achieved": [], "la": []}
    groups = list(plan.pupils)
    for g, key in enumerate(groups):
        d_f, n_f, d_o, n_o = plan.pupils[key]
        n = d_f + d_o
        fsm = np.zeros(n, dtype=bool)
        fsm[:d_f] = True
        ach = np.zeros(n, dtype=bool)
        ach[:n_f] = True
        ach[d_f:d_f + n_o] = True
        perm = rng.permutation(n)
        parts["group"].append(np.full(n, g, dtype=np.uint32))
        parts["fsm"].append(fsm[perm])
        parts["achieved"].append(ach[perm])
        parts["la"].append(rng.choice(len(LA_CODES), size=n, p=la_w).astype(np.uint32))
    group = np.concatenate(parts["group"])
    ids = increasing_ids(rng, len(group), 9)
    return pl.DataFrame({
        "pupil_id": format_ids(ids, "P", 9),
        "academic_year": strings([y for _, y in groups], group),
        "key_stage": strings([ks for ks, _ in groups], group),
        "fsm": pl.Series(np.concatenate(parts["fsm"])),
        "achieved": pl.Series(np.concatenate(parts["achieved"])),
        "la_code": strings(LA_CODES, np.concatenate(parts["la"])),
    })  # fmt: skip
