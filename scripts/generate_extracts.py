#!/usr/bin/env python
"""Generate synthetic row-level extracts whose aggregates reproduce the published figures.

    python scripts/generate_extracts.py --scale S --seed N --out DIR [--format parquet,csv]

writes one file per contract in schemas/extracts.py (`<stem>.parquet`, and `<stem>.csv` when
--format includes csv), a frictionless `datapackage.json` and a `manifest.json` into DIR. The
output depends only on (scale, seed, the publications): the same arguments give the same
files, byte for byte.

Targets come out of the documents
---------------------------------
No published value is typed in here. The generator runs pubcheck's extraction on the
publications (`pubcheck.report.check`) and takes every target from the Social Justice
Outcomes Framework's extracted figures: a figure's *interval* (every value the printed,
rounded figure may stand for) is what the data must hit, and its printed value is the point
aimed at. What is taken from where:

- children (1a, 1b, 1c): Table 1 and Table 2 cells (weighted rates, unweighted sample sizes;
  the known-income base is Table 2's), the single-year age figure ('By the age of 16 ...'),
  the low end of the relationship-quality range, the missing-answer share on the range's
  footnote line, and the bottom-income share of the income definition.
- pupils (2-ks2, 2-ks4): Tables 3-4, FSM and all-other rates by academic year.
- reoffending (3, 6): Tables 5-6 by cohort, the prose counts of the latest cohort (youth
  cohort and re-offenders; adult cohort and non-re-offenders), re-offences per re-offender
  and their relative changes against the previous cohort and 2000, and the youth cohort's
  change in size since 2000.
- treatment (5a): the drug and alcohol counts and rates of the 2009-12 cohort.
- benefits and population (4): capable claims, entrenched claims and their share of the
  working-age population on 31 March 2012, and the joint-claim shares of IS and JSA claims.
- offender_employment (6-employment): the P45 employment rate.
- social_investment (7): the 2011 market size.

Counts and rates are solved together by interval intersection: for a count n (e.g. drug
clients who completed), a denominator d (first presentations) and a rate (their percentage),
the generator picks integers in the middle of the region where n, d and 100*n/d all lie in
their intervals. A rate printed with
one decimal is hit by choosing an integer numerator at the generated denominator.

Contradictions stay in the data
-------------------------------
Where published figures contradict each other, the extract follows the more basic figures
(counts, then component rates) and the contradiction is left for pubcheck to find:

- Table 3, 2008-09: the printed gap is not all-other minus FSM; the data follow the
  component rates. A gap that *can* be reproduced within the rounding of its components
  (e.g. Table 4, 2008-09) is used to choose the point inside them.
- The relationship-quality range and its missing share cannot all hold: the data follow the
  low end (unhappy share) and the missing share, so the high end comes out as low + missing.
- Other publications (e.g. One year on's rounded 5a rate) are not targets at all.

Scale
-----
scale 1.0 is national size: about 550 thousand pupils per key stage and year, the
published youth and adult cohort sizes (11 cohorts), 5 million benefit claims on each 31
March 2006-2012, the published treatment cohorts, Table 1's children (the survey: always in
full), 60 thousand offenders released in 2008 and a few hundred social investment deals:
about 48 million rows,
written in well under two minutes on two cores. At scale S a row stands for 1/S people
(claims, deals): counts are grossed up by 1/S when recomputed.

Every denominator a published rate is computed from keeps at least 2,000 rows whatever the
scale, so that one-decimal rates can be hit exactly. The scale actually used is therefore
raised to that floor where needed:

- `pubcheck:scale` (package level, datapackage.json) is the scale of every extract whose
  counts are grossed up: pupils, reoffending, treatment, benefits, social_investment. It is
  max(S, floor), where the floor is 2,000 / the smallest such denominator (about 0.0233).
- each resource carries its own `pubcheck:scale` too. offender_employment (a rate only, no
  published count) may have a higher one (its own floor); children (a survey sample with
  weights) and population (estimates) are never scaled: 1.0.
- `pubcheck:requested_scale` records S as asked for. manifest.json repeats all of this with
  rows per extract and the achieved value of every target.

Every scale below the floor gives the same rows. The bundled fixtures/extracts/ are

    python scripts/generate_extracts.py --scale 0.001 --seed 2013 --compression-level 19 \
        --out fixtures/extracts

(the smallest output, about 1.1 million rows; zstd level 19 keeps the folder under 4 MB).
tests/test_generator.py regenerates them and compares the frames.

After writing, the generator recomputes every target from the rows it wrote and fails if one
is missed (or if a contradiction above has disappeared). The files in DIR are the
generator's: a stale `<stem>.csv` from an earlier run with csv is removed.

Plausible values where nothing is published
-------------------------------------------
Years and breakdowns without a published figure get plausible values, as smooth trends
defined by the constants below (cohort sizes other than the latest, re-offences per
re-offender between 2000 and 2010, benefits on 31 March 2006-2011, the benefit mix, the
further-from-work-benefit series, the population in years other than 2012, treatment exit
reasons, social investment before 2011, FSM shares, ages, disposals, dates, regions). The
working-age population of 2012 is derived: entrenched claims / their published share.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import math
import re
import sys
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from pubcheck.model import Figure, Interval  # noqa: E402
from schemas.extracts import (  # noqa: E402
    ADULT_DISPOSALS,
    BENEFITS,
    CLOSER_BENEFITS,
    CONTRACTS,
    REGIONS,
    YOUTH_DISPOSALS,
)

GENERATOR = "scripts/generate_extracts.py"
GENERATOR_VERSION = "1"
SJOF = "sjof-2013-04"  # the statistical publication (manifest id)
SJOF_FILE = "sjof-2013-04-outcomes-framework.txt"

# ------------------------------------------------------------------ sizes from the issue
# (not published figures: the scale of the synthetic population)
MIN_DENOMINATOR_ROWS = 2_000
PUPILS_PER_KEY_STAGE = 550_000
CLAIMS_PER_DATE = 5_000_000
BENEFIT_FIRST_YEAR = 2006
OFFENDER_RELEASES = 60_000  # "a few tens of thousands" of releases in the release year
RELEASE_YEAR = 2008  # the MoJ-DWP data share covers offenders released from prison in 2008
DEALS_AT_SCALE_1 = {-2: 180, -1: 220, 0: 260}  # "a few hundred" deals, by year relative to the published one

# ------------------------------------------------------------------ plausible shapes (not published)
# pupils: cohort size by year (index in the table's years) and FSM share by key stage
PUPIL_YEAR_FACTOR = (1.010, 1.000, 0.992, 0.986, 0.990)
FSM_SHARE = {"KS2": 0.180, "KS4": 0.160}
# 152 local-authority codes (three digits), sizes drawn per seed
LA_CODES = [f"{c:03d}" for c in [*range(201, 214), *range(301, 321), *range(330, 337), *range(340, 345),
            *range(350, 360), *range(370, 374), *range(380, 385), *range(390, 395), *range(800, 804),
            *range(805, 809), *range(810, 814), 815, 816, *range(820, 824), 825, 826, 830, 831,
            *range(835, 838), 840, 841, 845, 846, *range(850, 853), *range(855, 858), 860, 861,
            *range(865, 875), *range(876, 897), 908, 909, 916, 919, 921, 925, 926, 928, 929, 931,
            933, *range(935, 939)]]  # fmt: skip
# reoffending: youth cohort size relative to 2000 (2000 itself comes from the published
# change since 2000); adult cohort size relative to the latest cohort
YOUTH_COHORT_VS_2000 = {"2002": 1.04, "2003": 1.06, "2004": 1.10, "2005": 1.15, "2006": 1.18,
                        "2007": 1.15, "2008": 1.00, "2009": 0.85, "2010": 0.70}  # fmt: skip
ADULT_COHORT_VS_LATEST = {"2000": 0.88, "2002": 0.92, "2003": 0.95, "2004": 0.98, "2005": 1.00,
                          "2006": 1.02, "2007": 1.04, "2008": 1.05, "2009": 1.03, "2010": 1.01}  # fmt: skip
YOUTH_AGE_WEIGHTS = {10: 1, 11: 2, 12: 4, 13: 7, 14: 11, 15: 15, 16: 18, 17: 20}
YOUTH_DISPOSAL_SHARE = {"custody_release": 0.08, "court_conviction": 0.50, "reprimand_warning": 0.42}
ADULT_DISPOSAL_SHARE = {"custody_release": 0.12, "court_conviction": 0.55, "caution": 0.28,
                        "positive_drug_test": 0.05}  # fmt: skip
REOFFEND_PROPENSITY = {"custody_release": 2.0, "court_conviction": 1.3, "caution": 0.7,
                       "reprimand_warning": 0.7, "positive_drug_test": 1.8}  # fmt: skip
OFFENCE_CODES = ["028", "030", "039", "045", "046", "049", "053", "056", "058", "059", "066",
                 "092A", "104", "105A", "105B", "126", "149", "195", "802", "803", "8051", "9201"]  # fmt: skip
# benefits, per 31 March: capable claims relative to 2012; entrenched share of the
# population in percentage points relative to 2012 (stable, then rising 2008-2011, then a
# further rise to 2012, as the text describes); the further-from-work entrenched share of the
# population (falling since 2006); total claims relative to the 5 million.
CAPABLE_VS_2012 = {2006: 0.89, 2007: 0.87, 2008: 0.85, 2009: 1.00, 2010: 1.04, 2011: 1.02, 2012: 1.00}
ENTRENCHED_PP_VS_2012 = {2006: -0.40, 2007: -0.40, 2008: -0.40, 2009: -0.30, 2010: -0.25, 2011: -0.20, 2012: 0.0}
FURTHER_ENTRENCHED_PCT = {2006: 6.5, 2007: 6.4, 2008: 6.25, 2009: 6.1, 2010: 5.9, 2011: 5.7, 2012: 5.5}
FURTHER_ENTRENCHED_SHARE = 0.85  # of further-from-work claims aged 22-59
CLAIMS_TOTAL_FACTOR = {2006: 0.97, 2007: 0.96, 2008: 0.95, 2009: 1.02, 2010: 1.04, 2011: 1.02, 2012: 1.00}
POPULATION_GROWTH = 0.004  # per year, backwards from 2012
ESA_FROM_YEAR = 2009  # ESA began in October 2008: first 31 March with ESA claims
# benefit mix (shares) within capable (closer), further, and out-of-scope ages, by era
CLOSER_MIX = {2006: {"JSA": 0.50, "IS_LONE_PARENT": 0.50}, 2009: {"JSA": 0.55, "ESA_WRAG": 0.02,
              "ESA_ASSESSMENT": 0.10, "IS_LONE_PARENT": 0.33}, 2010: {"JSA": 0.55, "ESA_WRAG": 0.06,
              "ESA_ASSESSMENT": 0.10, "IS_LONE_PARENT": 0.29}, 2011: {"JSA": 0.52, "ESA_WRAG": 0.10,
              "ESA_ASSESSMENT": 0.11, "IS_LONE_PARENT": 0.27}, 2012: {"JSA": 0.52, "ESA_WRAG": 0.15,
              "ESA_ASSESSMENT": 0.10, "IS_LONE_PARENT": 0.23}}  # fmt: skip
FURTHER_MIX = {2006: {"IB": 0.80, "SDA": 0.05, "IS_OTHER": 0.15}, 2009: {"ESA_SUPPORT": 0.02, "IB": 0.78,
               "SDA": 0.05, "IS_OTHER": 0.15}, 2010: {"ESA_SUPPORT": 0.06, "IB": 0.74, "SDA": 0.05,
               "IS_OTHER": 0.15}, 2011: {"ESA_SUPPORT": 0.10, "IB": 0.70, "SDA": 0.05, "IS_OTHER": 0.15},
               2012: {"ESA_SUPPORT": 0.18, "IB": 0.62, "SDA": 0.05, "IS_OTHER": 0.15}}  # fmt: skip
OUT_OF_SCOPE_MIX = {"JSA": 0.50, "IS_LONE_PARENT": 0.14, "ESA_ASSESSMENT": 0.06, "ESA_WRAG": 0.02,
                    "ESA_SUPPORT": 0.02, "IB": 0.16, "SDA": 0.02, "IS_OTHER": 0.08}  # fmt: skip
ENTRENCHED_PROPENSITY = {"JSA": 1.0, "ESA_WRAG": 3.0, "ESA_ASSESSMENT": 1.5, "IS_LONE_PARENT": 3.0,
                         "ESA_SUPPORT": 1.5, "IB": 3.0, "SDA": 4.0, "IS_OTHER": 1.0}  # fmt: skip
AGE_SHAPE = {"JSA": (1.3, 1.8), "IS_LONE_PARENT": (1.5, 2.5), "IS_OTHER": (1.6, 1.6)}  # default (2.2, 1.3)
ESA_JOINT_SHARE = 0.05  # no figure is published for ESA
# treatment: exit outcomes other than the published numerator, as shares of the cohort
TREATMENT_OTHER_EXITS = {"successful_returned": 0.08, "dropped_out": 0.22, "transferred": 0.06,
                         "prison": 0.03, "died": 0.01, "other": 0.03}  # fmt: skip
RETURN_AFTER_UNSUCCESSFUL = 0.30
TREATMENT_DAYS_MEAN = {"drug": 200.0, "alcohol": 120.0}
# children: low-income and not-both-parent households are slightly over-represented in the
# achieved sample; the weights correct it
LOW_INCOME_OVERSAMPLE = 1.10
# social investment: market size relative to the published year (offset in years); regional shares
MARKET_VS_PUBLISHED = {-2: 0.70, -1: 0.84}
REGION_SHARE = (0.05, 0.10, 0.08, 0.06, 0.07, 0.07, 0.30, 0.08, 0.06, 0.04, 0.07, 0.02)

# one random stream per extract: an extract does not change when another one does
STREAMS = {"children": 1, "pupils": 2, "reoffending": 3, "treatment": 4, "benefits": 5,
           "population": 6, "offender_employment": 7, "social_investment": 8}  # fmt: skip
GROSSED = ("pupils", "reoffending", "treatment", "benefits", "social_investment")
PL_TYPES = {pl.String: "string", pl.Boolean: "boolean", pl.Int64: "integer", pl.Float64: "number",
            pl.Date: "date"}  # fmt: skip


class TargetError(RuntimeError):
    """The publications do not yield a target the generator needs."""


# ================================================================== targets from extraction


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
        from pubcheck.cli.pipeline import check

        report = check(published)
        found = [e for e in report.extractions
                 if e.document.manifest_id == SJOF or Path(e.document.path).name == SJOF_FILE]  # fmt: skip
        if not found:
            raise TargetError(f"{published}: the Outcomes Framework ({SJOF_FILE}) was not extracted")
        self.extraction = found[0]
        self.figures: list[Figure] = list(self.extraction.figures)
        self.all_extractions = report.extractions

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


# ================================================================== solving counts and rates


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


# ================================================================== the plan: integer counts per group


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


# ================================================================== row-level helpers

_DIGITS = np.array([[48 + (i // 10**k) % 10 for k in range(4, -1, -1)] for i in range(100_000)], dtype=np.uint8)


def format_ids(nums: np.ndarray, prefix: str, width: int) -> pl.Series:
    """'P000001234'-style ids from non-negative integers below 10**width, vectorised."""
    n = len(nums)
    groups: list[int] = []
    w = width
    while w > 0:
        groups.insert(0, min(5, w))
        w -= 5
    fields = [("p", f"V{len(prefix)}")] + [(f"g{i}", f"V{g}") for i, g in enumerate(groups)]
    rec = np.empty(n, dtype=np.dtype(fields))
    rec["p"] = np.frombuffer(prefix.encode(), dtype=f"V{len(prefix)}")[0]
    rem = nums.astype(np.int64)
    for i in range(len(groups) - 1, -1, -1):
        g = groups[i]
        part = rem % 100_000
        rem = rem // 100_000
        table = np.ascontiguousarray(_DIGITS[:, 5 - g:]).view(f"V{g}").ravel()
        rec[f"g{i}"] = table[part]
    length = len(prefix) + width
    offsets = np.arange(n + 1, dtype=np.int64) * length
    arr = pa.LargeStringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(rec.view(np.uint8)))
    return pl.Series(pl.from_arrow(arr))


def increasing_ids(rng: np.random.Generator, n: int, width: int) -> np.ndarray:
    """n strictly increasing random integers below 10**width (an extract sorted by id): a
    random start and gaps of 1 to 64, like the ids of a register that also holds records
    outside the extract."""
    space = 10**width
    gap = max(1, min(64, space // (4 * max(n, 1))))
    if n * gap >= space:
        raise ValueError("too many ids for the id width")
    start = int(rng.integers(0, space - n * gap))
    return start + np.cumsum(rng.integers(1, gap + 1, n, dtype=np.int64))


def strings(values: Iterable[str], codes: np.ndarray) -> pl.Series:
    return pl.Series(list(values), dtype=pl.String).gather(codes.astype(np.uint32))


def dates(days: np.ndarray) -> pl.Series:
    return pl.Series(days.astype(np.int32)).cast(pl.Date)


def _days(d: dt.date) -> int:
    return (d - dt.date(1970, 1, 1)).days


def cohort_window(cohort: str) -> tuple[dt.date, dt.date]:
    y = int(cohort[:4])
    if len(cohort) > 4:
        return dt.date(y, 4, 1), dt.date(y + 1, 3, 31)
    return dt.date(y, 1, 1), dt.date(y, 12, 31)


def treatment_window(cohort: str) -> tuple[dt.date, dt.date]:
    y1 = int(cohort[:4])
    y2 = (y1 // 100) * 100 + int(cohort[5:7])
    return dt.date(y1, 4, 1), dt.date(y2, 3, 31)


# ================================================================== extracts


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


def gen_employment(plan: Plan, rng: np.random.Generator) -> pl.DataFrame:
    d, n = plan.employment
    work = choose_k(rng, d, n)
    return pl.DataFrame({
        "offender_id": format_ids(increasing_ids(rng, d, 9), "O", 9),
        "release_year": pl.Series(np.full(d, RELEASE_YEAR), dtype=pl.Int64),
        "in_p45_employment_12m": pl.Series(work),
    })  # fmt: skip


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


# ================================================================== self-check


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


# ================================================================== writing


def _schema_descriptor(stem: str, df: pl.DataFrame) -> dict[str, object]:
    contract = CONTRACTS[stem]
    schema = contract.model.to_schema()
    fields = []
    for name, col in schema.columns.items():
        dtype = df.schema[name]
        f: dict[str, object] = {"name": name, "type": PL_TYPES[dtype]}
        cons: dict[str, object] = {}
        if not col.nullable:
            cons["required"] = True
        if col.unique:
            cons["unique"] = True
        for ch in col.checks:
            st = ch.statistics
            if ch.name == "isin":
                cons["enum"] = list(st["allowed_values"])
            elif ch.name == "str_matches":
                cons["pattern"] = st["pattern"]
            elif ch.name == "greater_than_or_equal_to":
                cons["minimum"] = st["min_value"]
            elif ch.name == "less_than_or_equal_to":
                cons["maximum"] = st["max_value"]
            elif ch.name == "greater_than" and dtype == pl.Int64:
                cons["minimum"] = st["min_value"] + 1
        if cons:
            f["constraints"] = cons
        fields.append(f)
    return {"fields": fields, "primaryKey": list(contract.key)}


def conform(stem: str, df: pl.DataFrame) -> pl.DataFrame:
    """Columns in the contract's order, with the contract's types (a mismatch is a bug here)."""
    schema = CONTRACTS[stem].model.to_schema()
    names = list(schema.columns)
    if set(df.columns) != set(names):
        raise RuntimeError(f"{stem}: generated columns {sorted(df.columns)} != contract {sorted(names)}")
    df = df.select(names)
    for name, col in schema.columns.items():
        want = col.dtype.type
        if df.schema[name] != want:
            raise RuntimeError(f"{stem}.{name}: generated {df.schema[name]}, contract {want}")
    return df


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_datapackage(out: Path, plan: Plan, seed: int, rows: dict[str, int], schemas: dict[str, dict],
                      formats: list[str], validate_rows: int | None) -> dict[str, object]:  # fmt: skip
    from frictionless import Package, Resource

    resources = []
    for stem in CONTRACTS:
        for fmt in formats:
            path = out / f"{stem}.{fmt}"
            desc: dict[str, object] = {
                "name": stem if fmt == "parquet" else f"{stem}-{fmt}",
                "title": " ".join((CONTRACTS[stem].model.__doc__ or stem).split(":")[0].split(".")[0].split()),
                "path": path.name,
                "format": fmt,
                "mediatype": "application/vnd.apache.parquet" if fmt == "parquet" else "text/csv",
                "encoding": "utf-8",
                # checksums as custom properties: frictionless cannot count a Parquet file's bytes
                "pubcheck:bytes": path.stat().st_size,
                "pubcheck:sha256": sha256_file(path),
                "schema": schemas[stem],
                "pubcheck:scale": plan.scale[stem],
                "pubcheck:rows": rows[stem],
                "pubcheck:contract": f"schemas/extracts.py:{CONTRACTS[stem].model.__name__}",
            }
            resources.append(Resource.from_descriptor(desc, basepath=str(out)))
    package = Package(
        name="pubcheck-synthetic-extracts",
        title="Synthetic row-level extracts behind the Social Justice Outcomes Framework (April 2013)",
        description=("Generated by scripts/generate_extracts.py: synthetic rows whose aggregates reproduce the "
                     "published figures within their rounding. At scale S a row stands for 1/S people; "
                     "see pubcheck:scale (package: extracts whose counts are grossed up) and each resource's own."),
        resources=resources,
        basepath=str(out),
    )  # fmt: skip
    package.custom.update({
        "pubcheck:scale": plan.scale["reoffending"],
        "pubcheck:requested_scale": plan.requested_scale,
        "pubcheck:seed": seed,
        "pubcheck:generator": f"{GENERATOR} v{GENERATOR_VERSION}",
    })  # fmt: skip
    descriptor = package.to_descriptor()
    report = Package.validate_descriptor(descriptor, basepath=str(out))
    if not report.valid:
        raise RuntimeError(f"datapackage.json does not validate: {report.flatten(['type', 'note'])[:5]}")
    if validate_rows:
        data_report = package.validate(limit_rows=validate_rows)
        if not data_report.valid:
            raise RuntimeError(f"frictionless validation failed: {data_report.flatten(['type', 'note'])[:5]}")
    (out / "datapackage.json").write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n")
    return descriptor


# ================================================================== driver


def generate(out: Path, scale: float, seed: int, formats: Iterable[str] = ("parquet",),
             published: Path | None = None, targets: Targets | None = None,
             log: Callable[[str], None] | None = None, validate_rows: int | None = None,
             compression_level: int = 3) -> dict[str, object]:  # fmt: skip
    """Generate every extract into `out`; returns the manifest (also written to manifest.json).

    datapackage.json is always validated as metadata; with `validate_rows`, frictionless also
    reads that many rows of each file and checks them against the declared schema (slow:
    frictionless reads Parquet through pandas)."""
    formats = list(dict.fromkeys(formats))
    if "parquet" not in formats:
        formats.insert(0, "parquet")
    bad = set(formats) - {"parquet", "csv"}
    if bad:
        raise ValueError(f"unknown format(s): {sorted(bad)}")
    say = log or (lambda _m: None)
    t0 = time.perf_counter()
    t = targets or load_targets(published or ROOT / "published")
    plan = make_plan(t, scale)
    say(f"targets from the publications; scale {plan.scale['reoffending']:g} (requested {scale:g})")
    out.mkdir(parents=True, exist_ok=True)
    if "csv" not in formats:
        for stem in CONTRACTS:
            (out / f"{stem}.csv").unlink(missing_ok=True)
    rng = lambda stem: np.random.default_rng([seed, STREAMS[stem]])  # noqa: E731
    makers: dict[str, Callable[[], pl.DataFrame]] = {
        "children": lambda: gen_children(t, rng("children")),
        "pupils": lambda: gen_pupils(t, plan, rng("pupils")),
        "reoffending": lambda: gen_reoffending(t, plan, rng("reoffending")),
        "treatment": lambda: gen_treatment(t, plan, rng("treatment")),
        "benefits": lambda: gen_benefits(t, plan, rng("benefits")),
        "population": lambda: gen_population(plan),
        "offender_employment": lambda: gen_employment(plan, rng("offender_employment")),
        "social_investment": lambda: gen_social_investment(plan, rng("social_investment")),
    }
    if set(makers) != set(CONTRACTS):
        raise RuntimeError(f"contracts without a generator: {sorted(set(CONTRACTS) - set(makers))}")
    frames: dict[str, pl.DataFrame] = {}
    schemas: dict[str, dict] = {}
    pending: list[Future[None]] = []
    with ThreadPoolExecutor(max_workers=1) as writer:
        for stem in CONTRACTS:
            t1 = time.perf_counter()
            df = conform(stem, makers[stem]())
            frames[stem] = df
            schemas[stem] = _schema_descriptor(stem, df)
            pending.append(writer.submit(_write, df, out, stem, formats, compression_level))
            say(f"{stem}: {df.height:,} rows generated in {time.perf_counter() - t1:.1f}s")
        checks = verify(t, plan, frames)
        for f in pending:
            f.result()
    rows = {stem: df.height for stem, df in frames.items()}
    failed = [c for c in checks if not c.ok]
    total_rows = sum(rows.values())
    write_datapackage(out, plan, seed, rows, schemas, formats, validate_rows=validate_rows)
    manifest: dict[str, object] = {
        "generator": f"{GENERATOR} v{GENERATOR_VERSION}",
        "seed": seed,
        "requested_scale": scale,
        "compression_level": compression_level,
        "scale": plan.scale["reoffending"],
        "resources": {stem: {"file": f"{stem}.parquet", "rows": rows[stem], "scale": plan.scale[stem]}
                      for stem in CONTRACTS},  # fmt: skip
        "total_rows": total_rows,
        "targets": [c.to_dict() for c in checks],
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    say(f"{total_rows:,} rows in {time.perf_counter() - t0:.1f}s; "
        f"{sum(c.ok for c in checks)}/{len(checks)} targets as expected")  # fmt: skip
    if failed:
        raise RuntimeError("targets missed: " + "; ".join(
            f"{c.name}: {c.value:.4f} not {'in' if c.expect else 'outside'} {c.target.interval.show()}"
            for c in failed))  # fmt: skip
    return manifest


def _write(df: pl.DataFrame, out: Path, stem: str, formats: list[str], level: int) -> None:
    df.write_parquet(out / f"{stem}.parquet", compression="zstd", compression_level=level, statistics=True)
    if "csv" in formats:
        df.write_csv(out / f"{stem}.csv", date_format="%Y-%m-%d")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--scale", type=float, default=1.0, help="1.0 = national size (about 45 million rows)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--format", default="parquet", help="comma-separated: parquet,csv")
    ap.add_argument("--published", type=Path, default=ROOT / "published", help="folder of the publications")
    ap.add_argument("--compression-level", type=int, default=3,
                    help="zstd level of the Parquet files (3: fast; the bundled fixtures use 19: small)")
    ap.add_argument("--validate-rows", type=int, default=0, metavar="N",
                    help="also have frictionless check the first N rows of every file against datapackage.json")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args(argv)
    try:
        generate(args.out, args.scale, args.seed, [f.strip() for f in args.format.split(",") if f.strip()],
                 published=args.published, log=None if args.quiet else lambda m: print(m, file=sys.stderr),
                 validate_rows=args.validate_rows or None, compression_level=args.compression_level)
    except (TargetError, ValueError, RuntimeError) as exc:
        print(f"generate_extracts: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
