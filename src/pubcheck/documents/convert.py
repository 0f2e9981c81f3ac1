"""Documents that are not plain text: PDF, HTML and spreadsheets become the same Document
(lines of text, tables as tab-separated rows under a caption) with a place for every line
(page and line on the page; section; sheet and cell), so every rule runs unchanged on them.

Each converter module exposes `to_document(path: Path, shown: str, data: bytes, limits: Limits = DEFAULT)
-> Document`, and raises InputLimit (pubcheck.limits) when the file exceeds a budget.
"""

from __future__ import annotations

import hashlib
from importlib import import_module
from pathlib import Path

CONVERTERS = {
    ".pdf": "pubcheck.documents.pdf",
    ".html": "pubcheck.documents.html",
    ".htm": "pubcheck.documents.html",
    ".xlsx": "pubcheck.documents.sheets",
    ".ods": "pubcheck.documents.sheets",
    ".csv": "pubcheck.documents.sheets",
}


def convert(path: Path, shown: str, data: bytes, limits=None):  # type: ignore[no-untyped-def]
    """The Document for a PDF, HTML or spreadsheet file (raises on unreadable input)."""
    from pubcheck.limits import DEFAULT

    module = import_module(CONVERTERS[path.suffix.lower()])
    doc = module.to_document(path, shown, data, limits or DEFAULT)
    doc.sha256 = hashlib.sha256(data).hexdigest()
    return doc
