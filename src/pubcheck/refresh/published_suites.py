"""The published figures validated as data: a GX suite over the figures table plus series coverage.

The figures table is what ``pubcheck figures --format csv`` prints (document, line, value, unit,
precision, ..., indicator, measure, breakdown, period, table, row, column, quote).
``checks/gx/published-figures.json`` declares what must hold of it: the GX expectations (units
in a known set, percentages in [0, 100], ...) and, in its ``meta``, the series-coverage rule GX
has no expectation for: within each tabled series, the years form a contiguous run, except the
documented gaps (e.g. 2001 in the re-offending series: no data for that cohort).

Series: the figures of one table that share indicator, measure and breakdown, with a period
that is a calendar year ('2005') or a financial year ('2007-08'); other periods (the rolling
'2010-04/2011-03' cohort) are not part of a year run and are not checked for gaps.

The suite's ``meta.series_coverage``::

    {"documented_gaps": {"reoffending": {"indicators": ["3", "6"], "periods": ["2001"],
                                         "reason": "..."}},
     "expected_spans": {"Table 5": {"first": "2000", "last": "2010"}}}

A documented gap may also be a bare list of periods (it then applies to every series);
``indicators`` and ``tables`` scope it. ``expected_spans`` names tables whose every year
series must run from first to last (a missing table, or a series cut short, is a finding).

GX (via pubcheck.refresh.gx) is imported only when the suite is run.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import polars as pl

from pubcheck.model import Finding, Location

SUITE_NAME = "published-figures"
CHECK_GAP = "published-series-gap"
CHECK_SPAN = "published-series-span"

_YEAR = re.compile(r"^(\d{4})$")
_FINANCIAL = re.compile(r"^(\d{4})-(\d{2})$")
_SERIES_KEY = ("document", "table", "indicator", "measure", "breakdown")


def figures_frame(figures: Iterable[Any]) -> pl.DataFrame:
    """The figures table (the columns of ``pubcheck figures --format csv``) from Figure objects."""
    from pubcheck.report.figures import FIGURE_FIELDS

    rows = [{k: f.to_dict().get(k) for k in FIGURE_FIELDS} for f in figures]
    schema = {k: pl.String for k in FIGURE_FIELDS} | {"line": pl.Int64, "value": pl.Float64, "precision": pl.Float64}
    return pl.DataFrame(rows, schema=schema, strict=False)


def published_figures(target: Path) -> pl.DataFrame:
    """The figures table of every publication under ``target`` (as ``pubcheck figures`` lists them)."""
    from pubcheck.documents.load import load_documents
    from pubcheck.figures.extract import extract
    from pubcheck.figures.link import rules_for

    loaded = load_documents(Path(target), display_root=Path.cwd())
    linking = rules_for(Path(target))
    return figures_frame(f for d in loaded.documents for f in extract(d, linking).figures)


def _typed(figures: pl.DataFrame) -> pl.DataFrame:
    """The figures table with numeric line/value/precision (a CSV read gives strings) and every
    other column as a string (a column of nulls would otherwise be untyped)."""
    casts = []
    for name, dtype in figures.schema.items():
        if name == "line":
            casts.append(pl.col(name).cast(pl.Int64, strict=False))
        elif name in ("value", "precision"):
            casts.append(pl.col(name).cast(pl.Float64, strict=False))
        elif dtype != pl.String:
            casts.append(pl.col(name).cast(pl.String))
    return figures.with_columns(casts) if casts else figures


def _year(period: str | None) -> tuple[str, int] | None:
    """('calendar', 2005) for '2005', ('financial', 2007) for '2007-08', None otherwise."""
    if not period:
        return None
    m = _YEAR.match(period)
    if m:
        return "calendar", int(m.group(1))
    m = _FINANCIAL.match(period)
    if m and (int(m.group(1)) + 1) % 100 == int(m.group(2)):
        return "financial", int(m.group(1))
    return None


def _label(kind: str, year: int) -> str:
    return str(year) if kind == "calendar" else f"{year}-{(year + 1) % 100:02d}"


def _documented(gaps: dict[str, Any], table: str | None, indicator: str | None) -> dict[str, str]:
    """period -> the name of the documented gap that excuses it, for one series."""
    out: dict[str, str] = {}
    for name, gap in (gaps or {}).items():
        if isinstance(gap, list):
            periods, scope_ind, scope_tab = gap, None, None
        else:
            periods, scope_ind, scope_tab = gap.get("periods", []), gap.get("indicators"), gap.get("tables")
        if scope_ind is not None and indicator not in scope_ind:
            continue
        if scope_tab is not None and table not in scope_tab:
            continue
        for p in periods:
            out[str(p)] = name
    return out


def _series_name(key: dict[str, Any]) -> str:
    bits = [f"{k}={key[k]}" for k in ("indicator", "measure", "breakdown") if key.get(k)]
    return f"{key['table']} ({', '.join(bits)})" if bits else str(key["table"])


def check_series(figures: pl.DataFrame, suite_meta: dict[str, Any]) -> list[Finding]:
    """Series coverage: each tabled year series is a contiguous run, except documented gaps,
    and spans what ``expected_spans`` says. One finding per missing year (or short span)."""
    meta = (suite_meta or {}).get("series_coverage") or {}
    gaps = meta.get("documented_gaps") or {}
    spans = meta.get("expected_spans") or {}
    df = _typed(figures)
    for col in (*_SERIES_KEY, "period", "line", "quote"):
        if col not in df.columns:
            df = df.with_columns(pl.lit(None, dtype=pl.String).alias(col))
    df = df.filter(pl.col("table").is_not_null() & pl.col("period").is_not_null())

    # (series key, kind) -> {year: (line, quote)}
    series: dict[tuple[tuple[Any, ...], str], dict[int, tuple[int, str]]] = {}
    for row in df.select(*_SERIES_KEY, "period", "line", "quote").iter_rows(named=True):
        parsed = _year(row["period"])
        if parsed is None:
            continue
        kind, year = parsed
        key = tuple(row[k] for k in _SERIES_KEY)
        series.setdefault((key, kind), {}).setdefault(year, (row["line"] or 0, row["quote"] or ""))

    findings: list[Finding] = []
    tables_seen: set[str] = set()
    for (key_t, kind), years in sorted(series.items(), key=lambda kv: tuple(str(x) for x in kv[0][0]) + (kv[0][1],)):
        key = dict(zip(_SERIES_KEY, key_t, strict=True))
        tables_seen.add(str(key["table"]))
        excused = _documented(gaps, key["table"], key["indicator"])
        name = _series_name(key)
        present = sorted(years)
        lo, hi = present[0], present[-1]
        for year in range(lo, hi + 1):
            label = _label(kind, year)
            if year in years or label in excused:
                continue
            before = max(y for y in present if y < year)
            line, quote = years[before]
            findings.append(
                Finding(
                    check=CHECK_GAP,
                    severity="error",
                    message=f"{name}: no figure for {label}, a gap in the series {_label(kind, lo)} to "
                    f"{_label(kind, hi)} that is not a documented gap",
                    expected=f"a figure for every year from {_label(kind, lo)} to {_label(kind, hi)}"
                    + (f" except {', '.join(sorted(excused))}" if excused else ""),
                    found=f"{label} missing",
                    locations=(
                        Location(document=str(key["document"]), line=int(line), quote=quote, cell=str(key["table"])),
                    ),
                )
            )
        span = spans.get(str(key["table"]))
        if span:
            first, last = str(span.get("first", "")), str(span.get("last", ""))
            got_first, got_last = _label(kind, lo), _label(kind, hi)
            if (first and _year(first) and _year(first)[0] == kind and first != got_first) or (
                last and _year(last) and _year(last)[0] == kind and last != got_last
            ):
                line, quote = years[lo]
                findings.append(
                    Finding(
                        check=CHECK_SPAN,
                        severity="error",
                        message=f"{name}: the series runs {got_first} to {got_last}, not {first} to {last}",
                        expected=f"{first} to {last}",
                        found=f"{got_first} to {got_last}",
                        locations=(
                            Location(
                                document=str(key["document"]), line=int(line), quote=quote, cell=str(key["table"])
                            ),
                        ),
                    )
                )
    for table in sorted(set(spans) - tables_seen):
        findings.append(
            Finding(
                check=CHECK_SPAN,
                severity="error",
                message=f"{table}: no year series found (the suite expects one)",
                expected=f"{table} with periods {spans[table].get('first')} to {spans[table].get('last')}",
                found="no figures",
                locations=(Location(document=SUITE_NAME, line=0, quote=table, cell=table),),
            )
        )
    return findings


def validate_published_figures(
    figures: pl.DataFrame,
    suite_path: Path,
    *,
    project_dir: Path,
    data_docs: Path | None = None,
    with_runs: bool = False,
) -> Any:
    """Run the published-figures suite (GX expectations) and its series-coverage rule on a
    figures table; every failure is a Finding (GX ones: check 'gx-expectation'). With
    `with_runs`, (findings, check runs): one per expectation, and the two series rules."""
    from pubcheck.model import CheckRun
    from pubcheck.refresh.gx import read_suite, run_suite

    suite = read_suite(suite_path)
    df = _typed(figures)
    result = run_suite(df, suite, project_dir=project_dir, data_docs=data_docs, document=SUITE_NAME)
    findings = [*result.findings, *check_series(df, suite.get("meta") or {})]
    if not with_runs:
        return findings
    return findings, [*result.runs, CheckRun(CHECK_GAP, stage="refresh"), CheckRun(CHECK_SPAN, stage="refresh")]
