"""Periods, passages and mentions: the pieces a figure's key is read from (issue 9)."""

from __future__ import annotations

import pytest

from pubcheck.figures.keys import (
    change_periods,
    figure_period,
    find_mentions,
    load_vocabulary,
    population_of,
    read_passages,
)
from pubcheck.figures.lexer import lex_line
from pubcheck.figures.periods import canonical, find_periods, find_relative, reference_period, same_period, shift


@pytest.mark.parametrize(("text", "norm"), [
    ("the 3 years to 2016", "2014-16"),
    ("the 3-year period to 2024", "2022-24"),
    ("three-year period to 2024", "2022-24"),
    ("the 7 school years ending in July 2019", "2012-19"),
    ("financial year ending (FYE) 2020", "2019-20"),
    ("FYE 2015", "2014-15"),
    ("year ending June 2012", "2011-07/2012-06"),
])
def test_windows_and_years_ending(text: str, norm: str) -> None:
    assert [p.norm for p in find_periods(text)] == [norm]


def test_a_financial_year_is_one_period_however_printed() -> None:
    assert canonical("2018-04/2019-03") == "2018-19"
    assert same_period("between April 2018 and March 2019" and find_periods("between April 2018 and March 2019")[0].norm,  # noqa: E501
                       find_periods("2018 to 2019")[0].norm)
    assert not same_period("2018-04/2019-06", "2018-19")


@pytest.mark.parametrize(("norm", "years", "months", "moved"), [
    ("2019-07/2019-09", -1, 0, "2018-07/2018-09"),
    ("2019-07/2019-09", 0, -3, "2019-04/2019-06"),
    ("2018-19", -1, 0, "2017-18"),
    ("1999-00", 1, 0, "2000-01"),
    ("2022-24", -1, 0, "2021-23"),
    ("2024", -10, 0, "2014"),
])
def test_shift(norm: str, years: int, months: int, moved: str) -> None:
    assert shift(norm, years, months) == moved


@pytest.mark.parametrize(("text", "reference", "resolved"), [
    ("down 0.3 percentage points from a year earlier", "2011-04/2011-06", "2010-04/2010-06"),
    ("a decrease of 2.6 percentage points from the same quarter in 2018", "2019-07/2019-09", "2018-07/2018-09"),
    ("an increase of 0.9 percentage points over the last quarter", "2023-04/2023-06", "2023-01/2023-03"),
    ("similar to the previous year (268,251)", "2019-20", "2018-19"),
    ("over the last 10 years", "2024", "2014"),
])
def test_relative_periods_resolve_against_the_publication(text: str, reference: str, resolved: str) -> None:
    (r,) = find_relative(text)
    assert r.resolve(reference) == resolved


@pytest.mark.parametrize(("lines", "expected"), [
    (["National statistics", "", "Proven reoffending statistics: July to September 2019", "", "Published 29 July 2021"],
     "2019-07/2019-09"),
    (["Academic Year 2016/17", "", "Permanent exclusions and suspensions in England"], "2016-17"),
    (["Children in low income families: local area statistics 2014/15 to 2018/19", "Updated 30 June 2020"], "2018-19"),
    (["---", "title: Entry to higher education", "date: 2025-12-18", "change_history: Updates for 2025", "---", "",
      "Data on the percentage of 18 to 20 year olds.", "", "In 2024, 46% of 18 to 20 year olds were enrolled."], "2024"),  # noqa: E501
    (["Attainment has fallen compared to 2019, from 69% in 2019 to 70% in 2022 for boys."], "2022"),
    (["Published 7 November 2019", "", "No figures are dated here."], None),
])
def test_reference_period(lines: list[str], expected: str | None) -> None:
    assert reference_period(lines) == expected


def _passages(text: str):  # type: ignore[no-untyped-def]
    lines = text.split("\n")
    figures = [f for i, line in enumerate(lines, start=1) for f in lex_line(line, "doc.md", i)[0]]
    return read_passages(lines, figures)


def test_bullets_hang_from_their_lead_in_and_take_its_period() -> None:
    p = _passages("In the 3 years to 2024:\n\n* 89% of people were active – down from 90% in the 3 years to 2016\n")
    (s,) = [s for para in p.paragraphs for s in para.sentences if s.figures]
    assert s.antecedent is not None and s.antecedent.text.startswith("In the 3 years to 2024")
    periods = [figure_period(s, o, o + len(f.text), p.reference) for f, o in zip(s.figures, s.offsets, strict=True)]
    # the period written right after 90% is 90%'s; 89% takes its lead-in's
    assert periods == [("2022-24", "inherited"), ("2014-16", "stated")]


def test_the_start_of_a_change_has_no_period_unless_written_beside_it() -> None:
    p = _passages("In the 3-year period to 2024, the NEET rate went up from 13% to 14%.")
    (s,) = [s for para in p.paragraphs for s in para.sentences]
    got = [figure_period(s, o, o + len(f.text), None)[0] for f, o in zip(s.figures, s.offsets, strict=True)]
    assert got == [None, "2022-24"]


def test_an_unread_period_phrase_leaves_a_figure_undated() -> None:
    p = _passages("In 2024, people had a NEET rate of 22% in the most recent 3-year period.")
    (s,) = [s for para in p.paragraphs for s in para.sentences]
    f, o = s.figures[0], s.offsets[0]
    assert figure_period(s, o, o + len(f.text), "2024")[0] == "2024"  # 'In 2024' is stated
    p = _passages("People had a NEET rate of 22% in the most recent 3-year period.")
    (s,) = [s for para in p.paragraphs for s in para.sentences]
    f, o = s.figures[0], s.offsets[0]
    period, why = figure_period(s, o, o + len(f.text), "2024")
    assert period is None and why.startswith("its sentence names a period pubcheck does not read")


def test_a_sentence_continues_the_one_before_only_when_it_says_so() -> None:
    p = _passages("In 2024, 46% of pupils passed. This was higher than in 2023. Girls did better in 2022.")
    s = p.paragraphs[0].sentences
    assert s[1].antecedent is s[0] and s[2].antecedent is None


@pytest.mark.parametrize(("text", "span"), [
    ("Between the 3 years to 2016 and the 3 years to 2024, activity went down by 4 percentage points.", ("2014-16", "2022-24", False)),  # noqa: E501
    ("In the 3 years to 2024, 48% were in work – up from 36% in the 3 years to 2016.", ("2014-16", "2022-24", False)),
    ("The rate increased 0.20% - up from 0.17% in 2015/16.", ("2015-16", "2016-17", False)),
    ("Over the last 10 years, earnings went up by £1.44.", ("2014", "2024", True)),
])
def test_change_periods(text: str, span: tuple) -> None:  # type: ignore[type-arg]
    p = _passages(text)
    ref = {"2016-17": "2016-17"}.get("2016-17") if "2015/16" in text else "2024"
    got = change_periods(p.paragraphs[0].sentences[0], ref)
    assert (got.start, got.end, got.edges) == span


def test_mentions_take_the_dimension_the_noun_after_them_names() -> None:
    v = load_vocabulary()
    ms = find_mentions("27% of those from a higher professional background were in a higher professional occupation", v)
    assert [(m.text, m.dims()) for m in ms] == [("higher professional", {"seb"}), ("higher professional", {"occupation"})]  # noqa: E501
    ms = find_mentions("48% were in higher and lower professional occupations", v)
    assert [(m.text, m.dims()) for m in ms] == [("higher", {"occupation"}), ("lower professional", {"occupation"})]
    assert [m.readings for m in find_mentions("52% of pupils eligible for free school meals and 72% of non-eligible pupils", v)] == [  # noqa: E501
        (("fsm", "fsm"),), (("fsm", "non_fsm"),)]


def test_population_is_read_from_the_opening_paragraphs() -> None:
    assert population_of(["Data on the percentage of 25 to 29 year olds who were unemployed."]) == ["25 to 29 year olds"]  # noqa: E501


def test_a_table_flattened_into_a_sentence_is_not_prose() -> None:
    # thousands of figures in one 'sentence' get no key and are not traced (nor read figure by
    # figure, which would take time growing with the square of their number)
    from pubcheck.figures.keys import text_key

    p = _passages(" ".join(["12"] * 200) + ".")
    (s,) = [s for para in p.paragraphs for s in para.sentences]
    assert s.dense
    f, o = s.figures[0], s.offsets[0]
    assert text_key(s, o, o + len(f.text), f.unit, None, load_vocabulary()) == (
        None, "its sentence is a table or list flattened into text")
    prose = _passages("In 2024, 46% of pupils passed.")
    assert not prose.paragraphs[0].sentences[0].dense
