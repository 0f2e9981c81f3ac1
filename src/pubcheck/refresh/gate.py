"""The data-refresh gate (issue 4): is a new extract what we expect, and did anything already
published move?

``run_refresh(previous, current)`` takes the previous accepted extracts and the new ones
(``<stem>.csv`` or ``<stem>.parquet`` per contract in schemas/extracts.py) and, for every
extract in ``current``:

1. intake (pubcheck.refresh.intake): structure; a file with intake errors skips the later stages
   (the run goes on with the other files);
2. contracts (pubcheck.extracts.contracts): the Pandera contract, with sample rows;
3. Great Expectations (pubcheck.refresh.gx): the suite ``checks/gx/<stem>.json`` when it exists, else
   one generated from the previous extract, adjusted to a refresh (see ``adjust_suite``);
   GX state lives in ``state_dir`` (by convention ``.gx-state/``), Data Docs in ``data_docs``;
   a GX failure to evaluate is a ``gx-internal-error`` (an error of the harness);
4. refresh rules (pubcheck.refresh.drift), plain polars, each finding naming file, column and
   sample values: refresh-category, refresh-period-rows, refresh-revised-history (unless the
   period is listed in ``revisions.txt`` / ``revisions.json`` in ``current``),
   refresh-rate-shift; and here, refresh-missing-extract: an extract in ``previous`` absent
   from ``current`` (error).

The row count (previous rows +- ``row_change``) is checked once, by the GX suite.
Nothing is written into either folder.
"""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from pubcheck.extracts.validate import ExtractSummary  # one extract's line in the report
from pubcheck.model import Finding
from pubcheck.refresh.drift import (
    DEFAULTS,
    PERIOD_COLUMNS,
    RefreshConfig,
    _finding,
    category_rules,
    history_rules,
    period_rows_rule,
    read_revisions,
)


@dataclass
class RefreshResult:
    findings: list[Finding]
    summaries: list[ExtractSummary]
    docs_index: Path | None = None


def adjust_suite(suite: dict[str, Any], stem: str, previous_rows: int, config: RefreshConfig) -> dict[str, Any]:
    """A suite adjusted to a refresh, which extends a series.

    The row count is the previous extract's +- row_change; the period column gets no value
    set and no bounds (new periods are the point of a refresh); key columns get no observed
    value set (new ids); bounds the contract does not declare are dropped on date and numeric
    columns (one extract's observed min/max is not a rule); observed value sets on numeric
    columns are dropped. Contract value sets and bounds, not-null and key uniqueness stay."""
    from pubcheck.refresh.gx import _contract_columns

    contract, key = _contract_columns(stem)
    period = PERIOD_COLUMNS.get(stem)
    out = copy.deepcopy(suite)
    exps = []
    for e in out["expectations"]:
        type_, kwargs = e.get("type"), dict(e.get("kwargs") or {})
        col = kwargs.get("column")
        info = contract.get(str(col), {})
        if type_ == "expect_table_row_count_to_be_between":
            kwargs["min_value"] = int(previous_rows * (1 - config.row_change))
            kwargs["max_value"] = int(previous_rows * (1 + config.row_change) + 0.999999)
        elif type_ == "expect_column_values_to_be_in_set" and "allowed" not in info:
            values = kwargs.get("value_set") or []
            numeric = any(isinstance(v, int | float) and not isinstance(v, bool) for v in values)
            if col == period or col in key or numeric:
                continue
        elif type_ == "expect_column_values_to_be_between":
            for bound, name in (("min_value", "min"), ("max_value", "max")):
                if name not in info or col == period:
                    kwargs[bound] = None
            if kwargs.get("min_value") is None and kwargs.get("max_value") is None:
                continue
        exps.append({**e, "kwargs": kwargs})
    out["expectations"] = exps
    out.setdefault("meta", {})["adjusted_by"] = "pubcheck.refresh.adjust_suite"
    return out


def _gx(stem: str, path: Path, cur: pl.DataFrame, prev: pl.DataFrame, *, suites_dir: Path | None,
        state_dir: Path, data_docs: Path | None,
        config: RefreshConfig) -> tuple[list[Finding], Path | None]:  # fmt: skip
    try:
        from pubcheck.refresh.gx import read_suite, run_suite, suite_from_extract

        hand = suites_dir / f"{stem}.json" if suites_dir is not None else None
        suite = read_suite(hand) if hand is not None and hand.is_file() else suite_from_extract(prev, stem)
        suite = adjust_suite(suite, stem, prev.height, config)
        result = run_suite(cur, suite, data_docs=data_docs, project_dir=state_dir, document=str(path))
        return result.findings, result.docs_index
    except Exception as exc:  # noqa: BLE001 - a harness error, reported, never a traceback
        return [_finding("gx-internal-error", "error", path, None,
                         f"Great Expectations failed: {type(exc).__name__}: {exc} "
                         "(a harness error, not a data failure)",
                         "the GX checkpoint to run", type(exc).__name__)], None  # fmt: skip


def _load(path: Path, stem: str) -> tuple[pl.DataFrame | None, list[Finding]]:
    from pubcheck.extracts.contracts import load_extract

    lf, findings = load_extract(path, stem, strict=False)
    if lf is None:
        return None, findings
    try:
        return lf.collect(), findings
    except Exception as exc:  # noqa: BLE001
        return None, findings + [_finding("refresh-unreadable", "error", path, None,
                                          f"cannot be read: {type(exc).__name__}: {exc}",
                                          "a readable extract", type(exc).__name__)]  # fmt: skip


def refresh_extracts(previous: Path, current: Path, *, data_docs: Path | None, state_dir: Path,
                     suites_dir: Path | None = None, config: RefreshConfig = DEFAULTS,
                     progress=None, engine=None) -> RefreshResult:  # type: ignore[no-untyped-def]  # fmt: skip
    """`engine`: the Spark engine (extracts.spark.engine.SparkEngine): the gate runs on Spark
    (pubcheck.refresh.spark); None: polars, here."""
    if engine is not None:
        from pubcheck.refresh.spark import refresh_extracts_spark

        return refresh_extracts_spark(engine, previous, current, data_docs=data_docs, state_dir=state_dir,
                                      suites_dir=suites_dir, config=config, progress=progress)  # fmt: skip
    from pubcheck.extracts.contracts import find_extracts, validate_extract
    from pubcheck.refresh.intake import intake_file

    previous, current = Path(previous), Path(current)
    prev_files, cur_files = find_extracts(previous), find_extracts(current)
    revisions = read_revisions(current)
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
            progress(f"intake {path.name}")
        intake = intake_file(path, stem)
        mine += intake.findings
        if intake.ok:
            if progress:
                progress(f"contract {path.name}")
            mine += validate_extract(path, stem).findings
            cur, load_findings = _load(path, stem)
            mine += [f for f in load_findings if f not in mine]
            prev = None
            if stem in prev_files:
                prev, prev_findings = _load(prev_files[stem], stem)
                if prev is None:
                    mine.append(_finding("refresh-unreadable", "error", prev_files[stem], None,
                                         "the previous extract cannot be read: no baseline for the refresh",
                                         "a readable previous extract",
                                         "; ".join(f.found for f in prev_findings) or "unreadable"))  # fmt: skip
            else:
                mine.append(_finding("refresh-new-extract", "info", path, None,
                                     f"no previous {stem} extract: refresh rules skipped",
                                     "a previous extract", "none"))  # fmt: skip
            if cur is not None:
                rows = cur.height
            if cur is not None and prev is not None:
                if progress:
                    progress(f"great expectations {path.name}")
                gx_findings, index = _gx(stem, path, cur, prev, suites_dir=suites_dir, state_dir=state_dir,
                                         data_docs=data_docs, config=config)  # fmt: skip
                docs_index = index or docs_index
                mine += gx_findings
                if progress:
                    progress(f"refresh rules {path.name}")
                mine += category_rules(stem, path, prev, cur, config)
                mine += period_rows_rule(stem, path, prev, cur, config)
                mine += history_rules(stem, path, prev, cur, config, revisions)
        findings += mine
        summaries.append(ExtractSummary(stem, str(path), rows, time.perf_counter() - t0, len(mine)))
    return RefreshResult(findings, summaries, docs_index)


def run_refresh(previous: Path, current: Path, *, data_docs: Path | None, state_dir: Path,
                suites_dir: Path | None = None, config: RefreshConfig = DEFAULTS,
                progress=None, engine=None):  # type: ignore[no-untyped-def]  # fmt: skip
    """The refresh gate as a Report (every renderer works): findings of intake, contracts,
    GX and the refresh rules for each extract in `current`, against `previous`.
    suites_dir: hand-edited GX suites (<stem>.json); default checks/gx/. engine: the Spark
    engine (then `previous` and `current` may be URIs), or None for polars."""
    from pubcheck.model import InputError
    from pubcheck.report import Report

    for label, folder in (("--previous", previous), ("--current", current)):
        if not (engine.is_directory(folder) if engine is not None else Path(folder).is_dir()):
            raise InputError(f"{label} {folder}: not a folder")
    if suites_dir is None:
        try:
            from pubcheck.paths import checks_path

            suites_dir = checks_path("gx")
        except FileNotFoundError:
            suites_dir = None
    result = refresh_extracts(previous, current, data_docs=data_docs, state_dir=state_dir, suites_dir=suites_dir,
                              config=config, progress=progress, engine=engine)  # fmt: skip
    report = Report(target=str(current), documents=[], findings=sorted(result.findings, key=lambda f: f.sort_key()),
                    extracts=result.summaries)  # fmt: skip
    report.docs_index = result.docs_index  # type: ignore[attr-defined]
    return report

