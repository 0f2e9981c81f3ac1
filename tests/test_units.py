"""Unit tests for the pure helpers: numbers, intervals, periods.

Every expectation here is worked out by hand from the rule being tested (what a printed
figure may stand for), not copied from the code's output.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from pubcheck.figures.numbers import (
    count_step,
    decimals_step,
    fmt_value,
    load_quantifiers,
    parse_number,
    qualify,
    rounding_interval,
    verbal_interval,
    word_number,
)
from pubcheck.figures.periods import find_periods, normalise, period_sort_key
from pubcheck.model import Finding, Interval, Key, Location

FAST = settings(database=None, deadline=None, max_examples=200)


def closed_contains(iv: Interval, x: float, ulps: int = 16) -> bool:
    """x in [lo, hi] up to floating-point noise (the printed tie case is ambiguous)."""
    tol = ulps * math.ulp(max(1.0, abs(x), abs(iv.lo), abs(iv.hi)))
    return iv.lo - tol <= x <= iv.hi + tol


# ---------------------------------------------------------------- parse_number


@pytest.mark.parametrize(
    ("text", "value", "decimals"),
    [
        ("86,000", 86000.0, 0),
        ("16.8", 16.8, 1),
        ("39", 39.0, 0),
        ("0.5", 0.5, 1),
        ("0.50", 0.5, 2),  # a printed trailing zero is a printed decimal
        ("3.3", 3.3, 1),
        ("1,234.5", 1234.5, 1),
        ("2,300,000", 2_300_000.0, 0),
        (" 14,587 ", 14587.0, 0),
        ("0", 0.0, 0),
        ("12\u2009000", 12000.0, 0),  # thin-space thousands separator
    ],
)
def test_parse_number(text: str, value: float, decimals: int) -> None:
    v, d = parse_number(text)
    assert v == pytest.approx(value)
    assert d == decimals


# ---------------------------------------------------------------- count_step


@pytest.mark.parametrize(
    ("digits", "scale", "step"),
    [
        ("86,000", 1, 1000.0),  # two or more trailing zeros: rounding
        ("33,000", 1, 1000.0),
        ("153,000", 1, 1000.0),
        ("1,200", 1, 100.0),
        ("100", 1, 100.0),
        ("1,000,000", 1, 1_000.0),  # a bare count is rounded to the thousand at most
        ("14,587", 1, 1.0),
        ("290", 1, 1.0),  # one trailing zero is taken as significant
        ("650", 1, 1.0),
        ("7", 1, 1.0),
        ("0", 1, 1.0),
        ("2.3", 1_000_000, 100_000.0),
        ("2.35", 1_000_000, 10_000.0),
        ("1", 1_000_000, 1_000_000.0),
        ("165", 1_000_000, 1_000_000.0),
        ("3.6", 1_000_000, 100_000.0),
        ("1.5", 1_000_000_000, 100_000_000.0),
        ("16.8", 1, 0.1),
    ],
)
def test_count_step(digits: str, scale: int, step: float) -> None:
    assert count_step(digits, scale) == pytest.approx(step)


@pytest.mark.parametrize(
    ("value", "step", "lo", "hi"),
    [
        (39.0, 1.0, 38.5, 39.5),
        (16.8, 0.1, 16.75, 16.85),
        (86_000.0, 1000.0, 85_500.0, 86_500.0),
        (2_300_000.0, 100_000.0, 2_250_000.0, 2_350_000.0),
        (1_000_000.0, 1_000_000.0, 500_000.0, 1_500_000.0),
        (0.5, 0.1, 0.45, 0.55),
        (3.3, 0.1, 3.25, 3.35),
    ],
)
def test_rounding_interval(value: float, step: float, lo: float, hi: float) -> None:
    iv = rounding_interval(value, step)
    assert iv.lo == pytest.approx(lo)
    assert iv.hi == pytest.approx(hi)
    assert iv.width() == pytest.approx(step)
    assert iv.contains(value)


@pytest.mark.parametrize(("decimals", "step"), [(0, 1.0), (1, 0.1), (2, 0.01), (3, 0.001)])
def test_decimals_step(decimals: int, step: float) -> None:
    assert decimals_step(decimals) == pytest.approx(step)


def test_printed_39_and_40_do_not_overlap_but_39_and_39_5_do() -> None:
    a = rounding_interval(39.0, 1.0)
    b = rounding_interval(40.0, 1.0)
    assert not a.overlaps(b)
    assert not b.overlaps(a)
    # 39.4 printed to one decimal [39.35, 39.45) lies inside [38.5, 39.5)
    assert a.overlaps(rounding_interval(39.4, 0.1))


# ---------------------------------------------------------------- verbal quantifiers


def test_quantifiers_file_declares_the_documented_phrases() -> None:
    q = load_quantifiers()
    assert q.fractions["half"] == 50.0
    assert q.fractions["a quarter"] == 25.0
    assert q.fractions["two-fifths"] == 40.0
    assert q.ratios["twice"] == 2.0
    assert q.qualifiers["nearly"].kind == "under"
    assert q.qualifiers["more than"].kind == "over"
    assert q.qualifiers["around"].kind == "approximate"
    assert q.qualifiers["fewer than"].kind == "less"
    assert q.bare.below == 2.5 and q.bare.above == 2.5


@pytest.mark.parametrize(
    ("exact", "qualifier", "lo", "hi"),
    [
        (50.0, None, 47.5, 52.5),  # bare "half": 2.5 points either side
        (50.0, "nearly", 40.0, 50.0),  # up to 10 points below, never above
        (50.0, "almost", 40.0, 50.0),
        (50.0, "just under", 40.0, 50.0),
        (50.0, "over", 50.0, 60.0),  # "over half" must not reach 60
        (50.0, "more than", 50.0, 60.0),
        (25.0, "around", 20.0, 30.0),  # approximate: 5 points either side
        (33.333, "about", 28.333, 38.333),
        (5.0, "nearly", 0.0, 5.0),  # clamped at 0 per cent
        (95.0, "over", 95.0, 100.0),  # clamped at 100 per cent
        (40.0, "NEARLY", 30.0, 40.0),  # qualifier case does not matter
    ],
)
def test_verbal_interval(exact: float, qualifier: str | None, lo: float, hi: float) -> None:
    iv = verbal_interval(exact, qualifier)
    assert iv.lo == pytest.approx(lo)
    assert iv.hi == pytest.approx(hi)


@pytest.mark.parametrize(
    ("exact", "qualifier", "lo", "hi"),
    [
        (2.0, None, 1.75, 2.25),  # bare ratio: 12.5 % either side
        (2.0, "nearly", 1.6, 2.0),
        (2.0, "more than", 2.0, 3.0),
        (3.0, "around", 2.4, 3.6),
    ],
)
def test_verbal_interval_ratio(exact: float, qualifier: str | None, lo: float, hi: float) -> None:
    iv = verbal_interval(exact, qualifier, ratio=True)
    assert iv.lo == pytest.approx(lo)
    assert iv.hi == pytest.approx(hi)


@pytest.mark.parametrize(
    ("value", "step", "qualifier", "unit", "lo", "hi"),
    [
        (39.0, 1.0, None, "percent", 38.5, 39.5),
        (39.0, 1.0, "around", "percent", 38.5, 39.5),  # approximate keeps rounding
        (40.0, 1.0, "more than", "percent", 39.5, 50.0),
        (40.0, 1.0, "nearly", "percent", 30.0, 40.5),
        (40.0, 1.0, "less than", "percent", 0.0, 40.5),
        (6000.0, 1000.0, "just under", "count", 4800.0, 6500.0),  # 20 % below
        (6000.0, 1000.0, "over", "count", 5500.0, 9000.0),  # up to 50 % above
        (6000.0, 1000.0, "no-such-qualifier", "count", 5500.0, 6500.0),
    ],
)
def test_qualify(value, step, qualifier, unit, lo, hi) -> None:  # type: ignore[no-untyped-def]
    iv = qualify(rounding_interval(value, step), value, qualifier, unit)
    assert iv.lo == pytest.approx(lo)
    assert iv.hi == pytest.approx(hi)


# ---------------------------------------------------------------- small formatting helpers


@pytest.mark.parametrize(
    ("value", "precision", "text"),
    [
        (86000.0, None, "86,000"),
        (86000.0, 1000.0, "86,000"),
        (16.8, 0.1, "16.8"),
        (0.5, 0.01, "0.50"),
        (39.0, 1.0, "39"),
        (1.5, None, "1.50"),
        (math.inf, None, "inf"),
    ],
)
def test_fmt_value(value: float, precision: float | None, text: str) -> None:
    assert fmt_value(value, precision) == text


@pytest.mark.parametrize(
    ("text", "value"),
    [("one", 1), ("Seven", 7), ("twenty", 20), (" hundred ", 100), ("seventy", None),
     ("1", None), ("one million", None)],
)  # fmt: skip
def test_word_number(text: str, value: int | None) -> None:
    assert word_number(text) == value


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


# ---------------------------------------------------------------- periods


@pytest.mark.parametrize(
    ("text", "norm"),
    [
        ("2007–08", "2007-08"),
        ("2007- 2008", "2007-08"),
        ("2007-2008", "2007-08"),
        ("2011/12", "2011-12"),
        ("2009 2012", "2009-12"),
        ("between 2009 and 2012", "2009-12"),
        ("April 2010 - March 2011", "2010-04/2011-03"),
        ("between April 2010 and March 2011", "2010-04/2011-03"),
        ("Apr 2010 to Mar 2011", "2010-04/2011-03"),
        ("January 2010 until December 2010", "2010"),
        ("January — December 2010", "2010"),
        ("April - June 2012", "2012-04/2012-06"),
        ("31st March 2012", "2012-03-31"),
        ("1 April 2010", "2010-04-01"),
        ("March 31st 2012", "2012-03-31"),
        ("March 2012", "2012-M03"),
        ("Sept 2011", "2011-M09"),
        ("2011", "2011"),
    ],
)
def test_find_periods_normalises(text: str, norm: str) -> None:
    ps = find_periods(text)
    assert [p.norm for p in ps] == [norm]
    assert ps[0].start == 0 and ps[0].end == len(text)
    assert normalise(text) == norm


def test_periods_inside_a_sentence() -> None:
    line = ("Of the 86,000 individuals who first presented for drug treatment in 2009 2012, "
            "33,000 had not re-presented by March 31st 2012.")  # fmt: skip
    ps = find_periods(line)
    assert [p.norm for p in ps] == ["2009-12", "2012-03-31"]
    assert [p.text for p in ps] == ["2009 2012", "March 31st 2012"]


@pytest.mark.parametrize(
    "text",
    ["86,000", "2,011 people", "£2012", "2011 per cent", "2011%", "12.2011", "ISBN 1234"],
)
def test_not_periods(text: str) -> None:
    assert find_periods(text) == []


def test_too_long_year_span_is_two_years() -> None:
    # a "span" over ten years is not a financial/academic year span: two separate years
    assert [p.norm for p in find_periods("2007 to 2020")] == ["2007", "2020"]


# Regression: a two-digit span across a century ('1999-00', financial year 1999/2000) was
# dropped (y2 computed as 1900).
def test_financial_year_across_the_century() -> None:
    assert [p.norm for p in find_periods("1999-00")] == ["1999-00"]


def test_period_sort_key_orders_by_end() -> None:
    assert period_sort_key("2010") < period_sort_key("2010-04/2011-03")
    assert period_sort_key("2010") == (2010, 12)
    assert period_sort_key("2010-04/2011-03") == (2011, 3)
    assert period_sort_key("2012-03-31") == (2012, 3)
    assert period_sort_key("2012-M03") == (2012, 3)
    assert period_sort_key("2011-12") == (2012, 3)  # financial year 2011-12 ends March 2012
    assert period_sort_key("not a period") == (0, 0)
    unordered = ["2011-12", "2010-04/2011-03", "2009-10", "2010"]
    assert sorted(unordered, key=period_sort_key) == [
        "2009-10",
        "2010",
        "2010-04/2011-03",
        "2011-12",
    ]


# ---------------------------------------------------------------- properties


@FAST
@given(
    x=st.floats(min_value=0, max_value=1e7, allow_nan=False, allow_infinity=False),
    decimals=st.integers(min_value=0, max_value=2),
)
def test_printed_value_rounding_interval_contains_the_value(x: float, decimals: int) -> None:
    printed = f"{x:,.{decimals}f}"
    v, d = parse_number(printed)
    assert d == decimals
    step = decimals_step(d)
    iv = rounding_interval(v, step)
    assert closed_contains(iv, x)
    # away from the exact tie the half-open interval holds it too
    if abs(abs(x - v) - step / 2) > max(1e-8, 64 * math.ulp(max(1.0, x))):
        assert iv.contains(x)


@FAST
@given(n=st.integers(min_value=1, max_value=10**9), k=st.sampled_from([0, 2, 3, 4, 5]))
def test_printed_rounded_count_interval_contains_the_count(n: int, k: int) -> None:
    unit = 10**k
    m = (n + unit // 2) // unit * unit  # round half up to k zeros
    assume(m > 0)
    printed = f"{m:,}"
    step = count_step(printed, qualified=True)  # 'around 550,000': rounded to any level
    assert step >= unit
    assert closed_contains(rounding_interval(float(m), step), float(n))


@FAST
@given(n=st.integers(min_value=1, max_value=10**12))
def test_count_step_is_a_power_of_ten_dividing_the_count(n: int) -> None:
    step = count_step(f"{n:,}")
    assert n % step == 0
    zeros = len(str(n)) - len(str(n).rstrip("0"))
    assert step == (10 ** min(zeros, 3) if zeros >= 2 else 1)
    assert count_step(f"{n:,}", qualified=True) == (10**zeros if zeros >= 2 else 1)


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


@FAST
@given(n=st.integers(min_value=-(10**6), max_value=10**6), d=st.integers(min_value=0, max_value=2))
def test_consecutive_printed_values_never_overlap(n: int, d: int) -> None:
    step = decimals_step(d)
    a = rounding_interval(n * step, step)
    b = rounding_interval((n + 1) * step, step)
    assert not a.overlaps(b)
    assert a.overlaps(a)


@FAST
@given(y=st.integers(min_value=1990, max_value=2089), k=st.integers(min_value=1, max_value=9),
       sep=st.sampled_from(["-", "–", "/", " to ", "-"]))  # fmt: skip
def test_year_spans_normalise_alike(y: int, k: int, sep: str) -> None:
    y2 = y + k
    expected = f"{y}-{y2 % 100:02d}"
    assert normalise(f"{y}{sep}{y2}") == expected
    assert normalise(f"{y}{sep}{y2 % 100:02d}") == expected
    assert normalise(f"{y} {y2}") == expected  # a PDF artefact: '2009 2012'
    if y2 // 100 == y // 100:
        assert period_sort_key(expected) == (y2, 3)


def test_period_sort_key_across_the_century() -> None:
    # regression: '1999-00' used to sort as (1999, 0), before '1998-99' and '1999'.
    assert period_sort_key("1999-00") == (2000, 3)
    assert sorted(["1999-00", "1998-99", "1999"], key=period_sort_key) == [
        "1998-99",
        "1999",
        "1999-00",
    ]
