"""Finding figures in a line of prose.

Labels that look like numbers but are not figures (years and periods, paragraph and
footnote numbers, command paper and ISBN numbers, phone numbers, ages, durations,
references such as 'Table 3' or 'NI 15') are recognised first and masked, so that they
never become figures. Every remaining number becomes a Figure with its unit, precision,
qualifier and honest interval.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pubcheck.figures.numbers import (
    SCALES,
    WORD_NUMBERS,
    count_interval,
    count_step,
    decimals_step,
    load_quantifiers,
    parse_number,
    qualify,
    rounding_interval,
    verbal_interval,
)
from pubcheck.figures.periods import find_periods, led_by
from pubcheck.model import Figure, Interval, Location, built, changed

NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
WORDNUM = "|".join(sorted(WORD_NUMBERS, key=len, reverse=True))
PCT = r"(?:per\s?cent|percent|%)"
SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"

LABELS: list[tuple[str, re.Pattern[str]]] = [
    # linear: an e-mail address is tried only from the start of its run of name characters, and
    # '<https:...' and '](...)' stop at the next '<' or ']' (each start scans its own span only)
    ("url", re.compile(r"https?://\S+|www\.\S+|<https?:[^<>]*>|\]\([^)\]]*\)|(?<![\w.+-])[\w.+-]+@[\w.-]+")),
    ("footnote-ref", re.compile(r"<sup>\s*\d+\s*</sup>")),
    ("markup", re.compile(r"</?sup>|\*\*|\\_")),
    # a run of 25 or more digits (with separators) is no printed figure, and would not fit a float
    ("long-number", re.compile(r"(?<![\d.,])\d[\d,.]{24,}")),
    ("isbn", re.compile(r"ISBN:?\s*[\d-]{10,17}", re.I)),
    ("command-paper", re.compile(r"\bCm\.?\s?\d{3,5}\b")),
    ("phone", re.compile(r"(?<![\d,.])0\d{2,4}[ -]\d{3,4}[ -]?\d{3,4}\b")),
    ("id", re.compile(r"\b(?:ID|PU)\s?\d+\b|\b\d{2}/\d{2}\b")),
    ("reference", re.compile(
        r"\b(?:Key Indicators?|Indicators?|Chapter|Table|Figure|Annex|PSAs?|NI|NIs|Priority Action|"
        r"[Ww]aves?|[Gg]raph|Key Stage|[Ll]evel|Report No\.?|Research Report|Report|page|pp\.|Sec\.?|Sect|"
        r"SS?\.|[Ss]ection|paragraph|Tier|Class|Element|No\.|Group|Volume|vol|Bulletin|Online Report)"
        r"\s?\d+[A-Za-z]?(?:[.(]\d+\)?)*(?:\s*(?:-|–|&|and)\s*\d+)?")),
    ("statute", re.compile(r"\bS\.\s?\d+[A-Z]?|\bSec\s?\d+|\b\d+:\d+\b|(?<=[\d)])\s?\(\d{1,2}\)|\([a-z]{1,3}\)")),
    ("code", re.compile(r"\b\d+[A-Z](?:-[A-Z])?\b|\b\d+/\d+\b|\b[A-Za-z]{2,}-\d{1,4}\b(?![.,]\d)")),  # 'COVID-19' 
    ("age", re.compile(
        r"\b(?:aged?|ages)\s+(?:of\s+)?(?:under\s+|between\s+|at least\s+)?\d{1,2}(?!\.\d|\d)"
        r"(?:\s*(?:-|–|to|and)\s*\d{1,2}(?:½)?(?!\.\d|\d)(?!\s*(?:per|%)))?"
        r"(?:\s*(?:,|and)\s*\d{1,2}(?!\.\d|\d)(?!\s*(?:per|%)))*(?:½)?"
        r"|\b\d{1,2}(?:\s*(?:-|–|to)\s*\d{1,2})?[- ]years?[- ]olds?"
        r"|\b\d{1,2}\s*(?:-|–|to)\s*\d{1,2}[- ]year\b"
        r"|\b(?:under|over)[- ]\d{1,2}s?(?=[- ](?:year|\w+-year))|\bunder[- ]1[0-9]s?\b|\b(?:post|pre)-\d{1,2}\b"
        r"|\b\d{1,2}\s+(?:or|and)\s+over\b|\b\d{1,2}-\d{1,2}-year-olds?|\b\d{1,2}-\d{1,2}\b(?=\s+year)"
        r"|\b(?:0|[1-9]|1[0-8])\s*(?:-|–)\s*(?:[1-9]|1[0-8])\b(?=\s*(?:\t|$))", re.I)),
    ("out-of", re.compile(r"\b\d+\s+out\s+of\s+(?:the\s+)?(?:past\s+|preceding\s+)?\d+\b", re.I)),
    ("duration", re.compile(
        r"(?<![\d.,])\d+(?:\.\d+)?\s*(?:-\s*)?(?:weeks?|months?|years?|days?|hours?|minutes?|"
        r"decades?)\b(?!\s+old)", re.I)),
    ("confidence", re.compile(r"\b\d+\s*per cent confidence", re.I)),
    ("ordinal", re.compile(r"\b\d+(?:st|nd|rd|th)\b")),
    ("paragraph", re.compile(
        r"^\s*(?:[-•]\s*)?\d{1,3}\.(?=\s)|^\s*\*{0,2}(?:[A-Z]\.)?\d+\.\d+\*{0,2}(?=\s)"
        r"|^\s*[A-Z]\.\d+(?=\s)|\*\*\d+\.\d+\*\*|^\s*\d{1,2}\.(?=\t)"
        r"|(?:(?<=[.)]\s)|(?<=\t)|(?<=\t\s))\d{1,2}\.(?=\s+[A-Z])")),
    ("footnote", re.compile(rf"^\s*[{SUPERSCRIPTS}]+|[{SUPERSCRIPTS}]+|^\s*\d{{1,2}}(?=\s*(?:https?|www|[A-Z]))")),
]  # fmt: skip

# The characters each label's matches start with (see periods.FIRST: a look-ahead for them lets
# the engine skip to the places a match can start; `\A|...` for patterns anchored at the start).
LABEL_FIRST = {
    "long-number": r"\d", "phone": "0", "id": r"[IP\d]", "command-paper": "C",
    "reference": r"[KICTFAPNWwGgLlRpSsEVvBO]", "statute": r"[S\d\s(]", "age": r"[\dauop]",
    "out-of": r"\d", "duration": r"\d", "confidence": r"\d", "ordinal": r"\d",
    "paragraph": r"(?:\A|(?=[*\d]))", "footnote": rf"(?:\A|(?=[{SUPERSCRIPTS}]))",
}  # fmt: skip
PLAIN_LABELS = dict(LABELS)  # as written: tests/figures/test_properties.py checks the same matches
LABELS = [(kind, led_by(LABEL_FIRST[kind], pat) if kind in LABEL_FIRST else pat) for kind, pat in LABELS]

QUALIFIER_WORDS = sorted(load_quantifiers().qualifiers, key=len, reverse=True)
QUALIFIER_RE = re.compile(
    r"(?:^|[\s(—–-])(" + "|".join(re.escape(w) for w in QUALIFIER_WORDS) + r")\s+(?:a\s+|£\s?)?$",
    re.I,
)

INCREASE = r"increase[sd]?|rise|rising|rose|risen|up|higher|grew|growth|gain|larger|more"
DECREASE = (r"decrease[sd]?|fall|fell|fallen|down|lower|drop(?:ped)?|decline[sd]?|reduction|"
            r"reduced|smaller|fewer|less")  # fmt: skip
CHANGE_BEFORE = re.compile(
    rf"\b({INCREASE}|{DECREASE})(?:\s+(?:of|by))?\s+(?:just\s+|some\s+|around\s+|about\s+)?$", re.I
)
CHANGE_AFTER = re.compile(rf"^\s*(?:point\s+|points\s+)?({INCREASE}|{DECREASE})\b", re.I)
BASE_CUE = re.compile(
    r"\b(since|compared (?:to|with)|in relation to|relative to|than (?:in|for)|from)\s+", re.I
)
FROM_TO = re.compile(rf"^\s*(?:\w+\s+){{0,3}}?from\s+({NUM})\s+to\s+({NUM})", re.I)


# Literal text a match needs, checked before a pattern runs: a line without it cannot match, so
# the pattern is skipped (most lines hold few of these; most of the lexer's time was patterns
# scanning lines they could never match). Each entry is a list of groups, every group needing one
# of its strings in the case-folded line; DIGIT stands for any decimal digit. A kind not listed
# always runs. tests/figures/test_lexer_properties.py checks each entry against its pattern.
DIGIT = "\\d"
NEEDS: dict[str, tuple[tuple[str, ...], ...]] = {
    "url": (("http", "www.", "](", "@"),),
    "footnote-ref": ((DIGIT,), ("<sup>",)),
    "markup": (("sup>", "**", "\\_"),),
    "long-number": ((DIGIT,),),
    "isbn": (("isbn",),),
    "command-paper": ((DIGIT,), ("cm",)),
    "phone": ((DIGIT,),), "id": ((DIGIT,),), "reference": ((DIGIT,),),
    "statute": ((DIGIT, "("), ("s.", "sec", ":", "(")),
    "code": ((DIGIT,),), "age": ((DIGIT,), ("age", "year", "under", "over", "post-", "pre-", "-", "–")),
    "out-of": ((DIGIT,), ("out",)), "duration": ((DIGIT,),),
    "confidence": ((DIGIT,), ("confidence",)), "ordinal": ((DIGIT,),), "paragraph": ((DIGIT,),),
    "footnote": ((DIGIT, *SUPERSCRIPTS),),
    "range": ((DIGIT,), ("per", "%")), "pp": ((DIGIT,), ("percentage",)), "percent": ((DIGIT,), ("per", "%")),
    "money": (("£",),), "scaled": (("million", "billion", "thousand"),), "number": ((DIGIT,),),
    "one-in": ((DIGIT, *WORD_NUMBERS), ("in",)),
}  # fmt: skip
# Beyond NEEDS, a pattern on the case-folded line that every match needs, for a pattern whose NEEDS
# most lines meet ("in" and a number: nearly every line) but that rarely matches.
GATES: dict[str, re.Pattern[str]] = {
    "one-in": re.compile(rf"in\s+(?:\d|{WORDNUM})"),
}
_HAS_DIGIT = re.compile(r"\d")
_FOLD = str.maketrans({"İ": "i", "ı": "i", "K": "k", "ſ": "s"})  # what re.I matches to ASCII letters


# NEEDS as (does a digit do, the strings that do) per group: asked ~30 times a line
_GROUPS = {kind: tuple((DIGIT in g, tuple(x for x in g if x != DIGIT)) for g in groups)
           for kind, groups in NEEDS.items()}  # fmt: skip


class _Needs:
    """The features of one line that NEEDS asks about, computed once."""

    def __init__(self, line: str) -> None:
        self.low = (line if line.isascii() else line.translate(_FOLD)).lower()
        self.digit = _HAS_DIGIT.search(line) is not None

    def met(self, kind: str) -> bool:
        low = self.low
        for digit, words in _GROUPS.get(kind, ()):
            if not (digit and self.digit):
                for w in words:
                    if w in low:
                        break
                else:
                    return False
        gate = GATES.get(kind)
        return gate is None or gate.search(low) is not None

    def any_word(self, words: tuple[str, ...]) -> bool:
        return any(w in self.low for w in words)


def _needed_words(phrases: list[str]) -> tuple[str, ...]:
    """For phrases matched case-insensitively, text one of which every match contains: the phrases
    themselves, case-folded, leaving out each that contains another ('a half' holds 'half'). Not
    just a word of each: 'one in ten' would let through every line with 'one', 'someone', 'money'."""
    low = {p.lower() for p in phrases}
    return tuple(sorted(w for w in low if not any(o != w and o in w for o in low)))


@dataclass
class Token:
    start: int
    end: int
    kind: str  # label kind, or figure kind
    text: str


def mask_labels(line: str) -> tuple[str, list[Token]]:
    """Replace label spans by spaces (same length) and return them as tokens."""
    chars = list(line)
    labels: list[Token] = []

    def take(start: int, end: int, kind: str) -> None:
        labels.append(Token(start, end, kind, line[start:end]))
        chars[start:end] = [" "] * (end - start)

    needs = _Needs(line)
    for kind, pat in LABELS[:3]:
        if not needs.met(kind):
            continue
        for m in pat.finditer("".join(chars)):
            take(m.start(), m.end(), kind)
    masked = "".join(chars)
    # periods before the other labels: '2007–08' must not become 2007 and 08
    for p in find_periods(masked):
        # a "year" match inside a count like "2,000" is excluded by the period patterns
        take(p.start, p.end, "period")
    masked = "".join(chars)
    for kind, pat in LABELS[3:]:
        if not needs.met(kind):
            continue
        hit = False
        for m in pat.finditer(masked):
            if m.end() > m.start():
                take(m.start(), m.end(), kind)
                hit = True
        if hit:
            masked = "".join(chars)
    return masked, labels


_FRACTIONS = load_quantifiers().fractions
_RATIOS = load_quantifiers().ratios
FRACTION_RE = re.compile(
    r"\b(" + "|".join(re.escape(w) for w in sorted(_FRACTIONS, key=len, reverse=True)) + r")\b",
    re.I,
)
RATIO_RE = re.compile(
    r"\b(" + "|".join(re.escape(w) for w in sorted(_RATIOS, key=len, reverse=True)) + r")\s+as\b",
    re.I,
)

_FRACTION_WORDS = _needed_words(list(_FRACTIONS))
_RATIO_WORDS = _needed_words(list(_RATIOS))

FIGURE_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("range", re.compile(rf"(?:between\s+)?(?<![\d.,])({NUM})\s*(?:-|–|to|and)\s*({NUM})\s*{PCT}", re.I)),
    ("pp", re.compile(rf"(?<![\d.,])({NUM})\s*(?:-\s*)?percentage[- ]points?", re.I)),
    ("percent", re.compile(rf"(?<![\d.,])({NUM})\s*{PCT}", re.I)),
    ("money", re.compile(rf"£\s?({NUM}|{WORDNUM})\s*(million|billion|bn|m|k)?\b", re.I)),
    ("scaled", re.compile(rf"(?<![\d.,])\b({NUM}|{WORDNUM})\s+(million|billion|thousand)\b", re.I)),
    ("one-in", re.compile(rf"\b((?<![\d.,]){NUM}|{WORDNUM})\s+in\s+(\d{{1,3}}|{WORDNUM})\b(?!\s*(?:per|%))", re.I)),
    ("number", re.compile(rf"(?<![\d.,\w£])({NUM})(?![\d\w]|\.\d)")),  # not the 7 of 7.57m
]  # fmt: skip


_WORDNUM_FIRST = "".join(sorted({w[0] for w in WORD_NUMBERS}))
FIGURE_FIRST = {"range": r"[b\d]", "pp": r"\d", "percent": r"\d", "scaled": rf"[\d{_WORDNUM_FIRST}]",
                "one-in": rf"[\d{_WORDNUM_FIRST}]", "number": r"\d"}  # fmt: skip
PLAIN_FIGURES = dict(FIGURE_PATTERNS)
FIGURE_PATTERNS = [(kind, led_by(FIGURE_FIRST[kind], pat) if kind in FIGURE_FIRST else pat)
                   for kind, pat in FIGURE_PATTERNS]  # fmt: skip


def _qualifier(line: str, end: int) -> str | None:
    """The qualifier ('around', 'more than') printed just before a figure that starts at `end`,
    read from the 30 characters before it. QUALIFIER_RE ends with whitespace or '£' after a word
    (or 'c.'): text that does not is not searched (most figures)."""
    before = line[max(0, end - 30) : end]
    if not before or not (before[-1].isspace() or before[-1] == "£"):
        return None
    t = before.rstrip()
    if not t or not (t[-1].isalpha() or t[-1] in ".£"):
        return None
    m = QUALIFIER_RE.search(before)
    return m.group(1).lower() if m else None


def _num_or_word(s: str) -> tuple[float, int]:
    w = WORD_NUMBERS.get(s.lower())
    if w is not None:
        return float(w), 0
    return parse_number(s)


def lex_line(line: str, document: str, lineno: int, *, quote: str | None = None,
             offset: int = 0) -> tuple[list[Figure], list[Token]]:  # fmt: skip
    """All figures in one line of prose (or one table cell when offset is given)."""
    masked, labels = mask_labels(line)
    figures: list[Figure] = []
    taken = [False] * (len(masked) + 1)
    loc = Location(document, lineno, (quote if quote is not None else line).strip())

    def free(a: int, b: int) -> bool:
        return not any(taken[a:b])

    def claim(a: int, b: int) -> None:
        taken[a:b] = [True] * (b - a)

    needs = _Needs(masked)
    for kind, pat in FIGURE_PATTERNS:
        if not needs.met(kind):
            continue
        for m in pat.finditer(masked):
            a, b = m.start(), m.end()
            if not free(a, b):
                continue
            fig = _make(kind, m, line, loc, a + offset, b + offset)
            if fig is None:
                continue
            claim(a, b)
            figures.append(fig)
    for m in FRACTION_RE.finditer(masked) if needs.any_word(_FRACTION_WORDS) else ():
        if not free(m.start(), m.end()):
            continue
        word = m.group(1).lower()
        # "half" inside "on behalf", "a third party": require a quantity reading
        after = masked[m.end() : m.end() + 12].lower()
        if word in ("a third",) and after.startswith(" party"):
            continue
        if re.match(r"\s*(of|\(|have|had|are|were|go|will|spent|is|[,.;])", after) is None:
            if not re.match(r"\s+(of|\()", after):
                continue
        q = _qualifier(line, m.start())
        exact = _FRACTIONS[word]
        figures.append(built(Figure,
            value=exact, unit="percent", precision=0.0, interval=verbal_interval(exact, q),
            text=line[m.start() : m.end()], location=loc, qualifier=q, kind="verbal",
            span=(m.start() + offset, m.end() + offset),
        ))  # fmt: skip
        claim(m.start(), m.end())
    for m in RATIO_RE.finditer(masked) if needs.any_word(_RATIO_WORDS) else ():
        if not free(m.start(), m.end()):
            continue
        word = m.group(1).lower()
        q = _qualifier(line, m.start())
        exact = _RATIOS[word]
        figures.append(built(Figure,
            value=exact, unit="ratio", precision=0.0,
            interval=verbal_interval(exact, q, ratio=True), text=line[m.start() : m.end()],
            location=loc, qualifier=q, kind="ratio", span=(m.start() + offset, m.end() + offset),
        ))  # fmt: skip
        claim(m.start(), m.end())
    figures.sort(key=lambda f: f.span[0])
    return [_with_change(f, line, offset) for f in figures], labels


def _make(kind: str, m: re.Match[str], line: str, loc: Location, a: int, b: int) -> Figure | None:
    text = line[m.start() : m.end()]
    q = _qualifier(line, m.start())
    if kind == "range":
        lo, d1 = parse_number(m.group(1))
        hi, d2 = parse_number(m.group(2))
        if hi <= lo:
            return None
        step = decimals_step(max(d1, d2))
        return built(Figure,
            value=hi - lo, unit="percent", precision=step,
            interval=Interval(lo - step / 2, hi + step / 2), text=text, location=loc,
            qualifier=q, kind="range", low=lo, high=hi, span=(a, b),
        )  # fmt: skip
    if kind in ("percent", "pp"):
        v, d = parse_number(m.group(1))
        step = decimals_step(d)
        unit = "percent" if kind == "percent" else "percentage_points"
        iv = qualify(rounding_interval(v, step), v, q, unit)
        return built(Figure, value=v, unit=unit, precision=step, interval=iv, text=text, location=loc,
                      qualifier=q, kind="number" if kind == "percent" else "change",
                      span=(a, b))  # fmt: skip
    if kind in ("money", "scaled"):
        digits = m.group(1)
        scale_word = (m.group(2) or "").lower()
        scale = SCALES.get(scale_word, 1)
        base, _ = _num_or_word(digits)
        v = base * scale
        step = count_step(digits if digits[0].isdigit() else str(int(base)), scale)
        if kind == "money" and scale == 1 and re.fullmatch(r"[\d,]+\.\d*0", digits):
            # pounds and pence are written with two decimals: '£14.50' may be rounded to 10p
            pence = digits.split(".", 1)[1].rstrip("0")
            step = 10.0 ** -len(pence)
        iv = qualify(count_interval(v, step) if step >= 1 else rounding_interval(v, step), v, q, "count")
        iv = Interval(max(iv.lo, 0.0), iv.hi)
        unit = "GBP" if kind == "money" else "count"
        return built(Figure, value=v, unit=unit, precision=step, interval=iv, text=text, location=loc,
                      qualifier=q, kind="number", span=(a, b))  # fmt: skip
    if kind == "one-in":
        n, _ = _num_or_word(m.group(1))
        d, _ = _num_or_word(m.group(2))
        if d <= n or d == 0 or n == 0:
            return None
        exact = 100.0 * n / d
        lo = 100.0 * n / (d + 0.5)
        hi = 100.0 * n / (d - 0.5)
        # the wider of: what rounds to '1 in d', and the verbal tolerance (quantifiers.toml)
        v_iv = verbal_interval(exact, q)
        iv = Interval(min(lo, v_iv.lo), max(hi, v_iv.hi))
        return built(Figure, value=round(exact, 3), unit="percent", precision=0.0, interval=iv,
                      text=text, location=loc, qualifier=q, kind="verbal", span=(a, b))  # fmt: skip
    if kind == "number":
        digits = m.group(1)
        v, d = parse_number(digits)
        after = line[m.end() : m.end() + 3]
        if after.startswith(("st", "nd", "rd", "th")):
            return None
        if d:
            step = decimals_step(d)
            return built(Figure, value=v, unit="number", precision=step,
                          interval=qualify(rounding_interval(v, step), v, q, "number"),
                          text=text, location=loc, qualifier=q, span=(a, b))  # fmt: skip
        step = count_step(digits, qualified=q is not None)
        iv = qualify(count_interval(v, step), v, q, "count")
        return built(Figure, value=v, unit="count", precision=step, interval=Interval(max(iv.lo, 0), iv.hi),
                      text=text, location=loc, qualifier=q, span=(a, b))  # fmt: skip
    return None


def _with_change(f: Figure, line: str, offset: int) -> Figure:
    """Mark percentage-point figures and 'a rise of N per cent' as changes, with direction,
    base period and, where printed, the values changed from and to."""
    if f.unit not in ("percent", "percentage_points") or f.kind in ("range", "verbal"):
        return f
    a, b = f.span[0] - offset, f.span[1] - offset
    before = line[max(0, a - 40) : a]
    after = line[b : b + 40]
    direction = None
    mb = CHANGE_BEFORE.search(before)
    ma = CHANGE_AFTER.match(after)
    word = (mb.group(1) if mb else ma.group(1) if ma else "").lower()
    if word:
        direction = 1 if re.fullmatch(INCREASE, word) else -1
    if f.unit == "percent" and direction is None:
        return f
    rest = line[b : b + 120]
    rest = re.split(r"(?<=[.;])\s|\band (?:a|an)\b|,\s*(?:and|but)\b", rest, maxsplit=1)[0]
    base = None
    cue = BASE_CUE.search(rest)
    if cue:
        tail = rest[cue.end() :]
        ps = find_periods(tail)
        if ps and ps[0].start < 5:
            base = ps[0].norm
        elif re.match(r"(the )?previous", tail, re.I):
            base = "previous"
    from_to = FROM_TO.match(rest)
    low = high = None
    step = None
    if from_to:
        low, d1 = parse_number(from_to.group(1))
        high, d2 = parse_number(from_to.group(2))
        step = decimals_step(max(d1, d2))
    return changed(f, kind="change", direction=direction, base_period=base,
                   relative=f.unit == "percent", low=low, high=high, endpoint_step=step)  # fmt: skip
