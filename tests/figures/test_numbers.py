"""Unit tests for the number helpers of the figures stage: parsing printed numbers, rounding
intervals, count steps, verbal quantifiers and qualifiers, formatting.

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
from pubcheck.model import Interval

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


@FAST
@given(n=st.integers(min_value=-(10**6), max_value=10**6), d=st.integers(min_value=0, max_value=2))
def test_consecutive_printed_values_never_overlap(n: int, d: int) -> None:
    step = decimals_step(d)
    a = rounding_interval(n * step, step)
    b = rounding_interval((n + 1) * step, step)
    assert not a.overlaps(b)
    assert a.overlaps(a)


@given(st.decimals(allow_nan=False, allow_infinity=False, places=None).filter(lambda d: abs(d) < 10**15),
       st.booleans())  # fmt: skip
def test_parse_number_plain_digits_as_decimal_reads_them(d, grouped) -> None:  # type: ignore[no-untyped-def]
    """The fast path for plain digits gives what Decimal gives: value and decimals printed."""
    from decimal import Decimal

    from pubcheck.figures.numbers import parse_number

    text = format(d, "f")
    if grouped and "." not in text:
        text = f"{int(text):,}"
    exact = Decimal(text.replace(",", ""))
    exp = exact.as_tuple().exponent
    assert parse_number(text) == (float(exact), -exp if isinstance(exp, int) and exp < 0 else 0)
