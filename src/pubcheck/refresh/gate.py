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
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import polars as pl

from pubcheck.extracts.validate import ExtractSummary  # one extract's line in the report
from pubcheck.humanize import plural
from pubcheck.model import CheckRun, Finding
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

REFRESH_RULES = ("refresh-category", "refresh-period-rows", "refresh-revised-history", "refresh-rate-shift")


@dataclass
class RefreshResult:
    findings: list[Finding]
    summaries: list[ExtractSummary]
    docs_index: Path | None = None
    runs: list[CheckRun] = field(default_factory=list)  # every check made or skipped, in the gate's order
    data_docs: list[dict[str, Any]] = field(default_factory=list)  # per file whose Data Docs were written


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
        state_dir: Path, data_docs: Path | None, config: RefreshConfig) -> Any:  # fmt: skip
    """The GX checkpoint on one extract: a GxResult, or (findings, runs) when GX itself failed."""

    def derived() -> dict[str, Any]:
        from pubcheck.refresh.gx import suite_from_extract

        return suite_from_extract(prev, stem)

    return gx_checkpoint(stem, path, lambda: cur, derived, lambda: prev.height, suites_dir=suites_dir,
                         state_dir=state_dir, data_docs=data_docs, config=config)  # fmt: skip


def gx_checkpoint(stem: str, path: Any, data: Callable[[], Any], derived: Callable[[], dict[str, Any]],
                  prev_rows: Callable[[], int], *, suites_dir: Path | None, state_dir: Path, data_docs: Path | None,
                  config: RefreshConfig) -> Any:  # fmt: skip
    """The GX checkpoint on one extract, on either engine: the hand-written suite in `suites_dir`
    or `derived()` from the previous extract, adjusted (row counts from `prev_rows()`) and run on
    `data()`, each called within (a Spark job that fails is reported too); a GxResult, or
    (findings, runs) when GX itself failed (a harness error, reported)."""
    try:
        from pubcheck.refresh.gx import read_suite, run_suite

        hand = suites_dir / f"{stem}.json" if suites_dir is not None else None
        suite = read_suite(hand) if hand is not None and hand.is_file() else derived()
        suite = adjust_suite(suite, stem, prev_rows(), config)
        return run_suite(data(), suite, data_docs=data_docs, project_dir=state_dir, document=str(path),
                         run_name=f"pubcheck refresh {path.name}")  # fmt: skip
    except Exception as exc:  # noqa: BLE001 - a harness error, reported, never a traceback
        why = f"Great Expectations failed: {type(exc).__name__}: {exc}"
        return ([_finding("gx-internal-error", "error", path, None, f"{why} (a harness error, not a data failure)",
                          "the GX checkpoint to run", type(exc).__name__)],
                [CheckRun("gx-expectation", key=f"suite {stem}", target=str(path), stage="gx", status="skipped",
                          reason=why)])  # fmt: skip


def _skipped_after(path: Path, stem: str, why: str) -> list[CheckRun]:
    """The checks a file that failed intake does not get: its contract's rules, the GX suite,
    the refresh rules."""
    from pubcheck.extracts.contracts import compile_contract

    target = str(path)
    runs = [CheckRun("extract-contract", key=r.key, target=target, stage="contract", status="skipped", reason=why)
            for r in compile_contract(stem)]  # fmt: skip
    runs.append(CheckRun("gx-expectation", key=f"suite {stem}", target=target, stage="gx", status="skipped",
                         reason=why))  # fmt: skip
    runs += [CheckRun(r, target=target, stage="refresh", status="skipped", reason=why) for r in REFRESH_RULES]
    return runs


def _root_cause(findings: list[Finding], skipped: list[CheckRun]) -> list[Finding]:
    """The intake errors of a file that stops there, each saying how many later checks were
    skipped because of it."""
    contract = sum(r.stage == "contract" for r in skipped)
    note = (f"; {plural(len(skipped), 'later check')} skipped ({plural(contract, 'contract rule')}, the Great "
            f"Expectations suite, {plural(len(REFRESH_RULES), 'refresh rule')})")  # fmt: skip
    return [replace(f, message=f.message + note) if f.severity == "error" else f for f in findings]


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


class PolarsGate:
    """How the gate reads and checks extracts on this machine: frictionless intake, the polars
    contracts, frames in memory. The Spark engine's is pubcheck.refresh.spark.SparkGate: the
    same methods, and refresh_extracts runs either."""

    intake_text = "structure: encoding, header, rows, cells, types (frictionless)"

    def find(self, folder: Any) -> dict[str, Any]:
        from pubcheck.extracts.contracts import find_extracts

        return find_extracts(Path(folder))

    def revisions(self, folder: Any) -> dict[str, set[str]]:
        return read_revisions(Path(folder))

    def intake(self, path: Any, stem: str) -> Any:
        from pubcheck.refresh.intake import intake_file

        return intake_file(path, stem)

    def contract(self, path: Any, stem: str) -> Any:
        from pubcheck.extracts.contracts import validate_extract

        return validate_extract(path, stem)

    def load(self, path: Any, stem: str) -> tuple[Any, list[Finding]]:
        return _load(path, stem)

    def gx(self, stem: str, path: Any, cur: Any, prev: Any, **kw: Any) -> Any:
        return _gx(stem, path, cur, prev, **kw)


def refresh_extracts(previous: Path, current: Path, *, data_docs: Path | None, state_dir: Path,
                     suites_dir: Path | None = None, config: RefreshConfig = DEFAULTS,
                     progress=None, engine=None) -> RefreshResult:  # type: ignore[no-untyped-def]  # fmt: skip
    """`engine`: the Spark engine (extracts.spark.engine.SparkEngine): every pass over the data
    runs on Spark (pubcheck.refresh.spark), and `previous`/`current` may be URIs; None: polars."""
    from pubcheck.extracts.contracts import contract_runs

    if engine is not None:
        from pubcheck.refresh.spark import SparkGate

        gate: Any = SparkGate(engine)
        if progress:
            progress("starting Spark")
    else:
        gate = PolarsGate()
        previous, current = Path(previous), Path(current)
    prev_files, cur_files = gate.find(previous), gate.find(current)
    revisions = gate.revisions(current)
    findings: list[Finding] = []
    summaries: list[ExtractSummary] = []
    runs: list[CheckRun] = []
    docs: list[dict[str, Any]] = []
    docs_index = None
    for stem in sorted(set(prev_files) - set(cur_files)):
        runs.append(CheckRun("refresh-missing-extract", target=str(prev_files[stem]), stage="intake"))
        findings.append(_finding("refresh-missing-extract", "error", prev_files[stem], None,
                                 f"extract {stem} is in the previous folder and missing from {current}",
                                 f"{stem}.csv or {stem}.parquet in {current}", "no file"))  # fmt: skip
    for stem, path in sorted(cur_files.items()):
        t0 = time.perf_counter()
        mine: list[Finding] = []
        rows = 0
        if progress:
            progress(f"intake {path.name}")
        intake = gate.intake(path, stem)
        runs.append(CheckRun("intake", target=str(path), stage="intake", text=gate.intake_text))
        if not intake.ok:
            cause = next(f for f in intake.findings if f.severity == "error")
            skipped = _skipped_after(path, stem, f"intake failed: {cause.message.split(': ', 1)[-1][:160]}")
            runs += skipped
            mine += _root_cause(intake.findings, skipped)
        else:
            mine += intake.findings
            if progress:
                progress(f"contract {path.name}")
            contract = gate.contract(path, stem)
            mine += contract.findings
            runs += contract_runs(contract)
            cur, load_findings = gate.load(path, stem)
            mine += [f for f in load_findings if f not in mine]
            prev = None
            why = ""
            if stem in prev_files:
                prev, prev_findings = gate.load(prev_files[stem], stem)
                if prev is None:
                    why = "the previous extract cannot be read"
                    mine.append(_finding("refresh-unreadable", "error", prev_files[stem], None,
                                         "the previous extract cannot be read: no baseline for the refresh",
                                         "a readable previous extract",
                                         "; ".join(f.found for f in prev_findings) or "unreadable"))  # fmt: skip
            else:
                why = f"no previous {stem} extract"
                mine.append(_finding("refresh-new-extract", "info", path, None,
                                     f"no previous {stem} extract: refresh rules skipped",
                                     "a previous extract", "none"))  # fmt: skip
            if cur is not None:
                rows = cur.height
            elif not why:
                why = "the extract cannot be loaded"
            if cur is not None and prev is not None:
                if progress:
                    progress(f"great expectations {path.name}")
                gx = gate.gx(stem, path, cur, prev, suites_dir=suites_dir, state_dir=state_dir, data_docs=data_docs,
                             config=config)  # fmt: skip
                if isinstance(gx, tuple):
                    mine += gx[0]
                    runs += gx[1]
                else:
                    mine += gx.findings
                    runs += gx.runs
                    if gx.docs_index is not None:
                        docs_index = gx.docs_index
                        passed = sum(r.get("success") for r in gx.results)
                        docs.append({"file": str(path), "index": str(gx.docs_index), "run_name": gx.run_name,
                                     "summary": f"{passed} of {plural(len(gx.results), 'expectation')} passed"})
                if progress:
                    progress(f"refresh rules {path.name}")
                mine += category_rules(stem, path, prev, cur, config)
                mine += period_rows_rule(stem, path, prev, cur, config)
                mine += history_rules(stem, path, prev, cur, config, revisions)
                runs += [CheckRun(r, target=str(path), stage="refresh") for r in REFRESH_RULES]
            else:
                reason = f"{why}: nothing to compare with"
                runs.append(CheckRun("gx-expectation", key=f"suite {stem}", target=str(path), stage="gx",
                                     status="skipped", reason=reason))  # fmt: skip
                runs += [CheckRun(r, target=str(path), stage="refresh", status="skipped", reason=reason)
                         for r in REFRESH_RULES]  # fmt: skip
        findings += mine
        summaries.append(ExtractSummary(stem, str(path), rows, time.perf_counter() - t0, len(mine)))
    return RefreshResult(findings, summaries, docs_index, runs, docs)


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
    # the gate's order within a file (intake, contract, GX, refresh rules): root causes first
    order = {str(p): i for i, p in enumerate(s.path for s in result.summaries)}
    findings = sorted(result.findings, key=lambda f: order.get(f.document or "", -1))
    return Report(target=str(current), documents=[], findings=findings, extracts=result.summaries, command="refresh",
                  runs=result.runs, data_docs=result.data_docs)  # fmt: skip

