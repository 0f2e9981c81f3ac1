"""Tracing prose figures to the cells of the tables published with them.

A page and its tables are one publication. A prose figure is traced to the cell whose row
and column labels and period match the figure's key, read from its own text:

- every dimension of the table is settled: by a label the sentence names (for a sentence
  that names several, the one written beside the figure), by the table's total ('Total',
  'All pupils') when the sentence names none, or by the figure's period;
- every qualifier the sentence gives the figure is a dimension of the table (a figure about
  girls is never traced to a table without a sex breakdown), except a publication's
  universe (a qualifier every mention in the publication shares, such as its country);
- a figure whose subject holds a restriction pubcheck does not understand ('pupils whose
  first language is English') is not traced.

A figure that cannot be traced is not compared: pubcheck abstains.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pubcheck.figures.keys import (
    RESPECTIVELY,
    Mention,
    Sentence,
    Vocabulary,
    clean_label,
    find_mentions,
    is_total_label,
)
from pubcheck.figures.periods import find_periods, same_period
from pubcheck.figures.tidy import TidyTable
from pubcheck.model import Interval, Location

# ----------------------------------------------------------------------------- the table protocol


@dataclass
class TDim:
    name: str  # the header that names the dimension ('Socio-economic background', 'Men')
    labels: list[str]
    is_period: bool = False
    readings: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # label -> vocab readings
    vdims: set[str] = field(default_factory=set)  # vocabulary dimensions its labels belong to
    total: str | None = None  # the label that totals the others (named, or declared in pubcheck.toml)


@dataclass
class TCell:
    value: float
    text: str
    precision: float
    unit: str
    labels: dict[int, str]  # dimension index -> label
    location: Location

    @property
    def interval(self) -> Interval:
        h = self.precision / 2
        return Interval(self.value - h, self.value + h)


@dataclass
class TTable:
    id: str
    document: str
    dims: list[TDim]
    cells: list[TCell]
    period: str | None = None  # the table's own period when no dimension holds periods
    index: dict[tuple[tuple[int, str], ...], TCell] = field(default_factory=dict)

    def words(self) -> frozenset[str]:
        return frozenset(measure_words(" ".join([self.id] + [d.name for d in self.dims])))

    def cell(self, labels: dict[int, str]) -> TCell | None:
        return self.index.get(tuple(sorted(labels.items())))


def from_tidy(t: TidyTable, vocab: Vocabulary, period_hint: str | None = None) -> TTable:
    """The tracer's view of a table read by the table model (figures/tidy.py): its dimensions
    with the vocabulary each one's labels read as, and its cells by label. A cell's interval
    is its column's precision (a machine-written '0.2' beside '0.17' is 0.20)."""
    names = list(t.dimension_names())
    dims = [TDim(d.name, list(d.labels), d.is_period, total=d.total) for d in t.dimensions]
    cells = []
    for c in t.cells:
        labels = {names.index(d): lab for d, lab in c.labels if d in names}
        unit = c.unit if c.unit in ("percent", "GBP", "count") else "number"
        cells.append(TCell(c.value, c.text, c.precision, unit, labels, c.location))
    for d in dims:
        for lab in d.labels:
            d.readings[lab] = vocab.canonical(lab)
        d.vdims = {vd for rs in d.readings.values() for vd, _ in rs}
        # a header that names one vocabulary dimension settles labels read in several
        named = {vd for vd, dim in vocab.dimensions.items() if any(p.search(d.name) for p in dim.heads)}
        if named & d.vdims:
            d.vdims &= named
            d.readings = {lab: [r for r in rs if r[0] in named] for lab, rs in d.readings.items()}
    _settle_shared_dims(dims)
    out = TTable(t.id, t.document, dims, cells, period_hint)
    for c in cells:
        out.index[tuple(sorted(c.labels.items()))] = c
    return out


def _settle_shared_dims(dims: list[TDim]) -> None:
    """Two dimensions whose labels read as the same vocabulary ('Lower working' as background
    and as occupation): one settled by its header leaves the other the remaining reading."""
    for d in dims:
        if len(d.vdims) > 1:
            others = set().union(*(o.vdims for o in dims if o is not d and len(o.vdims) == 1))
            rest = d.vdims - others
            if len(rest) == 1:
                d.vdims = rest
                d.readings = {lab: [r for r in rs if r[0] in rest] for lab, rs in d.readings.items()}


def period_of_name(name: str) -> str | None:
    """The one period a file or table name carries ('..._by_seb_2024.csv' -> '2024')."""
    ps = find_periods(re.sub(r"[_]+", " ", name))
    norms = {p.norm for p in ps}
    return norms.pop() if len(norms) == 1 else None


# ----------------------------------------------------------------------------- matching labels

STOP = {"the", "of", "and", "a", "an", "in", "for", "to", "by", "or", "with", "from", "at", "on", "are", "is",
        "was", "were", "who", "that", "per", "cent", "percentage", "number", "n", "pupils", "people"}  # fmt: skip


def _tokens(text: str) -> list[str]:
    """The words and numbers of a label ('Area 00042' is 'area', '00042')."""
    return [t for t in re.findall(r"[a-z]+|\d+", text.lower()) if t not in STOP]


@dataclass(frozen=True)
class LabelHit:
    label: str
    start: int
    end: int


def _literal_hits(label: str, text: str, taken: list[tuple[int, int]]) -> list[LabelHit]:
    """Where a label with no vocabulary reading is named: all its words appear close together
    (an abbreviation matches the start of a word: 'perm_excl_rate' is named by 'permanent
    exclusion rate'), and none of them is part of a qualifier of another dimension."""
    toks = _tokens(clean_label(label))
    if not toks:
        return []
    words = [(m.group(0).lower(), m.start(), m.end()) for m in re.finditer(r"[A-Za-z]+|\d+", text)]
    words = [w for w in words if not any(a <= w[1] < b for a, b in taken)]
    spans = []
    for t in toks:
        found = [(a, b) for w, a, b in words if w == t or w.rstrip("s") == t.rstrip("s")
                 or (len(t) >= 3 and w.startswith(t) and len(w) > len(t) + 1)]  # fmt: skip
        if not found:
            return []
        spans.append(found)
    first = spans[0]
    for a0, b0 in first:
        chosen = [(a0, b0)]
        for alts in spans[1:]:
            near = [x for x in alts if abs(x[0] - a0) <= 40]
            if not near:
                break
            chosen.append(min(near, key=lambda x: abs(x[0] - a0)))
        else:
            return [LabelHit(label, min(a for a, _ in chosen), max(b for _, b in chosen))]
    return []


@dataclass
class _LabelIndex:
    """A dimension's labels read once: their words, and which labels a word may start a naming
    of (each label filed under its rarest word), so a sentence tries only the labels whose
    rarest word it holds, whatever the number of labels."""

    tokens: dict[str, frozenset[str]]
    by_word: dict[str, list[str]]
    by_reading: dict[tuple[str, str], list[str]]


def _index(dim: TDim) -> _LabelIndex:
    idx = dim.__dict__.get("_index")
    if idx is not None:
        return idx
    tokens = {lab: frozenset(_tokens(clean_label(lab))) for lab in dim.labels}
    freq: dict[str, int] = {}
    for ts in tokens.values():
        for t in ts:
            freq[t] = freq.get(t, 0) + 1
    by_word: dict[str, list[str]] = {}
    by_reading: dict[tuple[str, str], list[str]] = {}
    for lab in dim.labels:
        rs = dim.readings.get(lab)
        if rs:
            for r in rs:
                by_reading.setdefault(r, []).append(lab)
            continue
        if is_total_label(lab) or dim.is_period or not tokens[lab]:
            continue
        rarest = min(tokens[lab], key=lambda t: (freq[t], t))
        by_word.setdefault(rarest[:3], []).append(lab)
    idx = _LabelIndex(tokens, by_word, by_reading)
    dim.__dict__["_index"] = idx
    return idx


def label_hits(dim: TDim, text: str, mentions: list[Mention]) -> list[LabelHit]:
    """Every place in `text` that names one of the dimension's labels."""
    idx = _index(dim)
    hits: list[LabelHit] = []
    for m in mentions:
        for r in m.readings:
            for lab in idx.by_reading.get(r, ()):
                hits.append(LabelHit(lab, m.start, m.end))
    taken = [(m.start, m.end) for m in mentions]
    # a label's rarest word is matched by a word of the text starting the same (abbreviations)
    seen: set[str] = set()
    for w in {w.lower()[:3] for w in re.findall(r"[A-Za-z]+|\d+", text)}:
        for lab in idx.by_word.get(w, ()):
            if lab not in seen:
                seen.add(lab)
                hits += _literal_hits(lab, text, taken)
    out: list[LabelHit] = []
    for h in sorted(set(hits), key=lambda h: (h.start, -(h.end - h.start), h.label)):
        # 'perm_excl' inside 'perm_excl_rate' ('permanent exclusion rate'): the longer label is meant
        mine = idx.tokens.get(h.label, frozenset())
        if any(o.start <= h.start and h.end <= o.end and mine < idx.tokens.get(o.label, frozenset()) for o in out):
            continue
        out.append(h)
    return out


COORDINATED = re.compile(r"^[\s,]*(?:and|or|and/or|,)\s*$", re.I)


def coordinated(hits: list[LabelHit], h: LabelHit, text: str) -> bool:
    """'a first or higher degree', 'higher and lower professional occupations': the label is
    named together with another of the same dimension, so the figure is about both."""
    for o in hits:
        if o.label == h.label:
            continue
        a, b = (o, h) if o.start < h.start else (h, o)
        gap = text[a.end : b.start] if a.end <= b.start else ""
        if a.end > b.start or COORDINATED.match(gap):  # overlapping: 'first or higher degree'
            return True
    return False


def owner_hit(hits: list[LabelHit], text: str, offset: int, end: int, others: list[tuple[int, int]]) -> LabelHit | None:
    """The label written beside a figure: the one just before the bracket a figure stands in
    ('lower professional (42%)', 'the South West (where 54% of people ...)'); else the first
    after it ('72% of non-eligible pupils') before the next figure; else the nearest before
    it, after the previous figure ('lower working class backgrounds had a NEET rate of 22%')."""
    prev_end = max((b for a, b in others if b <= offset), default=0)
    next_start = min((a for a, b in others if a >= end), default=len(text))
    opened = text.rfind("(", prev_end, offset)
    if opened >= 0 and text.find(")", opened, offset) < 0:
        before = [h for h in hits if h.end <= opened and opened - h.end <= 4]
        if before:
            return before[-1]
    after = [h for h in hits if end <= h.start < next_start and h.start - end <= 60]
    if after:
        return after[0]
    before = [h for h in hits if prev_end <= h.start and h.end <= offset]
    if before:
        return before[-1]
    return None


# ----------------------------------------------------------------------------- the figure's subject

VERB = re.compile(
    r"\b(?:were|was|are|is|had|has|have|achieved|met|owned|own|earned|earn|lived|went|worked|got|reached|"
    r"received|made|did|do|does|remained|rose|fell|entered|started|left|became|stood)\b", re.I)
BOUNDARY = re.compile(r"[,;:()–—]|\bcompared\b|\bthan\b|\bwhile\b|\bwhereas\b|\bbut\b", re.I)
MODIFIER = re.compile(
    r"\b(?:in|from|with|without|whose|who|that|among|living|born|at|aged|attending|eligible|claiming|receiving)\b",
    re.I)
FILLER = {"those", "them", "people", "young", "pupils", "children", "adults", "all", "year", "years", "olds", "old",
          "aged", "to", "the", "a", "an", "of", "for", "in", "from", "among", "at", "and", "or", "their", "own",
          "this", "these", "group", "groups", "average", "total", "were", "was", "who", "that"}  # fmt: skip


def subject_phrases(text: str, offset: int, end: int) -> list[tuple[int, int]]:
    """The phrases that narrow a figure's population: '46% of <18 to 20 year olds from higher
    professional backgrounds> were ...', '58% <in the most deprived neighbourhoods>',
    '<Young people from lower working class backgrounds> had a NEET rate of 22%'."""
    spans: list[tuple[int, int]] = []
    after = text[end:]
    m = re.match(r"\s*(?:of|for|among|in|from|with|without|who|whose)\b", after, re.I)
    if m:
        stop = len(after)
        for rx in (BOUNDARY,):
            b = rx.search(after, m.end())
            if b:
                stop = min(stop, b.start())
        v = VERB.search(after, m.end())
        if v and v.start() < stop:
            # a relative clause ('whose parents were homeowners') keeps its own verb
            rel = re.search(r"\b(?:who|whose|that)\b", after[m.end() : v.start()], re.I)
            if rel:
                v2 = VERB.search(after, v.end())
                stop = min(stop, v2.start()) if v2 else stop
            else:
                stop = v.start()
        spans.append((end, end + stop))
    # a figure after its clause's verb ('... had a NEET rate of 22%'): the subject before the verb
    clause_start = 0
    for b in BOUNDARY.finditer(text[:offset]):
        clause_start = b.end()
    lead = text[clause_start:offset]
    v = VERB.search(lead)
    if v:
        spans.append((clause_start, clause_start + v.start()))
    return spans


SAME = re.compile(r"\bthe same\s+(?:[\w-]+\s+){0,2}?(?:backgrounds?|groups?|class|period|age|sex|area|region)\b", re.I)


def unread_modifiers(text: str, spans: list[tuple[int, int]], read: list[tuple[int, int]],
                     universe_words: frozenset[str] = frozenset()) -> list[str]:  # fmt: skip
    """Modifiers in the subject that no qualifier, label or period accounts for ('from the
    same background' refers back to a qualifier already read, so it is read)."""
    out = []
    read = read + [(m.start(), m.end()) for m in SAME.finditer(text)]
    for a, b in spans:
        sub = text[a:b]
        cues = list(MODIFIER.finditer(sub))
        for i, c in enumerate(cues):
            ca = a + c.start()
            cb = a + (cues[i + 1].start() if i + 1 < len(cues) else len(sub))
            words = [w.lower() for w in re.findall(r"[A-Za-z]+", text[ca:cb])]
            if all(w in FILLER for w in words):
                continue
            if any(x < cb and ca < y for x, y in read):
                continue
            if universe_words and all(w in FILLER or w in universe_words for w in words):
                continue  # the publication's own population ('adults in families with dependent children')
            out.append(text[ca:cb].strip())
    return out


# ----------------------------------------------------------------------------- tracing


@dataclass(frozen=True)
class Trace:
    table: TTable
    cell: TCell
    settled: int  # dimensions settled by the text (not by a total or a single label)


@dataclass
class Context:
    """What a figure's key is read from: its sentence, its place there, the period it is
    dated to (None: unknown) and the unit to look for."""

    sentence: Sentence
    offset: int
    end: int
    period: str | None
    unit: str
    period_stated: bool = False  # written in the figure's own sentence or lead-in
    measure: frozenset[str] = frozenset()  # words that describe what the publication measures
    universe_words: frozenset[str] = frozenset()  # words of the publication's own description
    reference: str | None = None  # the publication's own period


def _chain(s: Sentence) -> list[Sentence]:
    chain = [s]
    ante = s.antecedent
    while ante is not None and len(chain) < 4:
        chain.append(ante)
        ante = ante.antecedent
    return chain


def trace(ctx: Context, tables: list[TTable], vocab: Vocabulary, universe: set[str],
          population: list[str] | None = None) -> tuple[list[Trace], str]:  # fmt: skip
    """The cells a figure traces to (those settled by the most dimensions), or none and why."""
    s = ctx.sentence
    chain = _chain(s)
    mentions = [find_mentions(x.text, vocab) for x in chain]
    others = [(o, o + len(f.text)) for f, o in zip(s.figures, s.offsets, strict=True) if o != ctx.offset]
    own_unit = [o for f, o in zip(s.figures, s.offsets, strict=True) if f.unit in (ctx.unit, "percentage_points")]
    named_dims = {d for ms in mentions for mm in ms for d in mm.dims()} - universe
    subject = subject_phrases(s.text, ctx.offset, ctx.end)
    periods = [(p.start, p.end) for p in find_periods(s.text)]
    found: list[Trace] = []
    why = "no table of the publication has a cell for its labels and period"
    for t in tables:
        if not any(c.unit == ctx.unit for c in t.cells):
            continue
        tvdims = set().union(*(d.vdims for d in t.dims)) if t.dims else set()
        missing = set(named_dims)
        for ms in mentions:
            for mm in ms:
                if mm.dims() & tvdims:
                    missing -= mm.dims()
        if missing & named_dims - tvdims:
            continue
        labels: dict[int, str] = {}
        read: list[tuple[int, int]] = [(m.start, m.end) for m in mentions[0]] + periods
        settled, ok = 0, True
        for i, d in enumerate(t.dims):
            if d.is_period:
                lab = next((x for x in d.labels if _period_matches(x, ctx.period)), None)
                if lab is None:
                    ok = False
                    break
                labels[i] = lab
                settled += ctx.period_stated
                continue
            lab = None
            for depth, (x, ms) in enumerate(zip(chain, mentions, strict=True)):
                hits = label_hits(d, x.text, ms)
                if not hits:
                    continue
                if depth == 0:
                    read += [(h.start, h.end) for h in hits]
                names = {h.label for h in hits}
                if depth == 0:
                    h = hits[0] if len(names) == 1 else owner_hit(hits, x.text, ctx.offset, ctx.end, others)
                    if h is None or coordinated(hits, h, x.text):
                        ok = False
                    else:
                        lab = h.label
                elif len(names) == 1:
                    lab = hits[0].label
                elif depth == 1 and RESPECTIVELY.search(s.text):
                    # 'these percentages went up to 49% and 25% respectively'
                    order: list[str] = []
                    for h in hits:
                        if h.label not in order:
                            order.append(h.label)
                    k = own_unit.index(ctx.offset) if ctx.offset in own_unit else -1
                    if len(order) == len(own_unit) and 0 <= k < len(order):
                        lab = order[k]
                    else:
                        ok = False
                else:
                    ok = False
                break
            if not ok:
                break
            if lab is not None:
                settled += 1
            elif any(mm.dims() & d.vdims for ms in mentions for mm in ms):
                ok = False  # the text names a value of this dimension that the table lacks
                break
            else:
                totals = [x for x in d.labels if x == d.total or is_total_label(x)
                          or ("all" in {v for _d, v in d.readings.get(x, [])})]  # fmt: skip
                if len(d.labels) == 1:
                    lab = d.labels[0]
                elif len(totals) == 1:
                    lab = totals[0]
                else:
                    ok = False
                    break
            labels[i] = lab
        if not ok:
            continue
        if not any(d.is_period for d in t.dims):
            # a table with no period of its own is of its page's period
            if not _period_matches(t.period or ctx.reference or "", ctx.period):
                continue
            settled += ctx.period_stated
        if not settled:
            why = "nothing in its sentence names a label or period of the table"
            continue
        if not _measures_agree(chain, mentions, ctx.measure | t.words()):
            why = "its sentence does not speak of what the table measures"
            continue
        unread = unread_modifiers(s.text, subject, read + _population_spans(s.text, population or []),
                                  ctx.universe_words)
        if unread:
            why = f"its subject is narrowed by '{unread[0]}', which no label of the table names"
            continue
        c = t.cell(labels)
        if c is None or c.unit != ctx.unit:
            continue
        found.append(Trace(t, c, settled))
    if not found:
        return [], why
    best = max(tr.settled for tr in found)
    return [tr for tr in found if tr.settled == best], ""


GENERIC = {"percentage", "proportion", "number", "data", "people", "young", "year", "years", "olds", "aged", "rate",
           "rates", "level", "levels", "total", "average", "statistics", "table", "figure", "report", "national",
           "england", "wales", "scotland", "csv", "xlsx", "format", "compared", "higher", "lower", "among", "their",
           "those", "which", "while", "these", "there", "about", "other", "between", "within", "over", "since",
           "from", "with", "were", "have", "been", "than", "more", "less", "most", "least", "time"}  # fmt: skip


def measure_words(text: str) -> set[str]:
    """Content words that say what is measured ('enrolled in higher education')."""
    text = re.sub(r",?\s+by\s+[\w\s,-]*(?:background|year|sex|age|region|ethnicity)[\w\s,-]*\.?", " ", text, flags=re.I)
    return {w for w in re.findall(r"[a-z]{4,}", text.lower()) if w not in GENERIC}


def _measures_agree(chain: list[Sentence], mentions: list[list[Mention]], measure: frozenset[str]) -> bool:
    """The figure's sentence (or the sentences it continues) shares a word stem with what
    the publication or the table says it measures ('economically active' / 'Economic
    activity'); words that name a qualifier do not count."""
    if not measure:
        return False
    for x, ms in zip(chain, mentions, strict=True):
        text = x.text
        for m in sorted(ms, key=lambda m: -m.start):
            text = text[: m.start] + " " + text[m.end :]
        for w in measure_words(text):
            for v in measure:
                k = 0
                while k < min(len(w), len(v)) and w[k] == v[k]:
                    k += 1
                if k >= 5 or (k >= 4 and k == min(len(w), len(v))):
                    return True
    return False


def _population_spans(text: str, population: list[str]) -> list[tuple[int, int]]:
    out = []
    for p in population:
        for m in re.finditer(re.escape(p), text, re.I):
            out.append((m.start(), m.end()))
    return out


ACADEMIC_CODE = re.compile(r"^\s*((?:19|20)\d{2})(\d{2})\s*$")


def label_period(label: str) -> str | None:
    """The period a row or column label names as a whole: '2022 to 2024', ' 2023/24',
    '201516' (an academic year code), '2014'."""
    m = ACADEMIC_CODE.match(label)
    if m and (int(m.group(1)) + 1) % 100 == int(m.group(2)):
        return f"{m.group(1)}-{m.group(2)}"
    ps = find_periods(label)
    if len(ps) == 1 and ps[0].end - ps[0].start >= len(label.strip()) - 1:
        return ps[0].norm
    return None


def _period_matches(label: str, period: str | None) -> bool:
    if period is None:
        return False
    if same_period(label, period):
        return True
    norm = label_period(label)
    return norm is not None and same_period(norm, period)
