"""A high-contrast theme, beside Textual's own: pure black and white with one
bright accent, for low vision and washed-out projector or laptop screens."""

from __future__ import annotations

from textual.theme import Theme

HIGH_CONTRAST = Theme(
    name="selfhelp-high-contrast",
    primary="#FFFF00",
    secondary="#00FFFF",
    accent="#FFFF00",
    foreground="#FFFFFF",
    background="#000000",
    surface="#000000",
    panel="#000000",
    success="#00FF00",
    warning="#FFFF00",
    error="#FF5555",
    dark=True,
    variables={
        "text-muted": "#FFFFFF",
        "footer-key-foreground": "#FFFF00",
        "footer-background": "#000000",
        "footer-foreground": "#FFFFFF",
        "footer-description-foreground": "#FFFFFF",
        "footer-item-background": "#000000",
        "block-cursor-background": "#FFFF00",
        "block-cursor-foreground": "#000000",
        "block-cursor-text-style": "bold",
    },
)

THEMES = (HIGH_CONTRAST,)
