"""Arithmetic inside statements: the grammar of statistical prose, with no indicator registry.

A sentence of a statistical release relates its figures to each other. "11.6 million (55.9%)"
is a part and its share of a whole; "fell by 1% (141,189 to 139,845)" is a change with its size
and both end points; "63% of girls ... compared to 55% of boys, a gap of 9 percentage points" is
a gap and the two rates it is the difference of. This module reads those relations from the words
around the figures, knowing nothing about what the figures measure: no indicator registry, no
values, no document names. Every relation is checked on the rounding intervals of its operands
(a printed 39 per cent is [38.5, 39.5)); an error only when no values the printed figures may stand
for make the statement true.

Interface
---------
``parse_relations(sentence, figures, previous_sentence=None, previous_figures=None)``
    -> ``list[Relation]``. ``sentence`` is the sentence as extracted (``Figure.sentence``);
    ``figures`` are the figures the lexer found in it (``Figure.span`` in line coordinates: they
    are aligned to the sentence here). ``previous_sentence`` / ``previous_figures`` are the
    sentence before it (the same line, or the last sentence of the previous non-empty line); they
    are read only when the sentence continues it ("This includes ...", "This is up 186,000",
    "these percentages went up to 49% and 25% respectively").
``Relation.fill(role, figure) -> Relation``
    The relation with one missing operand supplied (e.g. the end value traced to a table cell).
``check(relation) -> Finding | None``
    Pure. The relation's arithmetic on its operands' intervals when every operand is present
    (``relation.complete``); ``None`` when it holds or cannot be checked. The finding's ``check``
    is the rule id that reports it (see ``RULE_IDS``).
``document_relations(extraction) -> list[Relation]``
    Every relation of one extracted document, sentence by sentence (what the rules use).

``Relation`` (frozen)
    kind           share | change | direction | ratio | gap | difference
    form           which statement form was read ('from-to', 'paren-pair', 'delta', ...)
    operands       ((role, Figure), ...) the operands present, by role:
                     share:       part, whole, share
                     change:      start, end, and delta (a printed change) or factor (doubled)
                     direction:   start, end (the statement says only which way it went)
                     ratio:       a, b, ratio ("a is <ratio> times b"; one in N: ratio, share)
                     gap:         a, b, gap (|a - b|)
                     difference:  a, b, delta (a - b, signed by ``direction``)
    missing        roles the statement implies but the sentence does not hold (to be filled
                   from another sentence or a table of the same publication)
    start_period / end_period
                   the periods as printed ("in 2019", "from a year earlier", "the same quarter
                   in 2018", "than in 2019", "since 2000", "In the 3 years to 2024"), or None
    relative       True: a change printed in per cent of its start; False: in points or units;
                   None: unknown or not a change
    direction      +1 rise / higher, -1 fall / lower, None unstated
    direction_from 'sentence' or 'previous sentence' (where the direction word stands)
    sentence       the sentence text; spans: ((role, (start, end)), ...) of the operands that
                   stand in it (sentence coordinates); from_previous: roles read from the
                   previous sentence
    subject        the clause the relation was read from

What the grammar abstains on (deliberately, precision first): ranges and spreads ("between 88%
and 91%", "ranged from 52% to 79%", "between 7 and 9 percentage points higher"); numbers written as
words ("one percentage point"); comparatives that also name groups ("higher professional", "lower
working class": they count only in "N higher than ..."); "N fewer/more" without "than"; a bare
"from A to B" with no change word; a change word that governs something else ("Following a decline
in 2019, the rate recovered from ..."; "rose by 3%, with pupil numbers going from ..."); a trailing
change when two figures could be what it is about ("80% of A and 91% of B ..., down from 90%"); a
share of a nested or earlier population ("..., of which 400,000 (36%)", "... (58.9%) a year
earlier"); a bare "up"/"down" after a verb ("set up 10 projects"); tables flattened into prose; any
pairing of figures whose units do not fit the statement (points with counts, a relative change of
a range).
"""

from pubcheck.publication.statements.checks import check, relative_change
from pubcheck.publication.statements.documents import document_relations, document_sentences
from pubcheck.publication.statements.reader import parse_relations
from pubcheck.publication.statements.relation import KINDS, RULE_IDS, Relation

__all__ = ["KINDS", "RULE_IDS", "Relation", "check", "document_relations", "document_sentences", "parse_relations",
           "relative_change"]
