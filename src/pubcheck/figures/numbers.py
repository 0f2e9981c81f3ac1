"""Numbers as printed: parsing, precision and honest rounding intervals.

A printed 22.0 stands for any value in [21.95, 22.05]; a printed 86,000 for any count in
[85,500, 86,500] (trailing zeros may be rounding); "2.3 million" for [2.25m, 2.35m].
Qualifiers ("over", "nearly") move the interval as declared in checks/quantifiers.toml.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from pubcheck.model import Interval

WORD_NUMBERS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100,
}  # fmt: skip

SCALES = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000, "m": 1_000_000,
          "bn": 1_000_000_000, "k": 1_000}  # fmt: skip


def checks_dir() -> Path:
    """The project's declared rules (checks/), next to src/ in a checkout."""
    here = Path(__file__).resolve()
    for parent in here.parents:
        cand = parent / "checks"
        if (cand / "quantifiers.toml").is_file():
            return cand
    raise FileNotFoundError("checks/quantifiers.toml not found next to the pubcheck package")


@dataclass(frozen=True)
class Qualifier:
    kind: str
    below: float
    above: float
    below_share: float
    above_share: float


@dataclass(frozen=True)
class Quantifiers:
    fractions: dict[str, float]
    ratios: dict[str, float]
    qualifiers: dict[str, Qualifier]  # phrase -> qualifier
    bare: Qualifier


@lru_cache(maxsize=4)
def load_quantifiers(path: str | None = None, overrides: str | None = None) -> Quantifiers:
    """checks/quantifiers.toml, with a configuration's [quantifiers] bands laid over it
    (`overrides`: that table as a repr'd dict, so the result can be cached)."""
    p = Path(path) if path else checks_dir() / "quantifiers.toml"
    data = tomllib.loads(p.read_text(encoding="utf-8"))
    if overrides:
        import ast

        more = ast.literal_eval(overrides)
        for section in ("fractions", "ratios"):
            data[section] = {**data.get(section, {}), **more.get(section, {})}
        quals = {k: dict(v) for k, v in data["qualifiers"].items()}
        for kind, spec in more.get("qualifiers", {}).items():
            quals[kind] = {**quals.get(kind, {"words": [], "below": 0, "above": 0, "below_share": 0,
                                              "above_share": 0}), **spec}  # fmt: skip
        data["qualifiers"] = quals
    quals: dict[str, Qualifier] = {}
    bare = None
    for kind, spec in data["qualifiers"].items():
        q = Qualifier(kind, float(spec["below"]), float(spec["above"]),
                      float(spec["below_share"]), float(spec["above_share"]))  # fmt: skip
        if kind == "bare":
            bare = q
        for w in spec["words"]:
            quals[w.lower()] = q
    assert bare is not None, "quantifiers.toml needs [qualifiers.bare]"
    return Quantifiers(
        fractions={k.lower(): float(v) for k, v in data["fractions"].items()},
        ratios={k.lower(): float(v) for k, v in data["ratios"].items()},
        qualifiers=quals,
        bare=bare,
    )


_ACTIVE: ContextVar[Quantifiers | None] = ContextVar("pubcheck_quantifiers", default=None)


def active_quantifiers() -> Quantifiers:
    """The bands of the run: a configuration's (see `using_quantifiers`), else the defaults."""
    return _ACTIVE.get() or load_quantifiers()


@contextmanager
def using_quantifiers(overrides: dict | None) -> Iterator[Quantifiers]:
    """Within the block, verbal quantifiers and qualifiers use the configuration's bands."""
    q = load_quantifiers(None, repr(overrides)) if overrides else load_quantifiers()
    token = _ACTIVE.set(q)
    try:
        yield q
    finally:
        _ACTIVE.reset(token)


def parse_number(text: str) -> tuple[float, int]:
    """'86,000' -> (86000.0, 0); '16.8' -> (16.8, 1). Returns value and decimals."""
    t = text.strip().replace(",", "").replace("\u2009", "")
    if t.replace(".", "", 1).lstrip("+-").isdigit() and t.isascii():  # plain digits: no Decimal needed
        dot = t.find(".")
        return float(t), (len(t) - dot - 1 if dot >= 0 else 0)
    d = Decimal(t)
    exp = d.as_tuple().exponent
    decimals = -exp if isinstance(exp, int) and exp < 0 else 0
    return float(d), decimals


def count_step(digits: str, scale: int = 1, *, qualified: bool = False) -> float:
    """The rounding unit of a printed count.

    '86,000' -> 1000 (trailing zeros may be rounding: 85,500..86,499); a bare count is taken
    as rounded to the thousand at most, a qualified one ('around 550,000') to its last
    significant digit (10,000); '14,587' -> 1; '2.3' with scale million -> 100,000;
    '1' with scale million -> 1,000,000.
    """
    t = digits.replace(",", "").strip()
    if "." in t:
        decimals = len(t.split(".", 1)[1])
        return scale / (10**decimals)
    if scale > 1:
        return float(scale)
    stripped = t.rstrip("0")
    zeros = len(t) - len(stripped)
    if not stripped:  # "0"
        return 1.0
    # one trailing zero is usually significant (e.g. 290, 650): treat 2+ zeros as rounding
    if zeros < 2:
        return 1.0
    if not qualified:
        zeros = min(zeros, 3)
    return float(10**zeros)


def rounding_interval(value: float, step: float) -> Interval:
    """Every value that rounds to `value` at `step`: [v - step/2, v + step/2]."""
    h = step / 2.0
    return Interval(value - h, value + h)


def count_interval(value: float, step: float) -> Interval:
    """A printed count: exact when printed to the unit (14,587 is 14,587 people), otherwise
    the rounding interval of its last significant digit (86,000 is [85,500, 86,500))."""
    if step <= 1:
        return Interval(value, value)
    return rounding_interval(value, step)


def decimals_step(decimals: int) -> float:
    return 10.0 ** (-decimals)


def qualify(interval: Interval, value: float, qualifier: str | None, unit: str) -> Interval:
    """Move a rounding interval according to a qualifier phrase (see quantifiers.toml)."""
    if not qualifier:
        return interval
    q = active_quantifiers().qualifiers.get(qualifier.lower())
    if q is None or q.kind in ("approximate", "bare"):
        return interval
    points = unit in ("percent", "percentage_points")
    below = q.below if points else abs(value) * q.below_share
    above = q.above if points else abs(value) * q.above_share
    lo = value - below if below else interval.lo
    hi = value + above if above else interval.hi
    if q.kind in ("under", "less"):
        hi = interval.hi
    if q.kind == "over":
        lo = interval.lo
    if points and unit == "percent":
        lo, hi = max(lo, 0.0), min(hi, 100.0)
    return Interval(min(lo, hi), max(lo, hi))


def verbal_interval(exact: float, qualifier: str | None, *, ratio: bool = False) -> Interval:
    """The accepted range of a verbal fraction or ratio, e.g. 'nearly half' -> [40, 50]."""
    qs = active_quantifiers()
    q = qs.qualifiers.get((qualifier or "").lower(), qs.bare) if qualifier else qs.bare
    if ratio:
        lo = exact * (1 - q.below_share) if q.below_share else exact
        hi = exact * (1 + q.above_share) if q.above_share else exact
        return Interval(lo, hi)
    lo = exact - q.below if q.below else exact
    hi = exact + q.above if q.above else exact
    return Interval(max(lo, 0.0), min(hi, 100.0))


def fmt_value(v: float, precision: float | None = None) -> str:
    if math.isinf(v):
        return "inf"
    if precision is not None and precision < 1:
        decimals = max(0, round(-math.log10(precision)))
        return f"{v:,.{decimals}f}"
    if abs(v - round(v)) < 1e-9:
        return f"{int(round(v)):,}"
    return f"{v:,.2f}"


_WORD_RE = re.compile(r"\b(" + "|".join(sorted(WORD_NUMBERS, key=len, reverse=True)) + r")\b",
                      re.I)  # fmt: skip


def word_number(text: str) -> int | None:
    m = _WORD_RE.fullmatch(text.strip())
    return WORD_NUMBERS[m.group(1).lower()] if m else None
