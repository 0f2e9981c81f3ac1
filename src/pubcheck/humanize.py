"""Numbers and counts as people write them: `3.6 million`, `GBP 17.75m`, `26.2 per cent`,
`1 error`, `3 errors`. Plain functions of plain values; every stage and renderer may use them."""

from __future__ import annotations

import math

_IRREGULAR = {"info": "info", "is": "are", "was": "were", "this": "these", "it": "they", "has": "have"}


def plural(n: int, word: str, many: str | None = None) -> str:
    """`1 error`, `2 errors`, `1 info`, `0 rows`; `many` for an irregular plural."""
    if n == 1:
        return f"{n:,} {word}"
    return f"{n:,} {many or _IRREGULAR.get(word) or _plural(word)}"


def _plural(word: str) -> str:
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def _trim(text: str) -> str:
    return text.rstrip("0").rstrip(".") if "." in text else text


def say_number(value: float | int | None, unit: str | None = None) -> str:
    """A value as a statistician would print it in prose.

    GBP: `GBP 17.75m`, `GBP 1.2bn`, `GBP 307,195`; percent: `26.2 per cent`; points:
    `4.0 percentage points`; counts and plain numbers: `150`, `86,000`, `3.6 million`,
    `0.83`. Never scientific notation."""
    if value is None:
        return "none"
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return str(value)
    v = float(value)
    if unit in ("GBP", "gbp", "pounds"):
        if abs(v) >= 1e9:
            return f"GBP {_trim(f'{v / 1e9:.2f}')}bn"
        if abs(v) >= 1e6:
            return f"GBP {_trim(f'{v / 1e6:.2f}')}m"
        return f"GBP {v:,.0f}"
    if unit in ("percent", "%"):
        return f"{v:.1f} per cent"
    if unit in ("points", "pp"):
        return f"{v:.1f} percentage {'point' if abs(v) == 1 else 'points'}"
    if abs(v) >= 1e9:
        return f"{_trim(f'{v / 1e9:.2f}')} billion"
    if abs(v) >= 1e6:
        return f"{_trim(f'{v / 1e6:.2f}')} million"
    if v.is_integer():
        return f"{int(v):,}"
    if abs(v) >= 100:
        return f"{v:,.1f}"
    return _trim(f"{v:.4g}") if abs(v) >= 1e-4 else f"{v:.6f}".rstrip("0")


def signed_change(old: float, new: float, unit: str | None = None) -> str:
    """`4.0 points lower`, `up 22.6 per cent` (relative for counts and money)."""
    if unit in ("percent", "%"):
        d = new - old
        return f"{abs(d):.1f} {'point' if abs(d) == 1 else 'points'} {'higher' if d > 0 else 'lower'}"
    if not old:
        return "new" if new else "unchanged"
    rel = (new - old) / abs(old) * 100
    return f"{'up' if rel > 0 else 'down'} {abs(rel):.1f} per cent"
