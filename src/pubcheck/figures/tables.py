"""Tables in plain-text publications: tab-separated rows under a caption.

A table is a run of consecutive lines holding tabs. Its caption is the nearest line
above it starting 'Table' (or 'Figure'), or failing that the nearest non-empty line.
The first row is a header when its value cells are not numbers. Further header rows follow
it when their first cell is blank and their value cells are text (or years under a spanning
label), and the rows below hold figures: 'Year, Men, , , Women, ,' over ', Lower working (%),
Higher working (%), ...'. A column's label joins its header rows, each spanning label carried
right over the blank cells after it ('Men / Lower working (%)'). Cells hold figures,
suppression markers ([c], [x], [z], [low], [u], .., -, *) or text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pubcheck.documents.load import Document

MARKERS = {"[c]", "[x]", "[z]", "[low]", "[u]", "[p]", "[r]", "..", "-", "*", "–", "—", ":", "n/a",
           "[w]", "[k]", "~", "x", "z", "c"}  # fmt: skip
# linear: no two unbounded runs of spaces side by side, and a suffix is tried only from the
# first space of a run (the patterns were quadratic on a long run of spaces inside a cell)
_MARKER_SUFFIX = re.compile(r"(?<!\s)\s*\[(?:p|r|u|e)\]\s*$", re.I)
CELL_NUMBER = re.compile(r"^\s*(?:£\s*)?[-+]?\d{1,3}(?:,\d{3})*(?:\.\d+)?\s*(?:(?:%|per cent|pp)\s*)?$")
CAPTION = re.compile(r"^\s*(?:#+\s*)?(Table|Figure)\s+([A-Z]?\d+[a-z]?)\b[.:]?\s*(.*)$", re.I)


@dataclass
class Cell:
    text: str
    col: int
    start: int  # character offset in the line
    # the text without surrounding spaces: asked for several times per cell, so worked out once
    stripped: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.stripped = self.text.strip()

    @property
    def is_marker(self) -> bool:
        return self.stripped.lower() in MARKERS

    @property
    def is_number(self) -> bool:
        # asked by table finding, the numeric share and extraction: read once (functools'
        # cached_property takes a lock for each cell's first read in Python 3.11: 0.6 us, not 0.3)
        got = self.__dict__.get("_is_number")
        if got is None:
            text = _MARKER_SUFFIX.sub("", self.stripped) if "[" in self.stripped else self.stripped
            got = self.__dict__["_is_number"] = bool(CELL_NUMBER.match(text))
        return got

    @property
    def is_empty(self) -> bool:
        return not self.stripped


@dataclass
class Row:
    lineno: int
    line: str
    cells: list[Cell]

    @property
    def label(self) -> str:
        return self.cells[0].stripped if self.cells else ""


@dataclass
class Table:
    id: str  # e.g. "Table 3" or "table@45"
    caption: str
    caption_line: int | None
    header: Row | None
    rows: list[Row]
    context: list[str] = field(default_factory=list)  # nearby lines (coverage, source, base)
    header_rows: list[Row] = field(default_factory=list)  # every header row, `header` first

    def __post_init__(self) -> None:
        if self.header is not None and not self.header_rows:
            self.header_rows = [self.header]

    @property
    def is_contents(self) -> bool:
        return bool(re.match(r"^\s*contents\s*$", self.caption, re.I))

    @property
    def first_line(self) -> int:
        return (self.header or self.rows[0]).lineno

    @property
    def last_line(self) -> int:
        return self.rows[-1].lineno if self.rows else self.first_line

    def column_label(self, col: int) -> str:
        """The column's header: its header rows' labels joined with ' / ', a spanning label
        carried right over the blank cells after it (one header row: that row's cell)."""
        if len(self.header_rows) <= 1:
            if self.header is None:
                return ""
            for c in self.header.cells:
                if c.col == col:
                    return c.stripped
            return ""
        return " / ".join(lab for lab in header_path(self.header_rows, col) if lab)

    def numeric_share(self) -> float:
        """The share of its value cells that hold figures or markers (worked out once: extraction,
        the tidy tables and the rules each ask)."""
        share = self.__dict__.get("_numeric_share")
        if share is None:
            vals = [c for r in self.rows for c in r.cells[1:] if not c.is_empty]
            share = sum(1 for c in vals if c.is_number or c.is_marker) / len(vals) if vals else 0.0
            self.__dict__["_numeric_share"] = share
        return share


def header_path(header_rows: list[Row], col: int) -> list[str]:
    """The labels over column `col`, top header row first. A blank cell of a header row takes
    the nearest label to its left in that row (a label spanning several columns), but not from
    the first column (the corner, which names the row labels) and not in the last header row."""
    out = []
    for level, row in enumerate(header_rows):
        texts = [c.stripped for c in row.cells]
        lab = texts[col] if col < len(texts) else ""
        if not lab and level < len(header_rows) - 1 and col > 0:
            k = min(col, len(texts)) - 1
            while k > 0 and not texts[k]:
                k -= 1
            lab = texts[k] if k > 0 else ""
        out.append(lab)
    return out


_YEAR_CELL = re.compile(r"^\s*(?:19|20)\d{2}\s*$")


def _more_header(row: Row, above: Row, rest: list[Row]) -> bool:
    """A row under a header row is one more header row: its first cell is blank (or the row
    above spans labels over blank cells), its value cells are text (or years under a spanning
    label above), and the rows below hold figures."""
    spans = any(c.is_empty for c in above.cells[1:])
    if (row.label and not spans) or not rest:
        return False
    values = [c for c in row.cells[1:] if not c.is_empty]
    if not values or any(c.is_marker for c in values):
        return False
    if any(c.is_number and not (spans and _YEAR_CELL.match(c.text)) for c in values):
        return False
    cells = [c for r in rest for c in r.cells[1:] if not c.is_empty]
    return bool(cells) and sum(1 for c in cells if c.is_number or c.is_marker) / len(cells) >= 0.5


def split_cells(line: str) -> list[Cell]:
    cells: list[Cell] = []
    pos = 0
    for i, part in enumerate(line.split("\t")):
        cells.append(Cell(part, i, pos))
        pos += len(part) + 1
    return cells


def find_tables(lines: list[str]) -> list[Table]:
    tables: list[Table] = []
    i = 0
    n = len(lines)
    while i < n:
        if "\t" not in lines[i] or not lines[i].strip():
            i += 1
            continue
        j = i
        while j < n and "\t" in lines[j] and lines[j].strip():
            j += 1
        block = [Row(k + 1, lines[k], split_cells(lines[k])) for k in range(i, j)]
        cap, cap_line = _caption(lines, i)
        header = None
        header_rows: list[Row] = []
        first = block[0]
        value_cells = [c for c in first.cells[1:] if not c.is_empty]
        if value_cells and not any(c.is_number for c in value_cells) and len(block) > 1:
            header = first
            header_rows = [first]
            block = block[1:]
            while len(block) > 1 and _more_header(block[0], header_rows[-1], block[1:]):
                header_rows.append(block[0])
                block = block[1:]
        m = CAPTION.match(cap) if cap else None
        tid = f"{m.group(1).title()} {m.group(2)}" if m else f"table@{i + 1}"
        ctx = [lines[k] for k in range(max(0, i - 12), min(n, j + 4))]
        tables.append(Table(tid, cap or "", cap_line, header, block, ctx, header_rows))
        i = j
    return tables


def tables_of(doc: Document) -> list[Table]:
    """find_tables(doc.lines) of a Document, found once per document: extraction, the tidy
    tables and the rules all read them (a 50,000-row table was split into cells three times)."""
    lines = doc.lines
    memo = doc.__dict__.get("_found_tables")
    if memo is None or memo[0] is not lines or memo[1] != len(lines):
        memo = (lines, len(lines), find_tables(lines))
        doc.__dict__["_found_tables"] = memo
    return memo[2]


def _caption(lines: list[str], start: int) -> tuple[str, int | None]:
    """The 'Table N' line within 6 non-empty lines above, else the nearest non-empty line."""
    seen = 0
    nearest: tuple[str, int | None] = ("", None)
    k = start - 1
    while k >= 0 and seen < 6:
        t = lines[k].strip()
        if t:
            if nearest[1] is None:
                nearest = (t, k + 1)
            if CAPTION.match(t) and t.lower().startswith(("table", "#")):
                return t, k + 1
            if "\t" in lines[k]:
                break
            seen += 1
        k -= 1
    return nearest
