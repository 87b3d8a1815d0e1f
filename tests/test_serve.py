"""`selfhelp serve` end to end: a real server, a real headless Chromium, real keys.

The browser draws the terminal on a canvas, so the screen's text is read the way
the page gets it: the app's output frames from the page's websocket, replayed into
a terminal emulator (pyte). A screenshot is kept in artifacts/ for people.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

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


class Served:
    """A running `selfhelp serve`: the address it printed (token included), where
    its data and logs are, and the parts of the address tests take apart."""

    def __init__(self, url: str, port: int, data: Path, out: Path, err: Path) -> None:
        self.url, self.port, self.data, self.out, self.err = url, port, data, out, err
        query = parse_qs(urlsplit(url).query)
        self.token = query["token"][0] if "token" in query else None
        self.origin = f"http://127.0.0.1:{port}"

    def records(self) -> list[dict]:  # type: ignore[type-arg]
        from selfhelp_tui.feedback.store import Store

        db = self.data / "outcomes.sqlite3"
        return list(Store(db).pending()) if db.exists() else []


def start_serve(tmp_path: Path, env: dict[str, str], *extra: str):  # type: ignore[no-untyped-def]
    """Start `selfhelp serve` and wait for the address it prints once it listens."""
    port = free_port()
    data = tmp_path / "data"
    out, err = tmp_path / "serve.out", tmp_path / "serve.err"
    with out.open("w") as out_file, err.open("w") as err_file:
        proc = subprocess.Popen(
            [*selfhelp_cmd(), "serve", "--port", str(port), "--no-bundled",
             "--guides", str(LIBRARY), "--data-dir", str(data), *extra],
            stdout=out_file, stderr=err_file, text=True, env=env,
        )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        found = re.search(r"Serving selfhelp on (\S+)", err.read_text())
        if found:
            return proc, Served(found.group(1), port, data, out, err)
        if proc.poll() is not None:
            raise AssertionError(f"selfhelp serve exited early: {err.read_text()}")
        time.sleep(0.1)
    proc.kill()
    raise AssertionError(f"selfhelp serve printed no address: {err.read_text()}")


def stop(proc: subprocess.Popen) -> None:  # type: ignore[type-arg]
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


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
    proc, served = start_serve(tmp_path, cli_env)
    try:
        yield served
    finally:
        stop(proc)


def open_app(browser, url: str):  # type: ignore[no-untyped-def]
    """A new browser context (its own cookies: another visitor) on the app's page,
    with the screen it shows."""
    context = browser.new_context(viewport={"width": 1000, "height": 640})
    page = context.new_page()
    screen = Screen(200, 60)
    page.on("websocket", lambda ws: ws.on("framereceived", screen.feed))
    page.goto(url)
    page.wait_for_selector(".textual-terminal")
    page.locator(".textual-terminal").click()
    page.bring_to_front()
    return page, screen


def wait_for_text(page, screen: Screen, text: str, timeout: float = 30) -> str:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        page.wait_for_timeout(100)  # lets Playwright deliver websocket frames
        shown = screen.text()
        if text in shown:
            return shown
    raise AssertionError(f"{text!r} never appeared on the page; it shows:\n{screen.text()}")


def walk_the_printer_guide(page, screen: Screen) -> str:  # type: ignore[no-untyped-def]
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
    return wait_for_text(page, screen, "Needs escalation")


def wait_for_records(served: Served, n: int) -> list[dict]:  # type: ignore[type-arg]
    deadline = time.monotonic() + 10
    records = served.records()
    while time.monotonic() < deadline and len(records) < n:
        time.sleep(0.1)
        records = served.records()
    return records


def test_walk_a_guide_to_its_outcome_in_a_real_browser(server: Served) -> None:
    from playwright.sync_api import sync_playwright

    assert server.token and len(server.token) >= 40  # the printed address carries it
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            page, screen = open_app(browser, server.url)
            assert "token" not in page.url  # traded for a cookie, gone from the address
            shown = walk_the_printer_guide(page, screen)
            assert "lpstat -t" in shown
            page.screenshot(path=str(ARTIFACTS / "serve-outcome.png"))
        finally:
            browser.close()
    assert (ARTIFACTS / "serve-outcome.png").stat().st_size > 1000
    # The served app logs like the TUI, as frontend "web": one record for the walk.
    records = wait_for_records(server, 1)
    assert [(r["frontend"], r["outcome"], r["path"]) for r in records] == [
        ("web", "escalate", ["power", "queue", "call-support"])
    ]
    # The token is in the one line that printed the address, and in no log.
    assert server.err.read_text().count(server.token) == 1
    assert server.token not in server.out.read_text()
    assert "token=[REDACTED]" in server.out.read_text()  # the access log's line of it


def wait_for_filtered(page, screen: Screen, wanted: str, gone: str, timeout: float = 30) -> None:  # type: ignore[no-untyped-def]
    """The palette filters as it is typed into, a frame or more later: Enter before
    that picks whatever was first in the unfiltered list. Wait until `wanted` shows,
    `gone` (filtered out) does not, and the screen has stopped changing."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        page.wait_for_timeout(300)
        shown = screen.text()
        if wanted in shown and gone not in shown and shown == last:
            return
        last = shown
    raise AssertionError(f"the palette never showed only {wanted!r}:\n{screen.text()}")


def background(screen: Screen) -> str:
    """The colour most of the app's screen is painted in."""
    from collections import Counter

    cells = screen.screen.buffer
    counts = Counter(
        cells[y][x].bg for y in range(screen.screen.lines) for x in range(screen.screen.columns)
    )
    counts.pop("default", None)
    return counts.most_common(1)[0][0] if counts else "default"


def test_visitors_share_nothing_one_of_them_made(server: Served) -> None:
    """Two browser contexts are two visitors: what the first walks, half-walks and
    picks (recently used guides, a walk in progress, a theme) never reaches the
    second, nor the user's own state and config."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            first, first_screen = open_app(browser, server.url)
            walk_the_printer_guide(first, first_screen)
            first.keyboard.press("Control+p")  # the palette's Theme command
            wait_for_text(first, first_screen, "Theme")
            for key in "theme":
                first.keyboard.press(key)
                first.wait_for_timeout(50)
            first.keyboard.press("Enter")
            for key in "high":
                first.keyboard.press(key)
                first.wait_for_timeout(50)
            wait_for_filtered(first, first_screen, "selfhelp-high-contrast", "textual-dark")
            first.keyboard.press("Enter")
            deadline = time.monotonic() + 10  # the theme is in use: a black screen
            while time.monotonic() < deadline and background(first_screen) != "000000":
                first.wait_for_timeout(100)
            assert background(first_screen) == "000000"
            first.keyboard.press("Escape")
            first.keyboard.press("Escape")
            # A second walk, left in the middle.
            first.keyboard.press("Control+p")
            wait_for_text(first, first_screen, "Theme")
            for key in "first":
                first.keyboard.press(key)
                first.wait_for_timeout(50)
            first.keyboard.press("Enter")
            first.wait_for_timeout(1000)

            second, second_screen = open_app(browser, server.url)
            shown = wait_for_text(second, second_screen, "The printer does not print")
            second.wait_for_timeout(1000)  # everything the home screen would show
            shown = second_screen.text()
            assert "Recently used" not in shown and "Resume" not in shown, shown
        finally:
            browser.close()
    state = server.data / "state"
    assert not (state / "recent.json").exists() and not (state / "walk.json").exists()
    config = server.data / "config" / "config.yaml"
    assert not config.exists() or "theme" not in config.read_text()
    # The outcome log still records the web walks.
    assert [r["frontend"] for r in wait_for_records(server, 1)][:1] == ["web"]


ATTACK = """<!doctype html><title>a page of another site</title><script>
window.result = new Promise((resolve) => {
  const ws = new WebSocket("ws://127.0.0.1:PORT/ws?width=100&height=30");
  ws.binaryType = "arraybuffer";
  let opened = false, bytes = 0;
  ws.onopen = async () => {
    opened = true;
    const send = (key) => ws.send(JSON.stringify(["stdin", key]));
    await new Promise((r) => setTimeout(r, 3000));
    for (const key of ["p", "r", "i", "n", "t", "r", "\\r"]) { send(key); await new Promise((r) => setTimeout(r, 300)); }
    for (const key of ["1", "2"]) { send(key); await new Promise((r) => setTimeout(r, 1500)); }
  };
  ws.onmessage = (event) => { bytes += event.data.byteLength || event.data.length; };
  ws.onclose = (event) => resolve({ opened, bytes, code: event.code });
  setTimeout(() => resolve({ opened, bytes, code: "still open" }), 15000);
});
</script>"""


def test_a_page_from_another_origin_cannot_drive_the_app(server: Served) -> None:
    """Cross-site WebSocket hijacking: another origin (a second local server, on
    another port, so the browser even sends the cookie) opens the app's socket and
    types a walk. The browser that visited the printed address first is the worst
    case; the socket must not open, and no app must run (no `frontend: web` record)."""
    import http.server
    import threading

    from playwright.sync_api import sync_playwright

    page_text = ATTACK.replace("PORT", str(server.port)).encode()

    class Attacker(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(page_text)

        def log_message(self, *args: object) -> None:
            pass

    evil = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Attacker)
    threading.Thread(target=evil.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            try:
                page, screen = open_app(browser, server.url)  # the user's own tab
                wait_for_text(page, screen, "The printer does not print")
                attack = page.context.new_page()
                attack.goto(f"http://127.0.0.1:{evil.server_address[1]}/")
                result = attack.evaluate("window.result")
            finally:
                browser.close()
    finally:
        evil.shutdown()
    assert result["opened"] is False and result["bytes"] == 0, result
    assert server.records() == []  # the user's tab walked nothing; neither did the attacker


def http_status(port: int, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str]]:
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}
    finally:
        conn.close()


def upgrade(port: int, **headers: str) -> dict[str, str]:
    """The headers of a WebSocket upgrade of /ws, as a browser sends it."""
    return {
        "Host": f"127.0.0.1:{port}",
        "Connection": "Upgrade",
        "Upgrade": "websocket",
        "Sec-WebSocket-Version": "13",
        "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
        **headers,
    }


def test_dns_rebinding_a_missing_token_and_other_origins_are_refused(server: Served) -> None:
    port, token, cookie = server.port, server.token, f"selfhelp-serve-{server.port}"
    assert token is not None
    mine = f"{cookie}={token}"
    # DNS rebinding: the attacker's name for 127.0.0.1, even with the right token.
    assert http_status(port, f"/?token={token}", {"Host": "attacker.example"})[0] == 421
    assert http_status(port, f"/?token={token}", {"Host": f"attacker.example:{port}"})[0] == 421
    assert (
        http_status(port, "/ws", upgrade(port, Host=f"attacker.example:{port}", Cookie=mine))[0]
        == 421
    )
    # No token, a wrong one, a wrong cookie: refused, page, socket and files alike.
    assert http_status(port, "/", {})[0] == 403
    assert http_status(port, "/?token=" + "x" * len(token), {})[0] == 403
    assert http_status(port, "/", {"Cookie": f"{cookie}=nope"})[0] == 403
    assert http_status(port, "/static/js/textual.js", {})[0] == 403
    assert http_status(port, "/ws", upgrade(port, Origin=server.origin))[0] == 403
    # Another origin, with the cookie (same site, another port): refused.
    other = f"http://127.0.0.1:{port + 1}"
    assert http_status(port, "/ws", upgrade(port, Origin=other, Cookie=mine))[0] == 403
    assert http_status(port, "/ws", upgrade(port, Origin="null", Cookie=mine))[0] == 403
    # The printed address: traded for the cookie, then the page and the socket open.
    status, headers = http_status(port, f"/?token={token}&fontsize=14", {})
    assert status == 302 and headers["location"] == "/?fontsize=14"
    set_cookie = headers["set-cookie"]
    assert (
        set_cookie.startswith(mine) and "HttpOnly" in set_cookie and "SameSite=Strict" in set_cookie
    )
    status, headers = http_status(port, "/", {"Cookie": mine})
    assert status == 200 and headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "no-referrer"
    assert http_status(port, "/ws", upgrade(port, Origin=server.origin, Cookie=mine))[0] == 101
    assert http_status(port, "/", {"Cookie": mine, "Host": f"localhost:{port}"})[0] == 200


def test_no_token_only_when_asked_and_with_a_warning(tmp_path: Path, cli_env) -> None:  # type: ignore[no-untyped-def]
    proc, served = start_serve(tmp_path, cli_env, "--no-token")
    try:
        assert served.token is None
        assert "WARNING: --no-token" in served.err.read_text()
        port = served.port
        assert http_status(port, "/", {})[0] == 200
        assert http_status(port, "/", {"Host": f"attacker.example:{port}"})[0] == 421
        other = f"http://127.0.0.1:{port + 1}"
        assert http_status(port, "/ws", upgrade(port, Origin=other))[0] == 403
    finally:
        stop(proc)


def test_the_gate_reads_hosts_and_origins_strictly() -> None:
    from selfhelp_tui.cli.serve_guard import Gate, split_host

    assert split_host("[::1]:8000", 80) == ("::1", 8000)
    assert split_host("Example.COM", 80) == ("example.com", 80)
    assert split_host("a:b:c", 80) is None and split_host("h:x", 80) is None
    gate = Gate("127.0.0.1", 8000, "s3")
    assert gate.host_ok("127.0.0.1:8000") and gate.host_ok("localhost:8000")
    assert gate.host_ok("[::1]:8000")
    assert not gate.host_ok("127.0.0.1:8001") and not gate.host_ok("127.0.0.1")
    assert not gate.host_ok("attacker.example:8000") and not gate.host_ok(None)
    assert not gate.host_ok("10.0.0.1:8000")  # bound to loopback: no other address
    assert gate.origin_ok("http://127.0.0.1:8000", "127.0.0.1:8000")
    assert not gate.origin_ok("http://localhost:8000", "127.0.0.1:8000")
    assert not gate.origin_ok("http://127.0.0.1:8001", "127.0.0.1:8000")
    assert not gate.origin_ok("null", "127.0.0.1:8000")
    assert not gate.origin_ok("file://", "127.0.0.1:8000")
    assert gate.token_ok("s3") and not gate.token_ok("s4") and not gate.token_ok(None)
    anywhere = Gate("0.0.0.0", 8000, None)
    assert anywhere.host_ok("192.0.2.7:8000") and anywhere.host_ok("[2001:db8::1]:8000")
    assert not anywhere.host_ok("attacker.example:8000")  # a name is what rebinding uses
    assert anywhere.token_ok(None)


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
