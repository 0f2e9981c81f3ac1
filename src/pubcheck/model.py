"""The data that flows through pubcheck: documents -> figures -> findings -> report.

Everything here is plain, frozen data. Rules read figures and yield findings; renderers
read the report. No stage reaches back into an earlier one.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import MISSING, asdict, dataclass, field, fields
from pathlib import PurePath
from typing import Any, TypeVar

_T = TypeVar("_T")

SEVERITIES = ("error", "warning", "info")
SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}


@dataclass(frozen=True, init=False)
class Interval:
    """The values a printed figure may stand for: [lo, hi), half-open as rounding is.

    A printed 39 stands for [38.5, 39.5) and a printed 40 for [39.5, 40.5): the two share
    no value, so they overlap only if one interval reaches strictly into the other.
    """

    lo: float
    hi: float

    def __init__(self, lo: float, hi: float) -> None:
        # made for every figure and table cell: the fields are set as a frozen dataclass's own
        # __init__ sets them, without its object.__setattr__ per field and __post_init__ call
        if lo > hi:
            raise ValueError(f"empty interval [{lo}, {hi}]")
        d = self.__dict__
        d["lo"] = lo
        d["hi"] = hi

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


_DEFAULTS: dict[type, dict[str, Any]] = {}


def _checks_itself(cls: type) -> bool:
    """Not a plain dataclass: its own `__init__` or `__post_init__` checks what it is given
    (Interval: lo <= hi), which built() and changed() would skip."""
    params = getattr(cls, "__dataclass_params__", None)
    return params is None or not params.init or "__post_init__" in vars(cls)


def built(cls: type[_T], /, **values: Any) -> _T:
    """`cls(**values)` for a frozen dataclass without `__post_init__`, at a fraction of the cost:
    a frozen dataclass's `__init__` sets each field through `object.__setattr__`, and a table of
    50,000 rows makes a quarter of a million figures, places and tidy cells. Fields not given take
    their defaults (a `default_factory` is called once per class, so it must make an immutable
    value); unknown names are refused as `__init__` would refuse them."""
    defaults = _DEFAULTS.get(cls)
    if defaults is None:
        if _checks_itself(cls):
            raise TypeError(f"built() is for plain frozen dataclasses, not {cls.__name__}")
        defaults = {}
        for f in fields(cls):  # type: ignore[arg-type]
            if f.default is not MISSING:
                defaults[f.name] = f.default
            elif f.default_factory is not MISSING:
                made = f.default_factory()
                if isinstance(made, (list, dict, set, bytearray)):
                    raise TypeError(f"built(): {cls.__name__}.{f.name} defaults to a mutable value")
                defaults[f.name] = made
        _DEFAULTS[cls] = defaults
    obj = object.__new__(cls)
    d = obj.__dict__
    d.update(defaults)
    d.update(values)
    names = (cls, *values)  # the fields are checked once per class and set of names given
    if names not in _CHECKED:
        if d.keys() != cls.__dataclass_fields__.keys():  # type: ignore[attr-defined]
            raise TypeError(f"built({cls.__name__}): fields {sorted(d.keys() ^ cls.__dataclass_fields__.keys())}")  # type: ignore[attr-defined]
        _CHECKED.add(names)
    return obj


_CHECKED: set[tuple[Any, ...]] = set()


def changed(obj: _T, /, **changes: Any) -> _T:
    """`dataclasses.replace(obj, **changes)` for a frozen dataclass without `__post_init__`, at a
    fraction of the cost (every figure of a sentence is re-made with its key and quote): the
    fields are copied, nothing memoised beside them."""
    cls = type(obj)
    names = cls.__dataclass_fields__  # type: ignore[attr-defined]
    if _checks_itself(cls) or not changes.keys() <= names.keys():
        raise TypeError(f"changed({cls.__name__}): {sorted(changes.keys() - names.keys()) or 'checks its fields'}")
    d = obj.__dict__
    out = object.__new__(cls)
    out.__dict__.update({k: d[k] for k in names}, **changes)
    return out


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
        if self.line <= 0:  # the file as a whole (an extract's column, when one is named)
            return f"{self.document}:{self.cell}" if self.cell else self.document
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
    """One discrepancy: which rule, how bad, what was expected and found, and where.

    key: what the finding is about within its check, stable across runs, when the places do
    not say it (a contract rule `allowed-values:benefit`, a GX expectation); it also names the
    check run the finding belongs to (CheckRun.key). raw: the source tool's own result (a GX
    expectation and its result), kept for the JSON report; never compared or hashed."""

    check: str
    severity: str
    message: str
    expected: str
    found: str
    locations: tuple[Location, ...]
    interval: str | None = None  # the rounding interval(s) used, human readable
    key: str | None = None
    raw: Any = field(default=None, compare=False, hash=False)

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"unknown severity {self.severity!r}")

    def to_dict(self) -> dict[str, Any]:
        d = {
            "check": self.check,
            "severity": self.severity,
            "message": self.message,
            "expected": self.expected,
            "found": self.found,
            "interval": self.interval,
            "locations": [loc.to_dict() for loc in self.locations],
        }
        if self.key is not None:
            d["key"] = self.key
        if self.raw is not None:
            d["raw"] = self.raw
        return d

    @property
    def document(self) -> str | None:
        return self.locations[0].document if self.locations else None

    def sort_key(self) -> tuple[Any, ...]:
        first = self.locations[0] if self.locations else Location("", 0, "")
        return (first.document, first.line, -SEVERITY_RANK[self.severity], self.check)


FINGERPRINT_VERSION = "pubcheck/v1"


def _norm(text: str) -> str:
    return " ".join(str(text).split())


_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def _context(quote: str) -> str:
    """A quote as a finding's context: whitespace normalised, every number masked (`#`), so that
    editing another figure in the same sentence or table row leaves the finding the same."""
    return _NUMBER.sub("#", _norm(quote))


def fingerprint(f: Finding) -> str:
    """A finding's identity across runs (16 hex digits): its check, the names of its documents
    (not their folders), and what it is about: its key when the check gives one (a contract
    rule, an expectation), else each place's sheet, the figure as printed and the quoted text
    around it (whitespace normalised, its other numbers masked). Line, page, cell and section
    numbers are left out, so a line inserted above does not make a finding new; editing the
    figure a finding is about does, editing a neighbouring figure does not. Findings with no
    place and no key (a rule that crashed) are identified by their message."""
    parts = [FINGERPRINT_VERSION, f.check]
    for loc in f.locations:
        parts.append(PurePath(loc.document.replace("\\", "/")).name)
        if f.key is None:
            parts += [loc.sheet or "", _norm(loc.figure or ""), _context(loc.quote)]
    if f.key is not None:
        parts.append(f.key)
    elif not f.locations:
        parts.append(_norm(f.message))
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


STATUSES = ("passed", "failed", "skipped")


@dataclass(frozen=True)
class CheckRun:
    """One check a run made, or skipped: a publication rule over the documents, an intake of a
    file, a contract rule or a GX expectation on an extract, a refresh rule.

    check: the check id its findings carry; key: the check within it (a contract rule key, an
    expectation), None for a whole rule; target: the file it ran on, None for every document
    of the run; status: "ran" or "skipped" (passed or failed is the report's to say, from
    its findings and --fail-on); reason: why it was skipped; raw: the tool's own description
    (a GX expectation: type, kwargs, success, observed value), for the JSON report."""

    check: str
    key: str | None = None
    target: str | None = None
    stage: str = ""  # rule | intake | contract | gx | refresh | recompute | ...
    status: str = "ran"
    reason: str = ""
    text: str = ""  # what it checks, in words (an expectation in plain English)
    raw: Any = field(default=None, compare=False, hash=False)

    @property
    def name(self) -> str:
        """A stable name: the check id, and the check within it (no counters, no paths)."""
        return f"{self.check}: {self.key}" if self.key else self.check

    def owns(self, f: Finding) -> bool:
        """Whether a finding is this run's: same check id, file and key (a run with no key
        owns every finding of its check on its file)."""
        if f.check != self.check:
            return False
        if self.target is not None and f.document != self.target:
            return False
        return self.key is None or f.key == self.key


class InputError(Exception):
    """Bad usage or unreadable input: reported with a clear message, exit code 2."""
