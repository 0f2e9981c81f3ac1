"""The plan: integer counts per group and extract at the requested scale (raised to the floor
where a rate's denominator would have fewer than MIN_DENOMINATOR_ROWS rows)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from pubcheck.synth.shapes import (
    ADULT_COHORT_VS_LATEST,
    BENEFIT_FIRST_YEAR,
    CAPABLE_VS_2012,
    CLAIMS_PER_DATE,
    CLAIMS_TOTAL_FACTOR,
    DEALS_AT_SCALE_1,
    ENTRENCHED_PP_VS_2012,
    FSM_SHARE,
    FURTHER_ENTRENCHED_PCT,
    FURTHER_ENTRENCHED_SHARE,
    GROSSED,
    MARKET_VS_PUBLISHED,
    MIN_DENOMINATOR_ROWS,
    OFFENDER_RELEASES,
    POPULATION_GROWTH,
    PUPIL_YEAR_FACTOR,
    PUPILS_PER_KEY_STAGE,
    YOUTH_COHORT_VS_2000,
)
from pubcheck.synth.solve import pick_numerator, pick_pair, solve_counts
from pubcheck.synth.targets import Target, TargetError, Targets


@dataclass
class Plan:
    scale: dict[str, float]
    requested_scale: float
    pupils: dict[tuple[str, str], tuple[int, int, int, int]] = field(default_factory=dict)  # d_f, n_f, d_o, n_o
    gap_reproduced: dict[tuple[str, str], bool] = field(default_factory=dict)
    # (cohort, group) -> rows, re-offenders, re-offences
    reoffending: dict[tuple[str, str], tuple[int, int, int]] = field(default_factory=dict)
    treatment: dict[str, tuple[int, int]] = field(default_factory=dict)  # substance -> rows, successes
    benefits: dict[int, dict[str, int]] = field(default_factory=dict)
    population: dict[int, int] = field(default_factory=dict)
    employment: tuple[int, int] = (0, 0)
    deals: dict[int, tuple[int, float]] = field(default_factory=dict)  # year -> rows, total GBP


def _nice_up(x: float) -> float:
    """Round a scale up to three significant digits."""
    if x >= 1:
        return 1.0
    k = 2 - math.floor(math.log10(x))
    return math.ceil(x * 10**k - 1e-9) / 10**k


def make_plan(t: Targets, requested: float) -> Plan:
    if not 0 < requested <= 1:
        raise ValueError("--scale must be in (0, 1]")
    latest = t.latest_cohort()
    # full-size (scale 1.0) counts
    youth_r, youth_d = solve_counts(t.youth_reoffenders, t.youth_n, t.youth_rate[latest])  # type: ignore[arg-type]
    adult_not, adult_d = solve_counts(t.adult_not, t.adult_n, t.adult_not_rate[latest])  # type: ignore[arg-type]
    change = t.youth_size_change_2000.value if t.youth_size_change_2000 else 0.0
    first = t.cohorts[0]
    youth_2000 = youth_d / (1 - change / 100)
    youth_size = {c: youth_2000 * YOUTH_COHORT_VS_2000.get(c, 1.0) for c in t.cohorts}
    youth_size[first], youth_size[latest] = youth_2000, youth_d
    adult_size = {c: adult_d * ADULT_COHORT_VS_LATEST.get(c, 1.0) for c in t.cohorts}
    adult_size[latest] = adult_d
    treat = {s: solve_counts(t.treatment[(s, "success_count")], t.treatment[(s, "cohort_count")],
                             t.treatment[(s, "completion")]) for s in ("drug", "alcohol")}  # fmt: skip
    pupils_people = {(ks, y): PUPILS_PER_KEY_STAGE * PUPIL_YEAR_FACTOR[i % len(PUPIL_YEAR_FACTOR)]
                     for ks in FSM_SHARE for i, y in enumerate(t.years)}  # fmt: skip
    # benefits at full size
    year2 = t.benefit_date.year  # type: ignore[union-attr]
    years = list(range(BENEFIT_FIRST_YEAR, year2 + 1))
    capable_2012 = _mid_count(t.capable_claims)  # type: ignore[arg-type]
    entrenched_2012 = _mid_count(t.entrenched_claims)  # type: ignore[arg-type]
    pop_2012 = round(entrenched_2012 / (t.entrenched_rate.value / 100))  # type: ignore[union-attr]
    population = {y: round(pop_2012 * (1 - POPULATION_GROWTH) ** (year2 - y)) for y in years}
    capable = {y: capable_2012 * CAPABLE_VS_2012.get(y, 1.0) for y in years}

    # scales: every rate denominator keeps MIN_DENOMINATOR_ROWS rows
    floors = {
        "pupils": min(v * FSM_SHARE[ks] for (ks, _), v in pupils_people.items()),
        "reoffending": min(min(youth_size.values()), min(adult_size.values())),
        "treatment": min(d for _, d in treat.values()),
        "benefits": min(capable.values()),
        "offender_employment": OFFENDER_RELEASES,
    }
    shared = max([requested] + [MIN_DENOMINATOR_ROWS / floors[s] for s in GROSSED if s in floors])
    s_pkg = requested if shared == requested else _nice_up(shared)
    scale = {s: s_pkg for s in GROSSED}
    emp = MIN_DENOMINATOR_ROWS / floors["offender_employment"]
    scale["offender_employment"] = requested if emp <= requested else _nice_up(max(emp, s_pkg))
    scale["children"] = scale["population"] = 1.0
    p = Plan(scale=scale, requested_scale=requested)

    # pupils
    s = scale["pupils"]
    for (ks, y), people in pupils_people.items():
        fsm_people = people * FSM_SHARE[ks]
        d_f, d_o = round(fsm_people * s), round((people - fsm_people) * s)
        n_f, n_o, ok = pick_pair(d_f, d_o, t.attainment[(ks, y, "fsm")], t.attainment[(ks, y, "other")],
                                 t.attainment.get((ks, y, "gap")))  # fmt: skip
        p.pupils[(ks, y)] = (d_f, n_f, d_o, n_o)
        p.gap_reproduced[(ks, y)] = ok

    # reoffending: rows, re-offenders and re-offences per cohort and group
    s = scale["reoffending"]
    means = _per_reoffender_means(t)
    for c in t.cohorts:
        d = round(youth_size[c] * s)
        aim = youth_r * s if c == latest else t.youth_rate[c].value / 100 * d
        r = pick_numerator(d, t.youth_rate[c].interval, aim)
        p.reoffending[(c, "youth")] = (d, r, round(means["youth"][c] * r))
        d = round(adult_size[c] * s)
        aim = adult_not * s if c == latest else t.adult_not_rate[c].value / 100 * d
        n_not = pick_numerator(d, t.adult_not_rate[c].interval, aim)
        r = d - n_not
        p.reoffending[(c, "adult")] = (d, r, round(means["adult"][c] * r))

    s = scale["treatment"]
    for sub, (n, d) in treat.items():
        rows = round(d * s)
        p.treatment[sub] = (rows, pick_numerator(rows, t.treatment[(sub, "completion")].interval, n * s))

    # benefits: rows per 31 March
    s = scale["benefits"]
    for y in years:
        pop = population[y]
        c_rows = round(capable[y] * s)
        if y == year2:
            e_rows = round(entrenched_2012 * s)
        else:
            e_rows = round(pop * (t.entrenched_rate.value + ENTRENCHED_PP_VS_2012.get(y, 0.0)) / 100 * s)  # type: ignore[union-attr]
        ef_rows = round(pop * FURTHER_ENTRENCHED_PCT.get(y, FURTHER_ENTRENCHED_PCT[2012]) / 100 * s)
        f_rows = round(ef_rows / FURTHER_ENTRENCHED_SHARE)
        total = round(CLAIMS_PER_DATE * CLAIMS_TOTAL_FACTOR.get(y, 1.0) * s)
        out = total - c_rows - f_rows
        if out < 0 or e_rows > c_rows:
            raise TargetError(f"benefits {y}: the plausible shapes do not fit the published totals")
        p.benefits[y] = {"capable": c_rows, "entrenched": e_rows, "further": f_rows,
                         "further_entrenched": ef_rows, "out_of_scope": out}  # fmt: skip
    p.population = population

    s = scale["offender_employment"]
    d = round(OFFENDER_RELEASES * s)
    p.employment = (d, pick_numerator(d, t.in_work.interval, t.in_work.value / 100 * d))  # type: ignore[union-attr]

    s = scale["social_investment"]
    for offset, n in DEALS_AT_SCALE_1.items():
        total = _mid_count(t.market) * MARKET_VS_PUBLISHED.get(offset, 1.0)  # type: ignore[arg-type]
        p.deals[t.market_year + offset] = (max(1, round(n * s)), round(total * s, 2))
    return p


def _mid_count(t: Target) -> float:
    """The middle of a count's interval (for '1 million' that is one million)."""
    return (t.interval.lo + t.interval.hi) / 2


def _per_reoffender_means(t: Targets) -> dict[str, dict[str, float]]:
    """Re-offences per re-offender by cohort: the latest as published; the previous cohort
    and the first (2000) from the published relative changes; other cohorts interpolated."""
    out: dict[str, dict[str, float]] = {}
    latest, first = t.latest_cohort(), t.cohorts[0]
    previous = t.cohorts[-2]
    for group in ("youth", "adult"):
        m = t.per_reoffender[group].value
        known = {latest: m}
        ch_prev = t.per_reoffender_change.get((group, "previous"))
        ch_first = t.per_reoffender_change.get((group, first))
        if ch_prev is not None:
            known[previous] = m / (1 + ch_prev.value / 100)
        if ch_first is not None:
            known[first] = m / (1 + ch_first.value / 100)
        xs = sorted((int(c[:4]), v) for c, v in known.items() if c != latest)
        vals = {}
        for c in t.cohorts:
            if c in known:
                vals[c] = known[c]
            elif len(xs) >= 2:
                vals[c] = float(np.interp(int(c[:4]), [x for x, _ in xs], [v for _, v in xs]))
            else:
                vals[c] = m
        out[group] = vals
    return out
