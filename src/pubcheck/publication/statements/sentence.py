"""A sentence with its figures as a template (figures replaced by placeholders), and the periods it names."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from pubcheck.figures.numbers import (
    SCALES,
    decimals_step,
    parse_number,
    rounding_interval,
)
from pubcheck.figures.periods import find_periods
from pubcheck.model import Figure, Interval
from pubcheck.publication.statements.words import CLAUSE_BREAK, PERIOD_START, RELATIVE_TIME, TIME_NOUN

# --------------------------------------------------------------------------- the sentence


@dataclass
class _Fig:
    fig: Figure
    start: int  # span in the sentence
    end: int
    unit: str  # pp | pct | count | gbp | num | ratio | verbal | range


def _unit(f: Figure) -> str:
    if f.kind == "range":
        return "range"
    if f.kind == "verbal":
        return "verbal"
    if f.kind == "ratio" or f.unit == "ratio":
        return "ratio"
    return {"percentage_points": "pp", "percent": "pct", "count": "count", "GBP": "gbp", "number": "num"}.get(
        f.unit, "num"
    )


def _honest(f: Figure) -> Figure:
    """Money printed in pence is rounded, not exact: £1.44 stands for [1.435, 1.445)."""
    if f.unit == "GBP" and f.precision < 1 and f.interval.width() == 0:
        return replace(f, interval=rounding_interval(f.value, f.precision))
    return f


def _align(sentence: str, figures: list[Figure]) -> list[tuple[Figure, int, int]] | None:
    """Each figure's span within the sentence (the figures' spans are in line coordinates)."""
    figs = sorted(figures, key=lambda f: f.span[0])
    if not figs:
        return []
    first = figs[0]
    cands = [first.span[0] - m.start() for m in re.finditer(re.escape(first.text), sentence)]
    for off in cands:
        if all(sentence[f.span[0] - off : f.span[1] - off] == f.text for f in figs):
            return [(f, f.span[0] - off, f.span[1] - off) for f in figs]
    return None


def _synthetic(f: Figure, digits: str, unit: str, a: int, b: int, off: int, scale: float = 1.0) -> Figure:
    """A figure read from part of another ('18' of '18 to 20 percentage points'), or a bare number
    that takes its unit (and scale) from its pair ('from 28 to 24 percentage points', 'from 2.1 to
    2.2 million')."""
    value, d = parse_number(digits)
    step = decimals_step(d) * scale
    value *= scale
    u = {"pp": "percentage_points", "pct": "percent", "gbp": "GBP", "count": "count", "num": "number"}[unit]
    iv = rounding_interval(value, step)
    if unit == "count" and step == 1:
        iv = Interval(value, value)
    return replace(
        f,
        value=value,
        unit=u,
        precision=step,
        interval=iv,
        text=digits,
        kind="number",
        low=None,
        high=None,
        direction=None,
        span=(a + off, b + off),
    )


def _scale(text: str) -> float:
    """1,000,000 for '2.2 million' or '£1.5m', 1 for a bare number."""
    m = re.search(r"\d\s*(million|billion|thousand|bn|m|k)\b", text, re.I)
    return float(SCALES[m.group(1).lower()]) if m else 1.0


class _S:
    """A sentence with its figures as tokens ⟨i⟩ in a template, for the statement patterns."""

    def __init__(self, text: str, aligned: list[tuple[Figure, int, int]]) -> None:
        self.text = text
        self.figs: list[_Fig] = []
        for f, a, b in aligned:
            f = _honest(f)
            u = _unit(f)
            off = f.span[0] - a
            if u == "range" and re.search(r"\bfrom\s+$", text[:a]):
                # 'went up from 18 to 20 percentage points': two figures, the points unit after
                m = re.match(rf"\s*({_NUM})\s*(?:-|–|to)\s*({_NUM})", text[a:b])
                if m:
                    tail = re.match(r"age[- ]points?", text[b:])
                    unit = "pp" if tail else "pct"
                    end2 = b + (tail.end() if tail else 0)
                    s1, e1 = a + m.start(1), a + m.end(1)
                    s2 = a + m.start(2)
                    self.figs.append(_Fig(_synthetic(f, m.group(1), unit, s1, e1, off), s1, e1, unit))
                    self.figs.append(
                        _Fig(
                            replace(_synthetic(f, m.group(2), unit, s2, end2, off), text=text[s2:end2]), s2, end2, unit
                        )
                    )
                    continue
            b -= len(text[a:b]) - len(text[a:b].rstrip())  # '£50 ' -> '£50'
            self.figs.append(_Fig(f, a, b, u))
        parts, prev = [], 0
        self.tpos: list[int] = []
        length = 0
        for i, g in enumerate(self.figs):
            chunk = text[prev : g.start]
            parts.append(chunk)
            length += len(chunk)
            self.tpos.append(length)
            tok = f"⟨{i}⟩"
            parts.append(tok)
            length += len(tok)
            prev = g.end
        parts.append(text[prev:])
        self.tpl = "".join(parts)
        self.breaks = [(m.start(), m.end()) for m in CLAUSE_BREAK.finditer(self.tpl)]

    def clause(self, pos: int) -> tuple[int, int]:
        """The clause around template position `pos`: from the end of the break before it ('; ',
        ', but ') to the start of the break after it."""
        lo = max([e for _, e in self.breaks if e <= pos], default=0)
        hi = min([b for b, _ in self.breaks if b >= pos], default=len(self.tpl))
        return lo, hi

    def same_clause(self, a: int, b: int) -> bool:
        return self.clause(a) == self.clause(b)

    def at(self, i: int) -> int:
        return self.tpos[i]

    def end_of(self, i: int) -> int:
        return self.tpos[i] + len(f"⟨{i}⟩")

    def paren_depth_words(self, pos: int) -> bool:
        """True when template position `pos` lies inside a parenthesis that holds words (an aside),
        not one that holds only a figure ('(28.1%)')."""
        opened = self.tpl.rfind("(", 0, pos)
        if opened < 0 or self.tpl.rfind(")", 0, pos) > opened:
            return False
        close = self.tpl.find(")", pos)
        inner = self.tpl[opened + 1 : close if close >= 0 else len(self.tpl)]
        return bool(re.search(r"[A-Za-z]{2,}", re.sub(r"⟨\d+⟩", "", inner)))


_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"


# --------------------------------------------------------------------------- periods


def _period_after(tail: str) -> str | None:
    """'in 2019', 'in the 3 years to 2016', 'in 2018 to 2019' right after a figure."""
    m = re.match(r"\s*\)?\s*((?:in|for|during|at|as\s+at|by)\s+[^⟨()\[\];,]{0,50})", tail, re.I)
    if not m:
        return None
    phrase = m.group(1)
    ps = find_periods(phrase)
    if (
        ps
        and ps[0].start < 30
        and not re.search(r"\b(?:compared|than|since|from|with|relative|against)\b", phrase[: ps[0].start], re.I)
    ):
        last = ps[0]
        for p in ps[1:]:
            if p.start - last.end <= 4:  # '2018 to 2019' read as two years
                last = p
        cut = phrase[: last.end]
        cut = re.split(r"\s+(?:to|and)\s+⟨", cut)[0]
        return cut.strip()
    return None


def _start_period(text: str) -> str | None:
    """'from a year earlier', 'since the same quarter in 2018', 'compared to 2014', 'than in 2019',
    'on 2013/14', 'over the past year': where a change is measured from, as printed."""
    for m in PERIOD_START.finditer(text):
        phrase = m.group(2).strip()
        phrase = re.split(
            r"\s+(?:and|with|according|which|where|because|as|but|while|for(?!\s+\d))\b"
            r"|\s+the\s+(?:largest|lowest|highest|biggest|smallest)\b",
            phrase,
        )[0]
        phrase = re.split(r"(?<!\d)\s+to\b(?!\s*\d)", phrase)[0].strip()
        phrase = f"{m.group(1)} {phrase}"
        if re.match(r"(?:from|than|on|over)\s+(?:the\s+)?(?:figure|those|that|them)\b", phrase, re.I):
            continue
        ps = find_periods(phrase)
        if ps:
            return phrase[: ps[-1].end].strip()
        nouns = list(re.finditer(rf"\b(?:{TIME_NOUN})s?\b(?:\s+(?:earlier|ago|before|previously))?", phrase, re.I))
        if nouns and (RELATIVE_TIME.search(phrase) or re.match(r"(?:over|on)\s+the\s+\w+$", phrase, re.I)):
            return phrase[: nouns[-1].end()]  # 'on previous 12 months' of '... months Crime recorded by
    return None


def _lead_period(s: _S) -> str | None:
    """'In 2020, ...', 'In the 3 years to 2024, ...': the period a sentence opens with."""
    m = re.match(r"\s*[*•-]?\s*((?:In|By|For|During|At)\s+[^⟨,;]{0,60}?),", s.tpl)
    if m and find_periods(m.group(1)):
        return m.group(1).strip()
    return None


def _between_periods(text: str) -> tuple[str, str] | None:
    """'Between the 3 years to 2016 and the 3 years to 2024, ...' -> both periods."""
    m = re.search(r"\bBetween\s+([^⟨,;]{2,50}?)\s+and\s+([^⟨,;]{2,50}?),", text, re.I)
    if m and find_periods(m.group(1)) and find_periods(m.group(2)):
        return m.group(1).strip(), m.group(2).strip()
    return None
