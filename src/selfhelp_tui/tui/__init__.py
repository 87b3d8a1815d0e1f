"""The Textual frontend. Importing this package imports Textual: only the code that
starts the TUI does so."""
