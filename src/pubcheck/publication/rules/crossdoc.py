"""Cross-document rule: the same indicator, measure, breakdown and period agrees wherever it
is quoted."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

from pubcheck.figures.keys import (
    TextKey,
    Vocabulary,
    load_vocabulary,
    population_of,
    publication_measure,
    qualifiers_near,
    read_passages,
    text_key,
)
from pubcheck.figures.periods import canonical
from pubcheck.model import Figure, Finding
from pubcheck.publication.corpus import Corpus
from pubcheck.publication.registry import locs, rule
from pubcheck.publication.rules.common import _iv


@rule("cross-document")
def same_figure_agrees_across_documents(corpus: Corpus) -> Iterator[Finding]:
    """The same indicator, measure, breakdown and period quoted in several documents
    agrees within rounding: their intervals overlap (not string equality). One finding
    names the figure that disagrees and every figure it disagrees with. Two quotes of the
    same figure in one document (a key-findings table and the body) are held to the same
    standard and reported as prose-table.

    With no registry, a figure's key is read in full from its own words (figures/keys.text_key:
    the content words of its clause, its qualifiers, a stated period, its unit): two figures of
    different documents are the same figure when their qualifiers, period and unit are equal and
    what one says it measures is contained in what the other says (at least three words), and
    neither subject is narrowed by words pubcheck does not read. Disagreeing is an error when
    both documents report on the same period; between editions that report on different periods
    it is a warning, since the later one may have revised the figure.

    The registry's key is refined by the qualifiers the figure's own sentence gives it (sex,
    ethnic group, area, ...: checks/qualifiers.toml): a rate for girls, or for one ethnic
    group, is not the indicator's headline and is never compared with it.
    """
    vocab = load_vocabulary(extra=corpus.config.qualifiers)
    yield from _by_text_keys(corpus, vocab)
    groups: dict[tuple, list[Figure]] = defaultdict(list)
    for f in corpus.figures:
        if not f.key.indicator or f.controlled or f.kind not in ("number", "cell"):
            continue
        if f.unit not in ("percent", "count", "GBP"):
            continue
        k = corpus.resolved(f)
        if k.measure in ("sample_size",):
            continue
        ind = corpus.rules.indicator(k.indicator or "")
        if f.unit == "count" and f.kind != "cell" and (ind is None or k.measure == ind.measure):
            continue  # a count whose measure is only the indicator's default: its role is unknown
        if k.period is None and (f.unit != "percent" or corpus.has_periods(k.indicator)):
            continue  # an undated count, or an undated rate of an indicator quoted by period
        groups[(k, f.unit, _text_qualifiers(corpus, f, vocab))].append(f)
    for (k, _unit, _quals), figs in groups.items():
        if len(figs) < 2:
            continue
        conflicts: dict[int, list[Figure]] = defaultdict(list)
        for a in figs:
            for b in figs:
                if a is b or (a.document, a.line) == (b.document, b.line):
                    continue
                if a.kind == "cell" and b.kind == "cell":
                    continue
                if a.document == b.document and (a.kind == "cell" or b.kind == "cell"):
                    continue  # prose against its own table: the prose-table rule
                if not a.interval.overlaps(b.interval):
                    conflicts[id(a)].append(b)
        done: set[tuple[int, int]] = set()
        for a in sorted(figs, key=lambda x: (-len(conflicts[id(x)]), x.document, x.line)):
            todo = [b for b in conflicts[id(a)] if (id(a), id(b)) not in done]
            if not todo:
                continue
            for b in todo:
                done.add((id(a), id(b)))
                done.add((id(b), id(a)))
            others = ", ".join(f"{b.text} at {b.location.label()}" for b in todo)
            same_doc = all(b.document == a.document for b in todo)
            yield Finding(
                check="prose-table" if same_doc else "cross-document", severity="error",
                message=(f"{corpus.describe(k)}: {a.text} at {a.location.label()} disagrees with "
                         f"{others}{' in the same document' if same_doc else ''}; "
                         "the same figure cannot be both."),
                expected=" or ".join(sorted({f"{b.text} ({_iv(b.interval)})" for b in todo})),
                found=f"{a.text} ({_iv(a.interval)})",
                interval="intervals do not overlap", locations=locs(a, *todo),
            )  # fmt: skip


def _text_qualifiers(corpus: Corpus, f: Figure, vocab: Vocabulary) -> frozenset[tuple[str, str]]:
    """Qualifiers the sentence names beyond the breakdowns the registry reads itself."""
    sent = f.sentence if f.kind != "cell" else ""
    if not sent:
        return frozenset()
    pos = sent.find(f.text)
    if pos < 0:
        return frozenset()
    exclude = []
    for dim in corpus.rules.dimensions.values():
        for _value, pats in dim.values:
            for p in pats:
                exclude += [(m.start(), m.end()) for m in p.finditer(sent)]
    ind = corpus.rules.indicator(f.key.indicator or "")
    implied = set(ind.implies) if ind else set()
    return frozenset(q for q in qualifiers_near(sent, pos, pos + len(f.text), vocab, exclude) if q[0] not in implied)


def _by_text_keys(corpus: Corpus, vocab: Vocabulary) -> Iterator[Finding]:
    keyed: dict[tuple, list[tuple[TextKey, Figure, str | None]]] = defaultdict(list)
    for ex in corpus.extractions:
        doc = ex.document
        if Path(doc.path).suffix.lower() in (".csv", ".xlsx", ".ods"):
            continue
        passages = read_passages(doc.lines, ex.figures)
        population = population_of(doc.lines)
        universe = frozenset(re.findall(r"[a-z]+", publication_measure(doc.lines).lower()))
        for para in passages.paragraphs:
            for s in para.sentences:
                if s.dense:
                    continue
                for f, o in zip(s.figures, s.offsets, strict=True):
                    if f.key.indicator or f.kind != "number" or f.controlled:
                        continue
                    if f.unit not in ("percent", "count", "GBP"):
                        continue
                    k, _why = text_key(s, o, o + len(f.text), f.unit, passages.reference, vocab, population, universe)
                    if k is not None:
                        keyed[(k.unit, k.qualifiers, canonical(k.period))].append((k, f, passages.reference))
    for (_unit, _quals, period), items in keyed.items():
        for i, (ka, a, ra) in enumerate(items):
            for kb, b, rb in items[i + 1 :]:
                if a.document == b.document:
                    continue
                small, big = sorted((ka.words, kb.words), key=len)
                if len(small) < 3 or not small <= big or a.interval.overlaps(b.interval):
                    continue
                same_release = ra is not None and rb is not None and canonical(ra) == canonical(rb)
                what = " ".join(sorted(small))
                yield Finding(
                    check="cross-document", severity="error" if same_release else "warning",
                    message=(f"{a.text.strip()} at {a.location.label()} and {b.text.strip()} at {b.location.label()} "
                             f"are given for the same thing ({what}; {period}) and cannot both be right"
                             + ("." if same_release else
                                f"; the documents report on different periods ({ra} and {rb}): if the later "
                                "one revised the figure, it should say so.")),
                    expected=f"{b.text.strip()} ({_iv(b.interval)})", found=f"{a.text.strip()} ({_iv(a.interval)})",
                    interval="intervals do not overlap", locations=locs(a, b),
                )  # fmt: skip
