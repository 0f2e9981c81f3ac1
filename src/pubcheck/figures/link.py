"""Linking figures to indicators, measures, breakdowns and periods.

The rules are data (checks/linking.toml, plus the registry a pubcheck.toml names, e.g.
checks/sjof/linking.toml): patterns over captions, headers, row labels
and sentences. A figure takes, for each attribute, the match nearest to it in its
sentence; failing that, the nearest in its paragraph; failing that, its section.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pubcheck.figures.periods import find_periods
from pubcheck.paths import checks_path


@dataclass(frozen=True)
class IndicatorRule:
    id: str
    name: str
    section: int | None
    any: tuple[re.Pattern[str], ...]
    none: tuple[re.Pattern[str], ...]
    context: tuple[re.Pattern[str], ...]
    dimensions: tuple[str, ...]
    measure: str
    measures: tuple[str, ...] = ()
    requires: tuple[re.Pattern[str], ...] = ()
    implies: tuple[str, ...] = ()  # qualifier dimensions its own population carries


@dataclass(frozen=True)
class Dimension:
    name: str
    values: tuple[tuple[str, tuple[re.Pattern[str], ...]], ...]
    capture: tuple[re.Pattern[str], ...]


@dataclass(frozen=True)
class LinkRules:
    section_heading: re.Pattern[str]
    section_closes: re.Pattern[str]
    indicators: tuple[IndicatorRule, ...]
    measures: tuple[tuple[str, tuple[re.Pattern[str], ...]], ...]
    measure_units: dict[str, tuple[str, ...]]
    ratios: frozenset[tuple[str, str, str]]
    complements: dict[str, str]
    dimensions: dict[str, Dimension]
    total_rows: tuple[re.Pattern[str], ...]
    gap_rows: tuple[re.Pattern[str], ...]
    gap_minuend: tuple[re.Pattern[str], ...]
    gap_subtrahend: tuple[re.Pattern[str], ...]
    sample_columns: tuple[re.Pattern[str], ...]

    def indicator(self, ident: str) -> IndicatorRule | None:
        return next((i for i in self.indicators if i.id == ident), None)


def _c(pats: list[str]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p, re.I) for p in pats)


def _merge(base: dict, more: dict) -> dict:
    """Later linking files add indicators, measures, ratios and complements, add or replace
    dimensions, and replace [section] and [table] entries."""
    out = dict(base)
    for k, v in more.items():
        if isinstance(v, list) and isinstance(out.get(k), list):
            out[k] = out[k] + v
        elif isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = {**out[k], **v}
        else:
            out[k] = v
    return out


@lru_cache(maxsize=8)
def load_rules(paths: str | tuple[str, ...] | None = None) -> LinkRules:
    """The linking rules: the general table patterns of checks/linking.toml, plus the
    indicator registries a configuration names (files in the format of
    checks/sjof/linking.toml). With no registry no figure links to an indicator."""
    files = (paths,) if isinstance(paths, str) else paths or (str(checks_path("linking.toml")),)
    d: dict = {}
    for f in files:
        d = _merge(d, tomllib.loads(Path(f).read_text(encoding="utf-8")))
    inds = tuple(
        IndicatorRule(i["id"], i["name"], i.get("section"), _c(i.get("any", [])),
                      _c(i.get("none", [])), _c(i.get("context", [])),
                      tuple(i.get("dimensions", [])), i["measure"],
                      tuple(i.get("measures", [i["measure"]])), _c(i.get("requires", [])),
                      tuple(i.get("implies", [])))  # fmt: skip
        for i in d.get("indicator", [])
    )
    measures = tuple((m["id"], _c(m["patterns"])) for m in d.get("measure", []))
    munits = {m["id"]: tuple(m.get("units", [])) for m in d.get("measure", [])}
    ratios = frozenset((r["rate"], r["part"], r["whole"]) for r in d.get("ratio", []))
    comps: dict[str, str] = {}
    for c in d.get("complement", []):
        comps[c["a"]], comps[c["b"]] = c["b"], c["a"]
    dims = {}
    for name, spec in d.get("dimension", {}).items():
        vals = tuple((v, _c(p)) for v, p in spec.get("values", {}).items())
        dims[name] = Dimension(name, vals, _c(spec.get("capture", [])))
    t = d["table"]
    return LinkRules(
        re.compile(d["section"]["heading"], re.I), re.compile(d["section"]["closes"]),
        inds, measures, munits, ratios, comps, dims, _c(t["total_rows"]), _c(t["gap_rows"]),
        _c(t["gap_minuend"]), _c(t["gap_subtrahend"]), _c(t["sample_columns"]),
    )  # fmt: skip


def rules_for(target: Path, config: Path | None = None) -> LinkRules:
    """The linking rules for the publications in `target`: its pubcheck.toml's registry (or
    that of `config`) on top of the general patterns."""
    from pubcheck.config import load_config

    return load_rules(load_config(target, config).linking_files())


def _distance(m: re.Match[str], span: tuple[int, int]) -> float:
    return _span_distance(m.start(), m.end(), span)


@lru_cache(maxsize=8192)
def _spans(patterns: tuple[re.Pattern[str], ...], text: str) -> tuple[tuple[int, int], ...]:
    """Where `patterns` match in `text`: scanned once per sentence, not once per figure in it."""
    return tuple((m.start(), m.end()) for p in patterns for m in p.finditer(text))


@lru_cache(maxsize=8192)
def _found(patterns: tuple[re.Pattern[str], ...], text: str) -> bool:
    return any(p.search(text) for p in patterns)


def _span_distance(start: int, end: int, span: tuple[int, int]) -> float:
    a, b = span
    if end <= a:
        return a - end
    if start >= b:
        return (start - b) * 0.9  # what follows a figure describes it slightly more often
    return 0.0


def nearest(patterns: tuple[re.Pattern[str], ...], text: str, span: tuple[int, int]) -> float | None:
    return min((_span_distance(a, b, span) for a, b in _spans(patterns, text)), default=None)


MENTION = re.compile(r"Key Indicator\s+(\d+)", re.I)


@lru_cache(maxsize=8192)
def _mentions(text: str) -> frozenset[int]:
    """The 'Key Indicator N' a sentence names (read once per sentence, not once per figure)."""
    return frozenset(int(m.group(1)) for m in MENTION.finditer(text))


def pick_indicator(rules: LinkRules, text: str, span: tuple[int, int]) -> str | None:
    """The indicator whose patterns match nearest the figure. A sentence that names
    'Key Indicator N' links to one of N's indicators (by its patterns, else the first)."""
    mentions = _mentions(text)
    if mentions:
        cands = [i for i in rules.indicators if i.section in mentions]
        best_c: tuple[float, int, str] | None = None
        window = text[max(0, span[0] - 40) : span[1] + 40]
        for order, ind in enumerate(cands):
            if _found(ind.none, window):
                continue
            d = nearest(ind.any + ind.context, text, span)
            if d is not None and (best_c is None or (d, order) < best_c[:2]):
                best_c = (d, order, ind.id)
        if best_c:
            return best_c[2]
        if cands:
            return cands[0].id
    best: tuple[float, int, str] | None = None
    for order, ind in enumerate(rules.indicators):
        if _found(ind.none, text):
            continue
        if ind.requires and not _found(ind.requires, text):
            continue
        d = nearest(ind.any, text, span)
        if d is None:
            continue
        if best is None or (d, order) < best[:2]:
            best = (d, order, ind.id)
    return best[2] if best else None


def measure_applies(rules: LinkRules, measure: str, unit: str | None) -> bool:
    units = rules.measure_units.get(measure, ())
    return unit is None or not units or unit in units


def pick_measure(rules: LinkRules, text: str, span: tuple[int, int],
                 allowed: tuple[str, ...] | None = None, unit: str | None = None) -> str | None:  # fmt: skip
    best: tuple[float, int, str] | None = None
    for order, (mid, pats) in enumerate(rules.measures):
        if allowed is not None and mid not in allowed:
            continue
        if not measure_applies(rules, mid, unit):
            continue
        d = nearest(pats, text, span)
        if d is None:
            continue
        if best is None or (d, order) < best[:2]:
            best = (d, order, mid)
    return best[2] if best else None


def pick_dimension(dim: Dimension, text: str, span: tuple[int, int]) -> str | None:
    best: tuple[float, int, str] | None = None
    for order, (value, pats) in enumerate(dim.values):
        if value == "all":
            continue
        d = nearest(pats, text, span)
        if d is not None and (best is None or (d, order) < best[:2]):
            best = (d, order, value)
    for a, b, value in _captures(dim.capture, text):
        d = _span_distance(a, b, span)
        if best is None or (d, 99) < best[:2]:
            best = (d, 99, value)
    if best is None:  # the generic value only when nothing specific is named
        for value, pats in dim.values:
            if value == "all" and nearest(pats, text, span) is not None:
                return value
    return best[2] if best else None


@lru_cache(maxsize=4096)
def _captures(patterns: tuple[re.Pattern[str], ...], text: str) -> tuple[tuple[int, int, str], ...]:
    return tuple((m.start(), m.end(), "-".join(g for g in m.groups() if g)) for p in patterns for m in p.finditer(text))


BASE_BEFORE = re.compile(
    r"(since|compared (?:to|with)|in relation to|relative to|than|from|controlling)\s*(?:the\s+)?$",
    re.I,
)
DEADLINE_BEFORE = re.compile(r"\b(by|until|before|after)\s*(?:the\s+)?(?:end of\s+)?$", re.I)


def pick_period(text: str, span: tuple[int, int], *, deadlines: bool = True) -> str | None:
    """The nearest period that is not a comparison base ('since 2000'); with
    deadlines=False, not a deadline either ('by March 2012')."""
    best: tuple[float, str] | None = None
    for p in _candidate_periods(text, deadlines):
        if p.end <= span[0]:
            d = span[0] - p.end
        elif p.start >= span[1]:
            d = (p.start - span[1]) * 0.8
        else:
            d = 0.0
        if best is None or d < best[0]:
            best = (d, p.norm)
    return best[1] if best else None


@lru_cache(maxsize=4096)
def _candidate_periods(text: str, deadlines: bool) -> tuple:  # type: ignore[type-arg]
    """The periods of `text` that may be a figure's (pick_period), found once per sentence."""
    out = []
    for p in find_periods(text):
        before = text[max(0, p.start - 25) : p.start]
        if BASE_BEFORE.search(before):
            continue
        if not deadlines and DEADLINE_BEFORE.search(before):
            continue
        out.append(p)
    return tuple(out)
