"""Checking a relation on its operands' rounding intervals (`check`): an error only when no values
the printed figures may stand for make the statement true."""

from __future__ import annotations

from collections.abc import Iterable

from pubcheck.figures.numbers import (
    fmt_value,
)
from pubcheck.model import Figure, Finding, Interval, Location
from pubcheck.publication.statements.relation import Relation

# --------------------------------------------------------------------------- checking


def _locs(figs: Iterable[Figure]) -> tuple[Location, ...]:
    seen: list[Location] = []
    for f in figs:
        if f.location not in seen:
            seen.append(f.location)
    return tuple(seen)


def _t(f: Figure) -> str:
    return f.text.strip()


def _stands(f: Figure) -> str:
    """'26.0% -> [25.95, 26.05)', or '24,363 (exact)' for a count printed to the unit."""
    return f"{_t(f)} (exact)" if f.interval.width() == 0 else f"{_t(f)} -> {f.interval.show()}"


def _neg(iv: Interval) -> Interval:
    return Interval(-iv.hi, -iv.lo)


def _shift(iv: Interval, k: float) -> Interval:
    return Interval(iv.lo + k, iv.hi + k)


def relative_change(start: Interval, end: Interval) -> Interval:
    """Every (e - s) / s * 100 for s in start, e in end (start positive): end/start - 1 is
    monotone in each, so the corners give the exact range."""
    return _shift(end.ratio(start).scale(100.0), -100.0)


def _signed(delta: Figure, direction: int | None) -> list[Interval]:
    iv = delta.interval
    if direction is None:
        return [iv, _neg(iv)]
    return [iv if direction > 0 else _neg(iv)]


def _finding(
    check_id: str, rel: Relation, message: str, expected: str, found: str, interval: str, severity: str = "error"
) -> Finding:
    return Finding(
        check=check_id,
        severity=severity,
        message=message,
        expected=expected,
        found=found,
        locations=_locs(rel.figures),
        interval=interval,
    )


def _word(f: Figure) -> str:
    return {"percentage_points": "percentage points", "percent": "per cent"}.get(f.unit, "")


def _direction_wrong(start: Interval, end: Interval, direction: int) -> bool:
    """True when no values the end points may stand for move the way the words say."""
    if direction > 0:
        return end.hi <= start.lo
    return end.lo >= start.hi


def check(rel: Relation) -> Finding | None:
    """The relation's arithmetic on its operands' rounding intervals; a Finding only when the
    intervals provably cannot meet. Incomplete relations are not checked."""
    if not rel.complete:
        return None
    try:
        return _CHECKS[rel.kind](rel)
    except (ValueError, ZeroDivisionError, OverflowError):
        return None


def _check_share(rel: Relation) -> Finding | None:
    part, whole, share = rel.get("part"), rel.get("whole"), rel.get("share")
    if part is None or whole is None or share is None or whole.interval.lo <= 0:
        return None
    ratio = part.interval.ratio(whole.interval).scale(100.0)
    if ratio.overlaps(share.interval):
        return None
    exact = 100.0 * part.value / whole.value
    return _finding(
        "count-percentage",
        rel,
        f"{_t(share)} should be {_t(part)} out of {_t(whole)} ({exact:.1f} per cent), but no values the "
        "figures may stand for give it.",
        f"a percentage in {ratio.show()}",
        f"{_t(share)} (stands for {share.interval.show()})",
        f"{_stands(part)}; {_stands(whole)}",
    )


def _check_change(rel: Relation) -> Finding | None:
    start, end, delta, factor = rel.get("start"), rel.get("end"), rel.get("delta"), rel.get("factor")
    if start is None or end is None:
        return None
    if rel.direction is not None and _direction_wrong(start.interval, end.interval, rel.direction):
        return _direction_finding(rel, start, end)
    if factor is not None:
        if start.interval.lo <= 0:
            return None
        got = end.interval.ratio(start.interval)
        if got.overlaps(factor.interval):
            return None
        return _finding(
            "change-arithmetic",
            rel,
            f"'{_t(factor)}' from {_t(start)} to {_t(end)}: {_t(end)} is {end.value / start.value:.2f} times "
            f"{_t(start)}, outside what '{_t(factor)}' accepts.",
            f"a ratio in {factor.interval.show()}",
            f"{got.show()}",
            "accepted ranges: checks/quantifiers.toml",
        )
    if delta is None:
        return None
    printed = _signed(delta, rel.direction)
    sign = "" if rel.direction is None else ("+" if rel.direction > 0 else "-")
    if delta.unit == "percent":
        if start.interval.lo <= 0:
            return None
        rel_iv = relative_change(start.interval, end.interval)
        if any(rel_iv.overlaps(p) for p in printed):
            return None
        if start.unit == "percent" and end.unit == "percent":
            points = end.interval - start.interval
            if any(points.overlaps(p) for p in printed):
                return _finding(
                    "unit-mismatch",
                    rel,
                    f"'{_t(delta)}' is the difference of two percentages ({_t(end)} - {_t(start)}) in percentage "
                    "points, but is printed as per cent (a relative change).",
                    f"{fmt_value(end.value - start.value, 0.01)} percentage points "
                    f"(or {relative_change(Interval(start.value, start.value), Interval(end.value, end.value)).lo:+.1f}"
                    " per cent)",
                    f"{sign}{_t(delta)}",
                    f"points {points.show()}; relative {rel_iv.show()}",
                    severity="warning",
                )
        exact = 100.0 * (end.value - start.value) / start.value
        return _finding(
            "change-arithmetic",
            rel,
            f"'{sign}{_t(delta)}' from {_t(start)} to {_t(end)}: those make a change of {exact:+.1f} per cent.",
            f"{exact:+.1f} per cent (any value in {rel_iv.show()})",
            f"{sign}{_t(delta)}",
            f"{_stands(start)}; {_stands(end)}",
        )
    diff = end.interval - start.interval
    if any(diff.overlaps(p) for p in printed):
        return None
    word = _word(delta)
    exact = end.value - start.value
    step = min(start.precision or 1, end.precision or 1, delta.precision or 1)
    return _finding(
        "change-arithmetic",
        rel,
        f"'{sign}{_t(delta)}' from {_t(start)} to {_t(end)}: those make a change of "
        f"{'+' if exact >= 0 else '-'}{fmt_value(abs(exact), step)}{(' ' + word) if word else ''}.",
        f"{fmt_value(exact, step)} (any value in {diff.show()})",
        f"{sign}{_t(delta)}",
        f"{_stands(start)}; {_stands(end)}",
    )


def _direction_finding(rel: Relation, start: Figure, end: Figure) -> Finding:
    said = "a rise" if (rel.direction or 0) > 0 else "a fall"
    went = "falls" if (rel.direction or 0) > 0 else "rises"
    where = " (the direction is stated in the sentence before)" if rel.direction_from == "previous sentence" else ""
    return _finding(
        "change-direction",
        rel,
        f"The text speaks of {said}{where}, but the figures it gives go from {_t(start)} to {_t(end)}, which {went}.",
        f"{_t(end)} {'above' if (rel.direction or 0) > 0 else 'below'} {_t(start)}",
        f"{_t(start)} to {_t(end)}",
        f"{_stands(start)}; {_stands(end)}",
    )


def _check_direction(rel: Relation) -> Finding | None:
    start, end = rel.get("start"), rel.get("end")
    if start is None or end is None or rel.direction is None:
        return None
    if _direction_wrong(start.interval, end.interval, rel.direction):
        return _direction_finding(rel, start, end)
    return None


def _check_ratio(rel: Relation) -> Finding | None:
    r = rel.get("ratio")
    if r is None:
        return None
    if rel.form == "one-in-n":
        share = rel.get("share")
        if share is None or share.interval.overlaps(r.interval):
            return None
        return _finding(
            "ratio-arithmetic",
            rel,
            f"'{_t(r)}' is {r.value:.1f} per cent, but the figure beside it is {_t(share)}.",
            f"a value in {r.interval.show()}",
            _t(share),
            "one in N: 100/N per cent",
        )
    a, b = rel.get("a"), rel.get("b")
    if a is None or b is None or b.interval.lo <= 0:
        return None
    got = a.interval.ratio(b.interval)
    accepted = [r.interval]
    if rel.form == "times-higher":  # '2 times higher' is said for 2 times as high, and for 3 times as high
        accepted.append(_shift(r.interval, 1.0))
    if any(got.overlaps(x) for x in accepted):
        return None
    return _finding(
        "ratio-arithmetic",
        rel,
        f"'{_t(r)}' relates {_t(a)} to {_t(b)}, a ratio of {a.value / b.value:.2f}.",
        f"a ratio in {' or '.join(x.show() for x in accepted)}",
        got.show(),
        f"{_stands(a)}; {_stands(b)}",
    )


def _abs(iv: Interval) -> Interval:
    if iv.lo >= 0:
        return iv
    if iv.hi <= 0:
        return _neg(iv)
    return Interval(0.0, max(-iv.lo, iv.hi))


def _check_gap(rel: Relation) -> Finding | None:
    g, a, b = rel.get("gap"), rel.get("a"), rel.get("b")
    if g is None or a is None or b is None:
        return None
    diff = _abs(a.interval - b.interval)
    if diff.overlaps(g.interval):
        return None
    return _finding(
        "gap-arithmetic",
        rel,
        f"The gap between {_t(a)} and {_t(b)} is {fmt_value(abs(a.value - b.value), 0.1)} points, but the text "
        f"gives {_t(g)}.",
        f"{fmt_value(abs(a.value - b.value), 0.1)} (any value in {diff.show()})",
        f"{_t(g)} (stands for {g.interval.show()})",
        f"{_stands(a)}; {_stands(b)}",
    )


def _check_difference(rel: Relation) -> Finding | None:
    a, b, delta = rel.get("a"), rel.get("b"), rel.get("delta")
    if a is None or b is None:
        return None
    if delta is None:
        if rel.direction is None or not _direction_wrong(b.interval, a.interval, rel.direction):
            return None
        word = "higher" if rel.direction > 0 else "lower"
        return _finding(
            "gap-arithmetic",
            rel,
            f"The text says the first is {word} than the second, but gives {_t(a)} and {_t(b)}.",
            f"{_t(a)} {word} than {_t(b)}",
            f"{_t(a)} and {_t(b)}",
            f"{_stands(a)}; {_stands(b)}",
        )
    if delta.unit == "percent":
        if b.interval.lo <= 0:
            return None
        got = relative_change(b.interval, a.interval)
    else:
        got = a.interval - b.interval
    if any(got.overlaps(p) for p in _signed(delta, rel.direction)):
        return None
    sign = "" if rel.direction is None else ("+" if rel.direction > 0 else "-")
    return _finding(
        "gap-arithmetic",
        rel,
        f"'{_t(delta)} {'higher' if (rel.direction or 0) > 0 else 'lower'}': {_t(a)} against {_t(b)} is a "
        f"difference of {fmt_value(a.value - b.value, 0.1)}.",
        f"any value in {got.show()}",
        f"{sign}{_t(delta)}",
        f"{_stands(a)}; {_stands(b)}",
    )


_CHECKS = {
    "share": _check_share,
    "change": _check_change,
    "direction": _check_direction,
    "ratio": _check_ratio,
    "gap": _check_gap,
    "difference": _check_difference,
}
