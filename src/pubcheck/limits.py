"""Budgets for reading one document: what a real publication never reaches, so that a hostile or
broken file is stopped with a clear `input-limit` finding instead of hanging or exhausting the run.

The defaults sit far above the largest real statistical publications (hundreds of pages, a few
MB of text, tables of some hundred thousand cells); every one can be changed with
`--limit NAME=VALUE` on the command line or in `pubcheck.toml` (read by pubcheck.config):

    [limits]
    pages = 2000
    memory = "4G"

Exceeding a budget raises InputLimit (naming the limit, its value, what was found and where); the
reader that raised it stops, the other documents are still checked. `time` and `memory` are
also enforced by the operating system on the worker process that reads the document
(pubcheck.sandbox), so no reader, however it fails, can take more.

Layer: the lowest (with model and paths); every stage may import it.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

from pubcheck.model import InputError

KIB, MIB, GIB = 1024, 1024**2, 1024**3


@dataclass(frozen=True)
class Limits:
    time: float = 120.0  # seconds of wall time to read and extract one document (also CPU seconds)
    memory: int = 2 * GIB  # address space of the process that reads one document
    bytes: int = 256 * MIB  # a document's file, and what its compressed parts inflate to (ZIP, PDF streams)
    text: int = 32 * MIB  # characters of text one document yields
    pages: int = 1_000  # PDF pages
    cells: int = 2_000_000  # table cells in one document (spreadsheet, CSV, HTML tables)
    rows: int = 500_000  # rows of one sheet or CSV file
    columns: int = 1_000  # columns of one sheet or CSV file
    html_depth: int = 256  # nesting of HTML elements
    html_bytes: int = 16 * MIB  # size of an HTML page
    zip_ratio: float = 200.0  # how many times a ZIP member (XLSX, ODS) may inflate
    zip_members: int = 10_000  # members of a ZIP file
    figures: int = 1_000_000  # figures extracted from one document

    def with_(self, **changes: Any) -> Limits:
        return replace(self, **changes)


DESCRIPTIONS = {
    "time": "seconds to read and extract one document",
    "memory": "memory (address space) of the worker reading one document",
    "bytes": "size of a document, and what its compressed parts inflate to",
    "text": "characters of text in one document",
    "pages": "PDF pages",
    "cells": "table cells in one document",
    "rows": "rows of one sheet or CSV file",
    "columns": "columns of one sheet or CSV file",
    "html_depth": "nesting depth of HTML elements",
    "html_bytes": "size of an HTML page",
    "zip_ratio": "inflation ratio of a ZIP member (XLSX, ODS)",
    "zip_members": "members of a ZIP file (XLSX, ODS)",
    "figures": "figures extracted from one document (numbers counted in runs included)",
}
SIZES = {"memory", "bytes", "html_bytes", "text"}  # accept K, M, G suffixes (binary)
NAMES = tuple(f.name for f in fields(Limits))
DEFAULT = Limits()


class InputLimit(InputError):
    """A document exceeds a budget: which limit, its value, what was found, and where."""

    def __init__(self, limit: str, value: Any, found: str, where: str = "") -> None:
        self.limit, self.value, self.found, self.where = limit, value, found, where
        at = f" at {where}" if where else ""
        super().__init__(f"{found}{at} exceeds the limit {limit} = {show(limit, value)} "
                         f"({DESCRIPTIONS.get(limit, limit)}; raise it with --limit {limit}=...)")  # fmt: skip

    def __reduce__(self):  # type: ignore[no-untyped-def]  # sent back from a worker process
        return (InputLimit, (self.limit, self.value, self.found, self.where))


def show(name: str, value: Any) -> str:
    if name in SIZES:
        for unit, size in (("G", GIB), ("M", MIB), ("K", KIB)):
            if value >= size and value % size == 0:
                return f"{value // size}{unit}"
        return f"{value:,}"
    if isinstance(value, float) and value.is_integer():
        return f"{int(value)}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def parse_value(name: str, raw: Any, where: str) -> Any:
    """A limit's value from text or TOML ('4G', '1.5M', 2000, '30'): positive and finite."""
    if name not in NAMES:
        raise InputError(f"{where}: unknown limit {name!r}; known: {', '.join(NAMES)}")
    kind = type(getattr(DEFAULT, name))
    text = str(raw).strip().replace("_", "").replace(",", "") if not isinstance(raw, bool) else ""
    scale = 1
    if name in SIZES and text[-1:].upper() in ("K", "M", "G"):
        scale = {"K": KIB, "M": MIB, "G": GIB}[text[-1].upper()]
        text = text[:-1].rstrip().removesuffix("i")
    try:
        number = float(text) * scale
    except ValueError:
        raise InputError(f"{where}: limit {name} must be a positive number, not {raw!r}") from None
    if not (number > 0 and number < float("inf")):
        raise InputError(f"{where}: limit {name} must be a positive number, not {raw!r}")
    return int(number) if kind is int else number


def from_pairs(pairs: list[str], base: Limits = DEFAULT) -> Limits:
    """Limits from `--limit NAME=VALUE` arguments, over `base`."""
    changes: dict[str, Any] = {}
    for pair in pairs:
        name, sep, raw = pair.partition("=")
        name = name.strip().replace("-", "_")
        if not sep or not raw.strip():
            raise InputError(f"--limit {pair!r}: expected NAME=VALUE, e.g. --limit pages=2000")
        changes[name] = parse_value(name, raw, f"--limit {pair}")
    return replace(base, **changes)


def from_table(table: Any, where: str, base: Limits = DEFAULT) -> Limits:
    """Limits from the [limits] table of a pubcheck.toml, over `base`."""
    if not isinstance(table, dict):
        raise InputError(f"{where}: [limits] must be a table of NAME = value")
    changes = {str(k).replace("-", "_"): parse_value(str(k).replace("-", "_"), v, f"{where} [limits] {k}")
               for k, v in table.items()}  # fmt: skip
    return replace(base, **changes)


def help_text() -> str:
    return "; ".join(f"{n} ({show(n, getattr(DEFAULT, n))})" for n in NAMES)
