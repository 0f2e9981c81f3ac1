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
from pathlib import Path
from typing import Any

from pubcheck.documents.load import Document

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


def read_sheets(path: Path, data: bytes) -> list[tuple[str, list[list[str]]]]:
    """(sheet name, rows of cell texts) for every sheet; CSV is one sheet named after the file."""
    if path.suffix.lower() == ".csv":
        text = data.decode("utf-8-sig")
        return [(path.stem, [[cell_text(v) for v in row] for row in csv.reader(io.StringIO(text))])]
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    out = []
    for name in wb.sheet_names:
        rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        out.append((name, printed(rows)))
    return out


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


def to_document(path: Path, shown: str, data: bytes) -> Document:
    lines: list[str] = []
    places: list[dict] = []
    for n, (name, rows) in enumerate(read_sheets(path, data), start=1):
        more, where = sheet_lines(name, rows, n)
        if not more:
            continue
        if lines:
            lines.append("")
            places.append({"sheet": name})
        lines += more
        places += where
    return Document(shown, lines, "", places=places)
