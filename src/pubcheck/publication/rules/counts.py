"""Count rules: a percentage that follows from the counts beside it, and a rate and its
complement summing to 100."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator

from pubcheck.figures.numbers import fmt_value
from pubcheck.model import Figure, Finding, Interval
from pubcheck.publication.corpus import Corpus
from pubcheck.publication.registry import locs, rule
from pubcheck.publication.rules.common import _between, _iv

CONTINUES = re.compile(r"^(this|that|which|these|it)\b", re.I)


@rule("count-percentage")
def percentage_follows_from_counts(corpus: Corpus) -> Iterator[Finding]:
    """A percentage stated as following from counts ('Of the 86,000 ... 33,000 ... This
    represents 39 per cent'; 'more than 40 per cent (290)') must be reachable from the
    counts given their rounding: a count with trailing zeros or a qualifier stands for an
    interval (86,000 may be 85,500..86,499), and so does the ratio of two such counts.
    Shares stated within one sentence ('Of the 20.7 million households ..., 11.6 million
    (55.9%)') are read by the statement grammar (rules/statements.share_findings); a count the
    grammar reads as the size of a change ('600,000 fewer than in 1996/97', 'a 90 per cent (2.7
    million) increase') is not a part, nor a share.
    """
    from pubcheck.publication.rules.statements import change_deltas, share_findings, stated_in_sentence

    in_sentence = stated_in_sentence(corpus, ("share",))
    deltas = change_deltas(corpus)
    yield from share_findings(corpus)
    for ex in corpus.extractions:
        by_line: dict[int, list[Figure]] = defaultdict(list)
        for f in ex.figures:
            if f.kind != "cell":
                by_line[f.line].append(f)
        for figs in by_line.values():
            for i, p in enumerate(figs):
                if p.unit != "percent" or p.kind != "number" or id(p) in in_sentence or id(p) in deltas:
                    continue
                nxt = figs[i + 1] if i + 1 < len(figs) else None
                paren = None
                if nxt is not None and nxt.unit == "count":
                    between = _between(ex, p, nxt)
                    if re.fullmatch(r"\s*\(\s*", between or ""):
                        paren = nxt
                if paren is None and not CONTINUES.match(p.sentence):
                    continue
                before = [f for f in figs[:i] if f.unit == "count" and f.kind == "number" and id(f) not in deltas]
                if paren is not None:
                    part = paren
                    wholes = [f for f in before if f.value > part.value]
                else:
                    if len(before) < 2:
                        continue
                    part = before[-1]
                    wholes = [f for f in before[:-1] if f.value > part.value]
                if not wholes:
                    continue
                whole = wholes[-1]
                if p.key.indicator and (part.key.indicator or whole.key.indicator):
                    # linked figures: the rate must be declared as part / whole (linking.toml)
                    triple = (p.key.measure, part.key.measure, whole.key.measure)
                    if triple not in corpus.rules.ratios:
                        continue
                ratio = part.interval.ratio(whole.interval).scale(100.0)
                if not ratio.overlaps(p.interval):
                    exact = 100.0 * part.value / whole.value
                    yield Finding(
                        check="count-percentage", severity="error",
                        message=(f"{p.text} should follow from {part.text} out of {whole.text} "
                                 f"({exact:.1f} per cent), but no values the counts may stand for "
                                 f"give it."),
                        expected=f"a percentage in {_iv(ratio)}",
                        found=f"{p.text} (stands for {_iv(p.interval)})",
                        interval=(f"{part.text} -> {_iv(part.interval)}; "
                                  f"{whole.text} -> {_iv(whole.interval)}"),
                        locations=locs(p, part, whole),
                    )  # fmt: skip


@rule("inverse-rate")
def complements_sum_to_100(corpus: Corpus) -> Iterator[Finding]:
    """A rate and its complement for the same population and period (who re-offend / who
    do not re-offend) sum to 100 within rounding, within and across documents. The
    Outcomes Framework prints indicator 6 as the inverse of MoJ's re-offending rate.
    """
    comps = corpus.rules.complements
    rates = [f for f in corpus.figures if f.unit == "percent" and f.kind in ("number", "cell")
             and f.key.indicator and f.key.measure in comps and not f.controlled]  # fmt: skip
    seen = set()
    for a in rates:
        ka = corpus.resolved(a)
        for b in rates:
            if b is a or b.key.measure != comps[a.key.measure]:
                continue
            kb = corpus.resolved(b)
            if kb.indicator != ka.indicator or kb.breakdown != ka.breakdown or kb.period != ka.period:
                continue
            pair = frozenset((id(a), id(b)))
            if pair in seen:
                continue
            seen.add(pair)
            s = a.interval + b.interval
            if not s.overlaps(Interval(100.0, 100.0)):
                yield Finding(
                    check="inverse-rate", severity="error",
                    message=(f"{a.text} ({a.key.measure}) and {b.text} ({b.key.measure}) describe "
                             f"the same population and period ({corpus.describe(ka)}) and should sum "
                             f"to 100; they sum to {fmt_value(a.value + b.value, 0.1)}."),
                    expected="100", found=fmt_value(a.value + b.value, 0.1),
                    interval=f"sum may be {_iv(s)}", locations=locs(a, b),
                )  # fmt: skip
