"""Periods as printed ('2007–08', 'April 2010 - March 2011', '2009 2012') and their
normal form, so that the same period quoted differently is recognised as the same.

Normal forms:
- 'YYYY' a calendar year (also 'January - December YYYY');
- 'YYYY-YY' a span of academic/financial years ('2011-2012' -> '2011-12');
- 'YYYY-MM/YYYY-MM' a span of months ('April 2010 - March 2011' -> '2010-04/2011-03');
- 'YYYY-MM-DD' a reference date ('31st March 2012');
- 'YYYY-Mmm' a month ('March 2012' -> '2012-M03').
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august",
     "september", "october", "november", "december"], start=1)}  # fmt: skip
MONTHS.update({k[:3]: v for k, v in list(MONTHS.items())})
MONTHS["sept"] = 9

_MON = r"(Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"  # noqa: E501
_YEAR = r"((?:19|20)\d{2})"
_DASH = r"\s*(?:-|–|—|to|until|and)\s*"
_ORD = r"(\d{1,2})(?:st|nd|rd|th)?"

PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("month-span", re.compile(rf"\b(?:between\s+)?{_MON}\s+{_YEAR}{_DASH}{_MON}\s+{_YEAR}\b", re.I)),
    ("month-span-same", re.compile(rf"\b{_MON}{_DASH}{_MON}\s+{_YEAR}\b", re.I)),
    ("date", re.compile(rf"\b{_ORD}\s+{_MON}\s+{_YEAR}\b", re.I)),
    ("date-us", re.compile(rf"\b{_MON}\s+{_ORD},?\s+{_YEAR}\b", re.I)),
    ("month", re.compile(rf"\b{_MON}\s+{_YEAR}\b", re.I)),
    ("year-span", re.compile(rf"\b(?:between\s+)?{_YEAR}(?:\s*(?:-|–|—|/|to|and)\s*((?:19|20)?\d{{2}})|\s+((?:19|20)\d{{2}}))(?!\d|[,.]\d)", re.I)),  # noqa: E501
    ("year", re.compile(rf"(?<![\d,.£$-]){_YEAR}(?!\d|[,.]\d|%|\s*per)")),
]  # fmt: skip


_YEARISH = re.compile(r"(?:19|20)\d\d")  # what _YEAR needs, found fast (a charset prefix)
_ALL_HOLD_A_YEAR = all(_YEAR in p.pattern for _, p in PATTERNS)


@dataclass(frozen=True)
class PeriodMatch:
    start: int
    end: int
    text: str
    norm: str


def _month(s: str) -> int:
    return MONTHS[s.lower()[:4].rstrip("t")] if s.lower()[:4] == "sept" else MONTHS[s.lower()[:3]]


def _norm(kind: str, g: tuple[str, ...]) -> str | None:
    if kind == "month-span":
        m1, y1, m2, y2 = _month(g[0]), int(g[1]), _month(g[2]), int(g[3])
        if m1 == 1 and m2 == 12 and y1 == y2:
            return f"{y1}"
        return f"{y1}-{m1:02d}/{y2}-{m2:02d}"
    if kind == "month-span-same":
        m1, m2, y = _month(g[0]), _month(g[1]), int(g[2])
        if m1 == 1 and m2 == 12:
            return f"{y}"
        return f"{y}-{m1:02d}/{y}-{m2:02d}"
    if kind == "date":
        return f"{int(g[2])}-{_month(g[1]):02d}-{int(g[0]):02d}"
    if kind == "date-us":
        return f"{int(g[2])}-{_month(g[0]):02d}-{int(g[1]):02d}"
    if kind == "month":
        return f"{int(g[1])}-M{_month(g[0]):02d}"
    if kind == "year-span":
        y1 = int(g[0])
        e = g[1] or g[2]
        y2 = int(e) if len(e) == 4 else (y1 // 100) * 100 + int(e)
        if len(e) == 2 and y2 < y1:  # '1999-00'
            y2 += 100
        if y2 < y1 or y2 - y1 > 10:
            return None
        return f"{y1}-{y2 % 100:02d}"
    if kind == "year":
        return g[0]
    return None


def find_periods(text: str) -> list[PeriodMatch]:
    """All period mentions in `text`, longest first where they overlap."""
    if _ALL_HOLD_A_YEAR and _YEARISH.search(text) is None:  # no year, no period: skip the patterns
        return []
    found: list[PeriodMatch] = []
    taken = [False] * (len(text) + 1)
    for kind, pat in PATTERNS:
        for m in pat.finditer(text):
            if any(taken[m.start() : m.end()]):
                continue
            norm = _norm(kind, m.groups())
            if norm is None:
                continue
            found.append(PeriodMatch(m.start(), m.end(), m.group(0), norm))
            taken[m.start() : m.end()] = [True] * (m.end() - m.start())
    return sorted(found, key=lambda p: p.start)


def normalise(text: str) -> str | None:
    ps = find_periods(text)
    return ps[0].norm if len(ps) == 1 else None


def period_sort_key(norm: str) -> tuple[int, int]:
    """Order periods by their end: '2010-04/2011-03' is later than '2010'."""
    m = re.match(r"(\d{4})-(\d{2})/(\d{4})-(\d{2})$", norm)
    if m:
        return (int(m.group(3)), int(m.group(4)))
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})$", norm)
    if m:
        return (int(m.group(1)), int(m.group(2)))
    m = re.match(r"(\d{4})-M(\d{2})$", norm)
    if m:
        return (int(m.group(1)), int(m.group(2)))
    m = re.match(r"(\d{4})-(\d{2})$", norm)
    if m:
        y1 = int(m.group(1))
        y2 = (y1 // 100) * 100 + int(m.group(2))
        if y2 < y1:  # '1999-00'
            y2 += 100
        if y2 - y1 <= 10:  # span of years ending in spring of y2
            return (y2, 3)
        return (y1, int(m.group(2)))
    m = re.match(r"(\d{4})$", norm)
    if m:
        return (int(m.group(1)), 12)
    return (0, 0)
