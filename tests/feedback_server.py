"""A real HTTP server on 127.0.0.1 that fails on demand, for upload tests.

It answers each request with the next planned fault (or 200 when the plan is
empty), and remembers every record_id it received in a 2xx-answered request, so
tests can check exactly-once delivery by record_id.
"""

from __future__ import annotations

import gzip
import json
import socket
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class Fault:
    def __init__(
        self,
        status: int = 200,
        headers: dict[str, str] | None = None,
        delay: float = 0.0,
        reset: bool = False,
        accept_then_fail: bool = False,
    ) -> None:
        self.status = status
        self.headers = headers or {}
        self.delay = delay
        self.reset = reset
        #: Store the records but answer with `status` (a lost acknowledgement).
        self.accept_then_fail = accept_then_fail


class FaultyServer:
    def __init__(self) -> None:
        self.plan: list[Fault] = []
        self.received: Counter[str] = Counter()  # record_id -> times stored
        self.requests: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                with server.lock:
                    fault = server.plan.pop(0) if server.plan else Fault()
                    server.requests.append(
                        {"path": self.path, "headers": dict(self.headers), "body": body}
                    )
                if fault.reset:
                    self.connection.setsockopt(
                        socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"
                    )
                    self.connection.close()
                    return
                if fault.delay:
                    time.sleep(fault.delay)
                if 200 <= fault.status < 300 or fault.accept_then_fail:
                    server._store(self.path, self.headers, body)
                self.send_response(fault.status)
                for key, value in fault.headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )

    def _store(self, path: str, headers: Any, body: bytes) -> None:
        ids = []
        if path.endswith("/v1/logs"):
            data = json.loads(body)
            for rl in data["resourceLogs"]:
                for sl in rl["scopeLogs"]:
                    for log in sl["logRecords"]:
                        attrs = {a["key"]: a["value"] for a in log["attributes"]}
                        ids.append(attrs["selfhelp.record_id"]["stringValue"])
        else:
            if headers.get("Content-Encoding") == "gzip":
                body = gzip.decompress(body)
            ids = [json.loads(line)["record_id"] for line in body.decode().splitlines() if line]
        with self.lock:
            self.received.update(ids)

    def __enter__(self) -> FaultyServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
