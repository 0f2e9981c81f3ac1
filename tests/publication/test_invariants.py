"""The indicator invariants of schemas/indicators.py: each schema passes a consistent row and
fails an inconsistent one (the publications' tables go through them in the table-identity
rule; the extracts' recomputed tables: tests/extracts/test_invariants.py)."""

from __future__ import annotations

import pandera.errors as pe
import polars as pl
import pytest

from schemas.indicators import BaseTable, ComplementTable, GapTable, RangeTable


def fails(schema, row: dict) -> bool:  # type: ignore[no-untyped-def]
    try:
        schema.validate(pl.DataFrame([row]), lazy=True)
    except pe.SchemaErrors:
        return True
    return False


def iv(x: float, step: float) -> tuple[float, float]:
    return x - step / 2, x + step / 2


@pytest.mark.parametrize(("fsm", "other", "gap", "bad"), [
    (53.6, 75.8, 22.2, False), (27.1, 54.8, 27.6, False),  # within rounding
    (53.6, 75.8, 22.0, True), (50.0, 70.0, 21.0, True),
])  # fmt: skip
def test_gap_table(fsm: float, other: float, gap: float, bad: bool) -> None:
    row = {"indicator": "x", "period": "2008-09"}
    for name, v in (("fsm", fsm), ("other", other), ("gap", gap)):
        row[f"{name}_lo"], row[f"{name}_hi"] = iv(v, 0.1)
    assert fails(GapTable, row) == bad


@pytest.mark.parametrize(("parts", "total", "bad"), [(14587, 14587, False), (14588, 14587, True)])
def test_base_table(parts: int, total: int, bad: bool) -> None:
    row = {"indicator": "x", "table": "T", "parts_lo": parts, "parts_hi": parts, "total_lo": total, "total_hi": total}
    assert fails(BaseTable, {k: float(v) if k not in ("indicator", "table") else v for k, v in row.items()}) == bad


@pytest.mark.parametrize(("rate", "comp", "bad"), [(25.0, 74.6, False), (35.0, 74.6, True), (25.4, 74.6, False)])
def test_complement_table(rate: float, comp: float, bad: bool) -> None:
    lo, hi = iv(rate, 1.0 if rate == int(rate) else 0.1)
    clo, chi = iv(comp, 0.1)
    row = {"indicator": "6", "period": "p", "rate_lo": lo, "rate_hi": hi, "complement_lo": clo, "complement_hi": chi}
    assert fails(ComplementTable, row) == bad


@pytest.mark.parametrize(("low", "high", "missing", "bad"),
                         [(11, 32, 21, False), (11, 28, 21, True), (11, 28, 17, False)])  # fmt: skip
def test_range_table(low: int, high: int, missing: int, bad: bool) -> None:
    row = {"indicator": "1c"}
    for name, v in (("low", low), ("high", high), ("missing", missing)):
        row[f"{name}_lo"], row[f"{name}_hi"] = iv(float(v), 1.0)
    assert fails(RangeTable, row) == bad
