"""Every check id of `check`, `validate`, `refresh` and `fetch`, with its commands, severities,
one line and help text: `checks/catalog.toml` (data), and for the publication rules their
docstrings (the registry). `pubcheck rules` prints it; the CLI hands it to the report, whose
SARIF and HTML renderers show the help without knowing the stages."""

from __future__ import annotations

import tomllib
from typing import Any

from pubcheck.paths import checks_path


def _first_paragraph(doc: str) -> str:
    return " ".join(doc.strip().split("\n\n")[0].split())


def catalog() -> dict[str, dict[str, str]]:
    """check id -> {"command", "severity", "level", "summary", "help"}, in catalog order."""
    from pubcheck.publication.registry import registered

    data: dict[str, Any] = tomllib.loads(checks_path("catalog.toml").read_text(encoding="utf-8"))["check"]
    rules = registered()
    out: dict[str, dict[str, str]] = {}
    for cid, entry in data.items():
        severity = str(entry["severity"])
        help_text = _first_paragraph(rules[cid].doc) if cid in rules else str(entry["summary"])
        if cid in rules and help_text.rstrip(".") != str(entry["summary"]).rstrip("."):
            help_text = f"{entry['summary']}. {help_text}"
        out[cid] = {"command": str(entry["command"]), "severity": severity, "level": severity.split(",")[0].strip(),
                    "summary": str(entry["summary"]), "help": help_text}  # fmt: skip
    return out
