"""Running a contract: every compiled rule counted in one streaming query, sample rows fetched
for the rules that fail, pandera asked to confirm them (`validate_extract`)."""

from __future__ import annotations

import copy
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandera.polars as pa
import polars as pl

from pubcheck.extracts.contracts.common import CONTRACT, ENGINE, RAW, ROW, STRUCTURE, UNREADABLE, _err, _file_finding
from pubcheck.extracts.contracts.compile import CompiledRule, compile_contract
from pubcheck.extracts.contracts.findings import _aggregate_finding, _dtype_finding, _render_row, _rule_finding
from pubcheck.extracts.contracts.read import _open, _Source
from pubcheck.model import CheckRun, Finding, Location
from schemas.extracts import schema_for

COMBINED_ROWS = 10_000  # at most this many failing rows fetched in one pass (rarely failing rules)


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
    timings: dict[str, float] = field(default_factory=dict)  # seconds per step (the Spark engine reports them)

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


def _data_lines(path: Path) -> int:
    """Data lines of a CSV (lines after the header), counted in 1 MiB blocks: no parsing, and no
    memory map that would count the whole file as resident."""
    n, last = 0, b""
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            n += block.count(b"\n")
            last = block
    return max(0, n + (0 if last.endswith(b"\n") or not last else 1) - 1)


def _validate(result: ContractResult, path: Path, stem: str, *, sample: int, confirm: bool) -> None:
    src = _open(path, stem, strict=False)
    result.findings += src.findings
    result.by_rule.update(src.keyed)
    if src.base is None:
        return
    missing = [c for c, why in src.unusable.items() if why == "missing"]
    if len(missing) * 2 > len(set(src.columns) | set(src.unusable)):
        # Most of the contract's columns are absent: this is not the extract (a one-column file of
        # 2 GB took 12 GB to check value by value). Count its rows, validate nothing else.
        result.rows = _data_lines(path) if src.kind == "csv" else int(src.base.select(pl.len()).collect(
            engine=ENGINE).item())  # fmt: skip
        _add(result, *_file_finding(
            STRUCTURE, "error", path, "not-this-extract", f"not-this-extract: {len(missing)} of the contract's "
            f"{len(set(src.columns) | set(src.unusable))} columns are missing; its {result.rows:,} rows are not "
            "validated value by value", "the contract's columns", f"columns {', '.join(src.columns) or 'none'}"))
        return
    runnable = runnable_rules(result, stem, path, src.columns, src.unusable)

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


def runnable_rules(result: ContractResult, stem: str, path: Path, columns: Iterable[str],
                   unusable: dict[str, str]) -> list[CompiledRule]:  # fmt: skip
    """The contract's compiled rules whose columns the file has, usable; the others are listed in
    `result.skipped` and reported once as `not-checked` (both engines)."""
    usable = set(columns)
    runnable: list[CompiledRule] = []
    for rule in compile_contract(stem):
        if any(c not in usable for c in rule.columns):
            result.skipped.append(rule.key)
        else:
            runnable.append(rule)
    if result.skipped:
        _add(result, *_file_finding(
            STRUCTURE, "warning", path, "not-checked", f"not-checked: {len(result.skipped)} rules read columns "
            f"that are missing or unusable: {', '.join(result.skipped)}", "every rule checked",
            ", ".join(f"{c} ({why})" for c, why in unusable.items())))  # fmt: skip
    return runnable


def combined_keys(violations: Iterable[str], counts: dict[str, int], sample: int) -> list[str]:
    """The failing rules whose sample rows are fetched in one combined pass (both engines): the
    rarest first, while each fails on fewer than 4 samples' worth of rows and together they stay
    within COMBINED_ROWS."""
    combined: list[str] = []
    total = 0
    for key in sorted(violations, key=lambda k: counts.get(k, 0)):
        if counts.get(key, 0) < 4 * sample and total + counts.get(key, 0) <= COMBINED_ROWS:
            combined.append(key)
            total += counts.get(key, 0)
    return combined


def _add(result: ContractResult, key: str, finding: Finding) -> None:
    if finding.key is None:  # the rule it is about: its identity across runs, and its check run
        finding = replace(finding, key=key)
    result.findings.append(finding)
    result.by_rule.setdefault(key, finding)


def contract_runs(result: ContractResult) -> list[CheckRun]:
    """Every rule of the extract's contract as a check run: ran, or skipped and why (its
    columns are missing or unusable; the file could not be read)."""
    target = str(result.path)
    try:
        rules = compile_contract(result.stem)
    except Exception:  # noqa: BLE001 - no contract: no rules to list
        return []
    unreadable = next((f for f in result.findings if f.check == UNREADABLE and f.severity == "error"), None)
    runs = []
    for r in rules:
        if unreadable is not None and not result.counts:
            runs.append(CheckRun(CONTRACT, key=r.key, target=target, stage="contract", status="skipped",
                                 reason=f"the file cannot be read: {unreadable.message.split(': ', 1)[-1][:160]}",
                                 text=r.description))  # fmt: skip
        elif r.key in result.skipped:
            runs.append(CheckRun(CONTRACT, key=r.key, target=target, stage="contract", status="skipped",
                                 reason="it reads a column that is missing or unusable", text=r.description))
        else:
            runs.append(CheckRun(CONTRACT, key=r.key, target=target, stage="contract", text=r.description))
    return runs


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
    combined = combined_keys(violations, counts, sample)
    out: dict[str, pl.DataFrame] = {}
    if combined:
        # the flags are computed on the whole frame, then filtered: a rule with a window
        # (`x.mean().over(g)`) evaluated on the failing rows alone would judge another frame
        flags = [violations[k][0].alias(f"__v{i}") for i, k in enumerate(combined)]
        rows = lf.with_columns(flags).filter(pl.any_horizontal([pl.col(f"__v{i}") for i in range(len(combined))]))
        rows = rows.collect(engine=ENGINE)
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
    cols = list(rule.columns) or src.columns
    try:
        df = src.rows().select([ROW, *cols]).collect(engine=ENGINE)
    except Exception as exc:
        _pandera_error(result, src, rule, exc)
        return 0
    return _pandera_on(result, src, rule, df, rows, sample)


def _pandera_error(result: ContractResult, src: Any, rule: CompiledRule, exc: Exception) -> None:
    _add(result, *_file_finding(CONTRACT, "error", src.path, "check-error",
                                f"check-error: {rule.id}: pandera could not run it: {_err(exc)}",
                                rule.expected, _err(exc), cell=rule.column))  # fmt: skip


def _pandera_on(result: ContractResult, src: Any, rule: CompiledRule, df: pl.DataFrame, rows: int, sample: int,
                count: int | None = None) -> int:  # fmt: skip
    """Pandera runs the rule's check on `df` (ROW and the columns it reads, in row order);
    the finding names the first failing rows. `count`: the number of failing rows when `df`
    holds only some of them (the Spark engine's per-partition run)."""
    check = rule.checks[0]
    try:
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
        _pandera_error(result, src, rule, exc)
        return 0
    idx = [int(i) for i in fc["index"].to_list() if i is not None] if "index" in fc.columns else []
    n = len(idx) if idx else max(fc.height, 1)
    n = count if count is not None else n
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

