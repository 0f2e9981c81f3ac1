"""The refresh rules: a new extract against the previous accepted one, in plain polars; each
finding names the file, the column and sample values (see pubcheck.refresh.gate for the
gate they run in, and the thresholds in RefreshConfig).

   refresh-category        a code present in the previous extract and absent now (a dropped
                           region), or a code new in this extract and not allowed by the
                           contract / not seen before (a renamed code): error. A category
                           share moving more than ``mix_points`` points: warning.
   refresh-period-rows     a period in both extracts whose row count changed by more than
                           ``period_change`` (doubled cohort): error.
   refresh-revised-history a key figure of a period other than the newest (recomputed with
                           pubcheck.extracts.recompute for every indicator the registry computes
                           from the extract) moved more than ``history_tolerance`` (points for
                           rates, per cent for counts and totals): error unless the period is
                           listed in ``revisions.txt`` / ``revisions.json`` in ``current``.
   refresh-rate-shift      the newest period's rate vs the period before it (in ``current``):
                           more than ``rate_warn_points`` is a warning, more than
                           ``rate_error_points`` an error.

revisions.txt: one revised period a line, either ``<period>`` (any extract) or
``<stem> <period>``; ``#`` starts a comment. revisions.json: ``{"<stem>": ["<period>", ...]}``
or a list of periods.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from pubcheck.humanize import plural, say_number, signed_change
from pubcheck.model import Finding, Key, Location

# The column holding the period of each extract (the series a refresh extends).
PERIOD_COLUMNS = {
    "reoffending": "cohort",
    "benefits": "reference_date",
    "social_investment": "year",
    "pupils": "academic_year",
    "treatment": "cohort",
    "offender_employment": "release_year",
    "population": "year",
}

# The key figures recomputed per period: (measure, unit) for each indicator of the extract.
KEY_MEASURES: dict[str, list[tuple[str, str]]] = {
    "reoffending": [("reoffend", "percent"), ("cohort_count", "count")],
    "benefits": [("capable_claims", "count"), ("entrenched_claims", "count")],
    "social_investment": [("total", "GBP")],
    "treatment": [("completion", "percent"), ("cohort_count", "count")],
    "offender_employment": [("employment", "percent")],
}

MAX_CODES = 30  # a string column with at most this many values in the previous extract is a code column
SAMPLE = 3


@dataclass(frozen=True)
class RefreshConfig:
    """Thresholds of the refresh gate (percentage points are absolute: 30% -> 35% is 5 points)."""

    row_change: float = 0.5  # current rows within previous rows x (1 +- row_change) (one new period of a short series)
    period_change: float = 0.5  # a period's rows within its previous rows x (1 +- period_change)
    mix_points: float = 5.0  # a category's share may move this many points (warning beyond)
    mix_min_rows: int = 200  # category shares are compared only with at least this many rows on both sides
    history_tolerance: float = 0.5  # points (rates) or per cent (counts, totals) a past period may move
    rate_warn_points: float = 5.0  # newest period vs the one before: warning beyond
    rate_error_points: float = 10.0  # ... error beyond


DEFAULTS = RefreshConfig()


def _finding(check: str, severity: str, path: Path, column: str | None, message: str, expected: str, found: str,
             quote: str = "") -> Finding:  # fmt: skip
    return Finding(check=check, severity=severity, message=f"{path.name}: {message}", expected=expected,
                   found=found, locations=(Location(str(path), 0, quote, cell=column),))  # fmt: skip


def _sample(df: pl.DataFrame, mask: pl.Expr, n: int = SAMPLE) -> str:
    """A few rows as 'col=value, ...' separated by ' | '."""
    rows = df.filter(mask).head(n).to_dicts()
    return " | ".join(", ".join(f"{k}={v}" for k, v in r.items()) for r in rows)


class PolarsView:
    """What the refresh rules ask of an extract, answered by polars on a frame in memory. The
    Spark engine answers the same questions with Spark (pubcheck.refresh.spark.SparkView), so
    the rules below are written once for both."""

    def __init__(self, df: pl.DataFrame):
        self.df = df

    @property
    def height(self) -> int:
        return self.df.height

    @property
    def schema(self) -> dict[str, Any]:
        return dict(self.df.schema)

    def n_unique(self, col: str) -> int:
        """Distinct values, null counting as one."""
        return self.df.get_column(col).n_unique()

    def distinct(self, col: str) -> set[Any]:
        """Distinct non-null values."""
        return set(self.df.get_column(col).drop_nulls().unique().to_list())

    def count_eq(self, col: str, value: Any) -> int:
        return self.df.filter(pl.col(col) == value).height

    def shares(self, col: str, name: str) -> pl.DataFrame:
        """Each value's share of the rows (nulls too): columns `col` and `name`."""
        return self.df.get_column(col).value_counts(normalize=True, name=name)

    def counts(self, col: str, name: str) -> pl.DataFrame:
        """Rows per value: columns `col` and `name`."""
        return self.df.group_by(col).agg(pl.len().alias(name))

    def sample(self, col: str, value: Any, *, as_text: bool = False) -> str:
        """The first rows where `col` equals `value`, or is one of `value` (a list); `as_text`:
        compared as text."""
        c = pl.col(col).cast(pl.String) if as_text else pl.col(col)
        return _sample(self.df, c.is_in(value) if isinstance(value, list) else c == value)

    def aggregate(self, stem: str) -> Any:
        from pubcheck.extracts.recompute import aggregate

        return aggregate({stem: self.df.lazy()})


def _view(frame: Any) -> Any:
    return PolarsView(frame) if isinstance(frame, pl.DataFrame) else frame


def _period_text(value: Any) -> str:
    return str(value)


def read_revisions(folder: Path) -> dict[str, set[str]]:
    """Revised periods listed in folder/revisions.txt or revisions.json: stem -> periods ('' = any)."""
    out: dict[str, set[str]] = {}
    txt, js = Path(folder) / "revisions.txt", Path(folder) / "revisions.json"
    if txt.is_file():
        for raw in txt.read_text(encoding="utf-8").splitlines():
            parts = raw.split("#", 1)[0].split()
            if len(parts) == 1:
                out.setdefault("", set()).add(parts[0])
            elif len(parts) >= 2:
                out.setdefault(parts[0], set()).add(parts[1])
    if js.is_file():
        data = json.loads(js.read_text(encoding="utf-8"))
        if isinstance(data, list):
            out.setdefault("", set()).update(str(p) for p in data)
        elif isinstance(data, dict):
            for stem, periods in data.items():
                out.setdefault(str(stem), set()).update(str(p) for p in periods)
    return out


def _code_columns(stem: str, prev: Any) -> dict[str, list[str] | None]:
    """String code columns -> the contract's allowed values (None: not declared)."""
    from pubcheck.refresh.gx import _contract_columns

    prev = _view(prev)
    contract, key = _contract_columns(stem)
    period = PERIOD_COLUMNS.get(stem)
    out: dict[str, list[str] | None] = {}
    for name, dtype in prev.schema.items():
        if name == period or name in key or dtype != pl.String:
            continue
        allowed = contract.get(name, {}).get("allowed")
        if allowed is not None or prev.n_unique(name) <= MAX_CODES:
            out[name] = list(allowed) if allowed is not None else None
    return out


def category_rules(stem: str, path: Path, prev: pl.DataFrame, cur: pl.DataFrame,
                   config: RefreshConfig) -> list[Finding]:  # fmt: skip
    """`prev`, `cur`: polars frames, or views of extracts another engine holds (PolarsView's methods)."""
    prev, cur = _view(prev), _view(cur)
    out: list[Finding] = []
    for col, allowed in _code_columns(stem, prev).items():
        if col not in cur.schema:
            continue
        before = prev.distinct(col)
        now = cur.distinct(col)
        gone, new = sorted(before - now), sorted(c for c in now - before if allowed is None or c not in allowed)
        if len(gone) == 1 and len(new) == 1:  # one code out, one in: a renamed code, one finding
            old_code, code = gone[0], new[0]
            n = cur.count_eq(col, code)
            m = prev.count_eq(col, old_code)
            why = "not allowed by the contract" if allowed is not None else "not in the previous extract"
            out.append(_finding(
                "refresh-category", "error", path, col,
                f"column {col}: code {old_code!r} is gone and a new code {code!r} ({why}) stands in "
                f"{plural(n, 'row')} ({m:,} had {old_code!r} before): a renamed code?",
                f"{old_code!r} (as in the previous extract)", f"{code!r} in {plural(n, 'row')}",
                "current rows: " + cur.sample(col, code)))  # fmt: skip
            continue
        for code in sorted(before - now):
            out.append(_finding(
                "refresh-category", "error", path, col,
                f"column {col}: {code!r} is in the previous extract and absent now (a dropped category?)",
                f"{code!r} present (as in the previous extract)", f"no row with {col} = {code!r}",
                "previous rows: " + prev.sample(col, code)))  # fmt: skip
        for code in sorted(now - before):
            if allowed is not None and code in allowed:
                continue  # a permitted code appearing for the first time
            why = "not allowed by the contract" if allowed is not None else "not in the previous extract"
            n = cur.count_eq(col, code)
            out.append(_finding(
                "refresh-category", "error", path, col,
                f"column {col}: new code {code!r} ({why}; {plural(n, 'row')}; a renamed code?)",
                f"codes of the previous extract: {', '.join(map(str, sorted(before)))}",
                f"{code!r} in {plural(n, 'row')}",
                "current rows: " + cur.sample(col, code)))  # fmt: skip
        if prev.height < config.mix_min_rows or cur.height < config.mix_min_rows:
            continue
        share_p = prev.shares(col, "p")
        share_c = cur.shares(col, "c")
        both = share_p.join(share_c, on=col, how="inner")
        for row in both.iter_rows(named=True):
            moved = (row["c"] - row["p"]) * 100
            if abs(moved) > config.mix_points:
                out.append(_finding(
                    "refresh-category", "warning", path, col,
                    f"column {col}: the share of {row[col]!r} moved {moved:+.1f} points "
                    f"({row['p'] * 100:.1f}% -> {row['c'] * 100:.1f}%)",
                    f"share within {config.mix_points:g} points of {row['p'] * 100:.1f}%",
                    f"{row['c'] * 100:.1f}%", "current rows: " + cur.sample(col, row[col])))  # fmt: skip
    return out


def period_rows_rule(stem: str, path: Path, prev: pl.DataFrame, cur: pl.DataFrame,
                     config: RefreshConfig) -> list[Finding]:  # fmt: skip
    period = PERIOD_COLUMNS.get(stem)
    prev, cur = _view(prev), _view(cur)
    if period is None or period not in prev.schema or period not in cur.schema:
        return []
    counts = prev.counts(period, "p").join(cur.counts(period, "c"), on=period)
    out = []
    for row in counts.sort(period).iter_rows(named=True):
        p, c = row["p"], row["c"]
        if abs(c - p) > config.period_change * p:
            value = row[period]
            out.append(_finding(
                "refresh-period-rows", "error", path, period,
                f"column {period}: period {_period_text(value)} has {c:,} rows, {p:,} in the previous extract "
                f"(x{c / p:.2f}: a doubled or lost period?)",
                f"{p:,} rows +- {config.period_change:.0%}", f"{c:,} rows",
                "current rows: " + cur.sample(period, value)))  # fmt: skip
    return out


def _key_figures(stem: str, df: pl.DataFrame) -> dict[tuple[str, str, str, str], float]:
    """(indicator, measure, unit, period) -> value, for every period of the extract."""
    from pubcheck.extracts.recompute import load_registry, recompute

    df = _view(df)

    period = PERIOD_COLUMNS.get(stem)
    measures = KEY_MEASURES.get(stem)
    if period is None or not measures or period not in df.schema:
        return {}
    agg = df.aggregate(stem)
    out: dict[tuple[str, str, str, str], float] = {}
    seen: set[tuple[str, str, str, float]] = set()
    periods = sorted(_period_text(v) for v in df.distinct(period))
    for spec in load_registry().values():
        if spec.extract != stem:
            continue
        for measure, unit in measures:
            for p in periods:
                r = recompute(agg, Key(indicator=spec.id, measure=measure, period=p), unit)
                if r is None or r.value is None:
                    continue
                dedupe = (measure, unit, p, round(r.value, 9))
                if dedupe in seen:  # two indicators with the same figure (e.g. 4 and 4-further counts)
                    continue
                seen.add(dedupe)
                out[(spec.id, measure, unit, p)] = float(r.value)
    return out


def _what(ind: str, measure: str, unit: str) -> str:
    from pubcheck.extracts.recompute import load_registry

    spec = load_registry().get(ind)
    group = spec.fields.get("cohort_group") if spec else None
    name = {"reoffend": "re-offending rate", "cohort_count": "cohort size", "capable_claims": "claims of people "
            "capable of work", "entrenched_claims": "entrenched claims", "total": "total", "completion":
            "completion rate", "employment": "employment rate"}.get(measure, measure)  # fmt: skip
    return f"indicator {ind} {name}" + (f" ({group})" if group else "")


def _rate_column(stem: str, measure: str) -> str | None:
    return {"reoffend": "reoffended"}.get(measure) or PERIOD_COLUMNS.get(stem)


def history_rules(stem: str, path: Path, prev: pl.DataFrame, cur: pl.DataFrame, config: RefreshConfig,
                  revisions: dict[str, set[str]]) -> list[Finding]:  # fmt: skip
    prev, cur = _view(prev), _view(cur)
    period = PERIOD_COLUMNS.get(stem)
    if period is None:
        return []
    before, now = _key_figures(stem, prev), _key_figures(stem, cur)
    periods = sorted({k[3] for k in now})
    newest = periods[-1] if periods else None
    listed = revisions.get(stem, set()) | revisions.get("", set())
    moved_by: dict[tuple[str, str, str], list[tuple[str, float, float, float, str]]] = {}
    for k, v in sorted(now.items()):
        ind, measure, unit, p = k
        if p == newest or k not in before:
            continue
        old = before[k]
        if unit == "percent":
            moved = v - old
        else:
            moved = (v - old) / old * 100 if old else (0.0 if v == old else float("inf"))
        if abs(moved) <= config.history_tolerance:
            continue
        sev = "info" if p in listed else "error"
        moved_by.setdefault((ind, measure, unit), []).append((p, old, v, moved, sev))
    out: list[Finding] = []
    # one finding per indicator and severity: every past period that moved, in order
    for (ind, measure, unit), items in moved_by.items():
        for sev in ("error", "info"):
            mine = [x for x in items if x[4] == sev]
            if not mine:
                continue
            tol_txt = f"{config.history_tolerance:g} points" if unit == "percent" else f"{config.history_tolerance:g}%"
            said = "; ".join(f"{p}: {say_number(old, unit)} in the previous extract, {say_number(v, unit)} now "
                             f"({signed_change(old, v, unit)})" for p, old, v, _, _ in mine)  # fmt: skip
            note = " (listed as a revision)" if sev == "info" else " (not listed in revisions.txt / revisions.json)"
            revised = [x[0] for x in mine]  # (not `periods`: the rate shift below reads the newest of those)
            what = "period" if len(mine) == 1 else f"{len(mine)} past periods"
            out.append(_finding(
                "refresh-revised-history", sev, path, _rate_column(stem, measure),
                f"{_what(ind, measure, unit)}, {what} revised: {said}{note}",
                "; ".join(f"{p}: {say_number(old, unit)} (within {tol_txt})" for p, old, *_ in mine),
                "; ".join(f"{p}: {say_number(v, unit)}" for p, _, v, *_ in mine),
                "current rows: " + cur.sample(period, revised, as_text=True)))  # fmt: skip
    # rate shift: the newest period's rates vs the period before, in the current extract
    if len(periods) >= 2:
        last, before_last = periods[-1], periods[-2]
        for (ind, measure, unit, p), v in sorted(now.items()):
            if p != last or unit != "percent" or (ind, measure, unit, before_last) not in now:
                continue
            old = now[(ind, measure, unit, before_last)]
            moved = v - old
            if abs(moved) <= config.rate_warn_points:
                continue
            sev = "error" if abs(moved) > config.rate_error_points else "warning"
            out.append(_finding(
                "refresh-rate-shift", sev, path, _rate_column(stem, measure),
                f"{_what(ind, measure, unit)}: newest period {last} is {say_number(v, unit)}, "
                f"{signed_change(old, v, unit)} than {before_last} ({say_number(old, unit)})",
                f"within {config.rate_warn_points:g} points (warning) / {config.rate_error_points:g} points (error)"
                f" of {old:.1f}", f"{v:.1f} ({moved:+.1f} points)",
                "current rows: " + cur.sample(period, last, as_text=True)))  # fmt: skip
    return out

