"""Where the bundled material lives (published/, checks/) relative to the package."""

from __future__ import annotations

from pathlib import Path


def project_root() -> Path | None:
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "checks").is_dir() and (parent / "published").is_dir():
            return parent
    return None


def published_dir() -> Path | None:
    root = project_root()
    return root / "published" if root else None


def checks_path(name: str) -> Path:
    root = project_root()
    if root is None:
        raise FileNotFoundError("pubcheck's checks/ folder was not found next to the package")
    return root / "checks" / name
