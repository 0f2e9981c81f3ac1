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
"""

from __future__ import annotations

import math
import time
from pathlib import Path
from typing import Any

import polars as pl

from pubcheck.extracts.validate import ExtractSummary
from pubcheck.model import Finding
from pubcheck.refresh.drift import (
    DEFAULTS,
    SAMPLE,
    RefreshConfig,
    _finding,
    category_rules,
    history_rules,
    period_rows_rule,
)


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
        rows = self._polars(self.df.where(c == value).orderBy(self.row).limit(SAMPLE)).sort(self.row)
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


def _gx(stem: str, path: Any, cur: SparkView, prev: SparkView, *, suites_dir: Path | None, state_dir: Path,
        data_docs: Path | None, config: RefreshConfig) -> tuple[list[Finding], Path | None]:  # fmt: skip
    try:
        from pubcheck.refresh.gate import adjust_suite
        from pubcheck.refresh.gx import read_suite, run_suite

        hand = suites_dir / f"{stem}.json" if suites_dir is not None else None
        suite = read_suite(hand) if hand is not None and hand.is_file() else suite_from_spark(prev, stem)
        suite = adjust_suite(suite, stem, prev.height, config)
        result = run_suite(cur.typed(), suite, data_docs=data_docs, project_dir=state_dir, document=str(path))
        return result.findings, result.docs_index
    except Exception as exc:  # noqa: BLE001 - a harness error, reported, never a traceback
        return [_finding("gx-internal-error", "error", path, None,
                         f"Great Expectations failed: {type(exc).__name__}: {exc} "
                         "(a harness error, not a data failure)",
                         "the GX checkpoint to run", type(exc).__name__)], None  # fmt: skip


# ---------------------------------------------------------------- the gate


def _view(engine: Any, path: Any, stem: str) -> tuple[SparkView | None, list[Finding]]:
    df, findings = engine.load(path, stem)
    if df is None:
        return None, findings
    return SparkView(engine.open(path, stem).rows(), stem), findings


def refresh_extracts_spark(engine: Any, previous: Any, current: Any, *, data_docs: Path | None, state_dir: Path,
                           suites_dir: Path | None = None, config: RefreshConfig = DEFAULTS,
                           progress: Any = None) -> Any:  # fmt: skip
    """refresh.gate.refresh_extracts on the Spark engine (`engine`: extracts.spark.engine.SparkEngine):
    `previous` and `current` may be local folders or URIs."""
    from pubcheck.refresh.drift import read_revisions
    from pubcheck.refresh.gate import RefreshResult

    if progress:
        progress("starting Spark")
    prev_files, cur_files = engine.find_extracts(previous), engine.find_extracts(current)
    revisions = engine.local_copy(current, ["revisions.txt", "revisions.json"], read_revisions)
    findings: list[Finding] = []
    summaries: list[ExtractSummary] = []
    docs_index = None
    for stem in sorted(set(prev_files) - set(cur_files)):
        findings.append(_finding("refresh-missing-extract", "error", prev_files[stem], None,
                                 f"extract {stem} is in the previous folder and missing from {current}",
                                 f"{stem}.csv or {stem}.parquet in {current}", "no file"))  # fmt: skip
    for stem, path in sorted(cur_files.items()):
        t0 = time.perf_counter()
        mine: list[Finding] = []
        rows = 0
        if progress:
            progress(f"intake {path.name} on Spark")
        intake = intake_spark(engine, path, stem)
        mine += intake.findings
        if intake.ok:
            if progress:
                progress(f"contract {path.name} on Spark")
            contract = engine.validate_extract(path, stem)
            mine += contract.findings
            rows = contract.rows
            cur, load_findings = _view(engine, path, stem)
            mine += [f for f in load_findings if f not in mine]
            prev = None
            if stem in prev_files:
                prev, prev_findings = _view(engine, prev_files[stem], stem)
                if prev is None:
                    mine.append(_finding("refresh-unreadable", "error", prev_files[stem], None,
                                         "the previous extract cannot be read: no baseline for the refresh",
                                         "a readable previous extract",
                                         "; ".join(f.found for f in prev_findings) or "unreadable"))  # fmt: skip
            else:
                mine.append(_finding("refresh-new-extract", "info", path, None,
                                     f"no previous {stem} extract: refresh rules skipped",
                                     "a previous extract", "none"))  # fmt: skip
            if cur is not None and prev is not None:
                if progress:
                    progress(f"great expectations {path.name} on Spark")
                gx_findings, index = _gx(stem, path, cur, prev, suites_dir=suites_dir, state_dir=state_dir,
                                         data_docs=data_docs, config=config)  # fmt: skip
                docs_index = index or docs_index
                mine += gx_findings
                if progress:
                    progress(f"refresh rules {path.name} on Spark")
                mine += category_rules(stem, path, prev, cur, config)  # type: ignore[arg-type]
                mine += period_rows_rule(stem, path, prev, cur, config)  # type: ignore[arg-type]
                mine += history_rules(stem, path, prev, cur, config, revisions)  # type: ignore[arg-type]
        findings += mine
        summaries.append(ExtractSummary(stem, str(path), rows, time.perf_counter() - t0, len(mine)))
    return RefreshResult(findings, summaries, docs_index)
