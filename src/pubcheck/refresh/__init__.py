"""Stage 5a, the data-refresh gate (`pubcheck refresh`): is a new extract what we expect, and
did anything already published move?

Owns: `gate.run_refresh(previous, current) -> Report` (the entry point: for every extract,
intake, contracts, the GX checkpoint and the refresh rules), `intake` (frictionless structure
checks), `gx` (Great Expectations suites as reviewable JSON, run on polars frames; GX itself
is imported only when a suite runs), `drift` (the refresh rules against the previous extract),
`published_suites` (the published figures validated as data: `refresh --published`).

May import: pubcheck.extracts and the layers below it, and schemas/. It is a sibling of
pubcheck.synth: neither imports the other. Only the CLI imports it.

The public names of the gate are re-exported here (`pubcheck.refresh.run_refresh`).
"""

from pubcheck.refresh.drift import DEFAULTS, RefreshConfig, read_revisions
from pubcheck.refresh.gate import adjust_suite, refresh_extracts, run_refresh

__all__ = ["DEFAULTS", "RefreshConfig", "adjust_suite", "read_revisions", "refresh_extracts", "run_refresh"]
