"""Widgets of the TUI that Textual does not have as we need them."""
