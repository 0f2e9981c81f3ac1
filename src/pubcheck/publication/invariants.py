"""Indicator invariants (schemas/indicators.py) run on tidy indicator tables built from the
published tables and from the extracts. Failing rows become findings at the figures' lines.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import polars as pl

from pubcheck.figures.numbers import fmt_value
from pubcheck.model import Figure, Finding, Interval, Location


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
        row_labels[(c.document, c.table, c.key.indicator)].add(c.row)
        if c.key.indicator in indicators and c.key.measure == "sample_size":
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


def _validate(kind: str, rows: list[Row]) -> list[tuple[Row, str]]:
    """Validate rows with the declared schema; return the failing rows and the check name."""
    if not rows:
        return []
    import pandera.errors as pe

    from schemas.indicators import SCHEMAS

    df = pl.DataFrame([r.values for r in rows])
    try:
        SCHEMAS[kind].validate(df, lazy=True)
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


def recomputed_findings(agg, source: str) -> list[Finding]:  # type: ignore[no-untyped-def]
    """The same invariants on the tables recomputed from the extracts (every period there)."""
    import polars as pl

    from pubcheck.model import Key
    from pubcheck.recompute import recompute
    from schemas.indicators import INVARIANTS

    rows: dict[str, list[Row]] = defaultdict(list)
    pupils = agg.frames.get("pupils")
    if pupils is not None:
        for ind in INVARIANTS["gap"]:
            for year in sorted(pupils["academic_year"].unique().to_list()):
                got = {g: recompute(agg, Key(ind, "attainment", (("group", g),), year), "percent")
                       for g in ("fsm", "other", "gap")}  # fmt: skip
                if all(got.values()):
                    vals: dict[str, object] = {"indicator": ind, "period": year}
                    for g, r in got.items():
                        vals[f"{g}_lo"] = vals[f"{g}_hi"] = r.value  # type: ignore[union-attr]
                    rows["gap"].append(Row(vals, [], f"indicator {ind}, {year}"))
    reo = agg.frames.get("reoffending")
    if reo is not None:
        for ind in INVARIANTS["complement"]:
            for cohort in sorted(reo["cohort"].unique().to_list()):
                a = recompute(agg, Key(ind, "reoffend", (), cohort), "percent")
                b = recompute(agg, Key(ind, "not_reoffend", (), cohort), "percent")
                if a and b:
                    vals = {"indicator": ind, "period": cohort, "rate_lo": a.value, "rate_hi": a.value,
                            "complement_lo": b.value, "complement_hi": b.value}  # fmt: skip
                    rows["complement"].append(Row(vals, [], f"indicator {ind}, {cohort}"))
    kids = agg.frames.get("children")
    if kids is not None:
        d = kids.filter(pl.col("both_birth_parents"))
        w = float(d["weight"].sum())
        if w > 0:
            share = {h: 100.0 * float(d.filter(pl.col("relationship_happiness") == h)["weight"].sum()) / w
                     for h in ("unhappy", "no_answer")}  # fmt: skip
            low, miss = share["unhappy"], share["no_answer"]
            rows["range"].append(Row({"indicator": "1c", "low_lo": low, "low_hi": low, "high_lo": low + miss,
                                      "high_hi": low + miss, "missing_lo": miss, "missing_hi": miss}, [],
                                     "indicator 1c"))  # fmt: skip
    out = []
    for kind, rs in rows.items():
        for row, check in _validate(kind, rs):
            out.append(Finding(
                check="extract-invariant", severity="error",
                message=f"{row.note}: the table recomputed from {source} breaks {check}.",
                expected=check, found=", ".join(f"{k}={v}" for k, v in row.values.items()),
                locations=(Location(source, 0, ""),),
            ))  # fmt: skip
    return out


__all__ = ["scraped_findings", "recomputed_findings", "Interval"]
