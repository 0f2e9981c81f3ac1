"""The command line, and the pipeline that composes the stages.

Owns: `main` (cli/commands.py: argparse, the commands, exit codes; the module is not called
main.py, which the function `main` re-exported here would shadow), `run` (the entry point
`pubcheck = "pubcheck.cli:run"`: main in a process that loads pyspark only for --engine spark)
and `pipeline.check(target, ...) -> Report` (documents -> figures -> publication rules, +
extracts when asked).

May import: every stage. Nothing imports it: it is the top layer (see [tool.importlinter] in
pyproject.toml).
"""

from pubcheck.cli.commands import main, run

__all__ = ["main", "run"]
