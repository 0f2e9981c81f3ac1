"""Unit tests for the model: intervals (half-open, as rounding is; arithmetic; ratios),
locations, keys and findings.

Every expectation here is worked out by hand from the rule being tested (what a printed
figure may stand for), not copied from the code's output.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pubcheck.figures.numbers import (
    rounding_interval,
)
from pubcheck.model import Finding, Interval, Key, Location

FAST = settings(database=None, deadline=None, max_examples=200)


def closed_contains(iv: Interval, x: float, ulps: int = 16) -> bool:
    """x in [lo, hi] up to floating-point noise (the printed tie case is ambiguous)."""
    tol = ulps * math.ulp(max(1.0, abs(x), abs(iv.lo), abs(iv.hi)))
    return iv.lo - tol <= x <= iv.hi + tol


# ---------------------------------------------------------------- Interval


def test_interval_is_half_open() -> None:
    a = Interval(38.5, 39.5)
    assert a.contains(38.5)
    assert a.contains(39.0)
    assert a.contains(39.49)
    assert not a.contains(39.5)
    assert not a.contains(38.4)


def test_interval_overlaps() -> None:
    a = Interval(38.5, 39.5)
    assert not a.overlaps(Interval(39.5, 40.5))  # touching is not overlapping
    assert not Interval(39.5, 40.5).overlaps(a)
    assert a.overlaps(Interval(39.0, 40.0))
    assert a.overlaps(Interval(30.0, 50.0))  # containment
    assert Interval(30.0, 50.0).overlaps(a)
    assert not a.overlaps(Interval(40.0, 41.0))


def test_point_interval_is_closed() -> None:
    p = Interval(39.0, 39.0)
    assert p.contains(39.0)
    assert not p.contains(39.1)
    assert p.overlaps(Interval(38.5, 39.5))
    assert not p.overlaps(Interval(39.5, 40.5))


def test_interval_rejects_empty() -> None:
    with pytest.raises(ValueError):
        Interval(2.0, 1.0)


def test_interval_arithmetic() -> None:
    a, b = Interval(10.0, 12.0), Interval(1.0, 3.0)
    assert a - b == Interval(7.0, 11.0)
    assert b - a == Interval(-11.0, -7.0)
    assert a + b == Interval(11.0, 15.0)
    assert a.scale(2.0) == Interval(20.0, 24.0)
    assert a.scale(-1.0) == Interval(-12.0, -10.0)
    assert a.width() == 2.0


def test_difference_of_two_rounded_percentages() -> None:
    # 42 per cent minus 39 per cent: anything in (2, 4) points
    d = rounding_interval(42.0, 1.0) - rounding_interval(39.0, 1.0)
    assert d.lo == pytest.approx(2.0)
    assert d.hi == pytest.approx(4.0)


def test_interval_ratio() -> None:
    assert Interval(2.0, 4.0).ratio(Interval(1.0, 2.0)) == Interval(1.0, 4.0)
    assert Interval(33_000.0, 33_000.0).ratio(Interval(86_000.0, 86_000.0)).lo == pytest.approx(33 / 86)
    # a divisor that may be zero: unbounded above
    r = Interval(1.0, 2.0).ratio(Interval(0.0, 2.0))
    assert r.lo == pytest.approx(0.5)
    assert math.isinf(r.hi)
    # a divisor that is never positive: no information at all
    r = Interval(1.0, 2.0).ratio(Interval(-2.0, 0.0))
    assert math.isinf(r.lo) and r.lo < 0 and math.isinf(r.hi) and r.hi > 0


def test_interval_intersect() -> None:
    assert Interval(0.0, 10.0).intersect(Interval(5.0, 20.0)) == Interval(5.0, 10.0)
    assert Interval(0.0, 1.0).intersect(Interval(2.0, 3.0)) is None


def test_interval_show_and_to_list() -> None:
    assert Interval(38.5, 39.5).show() == "[38.5, 39.5)"
    assert Interval(85_500.0, 86_500.0).show() == "[85,500, 86,500)"
    assert Interval(0.5, math.inf).to_list() == [0.5, None]
    assert Interval(-math.inf, 1.0).show() == "[-inf, 1)"


# ---------------------------------------------------------------- model odds and ends


def test_location_label() -> None:
    assert Location("a.txt", 3, "q").label() == "a.txt:3"
    assert Location("a.pdf", 3, "q", page=2).label() == "a.pdf:page 2, line 3"
    assert Location("b.xlsx", 1, "q", sheet="T1", cell="B4").label() == "b.xlsx:T1!B4"
    assert Location("a.txt", 3, "q").to_dict() == {"document": "a.txt", "line": 3, "quote": "q"}


def test_key_describe() -> None:
    k = Key("drug-recovery", "completion_rate", (("substance", "drug"),), "2009-12")
    assert k.describe() == "drug-recovery / completion_rate / substance=drug / 2009-12"
    assert Key().describe() == "?"
    assert k.with_(period=None).period is None
    assert k.with_(period=None).indicator == "drug-recovery"


def test_finding_rejects_unknown_severity() -> None:
    with pytest.raises(ValueError):
        Finding("x", "fatal", "m", "e", "f", ())


# ---------------------------------------------------------------- properties


finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
width = st.floats(min_value=0, max_value=1e3, allow_nan=False, allow_infinity=False)
frac = st.floats(min_value=0, max_value=1, allow_nan=False)


@FAST
@given(lo1=finite, w1=width, lo2=finite, w2=width, s=frac, t=frac)
def test_interval_difference_contains_every_difference(lo1, w1, lo2, w2, s, t) -> None:  # type: ignore[no-untyped-def]
    a, b = Interval(lo1, lo1 + w1), Interval(lo2, lo2 + w2)
    x, y = a.lo + s * (a.hi - a.lo), b.lo + t * (b.hi - b.lo)
    assert closed_contains(a - b, x - y)
    assert closed_contains(a + b, x + y)


@FAST
@given(
    lo1=st.floats(min_value=0.01, max_value=1e6),
    w1=width,
    lo2=st.floats(min_value=0.01, max_value=1e6),
    w2=width,
    s=frac,
    t=frac,
)
def test_interval_ratio_contains_every_ratio(lo1, w1, lo2, w2, s, t) -> None:  # type: ignore[no-untyped-def]
    a, b = Interval(lo1, lo1 + w1), Interval(lo2, lo2 + w2)
    x, y = a.lo + s * (a.hi - a.lo), b.lo + t * (b.hi - b.lo)
    assert closed_contains(a.ratio(b), x / y, ulps=64)


@FAST
@given(a=st.tuples(finite, width), b=st.tuples(finite, width))
def test_overlaps_is_symmetric(a: tuple[float, float], b: tuple[float, float]) -> None:
    ia, ib = Interval(a[0], a[0] + a[1]), Interval(b[0], b[0] + b[1])
    assert ia.overlaps(ib) == ib.overlaps(ia)


# --------------------------------------------------------------------------- built()


def test_built_equals_the_constructor() -> None:
    from pubcheck.model import Figure, built

    loc = built(Location, document="a.txt", line=3, quote="39 per cent", figure="39")
    assert loc == Location("a.txt", 3, "39 per cent", figure="39")
    assert hash(loc) == hash(Location("a.txt", 3, "39 per cent", figure="39"))
    f = built(Figure, value=39.0, unit="percent", precision=1.0, interval=Interval(38.5, 39.5), text="39",
              location=loc)  # fmt: skip
    g = Figure(39.0, "percent", 1.0, Interval(38.5, 39.5), "39", loc)
    assert f == g and f.key == Key() and f.footnotes == () and f.kind == "number"
    with pytest.raises(AttributeError):  # still frozen
        f.value = 40.0  # type: ignore[misc]


def test_built_refuses_what_the_constructor_refuses() -> None:
    from pubcheck.model import built, changed

    built(Location, document="a", line=1, quote="q")  # checked once per set of names: others still are
    with pytest.raises(TypeError, match="quote"):  # a required field missing
        built(Location, document="a", line=1)
    with pytest.raises(TypeError, match="quote"):
        built(Location, line=1, document="a")  # the same names in another order: checked again
    with pytest.raises(TypeError, match="quot"):  # a misspelt one, even when the count is right
        built(Location, document="a", line=1, quot="q")
    with pytest.raises(TypeError, match="Interval"):  # Interval's own __init__ checks would be skipped
        built(Interval, lo=2.0, hi=1.0)
    with pytest.raises(TypeError, match="Interval"):
        changed(Interval(1.0, 2.0), lo=3.0)
