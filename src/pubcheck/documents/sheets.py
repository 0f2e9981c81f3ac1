"""Statistical tables in spreadsheets (XLSX, ODS) and CSV as a Document: each sheet becomes
tables of tab-separated rows under a caption, and every line keeps its sheet, row and first
column, so a figure's location is a cell ('tables.xlsx:Table 3!C7').

A sheet's caption is its first non-empty row when that row is a single text cell (a title),
else 'Table <n>. <sheet name>'. Blank rows end a table.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zlib
from pathlib import Path
from typing import Any

from pubcheck.documents.load import Document
from pubcheck.limits import DEFAULT, InputLimit, Limits

_CAPTION = re.compile(r"^\s*(Table|Figure)\s+[A-Z]?\d+[a-z]?\b", re.I)


def cell_text(value: Any) -> str:
    """A cell as it would be printed: 22.0 -> '22', 22.2 -> '22.2', '16.8%' stays."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        text = repr(value)
        if "e" not in text and len(text.split(".")[1]) > 9:  # 22.200000000000003 from a formula
            text = f"{value:.9f}".rstrip("0").rstrip(".")
        return text
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return " ".join(str(value).split())


def _decimals(value: Any) -> int:
    if not isinstance(value, float) or isinstance(value, bool) or value.is_integer():
        return 0
    text = cell_text(value)
    return len(text.split(".")[1]) if "." in text and "e" not in text else 0


def printed(rows: list[list[Any]]) -> list[list[str]]:
    """Cell texts; a whole-number float takes the decimals of the other floats in its row, as the
    sheet's number format would show it (22.0 beside 22.2 prints '22.0'); else it prints as an int."""
    out = []
    for row in rows:
        places = max((_decimals(v) for v in row), default=0)
        texts = []
        for v in row:
            if isinstance(v, float) and v.is_integer() and places and abs(v) < 1e15:
                texts.append(f"{v:.{places}f}")
            else:
                texts.append(cell_text(v))
        out.append(texts)
    return out


def read_sheets(path: Path, data: bytes, limits: Limits = DEFAULT) -> list[tuple[str, list[list[str]]]]:
    """(sheet name, rows of cell texts) for every sheet; CSV is one sheet named after the file.
    XLSX and ODS are checked against the budgets before python-calamine reads them (it
    allocates every cell up to a sheet's last used row and column, and aborts the process
    when that fails): see check_workbook."""
    if path.suffix.lower() == ".csv":
        return [(path.stem, read_csv(data, limits))]
    check_workbook(data, path.suffix.lower(), limits)
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    out = []
    cells = 0
    for name in wb.sheet_names:
        rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        cells += sum(len(r) for r in rows)
        if cells > limits.cells:
            raise InputLimit("cells", limits.cells, f"more than {limits.cells:,} cells", f"sheet {name}")
        out.append((name, printed(rows)))
    return out


def read_csv(data: bytes, limits: Limits = DEFAULT) -> list[list[str]]:
    """The rows of a CSV file as cell texts, within the rows, columns and cells budgets."""
    text = data.decode("utf-8-sig")
    if len(text) > limits.text:
        raise InputLimit("text", limits.text, f"{len(text):,} characters")
    rows: list[list[str]] = []
    cells = 0
    reader = csv.reader(io.StringIO(text))
    for row in reader:
        if len(rows) >= limits.rows:
            raise InputLimit("rows", limits.rows, f"more than {limits.rows:,} rows", f"line {reader.line_num}")
        if len(row) > limits.columns:
            raise InputLimit("columns", limits.columns, f"{len(row):,} columns", f"line {reader.line_num}")
        cells += len(row)
        if cells > limits.cells:
            raise InputLimit("cells", limits.cells, f"more than {limits.cells:,} cells", f"line {reader.line_num}")
        rows.append([cell_text(v) for v in row])
    return rows


# --------------------------------------------------------------------------- workbook budgets

_XLSX_SHEET = re.compile(r"xl/worksheets/[^/]+\.xml$")
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\b[^>]*?\bref=\"([A-Z]{1,3})(\d{1,7})(?::([A-Z]{1,3})(\d{1,7}))?\"")
_CELL_REF = re.compile(rb"<(?:\w+:)?c\b[^>]*?\br=\"([A-Z]{1,3})(\d{1,7})\"")
_ROW_REF = re.compile(rb"<(?:\w+:)?row\b[^>]*?\br=\"(\d{1,7})\"")
_ODS_ELEMENT = re.compile(rb"<table:(table-row|table-cell|covered-table-cell|table)\b([^>]*?)(/?)>")
_REPEAT_COLS = re.compile(rb"table:number-columns-repeated=\"(\d{1,9})\"")
_REPEAT_ROWS = re.compile(rb"table:number-rows-repeated=\"(\d{1,9})\"")
_CHUNK = 1 << 20


def _col_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def check_workbook(data: bytes, suffix: str, limits: Limits = DEFAULT) -> None:
    """An XLSX or ODS file against the budgets, before any spreadsheet library reads it: its
    ZIP central directory (members, each member's inflation ratio, total inflated size), then
    each sheet's extent (last row and column with a cell; XLSX also its declared dimension),
    read by streaming the inflated XML with bounded memory. Raises InputLimit, or
    zipfile.BadZipFile for a file that is not a ZIP."""
    import struct
    import zipfile

    try:
        _check_zip(data, suffix, limits)
    except (InputLimit, zipfile.BadZipFile):
        raise
    except (ValueError, OSError, EOFError, KeyError, IndexError, NotImplementedError, RuntimeError, struct.error,
            zlib.error) as exc:  # what zipfile raises on a corrupt directory, an encrypted or broken member
        raise zipfile.BadZipFile(f"not a readable ZIP file ({type(exc).__name__}: {exc})") from exc


def _check_zip(data: bytes, suffix: str, limits: Limits) -> None:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        infos = z.infolist()
        if len(infos) > limits.zip_members:
            raise InputLimit("zip_members", limits.zip_members, f"{len(infos):,} ZIP members")
        total = 0
        for info in infos:
            total += info.file_size
            if total > limits.bytes:
                raise InputLimit("bytes", limits.bytes, f"ZIP members inflating to more than {total:,} bytes",
                                 info.filename)  # fmt: skip
            if info.file_size > 1_000_000 and info.file_size > limits.zip_ratio * max(info.compress_size, 1):
                ratio = info.file_size / max(info.compress_size, 1)
                raise InputLimit("zip_ratio", limits.zip_ratio, f"a member inflating {ratio:,.0f} times "
                                 f"({info.compress_size:,} -> {info.file_size:,} bytes)", info.filename)  # fmt: skip
        if suffix == ".xlsx":
            for info in infos:
                if _XLSX_SHEET.match(info.filename):
                    _xlsx_extent(z, info, limits)
        elif suffix == ".ods":
            for info in infos:
                if info.filename == "content.xml":
                    _ods_extent(z, info, limits)


def _members(z, info, limits: Limits):  # type: ignore[no-untyped-def]
    """The inflated bytes of one member in chunks (a tail kept so no tag is split), never more
    than its declared size (a central directory that lies is caught here)."""
    read = 0
    tail = b""
    with z.open(info) as fh:
        while chunk := _read(fh, info.filename):
            read += len(chunk)
            if read > info.file_size or read > limits.bytes:
                raise InputLimit("bytes", min(limits.bytes, info.file_size),
                                 f"a member inflating past its declared {info.file_size:,} bytes", info.filename)
            block = tail + chunk
            cut = block.rfind(b"<")
            if cut <= 0:
                cut = len(block)
            yield block[:cut]
            tail = block[cut:]
            if len(tail) > _CHUNK:  # one tag of a megabyte: not a spreadsheet's
                raise InputLimit("bytes", _CHUNK, "an XML tag longer than 1 MiB", info.filename)
    yield tail


def _read(fh, name: str) -> bytes:  # type: ignore[no-untyped-def]
    import zipfile

    try:
        return fh.read(_CHUNK)
    except (zlib.error, EOFError) as exc:  # a corrupt member: the file is not a readable workbook
        raise zipfile.BadZipFile(f"{name}: {exc}") from exc


def _check_extent(rows: int, cols: int, where: str, limits: Limits) -> None:
    if rows > limits.rows:
        raise InputLimit("rows", limits.rows, f"a sheet reaching row {rows:,}", where)
    if cols > limits.columns:
        raise InputLimit("columns", limits.columns, f"a sheet reaching column {cols:,}", where)
    if rows * cols > limits.cells:
        raise InputLimit("cells", limits.cells, f"a sheet of {rows:,} x {cols:,} cells", where)


def _xlsx_extent(z, info, limits: Limits) -> None:  # type: ignore[no-untyped-def]
    rows = cols = 0
    for block in _members(z, info, limits):
        for m in _DIMENSION.finditer(block):
            last_col, last_row = (m.group(3), m.group(4)) if m.group(3) else (m.group(1), m.group(2))
            _check_extent(int(last_row), _col_index(last_col), f"{info.filename} <dimension ref>", limits)
        for m in _CELL_REF.finditer(block):
            rows, cols = max(rows, int(m.group(2))), max(cols, _col_index(m.group(1)))
        for m in _ROW_REF.finditer(block):
            rows = max(rows, int(m.group(1)))
        _check_extent(rows, cols, info.filename, limits)


def _ods_extent(z, info, limits: Limits) -> None:  # type: ignore[no-untyped-def]
    """ODS repeats rows and cells by count (number-rows-repeated, number-columns-repeated);
    what counts is the extent of the cells with content (empty trailing repeats are how every
    ODS file fills its sheet, and readers skip them)."""
    rows = cols = 0  # extent of content in the current table
    start, repeat, has = 0, 0, False  # the current row: first index, repeat count, holds content
    col = 0
    for block in _members(z, info, limits):
        for m in _ODS_ELEMENT.finditer(block):
            kind, attrs, closed = m.group(1), m.group(2), m.group(3) == b"/"
            if kind == b"table":
                _check_extent(rows, cols, "content.xml", limits)
                rows = cols = start = repeat = col = 0
                has = False
            elif kind == b"table-row":
                if has:
                    rows = max(rows, start + repeat)
                start += repeat
                r = _REPEAT_ROWS.search(attrs)
                repeat, has, col = (int(r.group(1)) if r else 1), False, 0
            else:
                c = _REPEAT_COLS.search(attrs)
                n = int(c.group(1)) if c else 1
                if not closed:  # a cell with content (a self-closed one is empty)
                    has = True
                    cols = max(cols, col + n)
                col += n
        _check_extent(max(rows, start + repeat if has else 0), cols, "content.xml", limits)


def _filled(row: list[str]) -> list[int]:
    return [i for i, v in enumerate(row) if v.strip()]


def sheet_lines(name: str, rows: list[list[str]], number: int) -> tuple[list[str], list[dict]]:
    """The lines and places of one sheet (number: its 1-based position, for a made-up caption)."""
    lines: list[str] = []
    places: list[dict] = []
    nonempty = [r for r, row in enumerate(rows) if _filled(row)]
    if not nonempty:
        return lines, places
    first = nonempty[0]
    filled = _filled(rows[first])
    value = rows[first][filled[0]]
    start = first
    if len(filled) == 1 and not _number(value):
        lines.append(value)
        places.append({"sheet": name, "row": first + 1, "col0": filled[0]})
        start = first + 1
    else:
        lines.append(name if _CAPTION.match(name) else f"Table {number}. {name}")
        places.append({"sheet": name, "row": first + 1, "col0": filled[0]})
    blocks: list[list[int]] = []
    for r in range(start, len(rows)):
        if _filled(rows[r]):
            if blocks and blocks[-1][-1] == r - 1:
                blocks[-1].append(r)
            else:
                blocks.append([r])
    for block in blocks:
        lines.append("")
        places.append({"sheet": name})
        lo = min(_filled(rows[r])[0] for r in block)
        hi = max(_filled(rows[r])[-1] for r in block)
        for r in block:
            filled = _filled(rows[r])
            note = len(filled) == 1 and not _number(rows[r][filled[0]]) and (r == block[0] or r == block[-1])
            if note and lo != hi:  # a title or note line above or below the table: plain text
                lines.append(rows[r][filled[0]])
                places.append({"sheet": name, "row": r + 1, "col0": filled[0]})
                continue
            cells = [(rows[r][c] if c < len(rows[r]) else "").replace("\t", " ") for c in range(lo, hi + 1)]
            lines.append("\t".join(cells))
            places.append({"sheet": name, "row": r + 1, "col0": lo})
    return lines, places


_NUMBER = re.compile(r"^\s*[-+]?£?\s*\d[\d,]*(?:\.\d+)?\s*%?\s*$")


def _number(text: str) -> bool:
    return bool(_NUMBER.match(text))


def to_document(path: Path, shown: str, data: bytes, limits: Limits = DEFAULT) -> Document:
    lines: list[str] = []
    places: list[dict] = []
    for n, (name, rows) in enumerate(read_sheets(path, data, limits), start=1):
        more, where = sheet_lines(name, rows, n)
        if not more:
            continue
        if lines:
            lines.append("")
            places.append({"sheet": name})
        lines += more
        places += where
    return Document(shown, lines, "", places=places)
