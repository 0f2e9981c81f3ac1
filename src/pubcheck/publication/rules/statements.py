"""Rules over the relations a sentence states between its own figures (pubcheck.statements).

Each statement is read by the grammar in `statements.py` with no indicator registry, and checked
on the rounding intervals of the figures it relates: an error only when no values the printed
figures may stand for make the statement true. A statement whose operands are not all in its
sentence (or the sentence it continues) is not checked here.

Which rule reports what, so that one statement is reported once:
- `change-arithmetic`: a printed change against its own end points ('fell by 1% (141,189 to
  139,845)', 'doubled from A to B'); a per-cent change that only fits as points is reported as
  `unit-mismatch` (warning). `prose-table` keeps the changes it traces to a table; it leaves alone
  the changes whose end points stand in their own sentence.
- `change-direction`: a rise whose end points fall, or the reverse.
- `count-percentage`: shares stated in one sentence ('11.6 million (55.9%)' of 'the 20.7
  million households') are reported by the `count-percentage` rule itself, which calls
  `share_findings` here.
- `ratio-arithmetic`: 'N times as likely / higher', 'twice as likely (A) as ... (B)'.
- `gap-arithmetic`: 'A% of X compared to B% of Y, a gap of C points'; 'C points higher than
  the figure for Y (B%)'; 'higher than ... (A% and B% respectively)'.
"""

from __future__ import annotations

from collections.abc import Iterator

from pubcheck.model import Finding
from pubcheck.publication.corpus import Corpus
from pubcheck.publication.registry import rule
from pubcheck.publication.statements import Relation, check, document_relations

_CACHE_ATTR = "_statement_relations"


def relations(corpus: Corpus) -> list[Relation]:
    """Every relation stated in the corpus's prose, read once per corpus."""
    cached = corpus.__dict__.get(_CACHE_ATTR)
    if cached is None:
        cached = [r for ex in corpus.extractions for r in document_relations(ex)]
        corpus.__dict__[_CACHE_ATTR] = cached
    return cached


def _findings(corpus: Corpus, kinds: tuple[str, ...], ids: tuple[str, ...]) -> Iterator[Finding]:
    for rel in relations(corpus):
        if rel.kind not in kinds:
            continue
        if rel.form == "one-in-n" and rel.get("share") is not None:
            continue  # 'about 1 in 6 (18 per cent)': verbal-quantifier reads the figure beside it
        f = check(rel)
        if f is not None and f.check in ids:
            yield f


@rule("change-arithmetic")
def change_equals_difference_of_its_end_points(corpus: Corpus) -> Iterator[Finding]:
    """A change printed with both of its end points in the same sentence equals their difference:
    'increased by 4% from the previous year (127,307 to 132,210)', 'fell by 8.0 per cent from 0.90
    to 0.83', '0.5 percentage points lower than 2019 (26.5%)' after 'In 2020, 26.0%', 'doubled from
    A to B'. A change in percentage points is end - start; one in per cent is (end - start) /
    start; both readings are tried for a per-cent change of two percentages, and one that fits
    only as points is a `unit-mismatch` warning (it is the difference of two percentages printed as
    a relative change). Why: a wrong change is the figure readers quote. Tolerance: the rounding
    intervals of all three figures (26.0 and 26.5 give a fall in (0.4, 0.6), which holds 0.5);
    'doubled' and 'halved' accept the ratio bands of checks/quantifiers.toml. An error only when
    no values the printed figures may stand for make the statement true.
    """
    yield from _findings(corpus, ("change",), ("change-arithmetic", "unit-mismatch"))


@rule("change-direction")
def change_goes_the_way_the_text_says(corpus: Corpus) -> Iterator[Finding]:
    """A change said to be a rise (rose, increased, went up, up from, a rise in ...) has an end point
    above its start, and a fall the reverse: '(4,535 compared to 4,301)' is a rise, '(24,363 to
    22,411)' is not. The direction word is read in the pair's own clause or, for a sentence that
    continues the one before ('This includes ...'), from that sentence when it states exactly
    one direction. Why: the direction is the headline a reader takes away. Tolerance: an error only
    when every value the end points may stand for moves the other way (52% to 52% may be a rise).
    """
    yield from _findings(corpus, ("change", "direction"), ("change-direction",))


@rule("ratio-arithmetic")
def ratio_follows_from_its_rates(corpus: Corpus) -> Iterator[Finding]:
    """A ratio stated with both of its rates in the sentence agrees with them: 'N times as likely
    (A%) as ... (B%)', 'twice as likely ... (A% and B% respectively)'. Why: ratios of rates are
    easy to invert or to compute from the wrong rows. Tolerance: a printed ratio stands for its
    rounding interval (2.2 is [2.15, 2.25)); 'N times higher' is accepted for N and for N + 1
    times as high (both are in use); verbal ratios ('twice') accept the bands of
    checks/quantifiers.toml; the rates' own rounding intervals are used.
    """
    yield from _findings(corpus, ("ratio",), ("ratio-arithmetic",))


@rule("gap-arithmetic")
def gap_equals_difference_of_rates(corpus: Corpus) -> Iterator[Finding]:
    """A gap or difference stated with both rates in the sentence equals their difference: '63% of
    girls ... compared to 55% of boys, a gap of 9 percentage points' (|63 - 55|), '65 per cent ...,
    26 percentage points higher than the figure for Y (39 per cent)', and 'higher than that for Y
    (38.9% and 37.8% respectively)' (the first must be the higher). Why: a gap is usually computed
    from unrounded figures and then checked by nobody. Tolerance: the rates' rounding intervals (63
    and 55 give a gap in (7, 9), which meets a printed 9's [8.5, 9.5)).
    """
    yield from _findings(corpus, ("gap", "difference"), ("gap-arithmetic",))


def share_findings(corpus: Corpus) -> Iterator[Finding]:
    """Shares stated in one sentence: 'Of the 20.7 million households ..., 11.6 million (55.9%)',
    'X of Y (Z%)', 'X (Z%) ... out of Y', 'X, or Z per cent of Y'. Reported under count-percentage
    by that rule (rules.py)."""
    yield from _findings(corpus, ("share",), ("count-percentage",))


def stated_in_sentence(corpus: Corpus, kinds: tuple[str, ...]) -> set[int]:
    """id() of every figure that is an operand of a complete relation of these kinds: the other
    rules leave those statements to the rules here."""
    return {id(f) for r in relations(corpus) if r.kind in kinds and r.complete for f in r.figures}


def change_deltas(corpus: Corpus) -> set[int]:
    """id() of every figure the grammar reads as the size of a change ('600,000 fewer than ...')."""
    return {
        id(r.get("delta"))
        for r in relations(corpus)
        if r.kind in ("change", "difference") and r.get("delta") is not None
    }


def checked_changes(corpus: Corpus) -> set[int]:
    """id() of the printed change of every complete change relation: change-arithmetic judges it
    (both the relative and the points reading of a per-cent change)."""
    return {
        id(r.get("delta"))
        for r in relations(corpus)
        if r.kind == "change" and r.complete and r.get("delta") is not None
    }


def gap_rates(corpus: Corpus) -> set[int]:
    """id() of the two rates of every gap the grammar reads ('the gap between 44% and 16% is 28
    points'): they are rates, not a gap printed in per cent."""
    return {id(f) for r in relations(corpus) if r.kind == "gap" for role, f in r.operands if role in ("a", "b")}
