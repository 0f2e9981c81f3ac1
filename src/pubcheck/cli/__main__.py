"""`python -m pubcheck.cli`: the same as the `pubcheck` command."""

from pubcheck.cli.main import main

raise SystemExit(main())
