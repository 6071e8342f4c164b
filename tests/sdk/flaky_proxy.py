"""A real HTTP proxy in front of the live server that misbehaves on request, for the SDK tests.

The first path segment picks the behaviour (no header needed, so any SDK can use it):

- `/ok/...` (or no scenario segment at all): forwarded as is.
- `/ratelimit-once/...`: the first request for each (method, path) answers 429 in the error
  envelope with `Retry-After: 1`; later ones are forwarded.
- `/drop-once/...`: the first POST for each path is forwarded, the server's answer is thrown
  away and the client gets 503; later requests are forwarded.
- `/fail-once/...`: the first request for each (method, path) answers 503 without reaching
  the server; later ones are forwarded.

Every request is recorded (scenario, method, path, headers, monotonic time, status answered)
and readable as JSON at `GET /__log`.
"""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import httpx

SCENARIOS = ("ok", "ratelimit-once", "drop-once", "fail-once")
HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-connection",
    "transfer-encoding",
    "te",
    "trailer",
    "upgrade",
    "host",
    "content-length",
    "accept-encoding",
}


def _envelope(message: str, code: str) -> bytes:
    stamp = datetime.now(UTC).isoformat().replace("+00:00", "Z")
    body = {"success": False, "error": message, "details": None, "code": code, "timestamp": stamp}
    return json.dumps(body).encode()


class FlakyProxy:
    """Start with `with FlakyProxy(upstream) as proxy:`; `proxy.url("drop-once")`, `proxy.log`."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream.rstrip("/")
        self.log: list[dict[str, Any]] = []
        self._seen: set[tuple[str, str, str]] = set()
        self._lock = threading.Lock()
        self._client = httpx.Client(timeout=60.0, follow_redirects=False)
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as SDK connection pools expect

            def log_message(self, *args: object) -> None:
                return None

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                status, headers, answer = proxy.handle(
                    self.command, self.path, dict(self.headers.items()), body
                )
                self.send_response(status)
                for name, value in headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(answer)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def url(self, scenario: str = "ok", path: str = "/api/v1") -> str:
        """The proxy's address for a scenario, e.g. `http://127.0.0.1:port/drop-once/api/v1`."""
        if scenario not in SCENARIOS:
            raise ValueError(f"unknown scenario {scenario!r}; one of {SCENARIOS}")
        return f"{self.base}/{scenario}{path}"

    @property
    def log_url(self) -> str:
        return f"{self.base}/__log"

    def handle(
        self, method: str, raw_path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        """Answer one request: (status, headers, body)."""
        as_json = [("Content-Type", "application/json")]
        if raw_path.split("?", 1)[0] == "/__log":
            with self._lock:
                return 200, as_json, json.dumps(self.log).encode()
        first, _, rest = raw_path.lstrip("/").partition("/")
        scenario = first if first in SCENARIOS else "ok"
        forward_path = "/" + rest if first in SCENARIOS else raw_path
        path_only = urlsplit(forward_path).path
        with self._lock:
            first_time = (scenario, method, path_only) not in self._seen
            self._seen.add((scenario, method, path_only))
            entry: dict[str, Any] = {
                "scenario": scenario,
                "method": method,
                "path": forward_path,
                "headers": headers,
                "time": time.monotonic(),
                "status": None,
            }
            self.log.append(entry)
        if scenario == "ratelimit-once" and first_time:
            entry["status"] = 429
            extra = [("Retry-After", "1"), ("X-Request-ID", "proxy-ratelimit")]
            return 429, as_json + extra, _envelope("Rate limit exceeded", "RATE_LIMIT_EXCEEDED")
        if scenario == "fail-once" and first_time:
            entry["status"] = 503
            return 503, as_json, _envelope("Service unavailable", "INTERNAL_ERROR")
        try:
            status, answer_headers, answer = self._forward(method, forward_path, headers, body)
        except httpx.HTTPError as exc:
            entry["status"] = 502
            return 502, as_json, _envelope(f"proxy: upstream failed: {exc}", "INTERNAL_ERROR")
        entry["upstream_status"] = status
        if scenario == "drop-once" and method == "POST" and first_time:
            entry["status"] = 503
            return 503, as_json, _envelope("Service unavailable", "INTERNAL_ERROR")
        entry["status"] = status
        return status, answer_headers, answer

    def _forward(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        sent = {k: v for k, v in headers.items() if k.lower() not in HOP_BY_HOP}
        sent["Accept-Encoding"] = "identity"  # the body is passed on as is
        response = self._client.request(method, self.upstream + path, headers=sent, content=body)
        # httpx hands over the decoded body, so any content-encoding no longer applies.
        dropped = {*HOP_BY_HOP, "content-encoding"}
        kept = [(k, v) for k, v in response.headers.multi_items() if k.lower() not in dropped]
        return response.status_code, kept, response.content

    def __enter__(self) -> FlakyProxy:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._client.close()
