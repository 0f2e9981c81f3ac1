"""What the contract modules share: the check ids of their findings, the helper columns
added to a source, the polars engine, and the finding about a file or column as a whole."""

from __future__ import annotations

from pathlib import Path

from pubcheck.model import Finding, Location

CONTRACT = "extract-contract"  # a declared rule fails
STRUCTURE = "extract-structure"  # missing/extra columns, wrong types
UNREADABLE = "extract-unreadable"  # the file (or some of its rows) cannot be read as the contract's table

ROW = "__pubcheck_row"  # 0-based row index, added where failing rows are fetched
RAW = "__pubcheck_raw__"  # prefix: the column as read, before parsing to the declared type
ENGINE = "streaming"


def _file_finding(check: str, severity: str, path: Path, rule: str, text: str, expected: str, found: str, *,
                  cell: str | None = None, line: int = 0, quote: str = "") -> tuple[str, Finding]:  # fmt: skip
    """(rule key, finding) for a finding about the file or a column; `text` names the rule."""
    key = f"{rule}:{cell}" if cell else rule
    return key, Finding(check=check, severity=severity, message=f"{path.name}: {text}", expected=expected,
                        found=found, locations=(Location(str(path), line, quote, cell=cell),))  # fmt: skip


def _err(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"[:300]

