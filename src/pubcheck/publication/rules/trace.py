"""Traceability rule: a linked rate that no table or other document supports (information
for the assurer)."""

from __future__ import annotations

from collections.abc import Iterator

from pubcheck.model import Finding
from pubcheck.publication.corpus import Corpus
from pubcheck.publication.registry import locs, rule


@rule("untraced")
def figure_traces_to_source(corpus: Corpus) -> Iterator[Finding]:
    """A rate linked to an indicator that no table or other document holds under the same
    breakdown and period cannot be traced to a source: information for the assurer.
    """
    for f in corpus.figures:
        if f.kind not in ("number",) or f.unit != "percent" or not f.key.indicator or f.controlled:
            continue
        k = corpus.resolved(f)
        others = [g for g in corpus.lookup(k, f.unit) if g is not f]
        # the same value under another period label is traced (prose-table warns of the label)
        others += [c for c in corpus.cells_any_period(k, f.unit) if c.interval.overlaps(f.interval)]
        comp = corpus.rules.complements.get(k.measure or "")
        if comp:
            others += corpus.lookup(k.with_(measure=comp), f.unit)
        if others:
            continue
        yield Finding(
            check="untraced", severity="info",
            message=(f"{f.text} is linked to {corpus.describe(k)}, but no table or other document "
                     "gives that figure: it cannot be traced to a source here."),
            expected="a table or second source for the figure", found=f.text,
            interval=None, locations=locs(f),
        )  # fmt: skip
