"""The rule registry.

A rule is a small pure function registered with @rule: it takes the Corpus (every
document's figures and tables) and yields Findings. The engine finds rules through the
registry, never by name: `registered()` imports the modules listed in RULE_MODULES (each
registers its rules as it is imported), in that order, which is the order of `pubcheck
rules` and of the JUnit suites. A rule that crashes becomes a `rule-error` finding and the
run goes on.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import import_module

from pubcheck.model import Figure, Finding, Location
from pubcheck.publication.corpus import Corpus

RuleFn = Callable[[Corpus], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    fn: RuleFn
    doc: str


REGISTRY: dict[str, Rule] = {}

# The rule modules, by family; a new module of rules is listed here (a test checks that every
# module in publication/rules/ is).
RULE_MODULES = (
    "pubcheck.publication.rules.tables",  # table-identity, base-mismatch
    "pubcheck.publication.rules.counts",  # count-percentage, inverse-rate
    "pubcheck.publication.rules.prose",  # prose-table
    "pubcheck.publication.rules.crossdoc",  # cross-document
    "pubcheck.publication.rules.quantifiers",  # verbal-quantifier, missing-bounds
    "pubcheck.publication.rules.units",  # unit-mismatch
    "pubcheck.publication.rules.trace",  # untraced
    "pubcheck.publication.rules.statements",  # change-arithmetic, change-direction, ratio-arithmetic, gap-arithmetic
    "pubcheck.publication.rules.table_checks",  # table-shares, table-totals, table-rates, table-outlier
)


def rule(rule_id: str) -> Callable[[RuleFn], RuleFn]:
    """Register a rule under a stable kebab-case id (the violation it reports)."""

    def deco(fn: RuleFn) -> RuleFn:
        if rule_id in REGISTRY:
            raise ValueError(f"rule id {rule_id!r} registered twice")
        REGISTRY[rule_id] = Rule(rule_id, fn.__name__, fn, (fn.__doc__ or "").strip())
        return fn

    return deco


def registered() -> dict[str, Rule]:
    """The registry, with every module of RULE_MODULES imported (in order)."""
    for name in RULE_MODULES:
        import_module(name)
    return REGISTRY


def run_rules(corpus: Corpus, select: set[str] | None = None, ignore: set[str] | None = None,
              crashed: dict[str, str] | None = None) -> list[Finding]:  # fmt: skip
    """Every registered rule's findings, filtered by --select/--ignore; `crashed` collects the
    rules that crashed (id -> the error), whose findings are one `rule-error` each."""
    findings: list[Finding] = []
    for rid, r in registered().items():
        try:
            findings.extend(r.fn(corpus))
        except Exception as exc:  # a crashing rule is a finding, not a crash
            tb = traceback.extract_tb(exc.__traceback__)[-1]
            if crashed is not None:
                crashed[rid] = f"{type(exc).__name__}: {exc}"
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
