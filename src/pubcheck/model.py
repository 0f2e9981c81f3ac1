"""The data that flows through pubcheck: documents -> figures -> findings -> report.

Everything here is plain, frozen data. Rules read figures and yield findings; renderers
read the report. No stage reaches back into an earlier one.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

SEVERITIES = ("error", "warning", "info")
SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}


@dataclass(frozen=True)
class Interval:
    """The values a printed figure may stand for: [lo, hi), half-open as rounding is.

    A printed 39 stands for [38.5, 39.5) and a printed 40 for [39.5, 40.5): the two share
    no value, so they overlap only if one interval reaches strictly into the other.
    """

    lo: float
    hi: float

    def __post_init__(self) -> None:
        if self.lo > self.hi:
            raise ValueError(f"empty interval [{self.lo}, {self.hi}]")

    def overlaps(self, other: Interval, eps: float = 1e-9) -> bool:
        if self.lo == self.hi or other.lo == other.hi:  # a point: closed
            return self.lo <= other.hi + eps and other.lo <= self.hi + eps
        return self.lo < other.hi - eps and other.lo < self.hi - eps

    def contains(self, x: float, eps: float = 1e-9) -> bool:
        return self.lo - eps <= x < self.hi - eps or (self.lo == self.hi and abs(x - self.lo) < eps)

    def __add__(self, other: Interval) -> Interval:
        return Interval(self.lo + other.lo, self.hi + other.hi)

    def __sub__(self, other: Interval) -> Interval:
        return Interval(self.lo - other.hi, self.hi - other.lo)

    def scale(self, k: float) -> Interval:
        a, b = self.lo * k, self.hi * k
        return Interval(min(a, b), max(a, b))

    def ratio(self, other: Interval) -> Interval:
        """self / other for positive intervals."""
        if other.lo <= 0:
            return Interval(-math.inf, math.inf) if other.hi <= 0 else Interval(
                self.lo / other.hi if self.lo >= 0 else -math.inf, math.inf
            )
        cands = [self.lo / other.lo, self.lo / other.hi, self.hi / other.lo, self.hi / other.hi]
        return Interval(min(cands), max(cands))

    def intersect(self, other: Interval) -> Interval | None:
        lo, hi = max(self.lo, other.lo), min(self.hi, other.hi)
        return Interval(lo, hi) if lo <= hi else None

    def width(self) -> float:
        return self.hi - self.lo

    def show(self, digits: int = 3) -> str:
        return f"[{_fmt(self.lo, digits)}, {_fmt(self.hi, digits)})"

    def to_list(self) -> list[float | None]:
        return [None if math.isinf(self.lo) else self.lo, None if math.isinf(self.hi) else self.hi]


def _fmt(x: float, digits: int) -> str:
    if math.isinf(x):
        return "-inf" if x < 0 else "inf"
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    return f"{round(x, digits):g}"


@dataclass(frozen=True)
class Location:
    """Where a figure stands: the document, the line (1-based) and the quoted text."""

    document: str
    line: int
    quote: str
    page: int | None = None
    section: str | None = None
    sheet: str | None = None
    cell: str | None = None
    figure: str | None = None  # the figure as printed, within the quote
    page_line: int | None = None  # PDF: the line on the page (`line` stays the document's line)

    def label(self) -> str:
        if self.page is not None:
            return f"{self.document}:page {self.page}, line {self.page_line or self.line}"
        if self.sheet is not None:
            return f"{self.document}:{self.sheet}!{self.cell}"
        if self.section is not None:
            return f"{self.document}:{self.section}"
        return f"{self.document}:{self.line}"

    def to_dict(self) -> dict[str, Any]:
        d = {k: v for k, v in asdict(self).items() if v is not None}
        if self.page is not None:  # JSON: `line` is the line on the page for PDF
            d["line"] = d.pop("page_line", self.line)
            d["document_line"] = self.line
        return d


@dataclass(frozen=True)
class Key:
    """What a figure measures: indicator, measure, breakdown and period (all optional)."""

    indicator: str | None = None
    measure: str | None = None
    breakdown: tuple[tuple[str, str], ...] = ()
    period: str | None = None

    def breakdown_text(self) -> str:
        return ",".join(f"{k}={v}" for k, v in self.breakdown)

    def with_(self, **changes: Any) -> Key:
        d = {
            "indicator": self.indicator,
            "measure": self.measure,
            "breakdown": self.breakdown,
            "period": self.period,
        }
        d.update(changes)
        return Key(**d)

    def describe(self) -> str:
        parts = [self.indicator or "?"]
        if self.measure:
            parts.append(self.measure)
        if self.breakdown:
            parts.append(self.breakdown_text())
        if self.period:
            parts.append(self.period)
        return " / ".join(parts)


@dataclass(frozen=True)
class Figure:
    """One number as printed, with its meaning and its place.

    value: as printed in its unit (39 per cent is 39; 2.3 million is 2300000).
    precision: the rounding unit as printed (0.1 for 16.8; 1000 for 86,000).
    interval: every value the printed figure may stand for, given rounding and qualifier.
    """

    value: float
    unit: str
    precision: float
    interval: Interval
    text: str
    location: Location
    qualifier: str | None = None
    kind: str = "number"  # number | range | verbal | ratio | change | cell
    key: Key = field(default_factory=Key)
    # For ranges: the two ends; for changes: direction (+1/-1) and base period.
    low: float | None = None
    high: float | None = None
    direction: int | None = None
    base_period: str | None = None
    relative: bool = False  # a change "per cent" of the base, not points
    endpoint_step: float | None = None  # rounding unit of the printed 'from A to B' values
    col_index: int | None = None  # tab-separated cell the figure stands in (0 = first)
    table: str | None = None  # table id when the figure is a table cell
    row: str | None = None
    column: str | None = None
    span: tuple[int, int] = (0, 0)  # character span in the line
    sentence: str = ""
    footnotes: tuple[str, ...] = ()
    controlled: bool = False  # figure adjusted/controlled: not comparable to raw tables

    @property
    def document(self) -> str:
        return self.location.document

    @property
    def line(self) -> int:
        return self.location.line

    def show(self) -> str:
        return self.text.strip()

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "document": self.location.document,
            "line": self.location.line,
            "value": self.value,
            "unit": self.unit,
            "precision": self.precision,
            "qualifier": self.qualifier,
            "quote": self.location.quote,
            "text": self.text,
            "kind": self.kind,
            "interval": self.interval.to_list(),
            "indicator": self.key.indicator,
            "measure": self.key.measure,
            "breakdown": self.key.breakdown_text() or None,
            "period": self.key.period,
        }
        for name in ("page", "section", "sheet", "cell"):
            v = getattr(self.location, name)
            if v is not None:
                d[name] = v
        if self.kind == "range":
            d["low"], d["high"] = self.low, self.high
        if self.kind == "change":
            d["direction"] = self.direction
            d["base_period"] = self.base_period
            d["relative"] = self.relative
        if self.table is not None:
            d["table"], d["row"], d["column"] = self.table, self.row, self.column
        return d


@dataclass(frozen=True)
class Finding:
    """One discrepancy: which rule, how bad, what was expected and found, and where."""

    check: str
    severity: str
    message: str
    expected: str
    found: str
    locations: tuple[Location, ...]
    interval: str | None = None  # the rounding interval(s) used, human readable

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"unknown severity {self.severity!r}")

    def to_dict(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "severity": self.severity,
            "message": self.message,
            "expected": self.expected,
            "found": self.found,
            "interval": self.interval,
            "locations": [loc.to_dict() for loc in self.locations],
        }

    def sort_key(self) -> tuple[Any, ...]:
        first = self.locations[0] if self.locations else Location("", 0, "")
        return (first.document, first.line, -SEVERITY_RANK[self.severity], self.check)


class InputError(Exception):
    """Bad usage or unreadable input: reported with a clear message, exit code 2."""
