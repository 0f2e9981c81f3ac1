"""Quantifier rules: verbal quantifiers and ratios ('nearly half', 'twice as likely') agree
with what they describe; a best/worst-case range is as wide as the missing share."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pubcheck.figures.numbers import fmt_value
from pubcheck.model import Figure, Finding, Interval
from pubcheck.publication.corpus import Corpus
from pubcheck.publication.registry import locs, rule
from pubcheck.publication.rules.common import _between, _iv


@rule("verbal-quantifier")
def quantifier_matches_figure(corpus: Corpus) -> Iterator[Finding]:
    """A verbal quantifier ('nearly half', 'two-fifths', 'over a third', 'twice as likely',
    '1 in 6') agrees with the figure it describes: the figure in brackets after it, the
    counts it relates ('N - two-fifths of the M'), or the table figure of the same
    indicator, breakdown and period. Accepted ranges: checks/quantifiers.toml.
    """
    for ex in corpus.extractions:
        figs = [f for f in ex.figures if f.kind != "cell"]
        for i, v in enumerate(figs):
            if v.kind not in ("verbal", "ratio"):
                continue
            nxt = figs[i + 1] if i + 1 < len(figs) else None
            between = _between(ex, v, nxt) if nxt is not None else None
            target: list[Figure] = []
            found_iv: Interval | None = None
            how = ""
            if v.kind == "verbal" and nxt is not None and between is not None and re.fullmatch(
                r"\s*(?:\(|–|-|—|,)?\s*", between) and nxt.unit == "percent" and nxt.kind == "number":  # fmt: skip
                target, found_iv, how = [nxt], nxt.interval, f"the figure beside it, {nxt.text}"
            elif v.kind == "verbal" and nxt is not None and between is not None and re.fullmatch(
                    r"\s*of\s+(?:the\s+)?", between) and nxt.unit == "count":  # fmt: skip
                parts = [f for f in figs[:i] if f.line == v.line and f.unit == "count"
                         and f.value < nxt.value and v.span[0] - f.span[1] < 40]  # fmt: skip
                if parts:
                    part = parts[-1]
                    found_iv = part.interval.ratio(nxt.interval).scale(100.0)
                    target, how = [part, nxt], f"{part.text} out of {nxt.text}"
            elif v.key.indicator and v.kind == "verbal":
                k = corpus.resolved(v)
                cands = corpus.lookup(k, "percent", cells_only=True) or corpus.lookup(k, "percent")
                if cands:
                    target, found_iv, how = [cands[0]], cands[0].interval, f"{cands[0].text}"
            elif v.kind == "ratio" and v.key.indicator:
                yield from _ratio_check(corpus, v)
                continue
            if found_iv is None or not target:
                continue
            if not found_iv.overlaps(v.interval):
                q = f"{v.qualifier} " if v.qualifier else ""
                yield Finding(
                    check="verbal-quantifier", severity="error",
                    message=(f"'{q}{v.text}' describes {how}, which is outside the range "
                             f"accepted for '{q}{v.text}'."),
                    expected=f"a value in {_iv(v.interval)} for '{q}{v.text}'",
                    found=f"{_iv(found_iv)} per cent",
                    interval="accepted ranges: checks/quantifiers.toml",
                    locations=locs(v, *target),
                )  # fmt: skip


def _ratio_check(corpus: Corpus, v: Figure) -> Iterator[Finding]:
    """'twice as likely ... as': the rate of the named breakdown over the other one. A ratio
    whose two rates stand in its own sentence is checked by ratio-arithmetic instead."""
    from pubcheck.publication.rules.statements import stated_in_sentence

    k = corpus.resolved(v)
    if not k.breakdown or id(v) in stated_in_sentence(corpus, ("ratio",)):
        return
    dims = dict(k.breakdown)
    for dname, val in dims.items():
        dim = corpus.rules.dimensions.get(dname)
        if dim is None:
            continue
        other_vals = [name for name, _ in dim.values if name not in (val, "all")]
        for ov in other_vals:
            base = dict(dims)
            num_k = [c for c in corpus.indicator_cells(k.indicator) if c.unit == "percent"
                     and dict(c.key.breakdown).get(dname) == val]  # fmt: skip
            den_k = [c for c in corpus.indicator_cells(k.indicator) if c.unit == "percent"
                     and dict(c.key.breakdown).get(dname) == ov]  # fmt: skip
            a, b = _like_for_like(num_k, dname, base), _like_for_like(den_k, dname, base)
            if a is None or b is None:
                continue
            ratio = a.interval.ratio(b.interval)
            if not ratio.overlaps(v.interval):
                yield Finding(
                    check="verbal-quantifier", severity="error",
                    message=(f"'{v.text}' compares {a.text} ({a.row}, {a.column}) with {b.text} "
                             f"({b.row}, {b.column}): a ratio of {a.value / b.value:.2f}."),
                    expected=f"a ratio in {_iv(v.interval)}", found=f"{_iv(ratio)}",
                    interval="accepted ranges: checks/quantifiers.toml", locations=locs(v, a, b),
                )  # fmt: skip
            return


def _like_for_like(cells: list[Figure], dname: str, want_dims: dict[str, str]) -> Figure | None:
    """The cell matching the stated dimensions, and the 'all' row of any unstated one."""
    want = {d: x for d, x in want_dims.items() if d != dname}
    for c in cells:
        rest = {d: x for d, x in c.key.breakdown if d != dname}
        if all(rest.get(d) == x for d, x in want.items()) and all(
            x == "all" for d, x in rest.items() if d not in want
        ):
            return c
    return None


MISSING = re.compile(r"missing|no (?:data|answer|response)|not (?:answer|respond)|non-?response",
                     re.I)  # fmt: skip


@rule("missing-bounds")
def range_as_wide_as_missing_share(corpus: Corpus) -> Iterator[Finding]:
    """A range built from best and worst assumptions about missing answers (low: every
    missing answer is 'happy'; high: every one is 'unhappy') is exactly as wide as the
    stated missing share. The share is read from the range's footnote or sentence.
    """
    for ex in corpus.extractions:
        lines = ex.document.lines
        for f in ex.figures:
            if f.kind != "range" or f.low is None or f.high is None:
                continue
            sources: list[int] = [ex.footnotes[n] for n in f.footnotes if n in ex.footnotes]
            texts = [(n, lines[n - 1]) for n in sources]
            texts.append((f.line, f.sentence))
            for lineno, text in texts:
                if not MISSING.search(text):
                    continue
                shares = [g for g in ex.figures if g.line == lineno and g.unit == "percent"
                          and g.kind == "number" and g is not f]  # fmt: skip
                if not shares:
                    continue
                share = shares[0]
                step = f.precision
                lo = Interval(f.low - step / 2, f.low + step / 2)
                hi = Interval(f.high - step / 2, f.high + step / 2)
                width = hi - lo
                if not width.overlaps(share.interval):
                    yield Finding(
                        check="missing-bounds", severity="error",
                        message=(f"The range {f.text} is {fmt_value(f.high - f.low)} points wide, "
                                 f"but it is built from assumptions about the {share.text} with "
                                 f"missing answers, so it should be {share.text.split()[0]} points wide."),
                        expected=f"width {share.text.split()[0]} points (any value in {_iv(share.interval)})",
                        found=f"width {fmt_value(f.high - f.low)} points (any value in {_iv(width)})",
                        interval=f"low {_iv(lo)}, high {_iv(hi)}", locations=locs(f, share),
                    )  # fmt: skip
                break
