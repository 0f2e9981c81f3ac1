"""Compiling a Pandera schema (schemas/extracts.py) into CompiledRules: polars expressions
that are True on valid rows; a check the compiler does not know is kept for pandera to run."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandera.polars as pa
import polars as pl

from schemas.extracts import CONTRACTS, RULES, schema_for

# pandera builtin check name -> (comparison, statistic holding the bound)
_BOUNDS = {
    "greater_than_or_equal_to": (">=", "min_value"),
    "greater_than": (">", "min_value"),
    "less_than_or_equal_to": ("<=", "max_value"),
    "less_than": ("<", "max_value"),
}


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

