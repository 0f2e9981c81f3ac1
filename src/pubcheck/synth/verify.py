"""The self-check: every target recomputed from the rows written (a published contradiction must
stay visible: `expect=False`)."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from pubcheck.model import Interval
from pubcheck.synth.plan import Plan
from pubcheck.synth.targets import Target, Targets
from schemas.extracts import CLOSER_BENEFITS


@dataclass
class Check:
    name: str
    value: float
    target: Target
    expect: bool = True  # False: a published contradiction that must stay visible

    @property
    def ok(self) -> bool:
        return self.target.contains(self.value) == self.expect

    def to_dict(self) -> dict[str, object]:
        return {"target": self.name, "published": self.target.value, "where": self.target.where,
                "interval": [self.target.interval.lo, self.target.interval.hi],
                "achieved": round(self.value, 6), "reproduced": self.target.contains(self.value),
                "expected": "reproduced" if self.expect else "contradiction"}  # fmt: skip


def verify(t: Targets, plan: Plan, frames: dict[str, pl.DataFrame]) -> list[Check]:
    """Recompute every target from the generated rows."""
    out: list[Check] = []
    add = lambda name, v, tg, expect=True: out.append(Check(name, float(v), tg, expect)) if tg else None  # noqa: E731
    k = frames["children"]
    for label, lo, hi in [*t.bands, ("all", 0, 200)]:
        band = k.filter(pl.col("age").is_between(lo, hi))
        add(f"1a sample size {label}", band.height, Target(t.t1_n[label], Interval(t.t1_n[label] - 0.5,
                                                                                  t.t1_n[label] + 0.5), "Table 1"))
        add(f"1a {label}", _wrate(band, ~pl.col("both_birth_parents")), t.t1_rate.get(label))
        known = band.filter(pl.col("income_group") != "unknown")
        add(f"1b sample size {label}", known.height, Target(t.t2_n[label], Interval(t.t2_n[label] - 0.5,
                                                                                   t.t2_n[label] + 0.5), "Table 2"))
        for inc, code in (("low", "bottom_20"), ("middle_high", "middle_high")):
            add(f"1b {label} {inc}", _wrate(known.filter(pl.col("income_group") == code),
                                            ~pl.col("both_birth_parents")), t.t2_rate.get((label, inc)))
    for a, tg in t.age_rate.items():
        add(f"1a age {a}", _wrate(k.filter(pl.col("age") == a), ~pl.col("both_birth_parents")), tg)
    both = k.filter(pl.col("both_birth_parents"))
    low = _wrate(both, pl.col("relationship_happiness") == "unhappy")
    miss = _wrate(both, pl.col("relationship_happiness") == "no_answer")
    add("1c low (unhappy)", low, t.unhappy_low)
    add("1c missing share", miss, t.missing_share)
    add("1c high (unhappy + missing)", low + miss, t.unhappy_high, False)
    add("low-income share", _wrate(k.filter(pl.col("income_group") != "unknown"),
                                   pl.col("income_group") == "bottom_20"), t.low_income_share)
    p = frames["pupils"].group_by("key_stage", "academic_year", "fsm").agg(
        n=pl.len(), a=pl.col("achieved").sum())
    rates = {(r["key_stage"], r["academic_year"], r["fsm"]): 100 * r["a"] / r["n"] for r in p.iter_rows(named=True)}
    for (ks, y, g), tg in t.attainment.items():
        if g == "gap":
            add(f"{ks} gap {y}", rates[(ks, y, False)] - rates[(ks, y, True)], tg, plan.gap_reproduced[(ks, y)])
        else:
            add(f"{ks} {g} {y}", rates[(ks, y, g == "fsm")], tg)
    r = frames["reoffending"].group_by("cohort", "cohort_group").agg(
        n=pl.len(), r=pl.col("reoffended").sum(), o=pl.col("n_reoffences").sum())
    ro = {(x["cohort"], x["cohort_group"]): x for x in r.iter_rows(named=True)}
    s = plan.scale["reoffending"]
    for c in t.cohorts:
        y, a = ro[(c, "youth")], ro[(c, "adult")]
        add(f"3 youth re-offending {c}", 100 * y["r"] / y["n"], t.youth_rate[c])
        add(f"6 adult not re-offending {c}", 100 * (a["n"] - a["r"]) / a["n"], t.adult_not_rate[c])
    latest, first, prev = t.latest_cohort(), t.cohorts[0], t.cohorts[-2]
    y, a = ro[(latest, "youth")], ro[(latest, "adult")]
    add("3 youth cohort", y["n"] / s, t.youth_n)
    add("3 youth re-offenders", y["r"] / s, t.youth_reoffenders)
    add("6 adult cohort", a["n"] / s, t.adult_n)
    add("6 adult non-re-offenders", (a["n"] - a["r"]) / s, t.adult_not)
    add("3 youth cohort change since first", 100 * (1 - y["n"] / ro[(first, "youth")]["n"]), t.youth_size_change_2000)
    for group in ("youth", "adult"):
        m = ro[(latest, group)]["o"] / ro[(latest, group)]["r"]
        add(f"{group} re-offences per re-offender", m, t.per_reoffender.get(group))
        for base, c in (("previous", prev), (first, first)):
            mb = ro[(c, group)]["o"] / ro[(c, group)]["r"]
            add(f"{group} per re-offender change vs {c}", 100 * (m / mb - 1),
                t.per_reoffender_change.get((group, base)))
    tr = frames["treatment"].group_by("substance").agg(
        n=pl.len(), s=((pl.col("exit_reason") == "successful") & ~pl.col("re_presented")).fill_null(False).sum()
    ).sort("substance", descending=True)
    s = plan.scale["treatment"]
    for x in tr.iter_rows(named=True):
        sub = x["substance"]
        add(f"5a {sub} first presentations", x["n"] / s, t.treatment[(sub, "cohort_count")])
        add(f"5a {sub} successful, no return", x["s"] / s, t.treatment[(sub, "success_count")])
        add(f"5a {sub} rate", 100 * x["s"] / x["n"], t.treatment[(sub, "completion")])
    b = frames["benefits"]
    ref = t.benefit_date
    b2 = b.filter(pl.col("reference_date") == ref)
    scope = b2.filter(pl.col("claimant_age").is_between(22, 59) & pl.col("benefit").is_in(CLOSER_BENEFITS))
    s = plan.scale["benefits"]
    ent = scope.filter(pl.col("months_on_benefit_48") >= 36).height / s
    add("4 capable claims", scope.height / s, t.capable_claims)
    add("4 entrenched claims", ent, t.entrenched_claims)
    add("4 entrenched share of population", 100 * ent / plan.population[ref.year], t.entrenched_rate)  # type: ignore[union-attr]
    for name, bens in (("IS", ["IS_LONE_PARENT", "IS_OTHER"]), ("JSA", ["JSA"])):
        sel = b2.filter(pl.col("benefit").is_in(bens))
        add(f"joint claims, {name}", 100 * sel["joint_claim"].mean(), t.joint_share.get(name))  # type: ignore[operator]
    e = frames["offender_employment"]
    add("6 offenders in P45 employment", 100 * e["in_p45_employment_12m"].mean(), t.in_work)  # type: ignore[operator]
    si = frames["social_investment"].filter(pl.col("year") == t.market_year)
    add(f"7 social investment {t.market_year}", si["amount_gbp"].sum() / plan.scale["social_investment"], t.market)
    return out


def _wrate(df: pl.DataFrame, cond: pl.Expr) -> float:
    w = df["weight"].sum()
    return 100 * df.filter(cond)["weight"].sum() / w if w else float("nan")
