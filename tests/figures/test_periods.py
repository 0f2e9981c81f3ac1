"""Unit tests for periods: normalisation ('2007–08', '2007- 2008', '2009 2012'), labels that
are not periods, and their order.

Every expectation here is worked out by hand, not copied from the code's output.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pubcheck.figures.periods import find_periods, normalise, period_sort_key

FAST = settings(database=None, deadline=None, max_examples=200)


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
