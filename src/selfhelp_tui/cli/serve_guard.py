"""The gate in front of `selfhelp serve`: who may load the page and drive the app.

The threat: textual-serve answers anyone who can reach its address. Any web page
the user visits can open `ws://127.0.0.1:PORT/ws` (browsers do not apply the
same-origin policy to WebSockets), walk a guide, read the screen and, through an
allowed `run` check, act on the machine; a DNS-rebinding page reaches it under its
own host name. So every request must pass three checks:

1. Host: the request names the served address (host:port; for a loopback bind,
   also `localhost` and the loopback addresses; for a wildcard bind, this
   machine's name or an IP literal, which no rebinding can produce). Else 421.
2. Origin, when the browser sends one (always on a WebSocket): the page making the
   request is the served page itself, same scheme, host and port. Else 403.
3. The secret: a per-launch token in the address `serve` prints (`?token=...`, as
   Jupyter does). The first page load trades it for an HttpOnly, SameSite=Strict
   cookie named after the port and is redirected to the address without it, so the
   token stays out of the address bar and history; the WebSocket then carries the
   cookie. Compared in constant time; never logged (the access log is filtered,
   and the app process never sees it). `--no-token` turns this check off, only
   when asked, with a warning. Else 403.

Responses also forbid framing (clickjacking) and referrers. This module is only
imported by `selfhelp serve`, which needs the `web` extra.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import re
import secrets
import socket
import sys
from urllib.parse import urlencode, urlsplit

from ..i18n import _

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

WILDCARDS = {"", "0.0.0.0", "::"}
LOOPBACK = {"localhost", "127.0.0.1", "::1"}
_TOKEN_IN_TEXT = re.compile(r"([?&]token=)[^&\s\"']+")


def new_token() -> str:
    return secrets.token_urlsafe(32)


def _ip(name: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(name)
    except ValueError:
        return None


def split_host(value: str, default_port: int) -> tuple[str, int] | None:
    """`name:port`, `[v6]:port`, `name` -> (lower-case name, port); None if malformed."""
    value = value.strip().lower()
    if not value:
        return None
    if value.startswith("["):
        end = value.find("]")
        if end < 0:
            return None
        name, rest = value[1:end], value[end + 1 :]
        if rest and not rest.startswith(":"):
            return None
        port_text = rest[1:]
    else:
        name, _sep, port_text = value.partition(":")
        if ":" in port_text:
            return None
    if not port_text:
        return name, default_port
    if not port_text.isdigit():
        return None
    return name, int(port_text)


class Gate:
    """The three checks, as pure functions of the request's headers."""

    def __init__(self, host: str, port: int, token: str | None) -> None:
        self.host = host.strip("[]").lower()
        self.port = port
        self.token = token
        self.cookie = f"selfhelp-serve-{port}"
        self.wildcard = self.host in WILDCARDS
        names = {self.host}
        ip = _ip(self.host)
        if self.host in LOOPBACK or (ip is not None and ip.is_loopback):
            names |= LOOPBACK
        if self.wildcard:
            names |= LOOPBACK | {socket.gethostname().lower()}
        self.names = frozenset(names)

    def host_ok(self, header: str | None) -> bool:
        split = split_host(header or "", 80)
        if split is None or split[1] != self.port:
            return False
        name = split[0]
        return name in self.names or (self.wildcard and _ip(name) is not None)

    def origin_ok(self, origin: str, host_header: str) -> bool:
        """The page is this very server's (the Host was checked already)."""
        try:
            parts = urlsplit(origin.strip())
        except ValueError:
            return False
        if parts.scheme not in ("http", "https") or not parts.netloc:
            return False
        default = 443 if parts.scheme == "https" else 80
        return split_host(parts.netloc, default) == split_host(host_header, 80)

    def token_ok(self, given: str | None) -> bool:
        if self.token is None:
            return True
        if not given:
            return False
        return hmac.compare_digest(given.encode("utf-8"), self.token.encode("utf-8"))

    def url(self) -> str:
        """The address to open, token included."""
        shown = socket.gethostname() if self.wildcard else self.host
        if ":" in shown:
            shown = f"[{shown}]"
        query = f"/?{urlencode({'token': self.token})}" if self.token else "/"
        return f"http://{shown}:{self.port}{query}"


class _HideToken(logging.Filter):
    """The access log shows requests, never the token in them."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = _TOKEN_IN_TEXT.sub(r"\1[REDACTED]", record.getMessage())
            record.args = ()
        for key in ("first_request_line", "request_line"):
            value = getattr(record, key, None)
            if isinstance(value, str):
                setattr(record, key, _TOKEN_IN_TEXT.sub(r"\1[REDACTED]", value))
        return True


def make_server(command: str, gate: Gate, title: str) -> Any:
    """A textual-serve Server with the gate in front of every route."""
    import aiohttp_jinja2
    from aiohttp import web
    from textual_serve.server import Server, to_int

    def refuse(status: int, text: str) -> web.Response:
        return web.Response(status=status, text=text + "\n", content_type="text/plain")

    @web.middleware
    async def guard(request: web.Request, handler: Any) -> web.StreamResponse:
        host = request.headers.get("Host")
        if not gate.host_ok(host):
            return refuse(
                421, _("This server answers only at the address `selfhelp serve` printed.")
            )
        origin = request.headers.get("Origin")
        if origin is not None and not gate.origin_ok(origin, host or ""):
            return refuse(403, _("A page from another site may not use selfhelp."))
        if gate.token is None:
            return await handler(request)
        given = request.query.get("token")
        if given is not None:
            if not gate.token_ok(given):
                return refuse(403, _("Open the address that `selfhelp serve` printed."))
            if request.method in ("GET", "HEAD") and "Upgrade" not in request.headers:
                # Trade the token for a cookie, and drop it from the address.
                rest = [(k, v) for k, v in request.query.items() if k != "token"]
                location = request.path + (f"?{urlencode(rest)}" if rest else "")
                found = web.HTTPFound(location)
                found.set_cookie(
                    gate.cookie, gate.token, httponly=True, samesite="Strict", path="/"
                )
                return found
            return await handler(request)
        if gate.token_ok(request.cookies.get(gate.cookie)):
            return await handler(request)
        return refuse(403, _("Open the address that `selfhelp serve` printed."))

    async def headers(request: web.Request, response: web.StreamResponse) -> None:
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Content-Security-Policy"] = "frame-ancestors 'none'"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cache-Control"] = "no-store"

    class GuardedServer(Server):  # type: ignore[misc]
        async def _make_app(self) -> web.Application:
            app = await super()._make_app()
            app.middlewares.append(guard)
            app.on_response_prepare.append(headers)
            return app

        async def handle_index(self, request: web.Request) -> web.StreamResponse:
            """textual-serve's page, with its WebSocket at the address the page was
            reached at (already checked), so the socket is same-origin."""
            scheme = "https" if request.secure else "http"
            base = f"{scheme}://{request.host}"
            context = {
                "font_size": to_int(request.query.get("fontsize", "16"), 16),
                "app_websocket_url": f"{'wss' if request.secure else 'ws'}://{request.host}/ws",
                "config": {"static": {"url": f"{base}/static/"}},
                "application": {"name": self.title},
            }
            return aiohttp_jinja2.render_template("app_index.html", request, context)

        def initialize_logging(self) -> None:
            super().initialize_logging()
            logging.getLogger("aiohttp.access").addFilter(_HideToken())

        async def on_startup(self, app: web.Application) -> None:
            print(
                _("Serving selfhelp on {url} (Ctrl+C to stop)").format(url=gate.url()),
                file=sys.stderr,
                flush=True,
            )

    return GuardedServer(command, host=gate.host or "0.0.0.0", port=gate.port, title=title)
