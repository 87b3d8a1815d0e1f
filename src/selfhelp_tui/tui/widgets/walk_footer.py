"""The walk screen's footer, changed in the frame of the step.

Textual's Footer unmounts and mounts all its keys a frame after any refresh of
bindings: a second frame, and about 30 ms, on every step where a key comes or
goes. It relies on Textual internals (`FooterKey`, the screen's binding chain):
Textual is pinned exactly, and the walk's key tests cover it.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

#: A footer key: (action, key, description); the command palette's action is marked.
_KeyId = tuple[str, str, str]
_PALETTE = "\0palette"


class WalkFooter(Footer):
    """The footer of the walk (and the home and outcome screens), changed in the
    frame of the step, and never cut off.

    Textual's Footer unmounts and mounts all its keys a frame after any refresh of
    bindings: a second frame, and ~30 ms, on every step where `c` comes or goes.
    This one mounts every key the screen can show once, then only shows, hides or
    dims them; anything else (another focus, another language) recomposes as before.

    Textual's cuts the keys off at the right edge (`? H` at 80 columns on a caution
    step; no Quit, no Help at 40). This one shows the keys that fit, by the screen's
    `FOOTER_PRIORITY` (actions, most needed first; Help comes first everywhere, and
    lists the keys left out), in their usual order.
    """

    def __init__(self) -> None:
        super().__init__()
        self._keys: dict[_KeyId, FooterKey] = {}
        #: A recompose is on its way (the keys shown need other widgets).
        self._stale = False

    def _palette(self) -> str | None:
        app = self.app
        shown = self.show_command_palette and app.ENABLE_COMMAND_PALETTE
        return app.COMMAND_PALETTE_BINDING if shown else None

    def _candidates(self) -> list[tuple[_KeyId, Binding]]:
        """Every key the footer could show here, in its order: the first shown binding
        of each action along the binding chain, whatever `check_action` says now."""
        palette = self._palette()
        found: dict[str, tuple[_KeyId, Binding]] = {}
        tail: list[tuple[_KeyId, Binding]] = []
        for _namespace, bindings in self.screen._modal_binding_chain:
            for key, binding in bindings:
                if key == palette:  # the first, or a priority one after it (as Textual)
                    if not tail or (binding.priority and not tail[0][1].priority):
                        tail[:] = [((_PALETTE, key, binding.description), binding)]
                elif binding.show and binding.action not in found:
                    found[binding.action] = ((binding.action, key, binding.description), binding)
        return [*found.values(), *tail]

    def _shown(self) -> dict[_KeyId, bool]:
        """What Textual's footer would show now, and whether each key is enabled."""
        palette = self._palette()
        shown: dict[_KeyId, bool] = {}
        actions: set[str] = set()
        tail: dict[_KeyId, bool] = {}
        for key, (_namespace, binding, enabled, _tooltip) in self.screen.active_bindings.items():
            if key == palette:
                tail[(_PALETTE, key, binding.description)] = enabled
            elif binding.show and binding.action not in actions:
                actions.add(binding.action)
                shown[(binding.action, key, binding.description)] = enabled
        return shown | tail

    def compose(self) -> ComposeResult:
        self._keys = {}
        self._stale = False
        if not self._bindings_ready:
            return
        for key_id, binding in self._candidates():
            palette = key_id[0] == _PALETTE
            footer_key = FooterKey(
                binding.key,
                self.app.get_key_display(binding),
                binding.description,
                binding.action,
                tooltip=(binding.tooltip or binding.description) if palette else binding.tooltip,
                classes="-command-palette" if palette else "",
            )
            if not palette:
                footer_key.data_bind(compact=Footer.compact)
            self._keys[key_id] = footer_key
            yield footer_key
        self._show(self._shown())
        self.call_after_refresh(self._refit)  # once the keys have their styles

    def _rank(self, key_id: _KeyId, place: int) -> tuple[int, int]:
        """How much a key is needed here: Help, then the screen's priorities, then
        the rest in their order, the palette (also in Help, and the palette lists
        every command) last."""
        wanted: tuple[str, ...] = ("help", "app.help", *getattr(self.screen, "FOOTER_PRIORITY", ()))
        action = key_id[0].partition("(")[0]
        if key_id[0] == _PALETTE:
            return (len(wanted) + 1, place)
        return (wanted.index(action), place) if action in wanted else (len(wanted), place)

    @staticmethod
    def _width(footer_key: FooterKey) -> int:
        """The cells a key takes, as FooterKey draws it (its paddings, margins, border)."""
        key_pad = footer_key.get_component_styles("footer-key--key").padding
        width = cell_len(footer_key.key_display) + key_pad.width
        if footer_key.description:
            pad = footer_key.get_component_styles("footer-key--description").padding
            width += cell_len(footer_key.description) + pad.width
        return width + footer_key.styles.gutter.width + footer_key.styles.margin.width

    def _fit(self, shown: dict[_KeyId, bool]) -> dict[_KeyId, bool]:
        """The keys of `shown` that fit the footer, the most needed first."""
        room = self.size.width
        if not room or not all(self._keys[key_id].is_mounted for key_id in shown):
            return shown  # not laid out yet: `_refit` comes after
        widths = {key_id: self._width(self._keys[key_id]) for key_id in shown}
        if sum(widths.values()) <= room:
            return shown
        kept: set[_KeyId] = set()
        for _place, key_id in sorted(enumerate(shown), key=lambda pk: self._rank(pk[1], pk[0])):
            if widths[key_id] <= room:
                kept.add(key_id)
                room -= widths[key_id]
        return {key_id: enabled for key_id, enabled in shown.items() if key_id in kept}

    def _refit(self) -> None:
        if self._keys and not self._stale and self.is_attached:
            self._show(self._shown())

    def on_resize(self) -> None:
        self._refit()

    def _show(self, shown: dict[_KeyId, bool]) -> bool | None:
        """Show, hide and dim the mounted keys; None if `shown` needs other keys."""
        order = list(self._keys)
        if any(key_id not in self._keys for key_id in shown):
            return None
        places = [order.index(key_id) for key_id in shown]
        if places != sorted(places):
            return None
        shown = self._fit(shown)
        changed = False
        for key_id, footer_key in self._keys.items():
            visible = key_id in shown
            disabled = visible and not shown[key_id]
            if footer_key.display != visible or footer_key._disabled != disabled:
                footer_key.display = visible
                footer_key._disabled = disabled
                footer_key.set_class(disabled, "-disabled")
                changed = True
        return changed

    def sync(self) -> bool:
        """Bring the keys up to date now; False if nothing changed."""
        if not self._keys:  # not composed yet: the bindings signal will
            return True
        if self._stale or not self.app.app_focus:
            return False
        changed = self._show(self._shown())
        if changed is None:
            self._stale = True
            self.call_after_refresh(self.recompose)
            return True
        return changed

    def bindings_changed(self, screen: Screen[object]) -> None:
        if self._keys and screen is self.screen and self.is_attached:
            self.sync()
        else:
            super().bindings_changed(screen)
