"""Unit rule: a difference of two percentages is in percentage points, not per cent."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator

from pubcheck.figures.numbers import fmt_value
from pubcheck.model import Figure, Finding
from pubcheck.publication.corpus import Corpus
from pubcheck.publication.registry import locs, rule
from pubcheck.publication.rules.common import _matches

GAP_WORD = re.compile(r"\bgap\b|\bdifference\b", re.I)


@rule("unit-mismatch")
def differences_in_points(corpus: Corpus) -> Iterator[Finding]:
    """A difference between two percentages is in percentage points; printing it as 'per
    cent' or '%' is a warning (GLOSSARY: the FSM gap is properly in percentage points).
    Table gap rows are reported once per row; prose figures named as a gap once each. A per-cent
    change printed with both of its end points is judged by change-arithmetic, which tries the
    relative and the points reading and warns here only when points is the one that fits.
    """
    from pubcheck.publication.rules.statements import checked_changes, gap_rates

    r = corpus.rules
    rows: dict[tuple[str, int], list[Figure]] = defaultdict(list)
    # per-cent changes checked against their own end points; the two rates a gap is taken between
    checked = checked_changes(corpus) | gap_rates(corpus)
    for f in corpus.figures:
        if f.unit != "percent" or id(f) in checked:
            continue
        if f.kind == "cell":
            if f.row and _matches(r.gap_rows, f.row) and "%" in f.text:
                rows[(f.document, f.line)].append(f)
            continue
        if f.kind != "number":
            continue
        is_gap = dict(f.key.breakdown).get("group") == "gap"
        window = f.sentence
        if is_gap or (GAP_WORD.search(window) and _gap_near(f)):
            yield Finding(
                check="unit-mismatch", severity="warning",
                message=(f"{f.text} is a gap between two percentages and should be in "
                         "percentage points, not per cent."),
                expected=f"{fmt_value(f.value, f.precision)} percentage points",
                found=f.text, interval=None, locations=locs(f),
            )  # fmt: skip
    for (_doc, _line), cells in rows.items():
        c = cells[0]
        yield Finding(
            check="unit-mismatch", severity="warning",
            message=(f"{c.table}: the '{c.row}' row is a difference of two percentages but is "
                     f"printed with '%' ({', '.join(x.text for x in cells)}); it is in "
                     "percentage points."),
            expected="percentage points", found="%", interval=None, locations=locs(c),
        )  # fmt: skip


def _gap_near(f: Figure) -> bool:
    """The figure is what a 'gap' or 'difference' earlier in its sentence is said to be
    (not a figure in brackets naming one of the two groups, nor a rate of a group: 'the gap
    was largest ..., where 72% of young women and 86% of young men ...')."""
    s = f.sentence
    a = s.find(f.text)
    if a < 0:
        return False
    if s[:a].rstrip().endswith("(") or re.match(r"\s+of\b", s[a + len(f.text) :]):
        return False
    return bool(GAP_WORD.search(s[:a]))
