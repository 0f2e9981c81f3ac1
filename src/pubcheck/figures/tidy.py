"""The table model: every figure of a table as one tidy record, whatever shape it was printed in.

Tables arrive from every format as tab-separated rows under a caption (`tables.Table`). A
`TidyTable` reads one of them as data: which columns are labels and which hold values, the
header levels over the value columns, the dimensions and their labels, and for every value
cell its number, printed text, precision, unit, labels, period and place.

Shapes it reads
- Wide: label column(s) on the left, one or more header rows over the value columns. A
  spanning header label is carried right over the blank cells after it ('Men, , , Women, ,'
  over 'Lower working (%), Higher working (%), ...'); blank cells of the leading label columns
  but the last are carried down ('Higher professional, Men' / ', Women'). The corner cells
  name the row dimensions ('Socio-economic background', 'Year'). A header row that is one
  label over every value column ('Occupation') names the dimension of the row below it.
  Column dimensions are otherwise named 'column' (one header row) or 'column 1', 'column 2'
  (top first).
- Long: a value column (`value`, `obs_value`, `count`, ...) and dimension columns, one record
  per row. Pairs `X_split_type` / `X_split_value` become a dimension named by the type cell
  ('seb': 'Lower working'). Blank label cells stay blank (not carried down).
- Admin CSVs with several measure columns (`headcount`, `perm_excl`, `perm_excl_rate`): each
  measure column is a label of the 'column' dimension; text columns (`school_type`) and period
  columns (`year`, `time_period`) are row dimensions.

Which columns hold labels: the first column; columns mostly of text; columns whose header
names a period ('year', 'time_period') holding period codes; code and id columns
(`area_code`); both halves of a split pair. Every other column with figures holds values.

Each cell (`TidyCell`)
- value, text as printed, decimals and precision (the rounding step) and the interval it
  stands for. Precision: a machine-written table (CSV, XLSX, ODS) drops trailing zeros (a
  column holding 0.17 and 0.2 was computed to 2 dp), so every cell takes the largest number
  of decimals of its column (in a long table: of its column and measure); a typeset table
  (text, HTML, PDF) prints each cell to its own precision. `bounds` is wider where the two
  readings differ (the cell's own printed decimals): the rules prove errors with it, so a
  column that really mixes precisions never fails. Values printed with many decimals
  (47.12683045) are effectively exact. Counts are exact unless their column is rounded: a
  count column whose values are all multiples of 5 (or 10), three or more of them, is rounded
  to 5 (or 10) (the wider intervals are the safe reading), and a count with trailing zeros
  may be rounded to them (86,000) unless its column prints to the unit (most of its four or
  more counts are not whole hundreds).
- unit: 'percent' ('%', '(%)', 'per cent', 'percentage', 'proportion', a 'rate' without 'per
  N'), 'rate' ('per 1,000': `per` says 1000), 'GBP' ('£', 'GBP', 'pound'), 'count' ('number',
  'count', 'headcount', 'num_', 'sample size', 'population', ..., or a column of whole numbers
  reaching 100 that names no mean, score, index or ratio), else 'number'. Read from the cell,
  then its column header, then its row labels, then the caption.
- labels: {dimension name: label}, labels cleaned of unit suffixes ('Lower working (%)' is
  'Lower working'); `measure` keeps the column's header as printed.
- period: the normal form (pubcheck.periods) of its label on the table's period dimension:
  '2022/23' -> '2022-23', '201516' (academic year code) -> '2015-16', '2022 to 2024' (a
  three-year window) -> '2022-24', '2024-2024' -> '2024', '2014' -> '2014'.
- location: document, line and quote, with sheet!cell for spreadsheets.

Totals: a dimension's total label is 'Total', 'All', 'Overall', 'All <noun>' ('All pupils',
'All backgrounds', but not 'All other pupils'), 'Both sexes', 'Persons', or one declared in
`TableRoles.totals`. Geographic aggregates ('United Kingdom' over its countries) are totals
only when declared: their name does not say whether they are sums (where the figures show
it, rules_tables' table-outlier finds the row where the sum breaks).

Query API
    tables = tidy_document(doc)                   # every table of a Document with figures
    t = tables[0]
    t.dimension_names()                           # ('Year', 'column 1', 'column 2')
    t.labels("column 1")                          # ('Men', 'Women', 'Total')
    t.select({"column 1": "Men", "Year": "2022 to 2024"})   # cells with these labels
    t.find("Men", "Lower working")                # cells holding these labels, any dimension
    t.cell({...})                                 # the one matching cell, or None
    t.series(cell)                                # the cell along the period dimension, in order
    t.total_label("column 1")                     # 'Total' (or None)
    t.groups("column 2")                          # cells grouped by every other label
    t.at(fig.line, fig.col_index)                 # the cell an extracted Figure stands in
Label matching ignores case, spacing and unit suffixes.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache

from pubcheck.documents.load import Document
from pubcheck.figures.numbers import count_interval, count_step, rounding_interval
from pubcheck.figures.periods import find_periods, period_sort_key
from pubcheck.figures.tables import Cell, Table, header_path, tables_of
from pubcheck.model import Interval, Location, built

TOTAL = re.compile(
    r"^(?:total|all|overall|grand total|both sexes|persons|all persons|everyone|"
    r"all (?!other\b|others\b|but\b|except\b)[a-z][\w' -]{0,40})$",
    re.I,
)
VALUE_NAMES = {"value", "obs_value", "observation", "obs", "val", "count", "estimate", "values"}
PERIOD_HEADER = re.compile(r"\b(?:year|period|time|date|quarter|month)s?\b|(?:^|_)(?:year|period|date)(?:_|$)", re.I)
CODE_HEADER = re.compile(r"(?:^|_)(?:code|id)$|\bcode\b", re.I)
UNIT_SUFFIX = re.compile(
    r"\s*(?:\((?:%|£|£s|gbp|per ?cent|percent|percentage|number|n|count)\)|%)\s*$", re.I
)
MISSING = {".", "..", "...", "…", "x", "z", "c", "u", "na", "n/a", "-", "–", "—", ":", "*", "~", "low"}
MEASURE_DIM = re.compile(r"measure|indicator|unit|variable|statistic", re.I)

_PER = re.compile(r"per\s+(1,000|1000|10,000|10000|100,000|100000|1,000,000|thousand|million)\b", re.I)
_PERCENT = re.compile(r"%|per ?cent|percentage|proportion|\bshare\b", re.I)
_RATE = re.compile(r"(?:^|_|\b)rate(?:s)?(?:_|\b|$)", re.I)
_GBP = re.compile(r"£|\bgbp\b|\bpounds?\b", re.I)
_COUNT = re.compile(
    r"\b(?:number|numbers|num|count|counts|headcount|frequency|population|sample size|base|"
    r"cases|thousands?|000s|volume|n)\b",
    re.I,
)
_NOT_ADDITIVE = re.compile(
    r"mean|average|median|score|index|ratio|rate|per ?cent|percent|%|proportion|share|\bages?\b|"
    r"\byears?\b|£|gbp|gap|difference|change|\blci\b|\buci\b|\b(?:lower|upper) (?:ci|bound|limit)|"
    r"confidence|interval|error|\bse\b|\bsd\b|deviation",
    re.I,
)
_NUMBER_TEXT = re.compile(r"^[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^[-+]?\d+(?:\.\d+)?$")


@dataclass(frozen=True)
class Dimension:
    """One way the table's figures are broken down: its labels in the table's order."""

    name: str
    axis: str  # "row" (label columns) or "column" (header levels)
    labels: tuple[str, ...]
    total: str | None = None  # the label that is the total of the others, if named
    is_period: bool = False  # every label is a period


@dataclass(frozen=True)
class TidyCell:
    """One figure of a table with everything needed to compare it."""

    value: float
    text: str  # as printed in the cell
    decimals: int  # decimal places it stands for (its column's, for machine-written tables)
    precision: float  # the rounding step: 0.001 for 3 dp, 5 for counts rounded to 5
    interval: Interval
    unit: str  # percent | rate | GBP | count | number
    labels: tuple[tuple[str, str], ...]  # (dimension name, label), row dimensions first
    period: str | None
    measure: str  # the value column's header as printed ('Men / Lower working (%)')
    line: int  # the document line it stands on
    quote: str  # that line, as printed
    row: int  # index of the data row in the table
    col: int  # index of the tab-separated cell in its line
    per: float | None = None  # 100 for percent, 1000 for a rate per 1,000
    # Every value the cell may stand for under any reading of its precision: `interval`, and
    # for a machine-written cell also its own printed decimals (a '0.2' in a 2-dp column may
    # have been rounded to 1 dp). Rules prove a discrepancy with this one.
    loose: Interval | None = None
    doc: Document | None = field(default=None, repr=False, compare=False)

    @property
    def location(self) -> Location:
        """Where the cell stands, with its sheet and cell: placed when asked (a finding names
        a few cells of a table of thousands)."""
        placed = self.__dict__.get("_placed")
        if placed is None:
            placed = self.doc.place(self.unplaced, self.col) if self.doc is not None else self.unplaced
            object.__setattr__(self, "_placed", placed)
        return placed

    @property
    def bounds(self) -> Interval:
        return self.loose or self.interval

    def label(self, dimension: str) -> str | None:
        # a few pairs: a scan, not a dict made per call (the last wins, as in a dict)
        for name, lab in reversed(self.labels):
            if name == dimension:
                return lab
        return None

    @property
    def label_map(self) -> dict[str, str]:
        return dict(self.labels)

    @property
    def unplaced(self) -> Location:
        """Document, line, quote and figure; `location` adds its page or sheet and cell."""
        return Location(self.doc.path if self.doc is not None else "", self.line, self.quote, figure=self.text)

    def describe(self) -> str:
        """'2022 to 2024, Men, Lower working'."""
        return ", ".join(lab for _d, lab in self.labels if lab)


@dataclass(frozen=True)
class RateRole:
    """A rate column that re-derives from two count columns: rate = numerator / denominator x per."""

    rate: str
    numerator: str
    denominator: str
    per: float | None = None  # None: read from the header ('per 1,000') or 100


@dataclass(frozen=True)
class TableRoles:
    """What a publisher declares about its tables (a `table_roles` mapping in pubcheck.toml):

        {"totals": {"school_type": "Total", "Country": "United Kingdom"},
         "partitions": ["Occupation"],
         "rates": [{"rate": "perm_excl_rate", "numerator": "perm_excl",
                    "denominator": "headcount", "per": 100}]}

    totals: dimension name -> the label that is the total of the others (sums for counts);
    partitions: dimension names whose labels are shares of one whole (sum to 100 per cent);
    rates: columns (headers as printed, or cleaned of unit suffixes) that re-derive.
    Names and labels match ignoring case, spacing and unit suffixes.
    """

    totals: Mapping[str, str] = field(default_factory=dict)
    partitions: frozenset[str] = frozenset()
    rates: tuple[RateRole, ...] = ()

    @classmethod
    def from_mapping(cls, m: Mapping | TableRoles | None) -> TableRoles:  # type: ignore[type-arg]
        if m is None:
            return cls()
        if isinstance(m, TableRoles):
            return m
        rates = tuple(
            RateRole(str(r["rate"]), str(r["numerator"]), str(r["denominator"]),
                     float(r["per"]) if r.get("per") is not None else None)  # fmt: skip
            for r in m.get("rates", ())
        )
        return cls(
            {norm(k): str(v) for k, v in dict(m.get("totals", {})).items()},
            frozenset(norm(p) for p in m.get("partitions", ())),
            rates,
        )

    def total_for(self, dimension: str) -> str | None:
        return self.totals.get(norm(dimension))


def norm(text: str) -> str:
    """A label for matching: unit suffix dropped, spacing collapsed, lower case."""
    return " ".join(clean_label(text).lower().replace("_", " ").split())


@lru_cache(maxsize=1 << 16)
def clean_label(text: str) -> str:
    t = " ".join(text.split())
    prev = None
    while prev != t:
        prev = t
        t = UNIT_SUFFIX.sub("", t).strip()
    return t


def is_total(label: str) -> bool:
    lab = re.sub(r"\s*\([^)]*\)\s*$", "", clean_label(label))
    return bool(TOTAL.match(lab))


# --------------------------------------------------------------------------- periods

_CODE = re.compile(r"^((?:19|20)\d{2})(\d{2})$")
_SAME = re.compile(r"^((?:19|20)\d{2})\s*(?:-|–|—|to)\s*\1$")


def period_of(label: str) -> str | None:
    """The normal form of a label that is a period, else None (see the module docstring)."""
    t = " ".join(label.split())
    if not t:
        return None
    m = _CODE.match(t)
    if m and (int(m.group(1)) + 1) % 100 == int(m.group(2)):
        return f"{m.group(1)}-{m.group(2)}"
    m = _SAME.match(t)
    if m:
        return m.group(1)
    ps = find_periods(t)
    if len(ps) != 1:
        return None
    rest = (t[: ps[0].start] + t[ps[0].end :]).strip(" ,.:()")
    if re.search(r"\d", rest) or len(re.sub(r"[^A-Za-z]", "", rest)) > 15:
        return None
    return ps[0].norm


# --------------------------------------------------------------------------- numbers


def _number(cell: Cell) -> tuple[float, int] | None:
    """(value, decimals printed) of a cell holding a figure (read once per cell)."""
    memo = cell.__dict__
    if "_number" not in memo:
        memo["_number"] = None if cell.is_empty or cell.is_marker else _number_text(cell.stripped)
    return memo["_number"]


_REVISION_MARK = re.compile(r"\s*\[(?:p|r|u|e)\]\s*$", re.I)
_UNIT_AFFIX = re.compile(r"^£\s*|\s*(?:%|per cent|pp)$")


@lru_cache(maxsize=1 << 16)
def _number_text(text: str) -> tuple[float, int] | None:
    first = text[:1]
    if not (first.isdecimal() or first in "+-£"):  # a label: a figure opens with a digit, a sign or £
        return None
    raw = _REVISION_MARK.sub("", text) if "[" in text else text
    if first == "£" or not raw[-1:].isdecimal():  # else neither a '£' nor a unit to take off
        raw = _UNIT_AFFIX.sub("", raw)
    if not _NUMBER_TEXT.match(raw):
        return None
    digits = raw.replace(",", "")  # [-+]?digits[.digits]: read as Decimal would read it
    dot = digits.find(".")
    decimals = len(digits) - dot - 1 if dot >= 0 else 0
    value = float(digits)
    if decimals >= 12:  # 0.30000000000000004: float noise written out, not precision
        short = f"{round(value, 9):.9f}".rstrip("0")
        decimals = len(short.split(".")[1]) if "." in short else 0
    return value, decimals


def _missing(cell: Cell) -> bool:
    return cell.is_marker or cell.stripped.lower() in MISSING


def _unit_words(text: str) -> tuple[str, float | None] | None:
    text = text.replace("_", " ")
    m = _PER.search(text)
    if m and (_RATE.search(text) or not _PERCENT.search(text)):
        n = m.group(1).lower().replace(",", "")
        return "rate", {"thousand": 1e3, "million": 1e6}.get(n) or float(n)
    if _PERCENT.search(text):
        return "percent", 100.0
    if _RATE.search(text):
        return "percent", 100.0
    if _GBP.search(text):
        return "GBP", None
    if _COUNT.search(text) and not _NOT_ADDITIVE.search(text):
        return "count", None
    if re.search(r"mean|average|median|score|index|ratio", text, re.I):
        return "number", None
    return None


# --------------------------------------------------------------------------- the model


@dataclass
class TidyTable:
    """A table read as data. See the module docstring for the query API."""

    id: str
    caption: str
    document: str
    dimensions: tuple[Dimension, ...]
    cells: tuple[TidyCell, ...]
    long: bool = False  # one record per row (a value column and dimension columns)
    machine: bool = False  # machine-written (CSV, XLSX, ODS): precision from the column
    source: Table | None = field(default=None, repr=False)  # the tab-separated table it reads
    roles: TableRoles | None = field(default=None, repr=False)  # what its publisher declared

    def dimension_names(self) -> tuple[str, ...]:
        return tuple(d.name for d in self.dimensions)

    def dimension(self, name: str) -> Dimension | None:
        key = norm(name)
        return next((d for d in self.dimensions if norm(d.name) == key), None)

    def labels(self, name: str) -> tuple[str, ...]:
        d = self.dimension(name)
        return d.labels if d else ()

    def total_label(self, name: str) -> str | None:
        d = self.dimension(name)
        return d.total if d else None

    @property
    def period_dimension(self) -> str | None:
        """The period dimension with the most labels (a table may also name its whole span)."""
        ps = [d for d in self.dimensions if d.is_period]
        return max(ps, key=lambda d: len(d.labels)).name if ps else None

    def select(self, labels: Mapping[str, str] | None = None, **more: str) -> list[TidyCell]:
        """Cells whose labels include every given {dimension: label}."""
        want = {norm(k): norm(v) for k, v in {**(labels or {}), **more}.items()}
        out = []
        for c in self.cells:
            have = {norm(k): norm(v) for k, v in c.labels}
            if all(have.get(k) == v for k, v in want.items()):
                out.append(c)
        return out

    def find(self, *labels: str) -> list[TidyCell]:
        """Cells holding every given label, in whichever dimension."""
        want = [norm(x) for x in labels]
        return [c for c in self.cells if all(w in {norm(v) for _k, v in c.labels} for w in want)]

    def cell(self, labels: Mapping[str, str] | None = None, **more: str) -> TidyCell | None:
        found = self.select(labels, **more)
        return found[0] if len(found) == 1 else None

    def series(self, cell: TidyCell, along: str | None = None) -> list[TidyCell]:
        """The cells with the same labels as `cell` but for the period (or `along`) dimension,
        in period order (table order when `along` is not a period dimension)."""
        dim = along or self.period_dimension
        if dim is None:
            return [cell]
        key = norm(dim)
        rest = {(norm(k), norm(v)) for k, v in cell.labels if norm(k) != key}
        out = [c for c in self.cells if c.label(dim) is not None
               and {(norm(k), norm(v)) for k, v in c.labels if norm(k) != key} == rest]  # fmt: skip
        d = self.dimension(dim)
        if d is not None and d.is_period:
            return sorted(out, key=lambda c: period_sort_key(period_of(c.label(dim) or "") or ""))
        return out

    def at(self, line: int, col: int) -> TidyCell | None:
        """The cell at a document line and tab-separated column (an extracted Figure's
        `line` and `col_index`)."""
        return next((c for c in self.cells if c.line == line and c.col == col), None)

    def groups(self, name: str) -> list[tuple[tuple[tuple[str, str], ...], dict[str, TidyCell]]]:
        """Cells grouped by every label but `name`'s: [(other labels, {label of `name`: cell})],
        in table order. Cells without a label of `name` are left out. (Read once per dimension.)"""
        memo = self.__dict__.setdefault("_group_memo", {})
        if name not in memo:
            memo[name] = self._groups(name)
        return memo[name]

    def _groups(self, name: str) -> list[tuple[tuple[tuple[str, str], ...], dict[str, TidyCell]]]:
        out: dict[tuple[tuple[str, str], ...], dict[str, TidyCell]] = {}
        for c in self.cells:
            lab = None
            others = []
            for k, v in c.labels:  # a few pairs: one pass for the label and the others (the last wins)
                if k == name:
                    lab = v
                else:
                    others.append((k, v))
            if lab is None:
                continue
            out.setdefault(tuple(others), {}).setdefault(lab, c)
        return list(out.items())


def tidy_document(doc: Document, tables: Iterable[Table] | None = None,
                  roles: Mapping | TableRoles | None = None) -> list[TidyTable]:  # type: ignore[type-arg]  # fmt: skip
    """Every table of `doc` that holds figures, as a TidyTable (read once per document and
    roles: the table rules and the tracer share them)."""
    key = repr(TableRoles.from_mapping(roles))
    cache = doc.__dict__.setdefault("_tidy_tables", {})
    if tables is None and key in cache:
        return cache[key]
    out = []
    for t in tables if tables is not None else tables_of(doc):
        tt = tidy_table(t, doc, roles)
        if tt is not None:
            out.append(tt)
    if tables is None:
        cache[key] = out
    return out


def tidy_table(table: Table, doc: Document | None = None,
               roles: Mapping | TableRoles | None = None) -> TidyTable | None:  # type: ignore[type-arg]  # fmt: skip
    """The TidyTable of one table, or None when it holds no figures (or is a contents list)."""
    if table.is_contents or not table.rows:
        return None
    r = TableRoles.from_mapping(roles)
    machine = bool(doc and doc.places and any("sheet" in p for p in doc.places))
    heads = list(table.header_rows)
    rows = table.rows
    ncols = max(len(row.cells) for row in [*heads, *rows])

    _heads: dict[int, list[str]] = {}

    def head(col: int) -> list[str]:  # once per column: it is asked for every cell
        if col not in _heads:
            _heads[col] = header_path(heads, col) if heads else []
        return _heads[col]

    names = [(head(c)[-1] if head(c) else "") for c in range(ncols)]
    long = any(n.strip().lower() in VALUE_NAMES for n in names)
    split_of: dict[int, int] = {}  # value column -> its type column
    lowered = {n.strip().lower(): c for c, n in enumerate(names) if n.strip()}
    for n, c in lowered.items():
        m = re.match(r"^(.*)_type$", n)
        if m and f"{m.group(1)}_value" in lowered:
            split_of[lowered[f"{m.group(1)}_value"]] = c
            long = True
    split_types = set(split_of.values())

    label_cols: list[int] = []
    value_cols: list[int] = []
    for c in range(ncols):
        numbers = []
        n_text = 0  # cells holding text: neither a figure nor a marker of a missing one
        for row in rows:  # one pass over the column, each cell read once
            if c >= len(row.cells) or not (x := row.cells[c]).stripped:
                continue
            if _number(x) is not None:
                numbers.append(x)
            elif not _missing(x):
                n_text += 1
        n_num = len(numbers)
        name = " ".join(head(c))
        periodic = bool(PERIOD_HEADER.search(name)) and all(period_of(x.stripped) for x in numbers)
        if c == 0 or n_text > n_num or periodic or c in split_of or c in split_types or (
                CODE_HEADER.search(names[c]) and n_text + n_num > 0):  # fmt: skip
            label_cols.append(c)
        elif n_num:
            value_cols.append(c)
    if not value_cols:
        return None

    # row labels: leading label columns but the last are carried down in a wide table
    lead = []
    for c in range(ncols):
        if c not in label_cols:
            break
        lead.append(c)
    filled: list[list[str]] = []
    prev: list[str] = [""] * ncols
    for row in rows:
        texts = [row.cells[c].stripped if c < len(row.cells) else "" for c in range(ncols)]
        if not long:
            for i, c in enumerate(lead[:-1]):
                later = any(texts[k] for k in lead[i + 1 :])
                if not texts[c] and later and prev[c]:
                    texts[c] = prev[c]
        filled.append(texts)
        prev = texts

    @cache
    def row_dim_name(c: int) -> str:
        path = [x for x in head(c) if x]
        if path:
            return path[-1]
        return "row label" if c == label_cols[0] else f"row label {label_cols.index(c) + 1}"

    # column dimensions: header levels over the value columns
    levels = [[clean_label(head(c)[k]) if head(c) else "" for c in value_cols]
              for k in range(len(heads))] if heads else []  # fmt: skip
    col_dims: list[tuple[str, int]] = []  # (name, level index)
    keep = [k for k, lv in enumerate(levels) if any(lv)]
    named: dict[int, str] = {}
    for i, k in enumerate(keep):
        lv = levels[k]
        if len(set(lv)) == 1 and len(value_cols) > 1 and i + 1 < len(keep):
            named[keep[i + 1]] = lv[0]  # one label over every value column names the level below
    kept = [k for i, k in enumerate(keep)
            if not (len(set(levels[k])) == 1 and len(value_cols) > 1 and i + 1 < len(keep))]  # fmt: skip
    for i, k in enumerate(kept):
        name = named.get(k) or ("column" if len(kept) == 1 else f"column {i + 1}")
        col_dims.append((name, k))
    if not heads:
        col_dims = []

    # units and precision per value column (and per measure in a long table)
    corner = " ".join(x for c in label_cols for x in head(c) if x)
    measure_dims = [c for c in label_cols if MEASURE_DIM.search(names[c] or "")]
    raw: list[tuple[int, int, float, int, Cell]] = []  # (row index, col, value, decimals, cell)
    for i, row in enumerate(rows):
        for c in value_cols:
            if c >= len(row.cells):
                continue
            got = _number(row.cells[c])
            if got is not None:
                raw.append((i, c, got[0], got[1], row.cells[c]))

    def group_key(i: int, c: int) -> tuple:  # type: ignore[type-arg]
        return (c, tuple(filled[i][m] for m in measure_dims)) if long else (c,)

    max_dec: dict[tuple, int] = defaultdict(int)  # type: ignore[type-arg]
    col_vals: dict[tuple, list[float]] = defaultdict(list)  # type: ignore[type-arg]
    for i, c, v, d, _cell in raw:
        k = group_key(i, c)
        max_dec[k] = max(max_dec[k], d)
        col_vals[k].append(v)

    _units: dict[tuple, tuple[str, float | None]] = {}  # type: ignore[type-arg]

    def column_unit(i: int, c: int) -> tuple[str, float | None]:
        # a wide table's unit is its column's (and caption's): worked out once per column
        labels = tuple(filled[i][lc] for lc in label_cols if lc not in split_types) if long else ()
        key = (c, group_key(i, c), labels)
        if key not in _units:
            _units[key] = _column_unit(i, c)
        return _units[key]

    def _column_unit(i: int, c: int) -> tuple[str, float | None]:
        texts = [" ".join(head(c))]
        texts += [filled[i][lc] for lc in label_cols if lc not in split_types]
        texts += [corner, table.caption]
        for t in texts:
            u = _unit_words(t)
            if u is not None:
                return u
        words = (" ".join(head(c)) + " " + table.caption).replace("_", " ")
        if whole_hundreds(group_key(i, c)) and not _NOT_ADDITIVE.search(words):
            return "count", None
        return "number", None

    # each a property of a column's values: worked out once per column, not once per cell (a
    # table of 4,000 rows took 20 s, growing with rows squared)
    @cache
    def whole_hundreds(k: tuple) -> bool:  # type: ignore[type-arg]
        vals = col_vals[k]
        return bool(vals) and all(v >= 0 and float(v).is_integer() for v in vals) and max(vals) >= 100

    @cache
    def rounded_to(k: tuple) -> int:  # type: ignore[type-arg]
        if k in _rounded:
            return _rounded[k]
        _rounded[k] = _rounded_to(k)
        return _rounded[k]

    _rounded: dict[tuple, int] = {}  # type: ignore[type-arg]  # once per column, not per cell
    _finer: dict[tuple, bool] = {}  # type: ignore[type-arg]

    def _rounded_to(k: tuple) -> int:  # type: ignore[type-arg]
        vals = [v for v in col_vals[k] if v]
        if len(vals) < 3 or not all(float(v).is_integer() for v in vals):
            return 1
        for base in (10, 5):
            if all(int(v) % base == 0 for v in vals):
                return base
        return 1

    @cache
    def finer(k: tuple) -> bool:  # type: ignore[type-arg]
        """Most of the column's counts are not whole hundreds: it prints to the unit (or to 5,
        10), so a '17000' in it is 17,000 to that unit, not a count rounded to the thousand."""
        if k not in _finer:
            vals = [v for v in col_vals[k] if v]
            _finer[k] = len(vals) >= 4 and sum(1 for v in vals if v % 100 == 0) < 0.5 * len(vals)
        return _finer[k]

    # dimensions: a row's labels are worked out once per row, a column's once per column
    dim_labels: dict[str, list[str]] = defaultdict(list)
    dim_seen: dict[str, set[str]] = defaultdict(set)
    dim_axis: dict[str, str] = {}

    def seen(labels: tuple[tuple[str, str], ...], axis: str) -> None:
        for dname, lab in labels:
            dim_axis.setdefault(dname, axis)
            if lab not in dim_seen[dname]:  # a set beside the list: the list's `in` was quadratic in rows
                dim_seen[dname].add(lab)
                dim_labels[dname].append(lab)

    def row_labels(i: int) -> tuple[tuple[str, str], ...]:
        out = []
        for lc in label_cols:
            if lc in split_types:
                continue
            lab = filled[i][lc]
            if lc in split_of:
                dname = filled[i][split_of[lc]]
                if not dname or not lab:
                    continue
            else:
                dname = row_dim_name(lc)
                if not lab:
                    continue
            out.append((dname, clean_label(lab)))
        return tuple(out)

    def column_labels(c: int) -> tuple[tuple[str, str], ...]:
        hp = head(c)
        return tuple((dname, lab) for dname, k in col_dims if (lab := clean_label(hp[k]) if k < len(hp) else ""))

    by_row: dict[int, tuple[tuple[str, str], ...]] = {}
    by_col: dict[int, tuple[tuple[str, str], ...]] = {}
    cell_labels: list[tuple[tuple[str, str], ...]] = []
    for i, c, _v, _d, _cell in raw:  # in table order: the dimensions and labels in order of appearance
        rl = by_row.get(i)
        if rl is None:
            rl = by_row[i] = row_labels(i)
            seen(rl, "row")
        cl = by_col.get(c)
        if cl is None:
            cl = by_col[c] = column_labels(c)
        seen(cl, "column")  # a column's labels follow the first row's, as each cell is met
        cell_labels.append(rl + cl)

    dims = []
    for dname, labs in dim_labels.items():
        declared = r.total_for(dname)
        total = next((lab for lab in labs if declared and norm(lab) == norm(declared)), None) if declared \
            else next((lab for lab in labs if is_total(lab)), None)  # fmt: skip
        pers = [period_of(lab) for lab in labs]
        is_period = bool(labs) and sum(1 for p in pers if p) >= max(1, 0.8 * len(labs))
        if not is_period and PERIOD_HEADER.search(dname) and any(pers):
            is_period = sum(1 for p in pers if p) >= 0.5 * len(labs)
        dims.append(Dimension(dname, dim_axis[dname], tuple(labs), total, is_period))
    tt = TidyTable(table.id, table.caption, doc.path if doc else "", tuple(dims), (), long, machine, table, r)
    # a cell's period: its label of the period dimension with the most labels that it has
    pdims = [d.name for d in sorted((d for d in dims if d.is_period), key=lambda d: -len(d.labels))]
    periods: dict[tuple[tuple[str, str], ...], str | None] = {}

    def period(labels: tuple[tuple[str, str], ...]) -> str | None:
        if labels not in periods:
            got = dict(labels)
            periods[labels] = next((period_of(got[n]) for n in pdims if got.get(n)), None)
        return periods[labels]

    cells: list[TidyCell] = []
    _quotes: dict[int, str] = {}
    _measures: dict[int, str] = {}
    for (i, c, v, d, cell), labels in zip(raw, cell_labels, strict=True):
        row = rows[i]
        unit, per = ("percent", 100.0) if "%" in cell.stripped else (
            ("GBP", None) if "£" in cell.stripped else column_unit(i, c))  # fmt: skip
        k = group_key(i, c)
        decimals = max_dec[k] if machine else d
        if unit == "count" and decimals == 0:
            digits = re.sub(r"[^\d.,]", "", cell.stripped)
            step = float(rounded_to(k) if finer(k) else max(rounded_to(k), count_step(digits)))
            iv = count_interval(v, step)
            iv = Interval(max(0.0, iv.lo), iv.hi) if v >= 0 else iv
        else:
            step = 10.0 ** (-decimals)
            iv = rounding_interval(v, step)
        if d < decimals:
            own = rounding_interval(v, 10.0 ** (-d))
            loose = Interval(min(iv.lo, own.lo), max(iv.hi, own.hi))
        else:
            loose = iv
        if i not in _quotes:  # a row's quote once, not per cell
            _quotes.clear()
            _quotes[i] = row.line.strip()
        if c not in _measures:
            _measures[c] = " / ".join(x for x in head(c) if x) or names[c]
        cells.append(built(TidyCell, value=v, text=cell.stripped, decimals=decimals, precision=step, interval=iv,
                           unit=unit, labels=labels, period=period(labels) if pdims else None,
                           measure=_measures[c], line=row.lineno, quote=_quotes[i], row=i, col=c, per=per,
                           loose=loose, doc=doc))  # fmt: skip
    tt.cells = tuple(cells)
    return tt


__all__ = [
    "Dimension", "RateRole", "TableRoles", "TidyCell", "TidyTable", "clean_label", "is_total",
    "norm", "period_of", "tidy_document", "tidy_table",
]  # fmt: skip
