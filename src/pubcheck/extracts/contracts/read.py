"""Reading an extract (CSV or Parquet) as the contract's table: finding the files, structure
(missing or extra columns, wrong types), malformed CSV lines, and the rows with their line
numbers (`_Source`)."""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandera.polars as pa
import polars as pl
from pandera.engines import polars_engine

from pubcheck.extracts.contracts.common import CONTRACT, ENGINE, RAW, ROW, STRUCTURE, UNREADABLE, _err, _file_finding
from pubcheck.model import Finding, Location
from schemas.extracts import CONTRACTS, schema_for

MAX_BAD_LINES = 10_000  # more malformed lines than this and the file is not validated further
_BOOL = {"true": True, "false": False, "True": True, "False": False, "TRUE": True, "FALSE": False}


def find_extracts(directory: Path) -> dict[str, Path]:
    """For each contract, `<stem>.parquet` (preferred) or `<stem>.csv` in `directory`."""
    found: dict[str, Path] = {}
    directory = Path(directory)
    if not directory.is_dir():
        return found
    for stem in CONTRACTS:
        for suffix in (".parquet", ".csv"):
            p = directory / f"{stem}{suffix}"
            if p.is_file():
                found[stem] = p
                break
    return found


class Keyed:
    """What an opened extract does on either engine: its findings kept by the rule they are
    about, and its rows counted as a file's lines (a CSV's header is line 1)."""

    kind: str
    findings: list[Finding]
    keyed: dict[str, Finding]

    def add(self, key: str, finding: Finding) -> None:
        if finding.key is None:
            finding = replace(finding, key=key)
        self.findings.append(finding)
        self.keyed.setdefault(key, finding)

    @property
    def offset(self) -> int:
        return 2 if self.kind == "csv" else 1

    @property
    def unit(self) -> str:
        return "line" if self.kind == "csv" else "row"

    def line(self, row: int) -> int:
        return int(row) + self.offset


@dataclass
class _Source(Keyed):
    """An extract opened for validation: typed columns (the declared dtypes) plus, for
    columns parsed from text or cast from a wrong type, the column as read (RAW prefix)."""

    path: Path
    kind: str  # "csv" | "parquet"
    base: pl.LazyFrame | None
    findings: list[Finding] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)  # declared columns that can be checked
    parsed: dict[str, pl.DataType] = field(default_factory=dict)  # column -> declared dtype, RAW kept
    wrong_dtype: dict[str, str] = field(default_factory=dict)  # Parquet column -> dtype in the file
    unusable: dict[str, str] = field(default_factory=dict)  # declared column -> why it cannot be checked
    excluded: list[int] = field(default_factory=list)  # data rows (0-based) left out: malformed lines
    blank: list[int] = field(default_factory=list)  # those of them that are blank lines
    keyed: dict[str, Finding] = field(default_factory=dict)  # rule key -> finding

    def counting(self) -> pl.LazyFrame:
        assert self.base is not None
        return self.rows() if self.excluded else self.base

    def rows(self) -> pl.LazyFrame:
        assert self.base is not None
        lf = self.base.with_row_index(ROW)
        if self.excluded:
            lf = lf.filter(~pl.col(ROW).is_in(pl.Series(self.excluded, dtype=pl.get_index_type()).implode()))
        return lf


def load_extract(path: Path, stem: str, *, strict: bool = True) -> tuple[pl.LazyFrame | None, list[Finding]]:
    """Open an extract as a lazy frame of its contract's columns and dtypes.

    Returns the frame (None if the file cannot be read at all) and the structural findings:
    unreadable, truncated or ragged files, text that is not UTF-8, missing or extra columns,
    columns of the wrong dtype. Malformed CSV lines are left out of the frame. A CSV is read
    as text and parsed to the declared dtypes; with `strict` (the default) a value that does
    not parse (say 'abc' in an integer column) makes collecting the frame raise, instead of
    becoming a silent null; validate_extract reports such values row by row.
    """
    path = Path(path)
    try:
        src = _open(path, stem, strict=strict)
    except Exception as exc:  # the last line of defence: a finding, never a traceback
        return None, [_file_finding(UNREADABLE, "error", path, "unreadable", f"unreadable: cannot be read: {_err(exc)}",
                                    "a readable extract", _err(exc))[1]]  # fmt: skip
    findings = list(src.findings)
    for col, found in src.wrong_dtype.items():
        declared = src.parsed[col]
        findings.append(_file_finding(
            STRUCTURE, "error", path, "dtype", f"column {col}: dtype: the file has {found}, the contract "
            f"declares {declared}", str(declared), found, cell=col)[1])  # fmt: skip
    if src.base is None:
        return None, findings
    lf = src.rows().drop(ROW) if src.excluded else src.base
    return lf.select(src.columns), findings


def _open(path: Path, stem: str, *, strict: bool) -> _Source:
    if stem not in CONTRACTS:
        raise ValueError(f"no contract for extract {stem!r}")
    schema = schema_for(stem)
    if not path.is_file():
        src = _Source(path, "csv" if path.suffix.lower() == ".csv" else "parquet", None)
        src.add(*_file_finding(UNREADABLE, "error", path, "unreadable", "unreadable: no such file",
                               "a readable extract", "no file"))  # fmt: skip
        return src
    if path.suffix.lower() == ".csv":
        return _open_csv(path, schema, strict=strict)
    return _open_parquet(path, schema, strict=strict)


def _declared(schema: pa.DataFrameSchema) -> dict[str, Any]:
    """Column -> declared polars dtype (String where the schema declares none)."""
    return {name: col.dtype.type if col.dtype is not None else pl.String for name, col in schema.columns.items()}


def _parse(expr: pl.Expr, dtype: Any, *, strict: bool) -> pl.Expr:
    """Text -> the declared dtype. Not strict: a value that does not parse becomes null."""
    if dtype == pl.String:
        return expr
    if dtype == pl.Boolean:
        if strict:
            return expr.replace_strict(_BOOL, return_dtype=pl.Boolean)
        return expr.replace_strict(_BOOL, default=None, return_dtype=pl.Boolean)
    if dtype == pl.Date:
        return expr.str.to_date("%Y-%m-%d", strict=strict)
    if isinstance(dtype, pl.Datetime) or dtype == pl.Datetime:
        return expr.str.to_datetime(strict=strict)
    return expr.cast(dtype, strict=strict)


def _structure(src: _Source, schema: pa.DataFrameSchema, present: Sequence[str], line: int) -> None:
    """Missing and extra columns (the contract is strict)."""
    declared = list(schema.columns)
    for col in declared:
        if col not in present:
            src.unusable[col] = "missing"
            src.add(*_file_finding(
                STRUCTURE, "error", src.path, "missing-column", f"column {col}: missing-column: the contract "
                f"declares {col} ({schema.columns[col].dtype}) but the file has no such column", col, "no column",
                cell=col, line=line))  # fmt: skip
    if schema.strict:
        for col in present:
            if col not in declared:
                src.add(*_file_finding(
                    STRUCTURE, "error", src.path, "extra-column", f"column {col}: extra-column: the contract "
                    f"does not declare {col} (strict)", f"only {', '.join(declared)}", col, cell=col, line=line))
    src.columns = [c for c in declared if c in present]


def _open_parquet(path: Path, schema: pa.DataFrameSchema, *, strict: bool) -> _Source:
    src = _Source(path, "parquet", None)
    size = path.stat().st_size
    with path.open("rb") as fh:
        head = fh.read(4)
        fh.seek(max(size - 4, 0))
        tail = fh.read(4)
    if size < 12 or head != b"PAR1":
        src.add(*_file_finding(UNREADABLE, "error", path, "unreadable",
                               "unreadable: not a Parquet file (no PAR1 magic bytes at the start)",
                               "a Parquet file", f"{size} bytes starting {head!r}"))  # fmt: skip
        return src
    if tail != b"PAR1":
        src.add(*_file_finding(UNREADABLE, "error", path, "truncated",
                               "truncated: the Parquet footer is missing (the file was cut short?)",
                               "a file ending with the PAR1 footer", f"{size} bytes ending {tail!r}"))
        return src
    try:
        lf = pl.scan_parquet(path)
        file_schema = lf.collect_schema()
    except Exception as exc:
        src.add(*_file_finding(UNREADABLE, "error", path, "unreadable", f"unreadable: cannot be read: {_err(exc)}",
                               "a readable Parquet file", _err(exc)))  # fmt: skip
        return src
    _structure(src, schema, list(file_schema.names()), line=0)
    declared = _declared(schema)
    select: list[pl.Expr] = []
    for col in src.columns:
        want, have = declared[col], file_schema[col]
        pandera_dtype = schema.columns[col].dtype
        if pandera_dtype is None or _dtype_ok(pandera_dtype, have):
            select.append(pl.col(col))
            continue
        if have == pl.String:
            typed = _parse(pl.col(col), want, strict=strict)
        else:
            typed = pl.col(col).cast(want, strict=strict)
        try:  # can polars convert this dtype at all?
            pl.LazyFrame(schema={col: have}).select(typed).collect()
        except Exception:
            src.unusable[col] = f"dtype {have}"
            src.add(*_file_finding(
                STRUCTURE, "error", path, "dtype", f"column {col}: dtype: the file has {have}, the contract "
                f"declares {want}, and it cannot be converted: its rules are not checked", str(want), str(have),
                cell=col))  # fmt: skip
            continue
        src.parsed[col] = want
        src.wrong_dtype[col] = str(have)
        select.append(typed.alias(col))
        if not strict:
            select.append(pl.col(col).alias(RAW + col))
    src.columns = [c for c in src.columns if c not in src.unusable]
    src.base = lf.select(select)
    return src


def _dtype_ok(pandera_dtype: Any, have: Any) -> bool:
    try:
        return bool(pandera_dtype.check(polars_engine.Engine.dtype(have)))
    except Exception:
        return False


def _open_csv(path: Path, schema: pa.DataFrameSchema, *, strict: bool) -> _Source:
    src = _Source(path, "csv", None)
    size = path.stat().st_size
    if size == 0:
        src.add(*_file_finding(UNREADABLE, "error", path, "empty-file", "empty-file: the file is empty (no header)",
                               "a header line and data rows", "0 bytes"))  # fmt: skip
        return src
    with path.open("rb") as fh:
        head = fh.readline()
        fh.seek(size - 1)
        ends_with_newline = fh.read(1) == b"\n"
    try:
        header = head.decode("utf-8-sig").rstrip("\r\n")
    except UnicodeDecodeError as exc:
        src.add(*_file_finding(
            UNREADABLE, "error", path, "encoding", f"encoding: the header is not UTF-8 ({exc.reason} at byte "
            f"{exc.start})", "UTF-8 text", repr(head[max(exc.start - 10, 0):exc.end + 10]), line=1,
            quote=head.decode("utf-8", "replace").strip()))  # fmt: skip
        return src
    names = next(csv.reader([header]), [])
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes or not names:
        problem = f"duplicate column names {', '.join(dupes)}" if dupes else "no column names"
        src.add(*_file_finding(UNREADABLE, "error", path, "header", f"header: {problem}",
                               "distinct column names", header, line=1, quote=header))  # fmt: skip
        return src
    _structure(src, schema, names, line=1)
    missing = [c for c, why in src.unusable.items() if why == "missing"]
    if len(missing) * 2 > len(schema.columns):  # not this extract: no line-by-line scan (validate counts rows)
        src.base = pl.scan_csv(path, has_header=True, schema={n: pl.String for n in names}, encoding="utf8-lossy",
                               truncate_ragged_lines=True).select(src.columns)  # fmt: skip
        return src
    bad_encoding, stop = _csv_lines(src, len(names), ends_with_newline)
    if stop:
        return src
    raw = pl.scan_csv(path, has_header=True, schema={n: pl.String for n in names},
                      encoding="utf8-lossy" if bad_encoding else "utf8", truncate_ragged_lines=True)  # fmt: skip
    declared = _declared(schema)
    select: list[pl.Expr] = []
    for col in src.columns:
        want = declared[col]
        if want == pl.String:
            select.append(pl.col(col))
            continue
        src.parsed[col] = want
        select.append(_parse(pl.col(col), want, strict=strict).alias(col))
        if not strict:
            select.append(pl.col(col).alias(RAW + col))
    src.base = raw.select(select)
    return src


def _csv_lines(src: _Source, ncols: int, ends_with_newline: bool) -> tuple[bool, bool]:
    """One polars pass over the CSV's lines: lines with the wrong number of fields, blank
    lines, bytes that are not UTF-8, a last line cut short. Adds findings, notes the data
    rows to leave out. Returns (some text is not UTF-8, too broken to validate)."""
    path = src.path
    lines = pl.scan_csv(path, has_header=False, separator="\x00", quote_char=None, schema={"line": pl.String},
                        encoding="utf8-lossy", truncate_ragged_lines=True)  # fmt: skip
    line = pl.col("line")
    blank = line.is_null() | (line == "")
    fields = line.str.replace_all(r'"[^"]*"', "").str.count_matches(",", literal=True) + 1  # quoted commas
    odd_quotes = (line.str.count_matches('"', literal=True) % 2) == 1
    ragged = ~blank & ((fields != ncols) | odd_quotes)
    bad_text = line.str.contains("\ufffd", literal=True).fill_null(False)
    flag = (blank | ragged | bad_text) & (pl.col("i") > 0)
    try:
        # Two streaming queries: the flagged lines stop at MAX_BAD_LINES + 1 (a file of nothing but
        # malformed lines is not read to its end: one query collecting both took 12 GB for 2 GB of
        # CSV), and the line count needs no parsing.
        base = lines.with_row_index("i")
        bad_frame = base.filter(flag).head(MAX_BAD_LINES + 1).select(
            pl.col("i"), line, fields.alias("fields"), blank.alias("blank"), ragged.alias("ragged"),
            bad_text.alias("bad_text")).collect(engine=ENGINE)  # fmt: skip
        n_lines = int(base.select(pl.len()).collect(engine=ENGINE).item())
    except Exception as exc:
        src.add(*_file_finding(UNREADABLE, "error", path, "unreadable", f"unreadable: cannot be read: {_err(exc)}",
                               "a readable CSV file", _err(exc)))  # fmt: skip
        return False, True
    bad = bad_frame.to_dicts()
    return _line_findings(src, ncols, ends_with_newline, bad, n_lines, len(bad),
                          lambda indices: _raw_lines(path, indices))  # fmt: skip


def _line_findings(src: Any, ncols: int, ends_with_newline: bool, bad: list[dict[str, Any]], n_lines: int,
                   n_bad: int, raw_lines: Callable[[list[int]], dict[int, bytes]]) -> tuple[bool, bool]:  # fmt: skip
    """The findings of a line scan (`bad`: the first malformed lines, at most MAX_BAD_LINES + 1,
    each with i (0-based line), line, fields, blank, ragged, bad_text; `n_bad` malformed lines,
    exact up to MAX_BAD_LINES; `n_lines` lines in all); notes the data rows to leave out.
    `raw_lines(indices)`: the bytes of those lines. Returns (some text is not UTF-8, too broken
    to validate). Shared by the engines' line scans."""
    path = src.path
    last = n_lines - 1
    groups: dict[str, list[dict[str, Any]]] = {"truncated": [], "ragged-row": [], "blank-line": [], "encoding": []}
    for b in bad:
        if b["bad_text"]:
            groups["encoding"].append(b)
        if b["blank"]:
            groups["blank-line"].append(b)
        elif b["ragged"]:
            short = b["fields"] < ncols
            groups["truncated" if b["i"] == last and short and not ends_with_newline else "ragged-row"].append(b)
    if not ends_with_newline and not groups["truncated"] and not any(b["i"] == last for b in bad):
        src.add(*_file_finding(
            CONTRACT, "warning", path, "no-final-newline", f"line {n_lines}: no-final-newline: the last line has "
            "no line end; the file may have been cut short", "a newline after the last line", "none",
            line=n_lines))  # fmt: skip
    what = {
        "truncated": ("error", UNREADABLE, "truncated: the last line is cut short", f"{ncols} fields"),
        "ragged-row": ("error", UNREADABLE, "ragged-row: lines with the wrong number of fields", f"{ncols} fields"),
        "blank-line": ("warning", CONTRACT, "blank-line: blank lines (left out)", "no blank lines"),
        "encoding": ("error", UNREADABLE, "encoding: text that is not UTF-8", "UTF-8 text"),
    }
    for gid, items in groups.items():
        if not items:
            continue
        severity, check, text, expected = what[gid]
        n = len(items) if n_bad <= MAX_BAD_LINES else f"at least {len(items)}"
        first = items[0]
        if gid == "encoding":
            raw = raw_lines([b["i"] for b in items[:5]])
            shown = "; ".join(f"line {b['i'] + 1}: {raw.get(b['i'], b['line'])!r}" for b in items[:5])
        else:
            shown = "; ".join(f"line {b['i'] + 1}: " + ("blank" if b["blank"] else f"{b['fields']} fields")
                              for b in items[:5])  # fmt: skip
        src.add(gid, Finding(
            check=check, severity=severity,
            message=f"{path.name}: {text} ({n} of {n_lines - 1} data lines; first at line {first['i'] + 1})"
            + (" - these rows are not validated further" if gid != "blank-line" else ""),
            expected=expected, found=shown,
            locations=(Location(str(path), first["i"] + 1, (first["line"] or "")[:200]),),
        ))  # fmt: skip
        src.excluded += [b["i"] - 1 for b in items]
    src.excluded = sorted(set(src.excluded))
    src.blank = sorted(b["i"] - 1 for b in groups["blank-line"])
    if n_bad > MAX_BAD_LINES:
        src.add(*_file_finding(
            UNREADABLE, "error", path, "unreadable", f"unreadable: more than {MAX_BAD_LINES:,} malformed lines: "
            "the values are not validated", "a well-formed CSV", f"more than {MAX_BAD_LINES:,} malformed lines"))
        return bool(groups["encoding"]), True
    return bool(groups["encoding"]), False


def _raw_lines(path: Path, indices: Sequence[int], limit: int = 200) -> dict[int, bytes]:
    """The bytes of a few lines (0-based), for showing text that is not UTF-8."""
    want, out = set(indices), {}
    if not want:
        return out
    with path.open("rb") as fh:
        for i, line in enumerate(fh):
            if i in want:
                out[i] = line.rstrip(b"\r\n")[:limit]
                if len(out) == len(want):
                    break
    return out

