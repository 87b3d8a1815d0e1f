"""An option list that is painted once for a change, not two or three times."""

from __future__ import annotations

from textual.geometry import Size
from textual.widgets import OptionList


class SteadyOptionList(OptionList):
    """Textual's `OptionList`, minus the repaints that show nothing new.

    Textual paints the screen at most once a frame, and in 8.2.8 the frame after a
    paint comes 17-33 ms later (`Timer._run` skips one frame too many when it was
    paused), so every extra paint after a key costs the reader that much. Two came
    from the list (bench/in_app.py), and each is dealt with here.

    First: a scroll view keeps its own virtual size (the height of all its lines), while a
    layout hands it the size of its region; in Textual 8.2.8 `ScrollView` compares
    the two, finds them different whenever the list is longer than its region, and
    repaints its scroll bars in the next frame. Every key typed into the home
    screen's search box lays the screen out (the box may widen). The list's own
    changes still update its scroll bars (`OptionList._update_lines`), and a new
    size or container size goes on to Textual as before.

    Second: a widget asks the screen for its repaint only once its own messages are
    done, which after a key is after the screen has laid itself out and painted, the
    list included; the same list was then painted a second time. `paint_with_screen`
    asks at once, so the list is in the screen's next paint and in no later one.
    """

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        if size == self._size and container_size == self.container_size:
            return False
        return super()._size_updated(size, virtual_size, container_size, layout)

    def paint_with_screen(self) -> None:
        """Put the list's pending repaint (and layout) into the screen's next paint:
        what Textual does when the list next falls idle, done now."""
        self._check_refresh()
        for bar in (self._vertical_scrollbar, self._horizontal_scrollbar):
            if bar is not None:  # shown or hidden as the list's length changed
                bar._check_refresh()
