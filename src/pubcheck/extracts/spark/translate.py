"""A polars expression as a Spark Column: the compiled contract rules, translated.

The contract compiler (pubcheck.extracts.contracts.compile) turns each Pandera check and each
cross-column rule of schemas/extracts.py into a polars expression. The Spark engine does not
compile the declarations a second time: it walks each expression's serialized tree
(`expr.meta.serialize(format="json")`) and builds the same computation as a Spark Column.

The JSON form is polars-internal and unversioned (polars is pinned; a test translates every
rule of every contract, so an upgrade that changes it fails there). A node this module does
not know raises `Untranslatable`; the engine then runs that rule with polars over the columns
it reads, so nothing declared is skipped.

Semantics kept: null is "not judged" as in polars (comparisons with null are null,
`when(null)` takes the otherwise branch); Spark 4 runs in ANSI mode, so non-strict casts and
division use try_cast / try_divide (polars: null, or inf/NaN for x/0 where Spark gives null);
regular expressions are Rust's in polars and Java's in Spark (see `java_regex`).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import polars as pl
import pyarrow as pa
from pyspark.sql import Column
from pyspark.sql import functions as F
from pyspark.sql import types as T


class Untranslatable(Exception):
    """A polars expression node with no Spark form here."""


_OPS = {"Eq": "__eq__", "NotEq": "__ne__", "Lt": "__lt__", "LtEq": "__le__", "Gt": "__gt__", "GtEq": "__ge__",
        "And": "__and__", "Or": "__or__", "Plus": "__add__", "Minus": "__sub__", "Multiply": "__mul__",
        "Modulus": "__mod__"}  # fmt: skip
_BOOL_OPS = {"Eq", "NotEq", "Lt", "LtEq", "Gt", "GtEq", "And", "Or", "Xor", "EqValidity", "NotEqValidity"}
_INTS = {"Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32", "UInt64"}
_CAST = {"Int8": T.ByteType(), "Int16": T.ShortType(), "Int32": T.IntegerType(), "Int64": T.LongType(),
         "Float32": T.FloatType(), "Float64": T.DoubleType(), "String": T.StringType(),
         "Boolean": T.BooleanType(), "Date": T.DateType()}  # fmt: skip


def col(name: str) -> Column:
    """A column by its exact name (dots and spaces are not paths)."""
    return F.col("`" + name.replace("`", "``") + "`")


def polars_to_spark(expr: pl.Expr, types: dict[str, T.DataType] | None = None) -> Column:
    """The Spark Column computing `expr`. `types`: the frame's column types (needed only to
    sum or average a boolean column). Raises Untranslatable."""
    try:
        tree = json.loads(expr.meta.serialize(format="json"))
    except Exception as exc:  # an expression polars cannot serialize (a Python UDF, say)
        raise Untranslatable(f"not serializable: {type(exc).__name__}") from exc
    try:
        return _Tx(types or {}).node(tree)
    except Untranslatable:
        raise
    except (KeyError, ValueError, TypeError, IndexError, AttributeError) as exc:  # an unexpected tree shape
        raise Untranslatable(f"{type(exc).__name__}: {exc}") from exc


def java_regex(pattern: str) -> str:
    """A Rust-regex pattern (polars) for Java's regex (Spark's rlike), with the same matches.

    Java's `$` also matches before a final line terminator, Rust's only at the end: each `$`
    outside a character class becomes `\\z`. Rust's `\\d`, `\\w`, `\\s` are Unicode-aware,
    Java's ASCII: flag U (UNICODE_CHARACTER_CLASS). Java's `.` also stops at `\\r` and other
    line terminators, Rust's only at `\\n`: flag d (UNIX_LINES)."""
    out: list[str] = []
    in_class = escaped = False
    for ch in pattern:
        if escaped:
            out.append(ch)
            escaped = False
        elif ch == "\\":
            out.append(ch)
            escaped = True
        elif in_class:
            out.append(ch)
            in_class = ch != "]"
        elif ch == "[":
            out.append(ch)
            in_class = True
        elif ch == "$":
            out.append("\\z")
        else:
            out.append(ch)
    return "(?dU)" + "".join(out)


class _Tx:
    def __init__(self, types: dict[str, T.DataType]):
        self.types = types

    def node(self, n: Any) -> Column:
        if n == "Len":
            return F.count(F.lit(1))
        if not isinstance(n, dict) or len(n) != 1:
            raise Untranslatable(f"node {str(n)[:60]}")
        ((kind, body),) = n.items()
        fn = getattr(self, f"n_{kind}", None)
        if fn is None:
            raise Untranslatable(kind)
        return fn(body)

    # ---- leaves
    def n_Column(self, name: str) -> Column:
        return col(name)

    def n_Alias(self, body: list[Any]) -> Column:
        return self.node(body[0])

    def n_Literal(self, body: dict[str, Any]) -> Column:
        value = self.literal(body)
        if isinstance(value, list):
            raise Untranslatable("a list literal outside is_in")
        return F.lit(value)

    def literal(self, body: dict[str, Any]) -> Any:
        ((k, v),) = body.items()
        if k == "Dyn":  # a Python int/float/str written into the expression
            ((t, x),) = v.items()
            if t not in ("Int", "Float", "Str"):
                raise Untranslatable(f"literal Dyn {t}")
            return x
        if k == "Scalar":
            ((t, x),) = v.items()
            if t in _INTS:
                return int(x)
            if t in ("Float32", "Float64", "String", "Boolean"):
                return x
            if t == "Null":
                return None
            if t == "Date":
                return dt.date(1970, 1, 1) + dt.timedelta(days=int(x))
            if t == "List":  # is_in's values: an Arrow IPC stream
                table = pa.ipc.open_stream(pa.py_buffer(bytes(x))).read_all()
                return table.column(0).to_pylist()
            raise Untranslatable(f"literal {t}")
        raise Untranslatable(f"literal {k}")

    def lit_value(self, n: Any) -> Any:
        if isinstance(n, dict) and "Literal" in n:
            return self.literal(n["Literal"])
        raise Untranslatable("a literal argument was expected")

    def is_bool(self, n: Any) -> bool:
        """Does node n give a boolean (so Sum/Mean must count it)?"""
        if not isinstance(n, dict) or len(n) != 1:
            return False
        ((kind, body),) = n.items()
        if kind == "BinaryExpr":
            return body["op"] in _BOOL_OPS
        if kind == "Function":
            f = body["function"]
            if isinstance(f, dict) and "Boolean" in f:
                return True
            return isinstance(f, dict) and "StringExpr" in f and next(iter(f["StringExpr"])) in (
                "Contains", "StartsWith", "EndsWith")  # fmt: skip
        if kind == "Column":
            return isinstance(self.types.get(body), T.BooleanType)
        if kind == "Alias":
            return self.is_bool(body[0])
        if kind == "Cast":
            return isinstance(body.get("dtype"), dict) and body["dtype"].get("Literal") == "Boolean"
        if kind == "Literal":
            return "Boolean" in json.dumps(body)
        if kind == "Ternary":
            return self.is_bool(body["truthy"])
        return False

    # ---- operators
    def n_BinaryExpr(self, body: dict[str, Any]) -> Column:
        op = body["op"]
        a, b = self.node(body["left"]), self.node(body["right"])
        if op in _OPS:
            return getattr(a, _OPS[op])(b)
        if op == "Xor":
            return (a | b) & ~(a & b)
        if op == "EqValidity":
            return a.eqNullSafe(b)
        if op == "NotEqValidity":
            return ~a.eqNullSafe(b)
        if op in ("TrueDivide", "Divide"):
            return F.try_divide(a, b)
        if op == "FloorDivide":
            return F.floor(F.try_divide(a, b))
        raise Untranslatable(f"operator {op}")

    def n_Ternary(self, body: dict[str, Any]) -> Column:
        return F.when(self.node(body["predicate"]), self.node(body["truthy"])).otherwise(self.node(body["falsy"]))

    def n_Cast(self, body: dict[str, Any]) -> Column:
        inner = self.node(body["expr"])
        dtype = body["dtype"].get("Literal") if isinstance(body["dtype"], dict) else None
        if dtype not in _CAST:
            raise Untranslatable(f"cast to {body['dtype']}")
        return inner.try_cast(_CAST[dtype]) if body.get("options") == "NonStrict" else inner.cast(_CAST[dtype])

    def n_Agg(self, body: dict[str, Any]) -> Column:
        ((kind, inner),) = body.items()
        if kind in ("Sum", "Mean"):
            x = self.node(inner)
            if self.is_bool(inner):
                x = x.cast("long" if kind == "Sum" else "double")
            return F.coalesce(F.sum(x), F.lit(0)) if kind == "Sum" else F.avg(x)  # polars: sum of nothing is 0
        if kind in ("Min", "Max"):
            x = self.node(inner["input"] if isinstance(inner, dict) and "input" in inner else inner)
            return F.min(x) if kind == "Min" else F.max(x)
        if kind == "NUnique":
            return F.count_distinct(F.struct(self.node(inner)))  # a struct: null counts as a value, as in polars
        if kind == "Count":
            inner_node = inner["input"] if isinstance(inner, dict) and "input" in inner else inner
            if isinstance(inner, dict) and inner.get("include_nulls"):
                return F.count(F.lit(1))
            return F.count(self.node(inner_node))
        raise Untranslatable(f"aggregation {kind}")

    def n_Function(self, body: dict[str, Any]) -> Column:
        f, args = body["function"], body["input"]
        if isinstance(f, str):
            if f == "NullCount":
                return F.sum(F.when(self.node(args[0]).isNull(), 1).otherwise(0))
            if f == "FillNull":
                return F.coalesce(self.node(args[0]), self.node(args[1]))
            raise Untranslatable(f"function {f}")
        ((ns, spec),) = f.items()
        name = spec if isinstance(spec, str) else next(iter(spec))
        opts = spec[name] if isinstance(spec, dict) else {}
        handler = getattr(self, f"f_{ns}", None)
        if handler is None:
            raise Untranslatable(f"function {ns}.{name}")
        return handler(name, opts, args)

    def f_Boolean(self, name: str, opts: Any, args: list[Any]) -> Column:
        x = self.node(args[0])
        if name == "IsNull":
            return x.isNull()
        if name == "IsNotNull":
            return x.isNotNull()
        if name == "Not":
            return ~x
        if name == "IsIn":
            if isinstance(opts, dict) and opts.get("nulls_equal"):
                raise Untranslatable("is_in(nulls_equal=True)")
            values = self.lit_value(args[1])
            return x.isin(values if isinstance(values, list) else [values])
        if name == "IsBetween":
            lo, hi = self.node(args[1]), self.node(args[2])
            closed = opts["closed"] if isinstance(opts, dict) else "Both"
            left = x >= lo if closed in ("Both", "Left") else x > lo
            right = x <= hi if closed in ("Both", "Right") else x < hi
            return left & right
        raise Untranslatable(f"boolean {name}")

    def f_StringExpr(self, name: str, opts: Any, args: list[Any]) -> Column:
        x = self.node(args[0])
        if name == "LenChars":
            return F.char_length(x)
        if name == "LenBytes":
            return F.octet_length(x)
        if name == "Slice":
            off, length = self.lit_value(args[1]), self.lit_value(args[2])
            if off is None or off < 0 or length is None:
                raise Untranslatable("str.slice with a negative or open offset")
            return F.substring(x, off + 1, length)
        if name == "StartsWith":
            return x.startswith(self.lit_value(args[1]))
        if name == "EndsWith":
            return x.endswith(self.lit_value(args[1]))
        if name == "Contains":
            pat = self.lit_value(args[1])
            return x.contains(pat) if opts.get("literal") else x.rlike(java_regex(pat))
        if name == "Uppercase":
            return F.upper(x)
        if name == "Lowercase":
            return F.lower(x)
        raise Untranslatable(f"str.{name}")

    def f_TemporalExpr(self, name: str, opts: Any, args: list[Any]) -> Column:
        x = self.node(args[0])
        simple = {"Year": F.year, "Month": F.month, "Day": F.dayofmonth, "Quarter": F.quarter}
        if name in simple:
            return simple[name](x)
        if name == "DatetimeFunction":  # pl.date(y, m, d) is pl.datetime(y, m, d).cast(Date)
            rest = [self.lit_value(a) for a in args[3:7]]
            if any(r not in (0, None) for r in rest):
                raise Untranslatable("pl.datetime with a time of day")
            return F.make_date(x, self.node(args[1]), self.node(args[2]))
        raise Untranslatable(f"dt.{name}")
