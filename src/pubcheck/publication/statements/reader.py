"""The reader: relations from the words around the figures of one sentence (`parse_relations`).

One class, `_Reader`, holds the grammar: its passes (shares, changes, ratios, gaps, differences)
read and mark one shared sentence state in turn, so it stays whole."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from pubcheck.figures.numbers import (
    rounding_interval,
    verbal_interval,
)
from pubcheck.figures.periods import find_periods
from pubcheck.model import Figure
from pubcheck.publication.statements.relation import Relation
from pubcheck.publication.statements.sentence import (
    _NUM,
    _S,
    _align,
    _between_periods,
    _Fig,
    _lead_period,
    _period_after,
    _scale,
    _start_period,
    _synthetic,
)
from pubcheck.publication.statements.words import (
    AFTER_CHANGE,
    ANAPHOR,
    COMPARATIVE,
    CONTINUES,
    CUE,
    DELTA_UNITS,
    DOWN,
    FACTORS,
    GOVERNED,
    INCLUDES,
    MONTH_AFTER,
    NESTED,
    OF_THE,
    PHRASAL,
    QUAL,
    RELATIVE_TIME,
    SUBORDINATE,
    TIME_SHIFT,
    UP,
    WHOLE,
    F,
    _bare_ok,
    _cue_dir,
    _dir,
)

# --------------------------------------------------------------------------- reading


@dataclass
class _Part:
    """A change being assembled: operands by role (sentence figure indices or figures from the
    previous sentence), periods and direction."""

    form: str
    pos: int
    delta: int | None = None
    factor: Figure | None = None
    start: int | None = None
    end: int | None = None
    prev: dict[str, Figure] = field(default_factory=dict)
    direction: int | None = None
    direction_from: str | None = None
    start_period: str | None = None
    end_period: str | None = None
    relative: bool | None = None
    kind: str = "change"
    weak: bool = False


def _compatible(delta_unit: str, level_unit: str) -> bool:
    if delta_unit == "pp":
        return level_unit == "pct"
    if delta_unit == "pct":  # per cent of the start: any level
        return level_unit in ("pct", "count", "gbp", "num")
    return delta_unit == level_unit


def _level_units_match(a: str, b: str) -> bool:
    return a == b or {a, b} <= {"count", "num"}


class _Reader:
    def __init__(self, s: _S, prev: _S | None, prev_text: str | None) -> None:
        self.s = s
        self.prev = prev
        self.prev_text = prev_text or ""
        self.used: set[int] = set()  # figures read as operands of a change
        self.share_used: set[int] = set()
        self.gap_used: set[int] = set()
        self.ratio_used: set[int] = set()
        self.delta_idx: set[int] = set()  # figures read as the size of a change
        self.relations: list[Relation] = []
        self.continues = bool(CONTINUES.match(s.text))
        wm = WHOLE.match(s.tpl)
        # 'Of the 20.7 million households ..., ': the population, not what a change is about
        self.whole = int(wm.group(1)) if wm and s.figs[int(wm.group(1))].unit in ("count", "gbp") else None

    # ---- helpers
    def u(self, i: int) -> str:
        return self.s.figs[i].unit

    def between(self, i: int, j: int) -> str:
        return self.s.tpl[self.s.end_of(i) : self.s.at(j)]

    def subject(
        self, pos: int, unit: str, *, skip: set[int], delta_unit: str | None = None, include_deltas: bool = False
    ) -> int | None:
        """The figure a trailing change is about: the nearest level figure before template position
        `pos` of a compatible unit, skipping asides in parentheses and other changes, within the
        clause (or the clause before, when this one opens 'this is' / 'which is')."""
        lo, _ = self.s.clause(pos)
        clause_text = self.s.tpl[lo:pos]
        if ANAPHOR.match(clause_text) and lo > 0:
            lo = self.s.clause(lo - 2)[0]
        opened = self.s.tpl.rfind("(", 0, pos)
        inside = opened >= 0 and self.s.tpl.rfind(")", 0, pos) < opened
        if inside and re.match(rf"\(\s*(?:up|down|{UP}|{DOWN})\b", self.s.tpl[opened:], re.I):
            inside = False  # '(down from 6%)', '(up 200 on the year)': about what precedes the brackets
        if inside:  # '(a 4% increase in ...)': what it is about stands inside the brackets too
            lo = max(lo, opened + 1)
        found: list[int] = []
        for i in range(len(self.s.figs) - 1, -1, -1):
            p = self.s.at(i)
            if p >= pos or p < lo:
                continue
            if (i in self.delta_idx and not include_deltas) or (not inside and self.s.paren_depth_words(p)):
                continue
            g = self.s.figs[i]
            if g.unit in ("range", "verbal", "ratio"):
                continue
            ok = _compatible(delta_unit, g.unit) if delta_unit else _level_units_match(unit, g.unit)
            if ok and not re.match(r"\s*(?:percentage\s+)?points?\b", self.s.tpl[self.s.end_of(i) :]):
                if (
                    self.s.figs[i].fig.kind == "change"
                    and g.unit == "pct"
                    and self.s.figs[i].fig.direction
                    and not include_deltas
                ):
                    continue  # '2% increase': itself a change
                if i != self.whole:
                    found.append(i)
        # 'In 2024, 80% of A and 91% of B were active, down from 90%': which one? Abstain. A figure
        # already read as part of another statement still makes the choice ambiguous.
        return found[0] if len(found) == 1 and found[0] not in skip else None

    def previous_subject(self, unit: str, delta_unit: str | None) -> Figure | None:
        """The one figure of the previous sentence a 'This is ...' sentence can be about."""
        if self.prev is None or not self.continues:
            return None
        cands = [
            g
            for g in self.prev.figs
            if g.unit not in ("range", "verbal", "ratio")
            and (_compatible(delta_unit, g.unit) if delta_unit else _level_units_match(unit, g.unit))
            and not (g.fig.kind == "change" and g.unit in ("pp",))
        ]
        if delta_unit == "pct":
            cands = [g for g in cands if g.unit != "pct"] or cands
        return cands[0].fig if len(cands) == 1 else None

    def cue_before(self, pos: int, *, limit: int = 140) -> tuple[int | None, bool]:
        """Direction of the nearest change word before `pos` in its clause: (direction, found)."""
        lo, _ = self.s.clause(pos)
        w0 = max(lo, pos - limit)
        window = self.s.tpl[w0:pos]
        last = None
        for m in CUE.finditer(window):
            if m.group(4) and not _bare_ok(self.s.tpl, w0 + m.start()):
                continue
            last = m
        if last is None:
            return None, False
        if not _governs(window[last.end() :]):
            return None, False  # 'Following a decline in 2019, the rate recovered from A to B'
        return _cue_dir(last), True

    def context_direction(self) -> int | None:
        """'There has been a continued rise in ... This includes ... (A to B)': the one direction
        word of the sentence this one continues."""
        if not INCLUDES.match(self.s.text) or not self.prev_text:
            return None
        # the main clause only: 'Despite a fall in X, Y remained stable' speaks of Y
        main = re.sub(rf"^\s*(?:{SUBORDINATE})\b[^,;]*,", "", self.prev_text, flags=re.I)
        if re.search(rf"\b(?:{SUBORDINATE})\b", main, re.I):
            return None
        dirs = {_cue_dir(m) for m in CUE.finditer(main)}
        if None in dirs:  # a neutral word too: 'rose slightly but remained stable'
            return None
        return dirs.pop() if len(dirs) == 1 else None

    def period_after(self, i: int) -> str | None:
        tail = self.s.tpl[self.s.end_of(i) :]
        if tail.lstrip().startswith(")") and not self.s.tpl[: self.s.at(i)].rstrip().endswith("("):
            return None  # '(down from 6%) in 2023': the period is the sentence's, not 6%'s
        return _period_after(tail)

    # ---- emit
    def emit(self, part: _Part) -> None:
        s = self.s
        ops: list[tuple[str, Figure]] = []
        spans: list[tuple[str, tuple[int, int]]] = []
        prev_roles: list[str] = []
        for role in ("start", "end", "delta"):
            i = getattr(part, role)
            if i is not None:
                g = s.figs[i]
                ops.append((role, g.fig))
                spans.append((role, (g.start, g.end)))
                self.used.add(i)
            elif role in part.prev:
                ops.append((role, part.prev[role]))
                prev_roles.append(role)
        if part.factor is not None:
            ops.append(("factor", part.factor))
        roles = {r for r, _ in ops}
        if part.kind == "change":
            need = ["start", "end"] + ([] if ("delta" in roles or "factor" in roles) else ["delta"])
        else:
            need = ["start", "end"]
        missing = tuple(r for r in need if r not in roles)
        if not ops or (part.kind == "change" and not ({"delta", "factor"} & roles) and not part.direction):
            return
        lo, hi = s.clause(part.pos)
        self.relations.append(
            Relation(
                kind=part.kind,
                form=part.form,
                operands=tuple(ops),
                missing=missing,
                sentence=s.text,
                spans=tuple(spans),
                start_period=part.start_period,
                end_period=part.end_period,
                relative=part.relative,
                direction=part.direction,
                direction_from=part.direction_from,
                from_previous=tuple(prev_roles),
                subject=_plain(s.tpl[lo:hi], s),
            )
        )

    # ---- changes
    def read_changes(self) -> None:
        s, tpl = self.s, self.s.tpl
        pairs: list[_Part] = []
        # 'from A (in P) to B (in P)'; 'from a peak of A to B'
        # 'from 14.8 million (71%) in 2005 to 14.5 million (67%)': two pairs
        bracket = rf"(?:\s*\(\s*{F}\s*\))?"
        for m in re.finditer(
            rf"\bfrom\s+{OF_THE}{F}{bracket}([^⟨]{{0,45}}?)\s+to\s+{OF_THE}{F}{bracket}",
            tpl,
        ):
            a, b = int(m.group(1)), int(m.group(4))
            if re.search(r"[;()]|\band\b", m.group(3)) or not self._pairable(a, b):
                continue
            part = self._pair("from-to", m.start(), a, b)
            pairs.append(part)
            if m.group(2) and m.group(5):
                a2, b2 = int(m.group(2)), int(m.group(5))
                part.start_period = part.start_period or self.period_after(a2)
                part.end_period = part.end_period or self.period_after(b2)
                if self._pairable(a2, b2):
                    second = self._pair("from-to", m.start(), a2, b2)
                    second.start_period, second.end_period = part.start_period, part.end_period
                    pairs.append(second)
        # '(A to B)', '(from A to B)', '(A in P to B)'
        for m in re.finditer(
            rf"\((?:from\s+)?{F}(\s+in\s+[^⟨()]{{1,30}}?)?\s+to\s+{F}(\s+in\s+[^⟨()]{{1,30}})?\)", tpl
        ):
            a, b = int(m.group(1)), int(m.group(3))
            if self._pairable(a, b) and not any(p.start == a for p in pairs):
                pairs.append(self._pair("paren-pair", m.start(), a, b))
        # '(A compared to B)': A is the current value
        for m in re.finditer(rf"\({F}\s+compared\s+(?:to|with)\s+{F}\)", tpl):
            a, b = int(m.group(1)), int(m.group(2))
            if re.search(r"\btimes\b[^⟨]{0,40}$", tpl[: m.start()]):
                continue  # '3.9 times higher (39% compared with 10%)': the rates of a ratio
            if self._pairable(b, a):
                pairs.append(self._pair("paren-compared", m.start(), b, a))
        # 'A ..., compared with B in 2022, an increase of C': a pair only with a period and a change beside it
        for m in re.finditer(rf",?\s+compared\s+(?:with|to)\s+{F}", tpl):
            a = int(m.group(1))
            lo = s.clause(m.start())[0]
            same = [x for x in range(a) if lo <= s.at(x) and self.u(x) == self.u(a)]
            if not same or s.at(a) - s.at(same[-1]) > 160:
                continue
            b = same[-1]
            if (
                self.period_after(a)
                and self.u(a) in ("pct", "count", "gbp", "num")
                and not s.paren_depth_words(s.at(b))
            ):
                part = self._pair("compared-with", s.at(b), a, b)
                part.weak = True
                part.end_period = part.end_period or _lead_period(s)
                pairs.append(part)
        # 'from A and B to C and D respectively'
        for m in re.finditer(rf"\bfrom\s+{F}\s+and\s+{F}\s+to\s+{F}\s+and\s+{F}\s+respectively", tpl):
            a1, a2, b1, b2 = (int(m.group(k)) for k in (1, 2, 3, 4))
            if self._pairable(a1, b1) and self._pairable(a2, b2):
                pairs.append(self._pair("from-to-respectively", m.start(), a1, b1))
                pairs.append(self._pair("from-to-respectively", m.start(), a2, b2))
        pairs = [p for p in pairs if p.start is not None]
        for p in pairs:
            self.used.update({p.start, p.end} - {None})  # type: ignore[arg-type]

        deltas = self._deltas()
        self.delta_idx = {d.delta for d in deltas if d.delta is not None}
        self._respectively_to()
        singles_start = self._starts()
        singles_end = self._ends()
        for d in deltas:
            self._complete_delta(d, pairs, singles_start, singles_end)
        # coordinated changes share where they are measured from: 'fell by 7 points for girls and 6
        # points for boys compared to 2019', 'up 186,000, or 1.1 percentage points, over the past year'
        for d in deltas:
            root = getattr(d, "coordinated_with", None)
            if root is not None:
                root.start_period = root.start_period or d.start_period
        for d in deltas:
            root = getattr(d, "coordinated_with", None)
            if root is not None and d.start_period is None:
                d.start_period = root.start_period
        # pairs without a printed change: a direction statement
        for p in pairs:
            if p.delta is None and p.factor is None and not p.weak:
                p.kind = "direction"
                self.emit(p)
        for d in deltas:
            self.emit(d)
        # 'up from A' with no change printed: from A to the figure the clause is about
        for st in singles_start:
            if st.start in self.used and st.form == "taken":
                continue
            i = st.start
            if i is None or i in self.used:
                continue
            end = self.subject(st.pos, self.u(i), skip=(self.used - self.delta_idx) | {i}, include_deltas=True)
            st.kind = "direction"
            if end is not None:
                st.end = end
                st.end_period = self.period_after(end) or _lead_period(s)
            self.emit(st)
        for en in singles_end:
            if en.end is None or en.end in self.used:
                continue
            en.kind = "direction"
            self.emit(en)

    def _pairable(self, a: int, b: int) -> bool:
        ua, ub = self.u(a), self.u(b)
        if ua in ("range", "verbal", "ratio") or ub in ("range", "verbal", "ratio"):
            return False
        if any(MONTH_AFTER.match(self.s.tpl[self.s.end_of(x) :]) for x in (a, b)):
            return False  # 'from 1 April to 30 June': dates, not values
        fa, fb = self.s.figs[a].fig, self.s.figs[b].fig
        sa, sb = _scale(fa.text), _scale(fb.text)
        bare = re.fullmatch(rf"£?\s?({_NUM})", fa.text.strip())
        if sb > 1 and sa == 1 and bare and ua in ("count", "num", "gbp") and ub in ("count", "gbp"):
            # 'from 2.1 to 2.2 million', 'from £1.2 to £1.5 billion': the first takes the second's scale
            if fb.value / 100 <= fa.value * sb <= fb.value * 100:
                g = self.s.figs[a]
                off = g.fig.span[0] - g.start
                syn = _synthetic(g.fig, bare.group(1), ub, g.start, g.end, off, scale=sb)
                self.s.figs[a] = _Fig(replace(syn, text=fa.text.strip()), g.start, g.end, ub)
                return True
            return False
        if ua == ub or {ua, ub} <= {"count", "num"}:
            return True
        # 'from 28 to 24 percentage points': the bare number takes its pair's unit
        if (
            ua in ("count", "num")
            and ub in ("pp", "pct", "gbp")
            and re.fullmatch(_NUM, self.s.figs[a].fig.text.strip())
        ):
            g = self.s.figs[a]
            off = g.fig.span[0] - g.start
            self.s.figs[a] = _Fig(_synthetic(g.fig, g.fig.text.strip(), ub, g.start, g.end, off), g.start, g.end, ub)
            return True
        return False

    def _pair(self, form: str, pos: int, a: int, b: int) -> _Part:
        d, found = self.cue_before(pos)
        src = "sentence" if found and d is not None else None
        if not found:
            d = self.context_direction()
            src = "previous sentence" if d is not None else None
        sp = self.period_after(a)
        ep = self.period_after(b)
        part = _Part(form, pos, start=a, end=b, direction=d, direction_from=src, start_period=sp, end_period=ep)
        # a bare 'from A to B' is a change only where a change is spoken of (or printed beside it)
        part.weak = not found and d is None and form == "from-to"
        return part

    def _deltas(self) -> list[_Part]:
        s, tpl = self.s, self.s.tpl
        out: list[_Part] = []
        seen: set[int] = set()

        def add(i: int, direction: int | None, form: str, pos: int) -> _Part | None:
            if i in seen or i in self.used or self.u(i) not in ("pp", "pct", "count", "gbp", "num"):
                return None
            seen.add(i)
            p = _Part(
                form,
                pos,
                delta=i,
                direction=direction,
                direction_from="sentence" if direction else None,
                relative=self.u(i) == "pct",
            )
            out.append(p)
            return p

        # 'a rise of C', 'an increase of C'
        for m in re.finditer(rf"\b({UP}|{DOWN})\s+of\s+(?:(?:{QUAL})\s+)?{F}", tpl, re.I):
            add(int(m.group(m.lastindex or 0)), _dir(m.group(1)), "delta", m.start())
        # 'a 2.8 percentage point decrease', '2% increase'
        for m in re.finditer(rf"{F}\s+(?:percentage\s+points?\s+)?({UP}|{DOWN})\b", tpl, re.I):
            i = int(m.group(1))
            if self.u(i) in ("pp", "pct") and not re.search(r"\bof\s*$", tpl[: m.start()]):
                add(i, _dir(m.group(2)), "delta", m.start())
        # 'a 90 per cent (2.7 million) increase': the relative and the absolute size
        for m in re.finditer(rf"{F}\s*\(\s*{F}\s*\)\s+({UP}|{DOWN})\b", tpl, re.I):
            i, j = int(m.group(1)), int(m.group(2))
            if self.u(i) in ("pp", "pct") and self.u(j) in ("count", "gbp", "pp"):
                add(i, _dir(m.group(3)), "delta", m.start())
                add(j, _dir(m.group(3)), "delta", m.start())
        # 'increased by C', 'fell 0.20%', 'up 186,000', 'down 4% on 2013/14', 'went up by £1.44'
        for m in re.finditer(rf"\b(?:{PHRASAL}|({UP}|{DOWN})|(up|down))\s+(?:by\s+)?(?:(?:{QUAL})\s+)?{F}", tpl, re.I):
            i = int(m.group(m.lastindex or 0))
            word = m.group(1) or m.group(2) or m.group(3)
            if m.group(3) and not _bare_ok(tpl, m.start()):
                continue  # 'set up 10 projects'
            if re.fullmatch(
                r"reduction|reductions|growth|gain|gains|rise|fall|drop|decline|increase|decrease", word, re.I
            ) and not re.search(r"\bby\s", m.group(0)):
                continue  # 'a rise 5 ...' is not English; 'rise of' is read above
            if re.match(
                r"\s*(?:of\b|in\s+(?:the\s+)?(?:\w+\s+){0,2}(?:households|people|families))", tpl[s.end_of(i) :]
            ):
                continue  # 'fell 30% of people': a share, not a change
            add(i, _dir(word), "delta", m.start())
        # 'C higher than in 2019', 'C fewer than a year ago', 'C lower for X than for Y'
        for m in re.finditer(
            rf"{F}\s+(?:(?:percentage\s+)?points?\s+)?(higher|lower|more|fewer|less|greater|smaller|"
            rf"larger|bigger)\b([^⟨;]{{0,80}}?)\bthan\b",
            tpl,
            re.I,
        ):
            if re.search(r"[,–—]|\b(?:higher|lower|more|fewer|less|greater|smaller|larger|bigger)\b", m.group(3), re.I):
                continue  # '100,000 more families ..., with those working less than 16 hours'
            if len(m.group(3)) <= 60:
                self._comparative(add, int(m.group(1)), COMPARATIVE[m.group(2).lower()], m.group(3), m.start(), m.end())
        # '5.0% below the five-year average (10,526)'
        for m in re.finditer(rf"{F}\s+(?:(?:percentage\s+)?points?\s+)?(above|below)\b", tpl, re.I):
            if self.u(int(m.group(1))) not in ("pct", "pp") and not re.match(
                rf"[^⟨()]{{0,60}}?\(\s*{F}\s*\)", tpl[m.end() :]
            ):
                continue  # 'set out at table 1 below'
            self._comparative(add, int(m.group(1)), 1 if m.group(2).lower() == "above" else -1, "", m.start(), m.end())
        # 'doubled', 'almost doubled', 'halved'
        for m in re.finditer(
            rf"\b(?:({QUAL})\s+)?(doubled|doubling|halved|halving|trebled|tripled|trebling|tripling)\b", tpl, re.I
        ):
            factor = FACTORS[m.group(2).lower()]
            base = next((g.fig for g in s.figs), None)
            if base is None:
                continue
            fig = replace(
                base,
                value=factor,
                unit="ratio",
                precision=0.0,
                kind="ratio",
                interval=verbal_interval(factor, (m.group(1) or "").lower() or None, ratio=True),
                text=m.group(0),
                direction=None,
                low=None,
                high=None,
            )
            p = _Part(
                "factor",
                m.start(),
                factor=fig,
                direction=1 if factor > 1 else -1,
                direction_from="sentence",
                relative=True,
            )
            out.append(p)
        # coordination: 'fell by 7 points for girls and 6 points for boys', 'up 186,000, or 1.1 points'
        out.sort(key=lambda p: p.pos)
        more: list[_Part] = []
        for p in out:
            if p.delta is None:
                continue
            last, j = p.delta, p.delta + 1
            while j < len(s.figs) and j not in seen and j not in self.used:
                gap = self.between(last, j)
                core = re.sub(rf"^\s*(?:percentage\s+points?\s+)?(?:{UP}|{DOWN})\b", "", gap, flags=re.I)
                alt = re.fullmatch(r",?\s*(?:or\s+|\(\s*)", gap)  # 'up 186,000, or 1.1 points', '(1.2 points)'
                if self.u(j) not in DELTA_UNITS or not (self.u(j) == self.u(p.delta) or alt):
                    break
                if not (
                    alt or re.fullmatch(r"[^⟨;()]{0,80}?(?:,\s*|\s+)(?:and|or)\s+(?:by\s+)?|\s*and\s+(?:by\s+)?", core)
                ):
                    break
                if re.match(r"\s*(?:of\b|\)?\s*of\s+(?:all|the)\b)", tpl[s.end_of(j) :]) or CUE.search(core):
                    break  # '... and 30% of people': a share; '... and fell by': a change of its own
                seen.add(j)
                q = _Part(
                    p.form,
                    s.at(j),
                    delta=j,
                    direction=p.direction,
                    direction_from=p.direction_from,
                    relative=self.u(j) == "pct",
                    kind=p.kind,
                )
                q.coordinated_with = p  # type: ignore[attr-defined]
                more.append(q)
                last, j = j, j + 1
        out += more
        out.sort(key=lambda p: p.pos)
        return out

    def _comparative(self, add, i: int, direction: int, middle: str, pos: int, target_at: int) -> None:  # type: ignore[no-untyped-def]
        """'C higher than <target>': a change when the target is a time ('than 2019 (26.5%)', 'than a
        year ago', 'than the 1,402 in 2019'), a difference with another group otherwise ('than the
        figure for better-off households (39 per cent)'). The other value, if printed, follows the
        target in brackets or stands right after 'than the'."""
        tpl = self.s.tpl
        rest = tpl[target_at:]
        target = re.match(r"\s*([^⟨;]{0,60})", rest).group(1)  # type: ignore[union-attr]
        direct = re.match(rf"\s*(?:the\s+|a\s+)?{F}", rest)
        is_time = bool(
            find_periods(target[:25])
            and re.match(r"\s*(?:in\s+|for\s+|during\s+|at\s+)?(?:the\s+)?(?:\w+\s+){0,3}?\d", target)
        ) or bool(
            re.match(
                r"\s*(?:a|one|the)\s+(?:year|quarter|month|decade)s?\s+(?:ago|earlier|before)"
                r"|\s*(?:last|the\s+previous|the\s+same)\s+(?:year|quarter|month|period)|\s*(?:ever|before|previously)\b",
                target,
                re.I,
            )
        )
        j = None
        if direct:
            j = int(direct.group(1))
            is_time = bool(self.period_after(j)) or bool(
                RELATIVE_TIME.search(tpl[self.s.end_of(j) : self.s.end_of(j) + 30])
            )
        if middle.strip() and re.search(r"\bfor\b", middle):
            is_time = False  # '9.4 points lower for those who ... than for ...'
        p = add(i, direction, "comparative", pos)
        if p is None:
            return
        if not is_time:
            p.kind = "difference"
            p.form = "comparative-group"
        elif j is not None:  # 'than the 1,402 in 2019'
            p.start_period = self.period_after(j) or _start_period(tpl[self.s.end_of(j) :])
        else:
            p.start_period = _start_period("than " + target) or ("than " + target.strip()).strip()
        if j is None:
            pm = re.match(rf"[^⟨()]{{0,60}}?\(\s*{F}\s*\)", rest)
            j = int(pm.group(1)) if pm else None
        if j is not None and _compatible(self.u(i), self.u(j)) and self.u(j) != "pp":
            p.start = j

    def _starts(self) -> list[_Part]:
        """'up from 0.17% in 2015/16', 'an increase from 29%', 'down from 10 percentage points in 2019'."""
        out = []
        for m in re.finditer(
            rf"\b(?:{PHRASAL}|({UP}|{DOWN})|(up|down))\s+from\s+{OF_THE}{F}(?!\S*\s+to\s+⟨)", self.s.tpl, re.I
        ):
            i = int(m.group(m.lastindex or 0))
            if i in self.used or self.u(i) not in ("pp", "pct", "count", "gbp", "num"):
                continue
            if MONTH_AFTER.match(self.s.tpl[self.s.end_of(i) :]):
                continue  # 'from 1 April'
            word = m.group(1) or m.group(2) or m.group(3)
            if m.group(3) and not _bare_ok(self.s.tpl, m.start()):
                continue
            p = _Part(
                "up-from",
                m.start(),
                start=i,
                direction=_dir(word),
                direction_from="sentence",
                start_period=self.period_after(i),
            )
            out.append(p)
        # 'similar to the previous year (268,251)', 'than 2019 (26.5%)' are read with their change
        for m in re.finditer(
            rf"\b(?:(?:compared|similar)\s+(?:to|with)|than)\s+([^⟨()]{{2,50}}?)\s*\(\s*{F}"
            rf"(\s+in\s+[^⟨()]{{1,30}})?\s*\)",
            self.s.tpl,
            re.I,
        ):
            i = int(m.group(2))
            if i in self.used or self.u(i) not in ("pct", "count", "gbp", "num"):
                continue
            if not (find_periods(m.group(1)) or RELATIVE_TIME.search(m.group(1))):
                continue
            sp = _start_period(m.group(0).split("(")[0]) or m.group(1).strip()
            if m.group(3):
                sp = m.group(3).strip()
            out.append(_Part("compared-paren", m.start(), start=i, start_period=sp))
        return out

    def _ends(self) -> list[_Part]:
        """'has fallen to 1,037', 'rising further to 3.3 per cent', 'to 53.8%' after a change."""
        out = []
        for m in re.finditer(
            rf"\b(?:{PHRASAL}|({UP}|{DOWN}))\s+(?:further\s+|again\s+|back\s+)?to\s+(?:(?:{QUAL})\s+)?{F}",
            self.s.tpl,
            re.I,
        ):
            i = int(m.group(m.lastindex or 0))
            if i in self.used or self.u(i) not in ("pct", "count", "gbp", "num", "pp"):
                continue
            if MONTH_AFTER.match(self.s.tpl[self.s.end_of(i) :]):
                continue  # 'rose to 30 June'
            word = m.group(1) or m.group(2)
            part = _Part(
                "to", m.start(), end=i, direction=_dir(word), direction_from="sentence", end_period=self.period_after(i)
            )
            self._from_after(part, i)
            if (
                part.start is None
                and re.search(r",\s*$", self.s.tpl[: m.start()])
                and re.fullmatch(
                    r"(?:falling|rising|increasing|decreasing|dropping|declining|climbing|growing)", word, re.I
                )
            ):
                # '22% of children lived in relative poverty, falling to 20%': from the figure it follows
                j = self.subject(m.start(), self.u(i), skip=self.used | {i})
                if j is not None:
                    part.start = j
                    part.start_period = self.period_after(j) or _lead_period(self.s)
            out.append(part)
        return out

    def _from_after(self, part: _Part, i: int) -> None:
        """'fell to 4.0% in January from 4.2% in December', 'rose by 6.1% to £640, from £603 a year
        earlier': the start printed after the end."""
        m = re.match(
            rf"(?:\s+(?:in|on|at|for|by|a|an|per)\s+[^⟨,;()]{{1,30}}?)?,?\s+from\s+{F}(?!\s*(?:to|and)\s+⟨)",
            self.s.tpl[self.s.end_of(i) :],
        )
        if m:
            j = int(m.group(1))
            if j not in self.used and _level_units_match(self.u(i), self.u(j)):
                part.start = j
                part.start_period = self.period_after(j) or _start_period(self.s.tpl[self.s.at(j) :])
                self.used.add(j)

    def _complete_delta(self, d: _Part, pairs: list[_Part], starts: list[_Part], ends: list[_Part]) -> None:
        s, tpl = self.s, self.s.tpl
        du = self.u(d.delta) if d.delta is not None else "pct"
        dpos = s.at(d.delta) if d.delta is not None else d.pos
        clause = s.clause(dpos)
        co = getattr(d, "coordinated_with", None)
        if d.start_period is None:
            seg_end = min(
                [s.at(x) for x in range((d.delta or 0) + 1, len(s.figs)) if s.at(x) > dpos and self._is_delta_index(x)]
                + [clause[1]]
            )
            d.start_period = _start_period(tpl[dpos:seg_end])
        if d.start_period is None and co is not None:
            d.start_period = co.start_period
        # a pair in the same clause with nothing else between: its end points
        if d.kind == "change":
            for p in pairs:
                if p.delta is not None or p.factor is not None or p.start is None:
                    continue
                if not s.same_clause(p.pos, dpos):
                    continue
                lo_, hi_ = sorted((p.pos, dpos))
                between = [
                    x
                    for x in range(len(s.figs))
                    if lo_ < s.at(x) < hi_ and x not in (p.start, p.end, d.delta) and self.u(x) in (self.u(p.start), du)
                ]
                if between:
                    continue
                last = max(p.start, p.end or p.start)
                link = (
                    tpl[s.end_of(d.delta) : p.pos]
                    if d.delta is not None and dpos < p.pos
                    else tpl[s.end_of(last) : d.pos]
                )
                if not _links(link):
                    continue  # 'rose by 3%, with pupil numbers going from A to B': another subject
                if not self._fits(du, p.start, p.end, d):
                    continue
                p.delta = d.delta
                p.factor = d.factor
                d.start, d.end = p.start, p.end
                d.start_period = p.start_period or d.start_period
                d.end_period = p.end_period
                if d.direction is None:
                    d.direction, d.direction_from = p.direction, p.direction_from
                d.form = f"{d.form}+{p.form}"
                return
        # 'up from A' and 'to B' in its clause
        for st in starts:
            i = st.start
            if i is None or i in self.used or not s.same_clause(st.pos, dpos) or st.pos < dpos:
                continue
            if not (_compatible(du, self.u(i)) if d.factor is None else True) or (
                du == "pct" and self.u(i) == "pct" and d.kind == "difference"
            ):
                continue
            if any(self._is_delta_index(x) for x in range(len(s.figs)) if dpos < s.at(x) < st.pos):
                continue
            if st.direction and d.direction and st.direction != d.direction:
                continue  # 'increased by 10.1% ..., down from 10.4%': the rate itself is down from 10.4%
            d.start = i
            d.start_period = st.start_period or d.start_period
            self.used.add(i)
            st.form = "taken"
            break
        for en in ends:
            i = en.end
            if i is None or i in self.used or not s.same_clause(en.pos, dpos):
                continue
            if abs(en.pos - dpos) > 120 or not (_compatible(du, self.u(i)) if d.factor is None else True):
                continue
            if any(
                self._is_delta_index(x)
                for x in range(len(s.figs))
                if min(dpos, en.pos) < s.at(x) < max(dpos, en.pos) and x != d.delta
            ):
                continue
            d.end = i
            d.end_period = en.end_period
            if d.start is None and en.start is not None:
                d.start, d.start_period = en.start, en.start_period
                en.start = None
            self.used.add(i)
            if d.direction is None:
                d.direction = en.direction
            break
        if d.end is None and d.delta is not None:
            # 'increased by 0.4 percentage points to 53.8%', 'rose by 1.9 points compared with 2012/13, to 38%'
            seg = tpl[s.end_of(d.delta) : clause[1]]
            m = re.match(rf"[^⟨]{{0,60}}?(?<!compared )(?<!similar )(?<!equivalent )(?<!up )\bto\s+{F}", seg)
            if m:
                i = int(m.group(1))
                if re.search(r"\d\s+$", seg[: m.start(1) - 4]) and re.fullmatch(
                    r"(?:19|20)\d{1,2}", s.figs[i].fig.text
                ):
                    i = -1  # 'than in 2011 to 201': a year cut short, not a figure
                if i >= 0 and i not in self.used and _compatible(du, self.u(i)) and not self._is_delta_index(i):
                    d.end = i
                    d.end_period = self.period_after(i)
                    self.used.add(i)
                    if d.start is None:
                        self._from_after(d, i)
        if d.start is None and d.delta is not None and d.kind == "change":
            # 'up 6.2% from £642 in 2022', 'down 46% on the peak of 436,127 in March 2021', 'a 90 per
            # cent increase in the number of people on the benefit from 3 million'
            m = re.match(
                rf"(?:\s*\(\s*⟨\d+⟩\s*\))?([^⟨;]{{0,80}}?)\b(?:from|on)\s+{OF_THE}{F}(?!\s*(?:to|and)\s+⟨)",
                tpl[s.end_of(d.delta) : clause[1]],
            )
            if m and not (m.group(1).strip() in ("", ")") or _links(m.group(1))):
                m = None
            if m:
                j = int(m.group(2))
                if j not in self.used and _compatible(du, self.u(j)) and not self._is_delta_index(j):
                    d.start = j
                    d.start_period = self.period_after(j) or d.start_period
                    self.used.add(j)
        if d.end is None:
            cue_pos = self._cue_pos(d)
            unit = {"pp": "pct"}.get(du, du)
            i = self.subject(
                cue_pos, unit, skip=self.used | {d.delta} if d.delta is not None else self.used, delta_unit=du
            )  # a factor ('doubled') is relative: any level
            if i is not None and (d.start is None or i != d.start):
                d.end = i
                d.end_period = self.period_after(i) or _lead_period(s)
            elif d.kind == "change":
                pf = self.previous_subject(unit, du if d.factor is None else None)
                if pf is not None and ANAPHOR.match(s.tpl) and s.clause(dpos)[0] == 0:
                    d.prev["end"] = pf
        if d.start_period is None and d.end_period is None:
            both = _between_periods(s.tpl) or (_between_periods(self.prev_text) if self.continues else None)
            if both:
                d.start_period, d.end_period = both
        if d.start_period is None and d.end_period is None:
            # 'Over the last 10 years, ...' opening the sentence; 'over this period' pointing back to
            # the sentence before
            lead = re.match(r"\s*[*•-]?\s*((?:Over|Since)\s+[^⟨,;]{2,50}),", s.tpl)
            if lead:
                d.start_period = _start_period(lead.group(1))
            elif re.search(r"\b(?:over|during|in)\s+(?:this|that|the\s+same)\s+period\b", s.tpl, re.I):
                prev_lead = re.match(r"\s*[*•-]?\s*((?:Over|Since)\s+[^,;]{2,50}),", self.prev_text)
                if prev_lead:
                    d.start_period = _start_period(prev_lead.group(1))
        if d.end_period is None and d.end is not None:
            d.end_period = _lead_period(s)

    def _fits(self, du: str, a: int | None, b: int | None, d: _Part) -> bool:
        if a is None or b is None:
            return False
        if d.factor is not None:
            return True
        return _compatible(du, self.u(a)) and _compatible(du, self.u(b))

    def _is_delta_index(self, x: int) -> bool:
        g = self.s.figs[x]
        return g.unit == "pp" or (g.fig.kind == "change" and g.fig.direction is not None)

    def _cue_pos(self, d: _Part) -> int:
        """Where the words of a change begin: the subject is looked for before them."""
        if d.delta is None:
            return d.pos
        pos = self.s.at(d.delta)
        lo, _ = self.s.clause(pos)
        window = self.s.tpl[lo:pos]
        marks = list(
            re.finditer(
                rf"(?:,|–|—|-|\bwhich\b|\bthis\b|\ba\b|\ban\b|\bup\b|\bdown\b|{UP}|{DOWN}|"
                rf"{PHRASAL})",
                window,
                re.I,
            )
        )
        return min(d.pos, lo + marks[-1].start()) if marks else d.pos

    def _respectively_to(self) -> None:
        """'these percentages went up to 49% and 25% respectively': ends here, starts in the
        previous sentence, in the same order."""
        m = re.search(
            rf"\b(?:these|those|the)\s+(?:percentages|proportions|rates|figures|numbers|shares)\s+"
            rf"(?:{PHRASAL}|({UP}|{DOWN}))\s+(?:to\s+)?{F}\s+and\s+{F}\s+respectively",
            self.s.tpl,
            re.I,
        )
        if not m or self.prev is None:
            return
        word = m.group(1) or m.group(2)
        e1, e2 = int(m.group(3)), int(m.group(4))
        starts = [g for g in self.prev.figs if g.unit == self.u(e1)]
        if len(starts) != 2 or self.u(e1) != self.u(e2):
            return
        sp = _lead_period(self.prev)
        ep = _lead_period(self.s)
        for st, e in zip(starts, (e1, e2), strict=True):
            p = _Part(
                "respectively",
                m.start(),
                end=e,
                direction=_dir(word),
                direction_from="sentence",
                start_period=sp,
                end_period=ep,
                kind="direction",
            )
            p.prev["start"] = st.fig
            self.emit(p)
            self.used.add(e)

    # ---- shares
    def read_shares(self) -> None:
        tpl = self.s.tpl
        seen: set[int] = set()
        whole = self.whole
        # 'X of (the) Y ... (Z%)'
        for m in re.finditer(
            rf"{F}\s+(?:out\s+)?of\s+(?:the\s+|all\s+)?{F}((?:\s+[A-Za-z][\w-]*){{0,4}}?)\s*\(\s*{F}\s*\)", tpl
        ):
            p, w, z = int(m.group(1)), int(m.group(2)), int(m.group(4))
            if self.u(p) in ("count", "gbp") and self.u(z) == "pct" and not {p, z} & self.share_used:
                self._share(p, w, z, "part-of-whole-share")
                seen.update({p, w, z})
        # 'X (Z%)' / 'X of those households (Z%)', of the whole the sentence opens with, if any
        for m in re.finditer(rf"{F}((?:\s+[A-Za-z][\w-]*){{0,4}}?)\s*\(\s*{F}\s*\)", tpl):
            p, z = int(m.group(1)), int(m.group(3))
            if self.u(p) not in ("count", "gbp") or self.u(z) != "pct" or {p, z} & (self.share_used | seen):
                continue
            if AFTER_CHANGE.search(tpl[: self.s.at(p)]):
                continue  # 'increased by 2,000 (4%)': a change and its relative size
            if (
                p == whole
                or re.search(r"\b(?:in|to|from|than|by|and|or|per|each|a|an)\b", m.group(2) or "", re.I)
                and not re.match(r"\s+of\s+(?:those|them|these)\b", m.group(2) or "")
            ):
                continue
            w = whole
            after = re.match(r"[^⟨,;.]{0,60}", tpl[m.end() :]).group(0)  # type: ignore[union-attr]
            if w is not None and (NESTED.search(self.between(w, p)) or TIME_SHIFT.search(self.between(w, p) + after)):
                # 'Of the 20.7 million ..., of which 1.2 million (38.7%)', '... compared with 11.6
                # million (55.9%) a year earlier': a share of another whole
                w = None
            out_of = re.match(rf"[^⟨;]{{0,80}}?\bout\s+of\s+(?:the\s+|a\s+total\s+of\s+)?{F}", tpl[m.end() :])
            if out_of:
                w = int(out_of.group(1))
            self._share(p, w, z, "part-paren-share")
            seen.update({p, z})
        # 'Z% (X)'
        for m in re.finditer(rf"{F}\s*\(\s*{F}\s*\)", tpl):
            z, p = int(m.group(1)), int(m.group(2))
            if self.u(z) != "pct" or self.u(p) not in ("count",) or z in seen or z in self.share_used:
                continue
            if self.s.figs[z].fig.kind == "change" and self.s.figs[z].fig.direction:
                continue
            if re.match(rf"\s*(?:{UP}|{DOWN})\b", tpl[m.end() :], re.I):
                continue  # 'a 90 per cent (2.7 million) increase': the sizes of a change
            w = whole if whole is not None and not NESTED.search(self.between(whole, p)) else None
            self._share(p, w, z, "share-paren-part")
            seen.update({p, z})
        # 'X, or Z per cent of (the) Y'
        for m in re.finditer(
            rf"{F}(?:\s+[A-Za-z][\w-]*){{0,3}},?\s+or\s+(?:(?:{QUAL})\s+)?{F}(?:\s+of\s+(?:the\s+|all\s+)?{F})?", tpl
        ):
            p, z = int(m.group(1)), int(m.group(2))
            if self.u(p) not in ("count", "gbp") or self.u(z) != "pct" or z in seen or z in self.share_used:
                continue
            w = int(m.group(3)) if m.group(3) else whole
            if w is not None and self.u(w) != self.u(p):
                w = None
            self._share(p, w, z, "part-or-share")
            seen.update({p, z})

    def _share(self, p: int, w: int | None, z: int, form: str) -> None:
        s = self.s
        if w is not None and (self.u(w) != self.u(p) or s.figs[w].fig.value <= s.figs[p].fig.value):
            w = None
        ops = [("part", s.figs[p].fig), ("share", s.figs[z].fig)]
        spans = [("part", (s.figs[p].start, s.figs[p].end)), ("share", (s.figs[z].start, s.figs[z].end))]
        if w is not None:
            ops.insert(1, ("whole", s.figs[w].fig))
            spans.insert(1, ("whole", (s.figs[w].start, s.figs[w].end)))
        self.share_used.update({p, z})
        self.relations.append(
            Relation(
                kind="share",
                form=form,
                operands=tuple(ops),
                missing=() if w is not None else ("whole",),
                sentence=s.text,
                spans=tuple(spans),
                end_period=_lead_period(s),
                subject=_plain(s.tpl, s),
            )
        )

    # ---- ratios
    def read_ratios(self) -> None:
        s, tpl = self.s, self.s.tpl
        for m in re.finditer(
            rf"{F}\s+times\s+(as\s+(?:likely|high|many|much|large|great)|higher|greater|more|larger|"
            rf"bigger|the\s+rate|as)\b",
            tpl,
            re.I,
        ):
            r = int(m.group(1))
            if self.u(r) not in ("num", "count"):
                continue
            self._ratio(
                r,
                m.end(),
                "times-higher" if re.match(r"higher|greater|more|larger|bigger", m.group(2), re.I) else "times-as",
            )
        for i, g in enumerate(s.figs):
            if g.unit == "ratio" and g.fig.kind == "ratio" and i not in self.ratio_used:
                self._ratio(i, s.end_of(i), "verbal-as")
            if g.unit == "verbal" and re.search(r"\bin\b", g.fig.text):
                share = re.match(rf"\s*\(\s*{F}\s*\)", tpl[s.end_of(i) :])
                ops = [("ratio", g.fig)]
                spans = [("ratio", (g.start, g.end))]
                missing: tuple[str, ...] = ("share",)
                if share and self.u(int(share.group(1))) == "pct":
                    j = int(share.group(1))
                    ops.append(("share", s.figs[j].fig))
                    spans.append(("share", (s.figs[j].start, s.figs[j].end)))
                    missing = ()
                self.relations.append(
                    Relation(
                        kind="ratio",
                        form="one-in-n",
                        operands=tuple(ops),
                        missing=missing,
                        sentence=s.text,
                        spans=tuple(spans),
                        subject=_plain(tpl, s),
                    )
                )

    def _ratio(self, r: int, end: int, form: str) -> None:
        s, tpl = self.s, self.s.tpl
        lo, hi = s.clause(s.at(r))
        a = b = None
        rest = tpl[end:hi]
        resp = re.search(rf"\(\s*{F}\s+(?:and\s+{F}\s+respectively|compared\s+(?:with|to)\s+{F})\s*\)", rest)
        if resp:
            a, b = int(resp.group(1)), int(resp.group(2) or resp.group(3))
        else:
            pm = re.match(rf"([^⟨]*?)\(\s*{F}\s*\)([^⟨]*?)\b(?:than|as)\b([^⟨]*?)\(\s*{F}\s*\)", rest)
            if pm:
                a, b = int(pm.group(2)), int(pm.group(5))
        rf = s.figs[r].fig
        if rf.unit == "count" and rf.interval.width() == 0:  # '3 times': a ratio rounded to the unit
            rf = replace(rf, interval=rounding_interval(rf.value, 1.0))
        ops = [("ratio", rf)]
        spans = [("ratio", (s.figs[r].start, s.figs[r].end))]
        missing: list[str] = []
        for role, x in (("a", a), ("b", b)):
            if x is not None and self.u(x) == "pct":
                ops.append((role, s.figs[x].fig))
                spans.append((role, (s.figs[x].start, s.figs[x].end)))
                self.ratio_used.add(x)
            else:
                missing.append(role)
        self.ratio_used.add(r)
        self.relations.append(
            Relation(
                kind="ratio",
                form=form,
                operands=tuple(ops),
                missing=tuple(missing),
                sentence=s.text,
                spans=tuple(spans),
                end_period=_lead_period(s),
                subject=_plain(tpl[lo:hi], s),
            )
        )

    # ---- gaps and differences
    def read_gaps(self) -> None:
        s, tpl = self.s, self.s.tpl
        found: list[tuple[int, int]] = []  # (figure, position of the word 'gap')
        for m in re.finditer(r"\bgap\b", tpl, re.I):
            lo, hi = s.clause(m.start())
            after = tpl[m.end() : hi]
            fm = re.search(F, after)
            if not fm:
                continue
            bm = re.match(rf"[^⟨]*?\bbetween\s+{F}\s+and\s+{F}(\s+[^⟨]{{0,30}}?){F}", after)
            if bm and bm.group(3).strip():  # 'the gap between 44% and 16% is 28 points': the third figure
                lead = bm.group(3)
                g = int(bm.group(4))
            else:
                g = int(fm.group(1))
                lead = after[: fm.start()]
            if re.search(r"\bfrom\s*$|\bto\s*$", lead) or not re.search(
                rf"(?:\b(?:of|was|is|were|are|at|be|reached|stood|remains|remained|:)|\b(?:{QUAL}))\s*$", lead, re.I
            ):
                continue
            if re.match(r"\s*of\b", tpl[s.end_of(g) :]):
                continue  # '72% of young women': a rate, not the gap
            found.append((g, m.start()))
        # 'a 20 percentage point gap'
        found += [(int(m.group(1)), m.end() - 3) for m in re.finditer(rf"{F}\s+gap\b", tpl, re.I)]
        for g, gpos in sorted(set(found)):
            if self.u(g) in ("pp", "pct") and g not in self.gap_used:
                self._gap(g, gpos)
        self._gap_ends()

    def _gap(self, g: int, gpos: int) -> None:
        """The gap figure g and, when the sentence gives them, the two rates it is the difference of:
        'between A and B', 'A% of X compared to B% of Y, a gap of C', 'a gap of C, with A% of X and
        B% of Y'."""
        s, tpl = self.s, self.s.tpl
        lo, hi = s.clause(gpos)
        a = b = None
        pm = re.match(rf"[^⟨]*?\bbetween\s+{F}\s+and\s+{F}", tpl[gpos:hi])
        am = re.match(
            rf"[^⟨;]{{0,60}}?,?\s*(?:with|when|where)\s+[^⟨;]{{0,30}}?{F}[^⟨;]{{0,80}}?\band\s+{F}",
            tpl[s.end_of(g) : hi],
        )
        if pm:
            a, b = int(pm.group(1)), int(pm.group(2))
        elif am and self.u(int(am.group(1))) == self.u(int(am.group(2))) == "pct":
            a, b = int(am.group(1)), int(am.group(2))  # 'the gap was 21 points, with 39% of X and 60% of Y'
        else:
            # 'A% of X compared to B% of Y, a gap of C'
            before = [
                i
                for i in range(len(s.figs))
                if s.at(i) < gpos
                and self.u(i) == "pct"
                and not self._is_delta_index(i)
                and not s.paren_depth_words(s.at(i))
            ]
            if len(before) == 2 and re.search(
                r"\b(?:compared\s+(?:to|with)|and|while|whereas|against|versus|vs)\b",
                self.between(before[0], before[1]),
            ):
                link = tpl[s.end_of(before[1]) : gpos]
                same_time = not find_periods(link) and not self.period_after(g)
                if (
                    s.clause(s.at(before[0])) == s.clause(gpos)
                    and same_time
                    and len(link) <= 60
                    and not re.search(r"\b(?:and|but|in|for)\b", link.split(",")[-1])
                ):
                    a, b = before
        ops = [("gap", s.figs[g].fig)]
        spans = [("gap", (s.figs[g].start, s.figs[g].end))]
        missing = []
        for role, x in (("a", a), ("b", b)):
            if x is not None:
                ops.append((role, s.figs[x].fig))
                spans.append((role, (s.figs[x].start, s.figs[x].end)))
            else:
                missing.append(role)
        self.gap_used.add(g)
        self.relations.append(
            Relation(
                kind="gap",
                form="gap-of",
                operands=tuple(ops),
                missing=tuple(missing),
                sentence=s.text,
                spans=tuple(spans),
                end_period=self.period_after(g) or _lead_period(s),
                subject=_plain(tpl[lo:hi], s),
            )
        )

    def _gap_ends(self) -> None:
        s = self.s
        # 'the gap went down from 29 points to 23 points': each end is a gap too
        for rel in list(self.relations):
            if (
                rel.kind in ("direction", "change")
                and rel.form.startswith("from-to")
                and re.search(r"\bgap\b", rel.subject, re.I)
            ):
                have = {id(g) for r in self.relations if r.kind == "gap" for g in r.figures}
                for role, period in (("start", rel.start_period), ("end", rel.end_period)):
                    f = rel.get(role)
                    if f is not None and f.unit in ("percentage_points", "percent") and id(f) not in have:
                        self.relations.append(
                            Relation(
                                kind="gap",
                                form="gap-from-to",
                                operands=(("gap", f),),
                                missing=("a", "b"),
                                sentence=s.text,
                                end_period=period,
                                subject=rel.subject,
                            )
                        )

    def read_comparisons(self) -> None:
        """'X is higher than that for Y (38.9% and 37.8% respectively)': the first must be higher."""
        s, tpl = self.s, self.s.tpl
        for m in re.finditer(
            rf"\b(higher|lower|greater|smaller|more|less)\s+(?:likely\s+)?(?:to\s+[\w\s]{{1,40}}?)?than\b"
            rf"[^⟨;]{{0,80}}?\(\s*{F}\s+and\s+{F}\s+respectively\s*\)",
            tpl,
            re.I,
        ):
            a, b = int(m.group(2)), int(m.group(3))
            if a in self.ratio_used or self.u(a) != self.u(b) or self.u(a) not in ("pct", "count", "gbp", "num"):
                continue
            if re.search(
                r"\b(?:higher|lower|more|less)\s+(?:professional|working|education|income|standard|degree)",
                m.group(0)[: m.group(0).find("than")],
                re.I,
            ):
                continue
            lo, hi = s.clause(m.start())
            self.ratio_used.update({a, b})
            self.relations.append(
                Relation(
                    kind="difference",
                    form="comparative-respectively",
                    operands=(("a", s.figs[a].fig), ("b", s.figs[b].fig)),
                    missing=(),
                    sentence=s.text,
                    spans=(("a", (s.figs[a].start, s.figs[a].end)), ("b", (s.figs[b].start, s.figs[b].end))),
                    direction=COMPARATIVE[m.group(1).lower()],
                    direction_from="sentence",
                    subject=_plain(tpl[lo:hi], s),
                )
            )


def _links(text: str) -> bool:
    """Text between a printed change and a pair of values that keeps them one statement ('fell by
    8.0 per cent from', ', an increase of', ' from the previous year ('): no verb of its own, no
    second subject ('with', 'while', 'and')."""
    if GOVERNED.search(text) or re.search(r"\b(?:with|while|whilst|whereas|but|although|and|who|which)\b", text, re.I):
        return False
    for w in re.findall(r"\b[a-z]{3,}ing\b", text, re.I):
        if not re.fullmatch(rf"{UP}|{DOWN}", w, re.I):
            return False
    return True


def _governs(text: str) -> bool:
    """Text between a change word and the pair it describes ('fell from', 'increased by 4% from the
    previous year (', 'fell from 72% to 63% for boys and from'): no verb or subject of its own
    ('Following a decline in 2019, the rate recovered from', 'rose by 3%, with pupil numbers
    going from'), and no comparison with another group ('rose less for boys than girls (68% compared
    with 72%)')."""
    if GOVERNED.search(text) or re.search(r"\b(?:with|while|whilst|whereas|but|although|who|which|than)\b", text, re.I):
        return False
    return all(re.fullmatch(rf"{UP}|{DOWN}", w, re.I) for w in re.findall(r"\b[a-z]{3,}ing\b", text, re.I))


def _plain(tpl: str, s: _S) -> str:
    """A template fragment with its figures written back."""
    return re.sub(r"⟨(\d+)⟩", lambda m: s.figs[int(m.group(1))].fig.text.strip(), tpl).strip()


def _difference_parts(rels: list[Relation]) -> list[Relation]:
    """A comparative with another group ('26 points higher than the figure for Y') is a difference
    a - b = delta: a is the figure the clause is about, b the figure for the other group."""
    out = []
    for r in rels:
        if r.kind != "difference" or r.form == "comparative-respectively":
            out.append(r)
            continue
        ops = dict(r.operands)
        new_ops = []
        spans = dict(r.spans)
        new_spans = []
        for role, new in (("end", "a"), ("start", "b"), ("delta", "delta")):
            if role in ops:
                new_ops.append((new, ops[role]))
                if role in spans:
                    new_spans.append((new, spans[role]))
        missing = tuple(x for x in ("a", "b") if x not in {n for n, _ in new_ops})
        out.append(
            replace(
                r,
                operands=tuple(new_ops),
                spans=tuple(new_spans),
                missing=missing,
                start_period=None,
                end_period=None,
                relative=r.relative,
            )
        )
    return out


def parse_relations(
    sentence: str,
    figures: list[Figure],
    previous_sentence: str | None = None,
    previous_figures: list[Figure] | None = None,
) -> list[Relation]:
    """Every relation one sentence states between its figures (see the module docstring)."""
    figs = [f for f in figures if f.kind != "cell"]
    aligned = _align(sentence, figs)
    if not aligned:
        return []
    s = _S(sentence, aligned)
    prev = None
    if previous_sentence:
        pa = _align(previous_sentence, [f for f in (previous_figures or []) if f.kind != "cell"])
        prev = _S(previous_sentence, pa or [])
    r = _Reader(s, prev, previous_sentence)
    r.read_shares()
    r.read_changes()
    r.read_ratios()
    r.read_gaps()
    r.read_comparisons()
    return _difference_parts(r.relations)
