"""Sending pending records to the product team's endpoint, exactly once by record_id.

A batch is marked delivered only after a 2xx. Every batch carries an
`Idempotency-Key` (derived from its record ids), so a batch resent after a lost
acknowledgement can be recognised; each record also carries its own record_id.
Status handling (docs/feedback.md has the table):

- 2xx: delivered.
- 429, 502, 503, 504: retry after Retry-After (seconds or HTTP-date), else
  exponential backoff with jitter.
- 500, timeouts, resets, refused connections: retry a bounded number of times.
- 413: split the batch in two and try each half.
- 400, 422: the records are set aside as rejected (kept, counted, never retried).
- 401, 403, 404 (and any other 4xx): stop, say why, keep everything pending.
- anything else (1xx, 3xx, other 5xx): stop, keep everything pending.

The whole upload has a time budget; nothing is ever retried in a tight loop.
"""

from __future__ import annotations

import email.utils
import functools
import gzip
import hashlib
import http.client
import ipaddress
import json
import random
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable

from ..i18n import _
from ..record import field, record
from .record import record_problem
from .store import EVERY, Route, Store, StoreError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

MAX_BATCH_RECORDS = 500
MAX_BATCH_BYTES = 1024 * 1024  # gzip-compressed
RETRY_AFTER_CAP_S = 300.0

RETRY_LATER = {429, 502, 503, 504}
RETRY_SOON = {500}
REJECTED = {400, 422}
STOP = {401, 403, 404}


def classify(status: int) -> str:
    """What to do after a status code: delivered, retry, split, reject or stop."""
    if 200 <= status < 300:
        return "delivered"
    if status in RETRY_LATER or status in RETRY_SOON:
        return "retry"
    if status == 413:
        return "split"
    if status in REJECTED:
        return "reject"
    return "stop"


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait, from `Retry-After: 120` or an HTTP-date; None if absent or bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), RETRY_AFTER_CAP_S)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    delay = when.timestamp() - (time.time() if now is None else now)
    return min(max(delay, 0.0), RETRY_AFTER_CAP_S)


class EndpointError(ValueError):
    """An endpoint we refuse to send to (plain http to another machine, a bad URL)."""


def check_url(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return url
    if parts.scheme == "http" and parts.hostname and _is_local(parts.hostname):
        return url
    if parts.scheme == "http":
        raise EndpointError("plain http is only allowed to this machine (localhost); use https")
    raise EndpointError(f"not an http(s) URL: {url}")


def _is_local(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@record
class Options:
    url: str
    format: str = "ndjson"  # or "otlp"
    timeout_s: float = 10.0
    total_s: float = 120.0
    max_attempts: int = 5
    backoff_base_s: float = 0.5
    backoff_cap_s: float = 30.0
    batch_records: int = MAX_BATCH_RECORDS
    batch_bytes: int = MAX_BATCH_BYTES


@record
class Result:
    delivered: int = 0
    rejected: int = 0
    pending: int = 0
    batches: int = 0
    attempts: int = 0
    stopped: str | None = None
    log: list[str] = field(default_factory=list)


def ndjson_body(records: list[dict[str, Any]]) -> bytes:
    lines = "".join(
        json.dumps(r, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n"
        for r in records
    )
    return gzip.compress(lines.encode("utf-8"), mtime=0)


def otlp_body(records: list[dict[str, Any]]) -> bytes:
    """OTLP/HTTP JSON `LogsData`: one log record per outcome record, its fields as
    attributes, so a stock OpenTelemetry Collector receives it unchanged."""
    from .. import __version__

    def value(v: Any) -> dict[str, Any]:
        if isinstance(v, bool):
            return {"boolValue": v}
        if isinstance(v, int):
            return {"intValue": str(v)}
        if isinstance(v, list):
            return {"arrayValue": {"values": [value(x) for x in v]}}
        if v is None:
            return {}
        return {"stringValue": str(v)}

    logs = [
        {
            "severityText": "INFO",
            "body": {"stringValue": f"selfhelp outcome: {r['outcome']}"},
            "attributes": [
                {"key": f"selfhelp.{k}", "value": value(v)} for k, v in sorted(r.items())
            ],
        }
        for r in records
    ]
    data = {
        "resourceLogs": [
            {
                "resource": {
                    "attributes": [{"key": "service.name", "value": {"stringValue": "selfhelp"}}]
                },
                "scopeLogs": [
                    {
                        "scope": {"name": "selfhelp.feedback", "version": __version__},
                        "logRecords": logs,
                    }
                ],
            }
        ]
    }
    return json.dumps(data, separators=(",", ":")).encode("utf-8")


def idempotency_key(records: list[dict[str, Any]]) -> str:
    ids = "\n".join(sorted(r["record_id"] for r in records))
    return hashlib.sha256(ids.encode()).hexdigest()


Sender = Callable[[str, bytes, dict[str, str], float], tuple[int, dict[str, str]]]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer ("stop"), never a reason to send the records elsewhere."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


@functools.lru_cache(maxsize=1)
def _opener() -> urllib.request.OpenerDirector:
    """Built once per process: loading the system's certificates for every batch
    cost more than sending it."""
    context = ssl.create_default_context()  # certificates are always checked
    return urllib.request.build_opener(_NoRedirect, urllib.request.HTTPSHandler(context=context))


def http_send(
    url: str, body: bytes, headers: dict[str, str], timeout: float
) -> tuple[int, dict[str, str]]:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    opener = _opener()
    try:
        with opener.open(request, timeout=timeout) as response:
            response.read()
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers or {})


class Uploader:
    def __init__(
        self,
        store: Store,
        options: Options,
        send: Sender = http_send,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        progress: Callable[[int, int], None] | None = None,
        rng: random.Random | None = None,
        route: Route = EVERY,
    ) -> None:
        #: Which pending records this endpoint takes (feedback/endpoints.py).
        self.route = route
        self.store = store
        self.options = options
        self.send = send
        self.sleep = sleep
        self.clock = clock
        self.progress = progress
        self.rng = rng or random.Random()

    def run(self) -> Result:
        opts = self.options
        url = check_url(opts.url)
        if opts.format == "otlp":
            url = url.rstrip("/") + "/v1/logs" if not url.rstrip("/").endswith("/v1/logs") else url
        result = Result()
        deadline = self.clock() + opts.total_s
        total = self.store.count_pending(self.route)
        while result.stopped is None:
            batch = list(self.store.pending(limit=opts.batch_records, route=self.route))
            if not batch:
                break
            try:
                batch = self._set_aside_invalid(batch, result)
                if batch:
                    self._send_batch(url, batch, result, deadline)
            except StoreError as exc:
                # Delivered, but the log cannot say so: stop here, or the same
                # batch would go out again and again. Receivers drop the repeat
                # by record_id at the next upload.
                result.stopped = _(
                    "the log could not be updated ({reason}); the records of this batch "
                    "go again at the next upload"
                ).format(reason=exc)
            if self.progress:
                self.progress(result.delivered + result.rejected, total)
        result.pending = self.store.count_pending(self.route)
        return result

    def _set_aside_invalid(
        self, batch: list[dict[str, Any]], result: Result
    ) -> list[dict[str, Any]]:
        """A record that is not of the documented schema (a log written by hand, or
        by a broken version) is set aside as rejected here, never sent: it would
        only make the server refuse its whole batch."""
        sound = [record_problem(r) is None for r in batch]
        if all(sound):
            return batch
        bad = [r for r, ok in zip(batch, sound, strict=True) if not ok]
        ids = [r["record_id"] for r in bad if isinstance(r, dict) and "record_id" in r]
        if len(ids) < len(bad):  # nothing to set them aside by: never loop on them
            raise StoreError("other", "a record in the log has no record_id")
        self.store.mark(ids, "rejected")
        result.rejected += len(ids)
        result.log.append(f"{len(ids)} records set aside: not outcome records of schema 1")
        return [r for r, ok in zip(batch, sound, strict=True) if ok]

    def _body(self, batch: list[dict[str, Any]]) -> tuple[bytes, dict[str, str]]:
        headers = {"Idempotency-Key": idempotency_key(batch), "User-Agent": "selfhelp-feedback"}
        if self.options.format == "otlp":
            headers["Content-Type"] = "application/json"
            return otlp_body(batch), headers
        headers["Content-Type"] = "application/x-ndjson"
        headers["Content-Encoding"] = "gzip"
        return ndjson_body(batch), headers

    def _send_batch(
        self, url: str, batch: list[dict[str, Any]], result: Result, deadline: float
    ) -> None:
        body, headers = self._body(batch)
        if len(body) > self.options.batch_bytes and len(batch) > 1:
            half = len(batch) // 2
            self._send_batch(url, batch[:half], result, deadline)
            if result.stopped is None:
                self._send_batch(url, batch[half:], result, deadline)
            return
        ids = [r["record_id"] for r in batch]
        for attempt in range(self.options.max_attempts):
            if self.clock() >= deadline:
                result.stopped = (
                    "the upload took longer than its time budget; the rest stays pending"
                )
                return
            result.attempts += 1
            try:
                timeout = min(self.options.timeout_s, max(0.1, deadline - self.clock()))
                status, response_headers = self.send(url, body, headers, timeout)
            except (TimeoutError, OSError, http.client.HTTPException) as exc:
                result.log.append(f"network error: {exc}")
                self._wait(attempt, None, deadline)
                continue
            action = classify(status)
            result.log.append(f"{status} for {len(batch)} records: {action}")
            if action == "delivered":
                self.store.mark(ids, "sent")
                result.delivered += len(batch)
                result.batches += 1
                return
            if action == "split":
                if len(batch) == 1:
                    self.store.mark(ids, "rejected")
                    result.rejected += 1
                    return
                half = len(batch) // 2
                self._send_batch(url, batch[:half], result, deadline)
                if result.stopped is None:
                    self._send_batch(url, batch[half:], result, deadline)
                return
            if action == "reject":
                self.store.mark(ids, "rejected")
                result.rejected += len(batch)
                return
            if action == "stop":
                reason = {401: "not authorised (401)", 403: "forbidden (403)",
                          404: "no such endpoint (404)"}.get(status, f"HTTP {status}")  # fmt: skip
                result.stopped = f"the server said {reason}; everything stays pending"
                return
            retry_after = parse_retry_after(_header(response_headers, "Retry-After"))
            self._wait(attempt, retry_after, deadline)
        result.stopped = "the server kept failing; the rest stays pending for the next upload"

    def _wait(self, attempt: int, retry_after: float | None, deadline: float) -> None:
        if retry_after is None:
            cap = min(self.options.backoff_cap_s, self.options.backoff_base_s * 2**attempt)
            delay = self.rng.uniform(cap / 2, cap)  # exponential, with jitter
        else:
            delay = retry_after
        self.sleep(max(0.0, min(delay, deadline - self.clock())))


def _header(headers: dict[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name.lower():
            return value
    return None
