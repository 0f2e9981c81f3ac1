"""The corpus the publication rules read: every document's figures and tables, with lookups
by key (indicator, measure, breakdown, period) and the latest period quoted per indicator."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from pubcheck.config import Config
from pubcheck.figures.extract import Extraction
from pubcheck.figures.link import LinkRules, load_rules
from pubcheck.figures.periods import period_sort_key
from pubcheck.model import Figure, Key


@dataclass
class Corpus:
    extractions: list[Extraction]
    rules: LinkRules = field(default_factory=load_rules)
    config: Config = field(default_factory=Config)

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
