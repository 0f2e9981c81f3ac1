"""Extract contracts: one Pandera (polars) model per row-level source extract.

What must hold is declared here, once. pubcheck executes these declarations itself (see
src/pubcheck/contracts.py): the column checks and the cross-column rules below are compiled
into one lazy polars query, and pandera is asked for failure cases only where something
failed. Cross-column rules are polars expressions named in RULES, so the compiler and the
pandera dataframe checks share one definition.

CONTRACTS names each extract's file stem (`<stem>.parquet` or `<stem>.csv`), its model,
its key (unique together) and its cross-column rules.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass

import pandera.polars as pa
import polars as pl

# ---------------------------------------------------------------- code lists (allowed values)

KEY_STAGES = ["KS2", "KS4"]
DISPOSALS = ["custody_release", "court_conviction", "caution", "reprimand_warning", "positive_drug_test"]
YOUTH_DISPOSALS = ["custody_release", "court_conviction", "reprimand_warning"]
ADULT_DISPOSALS = ["custody_release", "court_conviction", "caution", "positive_drug_test"]
COHORT_GROUPS = ["youth", "adult"]
SUBSTANCES = ["drug", "alcohol"]
EXIT_REASONS = ["successful", "dropped_out", "transferred", "died", "prison", "other"]
BENEFITS = ["JSA", "ESA_WRAG", "ESA_ASSESSMENT", "IS_LONE_PARENT", "ESA_SUPPORT", "IB", "SDA", "IS_OTHER"]
CLOSER_BENEFITS = ["JSA", "ESA_WRAG", "ESA_ASSESSMENT", "IS_LONE_PARENT"]
FURTHER_BENEFITS = ["ESA_SUPPORT", "IB", "SDA", "IS_OTHER"]
INCOME_GROUPS = ["bottom_20", "middle_high", "unknown"]
HAPPINESS = ["happy", "unhappy", "no_answer"]
REGIONS = ["E12000001", "E12000002", "E12000003", "E12000004", "E12000005", "E12000006",
           "E12000007", "E12000008", "E12000009", "W92000004", "S92000003", "N92000002"]  # fmt: skip
# Reoffending cohorts: calendar years 2000, 2002-2010 (no 2001) and rolling Apr-Mar cohorts.
COHORT_PATTERN = r"^(?:20\d{2}|20\d{2}-04/20\d{2}-03)$"


def cohort_window(cohort: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """First and last day of a re-offending cohort label ('2010' or '2010-04/2011-03')."""
    # strict=False: a malformed label gives null (reported by the column's pattern check)
    # instead of raising and stopping the whole validation query
    start_year = cohort.str.slice(0, 4).cast(pl.Int32, strict=False)
    rolling = cohort.str.len_chars() > 4
    start = pl.when(rolling).then(pl.date(start_year, 4, 1)).otherwise(pl.date(start_year, 1, 1))
    end = pl.when(rolling).then(pl.date(start_year + 1, 3, 31)).otherwise(pl.date(start_year, 12, 31))
    return start, end


def treatment_window(cohort: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """'2009-12' is 1 April 2009 to 31 March 2012 (three financial years)."""
    y1 = cohort.str.slice(0, 4).cast(pl.Int32, strict=False)
    y2 = (y1 // 100) * 100 + cohort.str.slice(5, 2).cast(pl.Int32, strict=False)
    return pl.date(y1, 4, 1), pl.date(y2, 3, 31)


_c_start, _c_end = cohort_window(pl.col("cohort"))
_t_start, _t_end = treatment_window(pl.col("cohort"))

# ---------------------------------------------------------------- cross-column rules
# name -> boolean polars expression that is True on every valid row (or once, for
# aggregate rules). The names are the rule ids reported in findings.
RULES: dict[str, dict[str, pl.Expr]] = {
    "reoffending": {
        "reoffences-match-flag": (pl.col("n_reoffences") > 0) == pl.col("reoffended"),
        "reoffence-code-only-if-reoffended": pl.col("reoffence_code").is_null() != pl.col("reoffended"),
        "youth-under-18": (pl.col("cohort_group") == "youth") == (pl.col("age_at_index") < 18),
        "disposal-fits-age-group": pl.when(pl.col("cohort_group") == "youth")
        .then(pl.col("index_disposal").is_in(YOUTH_DISPOSALS))
        .otherwise(pl.col("index_disposal").is_in(ADULT_DISPOSALS)),
        "index-date-in-cohort": pl.col("index_date").is_between(_c_start, _c_end),
    },
    "treatment": {
        "first-presented-in-cohort": pl.col("first_presented").is_between(_t_start, _t_end),
        "exit-not-before-presentation": pl.col("exit_date").is_null()
        | (pl.col("exit_date") >= pl.col("first_presented")),
        "exit-not-after-cohort-end": pl.col("exit_date").is_null() | (pl.col("exit_date") <= _t_end),
        "exit-reason-only-if-exited": pl.col("exit_reason").is_null() == pl.col("exit_date").is_null(),
    },
    "benefits": {
        "reference-date-is-31-march": (pl.col("reference_date").dt.month() == 3)
        & (pl.col("reference_date").dt.day() == 31),
    },
    "children": {
        "happiness-only-for-both-parents": pl.col("relationship_happiness").is_null()
        != pl.col("both_birth_parents"),
        # at most 30 per cent of the relevant answers missing (the framework states 21)
        "happiness-missing-share-at-most-30pc": (
            (pl.col("relationship_happiness") == "no_answer").sum()
            <= 0.30 * pl.col("both_birth_parents").sum()
        ),
        "income-unknown-share-at-most-5pc": (pl.col("income_group") == "unknown").mean() <= 0.05,
    },
}


def _rule_check(extract: str, name: str) -> pa.Check:
    expr = RULES[extract][name]
    return pa.Check(lambda data, e=expr: data.lazyframe.select(e), name=name,
                    error=f"{extract}: {name}")  # fmt: skip


class _Base(pa.DataFrameModel):
    class Config:
        strict = True  # extra columns are an error
        coerce = False  # a wrong column type is an error, not silently cast


class PupilAttainment(_Base):
    """National Pupil Database, England, state-funded schools: one row a pupil, key stage
    and academic year. Threshold: KS2 level 4 in English and maths; KS4 A*-C in English
    and maths (indicator 2)."""

    pupil_id: str = pa.Field(str_matches=r"^P\d{9}$")
    academic_year: str = pa.Field(str_matches=r"^20\d{2}-\d{2}$")
    key_stage: str = pa.Field(isin=KEY_STAGES)
    fsm: bool
    achieved: bool
    la_code: str = pa.Field(str_matches=r"^\d{3}$")



class ReoffendingCohort(_Base):
    """Proven re-offending cohorts, England and Wales: one row an offender and cohort
    (indicators 3 and 6). Re-offences in a one-year follow-up, six-month waiting period."""

    offender_id: str = pa.Field(str_matches=r"^O\d{9}$")
    cohort: str = pa.Field(str_matches=COHORT_PATTERN)
    cohort_group: str = pa.Field(isin=COHORT_GROUPS)
    age_at_index: int = pa.Field(ge=10, le=100)
    index_date: dt.date
    index_disposal: str = pa.Field(isin=DISPOSALS)
    reoffended: bool
    n_reoffences: int = pa.Field(ge=0, le=500)
    reoffence_code: str = pa.Field(nullable=True, str_matches=r"^\d{3,4}[A-Z]?$")



class TreatmentJourney(_Base):
    """NDTMS / NATMS, England: one row a client first presenting in a three-year cohort
    (indicator 5a)."""

    client_id: str = pa.Field(str_matches=r"^C\d{9}$")
    cohort: str = pa.Field(str_matches=r"^20\d{2}-\d{2}$")
    substance: str = pa.Field(isin=SUBSTANCES)
    first_presented: dt.date
    exit_date: dt.date = pa.Field(nullable=True)
    exit_reason: str = pa.Field(nullable=True, isin=EXIT_REASONS)
    re_presented: bool



class BenefitClaim(_Base):
    """National Benefits Database, Great Britain: one row a claim live on 31 March
    (indicator 4). Ages 22-59 are in scope; the extract may hold 16-64."""

    claim_id: str = pa.Field(str_matches=r"^B\d{10}$")
    reference_date: dt.date
    claimant_age: int = pa.Field(ge=16, le=64)
    benefit: str = pa.Field(isin=BENEFITS)
    months_on_benefit_48: int = pa.Field(ge=0, le=48)
    joint_claim: bool



class Population(_Base):
    """Labour Force Survey working-age population estimates (ages 22-59), Great Britain."""

    year: int = pa.Field(ge=2000, le=2100, unique=True)
    population_22_59: int = pa.Field(gt=0)



class Children(_Base):
    """Understanding Society wave 2, UK: one row a child aged 0-16 (indicator 1), with the
    survey weight. Relationship happiness is asked only of children living with both birth
    parents."""

    child_id: str = pa.Field(str_matches=r"^K\d{9}$")
    age: int = pa.Field(ge=0, le=16)
    both_birth_parents: bool
    income_group: str = pa.Field(isin=INCOME_GROUPS)
    relationship_happiness: str = pa.Field(nullable=True, isin=HAPPINESS)
    weight: float = pa.Field(gt=0, le=100)



class OffenderEmployment(_Base):
    """MoJ-DWP data share: offenders released from custody in 2008, P45 employment 12
    months after release (indicator 6, employment; experimental statistics)."""

    offender_id: str = pa.Field(str_matches=r"^O\d{9}$")
    release_year: int = pa.Field(ge=2000, le=2100)
    in_p45_employment_12m: bool



class SocialInvestmentDeal(_Base):
    """Social investment deals: one row a deal (indicator 7), value in GBP."""

    deal_id: str = pa.Field(str_matches=r"^D\d{7}$")
    year: int = pa.Field(ge=2000, le=2100)
    amount_gbp: float = pa.Field(gt=0)
    region: str = pa.Field(isin=REGIONS)




@dataclass(frozen=True)
class Contract:
    """An extract's model, its file stem (`<stem>.parquet` or `.csv`), its key (unique
    together) and the name of its cross-column rules in RULES."""

    stem: str
    model: type[pa.DataFrameModel]
    key: tuple[str, ...]
    rules: str | None


CONTRACTS: dict[str, Contract] = {
    "pupils": Contract("pupils", PupilAttainment, ("pupil_id", "academic_year", "key_stage"), None),
    "reoffending": Contract("reoffending", ReoffendingCohort, ("offender_id", "cohort"), "reoffending"),
    "treatment": Contract("treatment", TreatmentJourney, ("client_id", "cohort"), "treatment"),
    "benefits": Contract("benefits", BenefitClaim, ("claim_id", "reference_date"), "benefits"),
    "population": Contract("population", Population, ("year",), None),
    "children": Contract("children", Children, ("child_id",), "children"),
    "offender_employment": Contract("offender_employment", OffenderEmployment, ("offender_id",), None),
    "social_investment": Contract("social_investment", SocialInvestmentDeal, ("deal_id",), None),
}


def schema_for(stem: str) -> pa.DataFrameSchema:
    """The full pandera schema of an extract: its model's columns, its key (unique
    together) and its RULES as dataframe checks."""
    contract = CONTRACTS[stem]
    # a copy: to_schema() returns the model's cached schema, which must not grow a second
    # set of RULES checks on every call
    schema = copy.deepcopy(contract.model.to_schema())
    schema.unique = list(contract.key)  # the key is part of the contract: pandera checks it too
    rules = contract.rules
    if rules:
        schema.checks = list(schema.checks) + [_rule_check(rules, name) for name in RULES[rules]]
    return schema
