"""Figures timed inside the app: a key press to the screen a reader sees.

The clock starts as the key event is posted to the app (what its terminal driver
does) and stops at a screen update the app sends to the terminal (`App._display`;
headless mode skips the encoding, so it is done here). Each key is then left to
settle, untimed, and its updates are replayed onto a model terminal: a widget that
fills in a frame later moves the end to its own paint, while a later repaint of
identical cells does not.
"""

from __future__ import annotations

import asyncio
import random
import tempfile
import time
from pathlib import Path
from typing import Any

from .generate import generate
from .timing import Row, p95


class Terminal:
    """What a terminal shows: every cell the app's screen updates have written.
    Cells are strings (char and style), so keeping the states makes no work for the
    garbage collector, whose pauses would land in the app's timed keys."""

    def __init__(self, width: int, height: int) -> None:
        self.rows = [[" "] * width for _ in range(height)]

    def apply(self, update: Any, console: Any) -> None:
        from rich.cells import cell_len
        from rich.segment import ControlType

        rows = self.rows
        x = y = 0
        for segment in update.__rich_console__(console, console.options):
            if segment.control:
                for code in segment.control:
                    if code[0] == ControlType.CURSOR_MOVE_TO:
                        x, y = int(code[1]), int(code[2])
                continue
            if segment.text == "\n" or not 0 <= y < len(rows):  # lines start with a move
                continue
            style = str(segment.style or "")
            row = rows[y]
            for char in segment.text:
                if 0 <= x < len(row):
                    row[x] = char + "\0" + style
                x += 1
                if cell_len(char) == 2:
                    if 0 <= x < len(row):
                        row[x] = "\0" + style
                    x += 1

    def state(self) -> str:
        return "\n".join("\1".join(row) for row in self.rows)

    def text(self) -> str:
        return "\n".join("".join(cell.split("\0")[0] for cell in row) for row in self.rows)


def timed_app_class() -> type:
    """The app, keeping every screen update it sends to the terminal, and when."""
    from textual._compositor import CompositorUpdate

    from selfhelp_tui.tui import app as app_module
    from selfhelp_tui.tui.app import SelfhelpApp

    class Timed(SelfhelpApp):  # type: ignore[misc,valid-type]
        CSS_PATH = str(Path(app_module.__file__).parent / "app.tcss")
        paints: list[tuple[float, Any]]

        def _display(self, screen: Any, renderable: Any) -> None:
            super()._display(screen, renderable)
            if isinstance(renderable, CompositorUpdate) and not self._batch_count:
                renderable.render_segments(self.console)
                self.paints.append((time.perf_counter(), renderable))

    return Timed


def _pending(screen: Any) -> bool:
    """Whether anything on the screen still waits to be processed or painted."""
    return bool(
        screen._layout_required
        or screen._scroll_required
        or screen._repaint_required
        or screen._dirty_widgets
        or screen._compositor._dirty_regions
        or any(node._message_queue.qsize() for node in screen.walk_children(with_self=True))
    )


async def settle(app: Any, quiet: float = 0.1, limit: float = 10.0) -> None:
    """Wait (untimed) until no update came for `quiet` seconds and none is due."""
    begun = time.perf_counter()
    while time.perf_counter() - begun < limit:
        await asyncio.sleep(0.01)
        last = app.paints[-1][0] if app.paints else begun
        if time.perf_counter() - last >= quiet and not _pending(app.screen):
            return
    raise RuntimeError("the screen never settled")


def replay(app: Any, terminal: Terminal, start: float) -> tuple[float, float]:
    """Milliseconds from `start` to the update after which the terminal showed its
    final screen, and to the last update."""
    states = []
    for _stamp, update in app.paints:
        terminal.apply(update, app.console)
        states.append(terminal.state())
    final = len(states) - 1
    while final > 0 and states[final - 1] == states[-1]:
        final -= 1
    return (app.paints[final][0] - start) * 1000, (app.paints[-1][0] - start) * 1000


# --- a step --------------------------------------------------------------------------


def _step_keys(guide: Any, count: int, seed: int = 11) -> list[str]:
    """`count` keys that each move a walk of `guide` to another node, never to an
    outcome: the longest path without repeats a bounded search finds, then back
    along it (backspace is a step too) and forward again, as often as needed."""
    rng = random.Random(seed)
    nodes = guide.nodes

    def onward(node_id: str) -> list[tuple[int, str]]:
        links = nodes[node_id].links()[:9]
        found = [
            (i, link.target)
            for i, link in enumerate(links)
            if not link.is_external and link.target in nodes and not nodes[link.target].is_outcome
        ]
        rng.shuffle(found)
        return found

    best: list[tuple[int, str]] = []
    path: list[tuple[int, str]] = []
    seen = {guide.start}
    stack = [iter(onward(guide.start))]
    budget = 200_000
    while stack and budget and len(best) < count:
        budget -= 1
        step = next(stack[-1], None)
        if step is None:
            stack.pop()
            if path:
                seen.discard(path.pop()[1])
            continue
        if step[1] in seen:
            continue
        path.append(step)
        seen.add(step[1])
        stack.append(iter(onward(step[1])))
        if len(path) > len(best):
            best = list(path)
    forward = [str(i + 1) for i, _target in best]
    keys: list[str] = []
    while forward and len(keys) < count:
        keys += forward + ["backspace"] * len(forward)
    return keys[:count]


def step_latency(step_nodes: int, steps: int = 60) -> Row:
    """Key press to repainted screen in a long guide, over `steps` steps along a long
    path and back. Every step must show its new node."""
    from textual import events

    from selfhelp_tui.guides import load_library
    from selfhelp_tui.guides.library import Source
    from selfhelp_tui.guides.text import markdown_to_plain

    folder = generate(Path(tempfile.mkdtemp(prefix="selfhelp-step-")), 1, step_nodes, seed=3)
    library = load_library([Source(folder, "b")])
    timed = timed_app_class()

    async def measure() -> tuple[list[float], list[float]]:
        app = timed(library, start_guide="g00000")
        app.paints = []
        terminal = Terminal(80, 24)
        keys = _step_keys(library.get("g00000"), steps)
        shown: list[float] = []
        last: list[float] = []
        async with app.run_test(size=(80, 24)):
            await settle(app)
            for _stamp, update in app.paints:
                terminal.apply(update, app.console)
            for key in keys:
                walk = getattr(app.screen, "walk", None)
                if walk is None or walk.finished:
                    break
                before = walk.node.id
                app.paints.clear()
                start = time.perf_counter()
                app.post_message(events.Key(key, key if len(key) == 1 else None))
                await settle(app)
                if walk.node.id == before or not app.paints:
                    raise RuntimeError(f"{key!r} did not move the walk from {before}")
                to_final, to_last = replay(app, terminal, start)
                line = next(ln for ln in markdown_to_plain(walk.node.text).splitlines() if ln)
                if " ".join(line.split()[:3]) not in " ".join(terminal.text().split()):
                    raise RuntimeError(f"the terminal does not show node {walk.node.id}")
                shown.append(to_final)
                last.append(to_last)
        return shown, last

    samples, lasts = asyncio.run(measure())
    value = p95(samples) if samples else None
    return Row(
        f"a step in a {step_nodes}-node guide (p95)",
        value,
        "ms",
        None,
        "<= 16 ms",
        value is not None and value <= 16,
        f"{len(samples)} steps, key to the final screen; to its last repaint "
        f"{p95(lasts) if lasts else 0:.1f} ms",
    )


# --- the home screen -----------------------------------------------------------------

#: Typed on the home screen of a library where every guide has it in a symptom
#: (bench/generate.py), so every prefix of it matches every guide.
EVERY_GUIDE_QUERY = "bench library"


def home_search_latency(library_dir: Path, rounds: int = 3) -> Row:
    """Key press to the last repaint of the home screen, typing a query that every
    guide of the library matches, `rounds` times (cleared with Escape in between,
    untimed): the list the reader sees is rebuilt on every key."""
    from textual import events

    from selfhelp_tui.guides import load_library
    from selfhelp_tui.guides.library import Source

    library = load_library([Source(library_dir, "bench")])
    timed = timed_app_class()

    async def measure() -> tuple[list[float], int]:
        app = timed(library)
        app.paints = []
        samples: list[float] = []
        hits = 0
        async with app.run_test(size=(80, 24)):
            await settle(app, quiet=0.5)  # the index and the full list are made by then
            home = app.screen
            home.index  # noqa: B018 - made now, untimed, as a reader's pause would
            hits = len(home.index.search(EVERY_GUIDE_QUERY))
            for _ in range(rounds):
                for char in EVERY_GUIDE_QUERY:
                    app.paints.clear()
                    key = "space" if char == " " else char
                    start = time.perf_counter()
                    app.post_message(events.Key(key, char))
                    await settle(app)
                    if not app.paints:
                        raise RuntimeError(f"typing {char!r} did not repaint the home screen")
                    samples.append((app.paints[-1][0] - start) * 1000)
                app.post_message(events.Key("escape", None))
                await settle(app)
        return samples, hits

    samples, hits = asyncio.run(measure())
    if hits != len(library.infos):
        raise RuntimeError(f"the query matches {hits} of {len(library.infos)} guides")
    value = p95(samples)
    return Row(
        "home screen, key press to last repaint (p95)",
        value,
        "ms",
        None,
        "<= 20 ms",
        value <= 20,
        f"{len(library.infos)} guides, every one matching; median "
        f"{sorted(samples)[len(samples) // 2]:.1f} ms",
    )
