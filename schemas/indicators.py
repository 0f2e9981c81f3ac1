"""Indicator invariants, declared once.

Each invariant is over a tidy indicator table: one row per period (and breakdown), each value
with the interval it may stand for ([lo, hi): a printed figure's rounding interval, or a
single point for a value recomputed from an extract). It is declared here once, as data: its
columns and one `holds` function of a column accessor `c` that says the row is consistent.
The same declaration is evaluated two ways:

- as a Pandera (polars) schema, `c = pl.col` (`GapTable`, `BaseTable`, ... and `SCHEMAS`,
  built on first use by `schema(kind)`): the tables recomputed from the extracts
  (pubcheck.extracts.invariants), where polars is loaded anyway;
- row by row in plain Python, `c = row[...]` (`failing_rows(kind, rows)`): the few dozen rows
  scraped from a publication by `pubcheck check` (pubcheck.publication.invariants), which
  then never imports pandas, pandera or polars (about 1.4 s of its start without bytecode).

`holds` uses only arithmetic, comparisons and `&`, which mean the same on floats and on
polars expressions; tests/publication/test_invariants.py runs every specimen both ways. A
failing row becomes a finding located at the figures' lines. Which indicators each
invariant applies to is declared in INVARIANTS.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

EPS = 1e-9

Column = Callable[[str], Any]  # column name -> its value (a float) or expression (pl.col)


@dataclass(frozen=True)
class Invariant:
    """One invariant: the check's name, what it says, the table's columns (name -> str or
    float) and `holds(c)`, true for a consistent row."""

    name: str
    doc: str
    columns: Mapping[str, type]
    holds: Callable[[Column], Any]


def _floats(*names: str) -> dict[str, type]:
    return {n: float for n in names}


def _gap(c: Column) -> Any:
    diff_lo, diff_hi = c("other_lo") - c("fsm_hi"), c("other_hi") - c("fsm_lo")
    return (diff_lo < c("gap_hi") + EPS) & (diff_hi > c("gap_lo") - EPS)


def _base(c: Column) -> Any:
    return (c("parts_lo") <= c("total_hi") + EPS) & (c("parts_hi") >= c("total_lo") - EPS)


def _complement(c: Column) -> Any:
    lo, hi = c("rate_lo") + c("complement_lo"), c("rate_hi") + c("complement_hi")
    return (lo <= 100 + EPS) & (hi >= 100 - EPS)


def _range(c: Column) -> Any:
    w_lo, w_hi = c("high_lo") - c("low_hi"), c("high_hi") - c("low_lo")
    return (w_lo <= c("missing_hi") + EPS) & (w_hi >= c("missing_lo") - EPS)


def _rate(c: Column) -> Any:
    return (c("value") >= 0) & (c("value") <= 100)


DECLARED: dict[str, Invariant] = {
    "gap": Invariant(
        "gap-equals-other-minus-fsm",
        "gap = other - FSM (the FSM attainment gap, in percentage points), per period.",
        {"indicator": str, "period": str, **_floats("fsm_lo", "fsm_hi", "other_lo", "other_hi", "gap_lo", "gap_hi")},
        _gap,
    ),
    "base": Invariant(
        "parts-sum-to-total",
        "The sample sizes of the parts (age groups) sum to the total's, per table.",
        {"indicator": str, "table": str, **_floats("parts_lo", "parts_hi", "total_lo", "total_hi")},
        _base,
    ),
    "complement": Invariant(
        "rate-and-complement-sum-to-100",
        "A rate and its complement for one population and period sum to 100 (indicator 6 is the "
        "inverse of the re-offending rate).",
        {"indicator": str, "period": str, **_floats("rate_lo", "rate_hi", "complement_lo", "complement_hi")},
        _complement,
    ),
    "range": Invariant(
        "range-as-wide-as-missing-share",
        "A range from best and worst assumptions about missing answers is as wide as the missing share.",
        {"indicator": str, **_floats("low_lo", "low_hi", "high_lo", "high_hi", "missing_lo", "missing_hi")},
        _range,
    ),
    "rate": Invariant("rate-within-0-100", "Every rate is a percentage: within [0, 100].",
                      {"indicator": str, "value": float}, _rate),  # fmt: skip
}

# invariant -> indicators it applies to
INVARIANTS: dict[str, tuple[str, ...]] = {
    "gap": ("2-ks2", "2-ks4"),
    "base": ("1a", "1b"),
    "complement": ("3", "6"),
    "range": ("1c",),
}


def failing_rows(kind: str, rows: Sequence[Mapping[str, Any]]) -> list[tuple[int, str]]:
    """(row index, check name) of every row that breaks the invariant `kind`, evaluated in
    plain Python: a row missing a column, or with a value of the wrong type, fails as the
    Pandera schema would (check name 'column_in_dataframe' / 'dtype')."""
    inv = DECLARED[kind]
    out = []
    for i, row in enumerate(rows):
        missing = [n for n in inv.columns if n not in row]
        if missing:
            out.append((i, "column_in_dataframe"))
            continue
        wrong = [n for n, t in inv.columns.items()
                 if not isinstance(row[n], t if t is str else (int, float)) or isinstance(row[n], bool)]  # fmt: skip
        if wrong:
            out.append((i, "dtype"))
            continue
        if not inv.holds(row.__getitem__):
            out.append((i, inv.name))
    return out


_BUILT: dict[str, Any] = {}


def schema(kind: str) -> Any:
    """The Pandera (polars) schema of an invariant: its columns and one dataframe check,
    `holds(pl.col)`. Imports pandera and polars (on first use only)."""
    if kind not in _BUILT:
        import pandera.polars as pa
        import polars as pl

        inv = DECLARED[kind]
        dtypes = {str: pl.String, float: pl.Float64}

        def check(data: Any, inv: Invariant = inv) -> Any:
            return data.lazyframe.select(inv.holds(pl.col))

        _BUILT[kind] = pa.DataFrameSchema(
            {n: pa.Column(dtypes[t]) for n, t in inv.columns.items()},
            checks=[pa.Check(check, name=inv.name, error=inv.name)],
            name=kind,
            description=inv.doc,
        )
    return _BUILT[kind]


_NAMES = {"GapTable": "gap", "BaseTable": "base", "ComplementTable": "complement", "RangeTable": "range",
          "RateTable": "rate"}  # fmt: skip


def __getattr__(name: str) -> Any:
    """`GapTable`, `BaseTable`, ... and `SCHEMAS` (kind -> schema) are built on first use."""
    if name in _NAMES:
        return schema(_NAMES[name])
    if name == "SCHEMAS":
        return {kind: schema(kind) for kind in DECLARED}
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
