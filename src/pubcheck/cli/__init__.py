"""The command line, and the pipeline that composes the stages.

Owns: `main` (cli/main.py: argparse, the commands, exit codes; the entry point
`pubcheck = "pubcheck.cli:main"`) and `pipeline.check(target, ...) -> Report` (documents ->
figures -> publication rules, + extracts when asked).

May import: every stage. Nothing imports it: it is the top layer (see [tool.importlinter] in
pyproject.toml).
"""

from pubcheck.cli.main import main

__all__ = ["main"]
