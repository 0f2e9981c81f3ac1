# ruff: noqa: E501  (specimen sentences keep their length)
"""Arithmetic inside statements (pubcheck.statements and the rules in rules_statements).

Hand-written specimens: for each statement form, what the grammar reads (roles, periods,
direction) and a consistent and an inconsistent version, with the expected finding worked out by
hand next to it. Then sentences the grammar must abstain on, a hypothesis property (statements
made from true values and rounded honestly are never flagged) and the real publications.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pubcheck.cli.pipeline import check as check_folder
from pubcheck.figures.extract import sentence_spans
from pubcheck.figures.lexer import lex_line
from pubcheck.model import Interval
from pubcheck.publication.statements import Relation, check, parse_relations, relative_change

ROOT = Path(__file__).resolve().parents[1]
STATEMENT_RULES = ("change-arithmetic", "change-direction", "ratio-arithmetic", "gap-arithmetic",
                   "count-percentage", "unit-mismatch")  # fmt: skip


def read(text: str) -> list[Relation]:
    """Every relation in a one-line text, each sentence read with the one before it."""
    figs, _ = lex_line(text, "specimen.txt", 1)
    out: list[Relation] = []
    prev_s, prev_f = None, []
    for a, b in sentence_spans(text):
        s = text[a:b].strip()
        mine = [
            replace(f, sentence=s, location=replace(f.location, quote=s, figure=f.text))
            for f in figs
            if a <= f.span[0] < b
        ]  # as extraction places them
        if mine:
            out += parse_relations(s, mine, prev_s, prev_f)
        prev_s, prev_f = s, mine
    return out


def roles(r: Relation) -> dict[str, str]:
    return {role: f.text.strip() for role, f in r.operands}


def only(text: str, kind: str) -> Relation:
    rels = [r for r in read(text) if r.kind == kind]
    assert len(rels) == 1, [r.describe() for r in read(text)]
    return rels[0]


def findings(text: str) -> list[str]:
    return [f.check for r in read(text) if (f := check(r)) is not None]


# --------------------------------------------------------------------------- reading


def test_change_with_both_end_points_in_brackets() -> None:
    r = only(
        "The number of adults entering treatment increased by 4% from the previous year (127,307 to 132,210).", "change"
    )
    assert roles(r) == {"start": "127,307", "end": "132,210", "delta": "4%"}
    assert (r.direction, r.relative, r.complete) == (1, True, True)
    assert r.start_period == "from the previous year"


def test_delta_below_a_rate_with_the_earlier_rate_in_brackets() -> None:
    # the figure the change is about is the rate the sentence opens with
    r = only(
        "In 2020, 26.0% of pupils were disadvantaged, 0.5 percentage points lower than 2019 (26.5%) and one percentage point lower than in 2018.",
        "change",
    )
    assert roles(r) == {"start": "26.5%", "end": "26.0%", "delta": "0.5 percentage points"}
    assert (r.direction, r.relative) == (-1, False)
    assert (r.start_period, r.end_period) == ("than 2019", "In 2020")


def test_partial_change_keeps_its_start_and_says_what_is_missing() -> None:
    # 'increased 0.20% - up from 0.17% in 2015/16': no end value in the text
    r = only(
        "The permanent exclusion rate in secondary schools increased 0.20% - up from 0.17% in 2015/16 - which is equivalent to",
        "change",
    )
    assert roles(r) == {"start": "0.17%", "delta": "0.20%"}
    assert r.missing == ("end",)
    assert (r.start_period, r.direction, r.relative) == ("in 2015/16", 1, True)
    assert check(r) is None  # incomplete: not checked here


@pytest.mark.parametrize(("text", "start_period"), [
    ("The rate was 18.8 per cent, down 0.3 percentage points from a year earlier.", "from a year earlier"),
    ("The rate was 26.0%. This represents a decrease of 2.6 percentage points from the same quarter in 2018, the largest decrease.", "from the same quarter in 2018"),
    ("The rate decreased by 6.6 percentage points from the same quarter in the previous year.", "from the same quarter in the previous year"),
    ("There were 3.5 million children in 2003/04 which is 700,000 fewer than in 1996/97.", "than in 1996/97"),
    ("The number was 250,000, up 18,000 over the past year.", "over the past year"),
    ("It fell to 87,160 - down 4% on 2013/14.", "on 2013/14"),
    ("The proven re-offending rate has decreased by 1.1 percentage points since 2000.", "since 2000"),
])  # fmt: skip
def test_start_period_as_printed(text: str, start_period: str) -> None:
    assert only(text, "change").start_period == start_period


def test_partial_change_filled_from_a_table_is_checked() -> None:
    # the lead traces the end value to the table: 0.20 in the 2016/17 row. From 0.17 to 0.20 is
    # +0.03 points or +17.6 per cent: a printed 'increased 0.20%' fits neither reading.
    r = only(
        "The permanent exclusion rate in secondary schools increased 0.20% - up from 0.17% in 2015/16 - which is equivalent to",
        "change",
    )
    start = r.get("start")
    assert start is not None
    cell = replace(start, value=0.20, text="0.20", interval=Interval(0.195, 0.205), kind="cell")
    filled = r.fill("end", cell)
    assert filled.complete and filled.missing == ()
    f = check(filled)
    assert f is not None and (f.check, f.severity) == ("change-arithmetic", "error")
    with pytest.raises(ValueError):
        filled.fill("end", cell)


def test_sentence_that_continues_the_one_before_takes_its_figure() -> None:
    # 'This represents ...' is about the one rate of the sentence before
    r = only(
        "The overall rate was 26.0% for the cohort. This represents a decrease of 2.6 percentage points from the same quarter in 2018.",
        "change",
    )
    assert roles(r) == {"end": "26.0%", "delta": "2.6 percentage points"}
    assert r.from_previous == ("end",)


def test_coordinated_changes_share_direction_and_start_period() -> None:
    rels = [
        r
        for r in read(
            "The percentage fell by 7 percentage points for girls and 6 percentage points for boys compared to 2019."
        )
        if r.kind == "change"
    ]
    assert [roles(r)["delta"] for r in rels] == ["7 percentage points", "6 percentage points"]
    assert {(r.direction, r.start_period) for r in rels} == {(-1, "compared to 2019")}


def test_between_periods_of_the_sentence_before() -> None:
    text = ("Between the 3 years to 2016 and the 3 years to 2024, activity for young men went down by 4 percentage points. "
            "It went up by 7 percentage points for young women.")  # fmt: skip
    rels = [r for r in read(text) if r.kind == "change"]
    assert [(r.direction, r.start_period, r.end_period) for r in rels] == [
        (-1, "the 3 years to 2016", "the 3 years to 2024"),
        (1, "the 3 years to 2016", "the 3 years to 2024"),
    ]


def test_period_of_this_period_is_the_one_before() -> None:
    text = ("Over the last 10 years, the difference in earnings has remained constant. The increase in earnings over "
            "this period has been small – mean hourly earnings went up by £1.44 for young people.")  # fmt: skip
    r = only(text, "change")
    assert (roles(r), r.start_period, r.missing) == ({"delta": "£1.44"}, "Over the last 10 years", ("start", "end"))


def test_direction_from_the_sentence_continued() -> None:
    text = ("There has been a continued rise in the number of adults starting treatment with crack cocaine problems. "
            "This includes people using crack without opiates (4,535 compared to 4,301) and with opiates (24,363 to 22,411).")  # fmt: skip
    rels = [r for r in read(text) if r.kind == "direction"]
    # '(A compared to B)': A is the current figure
    assert sorted((roles(r)["start"], roles(r)["end"], r.direction, r.direction_from) for r in rels) == [
        ("24,363", "22,411", 1, "previous sentence"),
        ("4,301", "4,535", 1, "previous sentence"),
    ]


def test_shares_of_the_whole_a_sentence_opens_with() -> None:
    text = ("Out of the 20.7 million households, in April to June 2015, 11.6 million (55.9%) were working, "
            "a further 5.9 million (28.3%) were mixed and 3.3 million (15.8%) were workless")  # fmt: skip
    rels = [r for r in read(text) if r.kind == "share"]
    assert [roles(r) for r in rels] == [
        {"part": "11.6 million", "whole": "20.7 million", "share": "55.9%"},
        {"part": "5.9 million", "whole": "20.7 million", "share": "28.3%"},
        {"part": "3.3 million", "whole": "20.7 million", "share": "15.8%"},
    ]


def test_gap_with_both_rates() -> None:
    r = only(
        "In reading, 63% of girls met the expected standard compared to 55% of boys, a gap of 9 percentage points, down from 10 percentage points in 2019.",
        "gap",
    )
    assert roles(r) == {"gap": "9 percentage points", "a": "63%", "b": "55%"}
    d = only(
        "In reading, 63% of girls met the expected standard compared to 55% of boys, a gap of 9 percentage points, down from 10 percentage points in 2019.",
        "direction",
    )
    assert roles(d) == {"start": "10 percentage points", "end": "9 percentage points"}
    assert d.start_period == "in 2019"


def test_gap_change_with_bare_first_number() -> None:
    # 'from 28 to 24 percentage points': 28 takes the unit of its pair
    r = only("The gap in first degree attainment went down from 28 to 24 percentage points.", "direction")
    assert {role: f.unit for role, f in r.operands} == {"start": "percentage_points", "end": "percentage_points"}
    assert [roles(g)["gap"] for g in read("The gap went up from 18 to 20 percentage points.") if g.kind == "gap"] == [
        "18",
        "20 percentage points",
    ]


def test_ratio_forms() -> None:
    assert roles(
        only("The entry rate was 2.2 times higher than those from lower working class backgrounds.", "ratio")
    ) == {"ratio": "2.2"}
    r = only(
        "Pupils eligible for free school meals were twice as likely to be excluded (6.2%) as other pupils (3.1%).",
        "ratio",
    )
    assert roles(r) == {"ratio": "twice as", "a": "6.2%", "b": "3.1%"}


def test_difference_with_another_group() -> None:
    r = only(
        "65 per cent of children in low-income households do not live with both parents, 26 percentage points higher than the figure for better-off households (39 per cent).",
        "difference",
    )
    assert roles(r) == {"a": "65 per cent", "b": "39 per cent", "delta": "26 percentage points"}
    assert r.direction == 1


# --------------------------------------------------------------------------- checking, by hand

# (sentence, expected rule id or None). Arithmetic worked out by hand on the rounding intervals.
SPECIMENS = [
    # change in points, both end points: 75.1 - 74.1 = 1.0 in (0.9, 1.1)
    ("The employment rate rose from 74.1% in 2022 to 75.1% in 2023, an increase of 1.0 percentage points.", None),
    ("The employment rate rose from 74.1% in 2022 to 75.1% in 2023, an increase of 2.0 percentage points.", "change-arithmetic"),
    # relative: (132,210 - 127,307) / 127,307 = 3.85%: '4%' [3.5, 4.5) holds it, '5%' does not
    ("Entrants increased by 4% from the previous year (127,307 to 132,210).", None),
    ("Entrants increased by 5% from the previous year (127,307 to 132,210).", "change-arithmetic"),
    # '0.5 points lower than 2019 (26.5%)' after 26.0%: 26.0 - 26.5 in (-0.6, -0.4)
    ("In 2020, 26.0% of pupils were disadvantaged, 0.5 percentage points lower than 2019 (26.5%).", None),
    ("In 2020, 26.0% of pupils were disadvantaged, 0.8 percentage points lower than 2019 (26.5%).", "change-arithmetic"),
    # 'X% higher than in 2012 (4,400)': 5,200 / 4,400 - 1 = 18.2%; counts to the hundred: (16.7%, 19.8%)
    ("There were 5,200 deaths in 2022, 18% higher than in 2012 (4,400).", None),
    ("There were 5,200 deaths in 2022, 30% higher than in 2012 (4,400).", "change-arithmetic"),
    # 'to A from B': 640 / 603 - 1 = 6.1%
    ("The median wage rose by 6.1% to £640 a week, from £603 a year earlier.", None),
    ("The median wage rose by 9.1% to £640 a week, from £603 a year earlier.", "change-arithmetic"),
    # a per-cent change that is really points: 24 - 20 = 4 points, but 20% relative
    ("The proportion rose by 20 per cent, from 20% to 24%.", None),
    ("The proportion rose by 4 per cent, from 20% to 24%.", "unit-mismatch"),
    # 'up C from B': 682 / 642 - 1 = 6.2%
    ("Median weekly earnings were £682 in April 2023, up 6.2% from £642 in 2022.", None),
    ("Median weekly earnings were £682 in April 2023, up 8.2% from £642 in 2022.", "change-arithmetic"),
    # 'C fewer than the B in 2019': 1,234 / 1,402 - 1 = -12.0%
    ("There were 1,234 deaths, 12% fewer than the 1,402 in 2019.", None),
    ("There were 1,234 deaths, 15% fewer than the 1,402 in 2019.", "change-arithmetic"),
    # 'C below the average (B)': a difference with another figure, relative: 9,991 / 10,526 - 1 = -5.1%
    ("The number of deaths registered was 9,991, 5.1% below the five-year average (10,526).", None),
    ("The number of deaths registered was 9,991, 7.0% below the five-year average (10,526).", "gap-arithmetic"),
    # ... but 10,000 may be rounded to the thousand: [9,500, 10,500) against 10,526 is -9.7% .. -0.3%
    ("The number of deaths registered was 10,000, 7.0% below the five-year average (10,526).", None),
    # doubled / halved: 10 / 20 = 0.5; 15 / 20 = 0.75 is not 'halved' ([0.4375, 0.5625])
    ("Youth unemployment halved from 20% to 10% between 2012 and 2019.", None),
    ("Youth unemployment halved from 20% to 15% between 2012 and 2019.", "change-arithmetic"),
    # direction: a rise from 12.5% to 11.9% cannot be
    ("The rate increased from 11.9% to 12.5%.", None),
    ("The rate increased from 12.5% to 11.9%.", "change-direction"),
    ("Among boys, 6% achieved the higher standard, down from 9% in 2019.", None),
    ("Among boys, 9% achieved the higher standard, down from 6% in 2019.", "change-direction"),
    # '(down from B)' is about the figure before the brackets
    ("The rate was 5% (down from 6%) in 2023.", None),
    ("The rate was 7% (down from 6%) in 2023.", "change-direction"),
    # 52% to 52% may still be a rise: 51.5 .. 52.5
    ("The rate went up from 52% to 52%.", None),
    # shares: 11.6 / 20.7 = 56.0%; with rounding (55.7%, 56.4%)
    ("Of the 20.7 million households, 11.6 million (55.9%) were working.", None),
    ("Of the 20.7 million households, 11.6 million (60.1%) were working.", "count-percentage"),
    ("Of the 1,200 respondents, 300 (25%) said yes.", None),
    ("Of the 1,200 respondents, 300 (35%) said yes.", "count-percentage"),
    ("Of the 650 members, more than 40 per cent (290) were in work.", None),
    ("Of the 650 members, more than 40 per cent (250) were in work.", "count-percentage"),
    # gap: |63 - 55| in (7, 9) meets 9's [8.5, 9.5); 6 does not
    ("In 2022, 63% of girls met the standard compared to 55% of boys, a gap of 9 percentage points.", None),
    ("In 2022, 63% of girls met the standard compared to 55% of boys, a gap of 6 percentage points.", "gap-arithmetic"),
    # gap before its rates: 60 - 39 = 21; a '20 point gap' with 47 and 67
    ("In 2016 the gap was 21 percentage points, with 39 per cent of disadvantaged pupils and 60 per cent of other pupils reaching the expected level.", None),
    ("In 2016 the gap was 25 percentage points, with 39 per cent of disadvantaged pupils and 60 per cent of other pupils reaching the expected level.", "gap-arithmetic"),
    ("This compares with a 20 percentage point gap the previous year, when 47 per cent of disadvantaged pupils and 67 per cent of their peers reached it.", None),
    # a bare number takes its pair's scale: 2.2 million - 2.1 million may be (0, 0.2 million)
    ("The number of pensioners in relative poverty rose by 100,000 from 2.1 to 2.2 million.", None),
    ("Spending rose by £300 million from £1.2 to £1.5 billion.", None),
    ("Spending rose by £900 million from £1.2 to £1.5 billion.", "change-arithmetic"),
    # an adjective between a change and its pair: 719 / 630 - 1 = 14.1%
    ("The data showed a 14% increase in police-recorded homicide offences, from 630 to 719.", None),
    ("The data showed a 24% increase in police-recorded homicide offences, from 630 to 719.", "change-arithmetic"),
    # the relative and absolute size of one change: 5.7 / 3 = 1.9 (3 million may be 2.5 .. 3.5 million)
    ("The number of people was 5.7 million in October, and there has been a 90 per cent (2.7 million) increase in the number of people on the benefit from 3 million in March.", None),
    ("The number of people was 5.7 million in October, and there has been a 190 per cent (2.7 million) increase in the number of people on the benefit from 3 million in March.", "change-arithmetic"),
    # two pairs in one: 'from A (a%) in P to B (b%)'
    ("Owner-occupation declined from 14.8 million (71%) in 2005 to 14.5 million (67%) in 2009-10.", None),
    ("Owner-occupation declined from 14.8 million (67%) in 2005 to 14.5 million (71%) in 2009-10.", "change-direction"),
    # difference with another group: 60 - 70 = -10
    ("In London, 60% of people owned their home, 10 percentage points lower than the national average (70%).", None),
    ("In London, 60% of people owned their home, 15 percentage points lower than the national average (70%).", "gap-arithmetic"),
    ("Now the rate for girls is higher than that for boys (38.9% and 37.8% respectively).", None),
    ("Now the rate for girls is higher than that for boys (37.8% and 38.9% respectively).", "gap-arithmetic"),
    # ratios: 6.2 / 3.1 = 2.0 is 'twice'; 9.3 / 3.1 = 3.0 is not
    ("Pupils eligible for free school meals were twice as likely to be excluded (6.2%) as other pupils (3.1%).", None),
    ("Pupils eligible for free school meals were twice as likely to be excluded (9.3%) as other pupils (3.1%).", "ratio-arithmetic"),
    # a printed ratio is rounded: '3 times' is [2.5, 3.5); 5.5 / 2.0 = 2.75
    ("They were 3 times as likely to be unemployed as those from other backgrounds (5.5% and 2.0% respectively).", None),
    ("They were 4 times as likely to be unemployed as those from other backgrounds (5.5% and 2.0% respectively).", "ratio-arithmetic"),
    ("It was 3.9 times higher (39% compared with 10%).", None),
    ("It was 2.9 times higher (39% compared with 10%).", None),
    ("It was 1.9 times higher (39% compared with 10%).", "ratio-arithmetic"),
    # shares: 'X (Z%) ... out of Y', 'X, or Z per cent of the Y', 'the gap between A and B is C'
    ("Some 290 (45%) were in work out of 650 members.", None),
    ("Some 290 (55%) were in work out of 650 members.", "count-percentage"),
    ("Some 33,000 people, or 39 per cent of the 86,000, completed treatment.", None),
    ("Some 33,000 people, or 49 per cent of the 86,000, completed treatment.", "count-percentage"),
    ("The gap between 44% and 16% is 28 percentage points.", None),
    ("The gap between 44% and 16% is 24 percentage points.", "gap-arithmetic"),
    # '1.5 times higher': 12 / 8 = 1.5 (times as high) is accepted, so is 2.5 (1.5 times more)
    ("The rate for men was 1.5 times higher than for women (12.0% and 8.0% respectively).", None),
    ("The rate for men was 2.5 times as high as for women (12.0% and 8.0% respectively).", "ratio-arithmetic"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "rule"), SPECIMENS)
def test_statement_specimen(text: str, rule: str | None) -> None:
    found = findings(text)
    assert found == ([rule] if rule else []), [r.describe() for r in read(text)]


def test_finding_names_every_figure_and_the_intervals() -> None:
    (rel,) = [r for r in read("The rate increased from 12.5% to 11.9%.") if r.kind == "direction"]
    f = check(rel)
    assert f is not None and f.severity == "error"
    assert [loc.figure for loc in f.locations] == ["12.5%", "11.9%"]
    assert f.interval == "12.5% -> [12.45, 12.55); 11.9% -> [11.85, 11.95)"


# --------------------------------------------------------------------------- abstaining

ABSTAIN = [
    # ranges and spreads are not changes
    "The proportion of pupils achieving the expected standard ranged from 52% to 79% across regions.",
    "Percentages in all other socio-economic groups were between 88% and 91%.",
    "They are then divided into 5 equally-sized groups, from 1 (lowest) to 5 (highest).",
    # a change word that governs something else
    "Following a decline in 2019, the rate recovered from 45% to 40% in 2021.",
    "The number of schools rose by 3%, with pupil numbers going from 8.5 million to 8.0 million.",
    # which figure a change is about is ambiguous
    "In 2024, 80% of A and 91% of B were active, down from 90% in 2016.",
    # a share of another year's whole, a share of a part
    "Of the 20.7 million households, 11.8 million (57.0%) were working, compared with 11.6 million (58.9%) a year earlier.",
    "Of the 3.2 million claimants, 1.1 million (34%) were women, of which 400,000 (88%) were aged under 25.",
    # 'up' as a particle, 'higher' as part of a group's name
    "We have set up 10 projects, up from 3 last year.",
    "Those from higher professional backgrounds (46%) were more likely than lower working (25%) to enrol.",
    # a level printed next to a change of the rate
    "Prices increased by 10.1% in the 12 months to March, down from 10.4% in February.",
    # a comparison with a group is not a change over time; a rate is not a gap
    "The gap was largest in the lower working class group, where 72% of young women and 86% of young men were active.",
    "This is 600,000 fewer than in 1996/97.",
    # a change and its relative size are not a part and its share
    "Of the 50,000 pupils, attendance increased by 2,000 (40%) to 52,000.",
    # a reference, not a figure below something
    "The offences are set out at table 1 below.",
    # dates, not values; a comparison with another group, not a change
    "The number of cases fell from 1 April to 30 June.",
    "Attainment rose less for boys than girls (68% compared with 72%).",
    # the direction of the sentence continued stands in a subordinate clause, or is not the only one
    "Despite a fall in referrals, the number in treatment remained stable. This includes people using crack (4,535 to 4,301).",
    "There has been a rise in the number of adults starting treatment, while referrals fell. This includes people using crack (4,535 to 4,301).",
]  # fmt: skip


@pytest.mark.parametrize("text", ABSTAIN)
def test_abstains(text: str) -> None:
    assert findings(text) == [], [r.describe() for r in read(text)]


# --------------------------------------------------------------------------- arithmetic


@settings(max_examples=300, deadline=None)
@given(start=st.floats(1.0, 1e6), end=st.floats(1.0, 1e6), step=st.sampled_from([0.1, 1.0, 10.0]))
def test_relative_change_interval_holds_every_value(start: float, end: float, step: float) -> None:
    s0, e0 = max(round(start / step), 1) * step, round(end / step) * step
    s_iv = Interval(s0 - step / 2, s0 + step / 2)
    e_iv = Interval(max(e0 - step / 2, 0.0), e0 + step / 2)
    got = relative_change(s_iv, e_iv)
    for s in (s_iv.lo, (s_iv.lo + s_iv.hi) / 2, s_iv.hi):
        for e in (e_iv.lo, (e_iv.lo + e_iv.hi) / 2, e_iv.hi):
            true = (e - s) / s * 100
            tol = 1e-9 * max(1.0, abs(true))
            assert got.lo - tol <= true <= got.hi + tol


@settings(max_examples=200, deadline=None)
@given(start=st.integers(200, 900), end=st.integers(200, 900))
def test_honestly_rounded_changes_are_never_flagged(start: int, end: int) -> None:
    """A sentence made from true values (tenths of a per cent) and rounded as printed is silent."""
    a, b = start / 10, end / 10
    word = "rose" if b > a else "fell"
    delta = abs(b - a)
    rel = abs(b - a) / a * 100
    for text in (f"The rate {word} from {a:.1f}% to {b:.1f}%, a change of {delta:.1f} percentage points.",
                 f"The rate {word} by {delta:.1f} percentage points, from {a:.1f}% to {b:.1f}%.",
                 f"The count {word} by {rel:.0f}% (from {start * 1000:,} to {end * 1000:,}).",
                 f"In 2020, {b:.1f}% of pupils were eligible, {delta:.1f} percentage points {'higher' if b > a else 'lower'} than 2019 ({a:.1f}%)."):  # fmt: skip
        if b == a:
            continue
        assert findings(text) == [], text


@settings(max_examples=200, deadline=None)
@given(part=st.integers(1, 999), extra=st.integers(1, 999))
def test_honestly_rounded_shares_are_never_flagged(part: int, extra: int) -> None:
    whole = part + extra
    share = 100 * part / whole
    text = f"Of the {whole / 10:.1f} million households, {part / 10:.1f} million ({share:.1f}%) were working."
    assert findings(text) == [], text


# --------------------------------------------------------------------------- rules on documents


def _run(tmp_path: Path, text: str) -> list:  # type: ignore[type-arg]
    """Every finding at warning or above, from every rule: one statement is reported once."""
    (tmp_path / "d.txt").write_text(text, encoding="utf-8")
    return [f for f in check_folder(tmp_path).findings if f.severity != "info"]


@pytest.mark.parametrize(("text", "rule"), [
    ("Entrants increased by 5% from the previous year (127,307 to 132,210).\n", "change-arithmetic"),
    ("The rate increased from 12.5% to 11.9%.\n", "change-direction"),
    ("Pupils eligible for free school meals were twice as likely to be excluded (9.3%) as other pupils (3.1%).\n", "ratio-arithmetic"),
    ("In 2022, 63% of girls met the standard compared to 55% of boys, a gap of 6 percentage points.\n", "gap-arithmetic"),
    ("Of the 20.7 million households, 11.6 million (60.1%) were working.\n", "count-percentage"),
    ("The proportion rose by 4 per cent, from 20% to 24%.\n", "unit-mismatch"),
])  # fmt: skip
def test_rule_reports_once_at_the_line(tmp_path: Path, text: str, rule: str) -> None:
    found = _run(tmp_path, text)
    assert [(f.check, f.locations[0].line) for f in found] == [(rule, 1)]


def test_rules_silent_on_consistent_document(tmp_path: Path) -> None:
    text = "\n".join(t for t, rule in SPECIMENS if rule is None) + "\n"
    assert _run(tmp_path, text) == []


def test_rule_direction_across_sentences(tmp_path: Path) -> None:
    text = ("There has been a continued rise in the number of adults starting treatment with crack cocaine problems. "
            "This includes people using crack without opiates (4,535 compared to 4,301) and with opiates (24,363 to 22,411).\n")  # fmt: skip
    found = _run(tmp_path, text)
    assert [f.check for f in found] == ["change-direction"]
    assert {loc.figure for loc in found[0].locations} == {"24,363", "22,411"}


# --------------------------------------------------------------------------- real publications


def _corpus() -> Path | None:
    for cand in (ROOT / "fixtures" / "real-publications", ROOT.parent / "shared" / "real-publications",
                 Path("/work/shared/real-publications")):  # fmt: skip
        if (cand / "labels.json").is_file():
            return cand
    return None


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    corpus = _corpus()
    if corpus is None:
        pytest.skip("the real-publications corpus is not here")
    tmp = tmp_path_factory.mktemp("real")
    for f in corpus.iterdir():
        if f.is_file() and f.name not in ("labels.json", "SOURCES.md"):
            shutil.copy(f, tmp / f.name)
    labels = json.loads((corpus / "labels.json").read_text(encoding="utf-8"))
    return check_folder(tmp), labels


def _at(report, rules: tuple[str, ...]) -> dict[tuple[str, int], list]:  # type: ignore[no-untyped-def,type-arg]
    out: dict[tuple[str, int], list] = {}  # type: ignore[type-arg]
    for f in report.findings:
        if f.check in rules and f.severity in ("error", "warning"):
            for where in {(Path(loc.document).name, loc.line) for loc in f.locations}:
                out.setdefault(where, []).append(f)
    return out


def test_real_publications_consistent_statements_stay_silent(real) -> None:  # type: ignore[no-untyped-def]
    report, labels = real
    hits = _at(report, STATEMENT_RULES)
    bad = {(lab["file"], lab["line"]) for lab in labels if lab["verdict"] == "inconsistent"}
    false = [(lab["file"], lab["line"], [f.message for f in hits[(lab["file"], lab["line"])]]) for lab in labels
             if lab["verdict"] == "consistent" and (lab["file"], lab["line"]) in hits
             and (lab["file"], lab["line"]) not in bad]  # fmt: skip
    assert false == []


def test_real_publications_rise_that_falls_is_caught(real) -> None:  # type: ignore[no-untyped-def]
    report, _ = real
    hits = _at(report, ("change-direction",))
    (f,) = hits[("phe_adult_substance_misuse_treatment_2018-19.txt", 17)]
    assert f.severity == "error" and "24,363 to 22,411" in f.message


def test_real_publications_no_statement_error_elsewhere(real) -> None:  # type: ignore[no-untyped-def]
    """Every error the statement rules raise on the corpus is a labelled inconsistency."""
    report, labels = real
    bad = {(lab["file"], lab["line"]) for lab in labels if lab["verdict"] == "inconsistent"}
    errors = [f for f in report.findings if f.check in STATEMENT_RULES and f.severity == "error"]
    assert all({(Path(loc.document).name, loc.line) for loc in f.locations} & bad for f in errors), [
        f.message for f in errors
    ]


WORDS = ["from", "to", "(", ")", "of the", "than", "gap", "between", "and", "respectively", "times", "as likely as",
         "rose", "fell by", "up", "down from", "increased", "a rise of", "higher", "lower", "compared with", "in 2019",
         "a year earlier", "This includes", "Of the", "households", ",", ";", "doubled", "halved", "or", "was", "in",
         "the same quarter in 2018", "percentage points", "per cent", "twice", "1 in 6", "below", "above", "–"]  # fmt: skip
NUMBERS = ["12%", "3.5 million", "£1.2", "0.4 percentage points", "1,234", "26.0%", "2.2", "600,000", "7", "£3 billion",
           "45 per cent", "18 to 20 percentage points", "0.17%"]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(WORDS + NUMBERS), min_size=3, max_size=18))
def test_grammar_never_crashes(tokens: list[str]) -> None:
    text = " ".join(tokens) + "."
    for r in read(text):
        check(r)  # must not raise
