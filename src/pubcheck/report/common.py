"""Helpers the renderers share."""

from __future__ import annotations

from pubcheck.model import Finding

STYLE = {"error": "bold red", "warning": "bold yellow", "info": "cyan"}


def _doc_of(f: Finding) -> str:
    return f.locations[0].document if f.locations else "(run)"


def _quote(q: str, width: int = 110, figure: str | None = None) -> str:
    """The quote, cut to `width` around the figure it is about."""
    q = " ".join(q.split())
    if len(q) <= width:
        return q
    at = q.find(figure) if figure else -1
    if at < 0:
        return q[: width - 1] + "…"
    start = max(0, min(at - width // 3, len(q) - width))
    cut = q[start : start + width]
    return ("…" if start > 0 else "") + cut + ("…" if start + width < len(q) else "")


def strict_json(value):  # type: ignore[no-untyped-def]
    """`value` with every non-finite float (inf, nan) as null: strict JSON parsers reject
    `Infinity`, which json.dumps writes by default."""
    import math

    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: strict_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [strict_json(v) for v in value]
    return value
