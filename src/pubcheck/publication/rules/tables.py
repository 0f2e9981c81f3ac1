"""Table rules: identities within a table (a gap row is minuend minus subtrahend; parts sum
to their total; a total rate lies within its parts) and bases (`Base: N` and sub-tables)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator

from pubcheck.figures.numbers import fmt_value
from pubcheck.model import Figure, Finding, Interval, Location
from pubcheck.publication.corpus import Corpus
from pubcheck.publication.registry import locs, rule
from pubcheck.publication.rules.common import _iv, _matches


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
    from pubcheck.publication.invariants import scraped_findings
    from schemas.indicators import INVARIANTS

    r = corpus.rules
    yield from scraped_findings(list(corpus.cells()))
    for ex in corpus.extractions:
        for t in ex.tables:
            cells = corpus.table_cells(ex, t)
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
        numeric = [t for t in ex.tables if corpus.table_cells(ex, t)]
        prev_end = 0
        samples: dict[str, dict[str, Figure]] = {}
        for t in numeric:
            cells = corpus.table_cells(ex, t)
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
                    p_cols = {c.column for c in corpus.table_cells(ex, parent) if c.unit != "count"}
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
