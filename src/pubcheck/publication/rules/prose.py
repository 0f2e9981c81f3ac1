"""Prose rules: figures and changes quoted in the text agree with the tables of the same
document ('a rise of 2.1 percentage points since 2000'; '26 percentage points higher than
the figure for ...')."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pubcheck.figures.numbers import fmt_value
from pubcheck.figures.periods import period_sort_key
from pubcheck.model import Figure, Finding, Interval
from pubcheck.publication.corpus import Corpus
from pubcheck.publication.registry import locs, rule
from pubcheck.publication.rules.common import _iv


@rule("prose-table")
def prose_agrees_with_table(corpus: Corpus) -> Iterator[Finding]:
    """Figures quoted in prose agree with the table of the same document that holds the
    same indicator, breakdown and period; changes quoted in prose ('a 0.5 percentage point
    increase in relation to ...', 'a rise of 2.1 percentage points since 2000', 'fell by 8.0
    per cent from 0.90 to 0.83') agree with the table rows they compare. A prose figure that
    matches the table only under another period label is a warning (period label does not
    match). Figures 'after controlling for' other factors are not compared with raw tables.

    With no indicator registry, a prose figure, a change or a gap is traced by the key its
    own text gives it to the cell of the tables published with its page whose labels and
    period match (publication/tracing.py); a figure that cannot be traced is not compared.
    A change whose end points stand in its own sentence is checked against them by
    change-arithmetic (rules/statements), not here; a change read as from one period to the
    same period is a misreading, and abstains.
    """
    from pubcheck.figures.keys import load_vocabulary
    from pubcheck.publication.rules.statements import stated_in_sentence
    from pubcheck.publication.tracing import pages_from, traced_findings

    vocab = load_vocabulary(extra=corpus.config.qualifiers)
    pages = pages_from([(ex.document, ex.figures) for ex in corpus.extractions], vocab, corpus.config.groups,
                       corpus.config.roles_for)
    yield from traced_findings(pages, vocab)
    in_sentence = stated_in_sentence(corpus, ("change", "difference"))
    for f in corpus.figures:
        if f.kind == "change" and id(f) in in_sentence:
            continue
        if f.kind == "change" and f.low is not None and f.high is not None:
            yield from _check_change(corpus, f, f.key)  # self-contained: 'from A to B'
            continue
        if f.kind == "cell" or f.controlled or not f.key.indicator:
            continue
        key = corpus.resolved(f)
        if f.kind == "change":
            yield from _check_change(corpus, f, key)
            continue
        if f.kind != "number" or f.unit not in ("percent",):
            continue
        same = corpus.lookup(key, f.unit, document=f.document, cells_only=True)
        if same:
            bad = [c for c in same if not c.interval.overlaps(f.interval)]
            if bad and len(bad) == len(same):
                c = bad[0]
                yield _disagrees(f, c, f"The text quotes {f.text} for {corpus.describe(key)}, but {c.table} "
                                       f"prints {c.text} for the same row and column.")  # fmt: skip
            continue
        # no cell under this period: does the table hold the value under another label?
        if key.period is None:
            continue
        others = corpus.cells_any_period(key, f.unit, f.document)
        if not others:
            continue
        hits = [c for c in others if c.interval.overlaps(f.interval)]
        year = period_sort_key(key.period)[0]
        same_year = [c for c in others if c.key.period and period_sort_key(c.key.period)[0] == year]
        if not hits and same_year:
            c = same_year[-1]
            yield _disagrees(f, c, f"The text gives {f.text} for '{key.period}'; {c.table} has no row labelled "
                                   f"so, and the row ending in that year ('{c.row}') prints {c.text}.")  # fmt: skip
        if hits:
            c = hits[-1]
            yield Finding(
                check="prose-table", severity="warning",
                message=(f"The text dates {f.text} to '{key.period}', but {c.table} prints this "
                         f"value for '{c.row}' and has no row for '{key.period}': the period "
                         "label does not match."),
                expected=f"period {c.key.period}", found=f"period {key.period}",
                interval=None, locations=locs(f, c),
            )  # fmt: skip


def _disagrees(f: Figure, c: Figure, message: str) -> Finding:
    """A prose figure whose interval does not meet the table cell's."""
    return Finding(
        check="prose-table", severity="error", message=message,
        expected=f"{c.text} (any value in {_iv(c.interval)})", found=f"{f.text} (stands for {_iv(f.interval)})",
        interval=f"{_iv(f.interval)} vs {_iv(c.interval)}", locations=locs(f, c),
    )  # fmt: skip


def _check_change(corpus: Corpus, f: Figure, key) -> Iterator[Finding]:  # type: ignore[no-untyped-def]
    sign = f.direction or 1
    printed = f.interval.scale(sign)
    if f.low is not None and f.high is not None and f.relative:
        step = f.endpoint_step or 1.0
        lo_iv = Interval(f.low - step / 2, f.low + step / 2)
        hi_iv = Interval(f.high - step / 2, f.high + step / 2)
        rel = (hi_iv - lo_iv).ratio(lo_iv).scale(100.0)
        if not rel.overlaps(printed):
            exact = 100.0 * (f.high - f.low) / f.low
            yield Finding(
                check="prose-table", severity="error",
                message=(f"'{f.text}' from {f.low:g} to {f.high:g} should be a change of "
                         f"{exact:+.1f} per cent."),
                expected=f"{exact:+.1f} per cent (any value in {_iv(rel)})",
                found=f"{'+' if sign > 0 else '-'}{f.text}", interval=_iv(rel), locations=locs(f),
            )  # fmt: skip
        return
    if not f.base_period and f.direction:
        yield from _check_group_difference(corpus, f)
        return
    if not f.base_period or f.base_period == "previous" or key.period is None or key.period == f.base_period:
        return  # a change from a period to the same period is a misreading
    unit = "percent"
    cur = corpus.lookup(key.with_(measure=key.measure), unit, document=f.document)
    base = corpus.lookup(key.with_(period=f.base_period), unit, document=f.document)
    cur = [c for c in cur if c.kind == "cell"] or cur
    base = [c for c in base if c.kind == "cell"] or base
    if not cur or not base:
        return
    c, b = cur[0], base[0]
    yield from _change_findings(
        f, c, b, f"from {f.base_period} ({b.text}) to {key.period} ({c.text})"
    )


def _change_findings(f: Figure, cur: Figure, base: Figure, between: str) -> Iterator[Finding]:
    """Compare a printed change with cur - base: in points, or relative to base when the
    change is printed 'per cent'. A per-cent change that only fits as points is a
    unit-mismatch warning; one that fits neither is a prose-table error."""
    sign = f.direction or 1
    printed = f.interval.scale(sign)
    points = cur.interval - base.interval
    expect = points.ratio(base.interval).scale(100.0) if f.relative else points
    if expect.overlaps(printed):
        return
    if f.relative and points.overlaps(printed):
        yield Finding(
            check="unit-mismatch", severity="warning",
            message=(f"'{f.text}' is the difference of two percentages ({cur.text} - {base.text}) "
                     "in percentage points, but is printed as per cent (a relative change)."),
            expected=f"{fmt_value(cur.value - base.value, 0.1)} percentage points",
            found=f.text, interval=_iv(points), locations=locs(f, cur, base),
        )  # fmt: skip
        return
    word = "per cent" if f.relative else "percentage points"
    exact = (cur.value - base.value) / base.value * 100.0 if f.relative else cur.value - base.value
    signed = f"{'+' if sign > 0 else '-'}{fmt_value(f.value, f.precision)} {word}"
    yield Finding(
        check="prose-table", severity="error",
        message=(f"The text gives a change of {signed} {between}, but those figures make a "
                 f"change of {exact:+.1f} {word}."),
        expected=f"{exact:+.1f} {word} (any value in {_iv(expect)})", found=signed,
        interval=f"{cur.text} -> {_iv(cur.interval)}; {base.text} -> {_iv(base.interval)}",
        locations=locs(f, cur, base),
    )  # fmt: skip


THAN = re.compile(r"\b(?:higher|lower|more|less|greater|above|below)\s+than\b(.{0,80})", re.I)


def _check_group_difference(corpus: Corpus, f: Figure) -> Iterator[Finding]:
    """'65 per cent of X ..., 26 percentage points higher than the figure for Y': the
    difference between the rate just quoted and the same rate for group Y in the table."""
    m = THAN.search(f.sentence[f.sentence.find(f.text) :]) if f.text in f.sentence else None
    if m is None:
        return
    before = [g for g in corpus.figures if g.document == f.document and g.line == f.line
              and g.kind == "number" and g.unit == "percent" and g.span[1] <= f.span[0]
              and g.key.indicator]  # fmt: skip
    if not before:
        return
    p = before[-1]
    pkey = corpus.resolved(p)
    ind = corpus.rules.indicator(pkey.indicator or "")
    if ind is None:
        return
    other_key = None
    for dname in ind.dimensions:
        dim = corpus.rules.dimensions.get(dname)
        if dim is None:
            continue
        from pubcheck.figures.link import pick_dimension

        v = pick_dimension(dim, m.group(1), (0, 0))
        mine = dict(pkey.breakdown).get(dname)
        if v and mine and v != mine:
            other_key = pkey.with_(breakdown=tuple(sorted({**dict(pkey.breakdown), dname: v}.items())))
            break
    if other_key is None:
        return
    a = corpus.lookup(pkey, "percent", cells_only=True)
    b = corpus.lookup(other_key, "percent", cells_only=True)
    if not a or not b:
        return
    a0, b0 = a[0], b[0]
    yield from _change_findings(
        f, a0, b0, f"between {p.text} and the figure for {other_key.breakdown_text()} ({b0.text})"
    )
