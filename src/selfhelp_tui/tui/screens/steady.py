"""A first screen laid out once for its first paint.

At start-up Textual lays a screen out as it is shown, then once for each Resize
the app passes on, all of the same size: the terminal's first size, the same
size again, and the screen's own, reported once it was first laid out. Each is a
whole reflow and repaint of the screen (4-13 ms for the home screen, in a real
terminal as in a headless one). The breakpoint classes (`-wide`, `-short`) are
the only thing the first of them changed; here they are set before the screen is
first laid out, and a Resize that changes neither the size the screen was laid
out at nor its classes changes nothing, so it is passed over.
"""

from __future__ import annotations

from textual import events
from textual.screen import Screen


class LaidOutOnce(Screen[None]):
    def _breakpoint_classes(self, width: int, height: int) -> dict[str, bool]:
        """Screen._on_resize's classes for a size (Textual 8.2.8, pinned)."""
        horizontal = (
            self.app.HORIZONTAL_BREAKPOINTS
            if self.HORIZONTAL_BREAKPOINTS is None
            else self.HORIZONTAL_BREAKPOINTS
        ) or []
        vertical = (
            self.app.VERTICAL_BREAKPOINTS
            if self.VERTICAL_BREAKPOINTS is None
            else self.VERTICAL_BREAKPOINTS
        ) or []
        classes = {name: False for _, name in (*horizontal, *vertical)}
        for name in self._get_breakpoint_classes(width, horizontal):
            classes[name] = True
        for name in self._get_breakpoint_classes(height, vertical):
            classes[name] = True
        return classes

    def _classes_match(self, width: int, height: int) -> bool:
        return all(
            self.has_class(name) == wanted
            for name, wanted in self._breakpoint_classes(width, height).items()
        )

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        # Before Screen's own handler lays the screen out, so it is laid out once.
        width, height = self.app.size
        if width and height and not self._classes_match(width, height):
            self.update_classes(self._breakpoint_classes(width, height), animate=False)

    async def _on_resize(self, event: events.Resize) -> None:
        width, height = event.size
        if event.size == self._size and self._classes_match(width, height):
            event.stop()
            event.prevent_default()  # nothing to lay out again
