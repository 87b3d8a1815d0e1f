"""`selfhelp serve` end to end: a real server, a real headless Chromium, real keys.

The browser draws the terminal on a canvas, so the screen's text is read the way
the page gets it: the app's output frames from the page's websocket, replayed into
a terminal emulator (pyte). A screenshot is kept in artifacts/ for people.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import LIBRARY, ROOT, selfhelp_cmd

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="no Chromium installed (apt-get install chromium); .ci/run installs it"
)
ARTIFACTS = Path(os.environ.get("SELFHELP_ARTIFACTS", ROOT / "artifacts"))
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(port: int, proc: subprocess.Popen, timeout: float = 30) -> None:  # type: ignore[type-arg]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"selfhelp serve exited early: {proc.stderr.read()}")  # type: ignore[union-attr]
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise AssertionError("selfhelp serve did not listen in time")


class Screen:
    """The terminal as the page shows it, rebuilt from the websocket frames."""

    def __init__(self, cols: int, rows: int) -> None:
        import pyte

        self.screen = pyte.Screen(cols, rows)
        self.stream = pyte.ByteStream(self.screen)

    def feed(self, payload: bytes | str) -> None:
        if isinstance(payload, bytes):
            self.stream.feed(payload)

    def text(self) -> str:
        return "\n".join(line.rstrip() for line in self.screen.display)


@pytest.fixture
def server(tmp_path: Path, cli_env: dict[str, str]):  # type: ignore[no-untyped-def]
    port = free_port()
    data = tmp_path / "data"
    proc = subprocess.Popen(
        [
            *selfhelp_cmd(),
            "serve",
            "--port",
            str(port),
            "--no-bundled",
            "--guides",
            str(LIBRARY),
            "--data-dir",
            str(data),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=cli_env,
    )
    try:
        wait_for_port(port, proc)
        yield f"http://127.0.0.1:{port}", data
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def wait_for_text(page, screen: Screen, text: str, timeout: float = 30) -> str:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        page.wait_for_timeout(100)  # lets Playwright deliver websocket frames
        shown = screen.text()
        if text in shown:
            return shown
    raise AssertionError(f"{text!r} never appeared on the page; it shows:\n{screen.text()}")


def test_walk_a_guide_to_its_outcome_in_a_real_browser(server) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    url, data = server
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1000, "height": 640})
            screen = Screen(200, 60)

            def on_socket(ws) -> None:  # type: ignore[no-untyped-def]
                ws.on("framereceived", screen.feed)

            page.on("websocket", on_socket)
            page.goto(url)
            page.wait_for_selector(".textual-terminal")
            page.locator(".textual-terminal").click()
            page.bring_to_front()
            wait_for_text(page, screen, "The printer does not print")
            # The page must have focus, or the app is told it is blurred and
            # the search box gives up its focus (as in a background tab).
            page.focus(".xterm-helper-textarea")
            for key in "printr":  # a search, with a typo
                page.keyboard.press(key)
                page.wait_for_timeout(50)
            wait_for_text(page, screen, "printr")
            page.keyboard.press("Enter")
            wait_for_text(page, screen, "Is the printer switched on")
            page.keyboard.press("1")
            wait_for_text(page, screen, "lpstat -o")
            page.keyboard.press("2")
            shown = wait_for_text(page, screen, "Needs escalation")
            assert "lpstat -t" in shown
            page.screenshot(path=str(ARTIFACTS / "serve-outcome.png"))
        finally:
            browser.close()
    assert (ARTIFACTS / "serve-outcome.png").stat().st_size > 1000
    # The served app logs like the TUI, as frontend "web": one record for the walk.
    from selfhelp_tui.feedback.store import Store

    deadline = time.monotonic() + 10
    records: list[dict] = []  # type: ignore[type-arg]
    while time.monotonic() < deadline and not records:
        records = list(Store(data / "outcomes.sqlite3").pending())
        time.sleep(0.1)
    assert [(r["frontend"], r["outcome"], r["path"]) for r in records] == [
        ("web", "escalate", ["power", "queue", "call-support"])
    ]


def test_serve_warns_when_not_on_loopback(cli_env) -> None:  # type: ignore[no-untyped-def]
    from selfhelp_tui.cli.cmd_serve import is_loopback

    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.0.2.1")


def test_serve_without_the_web_extra_says_how_to_get_it(tmp_path: Path, cli_env) -> None:  # type: ignore[no-untyped-def]
    blocker = tmp_path / "block"
    blocker.mkdir()
    (blocker / "textual_serve").mkdir()
    (blocker / "textual_serve" / "__init__.py").write_text("raise ImportError('not installed')\n")
    env = {**cli_env, "PYTHONPATH": str(blocker)}
    proc = subprocess.run(
        [sys.executable, "-m", "selfhelp_tui", "serve"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert "pip install 'selfhelp-tui[web]'" in proc.stderr
