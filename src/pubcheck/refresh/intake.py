"""Intake: check every incoming extract file for structure before anything loads it.

Stage one of the data-refresh gate (issue 4). Each file (CSV, XLSX, ODS, Parquet) is
checked for structure; a broken file yields `intake` findings with file, line and column,
and the run goes on with the other files. Nothing here raises.

What checks what:
- CSV and XLSX: frictionless validates the rows (blank-header/duplicate-label/blank-label,
  blank-row, duplicate-row, extra-cell/missing-cell, type-error, constraint-error for an
  empty required cell, encoding-error). The frictionless schema is built from the pandera
  contract in schemas/extracts.py, in the file's own column order, so a column in the wrong
  place is not reported as a wrong label; pubcheck itself compares the header with the
  contract (extra-label / missing-label, by name).
- CSV, added by pubcheck: a UTF-8 scan that names the first undecodable line (frictionless
  reports an encoding error without a row), after which the file is read as latin-1 so the
  other checks still run; and a tail check (no final newline, wrong cell count on the last
  line) that sees the end of the file even when only the first `limit_rows` rows are
  sampled.
- ODS: frictionless needs ezodf for ODS, which is not installed; python-calamine reads the
  first sheet and frictionless validates those rows as inline data.
- Parquet: frictionless cannot read it without extras; pyarrow reads the footer only
  (schema and row-group statistics, no rows): an unreadable/truncated file gives one
  finding; columns and types are compared with the contract, and null counts from the
  statistics are checked against non-nullable columns.

frictionless checks about 15 microseconds a row, so at most `limit_rows` rows are
validated; a file with more is `sampled` and its findings say so.

Severity: blank-row and duplicate-row are warnings (the loader can drop them and key
uniqueness is a contract check); everything else is an error.

Root causes first: one finding per (problem, column), with its count, its first line and a
few examples, never one per cell; a row with too few or too many cells is one finding, not
one per missing cell plus one per required value; a last line cut short with no line end is
one `truncated` error; a file that is not UTF-8 is one `encoding-error` (how many lines,
the first one, what the bytes would be in Latin-1), and the values that fail to parse only
because of those bytes are counted in it, not reported again. frictionless's wording is
translated (`type is "number/default"` is "a number").
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pubcheck.model import Finding, Location

CHECK = "intake"
EXAMPLES = 5  # examples quoted in a grouped finding
SUFFIXES = (".csv", ".xlsx", ".ods", ".parquet")
WARNING_TYPES = {"blank-row", "duplicate-row", "no-final-newline"}
_TAIL_BYTES = 64 * 1024


@dataclass
class IntakeResult:
    """The intake of one file."""

    path: Path
    stem: str | None
    findings: list[Finding] = field(default_factory=list)
    rows_checked: int = 0
    seconds: float = 0.0
    sampled: bool = False

    @property
    def ok(self) -> bool:
        return not any(f.severity == "error" for f in self.findings)


@dataclass(frozen=True)
class _Issue:
    """One structural problem before grouping."""

    type: str
    message: str
    line: int
    quote: str = ""
    column: str | None = None
    cell: str | None = None
    sheet: str | None = None
    expected: str = "a well-formed file"
    found: str = ""


# ---------------------------------------------------------------- contract -> expected columns


def _contract_columns(stem: str | None) -> dict[str, tuple[str, bool]] | None:
    """Column name -> (kind, nullable) from the pandera contract; kind is one of
    string/int/float/bool/date/other. None when the stem has no contract."""
    if stem is None:
        return None
    from schemas.extracts import CONTRACTS

    if stem not in CONTRACTS:
        return None
    out: dict[str, tuple[str, bool]] = {}
    for name, col in CONTRACTS[stem].model.to_schema().columns.items():
        d = str(col.dtype).lower()
        if "string" in d or d in ("str", "utf8", "categorical"):
            kind = "string"
        elif d.startswith(("int", "uint")):
            kind = "int"
        elif d.startswith("float"):
            kind = "float"
        elif d.startswith("bool"):
            kind = "bool"
        elif d == "date":
            kind = "date"
        else:
            kind = "other"
        out[name] = (kind, bool(col.nullable))
    return out


_FL_TYPES = {"string": "string", "int": "integer", "float": "number", "bool": "boolean", "date": "date"}


def _fl_schema(names: list[str], expected: dict[str, tuple[str, bool]] | None) -> Any:
    """A frictionless Schema in the file's column order: contract types for contract
    columns, `any` for the rest (extra columns are reported by name, not by type)."""
    from frictionless import Field, Schema

    fields = []
    for name in names:
        if expected and name in expected:
            kind, nullable = expected[name]
            ftype = _FL_TYPES.get(kind, "any")
            constraints = {} if nullable else {"required": True}
        else:
            ftype, constraints = "any", {}
        fields.append(Field.from_descriptor({"name": name, "type": ftype, "constraints": constraints}))
    return Schema(fields=fields)


def _label_issues(labels: list[str], expected: dict[str, tuple[str, bool]] | None, quote: str) -> list[_Issue]:
    if not expected:
        return []
    issues = []
    for i, label in enumerate(labels, start=1):
        if label and label not in expected:
            issues.append(
                _Issue(
                    "extra-label",
                    f"extra-label: column {label!r} (position {i}) is not in the contract",
                    1,
                    quote,
                    column=label,
                    expected="only the contract's columns",
                    found=label,
                )
            )
    for name in expected:
        if name not in labels:
            issues.append(
                _Issue(
                    "missing-label",
                    f"missing-label: contract column {name!r} is missing from the header",
                    1,
                    quote,
                    column=name,
                    expected=name,
                    found="no such column",
                )
            )
    return issues


# ---------------------------------------------------------------- frictionless


def _col_letter(n: int) -> str:
    s = ""
    while n > 0:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


_TYPE_WORDS = {"number": "a number", "integer": "a whole number", "date": "a date (YYYY-MM-DD)",
               "boolean": "true or false", "string": "text", "datetime": "a date and time"}  # fmt: skip


def _plain(note: str) -> str:
    """frictionless's note in words: `type is "number/default"` -> `a number`."""
    m = re.match(r'type is "(\w+)/', note)
    if m:
        return _TYPE_WORDS.get(m.group(1), m.group(1))
    m = re.match(r'constraint "required" is "True"', note)
    if m:
        return "a value (the column is required)"
    m = re.match(r'constraint "(\w+)" is "(.*)"', note)
    if m:
        return f"{m.group(1)} {m.group(2)}"
    return note


def _run_frictionless(resource: Any, limit_rows: int, sheet: str | None) -> tuple[list[_Issue], int]:
    """Validate an opened-for-the-first-time frictionless Resource; return issues and rows read."""
    from frictionless import Checklist, checks

    report = resource.validate(Checklist(checks=[checks.duplicate_row()]), limit_rows=limit_rows)
    issues: list[_Issue] = []
    rows = 0
    for task in report.tasks:
        rows = max(rows, int(task.stats.get("rows") or 0))
        for err in task.errors:
            etype = err.type
            row = getattr(err, "row_number", None)
            fname = getattr(err, "field_name", None) or None
            fnum = getattr(err, "field_number", None)
            cells = getattr(err, "cells", None) or getattr(err, "labels", None) or []
            quote = ",".join("" if c is None else str(c) for c in cells)
            cell = None
            if sheet is not None and fnum:
                cell = f"{_col_letter(fnum)}{row or 1}"
            where = f"column {fname!r}" if fname else (f"position {fnum}" if fnum else "")
            note = getattr(err, "note", "") or ""
            found = ""
            if etype in ("type-error", "constraint-error") and getattr(err, "cell", None) is not None:
                found = repr(err.cell)
            want = _plain(note) if note else ""
            if etype in ("type-error", "constraint-error") and want:
                msg = f"{etype} at {where}: {found or 'an empty cell'} is not {want}"
            elif etype in ("missing-cell", "extra-cell"):
                msg = f"{etype} at {where}"
            else:
                msg = f"{etype}: {err.message}" if not where else f"{etype} at {where}: {want or err.message}"
            issues.append(
                _Issue(
                    etype,
                    msg,
                    row or 1,
                    quote,
                    column=fname or (str(fnum) if fnum else None),
                    cell=cell,
                    sheet=sheet,
                    expected=want or "a well-formed row",
                    found=found or etype,
                )
            )
    return issues, rows


# ---------------------------------------------------------------- CSV


def _utf8_scan(path: Path, max_lines: int) -> tuple[_Issue | None, set[int]]:
    """Lines (of at most `max_lines`) that are not valid UTF-8: one issue naming how many, the
    first, and what its bytes are in Latin-1; and the set of those lines."""
    bad: list[tuple[int, bytes, UnicodeDecodeError]] = []
    with path.open("rb") as fh:
        for lineno, raw in enumerate(fh, start=1):
            if lineno > max_lines:
                break
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                bad.append((lineno, raw, exc))
    if not bad:
        return None, set()
    lineno, raw, exc = bad[0]
    text = raw.decode("latin-1").rstrip("\r\n")
    byte = raw[exc.start : exc.start + 1]
    column = None
    try:
        with path.open("rb") as fh:
            header = next(csv.reader([fh.readline().decode("utf-8", "replace")]), [])
        cells = next(csv.reader([text]), [])
        at = len(raw[: exc.start].decode("latin-1").split(","))  # the cell the byte stands in (1-based)
        if 0 < at <= len(header) and len(cells) == len(header):
            column = header[at - 1]
    except (OSError, StopIteration):
        pass
    where = f" in column {column!r}" if column else ""
    n = len(bad)
    issue = _Issue(
        "encoding-error",
        f"encoding-error: the file is not UTF-8: {n} line{'s' if n != 1 else ''} hold{'s' if n == 1 else ''} bytes "
        f"that are not UTF-8, first line {lineno}{where} (byte {byte!r}, {byte.decode('latin-1')!r} in "
        f"Latin-1/Windows-1252: the file was probably saved in that encoding); save it as UTF-8",
        lineno,
        text,
        column=column,
        expected="UTF-8 text",
        found=f"{n} lines with non-UTF-8 bytes, e.g. {byte!r} at line {lineno}",
    )
    return issue, {b[0] for b in bad}
def _count_lines(path: Path) -> tuple[int, bool]:
    """Physical lines in the file and whether it ends with a newline (reads in 1 MiB blocks)."""
    n, last = 0, b""
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            n += block.count(b"\n")
            last = block
    ends = last.endswith(b"\n")
    return n + (0 if ends or not last else 1), ends


def _tail_issues(path: Path, encoding: str, n_labels: int, sampled: bool) -> list[_Issue]:
    """A file cut short: no final newline; and, when only a sample was validated, a last
    line whose cell count differs from the header's."""
    issues: list[_Issue] = []
    size = path.stat().st_size
    if size == 0:
        return [_Issue("empty-file", "empty-file: the file has no bytes", 1, expected="a header and rows", found="0 B")]
    nlines, ends = _count_lines(path)
    with path.open("rb") as fh:
        fh.seek(max(0, size - _TAIL_BYTES))
        tail = fh.read().decode(encoding, errors="replace")
    last = tail.rstrip("\r\n").rsplit("\n", 1)[-1].rstrip("\r")
    last_line = nlines
    if not ends:
        issues.append(
            _Issue(
                "no-final-newline",
                "no-final-newline: the last line has no line end; the file may be cut short",
                last_line,
                last,
                expected="a line end after the last row",
                found="no line end",
            )
        )
    if sampled and n_labels and last_line > 1:
        cells = next(csv.reader(io.StringIO(last)), [])
        if len(cells) != n_labels:
            etype = "missing-cell" if len(cells) < n_labels else "extra-cell"
            issues.append(
                _Issue(
                    etype,
                    f"{etype}: the last line has {len(cells)} cells, the header {n_labels}; "
                    "the file may be cut short (tail check outside the validated sample)",
                    last_line,
                    last,
                    expected=f"{n_labels} cells",
                    found=f"{len(cells)} cells",
                )
            )
    return issues


def _intake_csv(path: Path, expected: Any, limit_rows: int, result: IntakeResult) -> list[_Issue]:
    from frictionless import Detector, Resource

    issues: list[_Issue] = []
    enc_issue, bad_lines = _utf8_scan(path, limit_rows + 1)
    encoding = "utf-8-sig"
    if enc_issue:
        encoding = "latin-1"
    if path.stat().st_size == 0:
        return _tail_issues(path, encoding, 0, False)
    with path.open(encoding=encoding, errors="replace", newline="") as fh:
        labels = next(csv.reader(fh), [])
    header_quote = ",".join(labels)
    issues += _label_issues(labels, expected, header_quote)
    names = _unique_names(labels)
    resource = Resource(
        path=path.name,
        basepath=str(path.parent),
        encoding=encoding,
        schema=_fl_schema(names, expected),
        detector=Detector(schema_sync=False),
    )
    found, rows = _run_frictionless(resource, limit_rows, None)
    issues += [i for i in found if i.type != "encoding-error" or not enc_issue]
    result.rows_checked = rows
    sampled = False
    if rows >= limit_rows:
        nlines, _ = _count_lines(path)
        sampled = nlines - 1 > limit_rows
    result.sampled = sampled
    issues += _tail_issues(path, "utf-8" if encoding == "utf-8-sig" else encoding, len(labels), sampled)
    # frictionless already reports the last line's cells when it read the whole file
    issues = _fold_rows(_dedupe(issues), len(labels))
    if enc_issue:
        issues = _fold_encoding(issues, enc_issue, bad_lines)
    return issues


def _fold_rows(issues: list[_Issue], n_labels: int) -> list[_Issue]:
    """A row with too few (or too many) cells is one issue, not one per missing cell plus one
    per required value; a short last line with no line end is the file cut short."""
    by_line: dict[int, list[_Issue]] = {}
    for i in issues:
        by_line.setdefault(i.line, []).append(i)
    tail = next((i for i in issues if i.type == "no-final-newline"), None)
    out: list[_Issue] = []
    done: set[int] = set()
    for i in issues:
        if i.type not in ("missing-cell", "extra-cell") or i.line in done:
            if i.line in done and i.type in ("missing-cell", "extra-cell", "constraint-error", "type-error"):
                continue
            if i.type == "no-final-newline" and tail is not None and tail.line in done:
                continue
            out.append(i)
            continue
        done.add(i.line)
        cells = len(next(csv.reader([i.quote]), [])) if i.quote else 0
        short = i.type == "missing-cell"
        if short and tail is not None and tail.line == i.line:
            out.append(_Issue("truncated", f"truncated: the file is cut short: its last line ({i.line}) ends after "
                                           f"{cells} of {n_labels} cells with no line end", i.line, i.quote,
                              expected=f"{n_labels} cells and a line end", found=f"{cells} cells, no line end"))
        else:
            out.append(_Issue(i.type, f"{i.type}: line {i.line} has {cells} of {n_labels} cells", i.line, i.quote,
                              expected=f"{n_labels} cells", found=f"{cells} cells"))  # fmt: skip
    return [i for i in out if not (i.line in done and i.type in ("constraint-error", "type-error"))]


def _fold_encoding(issues: list[_Issue], enc: _Issue, bad_lines: set[int]) -> list[_Issue]:
    """Values that do not parse only because they hold the undecodable bytes are the encoding
    error's consequence: counted in it, not reported again."""
    kept, folded = [], 0
    for i in issues:
        if i.type in ("type-error", "constraint-error") and i.line in bad_lines and any(ord(c) > 127 for c in i.found):
            folded += 1
            continue
        kept.append(i)
    if folded:
        enc = _Issue(enc.type, f"{enc.message} ({folded} values that do not parse because of them are not "
                               "reported separately)", enc.line, enc.quote, column=enc.column,
                     expected=enc.expected, found=enc.found)  # fmt: skip
    return [enc, *kept]


def _unique_names(labels: list[str]) -> list[str]:
    """Field names for frictionless: blank or repeated labels get a positional name
    (frictionless reports blank-label / duplicate-label from the header itself)."""
    seen: set[str] = set()
    out = []
    for i, label in enumerate(labels, start=1):
        name = label if label and label not in seen else f"{label or 'field'}{i}"
        seen.add(name)
        out.append(name)
    return out


def _dedupe(issues: list[_Issue]) -> list[_Issue]:
    seen: set[tuple[str, int, str | None]] = set()
    out = []
    for i in issues:
        key = (i.type, i.line, i.column)
        if key not in seen:
            seen.add(key)
            out.append(i)
    return out


# ---------------------------------------------------------------- XLSX / ODS


def _intake_xlsx(path: Path, expected: Any, limit_rows: int, result: IntakeResult) -> list[_Issue]:
    from frictionless import Resource, formats

    control = formats.ExcelControl(sheet=1)
    with Resource(path=path.name, basepath=str(path.parent), control=control) as probe:
        labels = [str(x) if x is not None else "" for x in probe.labels]
    sheet = _first_sheet_name(path)
    issues = _label_issues(labels, expected, ",".join(labels))
    resource = Resource(
        path=path.name,
        basepath=str(path.parent),
        control=formats.ExcelControl(sheet=1),
        schema=_fl_schema(_unique_names(labels), expected),
    )
    found, rows = _run_frictionless(resource, limit_rows, sheet)
    result.rows_checked = rows
    result.sampled = rows >= limit_rows
    return issues + found


def _first_sheet_name(path: Path) -> str:
    try:
        from python_calamine import CalamineWorkbook

        return CalamineWorkbook.from_path(str(path)).sheet_names[0]
    except Exception:  # noqa: BLE001 - the name is cosmetic
        return "sheet1"


def _ods_cell(v: Any) -> Any:
    if v == "" or v is None:
        return None
    if isinstance(v, float) and v.is_integer():
        return int(v)
    if isinstance(v, dt.datetime) and v.time() == dt.time(0):
        return v.date()
    return v


def _intake_ods(path: Path, expected: Any, limit_rows: int, result: IntakeResult) -> list[_Issue]:
    """frictionless reads ODS only with ezodf; python-calamine reads the first sheet here
    and frictionless validates the rows as inline data."""
    from frictionless import Resource
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    sheet_name = wb.sheet_names[0]
    rows = wb.get_sheet_by_index(0).to_python(skip_empty_area=False, nrows=limit_rows + 2)
    if not rows:
        return [_Issue("empty-file", "empty-file: the first sheet has no rows", 1, sheet=sheet_name, cell="A1")]
    data = [[_ods_cell(v) for v in row] for row in rows]
    labels = ["" if v is None else str(v) for v in data[0]]
    issues = _label_issues(labels, expected, ",".join(labels))
    resource = Resource(data=data, schema=_fl_schema(_unique_names(labels), expected))
    found, n = _run_frictionless(resource, limit_rows, sheet_name)
    result.rows_checked = n
    result.sampled = len(rows) - 1 > limit_rows
    return issues + found


# ---------------------------------------------------------------- Parquet


def _arrow_kind(t: Any) -> str:
    import pyarrow as pa

    if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_dictionary(t):
        return "string"
    if pa.types.is_integer(t):
        return "int"
    if pa.types.is_floating(t):
        return "float"
    if pa.types.is_boolean(t):
        return "bool"
    if pa.types.is_date(t):
        return "date"
    return str(t)


def _intake_parquet(path: Path, expected: Any, result: IntakeResult) -> list[_Issue]:
    """Footer only: schema, row count and row-group statistics; no rows are read."""
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(path)
        schema = pf.schema_arrow
        meta = pf.metadata
    except Exception as exc:  # noqa: BLE001 - truncated/corrupt: one finding
        return [
            _Issue(
                "format-error",
                f"format-error: not a readable Parquet file (truncated or corrupt?): {type(exc).__name__}: {exc}",
                1,
                expected="a complete Parquet file",
                found=type(exc).__name__,
            )
        ]
    result.rows_checked = meta.num_rows
    names = list(schema.names)
    issues = _label_issues(names, expected, ",".join(names))
    if not expected:
        return issues
    for name in names:
        if name not in expected:
            continue
        kind, nullable = expected[name]
        got = _arrow_kind(schema.field(name).type)
        if got != kind and not (kind == "float" and got == "int"):
            issues.append(
                _Issue(
                    "type-error",
                    f"type-error at column {name!r}: Parquet type {schema.field(name).type} is not {kind}",
                    1,
                    ",".join(names),
                    column=name,
                    expected=kind,
                    found=str(schema.field(name).type),
                )
            )
        if not nullable:
            nulls = _null_count(meta, names.index(name))
            if nulls:
                issues.append(
                    _Issue(
                        "constraint-error",
                        f"constraint-error at column {name!r}: {nulls} null values "
                        "(row-group statistics) in a required column",
                        1,
                        ",".join(names),
                        column=name,
                        expected="no nulls",
                        found=f"{nulls} nulls",
                    )
                )
    return issues


def _null_count(meta: Any, col: int) -> int:
    total = 0
    for rg in range(meta.num_row_groups):
        c = meta.row_group(rg).column(col)
        stats = c.statistics
        if stats is not None and stats.has_null_count:
            total += stats.null_count or 0
    return total


# ---------------------------------------------------------------- findings


def _findings(doc: str, issues: list[_Issue], sampled_note: str) -> list[Finding]:
    """One finding per (problem, column): its count, first line and a few examples."""
    name = Path(doc).name
    groups: dict[tuple[str, str | None], list[_Issue]] = {}
    for i in issues:
        groups.setdefault((i.type, i.column), []).append(i)
    out: list[Finding] = []
    for (etype, _), group in groups.items():
        severity = "warning" if etype in WARNING_TYPES else "error"
        group.sort(key=lambda i: i.line)
        first = group[0]
        loc = Location(document=doc, line=first.line, quote=first.quote, sheet=first.sheet,
                       cell=first.cell or first.column)  # fmt: skip
        unit = "line" if first.sheet is None else "row"
        if len(group) == 1:
            message, found = first.message, first.found
        elif etype in ("type-error", "constraint-error"):
            examples = "; ".join(f"{i.found} ({unit} {i.line})" for i in group[:EXAMPLES])
            more = f" and {len(group) - EXAMPLES} more" if len(group) > EXAMPLES else ""
            message = (f"{etype} at column {first.column!r}: {len(group)} values are not {first.expected} "
                       f"({unit}s {first.line}-{group[-1].line})")  # fmt: skip
            found = f"{examples}{more}"
        else:
            shown = ", ".join(str(i.line) for i in group[:EXAMPLES])
            more = f" and {len(group) - EXAMPLES} more" if len(group) > EXAMPLES else ""
            message = f"{first.message} ({len(group)} {unit}s like it: {shown}{more})"
            found = first.found
        out.append(Finding(CHECK, severity, f"{name}: {message}{sampled_note}", first.expected, found, (loc,),
                           key=f"{etype}:{first.column}" if first.column else etype))  # fmt: skip
    return out


def intake_file(path: Path, stem: str | None = None, *, limit_rows: int = 100_000) -> IntakeResult:
    """Check one file's structure. Never raises: an unexpected failure is an `intake`
    finding ("intake stopped: ...") and the caller goes on with other files."""
    path = Path(path)
    result = IntakeResult(path=path, stem=stem)
    t0 = time.perf_counter()
    doc = str(path)
    try:
        expected = _contract_columns(stem)
        suffix = path.suffix.lower()
        if suffix == ".csv":
            issues = _intake_csv(path, expected, limit_rows, result)
        elif suffix in (".xlsx", ".ods") and (limit := _over_budget(path, suffix)) is not None:
            issues = [limit]
        elif suffix == ".xlsx":
            issues = _intake_xlsx(path, expected, limit_rows, result)
        elif suffix == ".ods":
            issues = _intake_ods(path, expected, limit_rows, result)
        elif suffix == ".parquet":
            issues = _intake_parquet(path, expected, result)
        else:
            issues = [
                _Issue(
                    "format-error",
                    f"format-error: unsupported file type {suffix!r}",
                    1,
                    expected=" ".join(SUFFIXES),
                    found=suffix,
                )
            ]
        note = f" [sampled: first {result.rows_checked} rows validated]" if result.sampled else ""
        result.findings = _findings(doc, issues, note)
    except Exception as exc:  # noqa: BLE001 - never raise: one finding, the run goes on
        result.findings.append(
            Finding(
                CHECK,
                "error",
                f"{path.name}: intake stopped: {type(exc).__name__}: {exc}",
                "a file intake can read",
                type(exc).__name__,
                (Location(document=doc, line=1, quote=""),),
            )
        )
    result.seconds = time.perf_counter() - t0
    return result


def _over_budget(path: Path, suffix: str) -> _Issue | None:
    """An XLSX or ODS file over the reading budgets (pubcheck.limits), checked from its ZIP
    directory and sheet extents before openpyxl or python-calamine open it (python-calamine
    aborts the whole process on a sheet reaching the last row and column)."""
    from pubcheck.documents.sheets import check_workbook
    from pubcheck.limits import DEFAULT, InputLimit

    try:
        size = path.stat().st_size
        if size > DEFAULT.bytes:
            raise InputLimit("bytes", DEFAULT.bytes, f"{size:,} bytes")
        check_workbook(path.read_bytes(), suffix, DEFAULT)
    except InputLimit as exc:
        return _Issue("input-limit", f"input-limit: {exc}; not read further", 1, exc.where,
                      expected=f"{exc.limit} <= {exc.value}", found=exc.found)  # fmt: skip
    except Exception:  # noqa: BLE001 - not a ZIP: the readers below report it
        return None
    return None


def intake_folder(directory: Path, *, limit_rows: int = 100_000) -> list[IntakeResult]:
    """Intake every CSV/XLSX/ODS/Parquet file in `directory` (not recursive), matching a
    file's stem to a contract when it is one. A link out of the folder is not followed and
    anything but a regular file (a FIFO) is not read: each is an intake error."""
    from pubcheck.extracts.package import unsafe_files

    try:
        from schemas.extracts import CONTRACTS

        stems = set(CONTRACTS)
    except Exception:  # noqa: BLE001
        stems = set()
    entries = sorted(p for p in Path(directory).iterdir() if p.suffix.lower() in SUFFIXES)
    unsafe = dict(unsafe_files(Path(directory), [p.name for p in entries]))
    out = []
    for p in entries:
        if p in unsafe:
            r = IntakeResult(path=p, stem=p.stem if p.stem in stems else None)
            r.findings.append(Finding(CHECK, "error", f"{p}: {unsafe[p]}; it was not read", "a regular file inside "
                                      "the folder", unsafe[p].split(",")[0], (Location(str(p), 1, ""),)))  # fmt: skip
            out.append(r)
        elif p.is_file():
            out.append(intake_file(p, p.stem if p.stem in stems else None, limit_rows=limit_rows))
    return out


__all__ = ["CHECK", "IntakeResult", "intake_file", "intake_folder"]
