"""selfhelp-tui: an offline terminal troubleshooting assistant.

Importing the package is cheap and never imports Textual: the TUI is loaded only
by the function that starts it.
"""

__version__ = "0.1.0"
