"""`python -m selfhelp_tui` does what the `selfhelp` command does."""

from .cli import main

raise SystemExit(main())
