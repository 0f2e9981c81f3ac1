"""Indicator invariants, declared once (Pandera, polars).

Each schema is over a tidy indicator table: one row per period (and breakdown), each value
with the interval it may stand for ([lo, hi): a printed figure's rounding interval, or a
single point for a value recomputed from an extract) and the line it was printed on. The
same schema validates the table scraped from a publication and the table recomputed from the
extract (src/pubcheck/invariants.py builds both), so an invariant lives in one place. A
failing row becomes a finding located at the figures' lines.

Which indicators each invariant applies to is declared in INVARIANTS.
"""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

EPS = 1e-9


class GapTable(pa.DataFrameModel):
    """gap = other - FSM (the FSM attainment gap, in percentage points), per period."""

    indicator: str
    period: str
    fsm_lo: float
    fsm_hi: float
    other_lo: float
    other_hi: float
    gap_lo: float
    gap_hi: float

    @pa.dataframe_check(name="gap-equals-other-minus-fsm")
    def gap_equals_other_minus_fsm(cls, data) -> pl.LazyFrame:  # type: ignore[no-untyped-def]
        diff_lo = pl.col("other_lo") - pl.col("fsm_hi")
        diff_hi = pl.col("other_hi") - pl.col("fsm_lo")
        return data.lazyframe.select((diff_lo < pl.col("gap_hi") + EPS) & (diff_hi > pl.col("gap_lo") - EPS))


class BaseTable(pa.DataFrameModel):
    """The sample sizes of the parts (age groups) sum to the total's, per table."""

    indicator: str
    table: str
    parts_lo: float
    parts_hi: float
    total_lo: float
    total_hi: float

    @pa.dataframe_check(name="parts-sum-to-total")
    def parts_sum_to_total(cls, data) -> pl.LazyFrame:  # type: ignore[no-untyped-def]
        return data.lazyframe.select(
            (pl.col("parts_lo") <= pl.col("total_hi") + EPS) & (pl.col("parts_hi") >= pl.col("total_lo") - EPS)
        )


class ComplementTable(pa.DataFrameModel):
    """A rate and its complement for one population and period sum to 100 (indicator 6 is
    the inverse of the re-offending rate)."""

    indicator: str
    period: str
    rate_lo: float
    rate_hi: float
    complement_lo: float
    complement_hi: float

    @pa.dataframe_check(name="rate-and-complement-sum-to-100")
    def sum_to_100(cls, data) -> pl.LazyFrame:  # type: ignore[no-untyped-def]
        lo = pl.col("rate_lo") + pl.col("complement_lo")
        hi = pl.col("rate_hi") + pl.col("complement_hi")
        return data.lazyframe.select((lo <= 100 + EPS) & (hi >= 100 - EPS))


class RangeTable(pa.DataFrameModel):
    """A range from best and worst assumptions about missing answers is as wide as the
    missing share."""

    indicator: str
    low_lo: float
    low_hi: float
    high_lo: float
    high_hi: float
    missing_lo: float
    missing_hi: float

    @pa.dataframe_check(name="range-as-wide-as-missing-share")
    def as_wide(cls, data) -> pl.LazyFrame:  # type: ignore[no-untyped-def]
        w_lo = pl.col("high_lo") - pl.col("low_hi")
        w_hi = pl.col("high_hi") - pl.col("low_lo")
        return data.lazyframe.select((w_lo <= pl.col("missing_hi") + EPS) & (w_hi >= pl.col("missing_lo") - EPS))


class RateTable(pa.DataFrameModel):
    """Every rate is a percentage: within [0, 100]."""

    indicator: str
    value: float = pa.Field(ge=0, le=100)


# invariant -> indicators it applies to
INVARIANTS: dict[str, tuple[str, ...]] = {
    "gap": ("2-ks2", "2-ks4"),
    "base": ("1a", "1b"),
    "complement": ("3", "6"),
    "range": ("1c",),
}
SCHEMAS = {"gap": GapTable, "base": BaseTable, "complement": ComplementTable, "range": RangeTable,
           "rate": RateTable}  # fmt: skip
