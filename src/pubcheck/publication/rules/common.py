"""Helpers the rule families share: interval text, row-label patterns, the text between
two figures on one line."""

from __future__ import annotations

import re
from functools import lru_cache

from pubcheck.figures.extract import Extraction
from pubcheck.model import Figure, Interval


def _show(f: Figure) -> str:
    return f"{f.text.strip()} ({f.location.label()})"


def _iv(iv: Interval) -> str:
    return iv.show()


def _unit_word(unit: str) -> str:
    return {"percent": "per cent", "percentage_points": "percentage points", "GBP": "GBP"}.get(
        unit, ""
    )


@lru_cache(maxsize=1 << 14)
def _matches(pats: tuple[re.Pattern[str], ...], text: str) -> bool:
    """Does any of the patterns match `text`? (Asked of every cell's row and column label, so
    a tuple of patterns and a label are answered once.)"""
    return any(p.search(text) for p in pats)


def _between(ex: Extraction, a: Figure, b: Figure) -> str | None:
    line = ex.document.lines[a.line - 1] if a.line - 1 < len(ex.document.lines) else ""
    if a.line != b.line:
        return None
    return line[a.span[1] : b.span[0]]
