"""Great Expectations (GX 1.x) gate for data refreshes: suites as reviewable JSON, run on polars.

A suite is generated once from an accepted extract and its contract (schemas/extracts.py),
written to ``checks/gx/<stem>.json`` (pretty-printed, sorted keys, one expectation per entry)
and edited there by a data engineer without Python. ``run_suite`` runs it on a refreshed
extract through a GX checkpoint and turns every failed expectation into a Finding.

great_expectations costs about 2 s and 240 MB to import: it is imported inside the functions
that need it, never at module level, so ``pubcheck check`` does not pay for it.

GX state (great_expectations.yml, suites, validation results) lives in the ``project_dir``
the caller passes (by convention ``.gx-state/`` at the project root, git-ignored): never in
the data folders. Data Docs go to the folder the caller names.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from pubcheck.humanize import plural, say_number
from pubcheck.model import CheckRun, Finding, Location

DEFAULT_STATE_DIR = Path(".gx-state")
MAX_OBSERVED_SET = 30  # an observed value set becomes an in-set expectation up to this size
_SITE = "pubcheck_site"


@dataclass(frozen=True)
class GxResult:
    """The outcome of one suite run: findings, wall time, the Data Docs index (if built)
    and a raw summary of every expectation result (type, kwargs, success, result)."""

    findings: list[Finding]
    seconds: float
    docs_index: Path | None = None
    results: list[dict[str, Any]] = field(default_factory=list)
    runs: list[CheckRun] = field(default_factory=list)  # one per expectation, with its plain-English text
    run_name: str = ""


# ---------------------------------------------------------------- suite generation


def _contract_columns(stem: str) -> tuple[dict[str, dict[str, Any]], tuple[str, ...]]:
    """column -> {allowed, min, max} from the contract, and the contract key ((), if none)."""
    try:
        from schemas.extracts import CONTRACTS
    except ImportError:  # pragma: no cover - schemas/ ships with pubcheck
        return {}, ()
    contract = CONTRACTS.get(stem)
    if contract is None:
        return {}, ()
    cols: dict[str, dict[str, Any]] = {}
    for name, column in contract.model.to_schema().columns.items():
        info: dict[str, Any] = {}
        for check in column.checks:
            stats = check.statistics or {}
            if check.name == "isin":
                info["allowed"] = list(stats["allowed_values"])
            elif check.name in ("greater_than_or_equal_to", "greater_than"):
                info["min"] = stats["min_value"]
            elif check.name in ("less_than_or_equal_to", "less_than"):
                info["max"] = stats["max_value"]
            elif check.name == "in_range":
                info["min"], info["max"] = stats["min_value"], stats["max_value"]
        cols[name] = info
    return cols, contract.key


def _jsonable(value: Any) -> Any:
    """A value as JSON holds it: dates and datetimes as ISO strings. A date is written as
    midnight ('2010-01-01T00:00:00'): GX parses a bare '2010-01-01' to a date, which pandas
    cannot compare with the datetime64[ns] column GX gets (an internal error, not a failure)."""
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time()).isoformat()
    return value


def _expectation(type_: str, **kwargs: Any) -> dict[str, Any]:
    return {"type": type_, "kwargs": kwargs, "meta": {}}


def suite_from_extract(df: pl.DataFrame, stem: str, *, row_tolerance: float = 0.2) -> dict[str, Any]:
    """A starting suite (GX suite JSON) from an accepted extract and its contract.

    Row count within (1 - tol, 1 + tol) x rows; per column: not null (mostly = observed
    non-null share, rounded down to 2 decimals), in set (the contract's allowed values,
    else the observed set when it has at most 30 values), between (contract bounds, else
    the observed min and max, for numbers and dates); the contract key unique together.
    """
    contract_cols, key = _contract_columns(stem)
    n = df.height
    exps = [
        _expectation(
            "expect_table_row_count_to_be_between",
            min_value=math.floor((1 - row_tolerance) * n),
            max_value=math.ceil((1 + row_tolerance) * n),
        )
    ]
    for name in df.columns:
        s = df.get_column(name)
        info = contract_cols.get(name, {})
        non_null = n - s.null_count()
        share = non_null / n if n else 1.0
        if share >= 1.0:
            exps.append(_expectation("expect_column_values_to_not_be_null", column=name))
        elif share > 0:
            mostly = math.floor(share * 100) / 100
            exps.append(_expectation("expect_column_values_to_not_be_null", column=name, mostly=mostly))
        if non_null == 0:
            continue
        if "allowed" in info:
            exps.append(_expectation("expect_column_values_to_be_in_set", column=name, value_set=info["allowed"]))
        elif not (s.dtype.is_float() or s.dtype.is_temporal()):
            values = s.drop_nulls().unique()
            if values.len() <= MAX_OBSERVED_SET:
                value_set = sorted(_jsonable(v) for v in values.to_list())
                exps.append(_expectation("expect_column_values_to_be_in_set", column=name, value_set=value_set))
        if s.dtype.is_numeric() or s.dtype.is_temporal():
            lo = info.get("min", s.min())
            hi = info.get("max", s.max())
            exps.append(
                _expectation(
                    "expect_column_values_to_be_between", column=name, min_value=_jsonable(lo), max_value=_jsonable(hi)
                )
            )
    if len(key) == 1:
        exps.append(_expectation("expect_column_values_to_be_unique", column=key[0]))
    elif key:
        exps.append(_expectation("expect_compound_columns_to_be_unique", column_list=list(key)))
    return {"name": stem, "expectations": exps, "meta": {"generated_by": "pubcheck.gx.suite_from_extract"}}


def write_suite(suite: dict[str, Any], path: Path) -> Path:
    """Write a suite as reviewable JSON: pretty-printed, sorted keys, one expectation an entry."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(suite, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def read_suite(path: Path) -> dict[str, Any]:
    """Read a suite written by write_suite (or edited by hand)."""
    suite = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(suite, dict) or "name" not in suite or not isinstance(suite.get("expectations"), list):
        raise ValueError(f"{path}: not a GX suite (needs 'name' and an 'expectations' list)")
    return suite


# ---------------------------------------------------------------- running


def to_pandas_for_gx(df: pl.DataFrame) -> Any:
    """A pandas frame GX checks fast: dates and datetimes as datetime64[ns] (pandas 3 gives
    coarser units by default, and GX's range check then falls back to a per-row loop)."""
    casts = [
        pl.col(name).cast(pl.Datetime("ns"))
        for name, dtype in df.schema.items()
        if dtype == pl.Date or isinstance(dtype, pl.Datetime)
    ]
    if casts:
        df = df.with_columns(casts)
    pdf = df.to_pandas()
    for name in pdf.columns:  # belt and braces: whatever unit to_pandas chose, GX gets ns
        dtype = str(pdf[name].dtype)
        if dtype.startswith("datetime64") and "[ns" not in dtype:
            tz = getattr(pdf[name].dtype, "tz", None)
            pdf[name] = pdf[name].astype(f"datetime64[ns, {tz}]" if tz else "datetime64[ns]")
    return pdf


def _is_spark(df: Any) -> bool:
    """A Spark DataFrame (the Spark engine's), without importing pyspark."""
    return type(df).__module__.startswith("pyspark.")


def _context(project_dir: Path, data_docs: Path | None) -> Any:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations as gx

    project_dir = Path(project_dir).resolve()
    project_dir.mkdir(parents=True, exist_ok=True)
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="file", project_root_dir=str(project_dir))
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    if data_docs is not None:
        site = {
            "class_name": "SiteBuilder",
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            "store_backend": {
                "class_name": "TupleFilesystemStoreBackend",
                "base_directory": str(Path(data_docs).resolve()),
            },
        }
        sites = context.get_config().data_docs_sites or {}
        if _SITE in sites:
            context.delete_data_docs_site(_SITE)
        context.add_data_docs_site(site_name=_SITE, site_config=site)
    return context


_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _fix_dates(expectation: dict[str, Any], schema: pl.Schema) -> dict[str, Any]:
    """A hand-written bare date bound ('2010-01-01') on a date column, as midnight: see _jsonable."""
    kwargs = dict(expectation.get("kwargs") or {})
    dtype = schema.get(str(kwargs.get("column")))
    if dtype is not None and dtype.is_temporal():
        for k in ("min_value", "max_value"):
            v = kwargs.get(k)
            if isinstance(v, str) and _DATE_ONLY.match(v):
                kwargs[k] = v + "T00:00:00"
    return {**expectation, "kwargs": kwargs}


def _exception(result: dict[str, Any]) -> str | None:
    """The message of a GX internal error in an expectation result, or None."""
    info = result.get("exception_info") or {}
    if "raised_exception" in info:  # flat form
        if not info.get("raised_exception"):
            return None
        return info.get("exception_message") or "unknown error"
    for value in info.values():  # keyed by metric id
        if isinstance(value, dict) and value.get("raised_exception"):
            return value.get("exception_message") or "unknown error"
    return None


def expectation_key(type_: str, kwargs: dict[str, Any]) -> str:
    """A stable name for an expectation in a suite: its type and the column(s) it is about."""
    cols = kwargs.get("column") or ", ".join(map(str, kwargs.get("column_list") or [])) or ""
    return f"{type_}({cols})" if cols else type_


def _values(values: Any, limit: int = 8) -> str:
    vals = list(values or [])
    shown = ", ".join(str(v) for v in vals[:limit])
    return shown + (f" and {len(vals) - limit} more" if len(vals) > limit else "")


def plain(type_: str, kwargs: dict[str, Any]) -> str:
    """What an expectation requires, in words (the raw expectation stays in the JSON report)."""
    cond = kwargs.get("row_condition")
    text = _plain(type_, kwargs)
    if isinstance(cond, dict) and cond.get("type") == "comparison":  # {"column": {"name"}, "operator", "parameter"}
        col = (cond.get("column") or {}).get("name", "?")
        cond = f"{col} {cond.get('operator', '?')} {cond.get('parameter')!r}"
    return f"{text}, where {cond}" if cond else text


def _plain(type_: str, kwargs: dict[str, Any]) -> str:
    col = kwargs.get("column")
    lo, hi = kwargs.get("min_value"), kwargs.get("max_value")
    mostly = kwargs.get("mostly")
    if isinstance(mostly, int | float) and mostly < 1:
        every, be = f"at least {mostly * 100:g} per cent of {col} values", "are"
    else:
        every, be = f"every {col}", "is"

    def num(x: Any) -> str:
        return say_number(x) if isinstance(x, int | float) and not isinstance(x, bool) else str(x)

    def bounds() -> str:
        if lo is not None and hi is not None:
            return f"between {num(lo)} and {num(hi)}"
        if lo is not None:
            return f"at least {num(lo)}"
        if hi is not None:
            return f"at most {num(hi)}"
        return "any value"

    if type_ == "expect_table_row_count_to_be_between":
        return f"the table has {bounds()} rows"
    if type_ == "expect_table_row_count_to_equal":
        return f"the table has {num(kwargs.get('value'))} rows"
    if type_ == "expect_column_values_to_not_be_null":
        return f"{every} {be} present (not empty)"
    if type_ == "expect_column_values_to_be_in_set":
        return f"{every} {be} one of: {_values(kwargs.get('value_set'))}"
    if type_ == "expect_column_values_to_not_be_in_set":
        return f"no {col} is one of: {_values(kwargs.get('value_set'))}"
    if type_ == "expect_column_values_to_be_between":
        return f"{every} {be} {bounds()}"
    if type_ == "expect_column_values_to_be_unique":
        return f"no {col} repeats"
    if type_ == "expect_compound_columns_to_be_unique":
        return f"no combination of {', '.join(map(str, kwargs.get('column_list') or []))} repeats"
    if type_ == "expect_column_pair_values_a_to_be_greater_than_b":
        a, b = kwargs.get("column_A"), kwargs.get("column_B")
        return f"every {a} is {'at least' if kwargs.get('or_equal') else 'greater than'} the row's {b}"
    if type_ == "expect_column_to_exist":
        return f"the table has a column {col}"
    if type_ == "expect_column_values_to_match_regex":
        return f"{every} {be} text matching {kwargs.get('regex')}"
    if type_ in ("expect_column_min_to_be_between", "expect_column_max_to_be_between",
                 "expect_column_mean_to_be_between", "expect_column_sum_to_be_between"):  # fmt: skip
        return f"the {type_.split('_')[2]} of {col} is {bounds()}"
    words = type_.removeprefix("expect_").replace("_", " ")
    return f"{words} ({col})" if col else words


def _observed(type_: str, res: dict[str, Any]) -> str:
    """What GX observed, in words: `1,500 rows`, `1,219 of 5,000 values (24.4 per cent) are not
    allowed, e.g. JSA_NEW`."""
    parts = []
    obs = res.get("observed_value")
    if obs is not None:
        if type_.startswith("expect_table_row_count"):
            parts.append(plural(int(obs), "row"))
        else:
            parts.append(f"observed {say_number(obs) if isinstance(obs, int | float) else obs}")
    n = res.get("unexpected_count")
    if n:
        total = res.get("element_count")
        pct = res.get("unexpected_percent")
        of = f" of {say_number(total)}" if total else ""
        pct_txt = f" ({pct:.1f} per cent)" if isinstance(pct, int | float) else ""
        parts.append(f"{say_number(n)}{of} values{pct_txt} do not meet it")
    partial = res.get("partial_unexpected_list")
    if partial:
        parts.append(f"e.g. {_values(sorted({str(x) for x in partial}), 5)}")
    return "; ".join(parts)


def _describe(type_: str, kwargs: dict[str, Any], res: dict[str, Any]) -> tuple[str, str, str]:
    """message, expected, found for a failed expectation, in words."""
    expected = plain(type_, kwargs)
    found = _observed(type_, res) or "it does not hold"
    return f"Great Expectations: expected {expected}; {found}", expected, found


def run_suite(
    df: pl.DataFrame | Any,
    suite: dict[str, Any],
    *,
    data_docs: Path | None = None,
    project_dir: Path,
    document: str | None = None,
    run_name: str | None = None,
) -> GxResult:
    """Run a suite on a frame through a GX checkpoint; failed expectations become findings.
    `df`: a polars frame (run on pandas) or a Spark DataFrame (run on a GX Spark datasource).

    project_dir: where GX keeps its state (great_expectations.yml, results); one place, the
    caller's (e.g. `.gx-state/`). data_docs: if given, Data Docs (HTML) are written there and
    GxResult.docs_index is its index.html. document: the name findings cite (default: the
    suite's name). run_name: the run's name in GX and its Data Docs (default: the document
    and the time), so the Data Docs page names the file it validated.
    """
    t0 = time.perf_counter()
    context = _context(project_dir, data_docs)
    import great_expectations as gx

    name = str(suite["name"])
    document = document or name
    definition = name  # the validation definition and checkpoint: one per engine (each names its datasource)
    if _is_spark(df):  # the Spark engine: GX computes on Spark, nothing is collected into pandas
        definition = f"{name}-spark"
        frame: Any = df
        # the session is pubcheck's (GX finds it with getOrCreate); no spark_config, or GX may restart it
        source = context.data_sources.add_or_update_spark(name="pubcheck_spark", persist=False)
        schema: Any = {}  # date bounds compare with Spark's DateType as they are
    else:
        frame = to_pandas_for_gx(df)
        source = context.data_sources.add_or_update_pandas(name="pubcheck")
        schema = df.schema
    asset = next((a for a in source.assets if a.name == name), None) or source.add_dataframe_asset(name=name)
    batch_def = next((b for b in asset.batch_definitions if b.name == "whole"), None)
    batch_def = batch_def or asset.add_batch_definition_whole_dataframe("whole")

    expectations = [_fix_dates(e, schema) for e in suite["expectations"]]
    gx_suite = gx.ExpectationSuite(name=name, expectations=expectations, meta=dict(suite.get("meta") or {}))
    gx_suite = context.suites.add_or_update(gx_suite)
    vd = context.validation_definitions.add_or_update(
        gx.ValidationDefinition(name=definition, data=batch_def, suite=gx_suite)
    )
    actions = []
    if data_docs is not None:
        actions.append(gx.checkpoint.UpdateDataDocsAction(name="docs", site_names=[_SITE]))
    checkpoint = context.checkpoints.add_or_update(
        gx.Checkpoint(
            name=definition, validation_definitions=[vd], actions=actions, result_format={"result_format": "SUMMARY"}
        )
    )
    from great_expectations.core.run_identifier import RunIdentifier

    now = dt.datetime.now(dt.UTC)
    run_name = run_name or f"{document} {now:%Y-%m-%d %H:%M:%S} UTC"
    run = checkpoint.run(batch_parameters={"dataframe": frame}, run_id=RunIdentifier(run_name=run_name, run_time=now))

    findings: list[Finding] = []
    raw: list[dict[str, Any]] = []
    runs: list[CheckRun] = []
    for vr in run.run_results.values():
        for r in vr.results:
            cfg = r.expectation_config
            type_ = cfg.type
            kwargs = {k: v for k, v in dict(cfg.kwargs).items() if k != "batch_id"}
            res = dict(r.result or {})
            rd = r.to_json_dict()
            raw.append({"type": type_, "kwargs": kwargs, "success": bool(r.success), "result": rd.get("result")})
            key = expectation_key(type_, kwargs)
            error = _exception(rd) if not r.success else None
            observed = _observed(type_, res)
            runs.append(CheckRun("gx-internal-error" if error else "gx-expectation", key=key, target=document,
                                 stage="gx", text=plain(type_, kwargs),
                                 raw={"type": type_, "kwargs": _jsonable_kwargs(kwargs), "success": bool(r.success),
                                      "observed": observed, "file": document, "run_name": run_name}))  # fmt: skip
            if r.success:
                continue
            column = str(kwargs.get("column") or ", ".join(kwargs.get("column_list") or []) or "")
            loc = (Location(document=document, line=0, quote=column, cell=column),)
            if error is not None:
                findings.append(
                    Finding(
                        check="gx-internal-error",
                        severity="error",
                        message=f"Great Expectations could not evaluate {type_} on {column or 'the table'}: "
                        f"{error} (a harness error, not a data failure)",
                        expected=f"{type_} evaluated",
                        found=error,
                        locations=loc,
                        key=key,
                        raw={"type": type_, "kwargs": _jsonable_kwargs(kwargs)},
                    )
                )
                continue
            message, expected, found = _describe(type_, kwargs, res)
            findings.append(
                Finding(
                    check="gx-expectation",
                    severity="error",
                    message=message,
                    expected=expected,
                    found=found,
                    locations=loc,
                    key=key,
                    raw={"type": type_, "kwargs": _jsonable_kwargs(kwargs), "result": _jsonable_kwargs(res)},
                )
            )

    docs_index = None
    if data_docs is not None:
        index = Path(data_docs).resolve() / "index.html"
        docs_index = index if index.is_file() else None
    return GxResult(findings=findings, seconds=time.perf_counter() - t0, docs_index=docs_index, results=raw,
                    runs=runs, run_name=run_name)


def _jsonable_kwargs(d: dict[str, Any]) -> dict[str, Any]:
    """A GX kwargs or result dict as JSON holds it (dates as ISO text, other objects as text)."""
    return json.loads(json.dumps(d, default=str))


_BANNER = re.compile(r"<!-- pubcheck-verdict -->.*?<!-- /pubcheck-verdict -->", re.S)


def annotate_data_docs(folder: Path, verdict: str, first: str, report: Path | None) -> list[Path]:
    """Put the gate's verdict at the top of every Data Docs page in `folder`, so that a page
    GX marks "Succeeded" is never taken for the gate's answer: which verdict, the first
    finding that decided it, and where the full report is. Idempotent (a second run replaces
    its banner). Returns the pages changed."""
    import html as _html

    failed = not verdict.startswith("PASSED")
    colour = ("#b3261e", "#fdecea") if failed else ("#1e7b34", "#e9f6ec")
    link = ""
    if report is not None:
        link = f' The full report: <a href="{_html.escape(Path(report).resolve().as_uri())}">' \
               f"{_html.escape(str(report))}</a>."
    first_txt = f"<br>First: {_html.escape(first)}" if first else ""
    banner = (f'<!-- pubcheck-verdict --><div role="alert" style="border:2px solid {colour[0]};background:{colour[1]};'
              f'padding:10px 14px;margin:8px;font:14px sans-serif;color:#1b1f24"><strong style="color:{colour[0]}">'
              f"pubcheck refresh gate: {_html.escape(verdict)}</strong>{first_txt}<br>These Data Docs show the Great "
              f"Expectations stage only (one of intake, contracts, GX and the refresh rules); they are not the "
              f"gate's verdict.{link}</div><!-- /pubcheck-verdict -->")  # fmt: skip
    changed = []
    for page in sorted(Path(folder).rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        if _BANNER.search(text):
            new = _BANNER.sub(lambda _m: banner, text)
        else:
            new = re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + banner, text, count=1)
        if new != text:
            page.write_text(new, encoding="utf-8")
            changed.append(page)
    return changed
