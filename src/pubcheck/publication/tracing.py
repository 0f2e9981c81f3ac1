"""A page and its tables are one publication: prose figures, the changes and gaps the prose
states, checked against the cells they trace to (see trace.py for how a figure is traced).

Groups: a page (text, markdown, HTML, PDF) and the CSV, XLSX or ODS tables in the same
folder whose file names share the page's leading words (at least two: `smc_entry_to_he_*`),
the longest shared beginning winning; or the groups a `pubcheck.toml` declares.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from pubcheck.documents.load import Document
from pubcheck.figures.keys import (
    ChangeSpan,
    Passages,
    Sentence,
    Vocabulary,
    change_periods,
    figure_period,
    find_mentions,
    population_of,
    publication_measure,
    read_passages,
)
from pubcheck.figures.numbers import fmt_value
from pubcheck.figures.periods import end_year, start_year
from pubcheck.figures.tidy import tidy_document
from pubcheck.figures.trace import (
    Context,
    TCell,
    Trace,
    TTable,
    from_tidy,
    label_hits,
    label_period,
    measure_words,
    period_of_name,
    trace,
)
from pubcheck.model import Figure, Finding, Interval

TABLE_SUFFIXES = (".csv", ".xlsx", ".ods")
NARROWED = "its subject is narrowed by"


def _words(path: str) -> list[str]:
    return [w for w in re.split(r"[_\-\s.]+", Path(path).stem.lower()) if w]


def _core(words: list[str]) -> list[str]:
    """A page's name without its trailing period or version words ('activity_2024' -> 'activity')."""
    out = list(words)
    while out and re.fullmatch(r"\d+|v\d+|\d{4}\w*|draft|final|revised|provisional", out[-1]):
        out.pop()
    return out


def publication_groups(paths: Iterable[str], declared: dict[str, list[str]] | None = None) -> dict[str, list[str]]:
    """Each page's tables: those in its folder whose file names begin with the page's name
    (its period words aside: `bulletin.html` and `bulletin_tables.xlsx`) or share at least
    its first two words (`smc_entry_to_he_18-20_2024.md` and `smc_entry_to_he_by_seb_2024.csv`);
    the page sharing the most words wins, and pages tied all take the table. Plus the groups a
    pubcheck.toml declares."""
    paths = list(paths)
    pages = [p for p in paths if not p.lower().endswith(TABLE_SUFFIXES)]
    tables = [p for p in paths if p.lower().endswith(TABLE_SUFFIXES)]
    groups: dict[str, list[str]] = {p: [] for p in pages}
    for t in tables:
        tw = _words(t)
        best, who = 0, []
        for p in pages:
            if Path(p).parent != Path(t).parent:
                continue
            pw = _words(p)
            k = 0
            while k < min(len(tw), len(pw)) and tw[k] == pw[k]:
                k += 1
            core = _core(pw)
            if k < 2 and not (core and k >= len(core)):
                continue
            if k > best:
                best, who = k, [p]
            elif k == best:
                who.append(p)
        for p in who:
            groups[p].append(t)
    for page, tabs in (declared or {}).items():
        for p in pages:
            if Path(p).name == Path(page).name or p == page:
                for t in tables:
                    if any(Path(t).name == Path(x).name for x in tabs) and t not in groups[p]:
                        groups[p].append(t)
    return groups


def tables_of(doc: Document, vocab: Vocabulary, roles: dict | None = None) -> list[TTable]:
    hint = period_of_name(Path(doc.path).stem)
    return [from_tidy(t, vocab, hint) for t in tidy_document(doc, roles=roles)]


# ----------------------------------------------------------------------------- which figures

DIRECTION_BEFORE = re.compile(
    r"\b(?:(up|increased?|increasing|rose|risen|grew|higher)|(down|decreased?|decreasing|fell|fallen|dropped|lower))"
    r"(?:\s+by)?\s*(?:just\s+|around\s+|about\s+)?$",
    re.I,
)
AND_BY = re.compile(r"\b(?:and|while)\s+by\s*$", re.I)
GAP = re.compile(r"\bgap\b|\bdifference\b", re.I)


def _direction(s: Sentence, f: Figure, offset: int) -> int | None:
    if f.kind == "change" and f.direction:
        return f.direction
    before = s.text[max(0, offset - 40) : offset]
    m = DIRECTION_BEFORE.search(before)
    if m:
        return 1 if m.group(1) else -1
    if AND_BY.search(before):  # '... went up by £1.44 for X, and by £1.02 for Y'
        prev = [(g, o) for g, o in zip(s.figures, s.offsets, strict=True) if o < offset and g.unit == f.unit]
        if prev:
            return _direction(s, prev[-1][0], prev[-1][1])
    return None


def _endpoints_in_text(s: Sentence, offset: int, end: int) -> bool:
    """'from 127,307 to 132,210', '(24,363 to 22,411)', 'to 53.8%': the statement's own
    figures settle it (statement arithmetic checks those)."""
    after = s.text[end : end + 60]
    before = s.text[max(0, offset - 60) : offset]
    return bool(re.match(r"^\s*(?:percentage points?\s*|per cent\s*)?(?:from|\(|to)\s*[£\d]", after, re.I)
                or re.search(r"\bfrom\s+[£\d][\d.,]*\s*%?\s+to\s*$", before, re.I))  # fmt: skip


# ----------------------------------------------------------------------------- the findings


@dataclass
class Page:
    doc: Document
    figures: list[Figure]
    passages: Passages
    tables: list[TTable]
    population: list[str]
    measure: frozenset[str]
    universe: frozenset[str] = frozenset()  # every word of the page's title and description


def traced_findings(pages: list[Page], vocab: Vocabulary) -> Iterator[Finding]:
    for page in pages:
        if not page.tables:
            continue
        for para in page.passages.paragraphs:
            for s in para.sentences:
                if s.dense:  # a table flattened into text: its figures are not read as prose
                    continue
                for f, o in zip(s.figures, s.offsets, strict=True):
                    yield from _figure(page, s, f, o, vocab)


def _ctx(page: Page, s: Sentence, o: int, end: int, period: str | None, stated: bool, unit: str) -> Context:
    return Context(s, o, end, period, unit, stated, page.measure, page.universe, page.passages.reference)


def _figure(page: Page, s: Sentence, f: Figure, o: int, vocab: Vocabulary) -> Iterator[Finding]:
    end = o + len(f.text)
    if f.kind in ("range", "verbal", "ratio") or f.controlled:
        return
    direction = _direction(s, f, o)
    is_gap = f.unit == "percentage_points" and bool(GAP.search(s.text)) and direction is None
    if f.unit in ("percent", "GBP") and direction is None and f.kind in ("number", "cell"):
        period, how = figure_period(s, o, end, page.passages.reference)
        if period is None:
            return
        trs, why = trace(_ctx(page, s, o, end, period, how in ("stated", "inherited"), f.unit), page.tables, vocab,
                         set(), page.population)  # fmt: skip
        if not trs and why.startswith(NARROWED):
            yield Finding(
                check="not-compared", severity="info",
                message=f"not compared: {f.text.strip()} with the tables of its page: {why}.",
                expected="a key pubcheck reads in full", found=why, interval=None, locations=(f.location,),
            )  # fmt: skip
        if trs and not any(tr.cell.interval.overlaps(f.interval) for tr in trs):
            tr = trs[0]
            yield Finding(
                check="prose-table", severity="error",
                message=(f"The text gives {f.text.strip()} for {_describe(tr)} in {period}, but "
                         f"{tr.table.id} prints {tr.cell.text}: the rounding intervals cannot meet."),
                expected=f"{tr.cell.text} (any value in {tr.cell.interval.show()})",
                found=f"{f.text.strip()} (stands for {f.interval.show()})",
                interval=f"{f.interval.show()} vs {tr.cell.interval.show()}",
                locations=(f.location, tr.cell.location),
            )  # fmt: skip
        return
    if is_gap:
        yield from _gap(page, s, f, o, end, vocab)
        return
    if direction is not None and f.unit in ("percentage_points", "percent", "GBP", "count"):
        if _endpoints_in_text(s, o, end):
            return
        yield from _change(page, s, f, o, end, direction, vocab)


def _describe(tr: Trace) -> str:
    parts = [lab for i, lab in sorted(tr.cell.labels.items()) if not tr.table.dims[i].is_period]
    return ", ".join(re.sub(r"\s*\((?:%|£)\)", "", p) for p in parts) or "the total"


def _span_cells(page: Page, s: Sentence, o: int, end: int, span: ChangeSpan, unit: str,
                vocab: Vocabulary) -> tuple[Trace, Trace] | None:  # fmt: skip
    """The cells at the start and end of a change, in the same table and row/column."""
    if span.start is None or span.end is None:
        return None
    a, _ = trace(_ctx(page, s, o, end, span.start, True, unit), page.tables, vocab, set(), page.population)
    b, _ = trace(_ctx(page, s, o, end, span.end, True, unit), page.tables, vocab, set(), page.population)
    if span.edges and (not a or not b):
        a, b = _edge_cells(page, s, o, end, span, unit, vocab)
    for x in a:
        for y in b:
            if x.table is y.table and _same_but_period(x.cell, y.cell, x.table):
                return x, y
    return None


def _same_but_period(c1: TCell, c2: TCell, t: TTable) -> bool:
    return c1 is not c2 and all(c1.labels.get(i) == c2.labels.get(i) for i, d in enumerate(t.dims) if not d.is_period)


def _edge_cells(page: Page, s: Sentence, o: int, end: int, span: ChangeSpan, unit: str,
                vocab: Vocabulary) -> tuple[list[Trace], list[Trace]]:  # fmt: skip
    """'over the last 10 years' in a series of 3-year averages: the first point that starts
    in the span's first year and the last that ends in its last year."""
    y0, y1 = start_year(span.start or ""), end_year(span.end or "")
    if y0 is None or y1 is None:
        return [], []
    a: list[Trace] = []
    b: list[Trace] = []
    for t in page.tables:
        pdims = [i for i, d in enumerate(t.dims) if d.is_period]
        if len(pdims) != 1:
            continue
        d = t.dims[pdims[0]]
        firsts = [lab for lab in d.labels if start_year(label_period(lab) or "") == y0]
        lasts = [lab for lab in d.labels if end_year(label_period(lab) or "") == y1]
        if len(firsts) != 1 or len(lasts) != 1:
            continue
        a += trace(_ctx(page, s, o, end, label_period(firsts[0]), True, unit), [t], vocab, set(), page.population)[0]
        b += trace(_ctx(page, s, o, end, label_period(lasts[0]), True, unit), [t], vocab, set(), page.population)[0]
    return a, b


def _change(page: Page, s: Sentence, f: Figure, o: int, end: int, direction: int,
            vocab: Vocabulary) -> Iterator[Finding]:  # fmt: skip
    span = change_periods(s, page.passages.reference, o, end)
    units = {"percentage_points": ["percent"], "GBP": ["GBP"], "count": ["count"], "percent": ["percent", "count"]}
    printed = f.interval.scale(direction)
    for unit in units.get(f.unit, []):
        pair = _span_cells(page, s, o, end, span, unit, vocab)
        if pair is None:
            continue
        x, y = pair
        diff = y.cell.interval - x.cell.interval
        readings = [("points" if unit == "percent" else "absolute", diff)]
        if f.unit == "percent":
            readings = [("relative", diff.ratio(x.cell.interval).scale(100.0))] + (
                [("points", diff)] if unit == "percent" else [])  # fmt: skip
        if any(iv.overlaps(printed) for _how, iv in readings):
            return
        exact = y.cell.value - x.cell.value
        change = fmt_value(exact, min(x.cell.precision, y.cell.precision))
        if f.unit == "percentage_points":
            change += " percentage points"
        elif f.unit == "percent" and x.cell.value:
            change += f" (relative {100 * exact / x.cell.value:+.1f} per cent)"
        shown = "; ".join(f"{how}: {iv.show()}" for how, iv in readings)
        sign = "+" if direction > 0 else "-"
        yield Finding(
            check="prose-table", severity="error",
            message=(f"The text gives a change of {sign}{f.text.strip()} for {_describe(x)} between {span.start} "
                     f"and {span.end}, but {x.table.id} prints {x.cell.text} and {y.cell.text}, a change of {change}."),
            expected=f"a change in {shown}", found=f"{sign}{f.text.strip()} ({printed.show()})",
            interval=f"{x.cell.text} -> {x.cell.interval.show()}; {y.cell.text} -> {y.cell.interval.show()}",
            locations=(f.location, x.cell.location, y.cell.location),
        )  # fmt: skip
        return


def _gap(page: Page, s: Sentence, f: Figure, o: int, end: int, vocab: Vocabulary) -> Iterator[Finding]:
    """'the gap went down from 29 percentage points to 23 percentage points' after 'X% of A
    ..., compared with Y% of B': each gap is A minus B in its period, from the table."""
    pp = [(g, x) for g, x in zip(s.figures, s.offsets, strict=True) if g.unit == "percentage_points"]
    span = change_periods(s, page.passages.reference)
    if len(pp) == 2 and re.search(r"\bfrom\b", s.text[: pp[0][1]], re.I):
        period = span.start if o == pp[0][1] else span.end
    elif len(pp) == 1:
        period, _how = figure_period(s, o, end, page.passages.reference)
    else:
        return
    if period is None:
        return
    chain = [s]
    ante = s.antecedent
    while ante is not None and len(chain) < 4:
        chain.append(ante)
        ante = ante.antecedent
    for t in page.tables:
        cells = _gap_cells(t, chain, period, vocab, page)
        if cells is None:
            continue
        a, b = cells
        diff = a.interval - b.interval
        mag = diff if diff.lo >= 0 else diff.scale(-1.0) if diff.hi <= 0 else Interval(0.0, max(-diff.lo, diff.hi))
        if mag.overlaps(f.interval):
            return
        yield Finding(
            check="prose-table", severity="error",
            message=(f"The text gives a gap of {f.text.strip()} in {period} between "
                     f"{_short(a, b, t)}, but {t.id} prints {a.text} and {b.text}, a gap of "
                     f"{fmt_value(abs(a.value - b.value), min(a.precision, b.precision))} percentage points."),
            expected=f"a gap in {mag.show()}", found=f"{f.text.strip()} ({f.interval.show()})",
            interval=f"{a.text} -> {a.interval.show()}; {b.text} -> {b.interval.show()}",
            locations=(f.location, a.location, b.location),
        )  # fmt: skip
        return


def _short(a: TCell, b: TCell, t: TTable) -> str:
    diff = [i for i in a.labels if a.labels[i] != b.labels.get(i)]
    strip = lambda x: re.sub(r"\s*\((?:%|£)\)", "", x)  # noqa: E731
    return " and ".join(strip(c.labels[diff[0]]) for c in (a, b)) if diff else "two groups"


def _gap_cells(t: TTable, chain: list[Sentence], period: str, vocab: Vocabulary,
               page: Page) -> tuple[TCell, TCell] | None:  # fmt: skip
    """The two cells a gap is between: one dimension of the table named with two values (the
    groups compared), every other settled by one value, a total or the period."""
    from pubcheck.figures.trace import _measures_agree, _period_matches, is_total_label

    mentions = [find_mentions(x.text, vocab) for x in chain]
    if not _measures_agree(chain, mentions, page.measure | t.words()):
        return None
    fixed: dict[int, str] = {}
    pair: tuple[int, list[str]] | None = None
    for i, d in enumerate(t.dims):
        if d.is_period:
            lab = next((x for x in d.labels if _period_matches(x, period)), None)
            if lab is None:
                return None
            fixed[i] = lab
            continue
        names: list[str] = []
        for x, ms in zip(chain, mentions, strict=True):
            hits = label_hits(d, x.text, ms)
            if hits:
                for h in hits:
                    if h.label not in names:
                        names.append(h.label)
                break
        if len(names) == 2 and pair is None:
            pair = (i, names)
        elif len(names) == 1:
            fixed[i] = names[0]
        elif not names:
            totals = [x for x in d.labels if is_total_label(x)]
            if len(d.labels) == 1:
                fixed[i] = d.labels[0]
            elif len(totals) == 1:
                fixed[i] = totals[0]
            else:
                return None
        else:
            return None
    if pair is None:
        return None
    if not any(d.is_period for d in t.dims) and not _period_matches(t.period or page.passages.reference or "", period):
        return None
    i, (la, lb) = pair
    a = t.cell({**fixed, i: la})
    b = t.cell({**fixed, i: lb})
    if a is None or b is None or a.unit != "percent":
        return None
    return a, b


def pages_from(docs: list[tuple[Document, list[Figure]]], vocab: Vocabulary,
               declared: dict[str, list[str]] | None = None, roles=None) -> list[Page]:  # type: ignore[no-untyped-def]  # fmt: skip
    """Every page with the tables of its publication; `roles(path)` gives a table file's
    declared roles (pubcheck.toml [[table]])."""
    by_path = {d.path: (d, figs) for d, figs in docs}
    groups = publication_groups(by_path, declared)
    table_cache: dict[str, list[TTable]] = {}
    pages = []
    for path, tabs in groups.items():
        doc, figs = by_path[path]
        tables: list[TTable] = tables_of(doc, vocab, roles(path) if roles else None)  # its own tables
        for t in tabs:
            if t not in table_cache:
                table_cache[t] = tables_of(by_path[t][0], vocab, roles(t) if roles else None)
            tables += table_cache[t]
        passages = read_passages(doc.lines, figs)
        described = publication_measure(doc.lines)
        pages.append(Page(doc, figs, passages, tables, population_of(doc.lines), frozenset(measure_words(described)),
                          frozenset(re.findall(r"[a-z]+", described.lower()))))  # fmt: skip
    return pages
