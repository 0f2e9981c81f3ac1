"""The indicator invariants of schemas/indicators.py on the tables recomputed from the
extracts (every period there): the same Pandera schemas that check the published tables
(pubcheck.publication.invariants, whose `Row` and `_validate` this reuses)."""

from __future__ import annotations

from collections import defaultdict

from pubcheck.model import Finding, Location
from pubcheck.publication.invariants import Row, _validate


def recomputed_findings(agg, source: str) -> list[Finding]:  # type: ignore[no-untyped-def]
    """The same invariants on the tables recomputed from the extracts (every period there)."""
    import polars as pl

    from pubcheck.extracts.recompute import recompute
    from pubcheck.model import Key
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
        for row, check in _validate(kind, rs, engine="pandera"):
            out.append(Finding(
                check="extract-invariant", severity="error",
                message=f"{row.note}: the table recomputed from {source} breaks {check}.",
                expected=check, found=", ".join(f"{k}={v}" for k, v in row.values.items()),
                locations=(Location(source, 0, ""),),
            ))  # fmt: skip
    return out
