"""The findings of a failed rule, a wrong dtype or an aggregate: the file, the column, the
rule, the count and the first failing rows as they stand in the file."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import polars as pl

from pubcheck.extracts.contracts.common import CONTRACT, ENGINE, RAW, ROW, STRUCTURE
from pubcheck.extracts.contracts.compile import CompiledRule, expr_text
from pubcheck.extracts.contracts.read import _Source
from pubcheck.humanize import say_number
from pubcheck.model import Finding, Location


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


def _aggregate_finding(src: _Source, rule: CompiledRule, detail: str | None = None) -> Finding:
    """`detail`: the values behind the failure, when the caller evaluated them (the Spark engine)."""
    if detail is None:
        detail = aggregate_detail(src.counting(), rule.ok) if rule.ok is not None else ""
    cols = list(rule.columns)
    return Finding(
        check=CONTRACT, severity="error",
        message=f"{src.path.name}: columns {', '.join(cols)}: {rule.id} fails" + (f": {detail}" if detail else ""),
        expected=rule.expected, found=detail or "false",
        locations=(Location(str(src.path), 0, "", cell=",".join(cols)),),
    )


def aggregate_detail(lf: pl.LazyFrame | None, ok: pl.Expr,
                     evaluate: Callable[[list[pl.Expr]], dict[str, Any]] | None = None) -> str:
    """The values behind a failed aggregate rule such as `X.mean() <= 0.05` or
    `X.sum() <= 0.30 * Y.sum()`: for a share, the share itself and its bound. `evaluate`
    computes the named aggregate expressions in one row (default: on `lf`, with polars)."""
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
        if evaluate is not None:
            v = evaluate(exprs)
        else:
            assert lf is not None
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
        return say_number(x)  # never scientific notation (17,750,000 is '17.75 million')
    return str(x)

