"""Every relation of one extracted document, sentence by sentence (what the rules use)."""

from __future__ import annotations

from collections.abc import Iterable

from pubcheck.model import Figure
from pubcheck.publication.statements.reader import parse_relations
from pubcheck.publication.statements.relation import Relation

# --------------------------------------------------------------------------- documents


def document_sentences(extraction) -> Iterable[tuple[str, list[Figure], str | None, list[Figure]]]:  # type: ignore[no-untyped-def]
    """(sentence, its figures, previous sentence, its figures) for every prose sentence of one
    extracted document; the previous sentence is the one before in the line, or the last one of
    the previous non-empty line (as extraction links a continuing sentence)."""
    from pubcheck.figures.extract import sentence_spans

    doc = extraction.document
    table_lines: set[int] = set()
    for t in extraction.tables:
        if t.is_contents or t.numeric_share() >= 0.5:
            for r in ([t.header] if t.header else []) + t.rows:
                table_lines.add(r.lineno)
    by_line: dict[int, list[Figure]] = {}
    for f in extraction.figures:
        if f.kind != "cell":
            by_line.setdefault(f.line, []).append(f)
    prev: tuple[str, list[Figure]] | None = None
    for lineno, line in enumerate(doc.lines, start=1):
        if not line.strip():
            continue
        if lineno in table_lines:
            prev = None
            continue
        figs = by_line.get(lineno, [])
        pos = 0
        for cell in line.split("\t"):
            for a, b in sentence_spans(cell):
                raw = cell[a:b]
                text = raw.strip()
                if not text:
                    continue
                lo, hi = pos + a, pos + b
                mine = [f for f in figs if lo <= f.span[0] < hi]
                yield text, mine, prev[0] if prev else None, prev[1] if prev else []
                prev = (text, mine)
            pos += len(cell) + 1


def document_relations(extraction) -> list[Relation]:  # type: ignore[no-untyped-def]
    """Every relation stated in one extracted document."""
    out: list[Relation] = []
    for text, figs, prev_text, prev_figs in document_sentences(extraction):
        if not figs:
            continue
        out += parse_relations(text, figs, prev_text, prev_figs)
    return out


__all__ = ["document_relations", "document_sentences"]
