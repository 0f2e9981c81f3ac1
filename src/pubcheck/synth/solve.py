"""Solving counts and rates together: integers whose rates fall inside the printed intervals,
chosen in the middle of the region where every constraint holds; and the random draws of
exact sizes (largest-remainder splits, weighted choice of k)."""

from __future__ import annotations

import math

import numpy as np

from pubcheck.model import Interval
from pubcheck.synth.targets import Target, TargetError


def _inside(x: np.ndarray, iv: Interval, eps: float = 1e-9) -> np.ndarray:
    """Vectorised Interval.contains: [lo, hi) with pubcheck's tolerance."""
    if iv.lo == iv.hi:
        return np.abs(x - iv.lo) < eps
    return (x >= iv.lo - eps) & (x < iv.hi - eps)


def _margin(x: np.ndarray, iv: Interval) -> np.ndarray:
    """Distance to the nearer end of the interval, as a share of its width (negative outside)."""
    w = max(iv.hi - iv.lo, 1e-12)
    return np.minimum(x - iv.lo, iv.hi - x) / w


def numerators(d: int, rate: Interval) -> np.ndarray:
    """Every integer n with 100*n/d inside `rate` (percent)."""
    lo = max(0, math.floor(rate.lo / 100 * d) - 1)
    hi = min(d, math.ceil(rate.hi / 100 * d) + 1)
    n = np.arange(lo, hi + 1)
    ok = _inside(100.0 * n / d, rate)
    if not ok.any():
        raise TargetError(f"no integer numerator puts the rate in {rate.show()} at denominator {d}")
    return n[ok]


def pick_numerator(d: int, rate: Interval, aim: float) -> int:
    """The numerator nearest `aim` (a count) whose rate lies in `rate`."""
    n = numerators(d, rate)
    return int(n[np.argmin(np.abs(n - aim))])


def solve_counts(n_t: Target, d_t: Target, rate: Target) -> tuple[int, int]:
    """(n, d) at full size: n, d and 100*n/d each inside its printed interval, near the middle
    of the region where they all hold."""
    r_lo, r_hi = rate.interval.lo / 100, rate.interval.hi / 100
    n_lo, n_hi = n_t.interval.lo, n_t.interval.hi
    d_lo = max(d_t.interval.lo, n_lo / r_hi)
    d_hi = min(d_t.interval.hi, n_hi / r_lo) if r_lo > 0 else d_t.interval.hi
    if d_lo >= d_hi:
        raise TargetError(f"counts {n_t.where} and {d_t.where} cannot give the rate {rate.where}")
    d = round((d_lo + d_hi) / 2)
    lo, hi = max(n_lo, r_lo * d), min(n_hi, r_hi * d)
    n = round((lo + hi) / 2)
    if not (n_t.contains(n) and d_t.contains(d) and rate.contains(100 * n / d)):
        raise TargetError(f"no integer solution for {rate.where}")
    return n, d


def pick_pair(d_f: int, d_o: int, t_f: Target, t_o: Target, t_gap: Target | None) -> tuple[int, int, bool]:
    """Numerators for the FSM and other groups. When the printed gap can hold together with
    both component rates, choose the pair that best satisfies all three; otherwise follow the
    components (the gap's contradiction stays). Returns (n_fsm, n_other, gap_reproduced)."""
    nf, no = numerators(d_f, t_f.interval), numerators(d_o, t_o.interval)
    rf, ro = 100.0 * nf / d_f, 100.0 * no / d_o
    if t_gap is not None:
        gap = ro[None, :] - rf[:, None]
        ok = _inside(gap, t_gap.interval)
        if ok.any():
            score = np.minimum(np.minimum(_margin(rf, t_f.interval)[:, None], _margin(ro, t_o.interval)[None, :]),
                               _margin(gap, t_gap.interval))  # fmt: skip
            score = np.where(ok, score, -np.inf)
            i, j = np.unravel_index(int(np.argmax(score)), score.shape)
            return int(nf[i]), int(no[j]), True
    i, j = int(np.argmin(np.abs(rf - t_f.value))), int(np.argmin(np.abs(ro - t_o.value)))
    return int(nf[i]), int(no[j]), False


def exact_split(total: int, shares: dict[str, float]) -> dict[str, int]:
    """Split an integer total by shares (largest remainder): parts sum to the total."""
    keys = list(shares)
    w = np.array([shares[k] for k in keys], dtype=float)
    raw = total * w / w.sum()
    base = np.floor(raw).astype(np.int64)
    rest = total - int(base.sum())
    order = np.argsort(-(raw - base), kind="stable")
    base[order[:rest]] += 1
    return dict(zip(keys, (int(x) for x in base), strict=True))


def top_k_weighted(rng: np.random.Generator, weights: np.ndarray, k: int) -> np.ndarray:
    """Indices of k items drawn without replacement with probability proportional to weight
    (Efraimidis-Spirakis keys), as a boolean mask."""
    n = len(weights)
    mask = np.zeros(n, dtype=bool)
    if k <= 0:
        return mask
    if k >= n:
        mask[:] = True
        return mask
    keys = np.log(rng.random(n)) / weights
    mask[np.argpartition(-keys, k - 1)[:k]] = True
    return mask


def choose_k(rng: np.random.Generator, n: int, k: int) -> np.ndarray:
    """A boolean mask with exactly k of n set, at random."""
    mask = np.zeros(n, dtype=bool)
    if k > 0:
        mask[rng.permutation(n)[:k]] = True
    return mask
