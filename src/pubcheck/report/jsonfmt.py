"""`--format json`: exactly the report object (`Report.to_dict()`)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from rich.console import Console

if TYPE_CHECKING:
    from pubcheck.report import Report


def render_json(report: Report, console: Console) -> None:
    from pubcheck.report.common import strict_json

    console.file.write(json.dumps(strict_json(report.to_dict()), indent=2, ensure_ascii=False, allow_nan=False) + "\n")
