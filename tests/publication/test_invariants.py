"""The indicator invariants of schemas/indicators.py: each passes a consistent row and fails an
inconsistent one, both as a Pandera schema (the extracts' recomputed tables:
tests/extracts/test_invariants.py) and row by row in plain Python (the publications' tables, in
the table-identity rule): the one declaration means the same either way."""

from __future__ import annotations

import pandera.errors as pe
import polars as pl
import pytest

from schemas.indicators import BaseTable, ComplementTable, GapTable, RangeTable, failing_rows

KIND = {"gap": "GapTable", "base": "BaseTable", "complement": "ComplementTable", "range": "RangeTable"}


def fails(schema, row: dict) -> bool:  # type: ignore[no-untyped-def]
    """Pandera's answer, which must be the plain-Python evaluation's too."""
    try:
        schema.validate(pl.DataFrame([row]), lazy=True)
        pandera = False
    except pe.SchemaErrors:
        pandera = True
    kind = next(k for k, name in KIND.items() if schema is globals()[name])
    assert bool(failing_rows(kind, [row])) == pandera, (kind, row)
    return pandera


def test_a_missing_column_or_wrong_type_fails_in_plain_python_too() -> None:
    row = {"indicator": "x", "table": "T", "parts_lo": 1.0, "parts_hi": 1.0, "total_lo": 1.0, "total_hi": 1.0}
    assert failing_rows("base", [row]) == []
    assert failing_rows("base", [{**row, "total_hi": "1"}]) == [(0, "dtype")]
    assert failing_rows("base", [{k: v for k, v in row.items() if k != "table"}]) == [(0, "column_in_dataframe")]


def test_check_does_not_import_pandas_pandera_or_polars() -> None:
    """`pubcheck check` evaluates the scraped tables' invariants without the heavy libraries."""
    import subprocess
    import sys

    code = ("import sys; from pubcheck.cli import main; main(['check', '--format', 'json', '--output', "
            "'/dev/null', '--no-progress']); print(sorted(m for m in ('pandas', 'pandera', 'polars', 'numpy') "
            "if m in sys.modules))")  # fmt: skip
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.stdout.strip().splitlines()[-1] == "[]", out.stdout + out.stderr


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
