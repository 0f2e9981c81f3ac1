"""The publication rules. Each is general: it knows relations between figures (a gap is a
difference of two rows; a rate and its complement sum to 100), never their values.

Every comparison treats a printed figure as the interval it could have been rounded from
(half-open: 39 is [38.5, 39.5)), so figures consistent within rounding never fail.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator

from pubcheck.engine import Corpus, locs, rule
from pubcheck.extract import Extraction
from pubcheck.model import Figure, Finding, Interval, Location
from pubcheck.numbers import fmt_value
from pubcheck.periods import period_sort_key
from pubcheck.tables import Table


def _show(f: Figure) -> str:
    return f"{f.text.strip()} ({f.location.label()})"


def _iv(iv: Interval) -> str:
    return iv.show()


def _unit_word(unit: str) -> str:
    return {"percent": "per cent", "percentage_points": "percentage points", "GBP": "GBP"}.get(
        unit, ""
    )


# --------------------------------------------------------------------------- tables


def _table_cells(ex: Extraction, t: Table) -> list[Figure]:
    return [f for f in ex.figures if f.kind == "cell" and f.table == t.id
            and t.first_line <= f.line <= t.last_line]  # fmt: skip


def _matches(pats, text: str) -> bool:  # type: ignore[no-untyped-def]
    return any(p.search(text) for p in pats)


@rule("table-identity")
def gap_equals_difference(corpus: Corpus) -> Iterator[Finding]:
    """Table identities hold within rounding.

    - A gap row equals the minuend row minus the subtrahend row in every column (the FSM
      attainment gap is all other pupils minus FSM pupils; GLOSSARY, Outcomes Framework
      Tables 3-4).
    - Count columns: the part rows sum to the total row.
    - Percentage columns: the total row lies within the range of its parts (a total rate
      is a weighted mean of the part rates).
    Tolerance: interval arithmetic on the printed values' rounding intervals.
    Tables of indicators that declare these invariants in schemas/indicators.py are checked
    by those Pandera schemas instead (the invariant lives in one place).
    """
    from pubcheck.invariants import scraped_findings
    from schemas.indicators import INVARIANTS

    r = corpus.rules
    yield from scraped_findings(list(corpus.cells()))
    for ex in corpus.extractions:
        for t in ex.tables:
            cells = _table_cells(ex, t)
            if not cells:
                continue
            inds = {c.key.indicator for c in cells}
            gap_declared = bool(inds & set(INVARIANTS["gap"]))
            base_declared = bool(inds & set(INVARIANTS["base"]))
            by_row: dict[str, dict[str, Figure]] = defaultdict(dict)
            for c in cells:
                by_row[c.row or ""][c.column or ""] = c
            labels = list(by_row)
            gaps = [lab for lab in labels if _matches(r.gap_rows, lab)]
            for gap in [] if gap_declared else gaps:
                others = [lab for lab in labels if lab != gap]
                minu = [lab for lab in others if _matches(r.gap_minuend, lab)]
                subt = [lab for lab in others if _matches(r.gap_subtrahend, lab) and lab not in minu]
                if len(minu) != 1 or len(subt) != 1:
                    continue
                for col, g in by_row[gap].items():
                    a, b = by_row[minu[0]].get(col), by_row[subt[0]].get(col)
                    if a is None or b is None:
                        continue
                    diff = a.interval - b.interval
                    if not diff.overlaps(g.interval):
                        yield Finding(
                            check="table-identity", severity="error",
                            message=(f"{t.id}, {col or 'value'}: the '{gap}' row should equal "
                                     f"'{minu[0]}' minus '{subt[0]}' ({a.text} - {b.text} = "
                                     f"{fmt_value(a.value - b.value, g.precision)}), but prints "
                                     f"{g.text}."),
                            expected=f"{fmt_value(a.value - b.value, g.precision)} (any value in {_iv(diff)})",
                            found=f"{g.text} (stands for {_iv(g.interval)})",
                            interval=f"{a.text} -> {_iv(a.interval)}; {b.text} -> {_iv(b.interval)}",
                            locations=locs(g, a, b),
                        )  # fmt: skip
            totals = [lab for lab in labels if _matches(r.total_rows, lab)]
            if len(totals) != 1:
                continue
            total = totals[0]
            parts = [lab for lab in labels if lab != total and lab not in gaps]
            if len(parts) < 2:
                continue
            for col, tot in by_row[total].items():
                part_cells = [by_row[p].get(col) for p in parts]
                if any(p is None for p in part_cells):
                    continue
                pc = [p for p in part_cells if p is not None]
                if tot.unit == "count" and base_declared and tot.key.measure == "sample_size":
                    continue  # declared: schemas/indicators.py BaseTable
                if tot.unit == "count":
                    s = pc[0].interval
                    for p in pc[1:]:
                        s = s + p.interval
                    if not s.overlaps(tot.interval):
                        yield Finding(
                            check="table-identity", severity="error",
                            message=(f"{t.id}, {col}: the parts ({' + '.join(p.text for p in pc)}) "
                                     f"sum to {fmt_value(sum(p.value for p in pc))}, but the "
                                     f"'{total}' row prints {tot.text}."),
                            expected=f"{fmt_value(sum(p.value for p in pc))} (any value in {_iv(s)})",
                            found=tot.text, interval=f"sum of parts {_iv(s)}",
                            locations=locs(tot, *pc),
                        )  # fmt: skip
                elif tot.unit == "percent" and not (tot.interval.contains(100.0) and all(p.value < 100 for p in pc)):
                    # (a total printing 100 is the whole of shares, not a weighted mean of rates)
                    lo = min(p.interval.lo for p in pc)
                    hi = max(p.interval.hi for p in pc)
                    rng = Interval(lo, hi)
                    if not rng.overlaps(tot.interval):
                        yield Finding(
                            check="table-identity", severity="error",
                            message=(f"{t.id}, {col}: the '{total}' rate {tot.text} lies outside "
                                     f"the range of its parts ({', '.join(p.text for p in pc)}); "
                                     "a total rate is a weighted mean of its parts."),
                            expected=(f"between {min(pc, key=lambda p: p.value).text} and "
                                      f"{max(pc, key=lambda p: p.value).text}"),
                            found=tot.text, interval=f"parts span {_iv(rng)}",
                            locations=locs(tot, *pc),
                        )  # fmt: skip


BASE_LINE = re.compile(r"^\s*Base:\s*([\d,]+)\b(.*)$", re.I)


@rule("base-mismatch")
def bases_agree(corpus: Corpus) -> Iterator[Finding]:
    """Bases agree: a 'Base: N' line equals the total of the sample-size column of the
    table it introduces, and a sub-table (the same rows broken down by more columns) has
    no row or base larger than its parent's. Counts of people are exact: no tolerance
    beyond the rounding their printed form allows.
    """
    r = corpus.rules
    for ex in corpus.extractions:
        lines = ex.document.lines
        numeric = [t for t in ex.tables if _table_cells(ex, t)]
        prev_end = 0
        samples: dict[str, dict[str, Figure]] = {}
        for t in numeric:
            cells = _table_cells(ex, t)
            samp = {c.row or "": c for c in cells if _matches(r.sample_columns, c.column or "")}
            total = next((c for lab, c in samp.items() if _matches(r.total_rows, lab)), None)
            for i in range(prev_end, t.first_line - 1):
                m = BASE_LINE.match(lines[i])
                if not m or total is None:
                    continue
                base = float(m.group(1).replace(",", ""))
                if abs(base - total.value) > 0.5:
                    yield Finding(
                        check="base-mismatch", severity="error",
                        message=(f"'Base: {m.group(1)}' (line {i + 1}) introduces {t.id}, whose "
                                 f"'{total.row}' sample size is {total.text}."),
                        expected=total.text, found=m.group(1), interval="exact counts",
                        locations=(ex.document.place(Location(ex.document.path, i + 1, lines[i].strip())),
                                   total.location),
                    )  # fmt: skip
            prev_end = t.last_line
            if samp:
                samples[t.id] = samp
                t_cols = {c.column for c in cells if c.unit != "count"}
                for parent_id, psamp in samples.items():
                    if parent_id == t.id:
                        continue
                    parent = next(x for x in numeric if x.id == parent_id)
                    p_cols = {c.column for c in _table_cells(ex, parent) if c.unit != "count"}
                    if not (len(t_cols) > len(p_cols) and set(psamp) == set(samp)):
                        continue
                    for lab, c in samp.items():
                        pc = psamp[lab]
                        if c.value > pc.value + 0.5:
                            yield Finding(
                                check="base-mismatch", severity="error",
                                message=(f"{t.id} breaks {parent_id} down further, but its "
                                         f"'{lab}' base {c.text} is larger than the parent's "
                                         f"{pc.text}: a sub-table cannot have more cases."),
                                expected=f"at most {pc.text}", found=c.text,
                                interval="exact counts", locations=locs(c, pc),
                            )  # fmt: skip


# --------------------------------------------------------------------------- text rules

CONTINUES = re.compile(r"^(this|that|which|these|it)\b", re.I)


@rule("count-percentage")
def percentage_follows_from_counts(corpus: Corpus) -> Iterator[Finding]:
    """A percentage stated as following from counts ('Of the 86,000 ... 33,000 ... This
    represents 39 per cent'; 'more than 40 per cent (290)') must be reachable from the
    counts given their rounding: a count with trailing zeros or a qualifier stands for an
    interval (86,000 may be 85,500..86,499), and so does the ratio of two such counts.
    """
    for ex in corpus.extractions:
        by_line: dict[int, list[Figure]] = defaultdict(list)
        for f in ex.figures:
            if f.kind != "cell":
                by_line[f.line].append(f)
        for figs in by_line.values():
            for i, p in enumerate(figs):
                if p.unit != "percent" or p.kind != "number":
                    continue
                nxt = figs[i + 1] if i + 1 < len(figs) else None
                paren = None
                if nxt is not None and nxt.unit == "count":
                    between = _between(ex, p, nxt)
                    if re.fullmatch(r"\s*\(\s*", between or ""):
                        paren = nxt
                if paren is None and not CONTINUES.match(p.sentence):
                    continue
                before = [f for f in figs[:i] if f.unit == "count" and f.kind == "number"]
                if paren is not None:
                    part = paren
                    wholes = [f for f in before if f.value > part.value]
                else:
                    if len(before) < 2:
                        continue
                    part = before[-1]
                    wholes = [f for f in before[:-1] if f.value > part.value]
                if not wholes:
                    continue
                whole = wholes[-1]
                if p.key.indicator and (part.key.indicator or whole.key.indicator):
                    # linked figures: the rate must be declared as part / whole (linking.toml)
                    triple = (p.key.measure, part.key.measure, whole.key.measure)
                    if triple not in corpus.rules.ratios:
                        continue
                ratio = part.interval.ratio(whole.interval).scale(100.0)
                if not ratio.overlaps(p.interval):
                    exact = 100.0 * part.value / whole.value
                    yield Finding(
                        check="count-percentage", severity="error",
                        message=(f"{p.text} should follow from {part.text} out of {whole.text} "
                                 f"({exact:.1f} per cent), but no values the counts may stand for "
                                 f"give it."),
                        expected=f"a percentage in {_iv(ratio)}",
                        found=f"{p.text} (stands for {_iv(p.interval)})",
                        interval=(f"{part.text} -> {_iv(part.interval)}; "
                                  f"{whole.text} -> {_iv(whole.interval)}"),
                        locations=locs(p, part, whole),
                    )  # fmt: skip


def _between(ex: Extraction, a: Figure, b: Figure) -> str | None:
    line = ex.document.lines[a.line - 1] if a.line - 1 < len(ex.document.lines) else ""
    if a.line != b.line:
        return None
    return line[a.span[1] : b.span[0]]


@rule("inverse-rate")
def complements_sum_to_100(corpus: Corpus) -> Iterator[Finding]:
    """A rate and its complement for the same population and period (who re-offend / who
    do not re-offend) sum to 100 within rounding, within and across documents. The
    Outcomes Framework prints indicator 6 as the inverse of MoJ's re-offending rate.
    """
    comps = corpus.rules.complements
    rates = [f for f in corpus.figures if f.unit == "percent" and f.kind in ("number", "cell")
             and f.key.indicator and f.key.measure in comps and not f.controlled]  # fmt: skip
    seen = set()
    for a in rates:
        ka = corpus.resolved(a)
        for b in rates:
            if b is a or b.key.measure != comps[a.key.measure]:
                continue
            kb = corpus.resolved(b)
            if kb.indicator != ka.indicator or kb.breakdown != ka.breakdown or kb.period != ka.period:
                continue
            pair = frozenset((id(a), id(b)))
            if pair in seen:
                continue
            seen.add(pair)
            s = a.interval + b.interval
            if not s.overlaps(Interval(100.0, 100.0)):
                yield Finding(
                    check="inverse-rate", severity="error",
                    message=(f"{a.text} ({a.key.measure}) and {b.text} ({b.key.measure}) describe "
                             f"the same population and period ({corpus.describe(ka)}) and should sum "
                             f"to 100; they sum to {fmt_value(a.value + b.value, 0.1)}."),
                    expected="100", found=fmt_value(a.value + b.value, 0.1),
                    interval=f"sum may be {_iv(s)}", locations=locs(a, b),
                )  # fmt: skip


@rule("prose-table")
def prose_agrees_with_table(corpus: Corpus) -> Iterator[Finding]:
    """Figures quoted in prose agree with the table of the same document that holds the
    same indicator, breakdown and period; changes quoted in prose ('a 0.5 percentage point
    increase in relation to ...', 'a rise of 2.1 percentage points since 2000', 'fell by 8.0
    per cent from 0.90 to 0.83') agree with the table rows they compare. A prose figure that
    matches the table only under another period label is a warning (period label does not
    match). Figures 'after controlling for' other factors are not compared with raw tables.
    """
    for f in corpus.figures:
        if f.kind == "change" and f.low is not None and f.high is not None:
            yield from _check_change(corpus, f, f.key)  # self-contained: 'from A to B'
            continue
        if f.kind == "cell" or f.controlled or not f.key.indicator:
            continue
        key = corpus.resolved(f)
        if f.kind == "change":
            yield from _check_change(corpus, f, key)
            continue
        if f.kind != "number" or f.unit not in ("percent",):
            continue
        same = corpus.lookup(key, f.unit, document=f.document, cells_only=True)
        if same:
            bad = [c for c in same if not c.interval.overlaps(f.interval)]
            if bad and len(bad) == len(same):
                c = bad[0]
                yield _disagrees(f, c, f"The text quotes {f.text} for {corpus.describe(key)}, but {c.table} "
                                       f"prints {c.text} for the same row and column.")  # fmt: skip
            continue
        # no cell under this period: does the table hold the value under another label?
        if key.period is None:
            continue
        others = [c for c in corpus.cells(f.document) if c.unit == f.unit
                  and c.key.with_(period=None) == key.with_(period=None)]  # fmt: skip
        if not others:
            continue
        hits = [c for c in others if c.interval.overlaps(f.interval)]
        year = period_sort_key(key.period)[0]
        same_year = [c for c in others if c.key.period and period_sort_key(c.key.period)[0] == year]
        if not hits and same_year:
            c = same_year[-1]
            yield _disagrees(f, c, f"The text gives {f.text} for '{key.period}'; {c.table} has no row labelled "
                                   f"so, and the row ending in that year ('{c.row}') prints {c.text}.")  # fmt: skip
        if hits:
            c = hits[-1]
            yield Finding(
                check="prose-table", severity="warning",
                message=(f"The text dates {f.text} to '{key.period}', but {c.table} prints this "
                         f"value for '{c.row}' and has no row for '{key.period}': the period "
                         "label does not match."),
                expected=f"period {c.key.period}", found=f"period {key.period}",
                interval=None, locations=locs(f, c),
            )  # fmt: skip


def _disagrees(f: Figure, c: Figure, message: str) -> Finding:
    """A prose figure whose interval does not meet the table cell's."""
    return Finding(
        check="prose-table", severity="error", message=message,
        expected=f"{c.text} (any value in {_iv(c.interval)})", found=f"{f.text} (stands for {_iv(f.interval)})",
        interval=f"{_iv(f.interval)} vs {_iv(c.interval)}", locations=locs(f, c),
    )  # fmt: skip


def _check_change(corpus: Corpus, f: Figure, key) -> Iterator[Finding]:  # type: ignore[no-untyped-def]
    sign = f.direction or 1
    printed = f.interval.scale(sign)
    if f.low is not None and f.high is not None and f.relative:
        step = f.endpoint_step or 1.0
        lo_iv = Interval(f.low - step / 2, f.low + step / 2)
        hi_iv = Interval(f.high - step / 2, f.high + step / 2)
        rel = (hi_iv - lo_iv).ratio(lo_iv).scale(100.0)
        if not rel.overlaps(printed):
            exact = 100.0 * (f.high - f.low) / f.low
            yield Finding(
                check="prose-table", severity="error",
                message=(f"'{f.text}' from {f.low:g} to {f.high:g} should be a change of "
                         f"{exact:+.1f} per cent."),
                expected=f"{exact:+.1f} per cent (any value in {_iv(rel)})",
                found=f"{'+' if sign > 0 else '-'}{f.text}", interval=_iv(rel), locations=locs(f),
            )  # fmt: skip
        return
    if not f.base_period and f.direction:
        yield from _check_group_difference(corpus, f)
        return
    if not f.base_period or f.base_period == "previous" or key.period is None:
        return
    unit = "percent"
    cur = corpus.lookup(key.with_(measure=key.measure), unit, document=f.document)
    base = corpus.lookup(key.with_(period=f.base_period), unit, document=f.document)
    cur = [c for c in cur if c.kind == "cell"] or cur
    base = [c for c in base if c.kind == "cell"] or base
    if not cur or not base:
        return
    c, b = cur[0], base[0]
    yield from _change_findings(
        f, c, b, f"from {f.base_period} ({b.text}) to {key.period} ({c.text})"
    )


def _change_findings(f: Figure, cur: Figure, base: Figure, between: str) -> Iterator[Finding]:
    """Compare a printed change with cur - base: in points, or relative to base when the
    change is printed 'per cent'. A per-cent change that only fits as points is a
    unit-mismatch warning; one that fits neither is a prose-table error."""
    sign = f.direction or 1
    printed = f.interval.scale(sign)
    points = cur.interval - base.interval
    expect = points.ratio(base.interval).scale(100.0) if f.relative else points
    if expect.overlaps(printed):
        return
    if f.relative and points.overlaps(printed):
        yield Finding(
            check="unit-mismatch", severity="warning",
            message=(f"'{f.text}' is the difference of two percentages ({cur.text} - {base.text}) "
                     "in percentage points, but is printed as per cent (a relative change)."),
            expected=f"{fmt_value(cur.value - base.value, 0.1)} percentage points",
            found=f.text, interval=_iv(points), locations=locs(f, cur, base),
        )  # fmt: skip
        return
    word = "per cent" if f.relative else "percentage points"
    exact = (cur.value - base.value) / base.value * 100.0 if f.relative else cur.value - base.value
    signed = f"{'+' if sign > 0 else '-'}{fmt_value(f.value, f.precision)} {word}"
    yield Finding(
        check="prose-table", severity="error",
        message=(f"The text gives a change of {signed} {between}, but those figures make a "
                 f"change of {exact:+.1f} {word}."),
        expected=f"{exact:+.1f} {word} (any value in {_iv(expect)})", found=signed,
        interval=f"{cur.text} -> {_iv(cur.interval)}; {base.text} -> {_iv(base.interval)}",
        locations=locs(f, cur, base),
    )  # fmt: skip


@rule("cross-document")
def same_figure_agrees_across_documents(corpus: Corpus) -> Iterator[Finding]:
    """The same indicator, measure, breakdown and period quoted in several documents
    agrees within rounding: their intervals overlap (not string equality). One finding
    names the figure that disagrees and every figure it disagrees with. Two quotes of the
    same figure in one document (a key-findings table and the body) are held to the same
    standard and reported as prose-table.
    """
    groups: dict[tuple, list[Figure]] = defaultdict(list)
    for f in corpus.figures:
        if not f.key.indicator or f.controlled or f.kind not in ("number", "cell"):
            continue
        if f.unit not in ("percent", "count", "GBP"):
            continue
        k = corpus.resolved(f)
        if k.measure in ("sample_size",):
            continue
        ind = corpus.rules.indicator(k.indicator or "")
        if f.unit == "count" and f.kind != "cell" and (ind is None or k.measure == ind.measure):
            continue  # a count whose measure is only the indicator's default: its role is unknown
        if k.period is None and (f.unit != "percent" or corpus.has_periods(k.indicator)):
            continue  # an undated count, or an undated rate of an indicator quoted by period
        groups[(k, f.unit)].append(f)
    for (k, _unit), figs in groups.items():
        if len(figs) < 2:
            continue
        conflicts: dict[int, list[Figure]] = defaultdict(list)
        for a in figs:
            for b in figs:
                if a is b or (a.document, a.line) == (b.document, b.line):
                    continue
                if a.kind == "cell" and b.kind == "cell":
                    continue
                if a.document == b.document and (a.kind == "cell" or b.kind == "cell"):
                    continue  # prose against its own table: the prose-table rule
                if not a.interval.overlaps(b.interval):
                    conflicts[id(a)].append(b)
        done: set[tuple[int, int]] = set()
        for a in sorted(figs, key=lambda x: (-len(conflicts[id(x)]), x.document, x.line)):
            todo = [b for b in conflicts[id(a)] if (id(a), id(b)) not in done]
            if not todo:
                continue
            for b in todo:
                done.add((id(a), id(b)))
                done.add((id(b), id(a)))
            others = ", ".join(f"{b.text} at {b.location.label()}" for b in todo)
            same_doc = all(b.document == a.document for b in todo)
            yield Finding(
                check="prose-table" if same_doc else "cross-document", severity="error",
                message=(f"{corpus.describe(k)}: {a.text} at {a.location.label()} disagrees with "
                         f"{others}{' in the same document' if same_doc else ''}; "
                         "the same figure cannot be both."),
                expected=" or ".join(sorted({f"{b.text} ({_iv(b.interval)})" for b in todo})),
                found=f"{a.text} ({_iv(a.interval)})",
                interval="intervals do not overlap", locations=locs(a, *todo),
            )  # fmt: skip


@rule("verbal-quantifier")
def quantifier_matches_figure(corpus: Corpus) -> Iterator[Finding]:
    """A verbal quantifier ('nearly half', 'two-fifths', 'over a third', 'twice as likely',
    '1 in 6') agrees with the figure it describes: the figure in brackets after it, the
    counts it relates ('N - two-fifths of the M'), or the table figure of the same
    indicator, breakdown and period. Accepted ranges: checks/quantifiers.toml.
    """
    for ex in corpus.extractions:
        figs = [f for f in ex.figures if f.kind != "cell"]
        for i, v in enumerate(figs):
            if v.kind not in ("verbal", "ratio"):
                continue
            nxt = figs[i + 1] if i + 1 < len(figs) else None
            between = _between(ex, v, nxt) if nxt is not None else None
            target: list[Figure] = []
            found_iv: Interval | None = None
            how = ""
            if v.kind == "verbal" and nxt is not None and between is not None and re.fullmatch(
                r"\s*(?:\(|–|-|—|,)?\s*", between) and nxt.unit == "percent" and nxt.kind == "number":  # fmt: skip
                target, found_iv, how = [nxt], nxt.interval, f"the figure beside it, {nxt.text}"
            elif v.kind == "verbal" and nxt is not None and between is not None and re.fullmatch(
                    r"\s*of\s+(?:the\s+)?", between) and nxt.unit == "count":  # fmt: skip
                parts = [f for f in figs[:i] if f.line == v.line and f.unit == "count"
                         and f.value < nxt.value and v.span[0] - f.span[1] < 40]  # fmt: skip
                if parts:
                    part = parts[-1]
                    found_iv = part.interval.ratio(nxt.interval).scale(100.0)
                    target, how = [part, nxt], f"{part.text} out of {nxt.text}"
            elif v.key.indicator and v.kind == "verbal":
                k = corpus.resolved(v)
                cands = corpus.lookup(k, "percent", cells_only=True) or corpus.lookup(k, "percent")
                if cands:
                    target, found_iv, how = [cands[0]], cands[0].interval, f"{cands[0].text}"
            elif v.kind == "ratio" and v.key.indicator:
                yield from _ratio_check(corpus, v)
                continue
            if found_iv is None or not target:
                continue
            if not found_iv.overlaps(v.interval):
                q = f"{v.qualifier} " if v.qualifier else ""
                yield Finding(
                    check="verbal-quantifier", severity="error",
                    message=(f"'{q}{v.text}' describes {how}, which is outside the range "
                             f"accepted for '{q}{v.text}'."),
                    expected=f"a value in {_iv(v.interval)} for '{q}{v.text}'",
                    found=f"{_iv(found_iv)} per cent",
                    interval="accepted ranges: checks/quantifiers.toml",
                    locations=locs(v, *target),
                )  # fmt: skip


def _ratio_check(corpus: Corpus, v: Figure) -> Iterator[Finding]:
    """'twice as likely ... as': the rate of the named breakdown over the other one."""
    k = corpus.resolved(v)
    if not k.breakdown:
        return
    dims = dict(k.breakdown)
    for dname, val in dims.items():
        dim = corpus.rules.dimensions.get(dname)
        if dim is None:
            continue
        other_vals = [name for name, _ in dim.values if name not in (val, "all")]
        for ov in other_vals:
            base = dict(dims)
            num_k = [c for c in corpus.cells() if c.unit == "percent"
                     and c.key.indicator == k.indicator and dict(c.key.breakdown).get(dname) == val]  # fmt: skip
            den_k = [c for c in corpus.cells() if c.unit == "percent"
                     and c.key.indicator == k.indicator and dict(c.key.breakdown).get(dname) == ov]  # fmt: skip
            a, b = _like_for_like(num_k, dname, base), _like_for_like(den_k, dname, base)
            if a is None or b is None:
                continue
            ratio = a.interval.ratio(b.interval)
            if not ratio.overlaps(v.interval):
                yield Finding(
                    check="verbal-quantifier", severity="error",
                    message=(f"'{v.text}' compares {a.text} ({a.row}, {a.column}) with {b.text} "
                             f"({b.row}, {b.column}): a ratio of {a.value / b.value:.2f}."),
                    expected=f"a ratio in {_iv(v.interval)}", found=f"{_iv(ratio)}",
                    interval="accepted ranges: checks/quantifiers.toml", locations=locs(v, a, b),
                )  # fmt: skip
            return


def _like_for_like(cells: list[Figure], dname: str, want_dims: dict[str, str]) -> Figure | None:
    """The cell matching the stated dimensions, and the 'all' row of any unstated one."""
    want = {d: x for d, x in want_dims.items() if d != dname}
    for c in cells:
        rest = {d: x for d, x in c.key.breakdown if d != dname}
        if all(rest.get(d) == x for d, x in want.items()) and all(
            x == "all" for d, x in rest.items() if d not in want
        ):
            return c
    return None


MISSING = re.compile(r"missing|no (?:data|answer|response)|not (?:answer|respond)|non-?response",
                     re.I)  # fmt: skip


@rule("missing-bounds")
def range_as_wide_as_missing_share(corpus: Corpus) -> Iterator[Finding]:
    """A range built from best and worst assumptions about missing answers (low: every
    missing answer is 'happy'; high: every one is 'unhappy') is exactly as wide as the
    stated missing share. The share is read from the range's footnote or sentence.
    """
    for ex in corpus.extractions:
        lines = ex.document.lines
        for f in ex.figures:
            if f.kind != "range" or f.low is None or f.high is None:
                continue
            sources: list[int] = [ex.footnotes[n] for n in f.footnotes if n in ex.footnotes]
            texts = [(n, lines[n - 1]) for n in sources]
            texts.append((f.line, f.sentence))
            for lineno, text in texts:
                if not MISSING.search(text):
                    continue
                shares = [g for g in ex.figures if g.line == lineno and g.unit == "percent"
                          and g.kind == "number" and g is not f]  # fmt: skip
                if not shares:
                    continue
                share = shares[0]
                step = f.precision
                lo = Interval(f.low - step / 2, f.low + step / 2)
                hi = Interval(f.high - step / 2, f.high + step / 2)
                width = hi - lo
                if not width.overlaps(share.interval):
                    yield Finding(
                        check="missing-bounds", severity="error",
                        message=(f"The range {f.text} is {fmt_value(f.high - f.low)} points wide, "
                                 f"but it is built from assumptions about the {share.text} with "
                                 f"missing answers, so it should be {share.text.split()[0]} points wide."),
                        expected=f"width {share.text.split()[0]} points (any value in {_iv(share.interval)})",
                        found=f"width {fmt_value(f.high - f.low)} points (any value in {_iv(width)})",
                        interval=f"low {_iv(lo)}, high {_iv(hi)}", locations=locs(f, share),
                    )  # fmt: skip
                break


GAP_WORD = re.compile(r"\bgap\b|\bdifference\b", re.I)


@rule("unit-mismatch")
def differences_in_points(corpus: Corpus) -> Iterator[Finding]:
    """A difference between two percentages is in percentage points; printing it as 'per
    cent' or '%' is a warning (GLOSSARY: the FSM gap is properly in percentage points).
    Table gap rows are reported once per row; prose figures named as a gap once each.
    """
    r = corpus.rules
    rows: dict[tuple[str, int], list[Figure]] = defaultdict(list)
    for f in corpus.figures:
        if f.unit != "percent":
            continue
        if f.kind == "cell":
            if f.row and _matches(r.gap_rows, f.row) and "%" in f.text:
                rows[(f.document, f.line)].append(f)
            continue
        if f.kind != "number":
            continue
        is_gap = dict(f.key.breakdown).get("group") == "gap"
        window = f.sentence
        if is_gap or (GAP_WORD.search(window) and _gap_near(f)):
            yield Finding(
                check="unit-mismatch", severity="warning",
                message=(f"{f.text} is a gap between two percentages and should be in "
                         "percentage points, not per cent."),
                expected=f"{fmt_value(f.value, f.precision)} percentage points",
                found=f.text, interval=None, locations=locs(f),
            )  # fmt: skip
    for (_doc, _line), cells in rows.items():
        c = cells[0]
        yield Finding(
            check="unit-mismatch", severity="warning",
            message=(f"{c.table}: the '{c.row}' row is a difference of two percentages but is "
                     f"printed with '%' ({', '.join(x.text for x in cells)}); it is in "
                     "percentage points."),
            expected="percentage points", found="%", interval=None, locations=locs(c),
        )  # fmt: skip


def _gap_near(f: Figure) -> bool:
    """The figure is what a 'gap' or 'difference' earlier in its sentence is said to be
    (not a figure in brackets naming one of the two groups)."""
    s = f.sentence
    a = s.find(f.text)
    if a < 0:
        return False
    if s[:a].rstrip().endswith("("):
        return False
    return bool(GAP_WORD.search(s[:a]))


@rule("untraced")
def figure_traces_to_source(corpus: Corpus) -> Iterator[Finding]:
    """A rate linked to an indicator that no table or other document holds under the same
    breakdown and period cannot be traced to a source: information for the assurer.
    """
    for f in corpus.figures:
        if f.kind not in ("number",) or f.unit != "percent" or not f.key.indicator or f.controlled:
            continue
        k = corpus.resolved(f)
        others = [g for g in corpus.lookup(k, f.unit) if g is not f]
        # the same value under another period label is traced (prose-table warns of the label)
        others += [c for c in corpus.cells() if c.unit == f.unit and c.interval.overlaps(f.interval)
                   and c.key.with_(period=None) == k.with_(period=None)]  # fmt: skip
        comp = corpus.rules.complements.get(k.measure or "")
        if comp:
            others += corpus.lookup(k.with_(measure=comp), f.unit)
        if others:
            continue
        yield Finding(
            check="untraced", severity="info",
            message=(f"{f.text} is linked to {corpus.describe(k)}, but no table or other document "
                     "gives that figure: it cannot be traced to a source here."),
            expected="a table or second source for the figure", found=f.text,
            interval=None, locations=locs(f),
        )  # fmt: skip


THAN = re.compile(r"\b(?:higher|lower|more|less|greater|above|below)\s+than\b(.{0,80})", re.I)


def _check_group_difference(corpus: Corpus, f: Figure) -> Iterator[Finding]:
    """'65 per cent of X ..., 26 percentage points higher than the figure for Y': the
    difference between the rate just quoted and the same rate for group Y in the table."""
    m = THAN.search(f.sentence[f.sentence.find(f.text) :]) if f.text in f.sentence else None
    if m is None:
        return
    before = [g for g in corpus.figures if g.document == f.document and g.line == f.line
              and g.kind == "number" and g.unit == "percent" and g.span[1] <= f.span[0]
              and g.key.indicator]  # fmt: skip
    if not before:
        return
    p = before[-1]
    pkey = corpus.resolved(p)
    ind = corpus.rules.indicator(pkey.indicator or "")
    if ind is None:
        return
    other_key = None
    for dname in ind.dimensions:
        dim = corpus.rules.dimensions.get(dname)
        if dim is None:
            continue
        from pubcheck.link import pick_dimension

        v = pick_dimension(dim, m.group(1), (0, 0))
        mine = dict(pkey.breakdown).get(dname)
        if v and mine and v != mine:
            other_key = pkey.with_(breakdown=tuple(sorted({**dict(pkey.breakdown), dname: v}.items())))
            break
    if other_key is None:
        return
    a = corpus.lookup(pkey, "percent", cells_only=True)
    b = corpus.lookup(other_key, "percent", cells_only=True)
    if not a or not b:
        return
    a0, b0 = a[0], b[0]
    yield from _change_findings(
        f, a0, b0, f"between {p.text} and the figure for {other_key.breakdown_text()} ({b0.text})"
    )
