"""The rule registry and the corpus the rules read.

A rule is a small pure function registered with @rule: it takes the Corpus (every
document's figures and tables) and yields Findings. The engine finds rules through the
registry; a rule that crashes becomes a `rule-error` finding and the run goes on.
"""

from __future__ import annotations

import traceback
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from pubcheck.extract import Extraction
from pubcheck.link import LinkRules, load_rules
from pubcheck.model import Figure, Finding, Key, Location
from pubcheck.periods import period_sort_key

RuleFn = Callable[["Corpus"], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    fn: RuleFn
    doc: str


REGISTRY: dict[str, Rule] = {}


def rule(rule_id: str) -> Callable[[RuleFn], RuleFn]:
    """Register a rule under a stable kebab-case id (the violation it reports)."""

    def deco(fn: RuleFn) -> RuleFn:
        if rule_id in REGISTRY:
            raise ValueError(f"rule id {rule_id!r} registered twice")
        REGISTRY[rule_id] = Rule(rule_id, fn.__name__, fn, (fn.__doc__ or "").strip())
        return fn

    return deco


@dataclass
class Corpus:
    extractions: list[Extraction]
    rules: LinkRules = field(default_factory=load_rules)

    def __post_init__(self) -> None:
        self.figures: list[Figure] = [f for e in self.extractions for f in e.figures]
        self._latest: dict[tuple[str | None, str | None], str] = {}
        periods: dict[tuple[str | None, str | None], set[str]] = defaultdict(set)
        for f in self.figures:
            if f.key.indicator and f.key.period and f.unit == "percent":
                periods[(f.key.indicator, f.key.measure)].add(f.key.period)
        by_ind: dict[tuple[str | None, None], set[str]] = defaultdict(set)
        for (ind, _m), ps in periods.items():
            by_ind[(ind, None)] |= ps
        for k, ps in list(periods.items()) + list(by_ind.items()):
            self._latest[k] = max(ps, key=period_sort_key)

    def describe(self, k: Key) -> str:
        """'indicator 5a (First presentations for treatment ...), substance drug, 2009-12'."""
        ind = self.rules.indicator(k.indicator or "")
        parts = [f"indicator {k.indicator}" + (f" ({ind.name})" if ind else "")]
        if k.measure and ind and k.measure != ind.measure:
            parts.append(k.measure.replace("_", " "))
        parts += [f"{d} {v.replace('_', ' ')}" for d, v in k.breakdown]
        if k.period:
            parts.append(f"period {k.period}")
        return ", ".join(parts)

    def has_periods(self, indicator: str | None) -> bool:
        return (indicator, None) in self._latest

    def resolved(self, f: Figure) -> Key:
        """The figure's key with an unstated period read as the latest one quoted for its
        indicator and measure (a rate quoted without a period is the headline)."""
        k = f.key
        if k.period is None and k.indicator and f.unit == "percent":
            latest = self._latest.get((k.indicator, k.measure)) or self._latest.get(
                (k.indicator, None)
            )
            if latest:
                return k.with_(period=latest)
        return k

    def cells(self, document: str | None = None) -> Iterator[Figure]:
        for f in self.figures:
            if f.kind == "cell" and (document is None or f.document == document):
                yield f

    def lookup(self, key: Key, unit: str, *, document: str | None = None,
               cells_only: bool = False) -> list[Figure]:  # fmt: skip
        out = []
        for f in self.figures:
            if cells_only and f.kind != "cell":
                continue
            if document is not None and f.document != document:
                continue
            if f.unit != unit or f.kind in ("change", "range", "verbal", "ratio") or f.controlled:
                continue
            if self.resolved(f) == key:
                out.append(f)
        return out


def run_rules(corpus: Corpus, select: set[str] | None = None,
              ignore: set[str] | None = None) -> list[Finding]:  # fmt: skip
    import pubcheck.rules  # noqa: F401  (registers the rules)
    import pubcheck.rules_tables  # noqa: F401  (registers the table rules)

    findings: list[Finding] = []
    for rid, r in REGISTRY.items():
        try:
            findings.extend(r.fn(corpus))
        except Exception as exc:  # a crashing rule is a finding, not a crash
            tb = traceback.extract_tb(exc.__traceback__)[-1]
            findings.append(Finding(
                check="rule-error", severity="error",
                message=f"rule {rid} failed: {type(exc).__name__}: {exc} "
                        f"(at {tb.filename.rsplit('/', 1)[-1]}:{tb.lineno}); its checks did not run",
                expected="the rule to run", found=type(exc).__name__, locations=(),
            ))  # fmt: skip
    return dedupe(filter_findings(findings, select, ignore))


def filter_findings(findings: list[Finding], select: set[str] | None, ignore: set[str] | None) -> list[Finding]:
    """--select/--ignore act on the findings' check ids: a rule may report under a sibling id
    (prose-table reports a per-cent change that is really points as unit-mismatch)."""
    if select:
        findings = [f for f in findings if f.check in select or f.check == "rule-error"]
    if ignore:
        findings = [f for f in findings if f.check not in ignore]
    return findings


def dedupe(findings: list[Finding]) -> list[Finding]:
    seen = set()
    out = []
    for f in findings:
        k = (f.check, f.message, tuple((loc.document, loc.line) for loc in f.locations))
        if k in seen:
            continue
        seen.add(k)
        out.append(f)
    return sorted(out, key=lambda f: f.sort_key())


def locs(*figs: Figure) -> tuple[Location, ...]:
    seen = []
    for f in figs:
        if f.location not in seen:
            seen.append(f.location)
    return tuple(seen)
