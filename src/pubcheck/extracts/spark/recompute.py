"""Recomputation on Spark: each extract reduced by Spark to the small tables the indicators
need (the group-bys of pubcheck.extracts.recompute.aggregate, column for column). The small
tables come back through Arrow as polars frames, so answering each published figure, comparing
it with its printed interval and the indicator invariants run unchanged."""

from __future__ import annotations

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from pubcheck.extracts.recompute import Aggregates
from pubcheck.extracts.spark.execute import _to_polars


def _count_true(c: Column) -> Column:
    return F.coalesce(F.sum(F.when(c, 1).otherwise(0)), F.lit(0))


def aggregate(frames: dict[str, DataFrame], scales: dict[str, float] | None = None) -> Aggregates:
    """The Spark twin of recompute.aggregate: the same table names and columns."""
    from schemas.extracts import CLOSER_BENEFITS, FURTHER_BENEFITS

    q: dict[str, DataFrame] = {}
    n = F.count(F.lit(1))
    if "pupils" in frames:
        q["pupils"] = frames["pupils"].groupBy("academic_year", "key_stage", "fsm").agg(
            n.alias("n"), _count_true(F.col("achieved")).alias("achieved"))
    if "reoffending" in frames:
        q["reoffending"] = frames["reoffending"].groupBy("cohort", "cohort_group").agg(
            n.alias("n"), _count_true(F.col("reoffended")).alias("reoffenders"),
            F.coalesce(F.sum(F.when(F.col("reoffended"), F.col("n_reoffences"))), F.lit(0)).alias("reoffences"))
    if "treatment" in frames:
        success = (F.col("exit_reason") == "successful") & ~F.col("re_presented")
        q["treatment"] = frames["treatment"].groupBy("cohort", "substance").agg(
            n.alias("n"), _count_true(F.coalesce(success, F.lit(False))).alias("success"))
    if "benefits" in frames:
        b = frames["benefits"].where(F.col("claimant_age").between(22, 59))
        long = F.col("months_on_benefit_48") >= 36
        q["benefits"] = b.groupBy("reference_date").agg(
            _count_true(F.col("benefit").isin(CLOSER_BENEFITS)).alias("capable"),
            _count_true(F.col("benefit").isin(CLOSER_BENEFITS) & long).alias("entrenched"),
            _count_true(F.col("benefit").isin(FURTHER_BENEFITS) & long).alias("further"))
    if "population" in frames:
        q["population"] = frames["population"]
    if "children" in frames:
        q["children"] = frames["children"]  # row level, as in recompute.py (one row a surveyed child)
    if "offender_employment" in frames:
        q["offender_employment"] = frames["offender_employment"].groupBy("release_year").agg(
            n.alias("n"), _count_true(F.col("in_p45_employment_12m")).alias("in_work"))
    if "social_investment" in frames:
        q["social_investment"] = frames["social_investment"].groupBy("year").agg(
            F.sum("amount_gbp").alias("total"), n.alias("n"))
    agg = Aggregates(scales=scales or {})
    agg.frames = {name: _to_polars(df) for name, df in q.items()}
    return agg
