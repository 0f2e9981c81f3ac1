"""Extraction: every figure in a document, with where it stands and what it measures."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

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
from pubcheck.figures.tables import Table, tables_of
from pubcheck.model import Figure, Finding, Interval, Key, Location, built, changed

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


# A line (or cell) longer than this is read in windows split at sentence ends (else at a space):
# regular expressions and linking then see bounded text, whatever one line holds.
WINDOW = 5_000

# Numbers in a row with nothing but spaces and punctuation between them (a table or list flattened
# into text, a mis-exported PDF): no word says what any of them measures, so no check can use them
# one by one. Such a run of at least RUN_MIN numbers is counted by a regular expression (in C, at
# tens of MB/s) instead of being read figure by figure (tens of microseconds each), is reported in
# a note, and is listed figure by figure only where asked (`pubcheck figures`: run_figures()).
RUN_MIN = 32
_NUMBER_TOKEN = re.compile(r"\d[\d,.]*")  # one class after the first digit: linear
_WORDLESS = re.compile(r"[\W\d]+")  # no letter (and no underscore): one class, linear
_SIGNS = frozenset("-−+£(")


@dataclass(frozen=True)
class Run:
    """RUN_MIN or more numbers in a row, no word between them, at line[start:end]."""

    line: int
    start: int
    end: int
    count: int


@dataclass
class Extraction:
    document: Document
    figures: list[Figure]
    tables: list[Table]
    footnotes: dict[str, int] = field(default_factory=dict)  # footnote id -> line
    markers: list[Location] = field(default_factory=list)  # suppression markers seen
    notes: list[Finding] = field(default_factory=list)  # how the document was read (long lines split)
    runs: list[Run] = field(default_factory=list)  # numbers counted, not read one by one

    @property
    def numbers(self) -> int:
        """Every number read: the figures and the runs' numbers."""
        return len(self.figures) + sum(r.count for r in self.runs)

    def run_figures(self) -> list[Figure]:
        """The runs' numbers as figures (value, unit, rounding, place; linked to nothing, as
        nothing says what they measure): what `pubcheck figures` lists beside the others."""
        doc = self.document
        out: list[Figure] = []
        for r in self.runs:
            line = doc.lines[r.line - 1]
            for a, b in windows(line[r.start : r.end]):
                a, b = a + r.start, b + r.start
                c = max(0, a - 100)  # with the words before it: '0.5' opening a line is a paragraph number
                figs, _labels = lex_line(line[c:b], doc.path, r.line, offset=c)
                for f in figs:
                    if f.span[0] >= a:  # quoted with the numbers around it, not the whole run
                        quote = line[max(r.start, f.span[0] - 40) : min(r.end, f.span[1] + 40)].strip()
                        out.append(changed(f, location=doc.place(changed(f.location, quote=quote))))
        return out


def figure_runs(text: str) -> list[tuple[int, int, int]]:
    """(start, end, count) of every run of RUN_MIN or more numbers in `text` with no word between
    them. Linear: two regular expressions of one character class each, counted in C."""
    if len(_NUMBER_TOKEN.findall(text)) < RUN_MIN:
        return []
    out = []
    for m in _WORDLESS.finditer(text):
        a, b = m.span()
        if b - a >= 2 * RUN_MIN - 1:
            n = len(_NUMBER_TOKEN.findall(text, a, b))
            if n >= RUN_MIN:
                first = _NUMBER_TOKEN.search(text, a, b).start()  # type: ignore[union-attr]
                while first > a and text[first - 1] in _SIGNS:  # a sign or '£' is the number's
                    first -= 1
                out.append((first, a + len(text[a:b].rstrip()), n))  # to its last number or mark
    return out


def _without_runs(text: str, lineno: int, offset: int, runs: list[Run]) -> str:
    """`text` with its runs blanked (same length: every other figure keeps its place); each run
    recorded in `runs` with its place in the line (`offset`: where `text` starts in it)."""
    found = figure_runs(text)
    if not found:
        return text
    parts, last = [], 0
    for a, b, n in found:
        runs.append(Run(lineno, a + offset, b + offset, n))
        parts += [text[last:a], " " * (b - a)]
        last = b
    parts.append(text[last:])
    return "".join(parts)


_LAST_BREAK = re.compile(r"(?s).*[^\w.,]")  # up to the last character that is not part of a word or number
_TOKEN_RUN = re.compile(r"[\w.,]*")


def windows(text: str, size: int = WINDOW) -> list[tuple[int, int]]:
    """`text` as spans of about `size` characters: cut after a sentence's end in the second half of
    a window, else after the last break between words or numbers (a space), else after the word or
    number that crosses the limit (never inside one: a cut number would become two figures). One
    span for short text."""
    if len(text) <= size:
        return [(0, len(text))]
    ends = [m.end() for m in SENTENCE_END.finditer(text)]
    out: list[tuple[int, int]] = []
    start, k = 0, 0
    while len(text) - start > size:
        limit = start + size
        while k < len(ends) and ends[k] <= limit:
            k += 1
        cut = ends[k - 1] if k and ends[k - 1] > start + size // 2 else -1
        if cut < 0:  # after the last space or other break between words or numbers
            m = _LAST_BREAK.match(text, start + size // 2, limit)
            # no break at all: to the end of this run of one token's characters, never inside it
            cut = m.end() if m else _TOKEN_RUN.match(text, limit).end()  # type: ignore[union-attr]
        out.append((start, cut))
        start = cut
    out.append((start, len(text)))
    return out


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


def extract(doc: Document, rules: LinkRules | None = None, *,
            budget: Callable[[int, str], None] | None = None) -> Extraction:  # fmt: skip
    """Every figure of `doc`. `budget(figures so far, place)` is called as extraction goes (every
    few hundred lines, every window of a long line, every table) and may raise to stop it."""
    rules = rules or load_rules()
    tables = tables_of(doc)
    by_line: dict[int, Table] = {}
    for t in tables:
        rows = t.header_rows + t.rows
        for r in rows:
            by_line[r.lineno] = t
    numeric = {id(t): t.numeric_share() >= 0.5 for t in tables}  # once per table, not per line
    footnotes: dict[str, int] = {}
    figures: list[Figure] = []
    section: int | None = None
    sections: list[int | None] = [None]  # the section after each line (1-based): section_of, in one pass
    split: list[int] = []  # lines read in windows
    runs: list[Run] = []
    counted = [0, 0]  # the runs summed so far, and their numbers

    def numbers() -> int:  # figures so far, with the runs' numbers (the figures budget counts both)
        counted[1] += sum(r.count for r in runs[counted[0] :])
        counted[0] = len(runs)
        return len(figures) + counted[1]

    prev = ""
    for i, line in enumerate(doc.lines, start=1):
        if budget is not None and (i % 256 == 0 or len(line) > WINDOW):
            budget(numbers(), f"line {i}")
        m = rules.section_heading.match(line)
        if m:
            section = int(m.group(1))
        elif rules.section_closes.match(line):
            section = None
        sections.append(section)
        fm = FOOTNOTE_DEF.match(line)
        is_footnote = bool(fm and (fm.group(1) or fm.group(2)))
        if is_footnote:
            footnotes.setdefault(_footnote_id(fm), i)
        t = by_line.get(i)
        if t is not None:
            if t.is_contents or numeric[id(t)]:
                continue
            cells = line.split("\t")
            pos, k = 0, len(runs)
            for col, cell in enumerate(cells):
                if cell.strip() and not (col == 0 and _code_like(cell)):
                    for a, b in windows(cell):
                        figures += [changed(f, col_index=col) for f in _prose(
                            doc, i, cell[a:b], rules, None if is_footnote else section, offset=pos + a,
                            quote=line, runs=runs)]  # fmt: skip
                pos += len(cell) + 1
            if any(len(c) > WINDOW for c in cells):
                split.append(i)
                _join_runs(runs, k, line)
            continue
        if not line.strip():
            continue
        if len(line) <= WINDOW:
            figures += _prose(doc, i, line, rules, None if is_footnote else section, prev=prev, runs=runs)
        else:
            split.append(i)
            before = prev[-WINDOW:]
            k = len(runs)
            for a, b in windows(line):
                if budget is not None:
                    budget(numbers(), f"line {i}, character {a + 1}")
                figures += _prose(doc, i, line[a:b], rules, None if is_footnote else section, offset=a,
                                  quote=line[a:b], prev=before, runs=runs)  # fmt: skip
                before = line[a:b]
            _join_runs(runs, k, line)
        prev = line if len(line) <= WINDOW else line[-WINDOW:]
    markers: list[Location] = []
    if doc.places:  # a numeric table's figures were placed as they were made
        figures = [changed(f, location=doc.place(f.location, f.col_index)) for f in figures]
    for t in tables:
        if t.is_contents or not numeric[id(t)]:
            continue
        if budget is not None:
            budget(numbers(), f"{t.id}, line {t.first_line}")
        cell_figs, ms = _table_figures(doc, t, rules, sections[min(t.first_line, len(doc.lines))])
        figures += cell_figs
        markers += ms
    figures.sort(key=lambda f: (f.line, f.span[0]))
    notes = [_split_note(doc, split)] if split else []
    if runs:
        notes.append(_runs_note(doc, runs))
    return Extraction(doc, figures, tables, footnotes, markers, notes, runs)


def _split_note(doc: Document, lines: list[int]) -> Finding:
    first = lines[0]
    loc = doc.place(Location(doc.path, first, doc.lines[first - 1][:200]))
    more = f" and {len(lines) - 1} more" if len(lines) > 1 else ""
    return Finding(
        check="long-line", severity="info",
        message=f"{doc.path}: line {first}{more} longer than {WINDOW:,} characters "
                f"({len(doc.lines[first - 1]):,}); read in windows cut at sentence ends, so a sentence "
                "longer than that is read in parts.",
        expected=f"lines of at most {WINDOW:,} characters", found=f"{len(lines)} longer lines",
        locations=(loc,),
    )  # fmt: skip


def _join_runs(runs: list[Run], k: int, line: str) -> None:
    """Runs of one line from runs[k] on, joined where a window's cut parted them (only spaces
    between them)."""
    out: list[Run] = []
    for r in runs[k:]:
        if out and not line[out[-1].end : r.start].strip():
            out[-1] = Run(r.line, out[-1].start, r.end, out[-1].count + r.count)
        else:
            out.append(r)
    runs[k:] = out


def _runs_note(doc: Document, runs: list[Run]) -> Finding:
    first = runs[0]
    line = doc.lines[first.line - 1]
    loc = doc.place(Location(doc.path, first.line, line[first.start : first.start + 200].strip()))
    lines = len({r.line for r in runs})
    more = f" and {lines - 1} more line{'s' if lines > 2 else ''}" if lines > 1 else ""
    n = sum(r.count for r in runs)
    return Finding(
        check="figure-run", severity="info",
        message=f"{doc.path}: line {first.line}{more} hold{'s' if lines == 1 else ''} {n:,} numbers in "
                f"{len(runs):,} run{'s' if len(runs) > 1 else ''} of {RUN_MIN} or more with no word between "
                "them (a table or list flattened into text?). Nothing says what they measure, so they were "
                "counted, not checked one by one; `pubcheck figures` lists them.",
        expected="figures in sentences or tables", found=f"{n:,} numbers in runs", locations=(loc,),
    )  # fmt: skip


def section_of(doc: Document, t: Table, rules: LinkRules) -> int | None:
    """The section a table stands in (extract() tracks it in its one pass over the lines)."""
    section = None
    for line in doc.lines[: t.first_line]:
        m = rules.section_heading.match(line)
        if m:
            section = int(m.group(1))
        elif rules.section_closes.match(line):
            section = None
    return section


_NOT_DIGITS = re.compile(r"[^\d.,-]")
_SUFFIX = re.compile(r"(?<!\s)\s*\[(?:p|r|u|e)\]\s*$", re.I)  # a [p]/[r] marker after a value; linear
_CODE = re.compile(r"(?:[A-Z]{1,4}\s?)?\d+[A-Z]?(?:[-/(&,\s]++\d*[A-Z]?\)?)*")  # possessive: linear


def _code_like(cell: str) -> bool:
    s = cell.strip()
    return len(s) < 25 and bool(_CODE.fullmatch(s))


def _prose(doc: Document, lineno: int, text: str, rules: LinkRules, section: int | None, *, offset: int = 0,
           quote: str | None = None, prev: str = "", runs: list[Run] | None = None) -> list[Figure]:  # fmt: skip
    """The figures of `text` (a line, a window of one or a cell), linked by their sentences; with
    `runs`, numbers in runs are counted there instead (figure_runs)."""
    lexed = text if runs is None else _without_runs(text, lineno, offset, runs)
    figs, _labels = lex_line(lexed, doc.path, lineno, quote=text if quote is None else quote, offset=offset)
    if not figs:
        return []
    spans = sentence_spans(text)
    out = []
    said: dict[tuple[int, int], tuple[str, str, tuple[str, ...], bool]] = {}  # per sentence, shared by its figures
    sents: dict[tuple[int, int], str] = {}
    joined = ""
    for f in figs:
        a, b = f.span[0] - offset, f.span[1] - offset
        s0, s1 = next(((x, y) for x, y in spans if x <= a < y), (0, len(text)))
        sent = sents.setdefault((s0, s1), text[s0:s1])
        local = (a - s0, b - s0)
        if s0 == 0 and prev and _continues(sent):
            # a paragraph opening "This is a 0.5 percentage point increase" continues the last
            shift = len(prev) + 1
            joined = joined or prev + " " + text
            key = _link_prose(rules, joined, sent, s0 + shift, (a + shift, b + shift),
                              local, section, f.unit)  # fmt: skip
        else:
            key = _link_prose(rules, text, sent, s0, (a, b), local, section, f.unit)
        if (s0, s1) not in said:
            said[(s0, s1)] = (" ".join(sent.split()), sent.strip(),
                              tuple(_footnote_id(m) for m in FOOTNOTE_REF.finditer(sent)),
                              bool(CONTROLLED.search(sent)))  # fmt: skip
        quote, stripped, refs, controlled = said[(s0, s1)]
        loc = changed(f.location, quote=quote, figure=f.text)
        out.append(changed(f, key=key, sentence=stripped, footnotes=refs, location=loc,
                           controlled=controlled))  # fmt: skip
    return out


def _link_prose(rules: LinkRules, para: str, sent: str, s0: int, span: tuple[int, int],
                local: tuple[int, int], section: int | None, unit: str) -> Key:  # fmt: skip
    continues = _continues(sent)
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
    for start, end in _clauses(sent):
        if end <= local[0]:
            c0 = end
        elif start >= local[1]:
            c1 = start
            break
    period = pick_period(sent[c0:c1], (local[0] - c0, local[1] - c0))
    if period is None and continues:
        period = pick_period(para[:s0], (s0, s0), deadlines=False)
    return Key(ind_id, measure, tuple(sorted(dims)), period)


# What a sentence says of all its figures, read once per sentence (a flattened table is one
# "sentence" of thousands of figures; per figure, these made extraction quadratic in its length)
@lru_cache(maxsize=4096)
def _continues(sent: str) -> bool:
    """The sentence opens by pointing back ('This represents ...', '5,000 of them')."""
    return bool(ANAPHORA.search(sent.strip()))


@lru_cache(maxsize=4096)
def _clauses(sent: str) -> tuple[tuple[int, int], ...]:
    """Where the sentence's clause separators stand."""
    return tuple(m.span() for m in CLAUSE_SEP.finditer(sent))


_NO_KEY = Key()  # frozen: one for every figure linked to nothing


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
    # what depends on a column's label, a row's label or both is worked out once, not per cell
    labels = {c.col: c.stripped for c in reversed(t.header.cells)} if t.header else {}
    columns: dict[int, tuple[str, bool, bool]] = {}  # col -> (label, sample column, label says per cent)
    measures: dict[tuple[str, str], str] = {}
    dimensions: dict[tuple[str, str], tuple[tuple[str, str], ...]] = {}
    periods: dict[tuple[str, str], str | None] = {}
    corner_percent = bool(PERCENT_WORDS.search(corner))
    caption_percent = bool(PERCENT_WORDS.search(t.caption))
    for row in t.rows:
        rlabel = row.label
        quote = row.line.strip()
        for cell in row.cells[1:]:
            if cell.is_empty:
                continue
            if cell.col not in columns:
                clabel = labels.get(cell.col, "")
                columns[cell.col] = (clabel, any(p.search(clabel) for p in rules.sample_columns),
                                     bool(PERCENT_WORDS.search(clabel)) or corner_percent or (
                                         caption_percent and not re.search(r"number of", clabel, re.I)))  # fmt: skip
            clabel, is_sample, label_percent = columns[cell.col]
            if cell.is_marker:  # placed by its line (in a sheet: the row's first cell)
                markers.append(Location(doc.path, row.lineno, quote, figure=cell.stripped,
                                        **doc.place_of(row.lineno)))  # type: ignore[arg-type]
                continue
            if not cell.is_number:
                continue
            # placed here, at its sheet and cell: a table's figures are most of a spreadsheet's
            loc = built(Location, document=doc.path, line=row.lineno, quote=quote, figure=cell.stripped,
                        **doc.place_of(row.lineno, cell.col))  # fmt: skip
            raw = _SUFFIX.sub("", cell.stripped) if "[" in cell.stripped else cell.stripped  # a [p]/[r] mark
            digits = _NOT_DIGITS.sub("", raw)
            value, decimals = parse_number(digits)
            if "%" in raw or "per cent" in raw:
                unit = "percent"
            elif is_sample:
                unit = "count"
            elif label_percent:
                unit = "percent"
            elif decimals:
                unit = "number"
            else:
                unit = "count"
            if unit == "count":
                step = 1.0 if is_sample else count_step(digits)
            else:
                step = decimals_step(decimals)
            if unit == "count":
                iv = count_interval(value, step)
                if value >= 0:  # a count is not negative; a printed change of a count may be
                    iv = Interval(max(0.0, iv.lo), iv.hi)
            else:
                iv = rounding_interval(value, step)
            key = _NO_KEY
            if ind is not None:
                if is_sample:
                    measure = "sample_size"
                elif (clabel, unit) in measures:
                    measure = measures[(clabel, unit)]
                else:
                    allowed = ind.measures
                    measure = measures[(clabel, unit)] = (
                        pick_measure(rules, clabel, (0, 0), allowed, unit)
                        or pick_measure(rules, corner, (0, 0), allowed, unit)
                        or pick_measure(rules, t.caption, (0, 0), allowed, unit)
                        or ind.measure)  # fmt: skip
                if (rlabel, clabel) not in dimensions:
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
                    dimensions[(rlabel, clabel)] = tuple(sorted(dims))
                    periods[(rlabel, clabel)] = _period_of(rlabel) or _period_of(clabel)
                key = Key(ind.id, measure, dimensions[(rlabel, clabel)], periods[(rlabel, clabel)])
            figs.append(built(
                Figure, value=value, unit=unit, precision=step, interval=iv, text=cell.stripped,
                location=loc, kind="cell", key=key, table=t.id, row=rlabel, column=clabel,
                span=(cell.start, cell.start + len(cell.text)), sentence=t.caption, col_index=cell.col,
            ))  # fmt: skip
    return figs, markers


def _period_of(label: str) -> str | None:
    ps = find_periods(label)
    return ps[0].norm if len(ps) == 1 else None
