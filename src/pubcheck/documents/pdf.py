"""PDF publications as lines of text, with the page and line on the page of every line.

Reading order is top to bottom on each page. A paragraph wrapped over several PDF lines
(same left margin, small vertical gap, the line before it reaching the right margin) is
joined into one line, placed at its first line; a larger vertical gap becomes an empty line,
as between paragraphs of a plain-text publication.

Tables become tab-separated rows, recovered in two ways:
  * ruled tables (cell borders drawn as lines or rectangles) through pdfplumber's table
    finder: one line per row, a cell's wrapped text joined with spaces;
  * unruled tables from the words' positions: a line whose words fall into 2+ groups
    separated by wide gaps (more than about two character widths) is a row; the cells of
    consecutive rows are aligned on the columns' left edges, so an empty cell (a header's
    blank corner, say) stays an empty cell.

`page_line` counts the visual lines on a page (a ruled table's row counts as one line).
"""

from __future__ import annotations

import hashlib
import zlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

import pdfplumber

from pubcheck.documents.load import Document
from pubcheck.limits import DEFAULT, InputLimit, Limits
from pubcheck.model import Finding, Location

GAP_CHARS = 2.0  # a gap wider than this many character widths separates table cells
BLANK_GAP = 0.8  # a vertical gap wider than this many font sizes separates paragraphs


@dataclass
class _Line:
    page: int
    page_line: int
    top: float
    bottom: float
    x0: float
    x1: float
    size: float
    cells: list[tuple[float, str]]  # (left edge, text) of each cell; one cell for prose
    table: bool = False  # a row of a ruled table (cells already in columns)
    first_word: float = 0.0  # width of the first word (to tell a wrapped line)
    right: float = 0.0  # the page's right text margin
    texts: list[str] = field(default_factory=list)

    @property
    def is_row(self) -> bool:
        return self.table or len(self.cells) > 1


class _BoundedZlib:
    """What pdfminer calls as `zlib`, inflating no more than the document's `bytes` budget in all
    (a content stream of a few KB can inflate to gigabytes)."""

    error = zlib.error

    def __init__(self, limit: int) -> None:
        self.limit, self.total, self.page = limit, 0, 0

    def _count(self, n: int) -> None:
        self.total += n
        if self.total > self.limit:
            raise InputLimit("bytes", self.limit, f"streams inflating to more than {self.limit:,} bytes",
                             f"page {self.page}" if self.page else "")  # fmt: skip

    def decompress(self, data: bytes) -> bytes:
        d = zlib.decompressobj()
        out = d.decompress(data, self.limit - self.total + 1)
        self._count(len(out))
        if d.unconsumed_tail:
            self._count(self.limit + 1)
        if not d.eof:
            raise zlib.error("incomplete or truncated stream")
        return out

    def decompressobj(self) -> _BoundedInflater:
        return _BoundedInflater(self)


class _BoundedInflater:
    def __init__(self, owner: _BoundedZlib) -> None:
        self.owner, self.d = owner, zlib.decompressobj()

    def decompress(self, data: bytes, max_length: int = 0) -> bytes:
        out = self.d.decompress(data, max_length)
        self.owner._count(len(out))
        return out

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return getattr(self.d, name)


@contextmanager
def _bounded_inflation(limit: int):  # type: ignore[no-untyped-def]
    """pdfminer inflates streams with zlib.decompress, unbounded: bound it while we read."""
    from pdfminer import pdftypes

    shim = _BoundedZlib(limit)
    saved = pdftypes.zlib
    pdftypes.zlib = shim  # type: ignore[assignment]
    try:
        yield shim
    finally:
        pdftypes.zlib = saved


def to_document(path: Path, shown: str, data: bytes, limits: Limits = DEFAULT) -> Document:
    """The Document for a PDF: its text lines in reading order, tables as tab-separated rows."""
    try:
        return _read(shown, data, limits)
    except Exception as exc:  # pdfplumber wraps what pdfminer raises: a budget stays a budget
        cause = exc.args[0] if exc.args and isinstance(exc.args[0], InputLimit) else exc.__cause__
        if isinstance(cause, InputLimit) and not isinstance(exc, InputLimit):
            raise cause from None
        raise


def _read(shown: str, data: bytes, limits: Limits) -> Document:
    lines: list[_Line] = []
    empty: list[int] = []
    chars = 0
    with _bounded_inflation(limits.bytes) as inflation, pdfplumber.open(BytesIO(data)) as pdf:
        declared = _page_count(pdf)
        if declared is not None and declared > limits.pages:
            raise InputLimit("pages", limits.pages, f"{declared:,} pages (the page tree's /Count)")
        for number, page in enumerate(pdf.pages, 1):
            if number > limits.pages:
                raise InputLimit("pages", limits.pages, f"more than {limits.pages:,} pages", f"page {number}")
            inflation.page = number
            got = _page_lines(page, number)
            page.close()  # pdfplumber keeps every page's objects otherwise: memory grows with pages
            if not got:
                empty.append(number)
            chars += sum(len(c[1]) for it in got for c in it.cells) + sum(len(t) for it in got for t in it.texts)
            if chars > limits.text:
                raise InputLimit("text", limits.text, f"more than {limits.text:,} characters of text",
                                 f"page {number}")  # fmt: skip
            lines += got
    out: list[str] = []
    places: list[dict] = []
    prev: _Line | None = None
    i = 0
    while i < len(lines):
        line = lines[i]
        if prev is not None and prev.page == line.page and line.top - prev.bottom > BLANK_GAP * max(line.size, 1):
            out.append("")
            places.append({"page": line.page, "page_line": line.page_line})
        if line.is_row:
            run = [line]
            while i + 1 < len(lines) and lines[i + 1].is_row and not lines[i + 1].table and not line.table \
                    and _close(run[-1], lines[i + 1]):  # fmt: skip
                i += 1
                run.append(lines[i])
            for row, text in zip(run, _aligned(run), strict=True):
                out.append(text)
                places.append({"page": row.page, "page_line": row.page_line})
            prev = run[-1]
            i += 1
            continue
        text = line.cells[0][1]
        last = line
        while i + 1 < len(lines) and _continues(last, lines[i + 1]):
            i += 1
            last = lines[i]
            text += " " + last.cells[0][1]
        out.append(text)
        places.append({"page": line.page, "page_line": line.page_line})
        prev = last
        i += 1
    doc = Document(shown, out, hashlib.sha256(data).hexdigest(), places=places)
    if empty:
        pages = ", ".join(map(str, empty[:10])) + (f" and {len(empty) - 10} more" if len(empty) > 10 else "")
        doc.notes.append(Finding(
            check="no-text", severity="warning",
            message=f"{shown}: page{'s' if len(empty) > 1 else ''} {pages} hold no text pubcheck can read "
                    "(scanned images?); their figures were not checked.",
            expected="a text layer on every page", found=f"{len(empty)} pages without text",
            locations=(Location(shown, 0, "", page=empty[0]),),
        ))  # fmt: skip
    return doc


def _page_count(pdf) -> int | None:  # type: ignore[no-untyped-def]
    """The page count the document's page tree declares (read before any page is parsed)."""
    try:
        from pdfminer.pdftypes import resolve1

        count = resolve1(resolve1(pdf.doc.catalog.get("Pages")).get("Count"))
        return int(count) if isinstance(count, int) else None
    except Exception:  # noqa: BLE001 - a broken tree: the pages are counted as they are read
        return None


def _page_lines(page, number: int) -> list[_Line]:  # type: ignore[no-untyped-def]
    tables = [t for t in page.find_tables() if len(t.rows) >= 1 and len(t.columns) >= 2]
    boxes = [t.bbox for t in tables]
    items: list[_Line] = []
    for t in tables:
        for row, cells in zip(t.rows, t.extract(), strict=False):
            x0, top, x1, bottom = row.bbox
            texts = [" ".join((c or "").split()) for c in cells]
            items.append(_Line(number, 0, top, bottom, x0, x1, 0.0, [], table=True, texts=texts))
    words = [w for w in page.extract_words(extra_attrs=["size"]) if not any(_inside(w, b) for b in boxes)]
    words.sort(key=lambda w: (round(w["top"]), w["x0"]))
    groups: list[list[dict]] = []
    for w in words:
        if groups and abs(w["top"] - groups[-1][0]["top"]) <= max(2.0, 0.3 * w["size"]):
            groups[-1].append(w)
        else:
            groups.append([w])
    for g in groups:
        g.sort(key=lambda w: w["x0"])
        size = max(w["size"] for w in g)
        char = sum(w["x1"] - w["x0"] for w in g) / max(1, sum(len(w["text"]) for w in g))
        cells: list[list[dict]] = [[g[0]]]
        for a, b in zip(g, g[1:], strict=False):
            if b["x0"] - a["x1"] > GAP_CHARS * max(char, 0.3 * size):
                cells.append([b])
            else:
                cells[-1].append(b)
        items.append(_Line(
            number, 0, min(w["top"] for w in g), max(w["bottom"] for w in g), g[0]["x0"], g[-1]["x1"], size,
            [(c[0]["x0"], " ".join(w["text"] for w in c)) for c in cells], first_word=g[0]["x1"] - g[0]["x0"],
        ))  # fmt: skip
    items.sort(key=lambda it: (it.top, it.x0))
    right = max((it.x1 for it in items if not it.is_row), default=page.width)
    size = sorted(it.size for it in items if it.size)[len([it for it in items if it.size]) // 2] if any(
        it.size for it in items) else 10.0  # fmt: skip
    for n, it in enumerate(items, 1):
        it.page_line = n
        it.right = right
        if not it.size:
            it.size = size
    return items


def _inside(w: dict, box: tuple) -> bool:
    x0, top, x1, bottom = box
    cx, cy = (w["x0"] + w["x1"]) / 2, (w["top"] + w["bottom"]) / 2
    return x0 <= cx <= x1 and top <= cy <= bottom


def _close(a: _Line, b: _Line) -> bool:
    return a.page == b.page and b.top - a.bottom <= BLANK_GAP * max(b.size, 1)


def _continues(a: _Line, b: _Line) -> bool:
    """Whether `b` carries on the paragraph of `a` (a wrapped line)."""
    if b.is_row or abs(a.x0 - b.x0) > 1.5:
        return False
    if a.page == b.page and b.top - a.bottom > BLANK_GAP * max(b.size, 1):
        return False
    if a.page != b.page and b.page_line != 1:
        return False
    space = a.size * 0.6
    return a.x1 + space + b.first_word > a.right - 1.0  # the next word would not have fitted


def _aligned(run: list[_Line]) -> list[str]:
    """The rows of a table as tab-separated text, unruled rows aligned on their columns' left edges."""
    if run[0].table:
        return ["\t".join(r.texts) for r in run]
    tol = max(r.size for r in run) * 0.6
    starts: list[float] = []
    for x in sorted(x for r in run for x, _ in r.cells):
        if not starts or x - starts[-1] > tol:
            starts.append(x)
    out = []
    for r in run:
        row = [""] * len(starts)
        for x, text in r.cells:
            col = max(k for k, s in enumerate(starts) if s <= x + tol)
            row[col] = (row[col] + " " + text).strip()
        out.append("\t".join(row))
    return out
