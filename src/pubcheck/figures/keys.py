"""Keys from the text: what a prose figure is about, read from its own words.

A figure's key is the population and every qualifier that narrows it (sex, age, ethnic
group, area, free school meals, socio-economic background, disability, ...), its period and
its unit. The qualifier vocabulary is data (`checks/qualifiers.toml`, extended by a
publication's `pubcheck.toml`); an indicator registry may refine a key but is not needed
to make one.

The text is read as passages: paragraphs (joined across hard-wrapped lines), their
sentences, bullets with the lead-in line they hang from ("In the 3 years to 2024:"), and
sentences that continue the one before ("This was higher than ...", "It went up by ...",
"these percentages went up to 49% and 25% respectively"). A sentence inherits its
antecedent's period and qualifiers only when it continues it; a figure never takes its
period from a neighbouring sentence about another period.

Within a sentence that names several values of one dimension ("52% of pupils eligible for
free school meals and 72% of non-eligible pupils"), each figure takes the value written
beside it; a value named once is shared by every figure of the sentence.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from pubcheck.figures.periods import find_periods, find_relative, period_sort_key, reference_period
from pubcheck.model import Figure
from pubcheck.paths import checks_path

# ----------------------------------------------------------------------------- vocabulary


@dataclass(frozen=True)
class Dimension:
    name: str
    heads: tuple[re.Pattern[str], ...]
    values: tuple[tuple[str, tuple[re.Pattern[str], ...]], ...]


@dataclass(frozen=True)
class Vocabulary:
    dimensions: dict[str, Dimension]

    def canonical(self, text: str) -> list[tuple[str, str]]:
        """(dimension, value) pairs a short label names ('Lower working (%)' -> seb and
        occupation lower_working; 'FSM-eligible pupils (%)' -> fsm/fsm; 'state-funded
        secondary' -> school/secondary). A label naming values of two different dimensions
        ('White British boys') has no single reading and is matched word for word."""
        t = clean_label(text)
        ms = find_mentions(t, self)
        if len(ms) != 1:
            return []
        return list(ms[0].readings)


def _compile(pats: list[str]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(rf"(?<![\w-])(?:{p})(?![\w])", re.I) for p in pats)


def vocabulary_from(data: dict) -> Vocabulary:
    dims: dict[str, Dimension] = {}
    for name, spec in data.get("dimension", {}).items():
        values = tuple((v, _compile(list(p))) for v, p in spec.get("values", {}).items())
        dims[name] = Dimension(name, _compile(list(spec.get("heads", []))), values)
    return Vocabulary(dims)


@lru_cache(maxsize=8)
def _load(path: str) -> dict:
    return tomllib.loads(Path(path).read_text(encoding="utf-8"))


def load_vocabulary(path: str | None = None, extra: dict | None = None) -> Vocabulary:
    """checks/qualifiers.toml, with a configuration's [qualifiers] dimensions added (a
    dimension it names again gets the configuration's values as well)."""
    data = _load(path or str(checks_path("qualifiers.toml")))
    if extra:
        dims = {k: dict(v) for k, v in data.get("dimension", {}).items()}
        for name, spec in extra.get("dimension", {}).items():
            cur = dims.setdefault(name, {"heads": [], "values": {}})
            cur["heads"] = list(cur.get("heads", [])) + list(spec.get("heads", []))
            vals = {k: list(v) for k, v in cur.get("values", {}).items()}
            for v, pats in spec.get("values", {}).items():
                vals[v] = vals.get(v, []) + list(pats)
            cur["values"] = vals
        data = {**data, "dimension": dims}
    return _vocabulary(repr(data), data)


_VOCABS: dict[str, Vocabulary] = {}


def _vocabulary(key: str, data: dict) -> Vocabulary:
    if key not in _VOCABS:
        _VOCABS[key] = vocabulary_from(data)
    return _VOCABS[key]


UNIT_WORDS = re.compile(r"\((?:%|£|per cent|percent|percentage|number|count|rate|n)\)|%|£", re.I)
TOTAL_LABEL = re.compile(r"^(?:total|all(?:\s+\w+){0,2}|overall|both sexes|persons|all persons)$", re.I)


def clean_label(text: str) -> str:
    """'Lower working (%)' -> 'lower working'; 'perm_excl_rate' -> 'perm excl rate'."""
    t = UNIT_WORDS.sub(" ", text)
    t = re.sub(r"[_\s]+", " ", t).strip(" :-").lower()
    return t


def is_total_label(text: str) -> bool:
    return bool(TOTAL_LABEL.match(clean_label(text)))


# ----------------------------------------------------------------------------- mentions


@dataclass(frozen=True)
class Mention:
    """A qualifier named in the text: its candidate (dimension, value) readings, its span,
    and the noun written right after it ('background', 'occupation')."""

    start: int
    end: int
    text: str
    readings: tuple[tuple[str, str], ...]
    head: str = ""

    def dims(self) -> set[str]:
        return {d for d, _ in self.readings}

    def value_in(self, dim: str) -> str | None:
        return next((v for d, v in self.readings if d == dim), None)


HEAD_AFTER = re.compile(r"^[\s-]*(?:class\s+)?([a-z]+(?:\s+[a-z]+)?)", re.I)


_MENTIONS: dict[tuple[int, str], tuple[Vocabulary, tuple[Mention, ...]]] = {}


def find_mentions(text: str, vocab: Vocabulary) -> list[Mention]:
    """Every qualifier mention, longest first where they overlap; a span two dimensions
    both name ('higher professional': background or occupation) keeps both readings, and
    the noun after it, when one of the dimensions claims it, decides. Found once per text and
    vocabulary: it is asked for every figure of a sentence (a line of 5,000 figures took 170 s)."""
    hit = _MENTIONS.get((id(vocab), text))
    if hit is not None and hit[0] is vocab:
        return list(hit[1])
    out = _find_mentions(text, vocab)
    if len(_MENTIONS) > 4096:
        _MENTIONS.clear()
    _MENTIONS[(id(vocab), text)] = (vocab, tuple(out))
    return out


def _find_mentions(text: str, vocab: Vocabulary) -> list[Mention]:
    hits: dict[tuple[int, int], list[tuple[str, str]]] = {}
    for dim in vocab.dimensions.values():
        for value, pats in dim.values:
            for p in pats:
                for m in p.finditer(text):
                    if m.end() > m.start():
                        hits.setdefault((m.start(), m.end()), []).append((dim.name, value))
    taken = [False] * (len(text) + 1)
    out: list[Mention] = []
    for (a, b), readings in sorted(hits.items(), key=lambda kv: (-(kv[0][1] - kv[0][0]), kv[0][0])):
        if any(taken[a:b]):
            continue
        taken[a:b] = [True] * (b - a)
        seen: list[tuple[str, str]] = []
        for r in readings:
            if r not in seen:
                seen.append(r)
        hm = HEAD_AFTER.match(text[b : b + 40])
        head = hm.group(1).lower() if hm else ""
        if len({d for d, _ in seen}) > 1 and head:
            claimed = [r for r in seen if any(p.match(head) for p in vocab.dimensions[r[0]].heads)]
            if claimed:
                seen = claimed
        out.append(Mention(a, b, text[a:b], tuple(seen), head))
    out += _ellipses(text, out, vocab)
    return sorted(out, key=lambda m: m.start)


ELLIPSIS = re.compile(r"\b([a-z]+)\s+(?:and|or)\s+$", re.I)


def _ellipses(text: str, found: list[Mention], vocab: Vocabulary) -> list[Mention]:
    """'higher and lower professional occupations' names 'higher professional' as well as
    'lower professional': a word joined by and/or to a mention's first word, which with the
    mention's other words makes another value of the same dimension."""
    out = []
    for m in found:
        words = m.text.split()
        if len(words) < 2:
            continue
        e = ELLIPSIS.search(text[max(0, m.start - 30) : m.start])
        if e is None:
            continue
        candidate = " ".join([e.group(1)] + words[1:])
        readings = []
        for d, _v in m.readings:
            for value, pats in vocab.dimensions[d].values:
                if any(p.fullmatch(candidate) for p in pats):
                    readings.append((d, value))
        if readings:
            a = max(0, m.start - 30) + e.start(1)
            out.append(Mention(a, a + len(e.group(1)), text[a : a + len(e.group(1))], tuple(readings), m.head))
    return out


# ----------------------------------------------------------------------------- passages

SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[A-Z0-9(\"“‘*£•])")
BULLET = re.compile(r"^\s*(?:[*•\-–]|\d{1,2}[.)])\s+")
HEADING = re.compile(r"^\s*(?:#{1,6}\s|\*\*[^*]+\*\*\s*$)")
CONTINUES = re.compile(
    r"^(?:this|these|that|those|it|they|its|their|the same|both|such)\b|\brespectively\b|\bthe same\b",
    re.I,
)
RESPECTIVELY = re.compile(r"\brespectively\b", re.I)
DENSE_FIGURES = 30
DENSE_CHARS = 4000


@dataclass
class Sentence:
    text: str
    start: int  # offset in the paragraph text
    paragraph: Paragraph
    index: int
    antecedent: Sentence | None = None  # the sentence it continues, or the lead-in of its bullet
    figures: list[Figure] = field(default_factory=list)
    offsets: list[int] = field(default_factory=list)  # each figure's offset in `text`

    @property
    def continues(self) -> bool:
        return self.antecedent is not None

    @property
    def dense(self) -> bool:
        """A 'sentence' of dozens of figures (or thousands of characters) is a table or a list
        flattened into text, not prose: its figures get no key from it and are not traced."""
        return len(self.offsets) > DENSE_FIGURES or len(self.text) > DENSE_CHARS


@dataclass
class Paragraph:
    text: str
    first_line: int
    line_starts: list[tuple[int, int]]  # (offset in text, line number)
    sentences: list[Sentence] = field(default_factory=list)
    bullet: bool = False
    lead_in: bool = False  # ends with ':' and introduces the bullets below it

    def offset(self, line: int, col: int) -> int | None:
        for off, ln in self.line_starts:
            if ln == line:
                return off + col
        return None


def paragraphs(lines: list[str]) -> list[Paragraph]:
    """Paragraphs of prose: runs of non-empty lines joined with a space (a sentence may be
    wrapped across lines); bullets, headings and table rows stand alone."""
    out: list[Paragraph] = []
    cur: list[tuple[int, str]] = []

    def flush() -> None:
        if not cur:
            return
        text, starts, pos = "", [], 0
        for ln, t in cur:
            if text:
                text += " "
                pos += 1
            starts.append((pos, ln))
            text += t
            pos += len(t)
        out.append(Paragraph(text, cur[0][0], starts, bullet=bool(BULLET.match(cur[0][1]))))
        cur.clear()

    for i, line in enumerate(lines, start=1):
        if not line.strip() or "\t" in line:
            flush()
            continue
        if BULLET.match(line) or HEADING.match(line):
            flush()
            cur.append((i, line))
            flush()
            continue
        cur.append((i, line))
    flush()
    for p in out:
        p.lead_in = p.text.rstrip().endswith(":")
    return out


def split_sentences(p: Paragraph) -> None:
    starts = [0] + [m.end() for m in SENTENCE_END.finditer(p.text)]
    ends = [m.start() for m in SENTENCE_END.finditer(p.text)] + [len(p.text)]
    for i, (a, b) in enumerate(zip(starts, ends, strict=True)):
        if b > a:
            p.sentences.append(Sentence(p.text[a:b], a, p, i))


@dataclass
class Passages:
    """A document read as paragraphs and sentences, each prose figure placed in one."""

    paragraphs: list[Paragraph]
    reference: str | None
    of_figure: dict[int, tuple[Sentence, int]]  # id(figure) -> (sentence, offset in it)

    def sentence_of(self, f: Figure) -> tuple[Sentence, int] | None:
        return self.of_figure.get(id(f))


def read_passages(lines: list[str], figures: list[Figure]) -> Passages:
    paras = paragraphs(lines)
    for p in paras:
        split_sentences(p)
    # antecedents: a sentence that continues the one before; a bullet hangs from its lead-in
    lead: Sentence | None = None
    for p in paras:
        if p.bullet and lead is not None and p.sentences:
            p.sentences[0].antecedent = lead
        elif not p.bullet:
            lead = p.sentences[-1] if p.lead_in and p.sentences else None
        for s in p.sentences[1:]:
            prev = p.sentences[s.index - 1]
            if CONTINUES.search(s.text.lstrip(" *•-")[:60]) or RESPECTIVELY.search(s.text):
                s.antecedent = prev
        if p.sentences and not p.bullet and p.sentences[0].antecedent is None:
            pass
    by_line: dict[int, Paragraph] = {}
    for p in paras:
        for _off, ln in p.line_starts:
            by_line[ln] = p
    placed: dict[int, tuple[Sentence, int]] = {}
    for f in figures:
        if f.kind == "cell":
            continue
        p = by_line.get(f.line)
        if p is None:
            continue
        off = p.offset(f.line, f.span[0])
        if off is None:
            continue
        for s in p.sentences:
            if s.start <= off < s.start + len(s.text):
                s.figures.append(f)
                s.offsets.append(off - s.start)
                placed[id(f)] = (s, off - s.start)
                break
    return Passages(paras, reference_period(lines), placed)


# ----------------------------------------------------------------------------- periods of figures

BASE_BEFORE = re.compile(
    r"(?:since|compared (?:to|with)|in relation to|relative to|than|from|on|over)\s*(?:in\s+|the\s+)?$", re.I
)


def _periods(text: str) -> list[tuple[int, int, str, bool]]:
    """(start, end, norm, is_base) for every period in a sentence."""
    out = []
    for p in find_periods(text):
        before = text[max(0, p.start - 25) : p.start]
        out.append((p.start, p.end, p.norm, bool(BASE_BEFORE.search(before))))
    return out


CHANGE_START = re.compile(r"\b(?:from|up from|down from)\s*$", re.I)
PERIOD_WORDS = re.compile(r"\b(?:period|quarter|months?|decade|years?|cohort)\b", re.I)


_ENDS: dict[int, tuple[Sentence, int, dict[int, list[int]]]] = {}


def _figure_ends(s: Sentence) -> dict[int, list[int]]:
    hit = _ENDS.get(id(s))
    if hit is not None and hit[0] is s and hit[1] == len(s.figures):  # the same sentence, not grown since
        return hit[2]
    ends: dict[int, list[int]] = {}
    for f, o in zip(s.figures, s.offsets, strict=True):
        ends.setdefault(o + len(f.text), []).append(o)
    if len(_ENDS) > 1024:
        _ENDS.clear()
    _ENDS[id(s)] = (s, len(s.figures), ends)
    return ends


def figure_period(s: Sentence, offset: int, end: int, reference: str | None) -> tuple[str | None, str]:
    """The period a figure is dated to and how: 'stated' (in its clause, the nearest that is
    not a comparison base), 'inherited' (its lead-in or the sentence it continues),
    'reference' (the publication's own period), or None with why.

    The start of a change ('went up from 13% to 14%') is dated only by a period written
    right after it ('from 29% in the 3 years to 2016'): the sentence's period belongs to its
    end. A clause that speaks of a period pubcheck does not read ('in the most recent
    3-year period') leaves the figure undated."""
    ps = all_ps = _periods(s.text)
    starts_change = bool(CHANGE_START.search(s.text[max(0, offset - 12) : offset]))
    # a period written right after a figure ('down from 90% in the 3 years to 2016') is that figure's
    ends = _figure_ends(s)  # end -> offsets of the figures ending there, once per sentence (was per figure)
    ps = [p for p in ps if not any(o != offset for e in range(p[0] - 5, p[0] + 1) for o in ends.get(e, ()))
          or 0 <= p[0] - end < 6]  # fmt: skip
    best: tuple[float, str] | None = None
    for a, b, norm, is_base in ps:
        right_after = a >= end and a - end < 6
        if starts_change and not right_after:
            continue
        if is_base and not right_after:
            continue
        d = offset - b if b <= offset else (a - end) * 0.8 if a >= end else 0.0
        if best is None or d < best[0]:
            best = (d, norm)
    # 'similar to last year (268,390)', '(268,251) in the previous year': a relative period
    # written beside the figure is its own, counted from the sentence's period
    for r in find_relative(s.text):
        beside = (0 <= offset - r.end <= 3 and s.text[r.end:offset].strip() in ("(", "")) or 0 <= r.start - end <= 3
        if beside:
            anchor = next((norm for _a, _b, norm, is_base in all_ps if not is_base), None) or reference
            resolved = r.resolve(anchor) if r.kind not in ("span", "decade") else None
            if resolved:
                return resolved, "stated"
    if best is not None:
        return best[1], "stated"
    if starts_change:
        return None, "the start of a change with no period of its own"
    covered = [(a, b) for a, b, _n, _x in all_ps] + [(r.start, r.end) for r in find_relative(s.text)]
    for m in PERIOD_WORDS.finditer(s.text):
        if not any(a <= m.start() < b for a, b in covered):
            return None, f"its sentence names a period pubcheck does not read ('{m.group(0)}')"
    ante = s.antecedent
    while ante is not None:
        own = [norm for _a, _b, norm, is_base in _periods(ante.text) if not is_base]
        if own:
            return (own[0], "inherited") if len(set(own)) == 1 else (None, "its lead-in names several periods")
        ante = ante.antecedent
    return reference, "reference"


CHANGE_FROM = re.compile(r"\b(?:from|since|compared (?:with|to)|than(?: in)?|on)\s+(?:the\s+)?$", re.I)
THIS_PERIOD = re.compile(r"\b(?:this|the same|that) (?:period|time)\b", re.I)


@dataclass(frozen=True)
class ChangeSpan:
    """The two periods a change is between, and whether they are the edges of a span
    ('over the last 10 years': the series' first and last points in it) or periods named
    outright ('between the 3 years to 2016 and the 3 years to 2024')."""

    start: str | None
    end: str | None
    edges: bool = False


BASE_AFTER = re.compile(
    r"^\W*(?:percentage points?|per ?cent|%)?\s*(?:increase|decrease|rise|fall|drop|change)?\s*"
    r"(?:in relation to|relative to|since|compared (?:with|to)|from|than(?: in)?|on)\s+(?:the\s+)?$",
    re.I,
)


def change_periods(s: Sentence, reference: str | None, offset: int | None = None,
                   end: int | None = None) -> ChangeSpan:  # fmt: skip
    """The periods of the change at [offset, end): its own base when one is cued beside it
    ('a 0.5 percentage point increase in relation to January 2010 until December 2010 and a
    rise of 2.1 percentage points since 2000': each change has its own start), else those of
    its sentence (see `sentence_change_periods`)."""
    if offset is not None and end is not None:
        clause, c0 = _clause(s.text, offset, end)
        for p in find_periods(s.text):
            if c0 <= p.start < c0 + len(clause) and p.start >= end and BASE_AFTER.search(s.text[end : p.start]):
                current = _current_period(s, reference)
                return ChangeSpan(p.norm, current)
        figures_in_clause = [o for o in s.offsets if c0 <= o < c0 + len(clause)]
        changes = [o for f, o in zip(s.figures, s.offsets, strict=True) if f.kind == "change"]
        if len(changes) > 1 and len(figures_in_clause) < len(s.offsets):
            return ChangeSpan(None, None)  # several changes, their bases not told apart
    return sentence_change_periods(s, reference)


def _current_period(s: Sentence, reference: str | None) -> str | None:
    """The period a sentence (or the sentences it continues) reports, not a comparison base."""
    x: Sentence | None = s
    while x is not None:
        own = [norm for _a, _b, norm, is_base in _periods(x.text) if not is_base]
        if own:
            return own[0] if len(set(own)) == 1 else None
        x = x.antecedent
    return reference


def sentence_change_periods(s: Sentence, reference: str | None) -> ChangeSpan:
    """The periods a change statement spans: 'Between the 3 years to 2016 and the 3 years
    to 2024', 'up from 0.17% in 2015/16' (to the publication's period), 'over the last 10
    years', 'since 2014', 'from a year earlier'; else the periods of the sentences it
    continues, in the order they were written ('In the 3 years to 2016, 44% ... In the 3
    years to 2024, these percentages went up ... the gap went down from 29 to 23')."""
    chain = [s]
    ante = s.antecedent
    while ante is not None and len(chain) < 4:
        chain.append(ante)
        ante = ante.antecedent
    if THIS_PERIOD.search(s.text) and s.antecedent is None and s.index > 0:
        chain.append(s.paragraph.sentences[s.index - 1])
    for sent in chain:
        ps = [(a, norm) for a, _b, norm, _base in _periods(sent.text)]
        rel = find_relative(sent.text)
        if len(ps) >= 2:
            first, last = sorted((ps[0][1], ps[-1][1]), key=period_sort_key)  # a change runs forward in time
            return ChangeSpan(first, last)
        if rel and rel[0].kind in ("span", "decade"):
            return ChangeSpan(rel[0].resolve(reference), ps[0][1] if ps else reference, edges=True)
        if len(ps) == 1 and rel:
            return ChangeSpan(rel[0].resolve(ps[0][1]), ps[0][1])
        if rel:
            return ChangeSpan(rel[0].resolve(reference), reference)
        if len(ps) == 1 and CHANGE_FROM.search(_before_period(sent.text, ps[0][0])):
            return ChangeSpan(ps[0][1], reference, edges=sent.text.lower().find("since") >= 0)
        if sent is s and len(ps) == 1:
            break
    # the periods of the sentences it continues, in writing order
    seen: list[str] = []
    for sent in reversed(chain):
        for _a, _b, norm, _base in _periods(sent.text):
            if norm not in seen:
                seen.append(norm)
    if len(seen) == 2:
        return ChangeSpan(seen[0], seen[1])
    return ChangeSpan(None, None)


def _before_period(text: str, start: int) -> str:
    """The words before a period, with a figure between them skipped ('up from 0.17% in')."""
    before = text[max(0, start - 40) : start]
    return re.sub(r"[\d.,]+\s*(?:%|per cent|percentage points?)?\s*(?:in|for)?\s*$", "", before)


AGE_GROUP = re.compile(
    r"\b(?:aged \d{1,2}(?: to | and |-)\d{1,2}(?: years)?|\d{1,2}(?: to |-)\d{1,2} year olds?"
    r"|\d{1,2} year olds?)\b",
    re.I,
)


def population_of(lines: list[str], paragraphs_read: int = 4) -> list[str]:
    """The age groups a publication is about, from its opening paragraphs ('Data on the
    percentage of 25 to 29 year olds ...'): figures about that population need no age label."""
    out: list[str] = []
    seen = 0
    for line in lines:
        if not line.strip() or line.strip() == "---" or ":" in line[:15]:
            continue
        seen += 1
        for m in AGE_GROUP.finditer(line):
            if m.group(0).lower() not in out:
                out.append(m.group(0).lower())
        if seen >= paragraphs_read:
            break
    return out


def publication_measure(lines: list[str]) -> str:
    """What a publication says it measures: its title and its opening description ('Data on
    the percentage of 25 to 29 year olds who were unemployed, by socio-economic background')."""
    title = ""
    for line in lines[:10]:
        t = line.strip()
        if t.lower().startswith("title:"):
            title = t[6:]
            break
    body = [line.strip() for line in lines if line.strip() and line.strip() != "---" and ":" not in line[:20]]
    first = body[0] if body else ""
    if not title and body:
        title = body[0]
        first = body[1] if len(body) > 1 else ""
    return f"{title}. {first}"


CLAUSE_SEP = re.compile(r",\s+(?:and|but|while|whereas|which)\b|;\s+|,\s+with\b", re.I)


def qualifiers_near(sentence: str, start: int, end: int, vocab: Vocabulary,
                    exclude: list[tuple[int, int]] = ()) -> frozenset[tuple[str, str]]:  # type: ignore[assignment]  # fmt: skip
    """The qualifiers a sentence gives the figure at [start, end): a dimension named once is
    shared by every figure of the sentence; one named with several values ('63% of girls ...
    compared to 55% of boys') gives each figure the value nearest it, the one after it first
    ('63% of girls'). Mentions inside `exclude` (spans a registry already reads) are left out."""
    c0, c1 = 0, len(sentence)
    for m in CLAUSE_SEP.finditer(sentence):  # '..., and despite recent progress, just 40 per cent of ...'
        if m.end() <= start:
            c0 = m.end()
        elif m.start() >= end:
            c1 = m.start()
            break
    ms = [m for m in find_mentions(sentence, vocab) if c0 <= m.start and m.end <= c1
          and not any(a < m.end and m.start < b for a, b in exclude)]  # fmt: skip
    by_dim: dict[str, list[Mention]] = {}
    for m in ms:
        for d in m.dims():
            by_dim.setdefault(d, []).append(m)
    out = set()
    for d, dm in by_dim.items():
        values = {m.value_in(d) for m in dm}
        if len(values) == 1:
            out.add((d, values.pop() or ""))
            continue
        after = [m for m in dm if m.start >= end and m.start - end <= 40]
        pick = after[0] if after else min(dm, key=lambda m: min(abs(m.start - end), abs(start - m.end)))
        out.add((d, pick.value_in(d) or ""))
    return frozenset(out)


# ----------------------------------------------------------------------------- keys read in full

KEY_STOP = {
    "the", "a", "an", "of", "in", "on", "at", "to", "for", "from", "by", "with", "and", "or", "was", "were",
    "is", "are", "be", "been", "had", "has", "have", "this", "that", "these", "those", "there", "which", "who",
    "it", "its", "their", "they", "as", "than", "per", "cent", "percent", "percentage", "points", "point",
    "proportion", "share", "number", "total", "overall", "all", "some", "around", "about", "almost",
    "nearly", "over", "under", "more", "less", "just", "also", "still", "now", "then", "similar", "same",
    "up", "down", "rise", "rose", "risen", "fall", "fell", "fallen", "increase", "increased", "decrease",
    "decreased", "higher", "lower", "compared", "previous", "year", "years", "quarter", "period", "estimated",
    "estimate", "million", "thousand", "billion", "very", "last", "latest", "figure", "figures",
}  # fmt: skip


@dataclass(frozen=True)
class TextKey:
    """What a prose figure measures, read in full from its sentence: the content words of its
    clause (the measure and population), the qualifiers it names, its period and unit."""

    words: frozenset[str]
    qualifiers: frozenset[tuple[str, str]]
    period: str
    unit: str


def text_key(s: Sentence, offset: int, end: int, unit: str, reference: str | None, vocab: Vocabulary,
             population: list[str] | None = None, universe: frozenset[str] = frozenset()
             ) -> tuple[TextKey | None, str]:  # fmt: skip
    """A figure's key from its own clause, or None and why it is not complete.

    - its period is stated in its clause or lead-in, or named relative to a stated one ('This
      is similar to the previous year (268,251)' after '... between April 2019 and March 2020');
    - what it measures is the content words of its clause, or, for a sentence that only points
      back ('This is similar to ...'), of the clause of the figure it continues;
    - several figures share a clause only when each has its own period ('risen from 43.8% in
      1996 to 66.5% in 2016');
    - words narrowing its subject that pubcheck does not read make it incomplete."""
    from pubcheck.figures.trace import subject_phrases, unread_modifiers  # same stage

    if s.dense:
        return None, "its sentence is a table or list flattened into text"
    period, how = figure_period(s, offset, end, reference)
    clause, c0 = _clause(s.text, offset, end)
    own_words = _content(clause, s.text[offset:end], vocab)
    base = s
    if len(own_words) < 2 and s.antecedent is not None and s.antecedent.figures:
        # 'This is similar to the previous year (268,251)': the measure of the figure before
        ante = s.antecedent
        fo = ante.offsets[0]
        a_clause, _ = _clause(ante.text, fo, fo + len(ante.figures[0].text))
        own_words = _content(a_clause, ante.figures[0].text, vocab) | own_words
        rel = find_relative(s.text)
        a_period, a_how = figure_period(ante, fo, fo + len(ante.figures[0].text), reference)
        if rel and a_period and a_how in ("stated", "inherited"):
            period, how = rel[0].resolve(a_period), "stated"
        base = ante
    if period is None or how not in ("stated", "inherited"):
        return None, "its period is not stated"
    others = [o for o in s.offsets if o != offset and c0 <= o < c0 + len(clause)]
    if others and not _each_dated(s, others + [offset], reference):
        return None, "its clause holds other figures"
    quals_here = qualifiers_near(s.text, offset, end, vocab)
    if len(own_words) + len(quals_here) < 2:
        return None, "its clause says too little about what it measures"
    quals = qualifiers_near(base.text, *(_span_in(base, s, offset, end)), vocab)
    read = [(m.start, m.end) for m in find_mentions(s.text, vocab)]
    read += [(p.start, p.end) for p in find_periods(s.text)] + [(r.start, r.end) for r in find_relative(s.text)]
    for ph in population or []:
        read += [(m.start(), m.end()) for m in re.finditer(re.escape(ph), s.text, re.I)]
    unread = unread_modifiers(s.text, subject_phrases(s.text, offset, end), read, universe)
    if unread:
        return None, f"its subject is narrowed by '{unread[0]}'"
    return TextKey(frozenset(own_words), quals, period, unit), ""


def _span_in(base: Sentence, s: Sentence, offset: int, end: int) -> tuple[int, int]:
    if base is s:
        return offset, end
    o = base.offsets[0]
    return o, o + len(base.figures[0].text)


def _clause(text: str, offset: int, end: int) -> tuple[str, int]:
    c0, c1 = 0, len(text)
    for m in CLAUSE_SEP.finditer(text):
        if m.end() <= offset:
            c0 = m.end()
        elif m.start() >= end:
            c1 = m.start()
            break
    return text[c0:c1], c0


_CONTENT: dict[tuple[int, str], tuple[Vocabulary, frozenset[str]]] = {}


def _content(clause: str, figure_text: str, vocab: Vocabulary) -> set[str]:
    hit = _CONTENT.get((id(vocab), clause))  # once per clause, not per figure in it
    if hit is not None and hit[0] is vocab:
        return set(hit[1])
    out = _clause_content(clause, vocab)
    if len(_CONTENT) > 4096:
        _CONTENT.clear()
    _CONTENT[(id(vocab), clause)] = (vocab, frozenset(out))
    return out


def _clause_content(clause: str, vocab: Vocabulary) -> set[str]:
    spans = [(m.start, m.end) for m in find_mentions(clause, vocab)]
    spans += [(p.start, p.end) for p in find_periods(clause)] + [(r.start, r.end) for r in find_relative(clause)]
    text = clause
    for a, b in sorted(spans, reverse=True):
        text = text[:a] + " " + text[b:]
    text = re.sub(r"[\d.,]+\s*(?:%|per ?cent|percentage points?)?", " ", text)
    return {w[:6] for w in re.findall(r"[a-z]{3,}", text.lower()) if w not in KEY_STOP}


def _each_dated(s: Sentence, offsets: list[int], reference: str | None) -> bool:
    """The figures of one clause are each dated to a different period ('from 43.8% in 1996 to
    66.5% in 2016'; '268,251 adults ... between April 2018 and March 2019, ... last year
    (268,390)'), so each is known apart."""
    periods = []
    for o in offsets:
        f = s.figures[s.offsets.index(o)]
        p, how = figure_period(s, o, o + len(f.text), reference)
        if p is None or how not in ("stated", "inherited"):
            return False
        periods.append(p)
    return len(set(periods)) == len(periods)
