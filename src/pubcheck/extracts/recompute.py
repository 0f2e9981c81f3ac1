"""Recomputation: every published figure linked to an indicator is recomputed from the
row-level extract the registry names, and compared with the same rounding-interval logic
as `pubcheck check`.

Recomputation is driven by what the publications print: for each published figure, its key
(indicator, measure, breakdown, period) says what to compute (an age band '12-16' is ages
12 to 16; group 'gap' is other minus FSM; period '2009-12' is the treatment cohort). Each
extract is reduced once to small aggregate tables (lazy, streaming), and every figure is
answered from those. Counts are grossed up by 1/scale when the extracts are a scaled sample
(datapackage.json property "pubcheck:scale").
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import polars as pl

from pubcheck.figures.numbers import fmt_value
from pubcheck.model import Figure, Finding, Interval, Key, Location
from pubcheck.paths import checks_path

RATE_MEASURES = {"reoffend", "not_reoffend"}


@dataclass(frozen=True)
class IndicatorSpec:
    id: str
    name: str
    extract: str
    fields: dict


@lru_cache(maxsize=2)
def load_registry(path: str | None = None) -> dict[str, IndicatorSpec]:
    p = Path(path) if path else checks_path("indicators.toml")
    data = tomllib.loads(p.read_text(encoding="utf-8"))
    out = {}
    for d in data["indicator"]:
        out[d["id"]] = IndicatorSpec(d["id"], d["name"], d["extract"], d)
    return out


@dataclass(frozen=True)
class Recomputed:
    key: Key
    unit: str
    value: float
    rows: int  # rows of the extract behind the figure (its denominator)
    extract: str


@dataclass
class Aggregates:
    """Small tables an extract is reduced to, and the scale of the sample."""

    scales: dict[str, float] = field(default_factory=dict)  # per extract; "" for the package
    scales_known: bool = True  # False when datapackage.json could not be read: counts are not recomputed
    frames: dict[str, pl.DataFrame] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)

    def scale(self, stem: str) -> float:
        return self.scales.get(stem) or self.scales.get("") or 1.0


def read_scales(directory: Path) -> dict[str, float]:
    """Sampling scales from datapackage.json: the package's "pubcheck:scale" under "", and
    each resource's own (by resource name). Absent or unreadable: national size (1.0)."""
    p = directory / "datapackage.json"
    out: dict[str, float] = {}
    if not p.is_file():
        return out
    try:
        d = json.loads(p.read_text(encoding="utf-8"))
    except (ValueError, OSError):
        return out
    for name, holder in [("", d)] + [(r.get("name", ""), r) for r in d.get("resources", [])]:
        try:
            v = float(holder.get("pubcheck:scale", 0))
        except (TypeError, ValueError):
            continue
        if v > 0:
            out[name] = v
    return out


def aggregate(frames: dict[str, pl.LazyFrame], scales: dict[str, float] | None = None) -> Aggregates:
    """Reduce each extract to what the indicators need, in one lazy query each."""
    agg = Aggregates(scales=scales or {})
    q: dict[str, pl.LazyFrame] = {}
    if "pupils" in frames:
        q["pupils"] = frames["pupils"].group_by("academic_year", "key_stage", "fsm").agg(
            n=pl.len(), achieved=pl.col("achieved").sum()
        )
    if "reoffending" in frames:
        q["reoffending"] = frames["reoffending"].group_by("cohort", "cohort_group").agg(
            n=pl.len(), reoffenders=pl.col("reoffended").sum(),
            reoffences=pl.col("n_reoffences").filter(pl.col("reoffended")).sum(),
        )  # fmt: skip
    if "treatment" in frames:
        success = (pl.col("exit_reason") == "successful") & ~pl.col("re_presented")
        q["treatment"] = frames["treatment"].group_by("cohort", "substance").agg(
            n=pl.len(), success=success.fill_null(False).sum()
        )
    if "benefits" in frames:
        from schemas.extracts import CLOSER_BENEFITS, FURTHER_BENEFITS

        b = frames["benefits"].filter(pl.col("claimant_age").is_between(22, 59))
        q["benefits"] = b.group_by("reference_date").agg(
            capable=pl.col("benefit").is_in(CLOSER_BENEFITS).sum(),
            entrenched=(pl.col("benefit").is_in(CLOSER_BENEFITS) & (pl.col("months_on_benefit_48") >= 36)).sum(),
            further=(pl.col("benefit").is_in(FURTHER_BENEFITS) & (pl.col("months_on_benefit_48") >= 36)).sum(),
        )
    if "population" in frames:
        q["population"] = frames["population"]
    if "children" in frames:
        q["children"] = frames["children"]
    if "offender_employment" in frames:
        q["offender_employment"] = frames["offender_employment"].group_by("release_year").agg(
            n=pl.len(), in_work=pl.col("in_p45_employment_12m").sum()
        )
    if "social_investment" in frames:
        q["social_investment"] = frames["social_investment"].group_by("year").agg(
            total=pl.col("amount_gbp").sum(), n=pl.len()
        )
    if q:
        names = list(q)
        results = pl.collect_all([q[n] for n in names], engine="streaming")
        agg.frames = dict(zip(names, results, strict=True))
    return agg


# ------------------------------------------------------------------ answering one key

Handler = Callable[[Aggregates, IndicatorSpec, Key, str], "Recomputed | None"]
HANDLERS: dict[str, Handler] = {}


def handles(*extracts: str) -> Callable[[Handler], Handler]:
    def deco(fn: Handler) -> Handler:
        for e in extracts:
            HANDLERS[e] = fn
        return fn

    return deco


def _age_band(value: str | None) -> tuple[int, int] | None:
    if value is None or value == "all":
        return (0, 200)
    m = re.fullmatch(r"(\d{1,2})(?:-(\d{1,2}))?", value)
    if not m:
        return None
    lo = int(m.group(1))
    return (lo, int(m.group(2)) if m.group(2) else lo)


def _pct(num: float, den: float) -> float | None:
    return None if den <= 0 else 100.0 * num / den


@handles("children")
def _children(agg: Aggregates, spec: IndicatorSpec, key: Key, unit: str) -> Recomputed | None:
    df = agg.frames.get("children")
    if df is None:
        return None
    dims = dict(key.breakdown)
    band = _age_band(dims.get("age"))
    if band is None:
        return None
    d = df.filter(pl.col("age").is_between(*band))
    if spec.id == "1c":
        return None  # ranges are answered by recompute_range
    if spec.id == "1b" or "income" in dims:
        d = d.filter(pl.col("income_group") != "unknown")
        inc = dims.get("income")
        if inc is not None:
            d = d.filter(pl.col("income_group") == ("bottom_20" if inc == "low" else "middle_high"))
    if key.measure == "sample_size":
        return Recomputed(key, "count", float(d.height), d.height, "children") if unit == "count" else None
    if unit != "percent" or d.height == 0:
        return None
    w = d["weight"].sum()
    v = _pct(d.filter(~pl.col("both_birth_parents"))["weight"].sum(), w)
    return Recomputed(key, unit, v, d.height, "children") if v is not None else None


def recompute_range(agg: Aggregates, f: Figure) -> tuple[float, float, int] | None:
    """Indicator 1c: low = unhappy share, high = unhappy + no answer (of both-parent children)."""
    df = agg.frames.get("children")
    if df is None:
        return None
    d = df.filter(pl.col("both_birth_parents"))
    w = d["weight"].sum()
    if w <= 0:
        return None
    unhappy = d.filter(pl.col("relationship_happiness") == "unhappy")["weight"].sum()
    missing = d.filter(pl.col("relationship_happiness") == "no_answer")["weight"].sum()
    return 100.0 * unhappy / w, 100.0 * (unhappy + missing) / w, d.height


@handles("pupils")
def _pupils(agg: Aggregates, spec: IndicatorSpec, key: Key, unit: str) -> Recomputed | None:
    df = agg.frames.get("pupils")
    if df is None or unit != "percent" or key.period is None:
        return None
    d = df.filter((pl.col("key_stage") == spec.fields.get("key_stage")) & (pl.col("academic_year") == key.period))
    if d.height == 0:
        return None

    def rate(fsm: bool) -> tuple[float | None, int]:
        x = d.filter(pl.col("fsm") == fsm)
        n = int(x["n"].sum())
        return _pct(float(x["achieved"].sum()), n), n

    group = dict(key.breakdown).get("group")
    if group == "fsm":
        v, n = rate(True)
    elif group == "other":
        v, n = rate(False)
    elif group == "gap":
        a, na = rate(False)
        b, nb = rate(True)
        v, n = (a - b if a is not None and b is not None else None), na + nb
    else:
        v, n = _pct(float(d["achieved"].sum()), int(d["n"].sum())), int(d["n"].sum())
    return Recomputed(key, unit, v, n, "pupils") if v is not None else None


@handles("reoffending")
def _reoffending(agg: Aggregates, spec: IndicatorSpec, key: Key, unit: str) -> Recomputed | None:
    df = agg.frames.get("reoffending")
    if df is None or key.period is None:
        return None
    d = df.filter((pl.col("cohort") == key.period) & (pl.col("cohort_group") == spec.fields.get("cohort_group")))
    if d.height == 0:
        return None
    n, r, ro = int(d["n"].sum()), int(d["reoffenders"].sum()), float(d["reoffences"].sum())
    m = key.measure
    if unit == "percent" and m in RATE_MEASURES:
        v = _pct(r if m == "reoffend" else n - r, n)
    elif unit == "count" and m in ("cohort_count", "reoffender_count", "non_reoffender_count"):
        raw = {"cohort_count": n, "reoffender_count": r, "non_reoffender_count": n - r}[m]
        v = raw / agg.scale("reoffending")
    elif unit == "number" and m == "reoffences_per_reoffender":
        v = ro / r if r else None
    else:
        return None
    return Recomputed(key, unit, v, n, "reoffending") if v is not None else None


@handles("treatment")
def _treatment(agg: Aggregates, spec: IndicatorSpec, key: Key, unit: str) -> Recomputed | None:
    df = agg.frames.get("treatment")
    if df is None or key.period is None:
        return None
    sub = dict(key.breakdown).get("substance")
    subs = ["drug", "alcohol"] if sub in (None, "drug_or_alcohol") else [sub]
    d = df.filter((pl.col("cohort") == key.period) & pl.col("substance").is_in(subs))
    if d.height == 0:
        return None
    n, s = int(d["n"].sum()), int(d["success"].sum())
    if unit == "percent" and key.measure == "completion":
        v = _pct(s, n)
    elif unit == "count" and key.measure in ("cohort_count", "success_count"):
        v = (n if key.measure == "cohort_count" else s) / agg.scale("treatment")
    else:
        return None
    return Recomputed(key, unit, v, n, "treatment") if v is not None else None


@handles("benefits")
def _benefits(agg: Aggregates, spec: IndicatorSpec, key: Key, unit: str) -> Recomputed | None:
    df = agg.frames.get("benefits")
    if df is None or key.period is None:
        return None
    m = re.fullmatch(r"(\d{4})(?:-03-31)?", key.period)
    if not m:
        return None
    year = int(m.group(1))
    d = df.filter(pl.col("reference_date").dt.year() == year)
    if d.height == 0:
        return None
    col = "further" if spec.id == "4-further" else "entrenched"
    if unit == "count" and key.measure in ("capable_claims", "entrenched_claims"):
        v = float(d["capable" if key.measure == "capable_claims" else "entrenched"].sum()) / agg.scale("benefits")
        return Recomputed(key, unit, v, int(d["capable"].sum()), "benefits")
    if unit == "percent" and key.measure == "entrenched_rate":
        pop = agg.frames.get("population")
        if pop is None:
            return None
        p = pop.filter(pl.col("year") == year)
        if p.height == 0:
            return None
        v = _pct(float(d[col].sum()) / agg.scale("benefits"), float(p["population_22_59"][0]))
        return Recomputed(key, unit, v, int(d[col].sum()), "benefits") if v is not None else None
    return None


@handles("offender_employment")
def _employment(agg: Aggregates, spec: IndicatorSpec, key: Key, unit: str) -> Recomputed | None:
    df = agg.frames.get("offender_employment")
    if df is None or unit != "percent":
        return None
    d = df if key.period is None else df.filter(pl.col("release_year") == int(key.period[:4]))
    n = int(d["n"].sum())
    v = _pct(float(d["in_work"].sum()), n)
    return Recomputed(key, unit, v, n, "offender_employment") if v is not None else None


@handles("social_investment")
def _investment(agg: Aggregates, spec: IndicatorSpec, key: Key, unit: str) -> Recomputed | None:
    df = agg.frames.get("social_investment")
    if df is None or unit != "GBP" or key.period is None or not re.fullmatch(r"\d{4}", key.period):
        return None
    d = df.filter(pl.col("year") == int(key.period))
    if d.height == 0:
        return None
    total = float(d["total"].sum()) / agg.scale("social_investment")
    return Recomputed(key, unit, total, int(d["n"].sum()), "social_investment")


def recompute(agg: Aggregates, key: Key, unit: str) -> Recomputed | None:
    spec = load_registry().get(key.indicator or "")
    if spec is None:
        return None
    handler = HANDLERS.get(spec.extract)
    if handler is None or spec.extract not in agg.frames:
        return None
    return handler(agg, spec, key, unit)


# ------------------------------------------------------------------ comparing


@dataclass
class Comparison:
    figure: Figure
    recomputed: float
    interval: Interval
    supported: bool
    extract: str
    rows: int

    def to_dict(self) -> dict:
        return {
            "document": self.figure.document, "line": self.figure.line, "figure": self.figure.text,
            "indicator": self.figure.key.indicator, "measure": self.figure.key.measure,
            "breakdown": self.figure.key.breakdown_text() or None, "period": self.figure.key.period,
            "recomputed": self.recomputed, "interval": self.interval.to_list(),
            "supported": self.supported, "extract": self.extract, "rows": self.rows,
        }  # fmt: skip


def compare(corpus, agg: Aggregates) -> tuple[list[Finding], list[Comparison]]:  # type: ignore[no-untyped-def]
    """Every published figure linked to an indicator that the extracts cover, recomputed."""
    registry = load_registry()
    covered = {i for i, s in registry.items() if s.extract in agg.frames}
    findings: list[Finding] = []
    comparisons: list[Comparison] = []
    for f in corpus.figures:
        ind = f.key.indicator
        if ind not in covered or f.controlled or f.kind in ("verbal", "ratio"):
            continue
        key = corpus.resolved(f)
        extract = registry[ind].extract
        file = agg.files.get(extract, extract)
        if f.kind == "range" and f.low is not None and f.high is not None:
            got = recompute_range(agg, f)
            if got is None:
                continue
            low, high, rows = got
            step = f.precision or 1.0
            for label, printed, value in (("low", f.low, low), ("high", f.high, high)):
                iv = Interval(printed - step / 2, printed + step / 2)
                ok = iv.contains(value)
                comparisons.append(Comparison(f, value, iv, ok, extract, rows))
                if not ok:
                    what = f"the range's {label} end {fmt_value(printed)}"
                    findings.append(_unsupported(f, value, iv, file, rows, what))
            continue
        if f.kind == "change":
            continue  # changes are checked against the tables, which are recomputed here
        if not agg.scales_known and f.unit in ("count", "GBP"):
            continue  # grossed up by a scale nobody could read (an extract-datapackage error says so)
        r = recompute(agg, key, f.unit)
        if r is None:
            continue
        ok = f.interval.contains(r.value) or f.interval.overlaps(Interval(r.value, r.value))
        comparisons.append(Comparison(f, r.value, f.interval, ok, extract, r.rows))
        if not ok:
            findings.append(_unsupported(f, r.value, f.interval, file, r.rows, f.text))
    return findings, comparisons


def _unsupported(f: Figure, value: float, iv: Interval, file: str, rows: int, what: str) -> Finding:
    shown = fmt_value(value, 0.01 if abs(value) < 1000 else None)
    return Finding(
        check="extract-recompute", severity="error",
        message=(f"The extract does not support {what}: recomputed from {file} ({rows:,} rows) it is "
                 f"{shown}, outside what the printed figure can stand for."),
        expected=f"{shown} (recomputed)", found=f"{f.text} (stands for {iv.show()})",
        interval=iv.show(),
        locations=(Location(f.document, f.line, f.location.quote, figure=f.location.figure),),
    )  # fmt: skip
