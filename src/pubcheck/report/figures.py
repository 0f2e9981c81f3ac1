"""`pubcheck figures`: every extracted figure as a table (console), JSON or CSV. FIGURE_FIELDS
are the columns of the CSV (published/figures/figures.csv) and of the published-figures
suite's table."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from pubcheck.model import Figure

FIGURE_FIELDS = ["document", "line", "value", "unit", "precision", "qualifier", "kind", "text",
                 "indicator", "measure", "breakdown", "period", "table", "row", "column", "quote"]  # fmt: skip


def figures_dict(figures: list[Figure]) -> dict[str, Any]:
    return {"figures": [f.to_dict() for f in figures]}


def render_figures(figures: list[Figure], fmt: str, console: Console) -> None:
    if fmt == "json":
        from pubcheck.report.common import strict_json

        console.file.write(json.dumps(strict_json(figures_dict(figures)), indent=2, ensure_ascii=False,
                                      allow_nan=False) + "\n")  # fmt: skip
        return
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=FIGURE_FIELDS, extrasaction="ignore")
        w.writeheader()
        for f in figures:
            w.writerow(f.to_dict())
        console.file.write(buf.getvalue())
        return
    t = Table(title=f"{len(figures)} figures", show_lines=False)
    # the location is never cut (it folds, line number included); "rounded to" is the rounding
    # unit as printed (0.1 for 16.8), not a half-width
    widest = max((len(f.location.label()) for f in figures), default=8)
    t.add_column("location", overflow="fold", min_width=min(widest, 72))
    t.add_column("figure", overflow="fold", ratio=1)
    for col in ("value", "unit", "rounded to", "qualifier"):
        t.add_column(col, no_wrap=True)
    t.add_column("linked to", overflow="fold", ratio=1)
    for f in figures:
        linked = f.key.describe() if f.key.indicator else ""
        t.add_row(escape(f.location.label()), escape(f.text), f"{f.value:g}", f.unit,
                  f"{f.precision:g}", f.qualifier or "", escape(linked))  # fmt: skip
    console.print(t)
