"""`python -m pubcheck.cli`: the same as the `pubcheck` command."""

from pubcheck.cli.commands import run

raise SystemExit(run())
