"""Properties of the extraction over generated text (hypothesis): no exception escapes, output is
well formed, the prefilters never skip a pattern that would match, and time per input stays
within a budget.

The time bounds are generous on purpose (seconds for a few thousand characters, where a normal
run takes milliseconds): only a hang or a super-linear blow-up exceeds them; speed itself is
measured by scripts/bench_hostile.py, never asserted here."""

from __future__ import annotations

import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pubcheck.documents.load import Document
from pubcheck.figures import lexer, periods
from pubcheck.figures.extract import RUN_MIN, WINDOW, extract, sentence_spans, windows
from pubcheck.figures.numbers import parse_number, rounding_interval
from pubcheck.figures.periods import PATTERNS as PERIOD_PATTERNS
from pubcheck.figures.periods import find_periods
from pubcheck.figures.tables import find_tables

# Pieces that exercise the patterns: numbers, separators, units, labels, months, fractions
PIECES = ["1", "2", "12", "2011", "2007-08", "35.8", "1,234", "0.5", " ", "  ", "\t", ".", ",", "-", "–", "(", ")",
          "%", " per cent", " percentage points", "£", " million", " in ", "half", "a third", "twice", "aged ",
          "Table ", "Key Indicator ", "ISBN ", "Cm ", "@", "http://", "www.", "](", "<sup>", "</sup>", "**", "¹",
          "March ", "April 2010 - March 2011", "between ", " and ", "out of ", " weeks", "st", "[c]", "[p]", "..",
          "nearly ", "over ", "rise of ", "from ", " to ", "İ", "ſ", "K", "x", "Pupils", "\n"]  # fmt: skip
TEXT = st.lists(st.sampled_from(PIECES), max_size=80).map("".join)
RUNS = st.builds(lambda piece, n: piece * n, st.sampled_from(["1", ".", "-", "...", "1 ", "1,", "1.", " ", "a.",
                                                              "¹", "1-", "<https:", "](", "1%"]),  # fmt: skip
                 st.integers(1000, 6000))
SLOW = 10.0  # seconds: only a hang or a blow-up takes this long for inputs of this size
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(TEXT)
def test_lexing_never_raises_and_figures_are_well_formed(line: str) -> None:
    line = line.replace("\n", " ")
    figures, labels = lexer.lex_line(line, "x.txt", 1)
    for f in figures:
        assert 0 <= f.span[0] < f.span[1] <= len(line)
        assert f.interval.lo <= f.interval.hi
        assert f.value == f.value and abs(f.value) < float("inf")
    for t in labels:
        assert line[t.start : t.end] == t.text


# text before a figure: pieces, then often a qualifier and what may stand between it and the figure
QUALIFIED = st.tuples(
    st.lists(st.sampled_from(PIECES), max_size=8).map("".join),
    st.sampled_from([*lexer.QUALIFIER_WORDS, "ABOUT", "C.", "(", "-", "x", ""]),
    st.sampled_from(["", " ", "  ", "\u00a0", " a ", " a", " £", " £ ", "£", ".", " 1"]),
).map("".join)


@FAST
@given(QUALIFIED)
def test_the_qualifier_shortcut_never_skips_a_qualifier(before: str) -> None:
    m = lexer.QUALIFIER_RE.search(before[-30:])
    assert lexer._qualifier(before, len(before)) == (m.group(1).lower() if m else None)


@FAST
@given(TEXT)
def test_the_prefilter_never_skips_a_pattern_that_would_match(line: str) -> None:
    needs = lexer._Needs(line)
    for kind, pat in lexer.LABELS + lexer.FIGURE_PATTERNS:
        if pat.search(line):
            assert needs.met(kind), f"{kind} matches {line!r} but its NEEDS say it cannot"
    if lexer.FRACTION_RE.search(line):
        assert needs.any_word(lexer._FRACTION_WORDS)
    if lexer.RATIO_RE.search(line):
        assert needs.any_word(lexer._RATIO_WORDS)
    if any(p.search(line) for _, p in PERIOD_PATTERNS):
        assert find_periods(line), "the no-year shortcut skipped a period"


@FAST
@given(TEXT)
def test_periods_are_sorted_disjoint_spans_of_the_text(text: str) -> None:
    found = find_periods(text)
    for a, b in zip(found, found[1:], strict=False):
        assert a.end <= b.start
    for p in found:
        assert text[p.start : p.end] == p.text and p.norm


@FAST
@given(st.text(alphabet="0123456789.,-", min_size=1, max_size=30).filter(lambda s: s[0].isdigit()))
def test_parse_number_is_finite_or_refuses(text: str) -> None:
    try:
        value, decimals = parse_number(text)
    except ArithmeticError:
        return  # decimal.InvalidOperation: not a number; the lexer never hands it such text
    iv = rounding_interval(value, 10.0**-decimals)
    assert iv.lo <= value <= iv.hi


@FAST
@given(st.lists(st.sampled_from(["a\tb", "1\t2.5\t[c]", "", "Table 3. X", "x", "\t", "2010\t1,234\t5%"]),
                max_size=30))  # fmt: skip
def test_tables_are_runs_of_tabbed_lines(lines: list[str]) -> None:
    for t in find_tables(lines):
        for row in ([t.header] if t.header else []) + t.rows:
            assert "\t" in lines[row.lineno - 1] and row.line == lines[row.lineno - 1]


@FAST
@given(st.text(alphabet="ab. 1,\t", max_size=3 * WINDOW // 100), st.integers(10, 200))
def test_windows_cover_the_text_in_order_without_gaps(text: str, size: int) -> None:
    spans = windows(text, size)
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    for (a, b), (c, _) in zip(spans, spans[1:], strict=False):
        assert a < b == c
    for a, b in spans:
        cut_inside_token = b < len(text) and text[b - 1 : b + 1].replace(".", "a").replace(",", "a").isalnum()
        assert b - a <= size or not cut_inside_token


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(RUNS)
def test_pathological_runs_take_linear_time(run: str) -> None:
    """Long runs of one character class were quadratic in the e-mail, cell and 'N in M' patterns."""
    t0 = time.perf_counter()
    ex = extract(Document("x.txt", [run, "x\t" + run, run + " 5 per cent"], ""))
    assert time.perf_counter() - t0 < SLOW
    assert all(f.interval.lo <= f.interval.hi for f in ex.figures)
    # numbers in runs (no word between them) are counted, never also read as figures
    for r in ex.runs:
        line = ex.document.lines[r.line - 1]
        assert 0 <= r.start < r.end <= len(line) and r.count >= RUN_MIN
        assert not any(f.line == r.line and f.span[0] < r.end and f.span[1] > r.start for f in ex.figures)
    assert ex.runs or "1 " not in run  # a run of '1 ' is at least one run


@FAST
@given(st.lists(TEXT, max_size=12))
def test_extraction_of_any_document_is_well_formed(lines: list[str]) -> None:
    lines = [line for chunk in lines for line in chunk.split("\n")]
    t0 = time.perf_counter()
    ex = extract(Document("x.txt", lines, ""))
    assert time.perf_counter() - t0 < SLOW
    for f in ex.figures:
        assert 1 <= f.location.line <= len(lines)
        assert f.interval.lo <= f.interval.hi
    for a, b in sentence_spans(" ".join(lines)):
        assert a < b


# Every pattern with a look-ahead for its first characters, beside the pattern as written
LED = ([(periods.PLAIN[k], p) for k, p in PERIOD_PATTERNS if k in periods.FIRST]
       + [(lexer.PLAIN_LABELS[k], p) for k, p in lexer.LABELS if k in lexer.LABEL_FIRST]
       + [(lexer.PLAIN_FIGURES[k], p) for k, p in lexer.FIGURE_PATTERNS if k in lexer.FIGURE_FIRST])  # fmt: skip
CASED = ["ID ", "PU", "S. 12", "Sec 4", "Figure ", "FYE ", "Year ending ", "Aged 16", "Under-18s", "Pre-16", "Twenty ",
         "One in ", "Two ", "Between 2010 and 2012", "JANUARY 2010", "Nineteen", "Vol 3", "No. 5", "Online Report 7",
         "Wave 2", "the 3 years to 2019", "31st March 2012", "March 31, 2012", "FY 2020", "Cm 7780", "020 7946 0000",
         "(a)", "12:30", "3 (2)", "3rd", "12 out of 14", "95 per cent confidence", "5 years old", "**1.2**", "⁴",
         "1.", "1. The", "  2.3 ", "Tier 2", "B", "b", "O"]  # fmt: skip


def _matches(pat, text: str) -> list:  # type: ignore[no-untyped-def,type-arg]
    return [(m.span(), m.groups()) for m in pat.finditer(text)]


def test_every_led_pattern_is_its_plain_pattern_on_the_publications() -> None:
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    files = [p for p in sorted((root / "published").glob("*.txt")) + sorted(
        (root / "fixtures" / "real-publications").rglob("*")) if p.suffix in (".txt", ".html", ".csv")]  # fmt: skip
    lines = [line for p in files for line in p.read_text(encoding="utf-8", errors="replace").splitlines()]
    assert len(lines) > 3_000 and len(LED) == len(periods.FIRST) + len(lexer.LABEL_FIRST) + len(lexer.FIGURE_FIRST)
    hits = 0
    for plain, led in LED:
        for line in lines:
            got = _matches(plain, line)
            assert _matches(led, line) == got, (plain.pattern[:60], line)
            hits += len(got)
    assert hits > 5_000  # the publications exercise them


@FAST
@given(st.lists(st.sampled_from(PIECES + CASED), max_size=60).map("".join))
def test_every_led_pattern_is_its_plain_pattern(text: str) -> None:
    for plain, led in LED:
        assert _matches(led, text) == _matches(plain, text), plain.pattern[:60]
