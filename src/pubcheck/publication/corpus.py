"""The corpus the publication rules read: every document's figures and tables, with lookups
by key (indicator, measure, breakdown, period) and the latest period quoted per indicator."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property

from pubcheck.config import Config
from pubcheck.figures.extract import Extraction
from pubcheck.figures.link import LinkRules, load_rules
from pubcheck.figures.periods import period_sort_key
from pubcheck.figures.tables import Table
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

    @cached_property
    def _cells(self) -> dict[str | None, list[Figure]]:
        """The table cells by document (None: all), in order: rules ask per figure, and a table
        of 50,000 rows has 250,000 cells (each index here is built once, when first asked)."""
        by_doc: dict[str | None, list[Figure]] = defaultdict(list)
        for f in self.figures:
            if f.kind == "cell":
                by_doc[f.document].append(f)
                by_doc[None].append(f)
        return by_doc

    @cached_property
    def _by_table(self) -> dict[tuple[str, str, int], list[Figure]]:
        """Each table's cell figures by (document, table id, first line): two tables of a
        document may share an id, and each keeps the cells of its own lines."""
        by_id: dict[tuple[str, str | None], list[Figure]] = defaultdict(list)
        for c in self.cells():
            by_id[(c.document, c.table)].append(c)
        index: dict[tuple[str, str, int], list[Figure]] = {}
        for ex in self.extractions:
            for t in ex.tables:
                cells = by_id.get((ex.document.path, t.id), ())
                index[(ex.document.path, t.id, t.first_line)] = [
                    c for c in cells if t.first_line <= c.line <= t.last_line]  # fmt: skip
        return index

    @cached_property
    def _by_indicator(self) -> dict[str | None, list[Figure]]:
        index: dict[str | None, list[Figure]] = defaultdict(list)
        for c in self.cells():
            index[c.key.indicator].append(c)
        return index

    @cached_property
    def _by_unperiod(self) -> dict[tuple[Key, str], list[Figure]]:
        index: dict[tuple[Key, str], list[Figure]] = defaultdict(list)
        for c in self.cells():
            index[(c.key if c.key.period is None else c.key.with_(period=None), c.unit)].append(c)
        return index

    @cached_property
    def _by_key(self) -> dict[tuple[Key, str], list[Figure]]:
        index: dict[tuple[Key, str], list[Figure]] = defaultdict(list)
        for f in self.figures:
            if f.kind in ("change", "range", "verbal", "ratio") or f.controlled:
                continue
            index[(self.resolved(f), f.unit)].append(f)
        return index

    def cells(self, document: str | None = None) -> Iterator[Figure]:
        """The table cells of one document (or of all), in order."""
        yield from self._cells.get(document, ())

    def table_cells(self, ex: Extraction, t: Table) -> list[Figure]:
        """The cell figures of table `t` of `ex`'s document, in order."""
        return self._by_table.get((ex.document.path, t.id, t.first_line), [])

    def indicator_cells(self, indicator: str | None) -> list[Figure]:
        """The table cells linked to `indicator`, in order."""
        return self._by_indicator.get(indicator, [])

    def cells_any_period(self, key: Key, unit: str, document: str | None = None) -> list[Figure]:
        """The table cells in `unit` whose key is `key` under any period (or none), in order."""
        k = key if key.period is None else key.with_(period=None)
        return [c for c in self._by_unperiod.get((k, unit), ()) if document is None or c.document == document]

    def lookup(self, key: Key, unit: str, *, document: str | None = None,
               cells_only: bool = False) -> list[Figure]:  # fmt: skip
        """The figures (or cells) that measure `key` in `unit`, their periods resolved, in order."""
        return [f for f in self._by_key.get((key, unit), ())
                if (not cells_only or f.kind == "cell") and (document is None or f.document == document)]
