"""The refresh gate on Spark (`pubcheck refresh --engine spark`): the same four stages as
pubcheck.refresh.gate, with every pass over the data done by Spark.

1. intake (`intake_spark`): the file read by Spark as the contract's table: header or schema
   against the contract, the CSV's lines (ragged, cut short, not UTF-8, blank), and one pass over
   the whole file for the row count, nulls in required columns and values that are not of the
   declared type. The polars engine's intake (frictionless) validates the first 100,000 rows;
   this one reads every row. A file with intake errors skips the later stages.
2. contracts: the Spark engine's validate_extract (same findings as the polars engine).
3. Great Expectations: the same suite, run by GX on a Spark datasource over the extract
   (refresh.gx.run_suite with a Spark DataFrame); a suite generated from the previous extract
   (`suite_from_spark`) is the one refresh.gx.suite_from_extract makes.
4. the refresh rules of refresh.drift, unchanged: they ask `SparkView` for distinct values,
   shares, row counts per period, recomputed key figures and sample rows.

refresh.gate.refresh_extracts runs the stages with `SparkGate` when it is given the Spark engine.
"""

from __future__ import annotations

import math
import time
from pathlib import Path
from typing import Any

import polars as pl

from pubcheck.model import Finding
from pubcheck.refresh.drift import SAMPLE, RefreshConfig


class SparkView:
    """What the refresh rules ask of an extract (drift.PolarsView's questions), answered by
    Spark. `df`: ROW and the declared columns, typed (SparkSource.rows())."""

    def __init__(self, df: Any, stem: str):
        from pubcheck.extracts.contracts.common import ROW
        from pubcheck.extracts.spark.read import polars_dtype

        self.df = df
        self.stem = stem
        self.row = ROW
        self.schema: dict[str, Any] = {f.name: polars_dtype(f.dataType) for f in df.schema.fields if f.name != ROW}
        self._height: int | None = None
        self._n_unique: dict[str, int] | None = None

    def _col(self, name: str) -> Any:
        from pubcheck.extracts.spark.translate import col

        return col(name)

    def _polars(self, df: Any) -> pl.DataFrame:
        from pubcheck.extracts.spark.execute import _to_polars

        return _to_polars(df)

    def typed(self) -> Any:
        return self.df.drop(self.row)

    @property
    def height(self) -> int:
        if self._height is None:
            self._height = int(self.df.count())
        return self._height

    def n_unique(self, col: str) -> int:
        if self._n_unique is None:  # every string column in one pass
            from pyspark.sql import functions as F

            names = [n for n, t in self.schema.items() if t == pl.String]
            row = self.df.agg(*[F.count_distinct(F.struct(self._col(n))).alias(n) for n in names]).collect()[0]
            self._n_unique = {n: int(row[n]) for n in names}
        if col in self._n_unique:
            return self._n_unique[col]
        from pyspark.sql import functions as F

        return int(self.df.agg(F.count_distinct(F.struct(self._col(col)))).collect()[0][0])

    def distinct(self, col: str) -> set[Any]:
        c = self._col(col)
        return {r[0] for r in self.df.select(c).where(c.isNotNull()).distinct().collect()}

    def count_eq(self, col: str, value: Any) -> int:
        return int(self.df.where(self._col(col) == value).count())

    def counts(self, col: str, name: str) -> pl.DataFrame:
        from pyspark.sql import functions as F

        return self._polars(self.df.groupBy(self._col(col)).agg(F.count(F.lit(1)).alias(name)))

    def shares(self, col: str, name: str) -> pl.DataFrame:
        counts = self.counts(col, "__n")
        total = counts["__n"].sum()
        return counts.select(pl.col(col), (pl.col("__n") / total).alias(name))

    def sample(self, col: str, value: Any, *, as_text: bool = False) -> str:
        c = self._col(col).cast("string") if as_text else self._col(col)
        cond = c.isin(value) if isinstance(value, list) else c == value
        rows = self._polars(self.df.where(cond).orderBy(self.row).limit(SAMPLE)).sort(self.row)
        return " | ".join(", ".join(f"{k}={v}" for k, v in r.items()) for r in rows.drop(self.row).to_dicts())

    def aggregate(self, stem: str) -> Any:
        from pubcheck.extracts.spark.recompute import aggregate

        return aggregate({stem: self.typed()})


# ---------------------------------------------------------------- 1. intake


_LINE_TYPES = {"encoding": "encoding-error", "ragged-row": "ragged-row", "truncated": "truncated",
               "blank-line": "blank-row", "no-final-newline": "no-final-newline"}  # fmt: skip


def intake_spark(engine: Any, path: Any, stem: str) -> Any:
    """The intake of one extract, read by Spark (an IntakeResult, as intake.intake_file's)."""
    from pyspark.sql import functions as F

    from pubcheck.extracts.contracts.common import RAW
    from pubcheck.extracts.spark.translate import col
    from pubcheck.refresh.intake import IntakeResult, _contract_columns, _findings, _Issue, _label_issues

    result = IntakeResult(path=path, stem=stem)
    t0 = time.perf_counter()
    doc = str(path)
    try:
        src = engine.open(path, stem)
        expected = _contract_columns(stem) or {}
        issues: list[Any] = []
        if src.df is None and not src.present:  # the file cannot be read as a table at all
            for f in src.findings:
                loc = f.locations[0] if f.locations else None
                issues.append(_Issue("format-error", f"format-error: {f.message.split(': ', 1)[-1]}",
                                     loc.line if loc and loc.line else 1, loc.quote if loc else "",
                                     expected=f.expected, found=f.found))  # fmt: skip
        quote = ",".join(src.present)
        issues += _label_issues(src.present, expected, quote)
        for key, gid in _LINE_TYPES.items():
            f = src.keyed.get(key)
            if f is not None:
                loc = f.locations[0]
                issues.append(_Issue(gid, f"{gid}: {f.message.split(': ', 2)[-1]}", loc.line or 1, loc.quote,
                                     expected=f.expected, found=f.found))  # fmt: skip
        for name, got in src.wrong_dtype.items():
            kind = expected.get(name, ("other", True))[0]
            issues.append(_Issue("type-error", f"type-error at column {name!r}: the file's type {got} is not {kind}",
                                 1, quote, column=name, expected=kind, found=got))  # fmt: skip
        for name, why in src.unusable.items():
            if why != "missing":
                kind = expected.get(name, ("other", True))[0]
                issues.append(_Issue("type-error", f"type-error at column {name!r}: {why} cannot be read as {kind}",
                                     1, quote, column=name, expected=kind, found=why))  # fmt: skip
        if src.df is not None:  # one pass over every row: count, nulls, values not of their type
            required = [n for n in src.columns if not expected.get(n, ("", True))[1]]
            exprs = [F.count(F.lit(1)).alias("__rows")]
            for n in required:
                target = F.col(RAW + n) if n in src.parsed else col(n)
                exprs.append((F.count(F.lit(1)) - F.count(target)).alias(f"null:{n}"))
            for n in src.parsed:
                bad = F.col(RAW + n).isNotNull() & col(n).isNull()
                exprs.append(F.sum(F.when(bad, 1).otherwise(0)).alias(f"type:{n}"))
            row = src.df.agg(*exprs).collect()[0].asDict()
            result.rows_checked = int(row["__rows"])
            for n in required:
                if row[f"null:{n}"]:
                    issues.append(_Issue(
                        "constraint-error", f"constraint-error at column {n!r}: {row[f'null:{n}']:,} null values in "
                        f"a required column (of {result.rows_checked:,} rows)", 1, quote, column=n,
                        expected="no nulls", found=f"{row[f'null:{n}']:,} nulls"))  # fmt: skip
            for n in src.parsed:
                if row[f"type:{n}"] and n not in src.wrong_dtype:
                    kind = expected.get(n, ("other", True))[0]
                    issues.append(_Issue(
                        "type-error", f"type-error at column {n!r}: {row[f'type:{n}']:,} values are not {kind} "
                        f"(of {result.rows_checked:,} rows)", 1, quote, column=n, expected=kind,
                        found=f"{row[f'type:{n}']:,} values"))  # fmt: skip
        result.findings = _findings(doc, issues, "")
    except Exception as exc:  # noqa: BLE001 - never raise: one finding, the run goes on
        from pubcheck.model import Location

        result.findings.append(Finding("intake", "error", f"{doc}: intake stopped: {type(exc).__name__}: {exc}",
                                       "a file intake can read", type(exc).__name__,
                                       (Location(document=doc, line=1, quote=""),)))  # fmt: skip
    result.seconds = time.perf_counter() - t0
    return result


# ---------------------------------------------------------------- 3. GX


def suite_from_spark(view: SparkView, stem: str, *, row_tolerance: float = 0.2) -> dict[str, Any]:
    """refresh.gx.suite_from_extract, computed by Spark: the same suite from the same extract."""
    from pyspark.sql import functions as F

    from pubcheck.refresh.gx import MAX_OBSERVED_SET, _contract_columns, _expectation, _jsonable

    contract_cols, key = _contract_columns(stem)
    df = view.typed()
    names = list(view.schema)
    exprs = [F.count(F.lit(1)).alias("__n")]
    for i, name in enumerate(names):
        c = view._col(name)
        exprs.append(F.count(c).alias(f"nn{i}"))
        dtype = view.schema[name]
        if dtype is not None and (dtype.is_numeric() or dtype.is_temporal()):
            exprs += [F.min(c).alias(f"lo{i}"), F.max(c).alias(f"hi{i}")]
    stats = df.agg(*exprs).collect()[0].asDict()
    n = int(stats["__n"])
    exps = [_expectation("expect_table_row_count_to_be_between", min_value=math.floor((1 - row_tolerance) * n),
                         max_value=math.ceil((1 + row_tolerance) * n))]  # fmt: skip
    for i, name in enumerate(names):
        dtype = view.schema[name]
        info = contract_cols.get(name, {})
        non_null = int(stats[f"nn{i}"])
        share = non_null / n if n else 1.0
        if share >= 1.0:
            exps.append(_expectation("expect_column_values_to_not_be_null", column=name))
        elif share > 0:
            exps.append(_expectation("expect_column_values_to_not_be_null", column=name,
                                     mostly=math.floor(share * 100) / 100))  # fmt: skip
        if non_null == 0:
            continue
        if "allowed" in info:
            exps.append(_expectation("expect_column_values_to_be_in_set", column=name, value_set=info["allowed"]))
        elif dtype is not None and not (dtype.is_float() or dtype.is_temporal()):
            c = view._col(name)
            values = [r[0] for r in df.select(c).where(c.isNotNull()).distinct().limit(MAX_OBSERVED_SET + 1).collect()]
            if len(values) <= MAX_OBSERVED_SET:
                exps.append(_expectation("expect_column_values_to_be_in_set", column=name,
                                         value_set=sorted(_jsonable(v) for v in values)))  # fmt: skip
        if dtype is not None and (dtype.is_numeric() or dtype.is_temporal()):
            lo, hi = info.get("min", stats[f"lo{i}"]), info.get("max", stats[f"hi{i}"])
            exps.append(_expectation("expect_column_values_to_be_between", column=name, min_value=_jsonable(lo),
                                     max_value=_jsonable(hi)))  # fmt: skip
    if len(key) == 1:
        exps.append(_expectation("expect_column_values_to_be_unique", column=key[0]))
    elif key:
        exps.append(_expectation("expect_compound_columns_to_be_unique", column_list=list(key)))
    return {"name": stem, "expectations": exps, "meta": {"generated_by": "pubcheck.gx.suite_from_extract"}}


class SparkGate:
    """The refresh gate's reads and checks on Spark (refresh.gate.PolarsGate's methods):
    refresh.gate.refresh_extracts runs the same stages, in the same order, with this."""

    intake_text = "structure: header or schema, lines, every row's nulls and types (Spark)"

    def __init__(self, engine: Any):
        self.engine = engine
        self._rows: dict[str, int] = {}

    def find(self, folder: Any) -> dict[str, Any]:
        return self.engine.find_extracts(folder)

    def revisions(self, folder: Any) -> dict[str, set[str]]:
        from pubcheck.refresh.drift import read_revisions

        return self.engine.local_copy(folder, ["revisions.txt", "revisions.json"], read_revisions)

    def intake(self, path: Any, stem: str) -> Any:
        return intake_spark(self.engine, path, stem)

    def contract(self, path: Any, stem: str) -> Any:
        result = self.engine.validate_extract(path, stem)
        self._rows[str(path)] = result.rows
        return result

    def load(self, path: Any, stem: str) -> tuple[SparkView | None, list[Finding]]:
        df, findings = self.engine.load(path, stem)
        if df is None:
            return None, findings
        view = SparkView(self.engine.open(path, stem).rows(), stem)
        view._height = self._rows.get(str(path))  # counted by the contract already
        return view, findings

    def gx(self, stem: str, path: Any, cur: SparkView, prev: SparkView, *, suites_dir: Path | None,
           state_dir: Path, data_docs: Path | None, config: RefreshConfig) -> Any:  # fmt: skip
        """refresh.gate._gx on Spark: the suite run by GX on a Spark datasource."""
        from pubcheck.refresh.gate import gx_checkpoint

        return gx_checkpoint(stem, path, cur.typed, lambda: suite_from_spark(prev, stem), lambda: prev.height,
                             suites_dir=suites_dir, state_dir=state_dir, data_docs=data_docs,
                             config=config)  # fmt: skip
