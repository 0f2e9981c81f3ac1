"""Targets from the documents: pubcheck's own extraction of the publications (documents ->
figures), and from the Outcomes Framework's figures every value the generator aims at, as a
Target (the printed value and the interval the data must hit)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from pubcheck.documents.load import load_documents
from pubcheck.figures.extract import extract
from pubcheck.figures.link import rules_for
from pubcheck.model import Figure, Interval

SJOF = "sjof-2013-04"  # the statistical publication (manifest id)
SJOF_FILE = "sjof-2013-04-outcomes-framework.txt"


class TargetError(RuntimeError):
    """The publications do not yield a target the generator needs."""


@dataclass(frozen=True)
class Target:
    """A published figure as a target: the value aimed at and the interval to hit."""

    value: float
    interval: Interval
    where: str  # document:line, for messages and the manifest

    @classmethod
    def of(cls, f: Figure) -> Target:
        return cls(f.value, f.interval, f.location.label())

    def contains(self, x: float) -> bool:
        return self.interval.contains(x)


@dataclass
class Targets:
    # children
    bands: list[tuple[str, int, int]] = field(default_factory=list)  # label, first age, last age
    t1_rate: dict[str, Target] = field(default_factory=dict)  # band label or 'all'
    t1_n: dict[str, int] = field(default_factory=dict)
    t2_rate: dict[tuple[str, str], Target] = field(default_factory=dict)  # (band|'all', low|middle_high)
    t2_n: dict[str, int] = field(default_factory=dict)
    age_rate: dict[int, Target] = field(default_factory=dict)  # single-year ages, e.g. 16
    unhappy_low: Target | None = None
    unhappy_high: Target | None = None
    missing_share: Target | None = None
    low_income_share: Target | None = None
    # pupils: (key stage, academic year, group) -> target
    attainment: dict[tuple[str, str, str], Target] = field(default_factory=dict)
    years: list[str] = field(default_factory=list)
    # reoffending: cohorts in order; youth re-offending rates; adult not-re-offending rates
    cohorts: list[str] = field(default_factory=list)
    youth_rate: dict[str, Target] = field(default_factory=dict)
    adult_not_rate: dict[str, Target] = field(default_factory=dict)
    youth_n: Target | None = None
    youth_reoffenders: Target | None = None
    adult_n: Target | None = None
    adult_not: Target | None = None
    youth_size_change_2000: Target | None = None  # percent smaller than in 2000
    per_reoffender: dict[str, Target] = field(default_factory=dict)  # youth / adult
    per_reoffender_change: dict[tuple[str, str], Target] = field(default_factory=dict)  # (group, base)
    # treatment
    treatment_cohort: str = ""
    treatment: dict[tuple[str, str], Target] = field(default_factory=dict)  # (substance, measure)
    # benefits
    benefit_date: dt.date | None = None
    capable_claims: Target | None = None
    entrenched_claims: Target | None = None
    entrenched_rate: Target | None = None
    joint_share: dict[str, Target] = field(default_factory=dict)  # IS, JSA
    # offenders in work, social investment
    in_work: Target | None = None
    market: Target | None = None
    market_year: int = 0

    def latest_cohort(self) -> str:
        return self.cohorts[-1]


def _match_key(f: Figure, indicator: str, measure: str | None, period: str | None = None,
               breakdown: dict[str, str] | None = None) -> bool:  # fmt: skip
    k = f.key
    if k.indicator != indicator or (measure is not None and k.measure != measure):
        return False
    if period is not None and k.period != period:
        return False
    return breakdown is None or dict(k.breakdown) == breakdown


class FigureIndex:
    """The statistical publication's figures, with selection that insists on one value."""

    def __init__(self, published: Path) -> None:
        # as `pubcheck check` reads them: paths shown relative to the working directory (they
        # are the targets' `where`), and a document whose extraction fails is left out
        loaded = load_documents(published, display_root=Path.cwd())
        linking = rules_for(published)
        extractions = []
        for doc in loaded.documents:
            try:
                extractions.append(extract(doc, linking))
            except Exception:  # `check` reports it as extraction-error; a target it held is then missing
                continue
        found = [e for e in extractions
                 if e.document.manifest_id == SJOF or Path(e.document.path).name == SJOF_FILE]  # fmt: skip
        if not found:
            raise TargetError(f"{published}: the Outcomes Framework ({SJOF_FILE}) was not extracted")
        self.extraction = found[0]
        self.figures: list[Figure] = list(self.extraction.figures)
        self.all_extractions = extractions

    def select(self, pred: Callable[[Figure], bool]) -> list[Figure]:
        return [f for f in self.figures if pred(f)]

    def one(self, pred: Callable[[Figure], bool], what: str) -> Figure:
        """The figure matching `pred`; several quotes of one figure must agree."""
        hits = self.select(pred)
        if not hits:
            raise TargetError(f"no published figure for {what}")
        first = hits[0]
        for f in hits[1:]:
            if (f.value, f.precision, f.interval) != (first.value, first.precision, first.interval):
                raise TargetError(f"{what}: quotes disagree ({first.location.label()} vs {f.location.label()})")
        return first

    def target(self, pred: Callable[[Figure], bool], what: str) -> Target:
        return Target.of(self.one(pred, what))


def _band(label: str) -> tuple[int, int] | None:
    m = re.fullmatch(r"(\d{1,2})-(\d{1,2})", label)
    return (int(m.group(1)), int(m.group(2))) if m else None


def load_targets(published: Path) -> Targets:
    """Every target the generator aims at, taken from pubcheck's extraction of the documents
    (extracted once per folder and process)."""
    return _load_targets(str(Path(published).resolve()))


@lru_cache(maxsize=4)
def _load_targets(published: str) -> Targets:
    ix = FigureIndex(Path(published))
    t = Targets()
    cell = lambda f: f.kind == "cell"  # noqa: E731
    prose = lambda f: f.kind == "number"  # noqa: E731

    # ---- children: Table 1 (1a) and Table 2 (1b)
    for f in ix.select(lambda f: cell(f) and f.key.indicator == "1a"):
        age = dict(f.key.breakdown).get("age")
        if age is None:
            continue
        if f.key.measure == "sample_size":
            t.t1_n[age] = round(f.value)
        elif f.key.measure == "not_with_both_parents":
            t.t1_rate[age] = Target.of(f)
    for f in ix.select(lambda f: cell(f) and f.key.indicator == "1b"):
        dims = dict(f.key.breakdown)
        age = dims.get("age")
        if age is None:
            continue
        if f.key.measure == "sample_size":
            t.t2_n[age] = round(f.value)
        elif f.key.measure == "not_with_both_parents" and "income" in dims:
            t.t2_rate[(age, dims["income"])] = Target.of(f)
    bands = sorted((b, *_band(b)) for b in t.t1_n if _band(b))  # type: ignore[misc]
    t.bands = sorted(bands, key=lambda x: x[1])
    if not t.bands or "all" not in t.t1_n or set(t.t2_n) != set(t.t1_n):
        raise TargetError("Tables 1-2 (children by age) were not extracted with their sample sizes")
    for f in ix.select(lambda f: prose(f) and f.unit == "percent"
                       and _match_key(f, "1a", "not_with_both_parents")):  # fmt: skip
        age = dict(f.key.breakdown).get("age", "")
        if age.isdigit():
            t.age_rate[int(age)] = Target.of(f)
    rng_fig = ix.one(lambda f: f.kind == "range" and f.key.indicator == "1c", "1c range")
    if rng_fig.low is None or rng_fig.high is None:
        raise TargetError("1c range without its ends")
    half = rng_fig.precision / 2
    where = rng_fig.location.label()
    t.unhappy_low = Target(rng_fig.low, Interval(rng_fig.low - half, rng_fig.low + half), where)
    t.unhappy_high = Target(rng_fig.high, Interval(rng_fig.high - half, rng_fig.high + half), where)
    lines = {ix.extraction.footnotes.get(n) for n in rng_fig.footnotes} - {None}
    t.missing_share = ix.target(lambda f: f.line in lines and f.unit == "percent" and prose(f),
                                "missing-answer share (the 1c range's footnote)")  # fmt: skip
    low_defs = sorted(ix.select(lambda f: f.unit == "percent" and prose(f) and f.key.indicator is None
                                and re.search(r"\bbottom\b", f.sentence or "")
                                and re.search(r"low income", f.sentence or "", re.I)),
                      key=lambda f: (f.line, f.span))  # fmt: skip
    if not low_defs:
        raise TargetError("the low-income definition ('bottom N%') was not found")
    t.low_income_share = Target.of(low_defs[0])

    # ---- pupils: Tables 3-4
    for ks, ind in (("KS2", "2-ks2"), ("KS4", "2-ks4")):
        for f in ix.select(lambda f, ind=ind: cell(f) and _match_key(f, ind, "attainment")):
            group = dict(f.key.breakdown).get("group")
            if group and f.key.period:
                t.attainment[(ks, f.key.period, group)] = Target.of(f)
    t.years = sorted({y for (_, y, _) in t.attainment})
    for ks in ("KS2", "KS4"):
        for y in t.years:
            for g in ("fsm", "other"):
                if (ks, y, g) not in t.attainment:
                    raise TargetError(f"Table 3/4: no {g} rate for {ks} {y}")

    # ---- reoffending: Tables 5-6 and the latest cohort in prose
    order = lambda c: (int(c[:4]), len(c))  # noqa: E731  ('2010' before '2010-04/2011-03')
    for f in ix.select(lambda f: cell(f) and _match_key(f, "3", "reoffend") and f.key.period):
        t.youth_rate[f.key.period] = Target.of(f)  # type: ignore[index]
    for f in ix.select(lambda f: cell(f) and _match_key(f, "6", "not_reoffend") and f.key.period):
        t.adult_not_rate[f.key.period] = Target.of(f)  # type: ignore[index]
    if not t.youth_rate or set(t.youth_rate) != set(t.adult_not_rate):
        raise TargetError("Tables 5 and 6 do not cover the same cohorts")
    t.cohorts = sorted(t.youth_rate, key=order)
    latest = t.latest_cohort()
    t.youth_n = ix.target(lambda f: prose(f) and _match_key(f, "3", "cohort_count", latest), "youth cohort size")
    t.youth_reoffenders = ix.target(lambda f: prose(f) and _match_key(f, "3", "reoffender_count", latest),
                                    "youth re-offenders")  # fmt: skip
    t.adult_n = ix.target(lambda f: prose(f) and _match_key(f, "6", "cohort_count", latest), "adult cohort size")
    t.adult_not = ix.target(lambda f: prose(f) and _match_key(f, "6", "non_reoffender_count", latest),
                            "adult non-re-offenders")  # fmt: skip
    t.youth_size_change_2000 = ix.target(
        lambda f: f.kind == "change" and _match_key(f, "3", "cohort_size") and f.base_period == t.cohorts[0],
        "youth cohort size change since the first cohort")
    for group, ind in (("youth", "3"), ("adult", "6")):
        t.per_reoffender[group] = ix.target(
            lambda f, ind=ind: prose(f) and f.unit == "number" and _match_key(f, ind, "reoffences_per_reoffender"),
            f"{group} re-offences per re-offender")
        for f in ix.select(lambda f, ind=ind: f.kind == "change" and f.relative
                           and _match_key(f, ind, "reoffences_per_reoffender")):  # fmt: skip
            t.per_reoffender_change[(group, f.base_period or "")] = Target(
                f.value * (f.direction or 1), Interval(*sorted(x * (f.direction or 1) for x in
                                                             (f.interval.lo, f.interval.hi))),
                f.location.label())  # fmt: skip

    # ---- treatment (5a)
    periods = {f.key.period for f in ix.select(lambda f: prose(f) and f.key.indicator == "5a") if f.key.period}
    if len(periods) != 1:
        raise TargetError(f"5a: expected one treatment cohort, found {sorted(periods)}")
    t.treatment_cohort = periods.pop()
    for sub in ("drug", "alcohol"):
        for measure in ("cohort_count", "success_count", "completion"):
            t.treatment[(sub, measure)] = ix.target(
                lambda f, sub=sub, m=measure: prose(f) and _match_key(f, "5a", m, t.treatment_cohort,
                                                                       {"substance": sub}),
                f"5a {sub} {measure}")  # fmt: skip

    # ---- benefits (4)
    cap = ix.one(lambda f: prose(f) and f.unit == "count" and _match_key(f, "4", "capable_claims")
                 and f.key.period, "capable claims")  # fmt: skip
    t.benefit_date = dt.date.fromisoformat(cap.key.period)  # type: ignore[arg-type]
    t.capable_claims = Target.of(cap)
    t.entrenched_claims = ix.target(lambda f: prose(f) and f.unit == "count"
                                    and _match_key(f, "4", "entrenched_claims", cap.key.period),
                                    "entrenched claims")  # fmt: skip
    t.entrenched_rate = ix.target(lambda f: prose(f) and f.unit == "percent"
                                  and _match_key(f, "4", "entrenched_rate", cap.key.period),
                                  "entrenched share of the population")  # fmt: skip
    for name, pattern in (("IS", r"\bIS claims\b.*\bjoint\b"), ("JSA", r"^For JSA\b.*\bequivalent\b")):
        t.joint_share[name] = ix.target(lambda f, p=pattern: prose(f) and f.unit == "percent"
                                        and re.search(p, (f.sentence or "").strip()) is not None,
                                        f"joint-claim share of {name} claims")  # fmt: skip

    # ---- 6-employment, 7
    t.in_work = ix.target(lambda f: prose(f) and f.unit == "percent" and _match_key(f, "6-employment", "in_work"),
                          "offenders in P45 employment")  # fmt: skip
    market = lambda f: prose(f) and f.unit == "GBP" and _match_key(f, "7", "market_size")  # noqa: E731
    years = sorted(int(f.key.period) for f in ix.select(market) if (f.key.period or "").isdigit())
    if not years:
        raise TargetError("no social investment market size with a year")
    # the earliest year is the estimate of the market; later ones are forecasts of demand
    mk = ix.one(lambda f: market(f) and f.key.period == str(years[0]), "social investment market size")
    t.market, t.market_year = Target.of(mk), int(mk.key.period)  # type: ignore[arg-type]
    return t
