"""Extract contracts: the Pandera declarations in schemas/extracts.py, executed at polars speed.

What must hold is declared once, in Pandera (`schemas/extracts.py`). This module runs those
declarations itself instead of calling `schema.validate` on every row:

1. `compile_contract` turns the pandera schema objects into `CompiledRule`s: each builtin
   column check (`isin`, `greater_than_or_equal_to`, `str_matches`, ...) becomes a polars
   expression that is True on valid rows; `nullable`, `unique` and the schema's `unique`
   key become not-null and uniqueness rules; each dataframe check is mapped back, by name,
   to its expression in `RULES`. A check the compiler does not know is not skipped: it is
   run by pandera itself (kind "pandera").
2. `validate_extract` counts the violations of every rule in ONE lazy `select`, collected
   with the streaming engine. Only the rules that fail cost more: a second query fetches a
   few failing rows (with their line numbers), and pandera is asked to validate just those
   rows, so the finding can say that pandera agrees.

Findings (one per rule and column) name the file, the column, the rule, the count, and the
first failing rows. Structural problems (unreadable, truncated or ragged files, wrong
encoding, missing or extra columns, wrong types) are findings too: nothing here raises on
bad data.

Line numbers: for a CSV the header is line 1, so data row i (0-based) is line i + 2; for
Parquet the "line" is the 1-based row number. A finding about the file as a whole has
line 0.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandera.polars as pa
import polars as pl
from pandera.engines import polars_engine

from pubcheck.model import Finding, Location
from schemas.extracts import CONTRACTS, RULES, schema_for

CONTRACT = "extract-contract"  # a declared rule fails
STRUCTURE = "extract-structure"  # missing/extra columns, wrong types
UNREADABLE = "extract-unreadable"  # the file (or some of its rows) cannot be read as the contract's table

ROW = "__pubcheck_row"  # 0-based row index, added where failing rows are fetched
RAW = "__pubcheck_raw__"  # prefix: the column as read, before parsing to the declared type
MAX_BAD_LINES = 10_000  # more malformed lines than this and the file is not validated further
COMBINED_ROWS = 10_000  # at most this many failing rows fetched in one pass (rarely failing rules)
ENGINE = "streaming"

# pandera builtin check name -> (comparison, statistic holding the bound)
_BOUNDS = {
    "greater_than_or_equal_to": (">=", "min_value"),
    "greater_than": (">", "min_value"),
    "less_than_or_equal_to": ("<=", "max_value"),
    "less_than": ("<", "max_value"),
}
_BOOL = {"true": True, "false": False, "True": True, "False": False, "TRUE": True, "FALSE": False}


# ------------------------------------------------------------------------------------- compiled rules


@dataclass(frozen=True)
class CompiledRule:
    """One declared requirement as a polars expression.

    kind "row": `ok` is True on valid rows (null: not judged); "not-null": `ok` is
    `is_not_null()`; "unique": `columns` must be unique together (`ok` is the aggregate
    `n_unique() == len()`; the count of repeats is `len() - n_unique()`); "aggregate": `ok`
    is one boolean for the whole frame; "pandera": no polars form (`ok` is None), pandera
    runs `checks`.
    """

    id: str
    column: str | None
    description: str
    ok: pl.Expr | None
    kind: str = "row"
    columns: tuple[str, ...] = ()  # the columns the rule reads (empty: unknown, all)
    checks: tuple[pa.Check, ...] = ()  # the pandera checks this rule was compiled from
    expected: str = ""  # the declaration, in pandera's or polars' words

    @property
    def key(self) -> str:
        """The rule's key in ContractResult.counts: `id:column`, or `id` for frame rules."""
        return f"{self.id}:{self.column}" if self.column else self.id


def compile_contract(stem: str) -> list[CompiledRule]:
    """The rules of the extract `stem`, compiled from its pandera schema (schema_for)."""
    if stem not in CONTRACTS:
        raise ValueError(f"no contract for extract {stem!r} (known: {', '.join(CONTRACTS)})")
    group = CONTRACTS[stem].rules
    return compile_schema(schema_for(stem), RULES.get(group, {}) if group else {})


def compile_schema(schema: pa.DataFrameSchema, rules: Mapping[str, pl.Expr] | None = None) -> list[CompiledRule]:
    """Compile a pandera (polars) DataFrameSchema. `rules` maps the names of its dataframe
    checks to the polars expressions they evaluate; a check not found there, and any
    column check the compiler does not know, becomes a kind "pandera" rule."""
    rules = rules or {}
    out: list[CompiledRule] = []
    key = tuple(schema.unique or ())
    for name, column in schema.columns.items():
        out += _compile_column(name, column, single_key=key == (name,))
    if key:
        single = len(key) == 1
        text = f"{key[0]} is unique" if single else f"({', '.join(key)}) is unique"
        out.append(CompiledRule("unique-key", key[0] if single else None, text, _unique_ok(key), kind="unique",
                                columns=key, expected=f"unique={list(key)}"))  # fmt: skip
    for check in schema.checks:
        name = check.name or "check"
        expr = rules.get(name)
        if expr is None:
            out.append(_fallback(check, None, ()))
            continue
        aggregate = _is_scalar(expr)
        out.append(CompiledRule(
            _kebab(name), None, name, expr, kind="aggregate" if aggregate else "row",
            columns=_roots(expr), checks=(check,), expected=expr_text(expr),
        ))  # fmt: skip
    return out


def _compile_column(name: str, column: Any, *, single_key: bool) -> list[CompiledRule]:
    c = pl.col(name)
    out: list[CompiledRule] = []
    if not column.nullable:
        out.append(CompiledRule("not-null", name, f"{name} is not null", c.is_not_null(), kind="not-null",
                                columns=(name,), expected="not_nullable"))  # fmt: skip
    bounds: list[tuple[str, Any, pa.Check]] = []
    for check in column.checks:
        stats = dict(check.statistics or {})
        cname = check.name
        if check.element_wise or getattr(check, "groupby", None) is not None:
            out.append(_fallback(check, name, (name,)))
        elif cname in _BOUNDS:
            op, stat = _BOUNDS[cname]
            bounds.append((op, stats.get(stat), check))
        elif cname == "in_range":
            bounds.append((">=" if stats.get("include_min", True) else ">", stats.get("min_value"), check))
            bounds.append(("<=" if stats.get("include_max", True) else "<", stats.get("max_value"), check))
        else:
            compiled = _compile_builtin(name, cname, stats)
            if compiled is None:
                out.append(_fallback(check, name, (name,)))
            else:
                rid, ok, desc = compiled
                if not check.ignore_na:
                    ok = ok.fill_null(False)
                out.append(CompiledRule(rid, name, desc, ok, columns=(name,), checks=(check,),
                                        expected=str(check.error or cname)))  # fmt: skip
    if bounds:
        out.insert(1 if not column.nullable else 0, _range_rule(name, bounds))
    if column.unique and not single_key:
        out.append(CompiledRule("unique", name, f"{name} is unique", _unique_ok((name,)), kind="unique",
                                columns=(name,), expected="unique=True"))  # fmt: skip
    return out


def _unique_ok(key: tuple[str, ...]) -> pl.Expr:
    """Aggregate: True when the key is unique (the count of distinct keys is the row count)."""
    n = pl.col(key[0]).n_unique() if len(key) == 1 else pl.struct(list(key)).n_unique()
    return n == pl.len()


def _range_rule(name: str, bounds: list[tuple[str, Any, pa.Check]]) -> CompiledRule:
    c = pl.col(name)
    ops = {">=": c.ge, ">": c.gt, "<=": c.le, "<": c.lt}
    parts = []
    for op, value, check in bounds:
        e = ops[op](value)
        parts.append(e if check.ignore_na else e.fill_null(False))
    ok = parts[0]
    for e in parts[1:]:
        ok = ok & e
    lower = [(op, v) for op, v, _ in bounds if op in (">=", ">")]
    upper = [(op, v) for op, v, _ in bounds if op in ("<=", "<")]
    if len(lower) == 1 and len(upper) == 1:
        flip = {">=": "<=", ">": "<"}
        desc = f"{_show(lower[0][1])} {flip[lower[0][0]]} {name} {upper[0][0]} {_show(upper[0][1])}"
    else:
        desc = " and ".join(f"{name} {op} {_show(v)}" for op, v, _ in bounds)
    checks = tuple(dict.fromkeys(ch for _, _, ch in bounds))
    return CompiledRule("range", name, desc, ok, columns=(name,), checks=checks,
                        expected=", ".join(str(ch.error or ch.name) for ch in checks))  # fmt: skip


def _compile_builtin(name: str, cname: str | None, stats: dict[str, Any]) -> tuple[str, pl.Expr, str] | None:
    """(rule id, ok expression, description) for a pandera builtin check, or None."""
    c = pl.col(name)
    if cname == "isin" and "allowed_values" in stats:
        values = list(stats["allowed_values"])
        return "allowed-values", c.is_in(values), f"{name} in {{{', '.join(map(_show, values))}}}"
    if cname == "notin" and "forbidden_values" in stats:
        values = list(stats["forbidden_values"])
        return "forbidden-values", ~c.is_in(values), f"{name} not in {{{', '.join(map(_show, values))}}}"
    if cname == "equal_to" and "value" in stats:
        return "equal-to", c.eq(stats["value"]), f"{name} == {_show(stats['value'])}"
    if cname == "not_equal_to" and "value" in stats:
        return "not-equal-to", c.ne(stats["value"]), f"{name} != {_show(stats['value'])}"
    if cname in ("str_matches", "str_contains") and "pattern" in stats:
        pattern = stats["pattern"]
        pattern = pattern.pattern if isinstance(pattern, re.Pattern) else str(pattern)
        if cname == "str_matches":  # pandera: a match at the start of the string
            pattern = pattern if pattern.startswith("^") else f"^{pattern}"
            return "pattern", c.str.contains(pattern), f"{name} matches {pattern}"
        return "contains", c.str.contains(pattern, literal=False), f"{name} contains /{pattern}/"
    if cname == "str_startswith" and "string" in stats:
        return "starts-with", c.str.starts_with(stats["string"]), f"{name} starts with {stats['string']!r}"
    if cname == "str_endswith" and "string" in stats:
        return "ends-with", c.str.ends_with(stats["string"]), f"{name} ends with {stats['string']!r}"
    if cname == "str_length":
        n = c.str.len_chars()
        lo, hi, exact = stats.get("min_value"), stats.get("max_value"), stats.get("exact_value")
        if exact is not None:
            return "length", n.eq(exact), f"length of {name} == {exact}"
        if lo is not None and hi is not None:
            return "length", n.is_between(lo, hi), f"{lo} <= length of {name} <= {hi}"
        if lo is not None:
            return "length", n.ge(lo), f"length of {name} >= {lo}"
        if hi is not None:
            return "length", n.le(hi), f"length of {name} <= {hi}"
    return None


def _fallback(check: pa.Check, column: str | None, columns: tuple[str, ...]) -> CompiledRule:
    name = check.name or "check"
    return CompiledRule(_kebab(name), column, str(check.error or name), None, kind="pandera",
                        columns=columns, checks=(check,), expected=str(check.error or name))  # fmt: skip


def _is_scalar(expr: pl.Expr) -> bool:
    try:
        return bool(expr.meta.is_scalar())
    except Exception:  # older polars: evaluate on an empty frame instead
        roots = _roots(expr)
        try:
            empty = pl.LazyFrame(schema={r: pl.Null for r in roots})
            return empty.select(expr).collect().height == 1
        except Exception:
            return False


def _roots(expr: pl.Expr) -> tuple[str, ...]:
    try:
        return tuple(dict.fromkeys(expr.meta.root_names()))
    except Exception:
        return ()


def _kebab(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "check"


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value)) if abs(value) < 1e15 else repr(value)
    return str(value)


def expr_text(expr: pl.Expr) -> str:
    """A polars expression as readable text (for findings)."""
    text = str(expr)
    text = re.sub(r'col\("([^"]*)"\)', r"\1", text)
    text = re.sub(r"dyn (?:int|float): ", "", text)
    return text


# ------------------------------------------------------------------------------------- reading extracts


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


@dataclass
class _Source:
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
    keyed: dict[str, Finding] = field(default_factory=dict)  # rule key -> finding

    def add(self, key: str, finding: Finding) -> None:
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
    info = pl.struct(pl.col("i"), line, fields.alias("fields"), blank.alias("blank"), ragged.alias("ragged"),
                     bad_text.alias("bad_text"))  # fmt: skip
    try:
        out = lines.with_row_index("i").select(
            info.filter(flag).head(MAX_BAD_LINES + 1).implode().alias("bad"), pl.len().alias("n"),
            flag.sum().alias("n_bad")).collect(engine=ENGINE)  # fmt: skip
    except Exception as exc:
        src.add(*_file_finding(UNREADABLE, "error", path, "unreadable", f"unreadable: cannot be read: {_err(exc)}",
                               "a readable CSV file", _err(exc)))  # fmt: skip
        return False, True
    bad = out["bad"][0].to_list() if out.height else []
    n_lines, n_bad = int(out["n"][0]), int(out["n_bad"][0])
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
            raw = _raw_lines(path, [b["i"] for b in items[:5]])
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
    if n_bad > MAX_BAD_LINES:
        src.add(*_file_finding(
            UNREADABLE, "error", path, "unreadable", f"unreadable: more than {MAX_BAD_LINES:,} malformed lines: "
            "the values are not validated", "a well-formed CSV", f"{n_bad:,} malformed lines"))  # fmt: skip
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


# ------------------------------------------------------------------------------------- validation


@dataclass
class ContractResult:
    """The outcome of validating one extract."""

    path: Path
    stem: str
    rows: int = 0
    seconds: float = 0.0
    findings: list[Finding] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # CompiledRule.key -> violating rows (aggregates: 0/1)
    by_rule: dict[str, Finding] = field(default_factory=dict)  # rule key -> its finding (rules that failed)
    skipped: list[str] = field(default_factory=list)  # rule keys not checked (their columns are unusable)

    @property
    def ok(self) -> bool:
        return not any(f.severity == "error" for f in self.findings)


def validate_extract(path: Path, stem: str, *, sample: int = 5, confirm: bool = True) -> ContractResult:
    """Validate the extract at `path` against the contract `stem`: structure, then every
    compiled rule in one lazy query; failing rules get a finding with sample rows.
    `confirm`: ask pandera to validate the sampled failing rows and say whether it agrees."""
    path = Path(path)
    t0 = time.perf_counter()
    result = ContractResult(path, stem)
    try:
        _validate(result, path, stem, sample=sample, confirm=confirm)
    except Exception as exc:  # the last line of defence: a finding, never a traceback
        _add(result, *_file_finding(CONTRACT, "error", path, "check-error",
                                    f"check-error: validation stopped: {_err(exc)}", "a completed validation",
                                    _err(exc)))  # fmt: skip
    result.seconds = time.perf_counter() - t0
    return result


def _validate(result: ContractResult, path: Path, stem: str, *, sample: int, confirm: bool) -> None:
    src = _open(path, stem, strict=False)
    result.findings += src.findings
    result.by_rule.update(src.keyed)
    if src.base is None:
        return
    rules = compile_contract(stem)
    usable = set(src.columns)
    runnable: list[CompiledRule] = []
    for rule in rules:
        if any(c not in usable for c in rule.columns):
            result.skipped.append(rule.key)
        else:
            runnable.append(rule)
    if result.skipped:
        _add(result, *_file_finding(
            STRUCTURE, "warning", path, "not-checked", f"not-checked: {len(result.skipped)} rules read columns "
            f"that are missing or unusable: {', '.join(result.skipped)}", "every rule checked",
            ", ".join(f"{c} ({why})" for c, why in src.unusable.items())))  # fmt: skip

    # ---- the one query: a count per rule
    exprs: list[pl.Expr] = [pl.len().alias("__len")]
    for col in src.parsed:
        exprs.append((pl.col(RAW + col).is_not_null() & pl.col(col).is_null()).sum().alias(f"dtype:{col}"))
    for i, rule in enumerate(runnable):
        e = _count_expr(rule, src)
        if e is not None:
            exprs.append(e.alias(f"r{i}"))
    lf = src.counting()
    try:
        totals = lf.select(exprs).collect(engine=ENGINE).row(0, named=True)
    except Exception as exc:
        totals = _isolate(result, src, lf, exprs, runnable, exc)
        if totals is None:
            return
    rows = int(totals["__len"])
    result.rows = rows
    counts: dict[str, int] = {}
    for col in src.parsed:
        counts[f"dtype:{col}"] = int(totals.get(f"dtype:{col}") or 0)
    for i, rule in enumerate(runnable):
        if rule.kind == "pandera":
            continue
        v = totals.get(f"r{i}")
        if v is None:
            continue
        if rule.kind == "unique":
            counts[rule.key] = rows - int(v)
        elif rule.kind == "aggregate":
            counts[rule.key] = 0 if v is None or bool(v) else 1
        else:
            counts[rule.key] = int(v)

    # ---- nulls in non-nullable columns (and values that did not parse) count for not-null
    # (or dtype) only: other rules on such rows are recounted without them.
    nulls = {r.column: counts.get(r.key, 0) for r in runnable if r.kind == "not-null"}
    guard_cols = {c for c, n in nulls.items() if n} | {c for c in src.parsed if counts.get(f"dtype:{c}")}

    def guard(rule: CompiledRule) -> pl.Expr | None:
        cols = [c for c in rule.columns if c in guard_cols]
        if rule.kind == "not-null" or not cols:
            return None
        parts = []
        for c in cols:
            if c in nulls:
                parts.append(pl.col(c).is_not_null())
            else:  # nullable: leave out only the values that did not parse
                parts.append(pl.col(c).is_not_null() | pl.col(RAW + c).is_null())
        return pl.all_horizontal(parts)

    # ---- only where something failed: failing rows, exact counts, pandera's word
    failing = [r for r in runnable if r.kind in ("row", "not-null", "unique") and counts.get(r.key, 0) > 0]
    failing_dtype = [c for c in src.parsed if counts[f"dtype:{c}"] > 0]
    samples = _samples(src, failing, failing_dtype, guard, sample, counts)
    for r in runnable:
        if r.kind == "pandera":
            counts[r.key] = _run_pandera(result, src, r, rows, sample)
    result.counts = counts

    pandera_says = _confirm(stem, src, failing, samples) if confirm and samples else {}
    for col in src.parsed:
        n = counts[f"dtype:{col}"]
        if n or col in src.wrong_dtype:
            _add(result, f"dtype:{col}", _dtype_finding(src, col, n, rows, samples.get(f"dtype:{col}")))
    for r in failing:
        if counts.get(r.key, 0) > 0:
            _add(result, r.key, _rule_finding(src, r, counts[r.key], rows, samples.get(r.key),
                                              pandera_says.get(r.key)))
    for r in runnable:
        if r.kind == "aggregate" and counts.get(r.key):
            _add(result, r.key, _aggregate_finding(src, r))


def _add(result: ContractResult, key: str, finding: Finding) -> None:
    result.findings.append(finding)
    result.by_rule.setdefault(key, finding)


def _count_expr(rule: CompiledRule, src: _Source) -> pl.Expr | None:
    if rule.kind == "pandera":
        return None
    if rule.kind == "not-null":
        c = rule.column or ""
        return pl.col(RAW + c if c in src.parsed else c).null_count()  # text that did not parse is not 'null'
    if rule.kind == "unique":
        key = list(rule.columns)
        return pl.col(key[0]).n_unique() if len(key) == 1 else pl.struct(key).n_unique()
    if rule.kind == "aggregate":
        assert rule.ok is not None
        return rule.ok
    assert rule.ok is not None
    return (~rule.ok).sum()


def _violation(rule: CompiledRule, src: _Source, guard: pl.Expr | None) -> pl.Expr:
    if rule.kind == "not-null":
        c = rule.column or ""
        v = pl.col(RAW + c if c in src.parsed else c).is_null()
    else:
        assert rule.ok is not None
        v = (~rule.ok).fill_null(False)
    return v & guard if guard is not None else v


def _samples(src: _Source, failing: list[CompiledRule], failing_dtype: list[str], guard: Any, sample: int,
             counts: dict[str, int]) -> dict[str, pl.DataFrame]:  # fmt: skip
    """The first `sample` failing rows of each failing rule (with ROW); for rules whose
    count included rows with nulls, the exact count (updates `counts`).

    A rule that fails often gets a query of its own, which stops at its `sample`-th
    failing row: soon, unless the failures all sit at the end of the file. Rules that fail
    rarely (fewer than 4 * sample rows), whose queries would mostly read the whole file,
    share one pass instead that keeps every row breaking one of them (so their samples and
    exact counts come from that small frame)."""
    if not failing and not failing_dtype:
        return {}
    lf = src.rows()
    violations: dict[str, tuple[pl.Expr, bool]] = {}  # key -> (violation, guarded)
    for col in failing_dtype:
        violations[f"dtype:{col}"] = (pl.col(RAW + col).is_not_null() & pl.col(col).is_null(), False)
    for r in failing:
        if r.kind != "unique":
            g = guard(r)
            violations[r.key] = (_violation(r, src, g), g is not None)
    combined: list[str] = []
    total = 0
    for key in sorted(violations, key=lambda k: counts.get(k, 0)):
        if counts.get(key, 0) < 4 * sample and total + counts.get(key, 0) <= COMBINED_ROWS:
            combined.append(key)
            total += counts.get(key, 0)
    out: dict[str, pl.DataFrame] = {}
    if combined:
        flags = [violations[k][0].alias(f"__v{i}") for i, k in enumerate(combined)]
        rows = lf.filter(pl.any_horizontal([violations[k][0] for k in combined])).collect(engine=ENGINE)
        rows = rows.with_columns(flags)
        for i, key in enumerate(combined):
            hit = rows.filter(pl.col(f"__v{i}"))
            if violations[key][1]:
                counts[key] = hit.height  # every violation of this rule is in `rows`
            out[key] = hit.head(sample).drop([f"__v{j}" for j in range(len(combined))])
    recount = [(k, v.sum().alias(k)) for k, (v, guarded) in violations.items() if guarded and k not in out]
    for key, (v, _) in violations.items():
        if key not in out:  # one by one: each stops at its `sample`-th failing row
            out[key] = lf.filter(v).head(sample).collect(engine=ENGINE)
    if recount:
        row = src.counting().select([e for _, e in recount]).collect(engine=ENGINE).row(0, named=True)
        for key, _ in recount:
            counts[key] = int(row[key] or 0)
    for r in failing:
        if r.kind == "unique":
            out[r.key] = _duplicate_rows(src, r, sample)
    return out


def _duplicate_rows(src: _Source, rule: CompiledRule, sample: int) -> pl.DataFrame:
    """The first `sample` rows that repeat a key seen before, each with the row where the
    key was first seen (column `__first`). One pass hashes the key to find the candidate
    rows; the few candidates are then fetched and their keys compared exactly."""
    key = list(rule.columns)
    h = (pl.struct(key).hash() if len(key) > 1 else pl.col(key[0]).hash()).alias("__h")
    cand = src.rows().select(pl.col(ROW), h).filter(pl.col("__h").is_duplicated()).collect(engine=ENGINE)
    # the hash groups of the first `sample` repeated rows (each group capped: a key may repeat a million times)
    cand = cand.sort(ROW).with_columns(pl.int_range(pl.len()).over("__h").alias("__n"))
    groups = cand.filter(pl.col("__n") > 0).head(sample)["__h"].unique().implode()
    wanted = cand.filter(pl.col("__h").is_in(groups) & (pl.col("__n") <= sample))[ROW].to_list()
    rows = _fetch(src, wanted)
    first = pl.col(ROW).min().over(key)
    return (rows.with_columns(first.alias("__first")).filter(pl.col(ROW) != pl.col("__first"))
            .sort(ROW).head(sample))  # fmt: skip


def _fetch(src: _Source, rows: Sequence[int]) -> pl.DataFrame:
    """The given rows (ROW values), with ROW. Parquet: a slice per row (reads one row group
    each); otherwise one pass filtering on the row index."""
    rows = sorted({int(r) for r in rows})
    assert src.base is not None
    if src.kind == "parquet" and not src.excluded and 0 < len(rows) <= 64:
        parts = [src.base.slice(r, 1).with_row_index(ROW, offset=r).collect() for r in rows]
        return pl.concat(parts, how="vertical_relaxed")
    ids = pl.Series(rows, dtype=pl.get_index_type()).implode()
    return src.rows().filter(pl.col(ROW).is_in(ids)).collect(engine=ENGINE)


def _run_pandera(result: ContractResult, src: _Source, rule: CompiledRule, rows: int, sample: int) -> int:
    """A check the compiler does not know: pandera runs it on the whole (typed) frame."""
    check = rule.checks[0]
    cols = list(rule.columns) or src.columns
    try:
        df = src.rows().select([ROW, *cols]).collect(engine=ENGINE)
        if rule.column:
            sub = pa.DataFrameSchema({rule.column: pa.Column(nullable=True, checks=[check])})
        else:
            sub = pa.DataFrameSchema(checks=[check])
        try:
            sub.validate(df.drop(ROW), lazy=True)
            return 0
        except pa.errors.SchemaErrors as exc:
            fc = exc.failure_cases
        except pa.errors.SchemaError as exc:
            fc = exc.failure_cases if isinstance(exc.failure_cases, pl.DataFrame) else None
            if fc is None:
                raise
    except Exception as exc:
        _add(result, *_file_finding(CONTRACT, "error", src.path, "check-error",
                                    f"check-error: {rule.id}: pandera could not run it: {_err(exc)}",
                                    rule.expected, _err(exc), cell=rule.column))  # fmt: skip
        return 0
    idx = [int(i) for i in fc["index"].to_list() if i is not None] if "index" in fc.columns else []
    n = len(idx) if idx else max(fc.height, 1)
    cases = [str(v) for v in fc["failure_case"].to_list()[:sample]] if "failure_case" in fc.columns else []
    if idx:
        picked = df[idx[:sample]]
        line = src.line(picked[ROW][0])
        found = "; ".join(f"{v} ({src.unit} {src.line(r)})" for v, r in zip(cases, picked[ROW], strict=False))
        quote = _render_row(picked.row(0, named=True), src)
    else:
        line, found, quote = 0, ", ".join(cases) or "the check failed", ""
    where = f"column {rule.column}" if rule.column else "frame"
    _add(result, rule.key, Finding(
        check=CONTRACT, severity="error",
        message=f"{src.path.name}: {where}: {rule.id}: {rule.description} fails for {n:,} of {rows:,} rows "
        "(run by pandera: the compiler has no polars form of this check)",
        expected=rule.expected, found=found,
        locations=(Location(str(src.path), line, quote, cell=rule.column),),
    ))  # fmt: skip
    return n


def _confirm(stem: str, src: _Source, failing: list[CompiledRule], samples: dict[str, pl.DataFrame]
             ) -> dict[str, tuple[set[int], str]]:  # fmt: skip
    """Ask pandera to validate the sampled failing rows only. Returns, per rule key, the
    rows (ROW) pandera flags for the checks the rule was compiled from, and their names."""
    frames = [df for key, df in samples.items() if not key.startswith("dtype:") and df.height]
    if not frames:
        return {}
    keep = [ROW, *src.columns]
    subset = pl.concat([f.select(keep) for f in frames], how="vertical_relaxed").unique(ROW, maintain_order=True)
    schema = copy.deepcopy(schema_for(stem))
    schema.unique = None
    for col in schema.columns.values():
        col.unique = False
    row_rules = {r.checks[0].name for r in failing if r.kind == "row" and not r.column and r.checks}
    schema.checks = [c for c in schema.checks if c.name in row_rules]
    schema.columns = {k: v for k, v in schema.columns.items() if k in src.columns}
    try:
        schema.validate(subset.drop(ROW), lazy=True)
        fc = None
    except pa.errors.SchemaErrors as exc:
        fc = exc.failure_cases
    except Exception:
        return {}
    rows = subset[ROW]
    out: dict[str, tuple[set[int], str]] = {}
    for r in failing:
        if r.kind == "unique":
            continue
        names = {"not_nullable"} if r.kind == "not-null" else {str(c.error or c.name) for c in r.checks}
        flagged: set[int] = set()
        if fc is not None:
            hit = fc.filter(pl.col("check").is_in(list(names)) & pl.col("index").is_not_null())
            if r.column:
                hit = hit.filter(pl.col("column") == r.column)
            flagged = {int(rows[int(i)]) for i in hit["index"].to_list()}
        out[r.key] = (flagged, ", ".join(sorted(names)))
    return out


# ------------------------------------------------------------------------------------- findings


def _file_finding(check: str, severity: str, path: Path, rule: str, text: str, expected: str, found: str, *,
                  cell: str | None = None, line: int = 0, quote: str = "") -> tuple[str, Finding]:  # fmt: skip
    """(rule key, finding) for a finding about the file or a column; `text` names the rule."""
    key = f"{rule}:{cell}" if cell else rule
    return key, Finding(check=check, severity=severity, message=f"{path.name}: {text}", expected=expected,
                        found=found, locations=(Location(str(path), line, quote, cell=cell),))  # fmt: skip


def _fmt(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _render_row(row: Mapping[str, Any], src: _Source) -> str:
    """The row as `col=value, ...`; for columns read from text, the text as it stands in the file."""
    parts = []
    for col in src.columns:
        if RAW + col in row:
            v = row[RAW + col]
            parts.append(f"{col}={'' if v is None else v}")
        elif col in row:
            v = row[col]
            parts.append(f"{col}={'' if v is None and src.kind == 'csv' else _fmt(v)}")
    return ", ".join(parts)


def _cells(row: Mapping[str, Any], cols: Sequence[str]) -> str:
    out = []
    for c in cols:
        if RAW + c in row and row[RAW + c] is not None and row.get(c) is None:
            out.append(f"{c}={row[RAW + c]!r}")
        else:
            out.append(f"{c}={_fmt(row.get(c))}")
    return ", ".join(out)


def _rule_finding(src: _Source, rule: CompiledRule, n: int, rows: int, df: pl.DataFrame | None,
                  pandera: tuple[set[int], str] | None) -> Finding:  # fmt: skip
    cols = list(rule.columns) or src.columns
    where = f"column {rule.column}" if rule.column else f"columns {', '.join(cols)}"
    desc = rule.description if rule.description != rule.id else ""
    text = f"{rule.id}: {desc}" if desc else rule.id
    if rule.kind == "unique":
        message = f"{src.path.name}: {where}: {text} fails: {n:,} of {rows:,} rows repeat a key seen before"
    else:
        message = f"{src.path.name}: {where}: {text} fails for {n:,} of {rows:,} rows"
    line, quote, found = 0, "", ""
    if df is not None and df.height:
        recs = df.to_dicts()
        line = src.line(recs[0][ROW])
        quote = _render_row(recs[0], src)
        if rule.kind == "unique":
            found = "; ".join(f"{_cells(r, cols)} ({src.unit} {src.line(r[ROW])}, first at "
                              f"{src.unit} {src.line(r['__first'])})" for r in recs)  # fmt: skip
        else:
            found = "; ".join(f"{_cells(r, cols)} ({src.unit} {src.line(r[ROW])})" for r in recs)
        if pandera is not None:
            flagged, names = pandera
            ours = [int(r[ROW]) for r in recs]
            if all(r in flagged for r in ours):
                message += f"; pandera agrees ({names})"
            else:
                missed = [src.line(r) for r in ours if r not in flagged]
                message += f"; pandera ({names}) does not flag {src.unit}s {', '.join(map(str, missed))}"
    return Finding(check=CONTRACT, severity="error", message=message, expected=rule.expected or rule.description,
                   found=found, locations=(Location(str(src.path), line, quote, cell=rule.column or ",".join(cols)),))


def _dtype_finding(src: _Source, col: str, n: int, rows: int, df: pl.DataFrame | None) -> Finding:
    want = src.parsed[col]
    if col in src.wrong_dtype:
        message = f"{src.path.name}: column {col}: dtype: the file has {src.wrong_dtype[col]}, the contract " \
                  f"declares {want}"
        message += f"; {n:,} of {rows:,} values are not valid {want}" if n else " (every value converts)"
    else:
        message = f"{src.path.name}: column {col}: dtype: {n:,} of {rows:,} values are not valid {want}"
    line, quote, found = 0, "", src.wrong_dtype.get(col, "")
    if df is not None and df.height:
        recs = df.to_dicts()
        line = src.line(recs[0][ROW])
        quote = _render_row(recs[0], src)
        found = "; ".join(f"{col}={r[RAW + col]!r} ({src.unit} {src.line(r[ROW])})" for r in recs)
    return Finding(check=STRUCTURE, severity="error", message=message, expected=str(want), found=found,
                   locations=(Location(str(src.path), line, quote, cell=col),))


def _aggregate_finding(src: _Source, rule: CompiledRule) -> Finding:
    detail = aggregate_detail(src.counting(), rule.ok) if rule.ok is not None else ""
    cols = list(rule.columns)
    return Finding(
        check=CONTRACT, severity="error",
        message=f"{src.path.name}: columns {', '.join(cols)}: {rule.id} fails" + (f": {detail}" if detail else ""),
        expected=rule.expected, found=detail or "false",
        locations=(Location(str(src.path), 0, "", cell=",".join(cols)),),
    )


def aggregate_detail(lf: pl.LazyFrame, ok: pl.Expr) -> str:
    """The values behind a failed aggregate rule such as `X.mean() <= 0.05` or
    `X.sum() <= 0.30 * Y.sum()`: for a share, the share itself and its bound."""
    try:
        sides = ok.meta.pop()
    except Exception:
        return ""
    if len(sides) != 2:
        return ""
    exprs: list[pl.Expr] = []
    shape: list[tuple[str, Any]] = []  # per side: ("lit", value) | ("scaled", factor) | ("expr", None)
    for i, s in enumerate(sides):
        exprs.append(s.alias(f"s{i}"))
        if s.meta.is_literal():
            shape.append(("lit", None))
            continue
        inner = s.meta.pop()
        lits = [x for x in inner if x.meta.is_literal()]
        if len(inner) == 2 and len(lits) == 1:
            other = next(x for x in inner if not x.meta.is_literal())
            exprs += [other.alias(f"b{i}"), lits[0].alias(f"k{i}")]
            shape.append(("scaled", None))
        else:
            shape.append(("expr", None))
    try:
        v = lf.select(exprs).collect(engine=ENGINE).row(0, named=True)
    except Exception:
        return ""
    kinds = [k for k, _ in shape]
    # order-free: the side that is (or holds) a literal is the bound
    for b, a in ((0, 1), (1, 0)):
        if kinds[b] == "lit" and kinds[a] == "expr":
            return f"{expr_text(sides[a])} = {_num(v[f's{a}'])}, bound {_num(v[f's{b}'])}"
        if kinds[b] == "scaled" and kinds[a] == "expr":
            num, den, k = v[f"s{a}"], v[f"b{b}"], v[f"k{b}"]
            share = (num / den) if num is not None and den else None
            return (f"share {_num(share)} ({_num(num)} of {_num(den)}), bound {_num(k)}; "
                    f"{expr_text(sides[a])} = {_num(num)}, {expr_text(sides[b])} = {_num(v[f's{b}'])}")
    return "; ".join(f"{expr_text(s)} = {_num(v[f's{i}'])}" for i, s in enumerate(sides))


def _num(x: Any) -> str:
    if x is None:
        return "null"
    if isinstance(x, float):
        return f"{x:.4g}"
    return str(x)


def _isolate(result: ContractResult, src: _Source, lf: pl.LazyFrame, exprs: list[pl.Expr],
             runnable: list[CompiledRule], exc: Exception) -> dict[str, Any] | None:  # fmt: skip
    """The one query failed: run each count alone, so that one crashing rule becomes a
    check-error finding and the others still run. If the file itself cannot be read,
    one unreadable finding."""
    try:
        base = lf.select(pl.len().alias("__len")).collect(engine=ENGINE).row(0, named=True)
    except Exception:
        _add(result, *_file_finding(UNREADABLE, "error", src.path, "unreadable",
                                    f"unreadable: cannot be read: {_err(exc)}", "a readable extract", _err(exc)))
        return None
    totals: dict[str, Any] = dict(base)
    by_alias = {f"r{i}": r for i, r in enumerate(runnable)}
    for e in exprs[1:]:
        alias = e.meta.output_name()
        try:
            totals.update(lf.select(e).collect(engine=ENGINE).row(0, named=True))
        except Exception as one:
            rule = by_alias.get(alias)
            rid = rule.key if rule else alias
            _add(result, *_file_finding(
                CONTRACT, "error", src.path, "check-error", f"check-error: {rid}: the rule could not be "
                f"evaluated: {_err(one)}", rule.expected if rule else rid, _err(one),
                cell=rule.column if rule else None))  # fmt: skip
    return totals


def _err(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"[:300]
