"""children (indicators 1a, 1b, 1c): the Understanding Society sample, Tables 1-2 exactly, with
weights calibrated so that every weighted rate lands inside its printed interval."""

from __future__ import annotations

import numpy as np
import polars as pl

from pubcheck.synth.rows import format_ids, increasing_ids, strings
from pubcheck.synth.shapes import LOW_INCOME_OVERSAMPLE
from pubcheck.synth.solve import _margin
from pubcheck.synth.targets import Target, TargetError, Targets


def gen_children(t: Targets, rng: np.random.Generator) -> pl.DataFrame:
    """Understanding Society: Table 1's sample sizes exactly, Table 2's known-income base, and
    weights calibrated so that every weighted rate lands inside its printed interval."""
    bands = t.bands
    w_low = t.low_income_share.value / 100  # type: ignore[union-attr]
    u_share = t.unhappy_low.value / 100  # type: ignore[union-attr]
    m_share = t.missing_share.value / 100  # type: ignore[union-attr]
    ages_l, band_l = [], []
    for b, (label, lo, hi) in enumerate(bands):
        n = t.t1_n[label]
        counts = rng.multinomial(n, np.full(hi - lo + 1, 1 / (hi - lo + 1)))
        ages_l.append(np.repeat(np.arange(lo, hi + 1), counts))
        band_l.append(np.full(n, b))
    age = np.concatenate(ages_l)
    band = np.concatenate(band_l)
    n_all = len(age)
    if n_all != t.t1_n["all"] or sum(t.t2_n[label] for label, _, _ in bands) != t.t2_n["all"]:
        raise TargetError("Table 1/2 sample sizes do not add up to their 'All children' rows")
    base = 0.65 + 1.40 * rng.beta(2.0, 3.0, n_all)
    income = np.ones(n_all, dtype=np.int8)  # 0 low, 1 middle/high, 2 unknown
    notboth = np.zeros(n_all, dtype=bool)
    for b, (label, _, _) in enumerate(bands):
        idx = np.flatnonzero(band == b)
        unknown = t.t1_n[label] - t.t2_n[label]
        perm = rng.permutation(idx)
        income[perm[:unknown]] = 2
        known = perm[unknown:]
        n_low = round(w_low * LOW_INCOME_OVERSAMPLE * len(known))
        income[known[:n_low]] = 0
        unk = perm[:unknown]
        notboth[unk] = rng.random(unknown) < t.t1_rate[label].value / 100
    # weighted totals that the grid search works with
    nb = len(bands)
    W = np.array([base[band == b].sum() for b in range(nb)])
    U = np.array([base[(band == b) & (income == 2)].sum() for b in range(nb)])
    UN = np.array([base[(band == b) & (income == 2) & notboth].sum() for b in range(nb)])
    K = W - U
    L, M = w_low * K, (1 - w_low) * K
    p_low, p_mid = _children_rates(t, W, UN, L, M)
    # sub-cells: a single-year age with its own target (e.g. 16) is split off its band
    single = {a: tg for a, tg in t.age_rate.items() if any(lo <= a <= hi for _, lo, hi in bands)}
    delta: dict[int, float] = {}
    for a, tg in single.items():
        b = next(i for i, (_, lo, hi) in enumerate(bands) if lo <= a <= hi)
        in_a = age == a
        t16 = {inc: base[in_a & (income == inc)].sum() / base[(band == b) & (income == inc)].sum() * tot
               for inc, tot in ((0, L[b]), (1, M[b]))}  # fmt: skip
        u16 = base[in_a & (income == 2)].sum()
        un16 = base[in_a & (income == 2) & notboth].sum()
        known_part = p_low[b] * t16[0] + p_mid[b] * t16[1]
        delta[a] = (tg.value * (t16[0] + t16[1] + u16) - 100 * un16 - known_part) / (t16[0] + t16[1])
    weight = base.copy()
    happiness = np.full(n_all, -1, dtype=np.int8)  # -1 null, 0 happy, 1 unhappy, 2 no_answer

    def calibrate(rows: np.ndarray, total: float) -> None:
        s = base[rows].sum()
        if len(rows) and s > 0:
            weight[rows] = base[rows] * (total / s)

    def both_parents(rows: np.ndarray, total: float) -> None:
        """Happiness answers for children living with both birth parents, weighted to the
        unhappy and missing shares."""
        n = len(rows)
        perm = rng.permutation(rows)
        if n < 20:  # too few to calibrate without extreme weights: drawn, weights kept
            draws = rng.choice(3, size=n, p=[1 - u_share - m_share, u_share, m_share])
            happiness[rows] = draws
            calibrate(rows, total)
            return
        k_u = min(max(1, round(u_share * n)), n - 2)
        k_m = min(max(1, round(m_share * n)), n - k_u - 1)
        un, mi, ha = perm[:k_u], perm[k_u:k_u + k_m], perm[k_u + k_m:]
        happiness[un], happiness[mi], happiness[ha] = 1, 2, 0
        calibrate(un, u_share * total)
        calibrate(mi, m_share * total)
        calibrate(ha, (1 - u_share - m_share) * total)

    for b, (_, lo, hi) in enumerate(bands):
        for inc, cell_total, rate in ((0, L[b], p_low[b]), (1, M[b], p_mid[b])):
            cell = (band == b) & (income == inc)
            cell_base = base[cell].sum()
            subs = [(a, age == a) for a in delta if lo <= a <= hi]
            rest = cell.copy()
            parts = []
            for a, in_a in subs:
                parts.append((cell & in_a, rate + delta[a]))
                rest &= ~in_a
            if subs:
                t_sub = sum(base[m].sum() / cell_base * cell_total for m, _ in parts)
                t_rest = base[rest].sum() / cell_base * cell_total
                rest_rate = (rate * cell_total - sum(q * base[m].sum() / cell_base * cell_total
                                                     for m, q in parts)) / t_rest  # fmt: skip
                parts.append((rest, rest_rate))
                assert abs(t_sub + t_rest - cell_total) < 1e-6 * cell_total
            else:
                parts = [(cell, rate)]
            for mask, q in parts:
                rows = np.flatnonzero(mask)
                total = base[rows].sum() / cell_base * cell_total
                n = len(rows)
                k = min(max(1, round(q / 100 * n)), n - 1)
                perm = rng.permutation(rows)
                nb_rows, both_rows = perm[:k], perm[k:]
                notboth[nb_rows] = True
                notboth[both_rows] = False
                calibrate(nb_rows, q / 100 * total)
                both_parents(both_rows, (1 - q / 100) * total)
        unk = np.flatnonzero((band == b) & (income == 2) & ~notboth)
        both_parents(unk, base[unk].sum())
    order = rng.permutation(n_all)
    ids = format_ids(increasing_ids(rng, n_all, 9), "K", 9)
    hap = pl.Series(["happy", "unhappy", "no_answer", None], dtype=pl.String).gather(
        np.where(happiness[order] < 0, 3, happiness[order]).astype(np.uint32))
    return pl.DataFrame({
        "child_id": ids,
        "age": pl.Series(age[order], dtype=pl.Int64),
        "both_birth_parents": pl.Series(~notboth[order]),
        "income_group": strings(["bottom_20", "middle_high", "unknown"], income[order]),
        "relationship_happiness": hap,
        "weight": pl.Series(weight[order], dtype=pl.Float64),
    })  # fmt: skip


def _children_rates(t: Targets, W: np.ndarray, UN: np.ndarray, L: np.ndarray,
                    M: np.ndarray) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """Weighted not-both-parents rates per band and income group (percent), chosen on a grid
    inside each cell's printed interval so that Table 1's bands, Table 2's 'All children' row
    and Table 1's 'All children' row also hold, with the largest margin."""
    labels = [label for label, _, _ in t.bands]
    nb = len(labels)
    grids = []
    for label in labels:
        for inc in ("low", "middle_high"):
            iv = t.t2_rate[(label, inc)].interval
            k = 10
            grids.append(iv.lo + (np.arange(k) + 0.5) * (iv.hi - iv.lo) / k)
    mesh = np.meshgrid(*grids, indexing="ij", sparse=True)
    lows, mids = mesh[0::2], mesh[1::2]
    score = np.full([len(g) for g in grids], np.inf)

    def apply(value: np.ndarray, tg: Target | None) -> None:
        nonlocal score
        if tg is not None:
            score = np.minimum(score, _margin(value, tg.interval))

    total_num = 0.0
    for b, label in enumerate(labels):
        apply(lows[b], t.t2_rate[(label, "low")])
        apply(mids[b], t.t2_rate[(label, "middle_high")])
        num = L[b] * lows[b] + M[b] * mids[b] + 100 * UN[b]
        apply(num / W[b], t.t1_rate.get(label))
        total_num = total_num + num
    apply(sum(L[b] * lows[b] for b in range(nb)) / L.sum(), t.t2_rate.get(("all", "low")))
    apply(sum(M[b] * mids[b] for b in range(nb)) / M.sum(), t.t2_rate.get(("all", "middle_high")))
    apply(total_num / W.sum(), t.t1_rate.get("all"))
    best = np.unravel_index(int(np.argmax(score)), score.shape)
    values = [g[i] for g, i in zip(grids, best, strict=True)]
    return np.array(values[0::2]), np.array(values[1::2])
