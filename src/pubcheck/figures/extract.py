"""Extraction: every figure in a document, with where it stands and what it measures."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from pubcheck.documents.load import Document
from pubcheck.figures.lexer import SUPERSCRIPTS, lex_line
from pubcheck.figures.link import (
    LinkRules,
    load_rules,
    measure_applies,
    nearest,
    pick_dimension,
    pick_indicator,
    pick_measure,
    pick_period,
)
from pubcheck.figures.numbers import count_interval, count_step, decimals_step, parse_number, rounding_interval
from pubcheck.figures.periods import find_periods
from pubcheck.figures.tables import Table, find_tables
from pubcheck.model import Figure, Interval, Key, Location

SENTENCE_END = re.compile(
    rf"(?<=[.!?])[\"'”’)]*(?:<sup>\s*\d+\s*</sup>|[{SUPERSCRIPTS}]+)?\s+(?=[A-Z0-9(\"“‘*£])"
)
# A sentence that continues the one before ("This represents ...", "Around 410,000 of them")
ANAPHORA = re.compile(
    r"^(?:this|these|that|those|it|they)\b|^(?:\S+\s+){0,3}?[\d,.]+(?:\s+(?:thousand|million|billion))?\s+of (?:them|these|those)\b",  # noqa: E501
    re.I,
)
CLAUSE_SEP = re.compile(r",\s+(?:and|but|while|whereas)\b|;\s+|,\s+with\b", re.I)
FOOTNOTE_DEF = re.compile(rf"^\s*(?:<sup>\s*(\d+)\s*</sup>|([{SUPERSCRIPTS}]+)|(\d{{1,2}})(?=\s*[A-Z]))")
FOOTNOTE_REF = re.compile(rf"<sup>\s*(\d+)\s*</sup>|([{SUPERSCRIPTS}]+)")
CONTROLLED = re.compile(r"\bcontrol(?:ling|led) for\b|\badjusted\b", re.I)
PERCENT_WORDS = re.compile(r"per ?cent|percentage|proportion|\brate\b|%", re.I)
SUP_TRANS = str.maketrans(SUPERSCRIPTS, "0123456789")


@dataclass
class Extraction:
    document: Document
    figures: list[Figure]
    tables: list[Table]
    footnotes: dict[str, int] = field(default_factory=dict)  # footnote id -> line
    markers: list[Location] = field(default_factory=list)  # suppression markers seen


def sentence_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    start = 0
    for m in SENTENCE_END.finditer(text):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return [(a, b) for a, b in spans if b > a]


def _footnote_id(m: re.Match[str]) -> str:
    raw = next(g for g in m.groups() if g)
    return raw.translate(SUP_TRANS)


def extract(doc: Document, rules: LinkRules | None = None) -> Extraction:
    rules = rules or load_rules()
    tables = find_tables(doc.lines)
    by_line: dict[int, Table] = {}
    for t in tables:
        rows = t.header_rows + t.rows
        for r in rows:
            by_line[r.lineno] = t
    footnotes: dict[str, int] = {}
    figures: list[Figure] = []
    section: int | None = None
    prev = ""
    for i, line in enumerate(doc.lines, start=1):
        m = rules.section_heading.match(line)
        if m:
            section = int(m.group(1))
        elif rules.section_closes.match(line):
            section = None
        fm = FOOTNOTE_DEF.match(line)
        is_footnote = bool(fm and (fm.group(1) or fm.group(2)))
        if is_footnote:
            footnotes.setdefault(_footnote_id(fm), i)
        t = by_line.get(i)
        if t is not None:
            if t.is_contents or t.numeric_share() >= 0.5:
                continue
            cells = line.split("\t")
            pos = 0
            for col, cell in enumerate(cells):
                if cell.strip() and not (col == 0 and _code_like(cell)):
                    figures += [replace(f, col_index=col) for f in _prose(
                        doc, i, cell, rules, None if is_footnote else section, offset=pos, quote=line)]  # fmt: skip
                pos += len(cell) + 1
            continue
        if not line.strip():
            continue
        figures += _prose(doc, i, line, rules, None if is_footnote else section, prev=prev)
        prev = line
    markers: list[Location] = []
    for t in tables:
        if t.is_contents or t.numeric_share() < 0.5:
            continue
        cell_figs, ms = _table_figures(doc, t, rules, section_of(doc, t, rules))
        figures += cell_figs
        markers += ms
    figures.sort(key=lambda f: (f.line, f.span[0]))
    if doc.places:
        figures = [replace(f, location=doc.place(f.location, _cell_col(f))) for f in figures]
        markers = [doc.place(m) for m in markers]
    return Extraction(doc, figures, tables, footnotes, markers)


def _cell_col(f: Figure) -> int | None:
    return f.col_index


def section_of(doc: Document, t: Table, rules: LinkRules) -> int | None:
    section = None
    for line in doc.lines[: t.first_line]:
        m = rules.section_heading.match(line)
        if m:
            section = int(m.group(1))
        elif rules.section_closes.match(line):
            section = None
    return section


def _code_like(cell: str) -> bool:
    s = cell.strip()
    return bool(re.fullmatch(r"(?:[A-Z]{1,4}\s?)?\d+[A-Z]?(?:[-/(&,\s]+\d*[A-Z]?\)?)*", s)) and len(s) < 25


def _prose(doc: Document, lineno: int, text: str, rules: LinkRules, section: int | None,
           *, offset: int = 0, quote: str | None = None, prev: str = "") -> list[Figure]:  # fmt: skip
    figs, _labels = lex_line(text, doc.path, lineno, quote=quote, offset=offset)
    if not figs:
        return []
    spans = sentence_spans(text)
    out = []
    for f in figs:
        a, b = f.span[0] - offset, f.span[1] - offset
        s0, s1 = next(((x, y) for x, y in spans if x <= a < y), (0, len(text)))
        sent = text[s0:s1]
        local = (a - s0, b - s0)
        if s0 == 0 and prev and ANAPHORA.search(sent.strip()):
            # a paragraph opening "This is a 0.5 percentage point increase" continues the last
            shift = len(prev) + 1
            key = _link_prose(rules, prev + " " + text, sent, s0 + shift, (a + shift, b + shift),
                              local, section, f.unit)  # fmt: skip
        else:
            key = _link_prose(rules, text, sent, s0, (a, b), local, section, f.unit)
        refs = tuple(_footnote_id(m) for m in FOOTNOTE_REF.finditer(sent))
        loc = replace(f.location, quote=" ".join(sent.split()), figure=f.text)
        out.append(replace(f, key=key, sentence=sent.strip(), footnotes=refs, location=loc,
                           controlled=bool(CONTROLLED.search(sent))))  # fmt: skip
    return out


def _link_prose(rules: LinkRules, para: str, sent: str, s0: int, span: tuple[int, int],
                local: tuple[int, int], section: int | None, unit: str) -> Key:  # fmt: skip
    continues = bool(ANAPHORA.search(sent.strip()))
    ind_id = pick_indicator(rules, sent, local)
    if ind_id is None and continues:
        ind_id = pick_indicator(rules, para[: s0 + len(sent)], span)
    if ind_id is None and section is not None:
        for ind in rules.indicators:
            if ind.section == section and ind.context and nearest(ind.context, sent, local) is not None:
                if not any(p.search(sent) for p in ind.none):
                    ind_id = ind.id
                    break
    if ind_id is None:
        return Key()
    ind = rules.indicator(ind_id)
    assert ind is not None
    if unit == "percentage_points":
        unit = "percent"  # a change of a rate is measured like the rate
    measure = pick_measure(rules, sent, local, ind.measures, unit)
    if measure is None and continues:
        measure = pick_measure(rules, para[: s0 + len(sent)], span, ind.measures, unit)
    if measure is None:
        cands = [m for m in ind.measures if measure_applies(rules, m, unit)]
        specific = [m for m in cands if rules.measure_units.get(m)]
        if len(cands) > 1 or (unit == "count" and specific):
            return Key()  # the sentence does not say which of the indicator's measures
        measure = ind.measure
    dims = []
    for dname in ind.dimensions:
        dim = rules.dimensions.get(dname)
        if dim is None:
            continue
        v = pick_dimension(dim, sent, local)
        if v is None and continues:
            v = pick_dimension(dim, para[: s0 + len(sent)], span)
        if v is not None:
            dims.append((dname, v))
    c0, c1 = 0, len(sent)
    for m in CLAUSE_SEP.finditer(sent):
        if m.end() <= local[0]:
            c0 = m.end()
        elif m.start() >= local[1]:
            c1 = m.start()
            break
    period = pick_period(sent[c0:c1], (local[0] - c0, local[1] - c0))
    if period is None and continues:
        period = pick_period(para[:s0], (s0, s0), deadlines=False)
    return Key(ind_id, measure, tuple(sorted(dims)), period)


def _table_figures(doc: Document, t: Table, rules: LinkRules, section: int | None
                   ) -> tuple[list[Figure], list[Location]]:  # fmt: skip
    figs: list[Figure] = []
    markers: list[Location] = []
    corner = t.header.cells[0].stripped if t.header else ""
    ctx = " ".join([t.caption, corner])
    ind_id = pick_indicator(rules, ctx, (0, 0))
    if ind_id is None and section is not None:
        cands = [i for i in rules.indicators if i.section == section]
        ind_id = cands[0].id if len(cands) == 1 else None
    ind = rules.indicator(ind_id) if ind_id else None
    for row in t.rows:
        rlabel = row.label
        for cell in row.cells[1:]:
            if cell.is_empty:
                continue
            clabel = t.column_label(cell.col)
            loc = Location(doc.path, row.lineno, row.line.strip(), figure=cell.stripped)
            if cell.is_marker:
                markers.append(loc)
                continue
            if not cell.is_number:
                continue
            raw = re.sub(r"\s*\[(?:p|r|u|e)\]\s*$", "", cell.stripped, flags=re.I)
            digits = re.sub(r"[^\d.,-]", "", raw)
            value, decimals = parse_number(digits)
            is_sample = any(p.search(clabel) for p in rules.sample_columns)
            if "%" in raw or "per cent" in raw:
                unit = "percent"
            elif is_sample:
                unit = "count"
            elif PERCENT_WORDS.search(clabel) or PERCENT_WORDS.search(corner) or (
                PERCENT_WORDS.search(t.caption) and not re.search(r"number of", clabel, re.I)
            ):
                unit = "percent"
            elif decimals:
                unit = "number"
            else:
                unit = "count"
            if unit == "count":
                step = 1.0 if is_sample else count_step(digits)
            else:
                step = decimals_step(decimals)
            iv = rounding_interval(value, step)
            if unit == "count":
                iv = count_interval(value, step)
                iv = Interval(max(0.0, iv.lo), iv.hi)
            key = Key()
            if ind is not None:
                if is_sample:
                    measure = "sample_size"
                else:
                    allowed = ind.measures
                    measure = (pick_measure(rules, clabel, (0, 0), allowed, unit)
                               or pick_measure(rules, corner, (0, 0), allowed, unit)
                               or pick_measure(rules, t.caption, (0, 0), allowed, unit)
                               or ind.measure)  # fmt: skip
                dims = []
                for dname in ind.dimensions:
                    dim = rules.dimensions.get(dname)
                    if dim is None:
                        continue
                    v = pick_dimension(dim, rlabel, (0, 0))
                    if v is None:
                        v = pick_dimension(dim, clabel, (0, 0))
                    if v is not None:
                        dims.append((dname, v))
                period = _period_of(rlabel) or _period_of(clabel)
                key = Key(ind.id, measure, tuple(sorted(dims)), period)
            figs.append(Figure(
                value=value, unit=unit, precision=step, interval=iv, text=cell.stripped,
                location=loc, kind="cell", key=key, table=t.id, row=rlabel, column=clabel,
                span=(cell.start, cell.start + len(cell.text)), sentence=t.caption, col_index=cell.col,
            ))  # fmt: skip
    return figs, markers


def _period_of(label: str) -> str | None:
    ps = find_periods(label)
    return ps[0].norm if len(ps) == 1 else None
