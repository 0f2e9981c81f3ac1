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
from functools import lru_cache

MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august",
     "september", "october", "november", "december"], start=1)}  # fmt: skip
MONTHS.update({k[:3]: v for k, v in list(MONTHS.items())})
MONTHS["sept"] = 9

_MON = r"(Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"  # noqa: E501
_YEAR = r"((?:19|20)\d{2})"
_DASH = r"\s*(?:-|–|—|to|until|and)\s*"
_ORD = r"(\d{1,2})(?:st|nd|rd|th)?"

_COUNT = r"(\d{1,2}|two|three|four|five|six|seven|eight|nine|ten)"
_NUMWORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
             "ten": 10}  # fmt: skip

PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    # 'the 3 years to 2016', 'the 3-year period to 2024', '7 school years ending in July 2019'
    ("window", re.compile(
        rf"\b(?:the\s+)?{_COUNT}[- ](?:(school|financial|academic)[- ]|calendar[- ])?years?(?:[- ]period)?"
        rf"\s+(?:to|ending(?:\s+in)?|up\s+to)\s+(?:(?:the\s+)?end\s+of\s+)?(?:{_MON}\s+)?{_YEAR}\b", re.I)),
    # 'financial year ending (FYE) 2020', 'FYE 2020', 'year ending March 2020'
    ("year-ending", re.compile(
        rf"\b(?:(?:financial\s+)?year\s+ending\s+(?:\(FYE\)\s+)?(?:{_MON}\s+)?|FYE\s+){_YEAR}\b", re.I)),
    ("month-span", re.compile(rf"\b(?:between\s+)?{_MON}\s+{_YEAR}{_DASH}{_MON}\s+{_YEAR}\b", re.I)),
    ("month-span-same", re.compile(rf"\b{_MON}{_DASH}{_MON}\s+{_YEAR}\b", re.I)),
    ("date", re.compile(rf"\b{_ORD}\s+{_MON}\s+{_YEAR}\b", re.I)),
    ("date-us", re.compile(rf"\b{_MON}\s+{_ORD},?\s+{_YEAR}\b", re.I)),
    ("month", re.compile(rf"\b{_MON}\s+{_YEAR}\b", re.I)),
    ("year-span", re.compile(rf"\b(?:between\s+)?{_YEAR}(?:\s*(?:-|–|—|/|to|and)\s*((?:19|20)?\d{{2}})|\s+((?:19|20)\d{{2}}))(?!\d|[,.]\d)", re.I)),  # noqa: E501
    ("year", re.compile(rf"(?<![\d,.£$-]){_YEAR}(?!\d|[,.]\d|%|\s*per)")),
]  # fmt: skip


# The characters a match of each pattern can start with (case-insensitive patterns: lower case
# stands for both). Python's engine tries a pattern at every position of a line; one that opens
# with a word boundary, a look-behind or an optional word gets no fast scan to its possible
# starts, and a look-ahead for them restores it (the nine patterns took twice as long without).
# tests/figures/test_properties.py checks each against its pattern: the same matches, always.
FIRST = {"window": r"[\dtnfsoe]", "year-ending": r"[yf]", "month-span": r"[bjfmasond]",
         "month-span-same": r"[jfmasond]", "date": r"\d", "date-us": r"[jfmasond]", "month": r"[jfmasond]",
         "year-span": r"[b12]", "year": r"[12]"}  # fmt: skip
PLAIN = dict(PATTERNS)  # as written, for that test


def led_by(first: str, pattern: re.Pattern[str]) -> re.Pattern[str]:
    """`pattern` behind a look-ahead for `first`, the characters (a class, or `\\A|(?=...)`
    alternatives) that every match of it starts with: the same matches, found faster."""
    return re.compile(f"(?={first})(?:{pattern.pattern})" if not first.startswith("(?")
                      else f"{first}(?:{pattern.pattern})", pattern.flags)  # fmt: skip


PATTERNS = [(kind, led_by(FIRST[kind], pat) if kind in FIRST else pat) for kind, pat in PATTERNS]

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
    if kind == "window":
        n = int(g[0]) if g[0].isdigit() else _NUMWORDS[g[0].lower()]
        y = int(g[3])
        if not 2 <= n <= 10:
            return None
        start = y - n + 1
        if g[1]:  # n school/financial years ending in July 2019: the first began in 2012
            start = y - n
        return f"{start}-{y % 100:02d}"
    if kind == "year-ending":
        y = int(g[1])
        mon = _month(g[0]) if g[0] else 3
        if mon == 12:
            return f"{y}"
        return f"{y - 1}-{mon % 12 + 1:02d}/{y}-{mon:02d}" if mon != 3 else f"{y - 1}-{y % 100:02d}"
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


# ------------------------------------------------------------------ comparing and moving periods

_FY = re.compile(r"^(\d{4})-(04|09)/(\d{4})-(03|08)$")


def canonical(norm: str) -> str:
    """One spelling per period: a financial year (April to March) or an academic year
    (September to August) printed as months is the year span ('2018-04/2019-03' is
    '2018-19', like '2018 to 2019' and '2018/19')."""
    m = _FY.match(norm)
    if m and int(m.group(3)) == int(m.group(1)) + 1 and (m.group(2), m.group(4)) in (("04", "03"), ("09", "08")):
        return f"{m.group(1)}-{m.group(3)[2:]}"
    return norm


def same_period(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and canonical(a) == canonical(b)


def shift(norm: str, years: int = 0, months: int = 0) -> str | None:
    """The period `years` (and `months`) later: '2019-07/2019-09' -3 months is
    '2019-04/2019-06'; '2018-19' -1 year is '2017-18'; '2022-24' -1 year is '2021-23'."""
    m = re.match(r"(\d{4})-(\d{2})/(\d{4})-(\d{2})$", norm)
    if m:
        a = int(m.group(1)) * 12 + int(m.group(2)) - 1 + years * 12 + months
        b = int(m.group(3)) * 12 + int(m.group(4)) - 1 + years * 12 + months
        return f"{a // 12}-{a % 12 + 1:02d}/{b // 12}-{b % 12 + 1:02d}"
    if months:
        return None  # only spans of months move by months
    m = re.match(r"(\d{4})-(\d{2})$", norm)
    if m:
        y1 = int(m.group(1)) + years
        y2 = (int(m.group(1)) // 100) * 100 + int(m.group(2))
        if y2 < int(m.group(1)):
            y2 += 100
        return f"{y1}-{(y2 + years) % 100:02d}"
    m = re.match(r"(\d{4})(-M\d{2}|-\d{2}-\d{2})?$", norm)
    if m:
        return f"{int(m.group(1)) + years}{m.group(2) or ''}"
    return None


def start_year(norm: str) -> int | None:
    m = re.match(r"(\d{4})", norm)
    return int(m.group(1)) if m else None


def end_year(norm: str) -> int | None:
    k = period_sort_key(norm)
    return k[0] or None


# A period named relative to the publication's own: 'a year earlier', 'the same quarter in
# 2018', 'last quarter', 'over the last 10 years'. Each maps to (kind, years, months).
_N = r"(\d{1,2}|two|three|four|five|six|seven|eight|nine|ten)"
RELATIVE: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\bthe same (?:quarter|period|month|months) (?:in|of) ((?:19|20)\d{2})\b", re.I), "same-in"),
    (re.compile(r"\bthe same (?:quarter|period|month|months) (?:in |of )?(?:the )?"
                r"(?:previous|last|preceding|prior) year\b"
                r"|\bthe same (?:quarter|period|month) (?:a |one )?year (?:earlier|ago|before)\b"
                r"|\bthe same (?:quarter|period|month) last year\b", re.I), "year"),
    (re.compile(r"\b(?:a|one) year (?:earlier|ago|before)\b|\bthe (?:previous|preceding|prior) year(?:['’]s)?\b"
                r"|\blast year\b|\bthe year before\b|\b(?:over|in) the (?:past|last) (?:year|12 months)\b"
                r"|\bover the year\b|\byear[- ]on[- ]year\b", re.I), "year"),
    (re.compile(r"\b(?:the )?(?:last|previous|preceding|prior) quarter\b|\ba quarter (?:earlier|ago|before)\b",
                re.I), "quarter"),
    (re.compile(rf"\b{_N} years? (?:earlier|ago|before)\b", re.I), "years"),
    (re.compile(rf"\b(?:over|in|during) the (?:last|past|previous) {_N} years\b", re.I), "span"),
    (re.compile(r"\b(?:over|in|during) the (?:last|past|previous) decade\b", re.I), "decade"),
]


@dataclass(frozen=True)
class RelativePeriod:
    start: int
    end: int
    text: str
    kind: str  # same-in | year | quarter | years | span | decade
    n: int = 1
    year: int | None = None

    def resolve(self, reference: str | None) -> str | None:
        """The period this phrase names, given the publication's reference period. For
        'over the last N years' it is the start of the span (the end is the reference)."""
        if reference is None:
            return None
        if self.kind == "same-in":
            y = start_year(reference)
            return shift(reference, years=(self.year or 0) - y) if y else None
        if self.kind == "year":
            return shift(reference, years=-1)
        if self.kind == "quarter":
            return shift(reference, months=-3)
        if self.kind in ("years", "span", "decade"):
            return shift(reference, years=-self.n)
        return None


def find_relative(text: str) -> list[RelativePeriod]:
    return list(_relative(text))


@lru_cache(maxsize=2048)
def _relative(text: str) -> tuple[RelativePeriod, ...]:
    """find_relative, once per text: it is asked for every figure of a sentence (a line of 5,000
    figures took 80 s here)."""
    out: list[RelativePeriod] = []
    taken = [False] * (len(text) + 1)
    for pat, kind in RELATIVE:
        for m in pat.finditer(text):
            if any(taken[m.start() : m.end()]):
                continue
            n, year = 1, None
            if kind == "same-in":
                year = int(m.group(1))
            elif kind in ("years", "span"):
                g = m.group(1).lower()
                n = int(g) if g.isdigit() else _NUMWORDS.get(g, 1)
            elif kind == "decade":
                n = 10
            out.append(RelativePeriod(m.start(), m.end(), m.group(0), kind, n, year))
            taken[m.start() : m.end()] = [True] * (m.end() - m.start())
    return tuple(sorted(out, key=lambda r: r.start))


# ------------------------------------------------------------------ the publication's own period

_DATE_LINE = re.compile(
    r"^\s*(?:date|published|publication date|released?|release date|last updated|updated"
    r"|next (?:release|edition|update)|created|modified|contact)\b|\btoday\b|\bpublished\b|\breleased?:",
    re.I,
)
_DEADLINE = re.compile(r"\b(?:by|until|before|target(?:s|ed)? for)\s*(?:the\s+)?(?:end of\s+)?$", re.I)


def _is_window(norm: str) -> bool:
    """A span of several years ('2022-24', '2014-20'), not one financial or academic year."""
    m = re.match(r"(\d{4})-(\d{2})$", norm)
    return bool(m) and (int(m.group(2)) - int(m.group(1)) % 100) % 100 > 1


_BASE_CUE = re.compile(r"(?:since|compared (?:to|with)|than(?: in)?|from|relative to|on)\s*(?:the\s+)?$", re.I)


def reference_period(lines: list[str], heading_lines: int = 8, body_lines: int = 60) -> str | None:
    """The period a publication reports on, from its title or heading ('Proven reoffending
    statistics: July to September 2019', 'Academic Year 2016/17', 'local area statistics
    2014/15 to 2018/19' -> the latest), else from the first sentence that dates a figure
    ('In 2024, 46% of ...'). Publication dates ('Published 7 November 2019', 'date:
    2025-12-18') and comparison bases ('compared to 2019') are not reference periods."""
    seen = 0
    front = bool(lines) and lines[0].strip() == "---"  # markdown front matter: only its title counts
    for i, line in enumerate(lines[:body_lines]):
        t = line.strip()
        if front:
            if i > 0 and t == "---":
                front = False
            elif not t.lower().startswith("title:"):
                continue
        if not t or t == "---":
            continue
        seen += 1
        if _DATE_LINE.search(t):
            continue
        heading = seen <= heading_lines and (len(t) < 120 or t.lower().startswith("title:"))
        ps = [p for p in find_periods(t) if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", p.norm)]
        ps = [p for p in ps if not _BASE_CUE.search(t[max(0, p.start - 20) : p.start])
              and not _DEADLINE.search(t[max(0, p.start - 20) : p.start])]
        if not ps:
            continue
        if heading:
            # 'statistics 2014/15 to 2018/19', 'FYE 2015 to FYE 2020': the series ends in the latest
            return max((p.norm for p in ps), key=period_sort_key)
        if re.search(r"\d", t.replace(ps[0].text, "")):  # a sentence that dates a figure
            single = [p for p in ps if not _is_window(p.norm)]
            return max((p.norm for p in single or ps), key=period_sort_key)
    return None
