"""Running a contract on Spark (`validate_extract(spark, path, stem)`): the same compiled rules
as the polars engine, counted in one `df.agg` pass, with the same findings.

1. The rules are the polars engine's (`compile_contract`: one per Pandera check, RULES entry,
   not-null, uniqueness); each rule's polars expression is translated to a Spark Column
   (`translate.polars_to_spark`). A rule that does not translate runs with polars on the driver
   over the columns it reads; a check the compiler does not know is run by pandera, per
   partition in the Python workers when it is element-wise, else on the driver. Nothing
   declared is skipped.
2. One pass counts every row and aggregate rule; key uniqueness (a shuffle of every key, the
   costly part at scale) is counted in a second job, after the others are known.
3. Only where something failed: the first failing rows (rules that fail rarely share one
   pass), exact counts where a null or an unparsed value was involved, and pandera's word on
   the sampled rows, as in the polars engine. The findings are written by the polars engine's
   own code (contracts/findings.py), so both engines say the same thing in the same words.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import reduce
from pathlib import Path
from typing import Any

import polars as pl
from pyspark.sql import Column, DataFrame, SparkSession, Window
from pyspark.sql import functions as F

from pubcheck.extracts.contracts import execute as polars_execute
from pubcheck.extracts.contracts.common import CONTRACT, RAW, ROW, _err, _file_finding
from pubcheck.extracts.contracts.compile import CompiledRule
from pubcheck.extracts.contracts.execute import ContractResult, _add, _pandera_error, _pandera_on
from pubcheck.extracts.contracts.findings import _aggregate_finding, _dtype_finding, _rule_finding, aggregate_detail
from pubcheck.extracts.spark.read import SparkSource, location, open_source
from pubcheck.extracts.spark.translate import Untranslatable, col, polars_to_spark


def validate_extract(spark: SparkSession, path: str | Path, stem: str, *, sample: int = 5, confirm: bool = True,
                     sources: dict[str, SparkSource] | None = None) -> ContractResult:  # fmt: skip
    """The Spark twin of contracts.validate_extract: same counts (ContractResult.counts keys),
    same findings. `path`: a local path or a URI Spark reads. `sources`: opened sources by
    str(path): one found there is used, one opened here is kept there (for the typed columns)."""
    where = location(path)
    t0 = time.perf_counter()
    result = ContractResult(where, stem)  # type: ignore[arg-type]
    try:
        _validate(spark, result, stem, sample=sample, confirm=confirm, sources=sources)
    except Exception as exc:  # the last line of defence: a finding, never a traceback
        _add(result, *_file_finding(CONTRACT, "error", where, "check-error",  # type: ignore[arg-type]
                                    f"check-error: validation stopped: {_err(exc)}", "a completed validation",
                                    _err(exc)))  # fmt: skip
    result.seconds = time.perf_counter() - t0
    result.timings["total"] = result.seconds
    return result


class _Plan:
    """The compiled rules of one extract, each with its Spark form (or how it runs instead)."""

    def __init__(self, rules: list[CompiledRule], src: SparkSource, df: DataFrame):
        self.types = {f.name: f.dataType for f in df.schema.fields}
        self.ok: dict[str, Column] = {}  # rule key -> Spark form of `ok` (row and aggregate rules)
        self.local: list[CompiledRule] = []  # rules run with polars on the driver (no Spark form)
        self.why: dict[str, str] = {}
        for r in rules:
            if r.kind in ("row", "aggregate") and r.ok is not None:
                try:
                    self.ok[r.key] = polars_to_spark(r.ok, self.types)
                except Untranslatable as exc:
                    self.local.append(r)
                    self.why[r.key] = str(exc)


def _count(rule: CompiledRule, src: SparkSource, plan: _Plan) -> Column | None:
    if rule.kind == "not-null":
        c = rule.column or ""
        target = F.col(RAW + c) if c in src.parsed else col(c)  # text that did not parse is not 'null'
        return F.count(F.lit(1)) - F.count(target)
    if rule.key not in plan.ok:
        return None
    if rule.kind == "aggregate":
        return plan.ok[rule.key]
    return F.sum(F.when(~plan.ok[rule.key], 1).otherwise(0))


def _distinct(rule: CompiledRule) -> Column:
    """Distinct keys; a struct, so that a null key is a value (as polars' n_unique counts it)."""
    return F.count_distinct(F.struct(*[col(c) for c in rule.columns]))


def _validate(spark: SparkSession, result: ContractResult, stem: str, *, sample: int, confirm: bool,
              sources: dict[str, SparkSource] | None) -> None:  # fmt: skip
    t = time.perf_counter()
    src = (sources or {}).get(str(result.path)) or open_source(spark, result.path, stem)
    if sources is not None:
        sources[str(result.path)] = src
    result.findings += src.findings
    result.by_rule.update(src.keyed)
    if src.df is None:
        return
    df = src.df
    runnable = polars_execute.runnable_rules(result, stem, src.path, src.columns, src.unusable)  # type: ignore[arg-type]
    plan = _Plan(runnable, src, df)
    result.timings["open"] = time.perf_counter() - t

    # ---- the one pass: a count per rule (uniqueness in a job of its own, after)
    t = time.perf_counter()
    exprs: list[tuple[str, Column]] = [("__len", F.count(F.lit(1)))]
    for c in src.parsed:
        exprs.append((f"dtype:{c}", F.sum(F.when(F.col(RAW + c).isNotNull() & col(c).isNull(), 1).otherwise(0))))
    by_alias: dict[str, CompiledRule] = {}
    for i, rule in enumerate(runnable):
        e = _count(rule, src, plan)
        if e is not None:
            by_alias[f"r{i}"] = rule
            exprs.append((f"r{i}", e))
    totals = _collect(result, src, df, exprs, by_alias)
    if totals is None:
        return
    result.timings["one pass"] = time.perf_counter() - t
    rows = int(totals["__len"])
    result.rows = rows
    counts: dict[str, int] = {f"dtype:{c}": int(totals.get(f"dtype:{c}") or 0) for c in src.parsed}
    for alias, rule in by_alias.items():
        if alias not in totals:
            continue  # the rule crashed: a check-error finding
        v = totals[alias]
        if rule.kind == "aggregate":
            counts[rule.key] = 0 if v is None or bool(v) else 1
        else:
            counts[rule.key] = int(v or 0)
    t = time.perf_counter()
    uniques = [r for r in runnable if r.kind == "unique"]
    if uniques:
        distinct = _collect(result, src, df, [(f"u{i}", _distinct(r)) for i, r in enumerate(uniques)],
                            {f"u{i}": r for i, r in enumerate(uniques)}, base=False)  # fmt: skip
        for i, r in enumerate(uniques):
            if distinct is not None and f"u{i}" in distinct:
                counts[r.key] = rows - int(distinct[f"u{i}"])
    result.timings["uniqueness"] = time.perf_counter() - t

    # ---- rules with no Spark form: polars on the driver, over the columns they read
    t = time.perf_counter()
    local_frames: dict[str, pl.DataFrame] = {}
    for rule in plan.local:
        try:
            frame = _to_polars(df, [ROW, *_with_raw(src, rule.columns)]).sort(ROW)
            local_frames[rule.key] = frame
            assert rule.ok is not None
            if rule.kind == "aggregate":
                ok = frame.select(rule.ok).item()
                counts[rule.key] = 0 if ok is None or bool(ok) else 1
            else:
                counts[rule.key] = int(frame.select((~rule.ok).sum()).item() or 0)
        except Exception as exc:
            _add(result, *_file_finding(
                CONTRACT, "error", src.path, "check-error", f"check-error: {rule.key}: the rule could not be "  # type: ignore[arg-type]
                f"evaluated: {_err(exc)}", rule.expected, _err(exc), cell=rule.column))  # fmt: skip

    # ---- nulls in non-nullable columns and values that did not parse count for not-null or dtype only
    nulls = {r.column: counts.get(r.key, 0) for r in runnable if r.kind == "not-null"}
    guard_cols = {c for c, n in nulls.items() if n} | {c for c in src.parsed if counts.get(f"dtype:{c}")}

    def guard(rule: CompiledRule) -> tuple[Column, pl.Expr] | None:
        cols = [c for c in rule.columns if c in guard_cols]
        if rule.kind == "not-null" or not cols:
            return None
        spark_parts, polars_parts = [], []
        for c in cols:
            if c in nulls:
                spark_parts.append(col(c).isNotNull())
                polars_parts.append(pl.col(c).is_not_null())
            else:
                spark_parts.append(col(c).isNotNull() | F.col(RAW + c).isNull())
                polars_parts.append(pl.col(c).is_not_null() | pl.col(RAW + c).is_null())
        return reduce(lambda a, b: a & b, spark_parts), pl.all_horizontal(polars_parts)

    failing = [r for r in runnable if r.kind in ("row", "not-null", "unique") and counts.get(r.key, 0) > 0]
    failing_dtype = [c for c in src.parsed if counts[f"dtype:{c}"] > 0]
    samples = _samples(src, df, plan, failing, failing_dtype, guard, sample, counts, local_frames)
    for r in runnable:
        if r.kind == "pandera":
            counts[r.key] = _run_pandera(result, src, df, r, rows, sample)
    result.timings["samples and fallbacks"] = time.perf_counter() - t
    result.counts = counts

    pandera_says = polars_execute._confirm(stem, src, failing, samples) if confirm and samples else {}  # type: ignore[arg-type]
    for c in src.parsed:
        n = counts[f"dtype:{c}"]
        if n or c in src.wrong_dtype:
            _add(result, f"dtype:{c}", _dtype_finding(src, c, n, rows, samples.get(f"dtype:{c}")))  # type: ignore[arg-type]
    for r in failing:
        if counts.get(r.key, 0) > 0:
            _add(result, r.key, _rule_finding(src, r, counts[r.key], rows, samples.get(r.key),  # type: ignore[arg-type]
                                              pandera_says.get(r.key)))
    for r in runnable:
        if r.kind == "aggregate" and counts.get(r.key):
            detail = _aggregate_values(src, df, plan, r, local_frames.get(r.key))
            _add(result, r.key, _aggregate_finding(src, r, detail))  # type: ignore[arg-type]


def _collect(result: ContractResult, src: SparkSource, df: DataFrame, exprs: list[tuple[str, Column]],
             by_alias: dict[str, CompiledRule], *, base: bool = True) -> dict[str, Any] | None:  # fmt: skip
    """One job for all the counts; if it fails, each count alone, so that a rule that crashes
    becomes a check-error finding and the others still run (polars engine: _isolate)."""
    try:
        return df.agg(*[e.alias(a) for a, e in exprs]).collect()[0].asDict()
    except Exception as exc:
        first = exc
    totals: dict[str, Any] = {}
    if base:
        try:
            totals["__len"] = df.count()
        except Exception:
            _add(result, *_file_finding("extract-unreadable", "error", src.path, "unreadable",  # type: ignore[arg-type]
                                        f"unreadable: cannot be read: {_err(first)}", "a readable extract",
                                        _err(first)))  # fmt: skip
            return None
    for alias, e in exprs:
        if alias == "__len":
            continue
        try:
            totals.update(df.agg(e.alias(alias)).collect()[0].asDict())
        except Exception as one:
            rule = by_alias.get(alias)
            rid = rule.key if rule else alias
            _add(result, *_file_finding(
                CONTRACT, "error", src.path, "check-error", f"check-error: {rid}: the rule could not be "  # type: ignore[arg-type]
                f"evaluated: {_err(one)}", rule.expected if rule else rid, _err(one),
                cell=rule.column if rule else None))  # fmt: skip
    return totals


def _with_raw(src: SparkSource, cols: tuple[str, ...] | list[str]) -> list[str]:
    out: list[str] = []
    for c in cols:
        out.append(c)
        if c in src.parsed:
            out.append(RAW + c)
    return out


def _to_polars(df: DataFrame, cols: list[str] | None = None) -> pl.DataFrame:
    """Rows from Spark as a polars frame, through Arrow (no pandas)."""
    if cols is not None:
        df = df.select(*[col(c) for c in cols])
    out = pl.from_arrow(df.toArrow())
    assert isinstance(out, pl.DataFrame)
    return out


def _samples(src: SparkSource, df: DataFrame, plan: _Plan, failing: list[CompiledRule], failing_dtype: list[str],
             guard: Callable[[CompiledRule], tuple[Column, pl.Expr] | None], sample: int, counts: dict[str, int],
             local_frames: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:  # fmt: skip
    """The first `sample` failing rows of each failing rule, with ROW, as polars frames; exact
    counts for rules whose count included rows with nulls (as the polars engine's _samples:
    rarely failing rules share one pass, the others take a job each)."""
    if not failing and not failing_dtype:
        return {}
    violations: dict[str, tuple[Column, bool]] = {}
    out: dict[str, pl.DataFrame] = {}
    local_ids: dict[str, list[int]] = {}
    for c in failing_dtype:
        violations[f"dtype:{c}"] = (F.col(RAW + c).isNotNull() & col(c).isNull(), False)
    for r in failing:
        if r.kind == "unique":
            continue
        g = guard(r)
        if r.key in local_frames:  # no Spark form: find the rows with polars, fetch them whole from Spark
            frame = local_frames[r.key]
            assert r.ok is not None
            v = (~r.ok).fill_null(False)
            hit = frame.filter(v & g[1] if g is not None else v)
            if g is not None:
                counts[r.key] = hit.height
            local_ids[r.key] = [int(x) for x in hit[ROW].head(sample).to_list()]
            continue
        if r.kind == "not-null":
            c = r.column or ""
            v_spark = (F.col(RAW + c) if c in src.parsed else col(c)).isNull()
        else:
            v_spark = F.coalesce(~plan.ok[r.key], F.lit(False))
        violations[r.key] = ((v_spark & g[0]) if g is not None else v_spark, g is not None)
    combined = polars_execute.combined_keys(violations, counts, sample)
    if combined:
        flags = [violations[k][0].alias(f"__v{i}") for i, k in enumerate(combined)]
        hit_any = reduce(lambda a, b: a | b, [violations[k][0] for k in combined])
        rows = _to_polars(df.where(hit_any).select("*", *flags)).sort(ROW)
        for i, key in enumerate(combined):
            hit = rows.filter(pl.col(f"__v{i}"))
            if violations[key][1]:
                counts[key] = hit.height  # every violation of this rule is in `rows`
            out[key] = hit.head(sample).drop([f"__v{j}" for j in range(len(combined))])
    recount = [(k, F.sum(F.when(v, 1).otherwise(0)).alias(k)) for k, (v, guarded) in violations.items()
               if guarded and k not in out]  # fmt: skip
    for key, (v, _) in violations.items():
        if key not in out:
            out[key] = _to_polars(df.where(v).orderBy(ROW).limit(sample))
    if recount:
        row = df.agg(*[e for _, e in recount]).collect()[0].asDict()
        for key, _ in recount:
            counts[key] = int(row[key] or 0)
    wanted = sorted({i for ids in local_ids.values() for i in ids})
    if wanted:
        fetched = _to_polars(df.where(F.col(ROW).isin(wanted))).sort(ROW)
        for key, ids in local_ids.items():
            out[key] = fetched.filter(pl.col(ROW).is_in(ids))
    for key in local_ids:
        out.setdefault(key, _to_polars(df.limit(0)))
    for r in failing:
        if r.kind == "unique":
            out[r.key] = _duplicate_rows(df, r, sample)
    return out


def _duplicate_rows(df: DataFrame, rule: CompiledRule, sample: int) -> pl.DataFrame:
    """The first `sample` rows that repeat a key seen before, each with the row where the key
    was first seen (column `__first`)."""
    w = Window.partitionBy(*[col(c) for c in rule.columns])
    rep = df.select("*", F.min(ROW).over(w).alias("__first"), F.count(F.lit(1)).over(w).alias("__n"))
    picked = rep.where((F.col("__n") > 1) & (F.col(ROW) != F.col("__first"))).orderBy(ROW).limit(sample)
    return _to_polars(picked.drop("__n"))


def _aggregate_values(src: SparkSource, df: DataFrame, plan: _Plan, rule: CompiledRule,
                      local: pl.DataFrame | None) -> str:  # fmt: skip
    """The values behind a failed aggregate rule, in the polars engine's words."""
    assert rule.ok is not None
    if local is not None:
        return aggregate_detail(local.lazy(), rule.ok)

    def evaluate(exprs: list[pl.Expr]) -> dict[str, Any]:
        cols = [polars_to_spark(e, plan.types).alias(e.meta.output_name()) for e in exprs]
        return df.agg(*cols).collect()[0].asDict()

    try:
        return aggregate_detail(None, rule.ok, evaluate)
    except Exception:
        return ""


def _run_pandera(result: ContractResult, src: SparkSource, df: DataFrame, rule: CompiledRule, rows: int,
                 sample: int) -> int:  # fmt: skip
    """A check the compiler does not know: pandera runs it. Element-wise: in the Python
    workers, partition by partition (only the failing row numbers reach the driver); else on
    the driver, over the columns it reads."""
    check = rule.checks[0]
    cols = list(rule.columns) or src.columns
    try:
        if check.element_wise and rule.column:
            failing = _pandera_partitions(df, rule)
            n = failing.count()
            if not n:
                return 0
            first = [int(r[ROW]) for r in failing.orderBy(ROW).limit(sample).collect()]
            picked = _to_polars(df.where(F.col(ROW).isin(first)).select(ROW, *[col(c) for c in cols])).sort(ROW)
            return _pandera_on(result, src, rule, picked, rows, sample, count=n)  # type: ignore[arg-type]
        frame = _to_polars(df, [ROW, *cols]).sort(ROW)
    except Exception as exc:
        _pandera_error(result, src, rule, exc)  # type: ignore[arg-type]
        return 0
    return _pandera_on(result, src, rule, frame, rows, sample)  # type: ignore[arg-type]


def _pandera_partitions(df: DataFrame, rule: CompiledRule) -> DataFrame:
    check, column = rule.checks[0], rule.column

    def run(batches):  # type: ignore[no-untyped-def]  # in the Python worker; the closure travels by value
        import pandera.polars as wpa
        import polars as wpl
        import pyarrow as warrow

        schema = wpa.DataFrameSchema({column: wpa.Column(nullable=True, checks=[check])})
        for batch in batches:
            frame = wpl.from_arrow(batch)
            try:
                schema.validate(frame.drop(ROW), lazy=True)
                continue
            except wpa.errors.SchemaErrors as exc:
                fc = exc.failure_cases
            idx = [int(i) for i in fc["index"].to_list() if i is not None]
            ids = frame[ROW]
            yield warrow.record_batch({ROW: warrow.array([int(ids[i]) for i in idx], warrow.int64())})

    return df.select(ROW, col(column or "")).mapInArrow(run, f"{ROW} long")
