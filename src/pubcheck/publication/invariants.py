"""Indicator invariants (schemas/indicators.py) run on tidy indicator tables built from the
published tables (the `table-identity` rule calls `scraped_findings`). Failing rows become
findings at the figures' lines. The same declarations check the tables recomputed from the
extracts: pubcheck.extracts.invariants, which reuses `Row` and `_validate` from here.

The scraped tables are a few dozen rows: they are checked row by row in plain Python
(`schemas.indicators.failing_rows`), so `pubcheck check` never imports pandas, pandera or
polars; the recomputed tables go through the Pandera schemas built from the same
declarations (`engine="pandera"`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from pubcheck.figures.numbers import fmt_value
from pubcheck.model import Figure, Finding


@dataclass
class Row:
    values: dict[str, object]
    figures: list[Figure]  # the printed figures behind the row (none when recomputed)
    note: str


def _gap_rows_scraped(cells: list[Figure], indicators: tuple[str, ...]) -> list[Row]:
    groups: dict[tuple, dict[str, Figure]] = defaultdict(dict)
    for c in cells:
        if c.key.indicator in indicators and c.unit == "percent" and c.key.period:
            g = dict(c.key.breakdown).get("group")
            if g in ("fsm", "other", "gap"):
                groups[(c.document, c.table, c.key.indicator, c.key.period)][g] = c
    rows = []
    for (_doc, table, ind, period), g in groups.items():
        if len(g) < 3:
            continue
        vals: dict[str, object] = {"indicator": ind, "period": period}
        for name in ("fsm", "other", "gap"):
            vals[f"{name}_lo"], vals[f"{name}_hi"] = g[name].interval.lo, g[name].interval.hi
        rows.append(Row(vals, [g["gap"], g["other"], g["fsm"]], f"{table}, {period}"))
    return rows


def _base_rows_scraped(cells: list[Figure], indicators: tuple[str, ...]) -> list[Row]:
    tables: dict[tuple, list[Figure]] = defaultdict(list)
    row_labels: dict[tuple, set[str | None]] = defaultdict(set)
    for c in cells:
        if c.key.indicator not in indicators:  # only these tables' rows are counted
            continue
        row_labels[(c.document, c.table, c.key.indicator)].add(c.row)
        if c.key.measure == "sample_size":
            tables[(c.document, c.table, c.key.indicator)].append(c)
    rows = []
    for (doc, table, ind), cs in tables.items():
        totals = [c for c in cs if dict(c.key.breakdown).get("age") == "all"]
        parts = [c for c in cs if c not in totals]
        if len(totals) != 1 or len(parts) < 2:
            continue
        if len(parts) < len(row_labels[(doc, table, ind)]) - 1:
            continue  # a part is suppressed ([x], [c], ..): the sum cannot be checked
        s = parts[0].interval
        for p in parts[1:]:
            s = s + p.interval
        t = totals[0]
        vals = {"indicator": ind, "table": table, "parts_lo": s.lo, "parts_hi": s.hi,
                "total_lo": t.interval.lo, "total_hi": t.interval.hi}  # fmt: skip
        rows.append(Row(vals, [t, *parts], f"{table}, sample sizes"))
    return rows


def _validate(kind: str, rows: list[Row], engine: str = "python") -> list[tuple[Row, str]]:
    """The failing rows of an invariant and the check's name: row by row in plain Python
    (`engine="python"`), or through its Pandera schema on a polars frame (`"pandera"`)."""
    if not rows:
        return []
    if engine == "python":
        from schemas.indicators import failing_rows

        return [(rows[i], check) for i, check in failing_rows(kind, [r.values for r in rows])]
    import pandera.errors as pe
    import polars as pl

    from schemas.indicators import schema

    df = pl.DataFrame([r.values for r in rows])
    try:
        schema(kind).validate(df, lazy=True)
    except pe.SchemaErrors as exc:
        fc = exc.failure_cases
        out = []
        for idx, check in zip(fc["index"].to_list(), fc["check"].to_list(), strict=True):
            if idx is not None and 0 <= idx < len(rows):
                out.append((rows[idx], str(check)))
        return out
    return []


def scraped_findings(cells: list[Figure]) -> list[Finding]:
    """Run the invariants on the published tables of the indicators that declare them."""
    from schemas.indicators import INVARIANTS

    findings = []
    for row, _check in _validate("gap", _gap_rows_scraped(cells, INVARIANTS["gap"])):
        g, a, b = row.figures
        diff = a.interval - b.interval
        findings.append(Finding(
            check="table-identity", severity="error",
            message=(f"{row.note}: the gap should equal all other pupils minus FSM pupils "
                     f"({a.text} - {b.text} = {fmt_value(a.value - b.value, g.precision)}), but prints {g.text} "
                     f"(invariant gap-equals-other-minus-fsm, indicator {g.key.indicator})."),
            expected=f"{fmt_value(a.value - b.value, g.precision)} (any value in {diff.show()})",
            found=f"{g.text} (stands for {g.interval.show()})",
            interval=f"{a.text} -> {a.interval.show()}; {b.text} -> {b.interval.show()}",
            locations=tuple(f.location for f in row.figures),
        ))  # fmt: skip
    for row, _check in _validate("base", _base_rows_scraped(cells, INVARIANTS["base"])):
        t, *parts = row.figures
        total = sum(p.value for p in parts)
        findings.append(Finding(
            check="table-identity", severity="error",
            message=(f"{row.note}: the parts ({' + '.join(p.text for p in parts)}) sum to "
                     f"{fmt_value(total)}, but the total prints {t.text} (invariant parts-sum-to-total, "
                     f"indicator {t.key.indicator})."),
            expected=fmt_value(total), found=t.text, interval="exact counts",
            locations=tuple(f.location for f in row.figures),
        ))  # fmt: skip
    return findings


__all__ = ["scraped_findings", "Row"]
