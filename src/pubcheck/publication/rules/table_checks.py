"""General rules over whole tables, wide or long, read through the table model (pubcheck.tidy).

They know relations between a table's cells (shares of one whole sum to 100; parts sum to
their total; a rate is its numerator over its denominator), never values, file names or one
publisher's wording. What a table means is read from the table itself: a relation the labels
name and the other rows confirm is checked in every row. Every comparison uses the printed
values' rounding intervals (tidy.TidyCell.bounds), so a table consistent within rounding
never fails. An error is raised only when no values inside the intervals satisfy a relation
that the table's labels name and its other rows confirm (or that `table_roles` declares);
a relation inferred from the figures alone gives a warning at most.

Evidence: each finding names the rows where the relation holds in its message, never in its
locations (which are the cells that fail).

`table_roles`: what a publisher declares about its tables (tidy.TableRoles documents the
mapping). The rules read each table's from its pubcheck.toml `[[table]]` entries (config.py);
the pure functions below take it as an argument.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from functools import lru_cache
from itertools import combinations
from statistics import median

from pubcheck.figures.numbers import fmt_value
from pubcheck.figures.tables import Cell
from pubcheck.figures.tidy import (
    Dimension,
    TableRoles,
    TidyCell,
    TidyTable,
    is_total,
    norm,
    tidy_document,
)
from pubcheck.model import Finding, Interval, Location
from pubcheck.publication.corpus import Corpus
from pubcheck.publication.registry import rule

FAR = 2.0  # percentage points beyond the parts' rounding: a share row missing 100 by more is an error
ESTABLISHED = 0.75  # share of a table's rows in which a relation must hold to be the table's own
MIN_ROWS = 3  # rows in which it must hold, at least
SUBTOTAL = re.compile(r"^\s*(?:of which|includ|excl|[-–—]\s|\()|\bof which\b|\bsubtotal\b", re.I)
DERIVED = re.compile(
    r"\bgap\b|difference|change|\bratio\b|\bindex\b|\blci\b|\buci\b|lower|upper|confidence|"
    r"interval|error|\bse\b|\bsd\b|deviation|growth|points|\bpp\b|sample|base|unweighted",
    re.I,
)
GAP = re.compile(r"\bgap\b|\bdifference\b", re.I)
RATE_WORDS = re.compile(r"\b(?:rate|rates|percentage|percent|proportion|per cent)\b|%|\(per [\d,]+\)", re.I)
DENOMINATOR = ("headcount", "population", "cohort", "enrolments", "enrolment", "pupils", "pupil",
               "people", "persons", "denominator", "base", "sample size", "eligible", "on roll",
               "total")  # fmt: skip


def corpus_tables(corpus: Corpus) -> list[TidyTable]:
    """Every table of the corpus as a TidyTable (built once per corpus)."""
    cached = getattr(corpus, "_tidy_tables", None)
    if cached is None:
        cached = [t for ex in corpus.extractions
                  for t in tidy_document(ex.document, None, _roles(corpus, ex.document.path))]  # fmt: skip
        corpus._tidy_tables = cached  # type: ignore[attr-defined]
    return cached


def _roles(corpus: Corpus, path: str | None = None) -> TableRoles:
    """The roles a pubcheck.toml declares for the table file at `path` ([[table]] entries)."""
    return TableRoles.from_mapping(corpus.config.roles_for(path) if path else None)


def _holds(iv: Interval, target: Interval) -> bool:
    """Closed overlap: the intervals share a value or touch (precision first)."""
    return iv.lo <= target.hi + 1e-9 and target.lo <= iv.hi + 1e-9


def _sum(cells: Iterable[TidyCell]) -> Interval:
    cs = list(cells)
    return Interval(sum(c.bounds.lo for c in cs), sum(c.bounds.hi for c in cs))


def _where(t: TidyTable) -> str:
    name = t.document.rsplit("/", 1)[-1]
    return f"{t.id} of {name}" if name else t.id


def _row_text(rest: tuple[tuple[str, str], ...], skip: Iterable[str] = ()) -> str:
    sk = set(skip)
    return ", ".join(lab for d, lab in rest if d not in sk and not d.startswith("measure")) or "the table"


def _examples(rests: list[tuple[tuple[str, str], ...]], n: int = 3) -> str:
    shown = "; ".join(_row_text(r) for r in rests[:n])
    return shown + ("; ..." if len(rests) > n else "")


def _locs(*cells: TidyCell) -> tuple[Location, ...]:
    out: list[Location] = []
    for c in cells:
        if c.location not in out:
            out.append(c.location)
    return tuple(out)


def _established(holds: int, total: int) -> bool:
    return holds >= MIN_ROWS and holds >= ESTABLISHED * total


Rest = tuple[tuple[str, str], ...]


def _systematic(fail: Rest, fails: list[Rest], rows: list[Rest]) -> bool:
    """The failing row shares a label with at least one other row, and the relation fails in
    every row with that label (a whole category or period): a definition that differs there,
    not a misprint."""
    return bool(set(fail) & _systematic_items(tuple(fails), tuple(rows)))


@lru_cache(maxsize=64)
def _systematic_items(fails: tuple[Rest, ...], rows: tuple[Rest, ...]) -> frozenset:  # type: ignore[type-arg]
    """The labels every row of which fails (at least two rows): read once per relation, not once
    per failing row (that was quadratic in a table's rows)."""
    failing = set(fails)
    seen: dict = {}  # type: ignore[type-arg]
    for r in rows:
        for item in r:
            n, bad = seen.get(item, (0, 0))
            seen[item] = (n + 1, bad + (r in failing))
    return frozenset(item for item, (n, bad) in seen.items() if n >= 2 and bad == n)


# --------------------------------------------------------------------------- shares


def share_findings(tables: Iterable[TidyTable], roles: Mapping | TableRoles | None = None  # type: ignore[type-arg]
                   ) -> Iterator[Finding]:  # fmt: skip
    given = TableRoles.from_mapping(roles)
    for t in tables:
        r = t.roles if roles is None and t.roles is not None else given
        for d in t.dimensions:
            if not d.is_period:
                yield from _shares_along(t, d, norm(d.name) in r.partitions)


def _shares_along(t: TidyTable, d: Dimension, declared: bool) -> Iterator[Finding]:
    groups: list[tuple[Rest, dict[str, TidyCell]]] = []
    part = {lab: lab != d.total and not is_total(lab) and not SUBTOTAL.search(lab) for lab in d.labels}  # once a label
    for rest, cells in t.groups(d.name):
        shares = {lab: c for lab, c in cells.items() if part.get(lab, False) and c.unit == "percent"
                  and 0 <= c.value <= 100}  # fmt: skip
        if len(shares) >= 2:
            groups.append((rest, shares))
    if not groups:
        return
    order = [lab for lab in d.labels if any(lab in g for _r, g in groups)]
    # candidate wholes: every percentage of the dimension; else a run of neighbouring labels
    # printed in one form ('Success (%)', 'Relapse (%)', ... beside a 'completed_rate'). Not
    # any run: so many runs would sum to about 100 somewhere by chance.
    candidates = [order]
    measures: dict[str, str] = {}
    for _r, g in groups:
        for lab, c in g.items():
            measures.setdefault(lab, c.measure)
        if len(measures) == len(order):  # every label's first cell met
            break
    form = {lab: _form(measures[lab]) for lab in order}
    start = 0
    for k in range(1, len(order) + 1):
        if k == len(order) or form[order[k]] != form[order[start]]:
            if k - start >= 2 and form[order[start]] and k - start < len(order):
                candidates.append(order[start:k])
            start = k
    for run in candidates:
        # rows holding every label of the run whose parts sum to about 100 (summed before the
        # parts are gathered: most rows of a long dimension are far from it)
        rows = [(rest, {lab: g[lab] for lab in run}) for rest, g in groups
                if all(lab in g for lab in run) and 50 <= sum(g[lab].value for lab in run) <= 150]  # fmt: skip
        if not rows:
            continue
        results = [(rest, p, _sum(p.values())) for rest, p in rows]
        holding = [rest for rest, _p, sm in results if _holds(sm, Interval(100.0, 100.0))]
        whole = declared and run is order
        if whole or _established(len(holding), len(results)):
            yield from _share_failures(t, d, results, holding, whole)
            return


@lru_cache(maxsize=1024)
def _form(measure: str) -> str:
    """How a column header prints its unit: '(%)', '%', 'rate', ... ('' when it does not)."""
    m = re.search(r"\((?:%|per ?cent|percent|percentage)\)\s*$|%\s*$|(?:^|_|\s)rate\s*$|\bper ?cent\b|"
                  r"\bpercentage\b|\bproportion\b", measure, re.I)  # fmt: skip
    return m.group(0).strip().lower() if m else ""


def _share_failures(t: TidyTable, d: Dimension, results: list, holding: list[Rest],  # type: ignore[type-arg]
                    declared: bool) -> Iterator[Finding]:  # fmt: skip
    fails_list = [rest for rest, _p, s in results if not _holds(s, Interval(100.0, 100.0))]
    fails = set(fails_list)
    holding_set = set(holding)
    held = [(p, sm) for rest, p, sm in results if rest in holding_set]
    # the parts move from row to row while their sum stays at 100: shares of one whole, not
    # separate rates that happen to add to about 100 (only then can a row prove an error)
    moves = declared or bool(held) and max(
        max(p[lab].value for p, _s in held) - min(p[lab].value for p, _s in held) for lab in held[0][0]
    ) >= 2 * median(sm.width() for _p, sm in held)  # fmt: skip
    for rest, parts, s in results:
        if rest not in fails:
            continue
        miss = max(s.lo - 100.0, 100.0 - s.hi)
        systematic = _systematic(rest, fails_list, [x[0] for x in results])
        severity = "error" if miss > FAR and moves and not systematic else "warning"
        cells = list(parts.values())
        total = sum(c.value for c in cells)
        why = ("declared a partition in table_roles" if declared and not holding else
               f"they sum to 100 within rounding in {len(holding)} of the table's other "
               f"{len(results) - 1} rows ({_examples(holding)})")  # fmt: skip
        yield Finding(
            check="table-shares", severity=severity,
            message=(f"{_where(t)}, {_row_text(rest)}: the shares by {d.name} "
                     f"({' + '.join(c.text for c in cells)}) sum to {fmt_value(total, cells[0].precision)} "
                     f"per cent, {fmt_value(miss)} points beyond what their rounding allows; {why}."),
            expected="100 per cent (within the parts' rounding)",
            found=f"{fmt_value(total, cells[0].precision)} (the parts may stand for {s.show()})",
            interval="sum of the parts' rounding intervals", locations=_locs(*cells),
        )  # fmt: skip


@rule("table-shares")
def shares_of_a_whole_sum_to_100(corpus: Corpus) -> Iterator[Finding]:
    """Shares of one whole sum to 100 per cent within the parts' rounding.

    A table's cells along one dimension (the columns 'Education and training', 'Employment',
    'NEET'; the qualification levels under one background) are shares of one whole when the
    table shows it: they are percentages and, in at least three rows and three in four of the
    table's rows, the sum of their rounding intervals reaches 100 (or `table_roles` declares
    the dimension a partition). Why: a misprinted share, or a category dropped or counted
    twice, breaks the whole; readers add shares up. Tables of separately estimated outcomes
    (rates that happen to add to about 100 but rarely within rounding) are left alone.
    Tolerance: the sum of the parts' intervals must reach 100 (three shares printed to 3 dp
    may sum to 99.9985 .. 100.0015). Beyond that, a row that misses by up to two percentage
    points is a warning: shares estimated separately can miss 100 by that much before any
    rounding (State of the Nation's destinations by ethnicity sum to 99.0 .. 101.6), and
    printed to whole numbers such a table can look like a partition. One that misses by more
    than two points (FAR) is an error: neither rounding nor separate estimation explains it,
    provided the parts vary from row to row by at least twice the sum's rounding (else the
    rows may be separate rates that happen to add to about 100: a warning).
    """
    yield from share_findings(corpus_tables(corpus))


# --------------------------------------------------------------------------- totals


def total_findings(tables: Iterable[TidyTable], roles: Mapping | TableRoles | None = None  # type: ignore[type-arg]
                   ) -> Iterator[Finding]:  # fmt: skip
    given = TableRoles.from_mapping(roles)
    for t in tables:
        r = t.roles if roles is None and t.roles is not None else given
        rows = [d for d in t.dimensions if d.axis == "row"]
        for d in t.dimensions:
            if d.total is None or d.is_period:
                continue
            if rows == [d] and _identity_checks(t, d):
                continue  # the total row of a table's one label column: table-identity checks it
            yield from _totals_along(t, d, r.total_for(d.name) is not None)


def _identity_checks(t: TidyTable, d: Dimension) -> bool:
    """table-identity (pubcheck.rules) already sums the rows of this table's one label column to
    its total row: a typeset-style table of figures whose total row prints every value as a
    figure it reads (thousands separated by commas)."""
    if t.long or t.source is None or t.source.numeric_share() < 0.5 or not is_total(d.total or ""):
        return False
    totals = [c for c in t.cells if c.label(d.name) == d.total]
    return bool(totals) and all(Cell(c.text, 0, 0).is_number for c in totals)


def _totals_along(t: TidyTable, d: Dimension, declared: bool) -> Iterator[Finding]:
    total_label = d.total
    assert total_label is not None
    counts, rates = [], []
    for rest, cells in t.groups(d.name):
        tot = cells.get(total_label)
        if tot is None:
            continue
        parts = {lab: c for lab, c in cells.items() if c.unit == tot.unit
                 and lab != total_label and not is_total(lab) and not SUBTOTAL.search(lab)}  # fmt: skip
        if len(parts) < 2:
            continue
        if DERIVED.search(tot.measure) and tot.unit != "count" or DERIVED.search(_row_text(rest)):
            continue
        if tot.unit == "count":
            counts.append((rest, tot, parts))
        elif tot.unit == "percent" and _holds(tot.bounds, Interval(100.0, 100.0)):
            continue  # the whole of shares down the column (100 per cent): table-shares
        elif tot.unit in ("percent", "rate", "GBP", "number"):
            rates.append((rest, tot, parts))
    yield from _count_totals(t, d, counts, declared)
    yield from _rate_totals(t, d, rates, declared)


def _count_totals(t: TidyTable, d: Dimension, entries: list, declared: bool) -> Iterator[Finding]:  # type: ignore[type-arg]
    by_set: dict[frozenset[str], list] = {}  # type: ignore[type-arg]
    for e in entries:
        by_set.setdefault(frozenset(e[2]), []).append(e)
    for same in by_set.values():
        ok = [e for e in same if _holds(_sum(e[2].values()), e[1].bounds)]
        fails = [e[0] for e in same if e not in ok]
        for rest, tot, parts in same:
            s = _sum(parts.values())
            if _holds(s, tot.bounds):
                continue
            others = [e[0] for e in ok if e[0] != rest]
            n_other = len(same) - 1
            confirmed = declared or _established(len(others), n_other)
            if s.lo > tot.bounds.hi:  # more in the parts than in the total
                severity = "error" if confirmed else ("warning" if n_other == 0 else None)
                if severity == "error" and not declared and _systematic(rest, fails, [e[0] for e in same]):
                    severity = "warning"
                how = "exceed"
            else:  # a shortfall: another part may be missing from the table
                severity = "warning" if confirmed else None
                how = "fall short of"
            if severity is None:
                continue
            pc = list(parts.values())
            exact = sum(c.value for c in pc)
            evidence = (f"; the same parts sum to their total in {len(others)} of the table's other "
                        f"{n_other} rows ({_examples(others)})" if others else "")  # fmt: skip
            yield Finding(
                check="table-totals", severity=severity,
                message=(f"{_where(t)}, {_row_text(rest, (d.name,))}: the {d.name} parts "
                         f"({' + '.join(c.text for c in pc)} = {fmt_value(exact)}) {how} the "
                         f"'{d.total}' {tot.text} beyond their rounding{evidence}."),
                expected=f"{tot.text} (stands for {tot.bounds.show()})",
                found=f"{fmt_value(exact)} (the parts may stand for {s.show()})",
                interval="sum of the parts' rounding intervals against the total's",
                locations=_locs(tot, *pc),
            )  # fmt: skip


def _rate_totals(t: TidyTable, d: Dimension, entries: list, declared: bool) -> Iterator[Finding]:  # type: ignore[type-arg]
    shown = set().union(*(e[2] for e in entries)) if entries else set()
    entries = [e for e in entries if set(e[2]) == shown]  # a part not shown (suppressed) may pull the total out
    def inside(e) -> bool:  # type: ignore[no-untyped-def]
        _rest, tot, parts = e
        rng = Interval(min(c.bounds.lo for c in parts.values()), max(c.bounds.hi for c in parts.values()))
        return _holds(rng, tot.bounds)

    ok = [e[0] for e in entries if inside(e)]
    for e in entries:
        if inside(e):
            continue
        rest, tot, parts = e
        others = [x for x in ok if x != rest]
        if not (declared or len(entries) == 1 or _established(len(others), len(entries) - 1)):
            continue
        pc = list(parts.values())
        lo = min(pc, key=lambda c: c.value)
        hi = max(pc, key=lambda c: c.value)
        evidence = (f"; it lies within them in {len(others)} of the table's other rows "
                    f"({_examples(others)})" if others else "")  # fmt: skip
        yield Finding(
            check="table-totals", severity="warning",
            message=(f"{_where(t)}, {_row_text(rest, (d.name,))}: the '{d.total}' {tot.text} lies "
                     f"outside the range of its parts by {d.name} ({lo.text} to {hi.text}); a total "
                     f"rate or mean is a weighted mean of its parts' (unless a part is not shown)"
                     f"{evidence}."),
            expected=f"between {lo.text} and {hi.text}", found=tot.text,
            interval="the parts' rounding intervals", locations=_locs(tot, lo, hi),
        )  # fmt: skip


@rule("table-totals")
def parts_sum_to_their_total(corpus: Corpus) -> Iterator[Finding]:
    """Parts sum to their total; a total rate lies within its parts' range.

    Along a dimension with a total label ('Total', 'All', 'All pupils'; or one declared in
    `table_roles`), in wide tables and in long ones (a category column holding 'Total',
    grouped by period, measure and every other label).

    Counts: the sum of the parts' intervals meets the total's. An excess of parts over the
    total is an error when the same parts sum to their total in at least three and three in
    four of the table's other rows (a table of one row: a warning, as its parts may be
    subtotals of each other). A shortfall is a warning at most, and only so confirmed: the
    parts listed may not be all of the total's parts (a category shown in some years only).
    Rates and means (a total rate is not a sum): the total lies within the range of its parts'
    intervals, else a warning, since a part not shown may pull it outside. Gaps, changes,
    ratios, confidence limits and bases are not summed. The total row of a typeset table's
    one label column is table-identity's (it sums those rows already, at error level).
    Tolerance: counts printed exactly are exact; a count column rounded to 5 or 10 (every
    value a multiple) and trailing zeros widen the intervals (tidy.TidyCell.bounds).
    """
    yield from total_findings(corpus_tables(corpus))


# --------------------------------------------------------------------------- rates


def _words(label: str) -> tuple[str, ...]:
    toks = re.findall(r"[a-z0-9]+", norm(label))
    return tuple(w[:-1] if len(w) > 3 and w.endswith("s") else w for w in toks)


def _stem(label: str) -> tuple[str, ...]:
    text = RATE_WORDS.sub(" ", norm(label))
    text = re.sub(r"\bper\s+[\d,]+(?:\s+\w+)?", " ", text)
    return _words(text)


def _denominator(labels: Iterable[str]) -> str | None:
    labs = list(labels)
    for word in DENOMINATOR:
        for lab in labs:
            if re.search(rf"\b{re.escape(word)}\b", norm(lab)):
                return lab
    return None


def rate_findings(tables: Iterable[TidyTable], roles: Mapping | TableRoles | None = None  # type: ignore[type-arg]
                  ) -> Iterator[Finding]:  # fmt: skip
    given = TableRoles.from_mapping(roles)
    for t in tables:
        r = t.roles if roles is None and t.roles is not None else given
        for d in t.dimensions:
            if len(d.labels) >= 3 and not d.is_period:
                yield from _rates_along(t, d, r)
        yield from _shares_of_total(t)


def _shares_of_total(t: TidyTable) -> Iterator[Finding]:
    """'Number' and 'Per cent' side by side: the per cent of a row is its count over the total
    row's count. Inferred from the rows (at least three, three in four), so a warning."""
    index = {frozenset(c.labels): c for c in t.cells}
    for m in t.dimensions:
        units: dict[str, set[str]] = {}
        for c in t.cells:
            lab = c.label(m.name)
            if lab is not None:
                units.setdefault(lab, set()).add(c.unit)
        counts = [lab for lab, u in units.items() if u == {"count"}]
        shares = [lab for lab, u in units.items() if u == {"percent"}]
        for e in t.dimensions:
            if e is m or e.total is None or e.is_period:
                continue
            for n in counts:
                for p in shares:
                    yield from _share_of_total(t, index, m, e, n, p)


def _share_of_total(t: TidyTable, index: dict, m: Dimension, e: Dimension, n: str, p: str  # type: ignore[type-arg]
                    ) -> Iterator[Finding]:  # fmt: skip
    rows = []
    for pc in t.cells:
        if pc.label(m.name) != p or pc.label(e.name) in (None, e.total):
            continue
        others = {k: v for k, v in pc.labels}
        nc = index.get(frozenset({**others, m.name: n}.items()))
        tc = index.get(frozenset({**others, m.name: n, e.name: e.total or ""}.items()))
        if nc is None or tc is None or tc.bounds.lo <= 0:
            continue
        ratio = nc.bounds.ratio(tc.bounds).scale(100.0)
        rows.append((pc, nc, tc, ratio, _holds(ratio, pc.bounds)))
    good = [x for x in rows if x[4]]
    bad = [x for x in rows if not x[4]]
    if not bad or len(bad) > 2 or not _established(len(good), len(rows)):
        return
    for pc, nc, tc, ratio, _ok in bad:
        exact = nc.value / tc.value * 100.0
        yield Finding(
            check="table-rates", severity="warning",
            message=(f"{_where(t)}, {pc.describe()}: '{p}' prints {pc.text}, but the row's '{n}' over "
                     f"the '{e.total}' row's is {nc.text} / {tc.text} x 100 = "
                     f"{fmt_value(exact, pc.precision / 10)}; the per cent is the count's share of the "
                     f"total in {len(good)} of the table's {len(rows)} rows "
                     f"({'; '.join(x[0].describe() for x in good[:3])}{'; ...' if len(good) > 3 else ''})."),
            expected=f"{fmt_value(exact, pc.precision / 10)} (any value in {ratio.show(4)})",
            found=f"{pc.text} (stands for {pc.bounds.show(4)})",
            interval=f"{nc.text} -> {nc.bounds.show()}; {tc.text} -> {tc.bounds.show()}",
            locations=_locs(pc, nc, tc),
        )  # fmt: skip


def _rates_along(t: TidyTable, d: Dimension, r: TableRoles) -> Iterator[Finding]:
    groups = t.groups(d.name)
    units: dict[str, set[str]] = {}
    for _rest, cells in groups:
        for lab, c in cells.items():
            units.setdefault(lab, set()).add(c.unit)
    counts = [lab for lab, u in units.items() if u == {"count"}]
    rates = [lab for lab, u in units.items() if u <= {"percent", "rate"} and u]
    relations: list[tuple[str, str, str, float | None, str]] = []  # rate, num, den, per, how
    declared = {norm(x.rate): x for x in r.rates}
    for lab in units:
        role = declared.get(norm(lab))
        if role is not None:
            num = next((c for c in units if norm(c) == norm(role.numerator)), None)
            dd = next((c for c in units if norm(c) == norm(role.denominator)), None)
            if num and dd:
                relations.append((lab, num, dd, role.per, "declared"))
    den = _denominator(counts)
    for rate in rates:
        if den is None or norm(rate) in declared:
            continue
        named = [c for c in counts if c != den and _words(c) == _stem(rate)]
        if len(named) == 1:
            relations.append((rate, named[0], den, None, "named"))
        elif not named:
            for c in counts:
                if c != den:
                    relations.append((rate, c, den, None, "inferred"))
    for rate, num, den_lab, per, how in relations:
        yield from _check_rate(t, groups, rate, num, den_lab, per, how)


def _check_rate(t: TidyTable, groups: list, rate: str, num: str, den: str,  # type: ignore[type-arg]
                per: float | None, how: str) -> Iterator[Finding]:  # fmt: skip
    rows = []
    for rest, cells in groups:
        rc, nc, dc = cells.get(rate), cells.get(num), cells.get(den)
        if rc is None or nc is None or dc is None or dc.bounds.lo <= 0:
            continue
        rows.append((rest, rc, nc, dc))
    if not rows:
        return
    scales = [per] if per else [rows[0][1].per or 100.0]
    if how == "named" and not per:
        scales += [s for s in (100.0, 1000.0, 10000.0, 100000.0) if s not in scales]

    def ok(row, scale: float) -> bool:  # type: ignore[no-untyped-def]
        _rest, rc, nc, dc = row
        return _holds(nc.bounds.ratio(dc.bounds).scale(scale), rc.bounds)

    best = max(scales, key=lambda s: sum(1 for row in rows if ok(row, s)))
    holding = [row for row in rows if ok(row, best)]
    fails = [row for row in rows if not ok(row, best)]
    if how == "inferred":
        if len(holding) < 5 or len(holding) < 0.8 * len(rows) or len(fails) > 2:
            return
        severity = "warning"
    elif how == "named":
        if not _established(len(holding), len(rows)):
            return
        severity = "error"
    else:
        severity = "error"
    fail_rests = [x[0] for x in fails]
    for rest, rc, nc, dc in fails:
        sev = severity
        if sev == "error" and how == "named" and _systematic(rest, fail_rests, [x[0] for x in rows]):
            sev = "warning"
        expect = nc.bounds.ratio(dc.bounds).scale(best)
        exact = nc.value / dc.value * best
        others = [x[0] for x in holding]
        said = {"declared": "declared in table_roles", "named": "named by the headers",
                "inferred": "inferred from the other rows"}[how]  # fmt: skip
        yield Finding(
            check="table-rates", severity=sev,
            message=(f"{_where(t)}, {_row_text(rest)}: '{rate}' prints {rc.text}, but '{num}' / "
                     f"'{den}' x {fmt_value(best)} is {nc.text} / {dc.text} x {fmt_value(best)} = "
                     f"{fmt_value(exact, rc.precision / 10)} (the relation is {said}; it holds within "
                     f"rounding in {len(holding)} of the table's {len(rows)} rows: {_examples(others)})."),
            expected=f"{fmt_value(exact, rc.precision / 10)} (any value in {expect.show(4)})",
            found=f"{rc.text} (stands for {rc.bounds.show(4)})",
            interval=f"{nc.text} -> {nc.bounds.show()}; {dc.text} -> {dc.bounds.show()}",
            locations=_locs(rc, nc, dc),
        )  # fmt: skip


@rule("table-rates")
def rates_follow_from_their_counts(corpus: Corpus) -> Iterator[Finding]:
    """A rate re-derives from the counts of the same table (numerator / denominator x 100).

    A rate 'per 1,000' is x 1,000.

    Which columns (or long-format measures) relate: declared in `table_roles`; or named by the
    headers, a rate whose name is a count's name plus 'rate' (`perm_excl_rate` over
    `perm_excl`) over a denominator named like one (headcount, population, cohort, pupils,
    base, total); or, for a rate no count's name matches, inferred from the figures when it
    equals one count over the denominator in at least five rows and four in five, failing in
    one or two. Why: a rate
    recomputed by hand, or from a revised count, drifts from the counts printed beside it.
    Tolerance: the quotient of the counts' intervals (exact counts, or rounded to 5 or 10 when
    the column is) must meet the rate's interval. A failure is an error when the relation is
    declared, or named and holding in at least three and three in four of the table's rows
    (the scale, 100 or 1,000..., is the one that holds in most rows); a warning when inferred.
    Also a share of the total: a 'Per cent' beside a 'Number' is the row's count over the
    total row's, when that holds in at least three rows and three in four (a warning).
    """
    yield from rate_findings(corpus_tables(corpus))


# --------------------------------------------------------------------------- outliers


def outlier_findings(tables: Iterable[TidyTable]) -> Iterator[Finding]:
    for t in tables:
        seen: set[frozenset[tuple[str, int, int]]] = set()
        for d in t.dimensions:
            if 3 <= len(d.labels) <= 40:
                for f, key in _outliers_along(t, d):
                    if key not in seen:
                        seen.add(key)
                        yield f


def _outliers_along(t: TidyTable, d: Dimension) -> Iterator[tuple[Finding, frozenset]]:  # type: ignore[type-arg]
    groups = t.groups(d.name)
    labels = [lab for lab in d.labels if not SUBTOTAL.search(lab) and not GAP.search(lab)]
    for x, y in combinations(labels, 2):  # (a named gap is table-identity's)
        for z in labels:
            if z in (x, y) or (z == d.total and {x, y} == set(labels) - {z}):
                continue  # the parts and their named total: table-totals
            yield from _identity(t, groups, z, (x, y))
    if d.total is None and len(labels) >= 4:
        for z in labels:  # one label the sum of all the others: a total the labels do not name
            yield from _identity(t, groups, z, tuple(lab for lab in labels if lab != z))


def _identity(t: TidyTable, groups: list, z: str, parts: tuple[str, ...]  # type: ignore[type-arg]
              ) -> Iterator[tuple[Finding, frozenset]]:  # type: ignore[type-arg]  # fmt: skip
    obs = []
    failed = 0
    for rest, cells in groups:
        c = cells.get(z)
        ps = [cells.get(x) for x in parts]
        if c is None or any(p is None for p in ps):
            continue
        pc = [p for p in ps if p is not None]
        if any(p.unit != c.unit for p in pc):
            return  # units are a column's: parts of another unit do not add up in any row
        ok = _holds(_sum(pc), c.bounds)
        failed += not ok
        if failed > 2:
            return  # fails in more than two rows: not an identity with an outlier (stop reading)
        obs.append((rest, pc, c, ok))
    if len(obs) < 5:
        return
    good = [o for o in obs if o[3]]
    bad = [o for o in obs if not o[3]]
    if not 1 <= len(bad) <= 2 or len(good) < 4 or len(good) < ESTABLISHED * len(obs):
        return
    widths = [(sum(p.bounds.width() for p in o[1]) + o[2].bounds.width()) / max(abs(o[2].value), 1e-9)
              for o in good]  # fmt: skip
    small = [min(abs(p.value) for p in o[1]) / max(abs(o[2].value), 1e-9) for o in good]
    if median(widths) > 0.02 or (len(parts) == 2 and median(small) < 0.05):
        return  # holds by the width of the rounding, or because one term is about 0
    spread = max(o[2].value for o in good) - min(o[2].value for o in good)
    if spread < 5 * median(sum(p.bounds.width() for p in o[1]) + o[2].bounds.width() for o in good):
        return  # the figures barely move from row to row: one coincidence, not four
    name = " + ".join(f"'{x}'" for x in parts) if len(parts) <= 3 else "the sum of the others"
    for rest, pc, c, _ok in bad:
        step = min(p.precision for p in pc)
        total = sum(p.value for p in pc)
        key = frozenset((x.location.document, x.line, x.col) for x in (c, *pc))
        yield Finding(
            check="table-outlier", severity="warning",
            message=(f"{_where(t)}, {_row_text(rest)}: '{z}' = {name} holds within rounding in "
                     f"{len(good)} of the table's {len(obs)} rows ({_examples([o[0] for o in good])}) "
                     f"but not here: {' + '.join(p.text for p in pc)} = {fmt_value(total, step)}, "
                     f"printed {c.text}."),
            expected=f"{fmt_value(total, step)} (any value in {_sum(pc).show()})",
            found=f"{c.text} (stands for {c.bounds.show()})",
            interval="sum of the cells' rounding intervals", locations=_locs(c, *pc),
        ), key  # fmt: skip


@rule("table-outlier")
def identity_holds_in_every_row(corpus: Corpus) -> Iterator[Finding]:
    """An identity that holds in every other row of a table holds in this one too.

    Found from the figures alone: one label of a dimension equals the sum of two others
    (equivalently, one is the difference of two: 'first or higher degree' = 'first degree' +
    'higher degree'; '2024' = '2023' + 'change'), or of all the others (a total the labels do
    not name: 'United Kingdom' over its countries) within rounding in at least four rows and
    three in four of the table's rows, and fails in one or two. The rows where it holds are
    the evidence, named in the message. Why: a single misprinted or stale cell shows as the
    one row where the table's own arithmetic breaks. Not counted: identities that hold only by
    the width of the rounding (the intervals together wider than 2% of the value: whole numbers
    under 150 hold many identities by chance), or that barely move from row to row (the third
    term varies by less than five times that width: one coincidence repeated), or because one
    term is about zero; parts and
    their named total (table-totals) and named gaps (table-identity). Tolerance: the sum of
    the cells' intervals must meet the third's.
    Always a warning: the identity is inferred, not named by the table.
    """
    yield from outlier_findings(corpus_tables(corpus))
