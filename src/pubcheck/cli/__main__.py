"""`python -m pubcheck.cli`: the same as the `pubcheck` command."""

from pubcheck.cli.commands import main

raise SystemExit(main())
