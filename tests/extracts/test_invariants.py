"""The indicator invariants of schemas/indicators.py on the tables recomputed from the bundled
extracts: they hold."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_recomputed_tables_hold_the_invariants() -> None:
    from pubcheck.extracts.contracts import find_extracts, load_extract
    from pubcheck.extracts.invariants import recomputed_findings
    from pubcheck.extracts.recompute import aggregate, read_scales

    d = ROOT / "fixtures" / "extracts"
    frames = {s: load_extract(p, s)[0] for s, p in find_extracts(d).items()}
    agg = aggregate({s: f for s, f in frames.items() if f is not None}, read_scales(d))
    assert {"pupils", "reoffending", "children"} <= set(agg.frames)
    assert recomputed_findings(agg, str(d)) == []
