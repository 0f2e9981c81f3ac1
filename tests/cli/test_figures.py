"""`pubcheck figures`: published/figures/figures.csv is what the command writes today."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_figure_table_in_published_is_regenerated_not_edited(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """published/figures/figures.csv must be exactly what `pubcheck figures` writes today."""
    from pubcheck.cli import main

    monkeypatch.chdir(ROOT)
    out = ROOT / ".pytest_cache" / "figures.csv"
    out.parent.mkdir(exist_ok=True)
    assert main(["figures", "published", "--format", "csv", "--output", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == (ROOT / "published" / "figures" / "figures.csv").read_text(
        encoding="utf-8"
    ), "published/figures/figures.csv is stale: run `make figures`"
